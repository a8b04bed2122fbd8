//! Structs and enums for the named types of a service.

use std::collections::HashSet;

use super::code::{string_literal, Code};
use super::docs::{code as code_span, Doc};
use super::idents::{ident, member_ident};
use super::rust_types::{characters, describe, param_type_text, rust_type_text};
use super::serde_impls::{deserialize_head, serde_impls, SERIALIZE_SIGNATURE};
use super::EmitError;
use crate::model::{
    EnumRepr, EnumType, EnumVariant, Field, NamedType, StructType, TypeKind, VendorPage,
};

/// The vendor pages of a service, by the name quirks cite them with.
pub(super) type Pages = std::collections::BTreeMap<String, VendorPage>;

/// More constructor parameters than clippy's `too_many_arguments` allows by default.
const CLIPPY_MAX_ARGS: usize = 7;

/// Renders one named type with its impls, formatted.
///
/// `role` says what the type is for when it is an endpoint's request or response
/// (`Request body of …`); it leads the rustdoc.
pub fn named_type(ty: &NamedType, role: Option<&str>, pages: &Pages) -> Result<String, EmitError> {
    match &ty.kind {
        TypeKind::Struct(s) => struct_type(ty, s, role, pages),
        TypeKind::Enum(e) => enum_type(ty, e, role, pages),
    }
}

fn type_doc(ty: &NamedType, role: Option<&str>, pages: &Pages) -> Doc {
    let mut doc = Doc::default();
    if let Some(role) = role {
        doc.paragraph(role);
    }
    doc.maybe_prose(ty.description.as_deref());
    if role.is_none() && ty.description.is_none() {
        doc.paragraph(format!("`{}` (the spec gives no description).", ty.name));
    }
    doc.quirks(&ty.quirks, pages);
    doc
}

/// How a field is declared and constructed.
pub(super) enum FieldRole {
    /// Plain value, passed to `new`.
    Required,
    /// `Option`, serialised even when `None` (the page sends null for a required field).
    Nullable,
    /// `Option`, skipped when `None`, set by a builder method.
    Optional,
    /// `Option`, skipped when `None`, filled by the runtime (Shoubei `sign`).
    Computed,
}

pub(super) fn field_role(field: &Field) -> FieldRole {
    if field.computed {
        FieldRole::Computed
    } else if field.required && field.nullable {
        FieldRole::Nullable
    } else if field.required {
        FieldRole::Required
    } else {
        FieldRole::Optional
    }
}

fn field_doc(field: &Field, pages: &Pages) -> Doc {
    let mut doc = Doc::prose(field.description.as_deref().unwrap_or_default());
    let mut facts = format!(
        "Wire name {}, {}",
        code_span(&field.wire_name),
        describe(&field.ty)
    );
    facts.push_str(if field.required {
        ", required"
    } else {
        ", optional"
    });
    if field.nullable {
        facts.push_str(", may be null");
    }
    facts.push('.');
    doc.paragraph(facts);
    if !field.aliases.is_empty() {
        let aliases: Vec<String> = field.aliases.iter().map(|a| code_span(a)).collect();
        doc.paragraph(format!(
            "Also accepted when decoding: {}.",
            aliases.join(", ")
        ));
    }
    if field.computed {
        doc.paragraph("Filled in by the client when the request is sent; leave it `None`.");
    }
    if let Some(example) = &field.example {
        doc.paragraph(format!("Example: {}.", code_span(example)));
    }
    doc.quirks(&field.quirks, pages);
    doc
}

