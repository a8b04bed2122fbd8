//! The two forms of output: text for people, and JSON for scripts. In JSON form a command
//! prints exactly one JSON document, on one line, on standard output for its result, and
//! a failure one JSON object on standard error ([`crate::failure::Failure`]).

use retail_apis_codegen::Diagnostics;
use serde_json::{json, Value};

use crate::failure::Failure;

/// How results and errors are printed (`--output`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// Text for a terminal.
    #[default]
    Text,
    /// One JSON document per result (and per error, on standard error).
    Json,
}

/// Writes `text` to standard output. A closed pipe (`| head`) is an I/O failure to
/// report, not a panic.
pub fn stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    std::io::Write::write_all(&mut out, text.as_bytes())
        .and_then(|()| std::io::Write::flush(&mut out))
        .map_err(|e| Failure::io(format!("cannot write to standard output: {e}")))
}

/// Prints `document` as one line of JSON on standard output.
pub fn json(document: &Value) -> Result<(), Failure> {
    stdout(&json_line(document))
}

/// `document` as one line of JSON, with every invisible or direction-changing character
/// escaped: messages quote spec text and vendor answers, which must not be able to hide
/// themselves, reorder what a terminal shows or send it control sequences when a person
/// reads the JSON. The escapes decode to the same strings.
pub fn json_line(document: &Value) -> String {
    let mut line = json_escaped(&document.to_string());
    line.push('\n');
    line
}

/// JSON text with the invisible characters of its strings written as `\uXXXX` escapes.
/// Line breaks are kept: serde_json escapes those inside strings, so a raw one is layout.
pub fn json_escaped(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut units = [0u16; 2];
    for c in json.chars() {
        if c != '\n' && invisible(c) {
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Text for a terminal with its invisible characters written as `\u{...}` escapes, the
/// way `lint` shows them; line breaks and tabs are kept.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\n' && c != '\t' && invisible(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Control characters and the format characters that are invisible or change the
/// direction of text (serde_json escapes only those below U+0020; these can only occur
/// inside JSON strings, where an escape is equivalent).
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// Every problem, as `{file, line, column, kind, message}` objects in the loader's order.
/// `kind` is the code `lint` shows in text form (`unknown-key`).
pub fn problems_json(diagnostics: &Diagnostics) -> Value {
    diagnostics
        .iter()
        .map(|d| {
            json!({
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "kind": d.kind.code(),
                "message": d.message,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_escaped_and_decode_unchanged() {
        let text = "a\u{202e}b\u{feff}c\u{e0041}d é";
        let line = json_line(&json!({ "message": text }));
        assert!(line.ends_with('\n') && line.trim_end().lines().count() == 1);
        assert!(line.chars().all(|c| c == '\n' || !invisible(c)), "{line}");
        assert!(line.contains('é'), "{line}");
        let back: Value = serde_json::from_str(&line).expect("valid JSON");
        assert_eq!(back["message"], text);
    }

    #[test]
    fn visible_text_keeps_its_layout_and_escapes_the_rest() {
        assert_eq!(
            visible("a\n\tb\u{1b}[2J\u{202e}c"),
            "a\n\tb\\u{1b}[2J\\u{202e}c"
        );
        let pretty =
            serde_json::to_string_pretty(&json!({ "a": "x\u{2028}y" })).expect("serialises");
        let escaped = json_escaped(&pretty);
        assert!(
            escaped.contains('\n') && !escaped.contains('\u{2028}'),
            "{escaped}"
        );
        let back: Value = serde_json::from_str(&escaped).expect("valid JSON");
        assert_eq!(back["a"], "x\u{2028}y");
    }
}
