//! Rust identifier rules for names that become generated code, and name suggestions.

/// Keywords (strict, reserved and edition-2024 reserved) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `s` is a Rust keyword.
pub(crate) fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// `snake_case`: lower-case ASCII letters, digits and single underscores, starting with a
/// letter, not a keyword.
pub(crate) fn is_snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    first.is_ascii_lowercase()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !s.contains("__")
        && !s.ends_with('_')
        && !is_keyword(s)
}

/// `UpperCamelCase`: ASCII letters and digits, starting with an upper-case letter, not `Self`.
pub(crate) fn is_upper_camel(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    first.is_ascii_uppercase() && s.chars().all(|c| c.is_ascii_alphanumeric()) && s != "Self"
}

/// Best-effort snake_case spelling of an arbitrary name (`writeOff_tyep` → `write_off_tyep`).
pub(crate) fn to_snake_case(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower_or_digit = false;
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower_or_digit {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower_or_digit = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower_or_digit = true;
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower_or_digit = false;
        }
    }
    let mut out = out.trim_matches('_').to_string();
    if out.is_empty() {
        out.push_str("field");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "n_");
    }
    if is_keyword(&out) {
        out.push_str("_value");
    }
    out
}

/// UpperCamelCase spelling of a snake_case or mixed name (`mall_recharge` → `MallRecharge`).
pub(crate) fn to_upper_camel(s: &str) -> String {
    let mut out = String::new();
    let mut upper_next = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if upper_next {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper_next = false;
        } else {
            upper_next = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    if out == "Self" {
        out.push_str("Type");
    }
    out
}

/// Edit distance counting an adjacent transposition as one edit (optimal string
/// alignment), so `Itme` is one typo away from `Item`. Inputs are short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    let idx = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        d[idx(i, 0)] = i;
    }
    for j in 0..=b.len() {
        d[idx(0, j)] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[idx(i - 1, j)] + 1)
                .min(d[idx(i, j - 1)] + 1)
                .min(d[idx(i - 1, j - 1)] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[idx(i - 2, j - 2)] + 1);
            }
            d[idx(i, j)] = best;
        }
    }
    d[idx(a.len(), b.len())]
}

/// The candidate closest to `name`, if it is close enough to be a plausible typo.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Typos of long names are compared case-insensitively so `Settle_Amt` finds `settle_amt`.
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_rules() {
        assert!(is_snake_case("bal_amount"));
        assert!(!is_snake_case("writeOff_tyep"));
        assert!(!is_snake_case("type"));
        assert!(!is_snake_case("1a"));
        assert!(!is_snake_case(""));
        assert!(is_upper_camel("SettleEntries"));
        assert!(!is_upper_camel("settle_entries"));
        assert!(!is_upper_camel("Self"));
    }

    #[test]
    fn conversions() {
        assert_eq!(to_snake_case("writeOff_tyep"), "write_off_tyep");
        assert_eq!(to_snake_case("couponCode"), "coupon_code");
        assert_eq!(to_snake_case("type"), "type_value");
        assert_eq!(to_upper_camel("mall_recharge"), "MallRecharge");
        assert_eq!(to_upper_camel("refund_save"), "RefundSave");
    }

    #[test]
    fn suggestions() {
        let keys = ["type", "required", "nullable", "doc"];
        assert_eq!(closest("requird", keys), Some("required"));
        assert_eq!(closest("zzzzzz", keys), None);
    }
}
