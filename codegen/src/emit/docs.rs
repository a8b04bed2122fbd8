//! Rustdoc attributes built from spec descriptions, quirks and notes.
//!
//! Spec text is vendor prose, not markdown written for rustdoc, and the generated crate must
//! build its docs and pass clippy without warnings. [`prose`] therefore neutralises what
//! rustdoc or clippy would act on: bare URLs (`rustdoc::bare_urls`), stray brackets
//! (unresolved intra-doc links), `<…>` (`rustdoc::invalid_html_tags`), indented or untagged
//! code blocks (which would be compiled as doctests), list items continued on the next line
//! (`clippy::doc_lazy_continuation`) and tabs (`clippy::tabs_in_doc_comments`).

use proc_macro2::TokenStream;
use quote::quote;

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

    /// Adds one "Quirk: …" paragraph per recorded documentation quirk.
    pub fn quirks(&mut self, quirks: &[String]) -> &mut Self {
        for quirk in quirks {
            self.paragraph(format!("Quirk: {}", prose(quirk)));
        }
        self
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
/// bare carriage return is a compile error in a doc comment.
fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.trim_end().chars() {
        match c {
            '\t' => out.push_str("    "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
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
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{text}{fence}")
    } else {
        // The spaces keep a backtick at either end from merging into the fence.
        format!("{fence} {text} {fence}")
    }
}

/// Makes vendor prose safe as rustdoc markdown, keeping inline code, inline links and
/// fenced blocks as written (see the module documentation).
pub fn prose(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<String> = None;
    let mut in_list = false;
    for raw in text.lines() {
        if let Some(marker) = &fence {
            let closes = raw.trim_start().starts_with(marker.as_str());
            out.push(raw.trim_end().to_owned());
            if closes {
                fence = None;
            }
            continue;
        }
        // Leading whitespace would turn lines into indented code blocks, i.e. doctests.
        let line = raw.trim();
        if let Some(marker) = fence_marker(line) {
            let info = line[marker.len()..].trim();
            let info = if is_rust_info(info) { "text" } else { info };
            out.push(format!("{marker}{info}"));
            fence = Some(marker);
            in_list = false;
            continue;
        }
        if line.is_empty() {
            in_list = false;
            out.push(String::new());
            continue;
        }
        let item = is_list_item(line);
        if in_list && !item {
            // Ends the list rather than lazily continuing its last item.
            out.push(String::new());
        }
        in_list = item;
        out.push(escape_line(line));
    }
    if let Some(marker) = fence {
        out.push(marker);
    }
    out.join("\n")
}

/// The opening marker of a fenced code block (three or more backticks or tildes).
fn fence_marker(line: &str) -> Option<String> {
    let first = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = line.chars().take_while(|c| *c == first).count();
    (len >= 3).then(|| first.to_string().repeat(len))
}

/// Whether rustdoc would compile a fenced block with this info string as a Rust doctest.
fn is_rust_info(info: &str) -> bool {
    const RUSTDOC_ATTRS: &[&str] = &[
        "rust",
        "ignore",
        "no_run",
        "should_panic",
        "compile_fail",
        "test_harness",
        "standalone_crate",
    ];
    info.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .all(|t| RUSTDOC_ATTRS.contains(&t) || t.starts_with("edition") || t.starts_with('{'))
}

/// A markdown list item: `- `, `* `, `+ ` or `1. ` / `1) `.
fn is_list_item(line: &str) -> bool {
    let bytes = line.as_bytes();
    let marker_end = match bytes.first() {
        Some(b'-' | b'*' | b'+') => 1,
        Some(b) if b.is_ascii_digit() => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            match bytes.get(digits) {
                Some(b'.' | b')') if digits <= 9 => digits + 1,
                _ => return false,
            }
        }
        _ => return false,
    };
    matches!(bytes.get(marker_end), None | Some(b' '))
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
            } else {
                out.push_str(fence);
                rest = after;
            }
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
        if rest.starts_with("http://") || rest.starts_with("https://") {
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

/// Length of an inline link `[text](http…)` at the start of `s`.
fn inline_link_len(s: &str) -> Option<usize> {
    let close = s.find("](")?;
    if s[1..close].contains(['[', ']']) {
        return None;
    }
    let target = &s[close + 2..];
    if !(target.starts_with("http://") || target.starts_with("https://")) {
        return None;
    }
    let end = target.find(|c: char| c == ')' || c.is_whitespace())?;
    (target.as_bytes()[end] == b')').then_some(close + 2 + end + 1)
}

/// Length of an autolink `<http…>` at the start of `s`.
fn autolink_len(s: &str) -> Option<usize> {
    let inner = &s[1..];
    if !(inner.starts_with("http://") || inner.starts_with("https://")) {
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
    use super::{code, prose};

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
            "```json\n  {\"a\": [1]}\n```"
        );
        assert_eq!(prose("```\nunclosed"), "```text\nunclosed\n```");
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
