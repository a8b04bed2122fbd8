//! Mapping spec type expressions to Rust types.

use proc_macro2::TokenStream;
use quote::quote;

use super::idents::ident;
use super::EmitError;
use crate::model::TypeExpr;

/// The Rust type of a value of `ty` (without the `Option` of an optional field).
pub fn rust_type(ty: &TypeExpr) -> Result<TokenStream, EmitError> {
    Ok(match ty {
        TypeExpr::String { .. } => quote!(String),
        TypeExpr::Integer => quote!(i64),
        TypeExpr::Number => quote!(f64),
        TypeExpr::Boolean => quote!(bool),
        TypeExpr::Json => quote!(serde_json::Value),
        TypeExpr::List(inner) => {
            let inner = rust_type(inner)?;
            quote!(Vec<#inner>)
        }
        TypeExpr::Named(name) => {
            let name = ident(name, "type reference")?;
            quote!(#name)
        }
    })
}

/// The type a constructor or setter accepts for a value of `ty`: strings take
/// `impl Into<String>` so callers can pass `&str`.
pub fn param_type(ty: &TypeExpr) -> Result<(TokenStream, bool), EmitError> {
    match ty {
        TypeExpr::String { .. } => Ok((quote!(impl Into<String>), true)),
        other => Ok((rust_type(other)?, false)),
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
        TypeExpr::List(inner) => format!("list of {}", describe(inner)),
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
