//! `Serialize` and `Deserialize` of generated structs, written out instead of derived.
//!
//! A derived `Deserialize` (visitor, field enum, match arms) is most of what rustc spends on
//! a large generated client, and the client needs each direction only where data flows
//! that way: requests are encoded, responses decoded. So a struct gets `Serialize` when it
//! is reachable from a request and `Deserialize` when it is reachable from a response;
//! the other direction is compiled only with the including crate's
//! [`FULL_SERDE_FEATURE`]. Decoding goes through `rt::codec::Fields`, so each impl is one
//! short function.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::idents::{ident, member_ident};
use super::types::{field_role, FieldRole};
use super::EmitError;
use crate::model::{NamedType, StructType};

/// Cargo feature of the crate that compiles the generated code which adds the direction
/// the client does not use (`Deserialize` on request types, `Serialize` on response types).
pub const FULL_SERDE_FEATURE: &str = "full-serde";

/// Both impls of a struct, each behind [`FULL_SERDE_FEATURE`] when the client does not use
/// it. `extra` is the catch-all field of a response struct.
pub fn serde_impls(
    ty: &NamedType,
    s: &StructType,
    extra: Option<&Ident>,
) -> Result<TokenStream, EmitError> {
    let name = ident(&ty.name, "type name")?;
    let gate = |used: bool| {
        if used {
            quote!()
        } else {
            quote!(#[cfg(feature = #FULL_SERDE_FEATURE)])
        }
    };
    let (ser_gate, de_gate) = (gate(ty.in_request), gate(ty.in_response));
    let serialize = serialize_impl(&name, ty, s, extra)?;
    let deserialize = deserialize_impl(&name, ty, s, extra)?;
    Ok(quote! {
        #ser_gate
        #serialize
        #de_gate
        #deserialize
    })
}

/// Writes the fields in spec order as one JSON object: optional fields only when set,
/// nullable ones always (as null when `None`), the catch-all's members last.
fn serialize_impl(
    name: &Ident,
    ty: &NamedType,
    s: &StructType,
    extra: Option<&Ident>,
) -> Result<TokenStream, EmitError> {
    let context = format!("field of `{}`", ty.name);
    let mut entries = Vec::with_capacity(s.fields.len() + 1);
    for field in &s.fields {
        let fname = member_ident(&field.name, &context)?;
        let wire = &field.wire_name;
        entries.push(match field_role(field) {
            FieldRole::Required | FieldRole::Nullable => {
                quote!(map.serialize_entry(#wire, &self.#fname)?;)
            }
            FieldRole::Optional | FieldRole::Computed => quote! {
                if let Some(value) = &self.#fname {
                    map.serialize_entry(#wire, value)?;
                }
            },
        });
    }
    if let Some(extra) = extra {
        entries.push(quote! {
            for (key, value) in &self.#extra {
                map.serialize_entry(key, value)?;
            }
        });
    }
    // `end` alone needs no `mut`, and nothing else needs the trait.
    let binding = if entries.is_empty() {
        quote!(map)
    } else {
        quote!(mut map)
    };
    Ok(quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let #binding = serializer.serialize_map(None)?;
                #(#entries)*
                map.end()
            }
        }
    })
}

/// Reads the fields from an object by wire name or alias; a response struct keeps the
/// members no field took.
fn deserialize_impl(
    name: &Ident,
    ty: &NamedType,
    s: &StructType,
    extra: Option<&Ident>,
) -> Result<TokenStream, EmitError> {
    let context = format!("field of `{}`", ty.name);
    let mut inits = Vec::with_capacity(s.fields.len() + 1);
    for field in &s.fields {
        let fname = member_ident(&field.name, &context)?;
        let wire = &field.wire_name;
        let aliases = &field.aliases;
        let read = match field_role(field) {
            FieldRole::Required => quote!(required),
            FieldRole::Nullable | FieldRole::Optional | FieldRole::Computed => quote!(optional),
        };
        inits.push(quote!(#fname: fields.#read(#wire, &[#(#aliases),*])?));
    }
    if let Some(extra) = extra {
        inits.push(quote!(#extra: fields.rest()));
    }
    // Without fields the reader is only checked to be an object, or only drained.
    let binding = match (s.fields.is_empty(), extra.is_some()) {
        (false, _) => quote!(mut fields),
        (true, true) => quote!(fields),
        (true, false) => quote!(_fields),
    };
    Ok(quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let #binding = rt::codec::Fields::new(deserializer)?;
                Ok(Self { #(#inits),* })
            }
        }
    })
}
