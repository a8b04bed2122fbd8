//! Rust identifier rules for names that become generated code, and name suggestions.

use heck::{ToSnakeCase, ToUpperCamelCase};

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

/// The ASCII letters and digits of `s`, anything else a word break: generated names are
/// ASCII, and a vendor name may hold spaces, dashes or Chinese.
fn ascii_words(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// Best-effort snake_case spelling of an arbitrary name (`writeOff_tyep` → `write_off_tyep`,
/// `getURLForID` → `get_url_for_id`), made a usable identifier.
pub(crate) fn to_snake_case(s: &str) -> String {
    let mut out = ascii_words(s).to_snake_case();
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
    let mut out = ascii_words(s).to_upper_camel_case();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    if out == "Self" {
        out.push_str("Type");
    }
    out
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
        // Optimal string alignment: an adjacent transposition is one edit, so `Itme` is
        // one typo away from `Item`.
        .map(|c| (strsim::osa_distance(&lower, &c.to_lowercase()), c))
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
        assert_eq!(to_snake_case("getURLForID"), "get_url_for_id");
        assert_eq!(to_snake_case("settle-amount 2"), "settle_amount_2");
        assert_eq!(to_snake_case("券码"), "field");
        assert_eq!(to_snake_case("2nd"), "n_2nd");
        assert_eq!(to_upper_camel("mall_recharge"), "MallRecharge");
        assert_eq!(to_upper_camel("refund_save"), "RefundSave");
        assert_eq!(to_upper_camel("refundSave"), "RefundSave");
        assert_eq!(to_upper_camel("9_items"), "T9Items");
    }

    #[test]
    fn suggestions() {
        let keys = ["type", "required", "nullable", "doc"];
        assert_eq!(closest("requird", keys), Some("required"));
        assert_eq!(closest("zzzzzz", keys), None);
        assert_eq!(closest("Itme", ["Item", "Items2"]), Some("Item"));
    }
}