fn struct_type(
    ty: &NamedType,
    s: &StructType,
    role: Option<&str>,
    pages: &Pages,
) -> Result<String, EmitError> {
    let name = ident(&ty.name, "type name")?.to_string();
    let mut code = Code::new();
    code.doc(0, &type_doc(ty, role, pages));
    let all_optional = s
        .fields
        .iter()
        .all(|f| !matches!(field_role(f), FieldRole::Required));
    code.fixed(
        0,
        if all_optional {
            "#[derive(Clone, Debug, PartialEq, Default)]"
        } else {
            "#[derive(Clone, Debug, PartialEq)]"
        },
    );
    // A field the spec gains later must not break code that builds or matches the struct:
    // other crates build it with `new` and the setters.
    code.fixed(0, "#[non_exhaustive]");

    let mut names = HashSet::with_capacity(s.fields.len());
    let mut members = Vec::with_capacity(s.fields.len());
    for field in &s.fields {
        if !names.insert(field.name.as_str()) {
            return Err(EmitError::DuplicateName {
                name: field.name.clone(),
                context: format!("field of `{}`", ty.name),
            });
        }
        members.push(member_ident(&field.name, &format!("field of `{}`", ty.name))?.to_string());
    }
    let extra = if ty.in_response {
        Some(member_ident(&extra_field_name(&names), "catch-all field")?.to_string())
    } else {
        None
    };
    if s.fields.is_empty() && extra.is_none() {
        code.line(0, &format!("pub struct {name} {{}}"));
    } else {
        code.line(0, &format!("pub struct {name} {{"));
        for (field, member) in s.fields.iter().zip(&members) {
            code.doc(1, &field_doc(field, pages));
            let fty = rust_type_text(&field.ty)?;
            code.line(
                1,
                &match field_role(field) {
                    FieldRole::Required => format!("pub {member}: {fty},"),
                    FieldRole::Nullable | FieldRole::Optional | FieldRole::Computed => {
                        format!("pub {member}: Option<{fty}>,")
                    }
                },
            );
        }
        if let Some(extra) = &extra {
            code.doc_line(
                1,
                "Fields the vendor sent that the spec does not document, kept so that nothing",
            );
            code.doc_line(1, "in a response is lost.");
            code.line(
                1,
                &format!("pub {extra}: serde_json::Map<String, serde_json::Value>,"),
            );
        }
        code.fixed(0, "}");
    }
    let fields = Fields {
        ty,
        s,
        name: &name,
        members: &members,
        extra: extra.as_deref(),
    };
    if ty.in_request {
        builder_impl(&mut code, &fields)?;
    }
    serde_impls(&mut code, &fields);
    code.finish(&ty.name)
}

/// A struct's names, checked once and shared by its impls.
pub(super) struct Fields<'a> {
    /// The type.
    pub ty: &'a NamedType,
    /// Its fields.
    pub s: &'a StructType,
    /// The Rust name of the type.
    pub name: &'a str,
    /// The Rust name of each field, in order.
    pub members: &'a [String],
    /// The catch-all field of a response struct.
    pub extra: Option<&'a str>,
}

/// Name of the catch-all field for undocumented response fields: `extra`, unless the spec
/// documents a field of that name.
fn extra_field_name(fields: &HashSet<&str>) -> String {
    ["extra", "undocumented", "extra_fields"]
        .iter()
        .map(|name| (*name).to_owned())
        .chain((2..).map(|n| format!("extra{n}")))
        .find(|name| !fields.contains(name.as_str()))
        .unwrap_or_default()
}

/// Setter name of each optional field: the field name, except where that would clash with
/// `new` or with another setter (`new` → `with_new`).
fn setter_names(s: &StructType) -> Vec<Option<String>> {
    let mut taken: HashSet<String> = s
        .fields
        .iter()
        .filter(|f| matches!(field_role(f), FieldRole::Optional) && f.name != "new")
        .map(|f| f.name.clone())
        .collect();
    taken.insert("new".to_owned());
    s.fields
        .iter()
        .map(|f| {
            if !matches!(field_role(f), FieldRole::Optional) {
                return None;
            }
            if f.name != "new" {
                return Some(f.name.clone());
            }
            let mut name = format!("with_{}", f.name);
            while !taken.insert(name.clone()) {
                name.insert_str(0, "with_");
            }
            Some(name)
        })
        .collect()
}

