//! Rustdoc attributes built from spec descriptions, quirks and notes.
//!
//! Spec text is vendor prose, not markdown written for rustdoc, and the generated crate must
//! build its docs and pass clippy without warnings. [`prose`] therefore neutralises what
//! rustdoc or clippy would act on: bare URLs (`rustdoc::bare_urls`), stray brackets
//! (unresolved intra-doc links), `<…>` (`rustdoc::invalid_html_tags`), list items
//! continued on the next line (`clippy::doc_lazy_continuation`) and tabs
//! (`clippy::tabs_in_doc_comments`).
//!
//! Above all, vendor text must never become a doctest: a reviewer reads YAML, and `cargo
//! test --doc` would compile and run any Rust code block in it. Every fenced block,
//! whatever its info string (rustdoc runs `ignore-<target>`, `edition2021`, `E0001`, … as
//! Rust), is re-fenced as `text` with a fence longer than any backtick run inside it;
//! indentation that would make an indented code block (at line start or after list and
//! quote markers) is removed; and fence markers anywhere else are escaped. Text that
//! follows a label on the same line goes through [`inline_prose`], which keeps it on
//! that line, where no block can start.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::load::cited_page;
use crate::model::VendorPage;

/// Accumulates documentation paragraphs and renders them as `#[doc]` attributes.
#[derive(Default)]
pub struct Doc {
    lines: Vec<String>,
}

impl Doc {
    /// Starts with a first paragraph of vendor prose (may be empty).
    pub fn prose(first: &str) -> Self {
        let mut doc = Doc::default();
        doc.add_prose(first);
        doc
    }

    /// Adds a paragraph of markdown written by the generator; multi-line text keeps its
    /// lines. Empty text is ignored.
    pub fn paragraph(&mut self, text: impl Into<String>) -> &mut Self {
        let text = text.into();
        let text = text.trim();
        if text.is_empty() {
            return self;
        }
        if !self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.lines.extend(text.lines().map(clean_line));
        self
    }

    /// Adds a paragraph of vendor prose, made safe for rustdoc.
    pub fn add_prose(&mut self, text: &str) -> &mut Self {
        self.paragraph(prose(text))
    }

    /// Adds an optional paragraph of vendor prose.
    pub fn maybe_prose(&mut self, text: Option<&str>) -> &mut Self {
        if let Some(text) = text {
            self.add_prose(text);
        }
        self
    }

    /// Adds one "Quirk: …" paragraph per recorded documentation quirk. A quirk that cites
    /// one of `pages` (`<name>: …`) names the page by its title, linked to it.
    pub fn quirks(&mut self, quirks: &[String], pages: &BTreeMap<String, VendorPage>) -> &mut Self {
        for quirk in quirks {
            let cited = cited_page(quirk, pages).and_then(|name| {
                let page = pages.get(name)?;
                Some((page, quirk.get(name.len() + 2..)?))
            });
            // The label and the text are made safe together: a fence on the text's first
            // line would otherwise follow the label and be misread.
            match cited {
                Some((page, text)) => {
                    let safe = prose(&format!("Quirk: {text}"));
                    let text = safe.strip_prefix("Quirk: ").unwrap_or(&safe);
                    self.paragraph(format!("Quirk ({}): {text}", page_citation(page)))
                }
                None => self.add_prose(&format!("Quirk: {quirk}")),
            };
        }
        self
    }

