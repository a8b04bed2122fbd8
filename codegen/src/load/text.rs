//! Characters a reviewer cannot see: byte-order marks, bidirectional controls and other
//! control characters are refused anywhere in a spec, written literally or as YAML escapes.
//!
//! Specs are reviewed as text. A bidirectional override can make a line display differently
//! from what the parser reads ("Trojan Source"), and control characters can hide text in a
//! terminal or break the Rust the text ends up in, so the loader refuses them before any
//! of the text reaches generated code.

use marked_yaml::Node;

use super::diagnostic::{Diagnostic, DiagnosticKind};
use super::yaml::Cx;

/// Why `c` may not appear in spec text, if it may not. Tabs and line feeds are ordinary
/// text; carriage returns are judged by the caller (only CRLF line ends are allowed).
pub(crate) fn forbidden(c: char) -> Option<&'static str> {
    Some(match c {
        '\t' | '\n' => return None,
        '\u{feff}' => "a byte-order mark (zero-width no-break space)",
        '\u{202a}' => "a bidirectional control (LEFT-TO-RIGHT EMBEDDING)",
        '\u{202b}' => "a bidirectional control (RIGHT-TO-LEFT EMBEDDING)",
        '\u{202c}' => "a bidirectional control (POP DIRECTIONAL FORMATTING)",
        '\u{202d}' => "a bidirectional control (LEFT-TO-RIGHT OVERRIDE)",
        '\u{202e}' => "a bidirectional control (RIGHT-TO-LEFT OVERRIDE)",
        '\u{2066}' => "a bidirectional control (LEFT-TO-RIGHT ISOLATE)",
        '\u{2067}' => "a bidirectional control (RIGHT-TO-LEFT ISOLATE)",
        '\u{2068}' => "a bidirectional control (FIRST STRONG ISOLATE)",
        '\u{2069}' => "a bidirectional control (POP DIRECTIONAL ISOLATE)",
        '\u{200e}' => "a bidirectional mark (LEFT-TO-RIGHT MARK)",
        '\u{200f}' => "a bidirectional mark (RIGHT-TO-LEFT MARK)",
        '\u{061c}' => "a bidirectional mark (ARABIC LETTER MARK)",
        c if c.is_control() => "a control character",
        _ => return None,
    })
}

fn message(c: char, what: &str) -> String {
    format!(
        "U+{:04X} is {what}, which displays differently from what it is; remove it",
        u32::from(c)
    )
}

/// Checks a file's raw text, reporting each refused character at its line and column (in
/// characters, as every diagnostic counts them). A byte-order mark at the very start gets
/// its own message: it is what some editors write, and the fix is a save option.
pub(crate) fn check_raw(file: &str, text: &str, diags: &mut Vec<Diagnostic>) -> bool {
    let before = diags.len();
    let mut line = 1;
    let mut column = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let problem = match c {
            '\u{feff}' if line == 1 && column == 1 => Some(
                "the file starts with a byte-order mark (U+FEFF); save it as UTF-8 without BOM"
                    .to_string(),
            ),
            '\r' if chars.peek() == Some(&'\n') => None,
            '\r' => Some(message(c, "a carriage return not followed by a line feed")),
            c => forbidden(c).map(|what| message(c, what)),
        };
        if let Some(message) = problem {
            diags.push(Diagnostic {
                file: file.to_string(),
                line,
                column,
                kind: DiagnosticKind::InvalidCharacter,
                message,
            });
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    diags.len() == before
}

/// Checks every key and scalar of a parsed file for refused characters that escapes
/// (`"\u202E"`, `"\e"`) put there, reporting each at the start of its value. The tree is
/// walked with an explicit stack: its depth is bounded, but not by this function.
pub(crate) fn check_values(cx: &mut Cx<'_>, root: &Node) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node {
            Node::Scalar(s) => check_scalar(cx, s),
            Node::Sequence(seq) => stack.extend(seq.iter().rev()),
            Node::Mapping(map) => {
                // Pushed in reverse so problems are found in file order.
                let entries: Vec<_> = map.iter().collect();
                for (key, value) in entries.into_iter().rev() {
                    stack.push(value);
                    check_scalar(cx, key);
                }
            }
        }
    }
}

fn check_scalar(cx: &mut Cx<'_>, s: &marked_yaml::types::MarkedScalarNode) {
    let text = s.as_str();
    let found = text.chars().find_map(|c| match c {
        // YAML folds line ends in values to `\n`, so a carriage return came from an escape.
        '\r' => Some((c, "a carriage return")),
        c => forbidden(c).map(|what| (c, what)),
    });
    if let Some((c, what)) = found {
        cx.error(s.span(), DiagnosticKind::InvalidCharacter, message(c, what));
    }
}