/// `new` and the setters of a request type.
fn builder_impl(code: &mut Code, f: &Fields<'_>) -> Result<(), EmitError> {
    let mut params = Vec::new();
    let mut inits = Vec::with_capacity(f.members.len() + 1);
    let mut param_docs = Vec::new();
    let mut setters = Vec::new();
    let context = format!("field of `{}`", f.ty.name);
    for ((field, member), setter) in f.s.fields.iter().zip(f.members).zip(setter_names(f.s)) {
        match field_role(field) {
            FieldRole::Required => {
                let (pty, into) = param_type_text(&field.ty)?;
                params.push(format!("{member}: {pty}"));
                inits.push(if into {
                    format!("{member}: {member}.into()")
                } else {
                    member.clone()
                });
                param_docs.push(code_span(&field.name));
            }
            FieldRole::Nullable => {
                params.push(format!("{member}: Option<{}>", rust_type_text(&field.ty)?));
                inits.push(member.clone());
                param_docs.push(format!(
                    "{} (may be `None`: sent as null)",
                    code_span(&field.name)
                ));
            }
            FieldRole::Optional => {
                inits.push(format!("{member}: None"));
                let setter = member_ident(setter.as_deref().unwrap_or(&field.name), &context)?;
                setters.push((
                    field,
                    member,
                    setter.to_string(),
                    param_type_text(&field.ty)?,
                ));
            }
            FieldRole::Computed => inits.push(format!("{member}: None")),
        }
    }
    if let Some(extra) = f.extra {
        inits.push(format!("{extra}: serde_json::Map::new()"));
    }
    code.line(0, &format!("impl {} {{", f.name));
    code.doc(1, &new_doc(&param_docs, params.len()));
    if params.len() > CLIPPY_MAX_ARGS {
        code.fixed(1, "#[allow(clippy::too_many_arguments)]");
    }
    code.list(1, "pub fn new(", &params, ") -> Self {");
    code.struct_literal(2, "", &inits, "");
    code.fixed(1, "}");
    for (field, member, setter, (pty, into)) in setters {
        let mut doc = Doc::default();
        doc.paragraph(format!("Sets {}.", code_span(&field.wire_name)));
        doc.maybe_prose(field.description.as_deref());
        code.doc(1, &doc);
        code.fixed(1, "#[must_use]");
        code.line(
            1,
            &format!("pub fn {setter}(mut self, value: {pty}) -> Self {{"),
        );
        code.line(
            2,
            &if into {
                format!("self.{member} = Some(value.into());")
            } else {
                format!("self.{member} = Some(value);")
            },
        );
        code.fixed(2, "self");
        code.fixed(1, "}");
    }
    code.fixed(0, "}");
    Ok(())
}

/// The rustdoc of `new`; it explains the `allow` that more than clippy's limit of
/// arguments gets.
fn new_doc(param_docs: &[String], params: usize) -> Doc {
    let mut new_doc = Doc::default();
    if param_docs.is_empty() {
        new_doc.paragraph("Creates the value; every field is optional.");
    } else {
        new_doc.paragraph(format!(
            "Creates the value from its required fields: {}.",
            param_docs.join(", ")
        ));
    }
    if params > CLIPPY_MAX_ARGS {
        new_doc.paragraph(
            "Takes one argument per required field, as the vendor's parameter table lists \
             them, hence `#[allow(clippy::too_many_arguments)]`.",
        );
    }
    new_doc
}

fn enum_type(
    ty: &NamedType,
    e: &EnumType,
    role: Option<&str>,
    pages: &Pages,
) -> Result<String, EmitError> {
    let name = ident(&ty.name, "type name")?.to_string();
    let integer = matches!(e.repr, EnumRepr::Integer);
    let arms = EnumArms::of(ty, e, integer)?;
    let mut code = Code::new();
    code.doc(0, &enum_doc(ty, e, role, pages));
    code.fixed(0, "#[derive(Clone, Debug, PartialEq, Eq, Hash)]");
    // Values the spec lists later become variants without breaking exhaustive matches.
    code.fixed(0, "#[non_exhaustive]");
    code.line(0, &format!("pub enum {name} {{"));
    for (doc, variant) in &arms.variants {
        code.doc(1, doc);
        code.line(1, &format!("{variant},"));
    }
    code.doc_line(1, "A value the spec does not list.");
    code.fixed(
        1,
        if integer {
            "Unknown(i64),"
        } else {
            "Unknown(String),"
        },
    );
    code.fixed(0, "}");
    let form = if integer { &INTEGER_FORM } else { &STRING_FORM };
    enum_impls(&mut code, &name, &arms, form);
    code.finish(&ty.name)
}

fn enum_doc(ty: &NamedType, e: &EnumType, role: Option<&str>, pages: &Pages) -> Doc {
    let mut doc = type_doc(ty, role, pages);
    if let EnumRepr::String { max_len: Some(n) } = e.repr {
        doc.paragraph(format!("Sent as a string of at most {}.", characters(n)));
    }
    doc.paragraph(
        "Values the spec does not list decode into `Unknown` instead of failing, and encode back unchanged.",
    );
    doc
}

