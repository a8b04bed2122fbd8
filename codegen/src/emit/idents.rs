//! Identifier construction that reports bad names instead of panicking
//! (`proc_macro2::Ident::new` panics on invalid input).

use proc_macro2::Ident;

use super::EmitError;

/// Parses `name` as a plain (non-keyword) identifier.
pub fn ident(name: &str, context: &str) -> Result<Ident, EmitError> {
    syn::parse_str::<Ident>(name).map_err(|_| EmitError::InvalidIdentifier {
        name: name.to_owned(),
        context: context.to_owned(),
    })
}

/// SCREAMING_SNAKE_CASE constant name for an operation (`mall_recharge` → `MALL_RECHARGE`).
pub fn const_ident(operation: &str) -> Result<Ident, EmitError> {
    ident(&operation.to_ascii_uppercase(), "endpoint constant")
}