    /// The lines of the documentation, without the leading space of each comment.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().map(String::as_str)
    }

    /// Renders outer `#[doc = " …"]` attributes, printed as `///` comments.
    pub fn tokens(&self) -> TokenStream {
        let lines = self.lines.iter().map(|line| {
            let text = doc_text(line);
            quote!(#[doc = #text])
        });
        quote!(#(#lines)*)
    }

    /// Renders inner `#![doc = " …"]` attributes, printed as `//!` comments.
    pub fn inner_tokens(&self) -> TokenStream {
        let lines = self.lines.iter().map(|line| {
            let text = doc_text(line);
            quote!(#![doc = #text])
        });
        quote!(#(#lines)*)
    }
}

fn doc_text(line: &str) -> String {
    if line.is_empty() {
        String::new()
    } else {
        format!(" {line}")
    }
}

/// Tabs and control characters are never wanted in a doc line: clippy rejects tabs, and a
/// bare carriage return is a compile error in a doc comment. Bidirectional controls (which
/// rustc denies in comments) are written out as escapes; the loader refuses them in specs,
/// this keeps a hand-built model compiling.
fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.trim_end().chars() {
        match c {
            '\t' => out.push_str("    "),
            c if c.is_control() => out.push(' '),
            c if crate::load::text::forbidden(c).is_some() => {
                out.extend(c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out
}

/// A vendor page as docs cite it: its title, as a link when the page has a URL. The title
/// is escaped so that it stays link text; the URL was checked by the loader and its
/// parentheses, which would end the link, are percent-encoded.
pub fn page_citation(page: &VendorPage) -> String {
    let mut title = String::with_capacity(page.title.len());
    for word in page.title.split_whitespace() {
        if !title.is_empty() {
            title.push(' ');
        }
        for c in word.chars() {
            if c.is_ascii_punctuation() {
                title.push('\\');
            }
            title.push(c);
        }
    }
    match &page.url {
        Some(url) => format!("[{title}]({})", url.replace('(', "%28").replace(')', "%29")),
        None => title,
    }
}

/// Renders `text` as an inline code span, whatever backticks it contains.
pub fn code(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.trim().is_empty() {
        return format!("\"{text}\"");
    }
    let longest = longest_run(&text, '`');
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{text}{fence}")
    } else {
        // The spaces keep a backtick at either end from merging into the fence.
        format!("{fence} {text} {fence}")
    }
}

/// Makes vendor prose safe as rustdoc markdown, keeping inline code and inline links as
/// written and fenced blocks as `text` blocks (see the module documentation).
pub fn prose(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<String> = Vec::new();
    // The open fence (its character and length) and the block's lines so far.
    let mut fence: Option<(char, usize, Vec<String>)> = None;
    let mut in_list = false;
    for raw in text.lines() {
        if let Some((mark, len, body)) = &mut fence {
            if closes_fence(raw, *mark, *len) {
                push_text_block(&mut out, body);
                fence = None;
            } else {
                body.push(raw.trim_end().to_owned());
            }
            continue;
        }
        // Leading whitespace would turn lines into indented code blocks, i.e. doctests.
        let line = raw.trim();
        if let Some((mark, len)) = fence_marker(line) {
            fence = Some((mark, len, Vec::new()));
            in_list = false;
            continue;
        }
        if line.is_empty() {
            in_list = false;
            out.push(String::new());
            continue;
        }
        let line = normalize_containers(line);
        let item = is_list_item(&line);
        if in_list && !item {
            // Ends the list rather than lazily continuing its last item.
            out.push(String::new());
        }
        in_list = item;
        out.push(escape_line(&line));
    }
    if let Some((_, _, body)) = &fence {
        push_text_block(&mut out, body);
    }
    out.join("\n")
}

/// Vendor text for the rest of a line that starts with a label (`Response data of …: `):
/// line breaks become spaces, so nothing in it starts a block.
pub fn inline_prose(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    escape_inline(&joined)
}

/// Emits a fenced block as `text`, fenced by more backticks than any run inside it so that
/// no line of the body can close it early.
fn push_text_block(out: &mut Vec<String>, body: &[String]) {
    let longest = body.iter().map(|l| longest_run(l, '`')).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    out.push(format!("{fence}text"));
    out.extend(body.iter().cloned());
    out.push(fence);
}

/// The longest run of `c` in `s`.
fn longest_run(s: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for x in s.chars() {
        run = if x == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// The opening marker of a fenced code block: three or more backticks or tildes (a
/// backtick fence's info string cannot contain backticks).
fn fence_marker(line: &str) -> Option<(char, usize)> {
    let first = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = line.chars().take_while(|c| *c == first).count();
    let info = &line[len..];
    (len >= 3 && !(first == '`' && info.contains('`'))).then_some((first, len))
}

/// Whether `line` closes a fence opened with `len` times `mark`: at least as many of the
/// same character and nothing else but spaces.
fn closes_fence(line: &str, mark: char, len: usize) -> bool {
    let line = line.trim();
    line.chars().count() >= len && line.chars().all(|c| c == mark)
}

/// Reduces the space after leading list and block-quote markers to one: five spaces after
/// a marker (or tabs that expand to them) would start an indented code block inside the
/// item, which rustdoc runs as a doctest.
fn normalize_containers(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        let marker = if rest.starts_with('>') {
            1
        } else {
            match list_marker_len(rest) {
                Some(len) => len,
                None => break,
            }
        };
        let after = &rest[marker..];
        let trimmed = after.trim_start_matches([' ', '\t']);
        // A marker counts only when followed by a space or tab (`>` needs neither).
        if trimmed.len() == after.len() && !rest.starts_with('>') {
            break;
        }
        out.push_str(&rest[..marker]);
        if !trimmed.is_empty() {
            out.push(' ');
        }
        rest = trimmed;
    }
    out.push_str(rest);
    out
}

/// Length of the list marker `line` starts with: `-`, `*`, `+`, or up to nine digits and
/// `.` or `)` (a longer number is not a marker to markdown).
fn list_marker_len(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    match bytes.first()? {
        b'-' | b'*' | b'+' => Some(1),
        b if b.is_ascii_digit() => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            match bytes.get(digits) {
                Some(b'.' | b')') if digits <= 9 => Some(digits + 1),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A markdown list item: `- `, `* `, `+ ` or `1. ` / `1) `.
fn is_list_item(line: &str) -> bool {
    list_marker_len(line).is_some_and(|end| matches!(line.as_bytes().get(end), None | Some(b' ')))
}

/// Escapes one line of prose outside its code spans and inline links.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    // Headings, block quotes and setext underlines / rules change the page structure.
    if line.starts_with('#')
        || line.starts_with('>')
        || line
            .chars()
            .all(|c| matches!(c, '-' | '=' | '_' | '*' | ' '))
    {
        out.push('\\');
    }
    out.push_str(&escape_inline(line));
    out
}

/// Escapes text within a line: what could become a tag, a broken link or a bare URL, and
/// runs of three or more backticks or tildes that are not a code span (after a list
/// marker they would open a fenced block).
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            let run = rest.chars().take_while(|c| *c == '`').count();
            let fence = &rest[..run];
            let after = &rest[run..];
            if let Some(end) = closing_backticks(after, run) {
                let span = run + end + run;
                out.push_str(&rest[..span]);
                rest = &rest[span..];
            } else if run >= 3 {
                out.push_str(&"\\`".repeat(run));
                rest = after;
            } else {
                out.push_str(fence);
                rest = after;
            }
            continue;
        }
        if c == '~' {
            let run = rest.chars().take_while(|c| *c == '~').count();
            if run >= 3 {
                out.push_str(&"\\~".repeat(run));
            } else {
                out.push_str(&rest[..run]);
            }
            rest = &rest[run..];
            continue;
        }
        if c == '[' {
            if let Some(len) = inline_link_len(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if c == '<' {
            if let Some(len) = autolink_len(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if is_url(rest) {
            let len = bare_url_len(rest);
            out.push('<');
            out.push_str(&rest[..len]);
            out.push('>');
            rest = &rest[len..];
            continue;
        }
        if matches!(c, '[' | ']' | '<') {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Offset, within `after`, of a run of exactly `run` backticks closing a code span.
fn closing_backticks(after: &str, run: usize) -> Option<usize> {
    let bytes = after.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let len = bytes[i..].iter().take_while(|b| **b == b'`').count();
            if len == run {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

/// Whether `s` starts with a web URL, the only links vendor prose keeps.
fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// Length of an inline link `[text](http…)` at the start of `s`.
fn inline_link_len(s: &str) -> Option<usize> {
    let close = s.find("](")?;
    if s[1..close].contains(['[', ']']) {
        return None;
    }
    let target = &s[close + 2..];
    if !is_url(target) {
        return None;
    }
    let end = target.find(|c: char| c == ')' || c.is_whitespace())?;
    (target.as_bytes()[end] == b')').then_some(close + 2 + end + 1)
}

/// Length of an autolink `<http…>` at the start of `s`.
fn autolink_len(s: &str) -> Option<usize> {
    let inner = &s[1..];
    if !is_url(inner) {
        return None;
    }
    let end = inner.find(|c: char| c == '>' || c == '<' || c.is_whitespace())?;
    (inner.as_bytes()[end] == b'>').then_some(end + 2)
}

/// Length of a bare URL at the start of `s`: ASCII up to whitespace, without trailing
/// sentence punctuation.
fn bare_url_len(s: &str) -> usize {
    let mut len = s
        .find(|c: char| !c.is_ascii_graphic() || matches!(c, '<' | '>' | '"' | '`'))
        .unwrap_or(s.len());
    while len > 0
        && matches!(
            s.as_bytes()[len - 1],
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b')' | b'\''
        )
    {
        len -= 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::{code, inline_prose, prose};

    #[test]
    fn plain_text_and_code_spans_are_kept() {
        assert_eq!(prose("会员ID"), "会员ID");
        assert_eq!(
            prose("the curl example says `--data-row` (typo of `--data-raw`)"),
            "the curl example says `--data-row` (typo of `--data-raw`)"
        );
        assert_eq!(prose("`a [b] <c>`"), "`a [b] <c>`");
        assert_eq!(prose("written `List <Coupon>`"), "written `List <Coupon>`");
    }

    #[test]
    fn urls_brackets_and_tags_are_neutralised() {
        assert_eq!(
            prose("the full URL https://open.51shoubei.com/openpay/coupon/wf; base URL"),
            "the full URL <https://open.51shoubei.com/openpay/coupon/wf>; base URL"
        );
        assert_eq!(
            prose("see (https://a.example/x)."),
            "see (<https://a.example/x>)."
        );
        assert_eq!(
            prose("[创建指引](https://a.example/#/x?a=1&b=2)"),
            "[创建指引](https://a.example/#/x?a=1&b=2)"
        );
        assert_eq!(prose("<https://a.example>"), "<https://a.example>");
        assert_eq!(prose("数组[0] List<Coupon>"), "数组\\[0\\] List\\<Coupon>");
        assert_eq!(prose("# 标题"), "\\# 标题");
        assert_eq!(prose("> quote"), "\\> quote");
        assert_eq!(prose("a\n---"), "a\n\\---");
    }

    #[test]
    fn blocks_never_become_doctests() {
        assert_eq!(prose("    let x = 1;"), "let x = 1;");
        assert_eq!(
            prose("```\nfn main() {}\n```"),
            "```text\nfn main() {}\n```"
        );
        assert_eq!(prose("```rust,ignore\nx\n```"), "```text\nx\n```");
        assert_eq!(
            prose("```json\n  {\"a\": [1]}\n```"),
            "```text\n  {\"a\": [1]}\n```"
        );
        assert_eq!(prose("```\nunclosed"), "```text\nunclosed\n```");
    }

    /// Info strings rustdoc treats as Rust although they are not in its attribute list.
    #[test]
    fn every_info_string_becomes_text() {
        for info in [
            "ignore-x86_64",
            "ignore-windows",
            "edition2021",
            "E0001",
            "{.rust}",
            "🦀",
        ] {
            assert_eq!(
                prose(&format!("```{info}\nfn main() {{}}\n```")),
                "```text\nfn main() {}\n```",
                "{info}"
            );
            assert_eq!(
                prose(&format!("~~~~{info}\nfn main() {{}}\n~~~~")),
                "```text\nfn main() {}\n```",
                "{info}"
            );
        }
    }

    #[test]
    fn fence_lines_inside_a_block_cannot_close_it() {
        // The vendor's block holds a longer fence and a fence with an info string; the
        // emitted fence is longer than both, and the vendor's closing line ends it.
        assert_eq!(
            prose("```\n````rust\nx\n```"),
            "`````text\n````rust\nx\n`````"
        );
        assert_eq!(prose("~~~\n```rust\nx\n~~~"), "````text\n```rust\nx\n````");
    }

    #[test]
    fn fences_and_indentation_after_list_markers_are_neutralised() {
        assert_eq!(prose("1.     let x = 1;"), "1. let x = 1;");
        assert_eq!(prose("- -\t\tlet x = 1;"), "- - let x = 1;");
        assert_eq!(prose("- >      x"), "- > x");
        assert_eq!(prose("- ```rust"), "- \\`\\`\\`rust");
        assert_eq!(prose("* ~~~"), "* \\~\\~\\~");
        assert_eq!(prose("a ``` b"), "a \\`\\`\\` b");
        assert_eq!(prose("`` ``` ``"), "`` ``` ``");
        assert_eq!(prose("~~strike~~"), "~~strike~~");
    }

    #[test]
    fn labelled_text_stays_on_its_line() {
        // On one line after a label, a matched run is only a code span.
        assert_eq!(
            inline_prose("```\nfn main() {}\n```"),
            "``` fn main() {} ```"
        );
        assert_eq!(inline_prose("```rust\nx"), "\\`\\`\\`rust x");
        assert_eq!(inline_prose("会员充值"), "会员充值");
    }

    #[test]
    fn lists_end_before_unindented_text() {
        assert_eq!(prose("- a\n- b\nafter"), "- a\n- b\n\nafter");
        assert_eq!(prose("1. a\n  b"), "1. a\n\nb");
        assert_eq!(prose("1、微信\n2、支付宝"), "1、微信\n2、支付宝");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("abc"), "`abc`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code(""), "\"\"");
        assert_eq!(code("a\nb"), "`a b`");
    }
}