/// The variants of an enum and the match arms between them and their wire values.
struct EnumArms {
    /// Each variant's rustdoc and name.
    variants: Vec<(Doc, String)>,
    /// `Self::Variant => value`.
    to_wire: Vec<String>,
    /// `value => Self::Variant`.
    from_wire: Vec<String>,
}

impl EnumArms {
    /// The arms of `e`; a reserved or repeated name or a repeated or (for an integer
    /// enum) non-integer value is an error.
    fn of(ty: &NamedType, e: &EnumType, integer: bool) -> Result<EnumArms, EmitError> {
        let invalid = |message: String| EmitError::InvalidEnum {
            name: ty.name.clone(),
            message,
        };
        let mut seen_values = HashSet::with_capacity(e.variants.len());
        let mut seen_names = HashSet::with_capacity(e.variants.len());
        let mut arms = EnumArms {
            variants: Vec::with_capacity(e.variants.len()),
            to_wire: Vec::with_capacity(e.variants.len()),
            from_wire: Vec::with_capacity(e.variants.len()),
        };
        for v in &e.variants {
            if v.name == "Unknown" {
                return Err(invalid(
                    "variant name `Unknown` is reserved for values the spec does not list"
                        .to_owned(),
                ));
            }
            if !seen_names.insert(v.name.as_str()) {
                return Err(invalid(format!("variant name `{}` is used twice", v.name)));
            }
            let vname = ident(&v.name, &format!("variant of `{}`", ty.name))?.to_string();
            let value = wire_value(v, integer, &mut seen_values).map_err(invalid)?;
            arms.to_wire.push(format!("Self::{vname} => {value},"));
            arms.from_wire.push(format!("{value} => Self::{vname},"));
            arms.variants.push((variant_doc(v), vname));
        }
        Ok(arms)
    }
}

fn variant_doc(v: &EnumVariant) -> Doc {
    let mut vdoc = Doc::default();
    match &v.description {
        // Made safe together, so that a fence opening the text is not misread
        // after the value.
        Some(d) => vdoc.add_prose(&format!("{}: {d}", code_span(&v.value))),
        None => vdoc.paragraph(code_span(&v.value)),
    };
    vdoc
}

/// The literal of a variant's wire value, usable as expression and pattern; the error
/// says what is wrong with the value.
fn wire_value(
    v: &EnumVariant,
    integer: bool,
    seen_values: &mut HashSet<String>,
) -> Result<String, String> {
    if integer {
        let value: i64 = v
            .value
            .trim()
            .parse()
            .map_err(|_| format!("value `{}` is not an integer", v.value))?;
        // Compared as numbers: `09` and `9` would be the same match arm.
        if !seen_values.insert(value.to_string()) {
            return Err(format!("value `{}` is listed twice", v.value));
        }
        Ok(int_literal(value))
    } else {
        if !seen_values.insert(v.value.clone()) {
            return Err(format!("value `{}` is listed twice", v.value));
        }
        Ok(string_literal(&v.value))
    }
}

/// A `match` over `scrutinee` at nesting 2 with `arms` and the `fallback` arm last.
fn match_arms(code: &mut Code, scrutinee: &str, arms: &[String], fallback: &str) {
    code.fixed(2, &format!("match {scrutinee} {{"));
    for arm in arms {
        code.line(3, arm);
    }
    code.fixed(3, fallback);
    code.fixed(2, "}");
}

/// What differs between the impls of an enum sent as an integer and one sent as a string.
struct WireForm {
    /// The signature of the accessor of the wire value.
    accessor: &'static str,
    /// Its arm for `Unknown`.
    unknown_out: &'static str,
    /// The type converted from.
    from: &'static str,
    /// The signature of `from`.
    from_fn: &'static str,
    /// Its arm for values the spec does not list.
    unknown_in: &'static str,
    /// The body of `Display::fmt`.
    display: &'static str,
    /// The body of `Serialize::serialize`.
    serialize: &'static str,
    /// The body of `Deserialize::deserialize`.
    deserialize: &'static str,
}

const INTEGER_FORM: WireForm = WireForm {
    accessor: "pub fn value(&self) -> i64 {",
    unknown_out: "Self::Unknown(value) => *value,",
    from: "i64",
    from_fn: "fn from(value: i64) -> Self {",
    unknown_in: "other => Self::Unknown(other),",
    display: "write!(f, \"{}\", self.value())",
    serialize: "serializer.serialize_i64(self.value())",
    deserialize: "rt::codec::integer_or_string(deserializer).map(Self::from)",
};

