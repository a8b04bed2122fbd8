//! Named types (structs and enums) and their fields, as declared under `types:` and in an
//! endpoint's `request:` / `response:`.

use std::collections::HashMap;

use retail_apis_descriptor::check_decimal_text;

use super::diagnostic::DiagnosticKind;
use super::ident::{is_snake_case, is_upper_camel, to_snake_case, to_upper_camel};
use super::raw::types::{EnumDecl, EnumValue, FieldDecl, TypeDecl};
use super::raw::{Checked, Entries, OneOrMany, Opt};
use super::type_expr::{parse_repr, parse_type};
use super::yaml::{Cx, Pos};
use super::{quirks, value};
use crate::model::{
    EnumRepr, EnumType, EnumVariant, Field, NamedType, SourceRef, StructType, TypeExpr, TypeKind,
};

/// A use of a named type, checked once every type of the service is known.
#[derive(Clone, Debug)]
pub(crate) struct TypeRef {
    /// Referenced type name.
    pub name: String,
    /// Where the `type:` value was written.
    pub at: SourceRef,
}

/// Checks a `types:` mapping (name → declaration).
pub(crate) fn check_types_section(
    cx: &mut Cx<'_>,
    types: Entries<TypeDecl>,
    refs: &mut Vec<TypeRef>,
) -> Vec<NamedType> {
    let mut out = Vec::new();
    for (key, decl) in types.0 {
        let Some(name) = key.value else { continue };
        if !is_upper_camel(&name) {
            cx.error(
                key.span,
                DiagnosticKind::InvalidIdentifier,
                format!(
                    "type name `{name}` is not an UpperCamelCase Rust identifier (try `{}`)",
                    to_upper_camel(&name)
                ),
            );
        }
        let origin = cx.at(key.span);
        if let Some(t) = check_named_type(cx, name, origin, decl, refs) {
            out.push(t);
        }
    }
    out
}

fn check_named_type(
    cx: &mut Cx<'_>,
    name: String,
    origin: SourceRef,
    decl: Checked<TypeDecl>,
    refs: &mut Vec<TypeRef>,
) -> Option<NamedType> {
    let decl_at = decl.span;
    let decl = decl.value?;
    cx.review(decl.review);
    let kind = match (decl.fields, decl.enumeration) {
        (Some(_), Some(e)) => {
            cx.error(
                e.span,
                DiagnosticKind::WrongShape,
                format!(
                    "type `{name}` has both `fields` and `enum`; a type is either a struct or \
                     an enum"
                ),
            );
            return None;
        }
        (Some(f), None) => TypeKind::Struct(StructType {
            fields: check_fields(cx, value(Some(f)), &name, refs),
        }),
        (None, Some(e)) => TypeKind::Enum(check_enum(cx, e.value?, &name)),
        (None, None) => {
            cx.error(
                decl_at,
                DiagnosticKind::MissingKey,
                format!("type `{name}` needs `fields` (a struct) or `enum` (an enum)"),
            );
            return None;
        }
    };
    Some(NamedType {
        name,
        description: value(decl.doc),
        kind,
        in_response: false,
        in_request: false,
        quirks: quirks(decl.quirks),
        origin,
    })
}

