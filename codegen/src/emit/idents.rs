//! Identifier construction that reports bad names instead of panicking
//! (`proc_macro2::Ident::new` panics on invalid input).

use proc_macro2::{Ident, Span};

use super::EmitError;

/// Strict and reserved keywords of Rust 2021, which cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield", "_",
];

/// Makes `name` a plain (non-keyword, ASCII) identifier. Checked by hand because parsing
/// each name with syn costs more than the rest of the emitter's per-field work.
pub fn ident(name: &str, context: &str) -> Result<Ident, EmitError> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name);
    if valid {
        Ok(Ident::new(name, Span::call_site()))
    } else {
        Err(EmitError::InvalidIdentifier {
            name: name.to_owned(),
            context: context.to_owned(),
        })
    }
}

/// SCREAMING_SNAKE_CASE constant name for an operation (`mall_recharge` → `MALL_RECHARGE`).
pub fn const_ident(operation: &str) -> Result<Ident, EmitError> {
    ident(&operation.to_ascii_uppercase(), "endpoint constant")
}

#[cfg(test)]
mod tests {
    use super::ident;

    #[test]
    fn accepts_identifiers_and_rejects_the_rest() {
        for ok in ["a", "mall_recharge", "PayType", "_x", "x9"] {
            assert!(ident(ok, "test").is_ok(), "{ok}");
        }
        for bad in ["", "9a", "type", "self", "Self", "a-b", "a b", "券码", "_"] {
            assert!(ident(bad, "test").is_err(), "{bad}");
        }
    }
}
