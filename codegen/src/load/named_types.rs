//! Named types (structs and enums) and their fields, as declared under `types:` and in an
//! endpoint's `request:` / `response:`.

use std::collections::HashMap;

use marked_yaml::Node;

use super::diagnostic::DiagnosticKind;
use super::ident::{is_snake_case, is_upper_camel, to_snake_case, to_upper_camel};
use super::type_expr::{named_ref, parse_repr, parse_type};
use super::yaml::{Cx, Obj};
use crate::model::{
    EnumRepr, EnumType, EnumVariant, Field, NamedType, SourceRef, StructType, TypeExpr, TypeKind,
};

/// Keys of a field declaration.
pub(crate) const FIELD_KEYS: &[&str] = &[
    "type",
    "required",
    "nullable",
    "computed",
    "rust_name",
    "aliases",
    "doc",
    "example",
    "quirks",
];
/// Keys of a named type declaration.
const TYPE_KEYS: &[&str] = &["doc", "fields", "enum", "quirks"];
/// Keys of an `enum:` body.
const ENUM_KEYS: &[&str] = &["repr", "values"];
/// Keys of one enum value.
const VARIANT_KEYS: &[&str] = &["value", "name", "doc"];

/// A use of a named type, checked once every type of the service is known.
#[derive(Clone, Debug)]
pub(crate) struct TypeRef {
    /// Referenced type name.
    pub name: String,
    /// Where the `type:` value was written.
    pub at: SourceRef,
}