/// Checks the `fields:` mapping (wire name → declaration) of the struct `owner`.
pub(crate) fn check_fields(
    cx: &mut Cx<'_>,
    fields: Option<Entries<FieldDecl>>,
    owner: &str,
    refs: &mut Vec<TypeRef>,
) -> Vec<Field> {
    let Some(fields) = fields else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(fields.0.len());
    // Rust names and accepted wire names must each be unique within the struct: two wire
    // names mapping to one Rust name would not compile, and a wire name accepted twice
    // would make decoding ambiguous.
    let mut rust_names: HashMap<String, String> = HashMap::new();
    let mut wire_names: HashMap<String, String> = fields
        .0
        .iter()
        .filter_map(|(k, _)| k.get().map(|k| (k.clone(), k.clone())))
        .collect();
    for (key, decl) in fields.0 {
        let Some(wire) = key.value else { continue };
        let origin = cx.at(key.span);
        let Some(field) = check_field(cx, wire, origin, decl, owner, refs) else {
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
        out.push(field);
    }
    out
}

fn check_field(
    cx: &mut Cx<'_>,
    wire: String,
    origin: SourceRef,
    decl: Checked<FieldDecl>,
    owner: &str,
    refs: &mut Vec<TypeRef>,
) -> Option<Field> {
    if wire.is_empty() {
        cx.error_at(
            &origin,
            DiagnosticKind::InvalidValue,
            format!("`{owner}` has a field with an empty wire name"),
        );
    }
    let decl = decl.value?;
    cx.review(decl.review);
    let ty = check_type_value(cx, decl.ty, &format!("field `{wire}`"), refs);
    if let (Some(TypeExpr::Amount { .. }), Some(example)) = (&ty, &decl.example) {
        if let Some(Err(problem)) = example.value.as_deref().map(check_decimal_text) {
            cx.error(
                example.span,
                DiagnosticKind::InvalidValue,
                format!("the example of amount field `{wire}` is not an amount: {problem}"),
            );
        }
    }
    let name = field_rust_name(cx, decl.rust_name, &wire, &origin);
    Some(Field {
        name,
        aliases: value(decl.aliases).map(|a| a.0).unwrap_or_default(),
        // The bad type is already reported and the spec will not load; a plain string is
        // a placeholder no later check (signed fields, containment) objects to again.
        ty: ty.unwrap_or(TypeExpr::String { max_len: None }),
        required: value(decl.required).unwrap_or(false),
        nullable: value(decl.nullable).unwrap_or(false),
        computed: value(decl.computed).unwrap_or(false),
        description: value(decl.doc),
        example: value(decl.example),
        quirks: quirks(decl.quirks),
        wire_name: wire,
        origin,
    })
}

/// Checks a type expression (of `what`), recording a named reference for later checking.
pub(crate) fn check_type_value(
    cx: &mut Cx<'_>,
    ty: Checked<String>,
    what: &str,
    refs: &mut Vec<TypeRef>,
) -> Option<TypeExpr> {
    let text = ty.value?;
    match parse_type(&text) {
        Ok(parsed) => {
            if let Some(n) = parsed.named() {
                refs.push(TypeRef {
                    name: n.to_string(),
                    at: cx.at(ty.span),
                });
            }
            Some(parsed)
        }
        Err(msg) => {
            cx.error(
                ty.span,
                DiagnosticKind::InvalidValue,
                format!("{msg} (in {what})"),
            );
            None
        }
    }
}

fn field_rust_name(
    cx: &mut Cx<'_>,
    rust_name: Opt<String>,
    wire: &str,
    origin: &SourceRef,
) -> String {
    if let Some(Checked {
        span,
        value: Some(r),
        ..
    }) = rust_name
    {
        if !is_snake_case(&r) {
            cx.error(
                span,
                DiagnosticKind::InvalidIdentifier,
                format!(
                    "rust_name `{r}` of field `{wire}` is not a snake_case Rust identifier \
                     (try `{}`)",
                    to_snake_case(&r)
                ),
            );
        }
        return r;
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

fn check_enum(cx: &mut Cx<'_>, decl: EnumDecl, owner: &str) -> EnumType {
    let repr = decl.repr.value.and_then(|r| match parse_repr(&r) {
        Ok(r) => Some(r),
        Err(msg) => {
            cx.error(decl.repr.span, DiagnosticKind::InvalidValue, msg);
            None
        }
    });
    let values_at = decl.values.span;
    let values = decl.values.value;
    if values.as_ref().is_some_and(Vec::is_empty) {
        cx.error(
            values_at,
            DiagnosticKind::InvalidValue,
            format!("enum `{owner}` has no values"),
        );
    }
    let mut variants = Vec::new();
    let mut names: HashMap<String, ()> = HashMap::new();
    let mut seen_values: HashMap<String, ()> = HashMap::new();
    for (item, origin) in values
        .into_iter()
        .flatten()
        .filter_map(|v| Some((v.value?, v.span)))
    {
        let Some((variant, name_at, value_at)) =
            check_variant(cx, item, origin, owner, repr.as_ref())
        else {
            continue;
        };
        if names.insert(variant.name.clone(), ()).is_some() {
            cx.error(
                name_at,
                DiagnosticKind::DuplicateName,
                format!("enum `{owner}` has two variants named `{}`", variant.name),
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
            cx.error(
                value_at,
                DiagnosticKind::DuplicateName,
                format!(
                    "enum `{owner}` lists the value `{}`{same} twice",
                    variant.value
                ),
            );
        }
        variants.push(variant);
    }
    EnumType {
        repr: repr.unwrap_or(EnumRepr::String { max_len: None }),
        variants,
    }
}

fn check_variant(
    cx: &mut Cx<'_>,
    decl: EnumValue,
    origin: Pos,
    owner: &str,
    repr: Option<&EnumRepr>,
) -> Option<(EnumVariant, Pos, Pos)> {
    let (wire, name) = (decl.value.value?, decl.name.value?);
    let (value_at, name_at) = (decl.value.span, decl.name.span);
    if let Some(repr) = repr {
        check_repr(cx, &wire, &value_at, repr, owner);
    }
    if !is_upper_camel(&name) {
        cx.error(
            name_at,
            DiagnosticKind::InvalidIdentifier,
            format!(
                "variant name `{name}` of enum `{owner}` is not an UpperCamelCase Rust \
                 identifier (try `{}`)",
                to_upper_camel(&name)
            ),
        );
    } else if name == "Unknown" {
        cx.error(
            name_at,
            DiagnosticKind::InvalidIdentifier,
            format!(
                "variant name `Unknown` of enum `{owner}` is reserved for the generated \
                 fallback that keeps unlisted values"
            ),
        );
    }
    let description = value(decl.doc);
    Some((
        EnumVariant {
            name,
            value: wire,
            description,
            origin: cx.at(origin),
        },
        name_at,
        value_at,
    ))
}

fn check_repr(cx: &mut Cx<'_>, value: &str, at: &Pos, repr: &EnumRepr, owner: &str) {
    match repr {
        EnumRepr::Integer => {
            if value.parse::<i64>().is_err() {
                cx.error(
                    at,
                    DiagnosticKind::InvalidValue,
                    format!(
                        "value `{value}` of enum `{owner}` is not an integer, but the repr is \
                         `integer`"
                    ),
                );
            }
        }
        EnumRepr::String { max_len } => {
            let len = value.chars().count();
            if let Some(max) = max_len {
                if len > *max as usize {
                    cx.error(
                        at,
                        DiagnosticKind::InvalidValue,
                        format!(
                            "value `{value}` of enum `{owner}` has {len} characters, more \
                             than the repr `string({max})` allows"
                        ),
                    );
                }
            }
            if value.is_empty() {
                cx.error(
                    at,
                    DiagnosticKind::InvalidValue,
                    format!("enum `{owner}` has an empty value"),
                );
            }
        }
    }
}

/// The parts of an endpoint's `request:` or `response:` struct.
pub(crate) struct MessageStruct {
    pub name: Opt<String>,
    pub doc: Opt<String>,
    pub fields: Opt<Entries<FieldDecl>>,
    pub quirks: Opt<OneOrMany>,
}

/// Checks an endpoint's `request:` or `response:` struct body into a named struct,
/// defaulting its name to `default_name` (`<Operation>Request`) at `at`.
pub(crate) fn check_message_struct(
    cx: &mut Cx<'_>,
    body: MessageStruct,
    default_name: String,
    at: &Pos,
    refs: &mut Vec<TypeRef>,
) -> NamedType {
    let (name, origin) = match body.name {
        Some(Checked {
            span,
            value: Some(n),
            ..
        }) => {
            if !is_upper_camel(&n) {
                cx.error(
                    span,
                    DiagnosticKind::InvalidIdentifier,
                    format!(
                        "type name `{n}` is not an UpperCamelCase Rust identifier (try `{}`)",
                        to_upper_camel(&n)
                    ),
                );
            }
            (n, cx.at(span))
        }
        _ => (default_name, cx.at(at)),
    };
    let fields = check_fields(cx, value(body.fields), &name, refs);
    NamedType {
        name,
        description: value(body.doc),
        kind: TypeKind::Struct(StructType { fields }),
        in_response: false,
        in_request: false,
        quirks: quirks(body.quirks),
        origin,
    }
}
