//! Mapping spec type expressions to Rust types.

use proc_macro2::TokenStream;
use quote::ToTokens;

use super::idents::ident;
use super::EmitError;
use crate::model::TypeExpr;

/// The Rust type of a value of `ty` (without the `Option` of an optional field), as
/// formatted source.
pub fn rust_type_text(ty: &TypeExpr) -> Result<String, EmitError> {
    Ok(match ty {
        TypeExpr::String { .. } => "String".to_owned(),
        TypeExpr::Integer => "i64".to_owned(),
        TypeExpr::Number => "f64".to_owned(),
        TypeExpr::Boolean => "bool".to_owned(),
        TypeExpr::Json => "serde_json::Value".to_owned(),
        TypeExpr::Amount { .. } => "rt::Amount".to_owned(),
        TypeExpr::List(inner) => format!("Vec<{}>", rust_type_text(inner)?),
        // Ordered by key, so a value serialises to the same bytes on every run.
        TypeExpr::Map(inner) => format!(
            "std::collections::BTreeMap<String, {}>",
            rust_type_text(inner)?
        ),
        TypeExpr::Named(name) => ident(name, "type reference")?.to_string(),
    })
}

/// [`rust_type_text`] as tokens.
pub fn rust_type(ty: &TypeExpr) -> Result<TokenStream, EmitError> {
    let text = rust_type_text(ty)?;
    syn::parse_str::<syn::Type>(&text)
        .map(|ty| ty.into_token_stream())
        .map_err(|e| EmitError::Unparsable {
            file: format!("type `{text}`"),
            message: e.to_string(),
        })
}

/// The type a constructor or setter accepts for a value of `ty`, and whether the value
/// needs `.into()`: strings take `impl Into<String>` so callers can pass `&str`; amounts
/// take `impl Into<Amount>` so callers can pass a `Decimal` or a whole number (text must
/// be parsed first, where its error can be handled).
pub fn param_type_text(ty: &TypeExpr) -> Result<(String, bool), EmitError> {
    match ty {
        TypeExpr::String { .. } => Ok(("impl Into<String>".to_owned(), true)),
        TypeExpr::Amount { .. } => Ok(("impl Into<rt::Amount>".to_owned(), true)),
        other => Ok((rust_type_text(other)?, false)),
    }
}

/// Human description of a type for rustdoc (`string (max 32 characters)`).
pub fn describe(ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::String { max_len: Some(n) } => format!("string, at most {}", characters(*n)),
        TypeExpr::String { max_len: None } => "string".to_owned(),
        TypeExpr::Integer => "integer".to_owned(),
        TypeExpr::Number => "number".to_owned(),
        TypeExpr::Boolean => "boolean".to_owned(),
        TypeExpr::Json => "any JSON value".to_owned(),
        TypeExpr::Amount { max_len: Some(n) } => {
            format!("decimal amount as a string, at most {}", characters(*n))
        }
        TypeExpr::Amount { max_len: None } => "decimal amount as a string".to_owned(),
        TypeExpr::List(inner) => format!("list of {}", describe(inner)),
        TypeExpr::Map(inner) => format!("map from string keys to {}", describe(inner)),
        TypeExpr::Named(name) => format!("[`{name}`]"),
    }
}

/// `1 character`, `32 characters`.
pub fn characters(n: u32) -> String {
    if n == 1 {
        "1 character".to_owned()
    } else {
        format!("{n} characters")
    }
}
