//! Rust source written directly in the layout prettyplease gives it.
//!
//! Named types are most of a generated module and are completely regular, so they are
//! written as text, line by line, instead of being built as tokens, parsed back by syn and
//! printed by prettyplease: that round trip was most of the generator's time. The text is
//! exactly what prettyplease prints for the same code (a test checks every type of the
//! committed specs and of generated ones). Layout decisions are only made where they are
//! unambiguous: a line well inside prettyplease's margin stays on one line, a list far
//! past it is broken one item per line. Anything in between, or any line that might run
//! past the margin, marks the text as not canonical, and [`Code::finish`] then passes it
//! through syn and prettyplease, so the bytes are always prettyplease's.

use super::docs::Doc;
use super::EmitError;

/// Longest line, indentation included, that prettyplease (margin 89) surely leaves alone.
const FITS: usize = 80;
/// Shortest one-line list that prettyplease surely breaks, whatever follows it.
const BREAKS: usize = 100;
/// Widest struct literal prettyplease keeps on one line (`end_with_max_width(34)` in its
/// printer), measured up to the closing brace.
const STRUCT_LITERAL_WIDTH: usize = 34;
/// Spaces per nesting level.
const INDENT: usize = 4;

/// Formatted source under construction.
pub(super) struct Code {
    text: String,
    /// False once a line was written whose layout prettyplease might choose differently.
    canonical: bool,
}

impl Code {
    /// Starts an empty piece of source.
    pub fn new() -> Self {
        Code {
            text: String::new(),
            canonical: true,
        }
    }

