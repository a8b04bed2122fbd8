//! Identifier construction that reports bad names instead of panicking
//! (`proc_macro2::Ident::new` panics on invalid input).

use proc_macro2::{Ident, Span};

use super::EmitError;

/// Strict, reserved and edition-2024 keywords of Rust, which cannot be plain identifiers.
/// `gen` is included so that code generated today still compiles in a 2024-edition crate.
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield", "_",
];

/// Keywords that are not allowed even as raw identifiers.
const NOT_RAW: &[&str] = &["Self", "crate", "self", "super", "_"];

/// Whether `name` has the shape of an ASCII identifier (keywords included). Checked by hand
/// because parsing each name with syn costs more than the rest of the per-field work.
fn is_ascii_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn invalid(name: &str, context: &str) -> EmitError {
    EmitError::InvalidIdentifier {
        name: name.to_owned(),
        context: context.to_owned(),
    }
}

/// Makes `name` a plain (non-keyword, ASCII) identifier: for type, variant and module names,
/// which also appear inside paths and strings where a raw identifier would not do.
pub fn ident(name: &str, context: &str) -> Result<Ident, EmitError> {
    if is_ascii_ident(name) && !KEYWORDS.contains(&name) {
        Ok(Ident::new(name, Span::call_site()))
    } else {
        Err(invalid(name, context))
    }
}

/// Makes `name` an identifier for a field, parameter or method, escaping keywords as raw
/// identifiers (`r#type`). The loader already rejects keywords; this keeps a hand-built
/// model from producing code that does not compile.
pub fn member_ident(name: &str, context: &str) -> Result<Ident, EmitError> {
    if !is_ascii_ident(name) || NOT_RAW.contains(&name) {
        Err(invalid(name, context))
    } else if KEYWORDS.contains(&name) {
        Ok(Ident::new_raw(name, Span::call_site()))
    } else {
        Ok(Ident::new(name, Span::call_site()))
    }
}

/// SCREAMING_SNAKE_CASE constant name for an operation (`mall_recharge` → `MALL_RECHARGE`).
pub fn const_ident(operation: &str) -> Result<Ident, EmitError> {
    ident(&operation.to_ascii_uppercase(), "endpoint constant")
}

#[cfg(test)]
mod tests {
    use super::{ident, member_ident};

    #[test]
    fn accepts_identifiers_and_rejects_the_rest() {
        for ok in ["a", "mall_recharge", "PayType", "_x", "x9"] {
            assert!(ident(ok, "test").is_ok(), "{ok}");
        }
        for bad in [
            "", "9a", "type", "gen", "self", "Self", "a-b", "a b", "券码", "_",
        ] {
            assert!(ident(bad, "test").is_err(), "{bad}");
        }
    }

    #[test]
    fn members_escape_keywords_as_raw_identifiers() {
        assert_eq!(
            member_ident("store_id", "test").unwrap().to_string(),
            "store_id"
        );
        assert_eq!(member_ident("type", "test").unwrap().to_string(), "r#type");
        assert_eq!(member_ident("gen", "test").unwrap().to_string(), "r#gen");
        for bad in ["self", "Self", "super", "crate", "_", "", "a-b", "券码"] {
            assert!(member_ident(bad, "test").is_err(), "{bad}");
        }
    }
}
