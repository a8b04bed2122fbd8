//! `Serialize` and `Deserialize` of generated structs, written out instead of derived.
//!
//! A derived `Deserialize` (visitor, field enum, match arms) is most of what rustc spends on
//! a large generated client, and the client needs each direction only where data flows
//! that way: requests are encoded, responses decoded. So a struct gets `Serialize` when it
//! is reachable from a request and `Deserialize` when it is reachable from a response;
//! the other direction is compiled only with the including crate's
//! [`FULL_SERDE_FEATURE`]. Decoding goes through `rt::codec::Fields`, so each impl is one
//! short function.

use super::code::{string_literal, Code};
use super::types::{close_fn_and_impl, field_role, FieldRole, Fields};

/// Cargo feature of the crate that compiles the generated code which adds the direction
/// the client does not use (`Deserialize` on request types, `Serialize` on response types).
pub const FULL_SERDE_FEATURE: &str = "full-serde";

/// The signature of `Serialize::serialize`, as prettyplease lays it out.
pub(super) const SERIALIZE_SIGNATURE: &str =
    "fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {";

/// Both impls of a struct, each behind [`FULL_SERDE_FEATURE`] when the client does not use
/// it.
pub(super) fn serde_impls(code: &mut Code, f: &Fields<'_>) {
    let gate = |code: &mut Code, used: bool| {
        if !used {
            code.fixed(0, &format!("#[cfg(feature = \"{FULL_SERDE_FEATURE}\")]"));
        }
    };
    gate(code, f.ty.in_request);
    serialize_impl(code, f);
    gate(code, f.ty.in_response);
    deserialize_impl(code, f);
}

/// Writes the fields in spec order as one JSON object: optional fields only when set,
/// nullable ones always (as null when `None`), the catch-all's members last.
fn serialize_impl(code: &mut Code, f: &Fields<'_>) {
    code.line(0, &format!("impl serde::Serialize for {} {{", f.name));
    code.fixed(1, SERIALIZE_SIGNATURE);
    code.fixed(2, "use serde::ser::SerializeMap as _;");
    // `end` alone needs no `mut`.
    code.fixed(
        2,
        if f.s.fields.is_empty() && f.extra.is_none() {
            "let map = serializer.serialize_map(None)?;"
        } else {
            "let mut map = serializer.serialize_map(None)?;"
        },
    );
    for (field, member) in f.s.fields.iter().zip(f.members) {
        let wire = string_literal(&field.wire_name);
        match field_role(field) {
            FieldRole::Required | FieldRole::Nullable => {
                code.line(2, &format!("map.serialize_entry({wire}, &self.{member})?;"));
            }
            FieldRole::Optional | FieldRole::Computed => {
                code.line(2, &format!("if let Some(value) = &self.{member} {{"));
                code.line(3, &format!("map.serialize_entry({wire}, value)?;"));
                code.fixed(2, "}");
            }
        }
    }
    if let Some(extra) = f.extra {
        code.line(2, &format!("for (key, value) in &self.{extra} {{"));
        code.fixed(3, "map.serialize_entry(key, value)?;");
        code.fixed(2, "}");
    }
    code.fixed(2, "map.end()");
    close_fn_and_impl(code);
}

/// The impl line and signature of `Deserialize::deserialize` for `name`.
pub(super) fn deserialize_head(code: &mut Code, name: &str) {
    code.line(
        0,
        &format!("impl<'de> serde::Deserialize<'de> for {name} {{"),
    );
    code.fixed(1, "fn deserialize<D: serde::Deserializer<'de>>(");
    code.fixed(2, "deserializer: D,");
    code.fixed(1, ") -> Result<Self, D::Error> {");
}

/// Reads the fields from an object by wire name or alias; a response struct keeps the
/// members no field took.
fn deserialize_impl(code: &mut Code, f: &Fields<'_>) {
    let mut inits = Vec::with_capacity(f.members.len() + 1);
    for (field, member) in f.s.fields.iter().zip(f.members) {
        let read = match field_role(field) {
            FieldRole::Required => "required",
            FieldRole::Nullable | FieldRole::Optional | FieldRole::Computed => "optional",
        };
        let aliases: Vec<String> = field.aliases.iter().map(|a| string_literal(a)).collect();
        inits.push(format!(
            "{member}: fields.{read}({}, &[{}])?",
            string_literal(&field.wire_name),
            aliases.join(", ")
        ));
    }
    if let Some(extra) = f.extra {
        inits.push(format!("{extra}: fields.rest()"));
    }
    // Without fields the reader is only checked to be an object, or only drained.
    let binding = match (f.s.fields.is_empty(), f.extra.is_some()) {
        (false, _) => "mut fields",
        (true, true) => "fields",
        (true, false) => "_fields",
    };
    deserialize_head(code, f.name);
    code.fixed(
        2,
        &format!("let {binding} = rt::codec::Fields::new(deserializer)?;"),
    );
    code.struct_literal(2, "Ok(", &inits, ")");
    close_fn_and_impl(code);
}