    /// Writes one line of code at nesting `depth`.
    pub fn line(&mut self, depth: usize, line: &str) {
        if depth * INDENT + line.len() > FITS {
            self.canonical = false;
        }
        self.indent(depth);
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// Writes a line whose content never varies and whose layout is prettyplease's (the
    /// tests compare every generated type with prettyplease's output), however long.
    pub fn fixed(&mut self, depth: usize, line: &str) {
        self.indent(depth);
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// Writes `doc` as `///` comments, as prettyplease prints `#[doc]` attributes.
    /// Comments are never broken, so their length does not matter.
    pub fn doc(&mut self, depth: usize, doc: &Doc) {
        for line in doc.lines() {
            self.doc_line(depth, line);
        }
    }

    /// Writes one `///` line whose text follows the slashes after a space (none when empty).
    /// Spec text reaches this line, so a control character (a line break would end the
    /// comment and make the rest code) is written as a space; [`Doc`] lines have none.
    pub fn doc_line(&mut self, depth: usize, line: &str) {
        self.indent(depth);
        self.text.push_str("///");
        let cleaned: String;
        let line = if line.contains(char::is_control) {
            cleaned = line
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            cleaned.trim_end_matches(' ')
        } else {
            line.trim_end_matches(' ')
        };
        if !line.is_empty() {
            self.text.push(' ');
            self.text.push_str(line);
        }
        self.text.push('\n');
    }

    /// Writes `open`, the `items` separated by commas and `close`: on one line when that
    /// surely fits, else one item per line with a trailing comma, `open` and `close` on
    /// lines of their own. For the parameters of a function (`open` ends with `(`).
    pub fn list(&mut self, depth: usize, open: &str, items: &[String], close: &str) {
        let one_line = depth * INDENT + open.len() + joined_len(items) + close.len();
        if one_line <= FITS || items.is_empty() {
            self.line(depth, &format!("{open}{}{close}", items.join(", ")));
        } else {
            if one_line < BREAKS {
                self.canonical = false;
            }
            self.broken(depth, open, items, close);
        }
    }

    /// Writes the struct literal `Self { items }`, between `before` and `after` on its
    /// line. prettyplease keeps a struct literal on one line only when it is at most
    /// [`STRUCT_LITERAL_WIDTH`] wide (and fits); a longer one has one field per line.
    pub fn struct_literal(&mut self, depth: usize, before: &str, items: &[String], after: &str) {
        let literal = if items.is_empty() {
            "Self {}".to_owned()
        } else {
            format!("Self {{ {} }}", items.join(", "))
        };
        // The width prettyplease measures ends before the closing brace.
        if literal.len() - 1 <= STRUCT_LITERAL_WIDTH {
            self.line(depth, &format!("{before}{literal}{after}"));
        } else {
            self.broken(
                depth,
                &format!("{before}Self {{"),
                items,
                &format!("}}{after}"),
            );
        }
    }

    /// `open`, one item per line with a trailing comma, and `close`.
    fn broken(&mut self, depth: usize, open: &str, items: &[String], close: &str) {
        self.line(depth, open);
        for item in items {
            if (depth + 1) * INDENT + item.len() + 1 > FITS {
                self.canonical = false;
            }
            self.indent(depth + 1);
            self.text.push_str(item);
            self.text.push_str(",\n");
        }
        self.line(depth, close);
    }

    /// The source, formatted by prettyplease when some line's layout was not certain.
    /// `what` names the item in the error a generator bug would give.
    pub fn finish(self, what: &str) -> Result<String, EmitError> {
        if self.canonical {
            return Ok(self.text);
        }
        let file = syn::parse_file(&self.text).map_err(|e| EmitError::Unparsable {
            file: what.to_owned(),
            message: e.to_string(),
        })?;
        Ok(prettyplease::unparse(&file))
    }

    fn indent(&mut self, depth: usize) {
        for _ in 0..depth * INDENT {
            self.text.push(' ');
        }
    }
}

/// The length of `items` joined with `", "`.
fn joined_len(items: &[String]) -> usize {
    (items.iter().map(|i| i.len() + 2).sum::<usize>()).saturating_sub(2)
}

/// A string literal as proc-macro2 (and so prettyplease) prints it.
pub(super) fn string_literal(value: &str) -> String {
    proc_macro2::Literal::string(value).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn short_lists_stay_on_one_line_and_long_ones_break() {
        let mut code = Code::new();
        code.list(
            1,
            "pub fn new(",
            &items(&["a: i64", "b: bool"]),
            ") -> Self {",
        );
        code.list(1, "pub fn new(", &[], ") -> Self {");
        let long: Vec<String> = (0..12).map(|i| format!("field_{i}: i64")).collect();
        code.list(1, "pub fn new(", &long, ") -> Self {");
        assert!(code.canonical);
        let text = code.finish("test").unwrap();
        assert!(text.starts_with(
            "    pub fn new(a: i64, b: bool) -> Self {\n    pub fn new() -> Self {\n"
        ));
        assert!(text.contains("    pub fn new(\n        field_0: i64,\n"));
        assert!(text.ends_with("        field_11: i64,\n    ) -> Self {\n"));
    }

    #[test]
    fn struct_literals_break_past_prettyplease_width_for_them() {
        let mut code = Code::new();
        code.struct_literal(2, "Ok(", &items(&["a: None", "b: None"]), ")");
        code.struct_literal(2, "", &[], "");
        // 35 wide before the closing brace: broken although the line would fit.
        code.struct_literal(2, "", &items(&["abcdefgh: None", "ijklmn: None"]), "");
        assert!(code.canonical);
        let text = code.finish("test").unwrap();
        assert_eq!(
            text,
            "        Ok(Self { a: None, b: None })\n        Self {}\n        Self {\n            \
             abcdefgh: None,\n            ijklmn: None,\n        }\n"
        );
        let file = format!(
            "fn f() -> S {{\n{}}}\n",
            text.lines().nth(3).map_or(String::new(), |_| {
                "    Self {\n        abcdefgh: None,\n        ijklmn: None,\n    }\n".to_owned()
            })
        );
        assert_eq!(
            prettyplease::unparse(&syn::parse_file(&file).unwrap()),
            file
        );
    }

    #[test]
    fn a_list_near_the_margin_or_a_long_line_is_left_to_prettyplease() {
        let mut code = Code::new();
        let near: Vec<String> = (0..5).map(|i| format!("field_{i}: i64")).collect();
        code.list(0, "pub fn new(", &near, ") -> Self {");
        assert!(!code.canonical);
        let mut code = Code::new();
        code.line(
            0,
            &format!("const X: &str = {};", string_literal(&"x".repeat(90))),
        );
        assert!(!code.canonical);
        let text = code.finish("test").unwrap();
        assert_eq!(
            text,
            prettyplease::unparse(&syn::parse_file(&text).unwrap())
        );
    }

    #[test]
    fn doc_lines_are_printed_as_prettyplease_prints_doc_attributes() {
        let mut code = Code::new();
        code.doc_line(0, "Text with trailing spaces   ");
        code.doc_line(0, "");
        code.line(0, "pub struct S;");
        let text = code.finish("test").unwrap();
        assert_eq!(text, "/// Text with trailing spaces\n///\npub struct S;\n");

        let mut code = Code::new();
        code.doc_line(0, "text\npub fn injected() {}\r\u{85}");
        code.line(0, "pub struct S;");
        let text = code.finish("test").unwrap();
        assert_eq!(text, "/// text pub fn injected() {}\npub struct S;\n");
        let file = syn::parse_file(&text).unwrap();
        assert_eq!(file.items.len(), 1, "the comment stays a comment");
        assert_eq!(
            text,
            prettyplease::unparse(&syn::parse_file(&text).unwrap())
        );
    }
}