/// Parses a `types:` mapping (name → declaration).
pub(crate) fn parse_types_section(
    cx: &mut Cx<'_>,
    node: &Node,
    refs: &mut Vec<TypeRef>,
) -> Vec<NamedType> {
    let Some(map) = node.as_mapping() else {
        cx.error(
            node.span(),
            DiagnosticKind::WrongShape,
            "`types` must be a mapping from type name to declaration",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in map.iter() {
        let name = key.as_str();
        if !is_upper_camel(name) {
            cx.error(
                key.span(),
                DiagnosticKind::InvalidIdentifier,
                format!(
                    "type name `{name}` is not an UpperCamelCase Rust identifier (try `{}`)",
                    to_upper_camel(name)
                ),
            );
        }
        if let Some(t) = parse_named_type(cx, name, cx.at(key.span()), value, refs) {
            out.push(t);
        }
    }
    out
}

fn parse_named_type(
    cx: &mut Cx<'_>,
    name: &str,
    origin: SourceRef,
    node: &Node,
    refs: &mut Vec<TypeRef>,
) -> Option<NamedType> {
    let what = format!("type `{name}`");
    let obj = cx.object(node, &what, TYPE_KEYS, &[])?;
    let description = cx.opt_str(&obj, "doc").map(|s| s.text);
    let quirks = cx
        .str_list(&obj, "quirks")
        .into_iter()
        .map(|s| s.text)
        .collect();
    let kind = match (obj.get("fields"), obj.get("enum")) {
        (Some(_), Some(e)) => {
            cx.error(
                e.span(),
                DiagnosticKind::WrongShape,
                format!(
                    "{what} has both `fields` and `enum`; a type is either a struct or an enum"
                ),
            );
            return None;
        }
        (Some(f), None) => TypeKind::Struct(StructType {
            fields: parse_fields(cx, f, name, refs),
        }),
        (None, Some(e)) => TypeKind::Enum(parse_enum(cx, e, name)?),
        (None, None) => {
            cx.error(
                &obj.span(),
                DiagnosticKind::MissingKey,
                format!("{what} needs `fields` (a struct) or `enum` (an enum)"),
            );
            return None;
        }
    };
    Some(NamedType {
        name: name.to_string(),
        description,
        kind,
        in_response: false,
        in_request: false,
        quirks,
        origin,
    })
}

/// Parses a `fields:` mapping (wire name → declaration) of the struct `owner`.
pub(crate) fn parse_fields(
    cx: &mut Cx<'_>,
    node: &Node,
    owner: &str,
    refs: &mut Vec<TypeRef>,
) -> Vec<Field> {
    let Some(map) = node.as_mapping() else {
        cx.error(
            node.span(),
            DiagnosticKind::WrongShape,
            format!("`fields` of `{owner}` must be a mapping from wire name to field"),
        );
        return Vec::new();
    };
    let mut fields = Vec::new();
    // Rust names and accepted wire names must each be unique within the struct: two wire
    // names mapping to one Rust name would not compile, and a wire name accepted twice
    // would make decoding ambiguous.
    let mut rust_names: HashMap<String, String> = HashMap::new();
    let mut wire_names: HashMap<String, String> = HashMap::new();
    for key in map.keys() {
        wire_names.insert(key.as_str().to_string(), key.as_str().to_string());
    }
    for (key, value) in map.iter() {
        let Some(field) = parse_field(cx, key.as_str(), cx.at(key.span()), value, owner, refs)
        else {
            continue;
        };
        if let Some(prev) = rust_names.get(&field.name) {
            cx.error_at(
                &field.origin,
                DiagnosticKind::DuplicateName,
                format!(
                    "fields `{prev}` and `{}` of `{owner}` both become the Rust field `{}`; \
                     give one a different `rust_name`",
                    field.wire_name, field.name
                ),
            );
        } else {
            rust_names.insert(field.name.clone(), field.wire_name.clone());
        }
        for alias in &field.aliases {
            if let Some(prev) = wire_names.get(alias) {
                cx.error_at(
                    &field.origin,
                    DiagnosticKind::DuplicateName,
                    format!(
                        "alias `{alias}` of field `{}` of `{owner}` is already the wire name \
                         or an alias of field `{prev}`",
                        field.wire_name
                    ),
                );
            } else {
                wire_names.insert(alias.clone(), field.wire_name.clone());
            }
        }
        fields.push(field);
    }
    fields
}

fn parse_field(
    cx: &mut Cx<'_>,
    wire: &str,
    origin: SourceRef,
    node: &Node,
    owner: &str,
    refs: &mut Vec<TypeRef>,
) -> Option<Field> {
    let what = format!("field `{wire}`");
    if wire.is_empty() {
        cx.error_at(
            &origin,
            DiagnosticKind::InvalidValue,
            format!("`{owner}` has a field with an empty wire name"),
        );
    }
    let obj = cx.object(node, &what, FIELD_KEYS, &["type"])?;
    let ty = parse_type_value(cx, &obj, "type", refs);
    let name = field_rust_name(cx, &obj, wire, &origin);
    let required = cx.bool_or(&obj, "required", false);
    let nullable = cx.bool_or(&obj, "nullable", false);
    let computed = cx.bool_or(&obj, "computed", false);
    let aliases = cx
        .str_list(&obj, "aliases")
        .into_iter()
        .map(|s| s.text)
        .collect();
    let description = cx.opt_str(&obj, "doc").map(|s| s.text);
    let example = cx.opt_str(&obj, "example").map(|s| s.text);
    let quirks = cx
        .str_list(&obj, "quirks")
        .into_iter()
        .map(|s| s.text)
        .collect();
    Some(Field {
        name,
        wire_name: wire.to_string(),
        aliases,
        // The bad type is already reported and the spec will not load; a plain string is
        // a placeholder no later check (signed fields, containment) objects to again.
        ty: ty.unwrap_or(TypeExpr::String { max_len: None }),
        required,
        nullable,
        computed,
        description,
        example,
        quirks,
        origin,
    })
}

/// Parses the type expression under `key`, recording a named reference for later checking.
pub(crate) fn parse_type_value(
    cx: &mut Cx<'_>,
    obj: &Obj<'_>,
    key: &str,
    refs: &mut Vec<TypeRef>,
) -> Option<TypeExpr> {
    let s = cx.req_str(obj, key)?;
    match parse_type(&s.text) {
        Ok(ty) => {
            if let Some(n) = named_ref(&ty) {
                refs.push(TypeRef {
                    name: n.to_string(),
                    at: cx.at(&s.span),
                });
            }
            Some(ty)
        }
        Err(msg) => {
            cx.error(
                &s.span,
                DiagnosticKind::InvalidValue,
                format!("{msg} (in {})", obj.what),
            );
            None
        }
    }
}

fn field_rust_name(cx: &mut Cx<'_>, obj: &Obj<'_>, wire: &str, origin: &SourceRef) -> String {
    if let Some(r) = cx.opt_str(obj, "rust_name") {
        if !is_snake_case(&r.text) {
            cx.error(
                &r.span,
                DiagnosticKind::InvalidIdentifier,
                format!(
                    "rust_name `{}` of field `{wire}` is not a snake_case Rust identifier \
                     (try `{}`)",
                    r.text,
                    to_snake_case(&r.text)
                ),
            );
        }
        return r.text;
    }
    if !wire.is_empty() && !is_snake_case(wire) {
        cx.error_at(
            origin,
            DiagnosticKind::InvalidIdentifier,
            format!(
                "wire name `{wire}` is not a snake_case Rust identifier (or is a keyword); \
                 add `rust_name: {}`",
                to_snake_case(wire)
            ),
        );
    }
    wire.to_string()
}

fn parse_enum(cx: &mut Cx<'_>, node: &Node, owner: &str) -> Option<EnumType> {
    let what = format!("enum `{owner}`");
    let obj = cx.object(node, &what, ENUM_KEYS, &["repr", "values"])?;
    let repr_s = cx.req_str(&obj, "repr");
    let repr = repr_s.as_ref().and_then(|s| match parse_repr(&s.text) {
        Ok(r) => Some(r),
        Err(msg) => {
            cx.error(&s.span, DiagnosticKind::InvalidValue, msg);
            None
        }
    });
    let values = cx.opt_seq(&obj, "values");
    let mut variants = Vec::new();
    let mut names: HashMap<String, ()> = HashMap::new();
    let mut seen_values: HashMap<String, ()> = HashMap::new();
    if let Some(seq) = values {
        if seq.is_empty() {
            cx.error(
                seq.span(),
                DiagnosticKind::InvalidValue,
                format!("{what} has no values"),
            );
        }
        for item in seq.iter() {
            let Some((variant, name_at, value_at)) = parse_variant(cx, item, owner, repr.as_ref())
            else {
                continue;
            };
            if names.insert(variant.name.clone(), ()).is_some() {
                cx.error_at(
                    &name_at,
                    DiagnosticKind::DuplicateName,
                    format!("{what} has two variants named `{}`", variant.name),
                );
            }
            // Integers are compared as numbers: `1` and `01` are one value on the wire.
            let key = match repr {
                Some(EnumRepr::Integer) => variant
                    .value
                    .parse::<i64>()
                    .map_or_else(|_| variant.value.clone(), |n| n.to_string()),
                _ => variant.value.clone(),
            };
            if seen_values.insert(key.clone(), ()).is_some() {
                let same = if key == variant.value {
                    String::new()
                } else {
                    format!(" (the integer `{key}`)")
                };
                cx.error_at(
                    &value_at,
                    DiagnosticKind::DuplicateName,
                    format!("{what} lists the value `{}`{same} twice", variant.value),
                );
            }
            variants.push(variant);
        }
    }
    Some(EnumType {
        repr: repr.unwrap_or(EnumRepr::String { max_len: None }),
        variants,
    })
}

fn parse_variant(
    cx: &mut Cx<'_>,
    node: &Node,
    owner: &str,
    repr: Option<&EnumRepr>,
) -> Option<(EnumVariant, SourceRef, SourceRef)> {
    let what = format!("a value of enum `{owner}`");
    let obj = cx.object(node, &what, VARIANT_KEYS, &["value", "name"])?;
    let value = cx.req_str(&obj, "value");
    let name = cx.req_str(&obj, "name");
    let description = cx.opt_str(&obj, "doc").map(|s| s.text);
    let (value, name) = (value?, name?);
    if let Some(repr) = repr {
        check_repr(cx, &value, repr, owner);
    }
    if !is_upper_camel(&name.text) {
        cx.error(
            &name.span,
            DiagnosticKind::InvalidIdentifier,
            format!(
                "variant name `{}` of enum `{owner}` is not an UpperCamelCase Rust identifier \
                 (try `{}`)",
                name.text,
                to_upper_camel(&name.text)
            ),
        );
    } else if name.text == "Unknown" {
        cx.error(
            &name.span,
            DiagnosticKind::InvalidIdentifier,
            format!(
                "variant name `Unknown` of enum `{owner}` is reserved for the generated \
                 fallback that keeps unlisted values"
            ),
        );
    }
    let (name_at, value_at) = (cx.at(&name.span), cx.at(&value.span));
    Some((
        EnumVariant {
            name: name.text,
            value: value.text,
            description,
        },
        name_at,
        value_at,
    ))
}

fn check_repr(cx: &mut Cx<'_>, value: &super::yaml::Scalar, repr: &EnumRepr, owner: &str) {
    match repr {
        EnumRepr::Integer => {
            if value.text.parse::<i64>().is_err() {
                cx.error(
                    &value.span,
                    DiagnosticKind::InvalidValue,
                    format!(
                        "value `{}` of enum `{owner}` is not an integer, but the repr is `integer`",
                        value.text
                    ),
                );
            }
        }
        EnumRepr::String { max_len } => {
            let len = value.text.chars().count();
            if let Some(max) = max_len {
                if len > *max as usize {
                    cx.error(
                        &value.span,
                        DiagnosticKind::InvalidValue,
                        format!(
                            "value `{}` of enum `{owner}` has {len} characters, more than the \
                             repr `string({max})` allows",
                            value.text
                        ),
                    );
                }
            }
            if value.text.is_empty() {
                cx.error(
                    &value.span,
                    DiagnosticKind::InvalidValue,
                    format!("enum `{owner}` has an empty value"),
                );
            }
        }
    }
}

/// Parses an endpoint's `request:` or `response:` struct body (`name`, `doc`, `fields`,
/// `quirks`) into a named struct, defaulting its name to `<Operation><suffix>`.
pub(crate) fn parse_message_struct(
    cx: &mut Cx<'_>,
    obj: &Obj<'_>,
    default_name: String,
    refs: &mut Vec<TypeRef>,
) -> NamedType {
    let (name, origin) = match cx.opt_str(obj, "name") {
        Some(n) => {
            if !is_upper_camel(&n.text) {
                cx.error(
                    &n.span,
                    DiagnosticKind::InvalidIdentifier,
                    format!(
                        "type name `{}` is not an UpperCamelCase Rust identifier (try `{}`)",
                        n.text,
                        to_upper_camel(&n.text)
                    ),
                );
            }
            let at = cx.at(&n.span);
            (n.text, at)
        }
        None => (default_name, cx.at(&obj.span())),
    };
    let description = cx.opt_str(obj, "doc").map(|s| s.text);
    let quirks = cx
        .str_list(obj, "quirks")
        .into_iter()
        .map(|s| s.text)
        .collect();
    let fields = match obj.get("fields") {
        Some(f) => parse_fields(cx, f, &name, refs),
        None => Vec::new(),
    };
    NamedType {
        name,
        description,
        kind: TypeKind::Struct(StructType { fields }),
        in_response: false,
        in_request: false,
        quirks,
        origin,
    }
}
