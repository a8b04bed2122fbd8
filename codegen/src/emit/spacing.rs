//! Blank lines between items of pretty-printed code.
//!
//! prettyplease prints items back to back; the generated files are committed and reviewed,
//! so a blank line between consecutive items (and after the module docs) keeps them
//! readable. Generated string literals are always escaped onto one line, so a line-based
//! pass cannot land inside a literal.

/// Keywords and tokens that start an item or its attributes and docs.
const ITEM_STARTS: &[&str] = &[
    "///", "#[", "pub ", "impl ", "impl<", "fn ", "const ", "use ", "mod ", "struct ", "enum ",
    "static ", "type ", "trait ",
];

/// Inserts a blank line wherever an item ends and the next one starts at the same depth.
pub fn separate_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut prev: Option<&str> = None;
    for line in code.lines() {
        if let Some(prev) = prev {
            if needs_gap(prev, line) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}

/// `header` followed by `parts`, each already passed through [`separate_items`]: the bytes
/// of `header` + `separate_items(parts concatenated)`. Items never span two parts (each
/// part ends with a line feed), so only the seams between parts are left to check.
pub fn join_spaced(header: &str, parts: &[String]) -> String {
    let len = header.len() + parts.iter().map(|p| p.len() + 1).sum::<usize>();
    let mut out = String::with_capacity(len);
    out.push_str(header);
    let mut last_line: Option<&str> = None;
    for part in parts {
        let mut lines = part.lines();
        let Some(first) = lines.next() else { continue };
        if last_line.is_some_and(|prev| needs_gap(prev, first)) {
            out.push('\n');
        }
        out.push_str(part);
        last_line = lines.next_back().or(Some(first));
    }
    out
}

fn needs_gap(prev: &str, next: &str) -> bool {
    let prev_body = prev.trim_start();
    let next_body = next.trim_start();
    if prev_body.starts_with("//!") {
        return !next_body.starts_with("//!") && !next_body.is_empty();
    }
    // Never split a doc comment or separate it from its item.
    if prev_body.starts_with("//") || prev_body.is_empty() {
        return false;
    }
    let same_depth = prev.len() - prev_body.len() == next.len() - next_body.len();
    same_depth
        && (prev_body.ends_with('}') || prev_body.ends_with(';'))
        && ITEM_STARTS.iter().any(|start| next_body.starts_with(start))
}

#[cfg(test)]
mod tests {
    use super::{join_spaced, separate_items};

    #[test]
    fn separates_items_but_not_docs_or_statements() {
        let input = "//! Module.\nuse a as b;\n/// Doc ending;\n/// more}\npub const A: u8 = 1;\n\
                     impl X {\n    pub fn a(&self) {\n        let x = 1;\n        drop(x);\n    }\n    \
                     /// B.\n    pub fn b(&self) {}\n}\npub enum E {\n    A,\n    /// B.\n    B,\n}\n";
        let expected = "//! Module.\n\nuse a as b;\n\n/// Doc ending;\n/// more}\npub const A: u8 = 1;\n\n\
                        impl X {\n    pub fn a(&self) {\n        let x = 1;\n        drop(x);\n    }\n\n    \
                        /// B.\n    pub fn b(&self) {}\n}\n\npub enum E {\n    A,\n    /// B.\n    B,\n}\n";
        assert_eq!(separate_items(input), expected);
    }

    /// Spacing parts one by one and joining them gives the bytes of spacing the whole,
    /// wherever the text is cut between lines.
    #[test]
    fn joined_parts_equal_the_whole() {
        let text = "//! Module.\nuse a as b;\npub const A: u8 = 1;\nimpl X {\n    pub fn a(&self) {}\n    \
                    /// B.\n    pub fn b(&self) {}\n}\n/// Doc.\npub enum E {\n    A,\n}\nstruct S;\n";
        let whole = format!("// header\n\n{}", separate_items(text));
        let ends: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
        for mask in 0u32..(1 << ends.len().min(12)) {
            let mut parts = Vec::new();
            let mut start = 0;
            for (bit, &end) in ends.iter().enumerate() {
                if mask & (1 << bit) != 0 || end == text.len() {
                    parts.push(separate_items(&text[start..end]));
                    start = end;
                }
            }
            parts.insert(parts.len() / 2, String::new());
            assert_eq!(
                join_spaced("// header\n\n", &parts),
                whole,
                "cut mask {mask:#b}"
            );
        }
    }
}