const STRING_FORM: WireForm = WireForm {
    accessor: "pub fn as_str(&self) -> &str {",
    unknown_out: "Self::Unknown(value) => value.as_str(),",
    from: "&str",
    from_fn: "fn from(value: &str) -> Self {",
    unknown_in: "other => Self::Unknown(other.to_owned()),",
    display: "f.write_str(self.as_str())",
    serialize: "serializer.serialize_str(self.as_str())",
    deserialize:
        "rt::codec::string_or_number(deserializer).map(|value| Self::from(value.as_str()))",
};

/// The wire accessor (`value()` or `as_str()`), the conversion from the wire value,
/// `Display` and serde of an enum.
fn enum_impls(code: &mut Code, name: &str, arms: &EnumArms, form: &WireForm) {
    code.line(0, &format!("impl {name} {{"));
    code.doc_line(1, WIRE_DOC);
    code.fixed(1, form.accessor);
    match_arms(code, "self", &arms.to_wire, form.unknown_out);
    close_fn_and_impl(code);
    code.line(0, &format!("impl From<{}> for {name} {{", form.from));
    code.fixed(1, form.from_fn);
    match_arms(code, "value", &arms.from_wire, form.unknown_in);
    close_fn_and_impl(code);
    code.line(0, &format!("impl std::fmt::Display for {name} {{"));
    code.fixed(
        1,
        "fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {",
    );
    code.fixed(2, form.display);
    close_fn_and_impl(code);
    code.line(0, &format!("impl serde::Serialize for {name} {{"));
    code.fixed(1, SERIALIZE_SIGNATURE);
    code.fixed(2, form.serialize);
    close_fn_and_impl(code);
    deserialize_head(code, name);
    code.fixed(2, form.deserialize);
    close_fn_and_impl(code);
}

/// The closing braces of a method and of its impl block.
pub(super) fn close_fn_and_impl(code: &mut Code) {
    code.fixed(1, "}");
    code.fixed(0, "}");
}

/// The rustdoc of an enum's `value()` or `as_str()`.
const WIRE_DOC: &str = "The value as it appears on the wire.";

/// An `i64` literal usable in both expression and pattern position.
fn int_literal(value: i64) -> String {
    if value == i64::MIN {
        "i64::MIN".to_owned()
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod layout_tests {
    //! The named types are written as text in prettyplease's layout; prettyplease reading
    //! that text back must print the same bytes, for the committed specs and for types of
    //! every shape and name length, above all near the margins where layout changes.

    use proptest::prelude::*;

    use super::{named_type, Pages};
    use crate::model::{
        EnumRepr, EnumType, EnumVariant, Field, NamedType, SourceRef, StructType, TypeExpr,
        TypeKind,
    };

    fn assert_prettyplease_layout(text: &str) {
        let file = syn::parse_file(text).expect("the written text parses");
        let printed = prettyplease::unparse(&file);
        assert!(
            printed == text,
            "written:\n{text}\nprettyplease prints:\n{printed}"
        );
    }

    #[test]
    fn committed_and_fixture_specs_are_written_as_prettyplease_prints_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut types = 0;
        for dir in [root.join("../spec"), root.join("tests/golden/spec")] {
            let set = crate::load(&dir).expect("spec loads");
            for service in &set.services {
                for ty in &service.types {
                    for role in [None, Some("Request body of [`Client::x`]: test.")] {
                        assert_prettyplease_layout(
                            &named_type(ty, role, &service.pages).expect("renders"),
                        );
                    }
                    types += 1;
                }
            }
        }
        assert!(types > 10, "only {types} types found");
    }

    fn origin() -> SourceRef {
        SourceRef {
            file: "svc/endpoints/op.yaml".to_owned(),
            line: 1,
            column: 1,
        }
    }

    /// Identifiers from 1 to 45 characters, so that lines land on both sides of each margin.
    fn snake() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9_]{0,44}".prop_filter("not a keyword", |s| {
            super::super::idents::member_ident(s, "test").is_ok()
        })
    }

    fn camel() -> impl Strategy<Value = String> {
        "[A-Z][A-Za-z0-9]{0,44}".prop_filter("not reserved", |s| {
            s != "Unknown" && super::super::idents::ident(s, "test").is_ok()
        })
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9_ ]{0,50}",
            "\\PC{0,40}",
            Just("say \"hi\" \\ back".to_owned()),
        ]
    }

    fn type_expr() -> impl Strategy<Value = TypeExpr> {
        let leaf = prop_oneof![
            proptest::option::of(1u32..100).prop_map(|max_len| TypeExpr::String { max_len }),
            proptest::option::of(1u32..100).prop_map(|max_len| TypeExpr::Amount { max_len }),
            Just(TypeExpr::Integer),
            Just(TypeExpr::Number),
            Just(TypeExpr::Boolean),
            Just(TypeExpr::Json),
            camel().prop_map(TypeExpr::Named),
        ];
        leaf.prop_recursive(3, 4, 1, |inner| {
            prop_oneof![
                inner.clone().prop_map(|t| TypeExpr::List(Box::new(t))),
                inner.prop_map(|t| TypeExpr::Map(Box::new(t))),
            ]
        })
    }

    fn field() -> impl Strategy<Value = Field> {
        (
            snake(),
            text(),
            proptest::collection::vec(text(), 0..3),
            type_expr(),
            (any::<bool>(), any::<bool>(), any::<bool>()),
            proptest::option::of(text()),
            proptest::option::of(text()),
        )
            .prop_map(
                |(
                    name,
                    wire_name,
                    aliases,
                    ty,
                    (required, nullable, computed),
                    description,
                    example,
                )| {
                    Field {
                        name,
                        wire_name,
                        aliases,
                        ty,
                        required,
                        nullable,
                        computed,
                        description,
                        example,
                        quirks: Vec::new(),
                        origin: origin(),
                    }
                },
            )
    }

    fn kind() -> impl Strategy<Value = TypeKind> {
        let variant = (
            camel(),
            text(),
            -3i64..100_000,
            proptest::option::of(text()),
        );
        prop_oneof![
            proptest::collection::vec(field(), 0..12)
                .prop_map(|fields| TypeKind::Struct(StructType { fields })),
            (any::<bool>(), proptest::collection::vec(variant, 0..6)).prop_map(
                |(integer, variants)| {
                    TypeKind::Enum(EnumType {
                        repr: if integer {
                            EnumRepr::Integer
                        } else {
                            EnumRepr::String { max_len: Some(8) }
                        },
                        variants: variants
                            .into_iter()
                            .map(|(name, text, number, description)| EnumVariant {
                                name,
                                value: if integer { number.to_string() } else { text },
                                description,
                                origin: Default::default(),
                            })
                            .collect(),
                    })
                }
            ),
        ]
    }

    /// Every length of one, two and three fields' names, so that struct literals, `new`
    /// and the lines of the impls cross each width at which prettyplease lays them out
    /// differently.
    #[test]
    fn every_width_around_the_layout_limits_is_written_as_prettyplease_prints_it() {
        let plain = |name: String, required: bool| Field {
            wire_name: name.clone(),
            name,
            aliases: Vec::new(),
            ty: TypeExpr::Integer,
            required,
            nullable: false,
            computed: false,
            description: None,
            example: None,
            quirks: Vec::new(),
            origin: origin(),
        };
        for len in 1..=60 {
            for count in 1..=3 {
                for required in [false, true] {
                    let fields = (0..count)
                        .map(|i| plain(format!("{}{i}", "f".repeat(len)), required))
                        .collect();
                    for (in_request, in_response) in [(true, false), (false, true), (true, true)] {
                        let ty = NamedType {
                            name: "T".repeat(len),
                            description: None,
                            kind: TypeKind::Struct(StructType {
                                fields: Vec::clone(&fields),
                            }),
                            in_response,
                            in_request,
                            quirks: Vec::new(),
                            origin: origin(),
                        };
                        assert_prettyplease_layout(
                            &named_type(&ty, None, &Pages::new()).expect("renders"),
                        );
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn types_of_any_shape_are_written_as_prettyplease_prints_them(
            name in camel(),
            kind in kind(),
            (in_request, in_response) in (any::<bool>(), any::<bool>()),
            description in proptest::option::of(text()),
            role in proptest::option::of(text()),
        ) {
            let ty = NamedType {
                name,
                description,
                kind,
                in_response,
                in_request,
                quirks: Vec::new(),
                origin: origin(),
            };
            // Repeated names or values are reported, not written.
            if let Ok(text) = named_type(&ty, role.as_deref(), &Pages::new()) {
                assert_prettyplease_layout(&text);
            }
        }
    }
}
