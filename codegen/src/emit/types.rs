//! Structs and enums for the named types of a service.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, Doc};
use super::idents::{ident, member_ident};
use super::rust_types::{characters, describe, param_type, rust_type};
use super::serde_impls::serde_impls;
use super::EmitError;
use crate::model::{EnumRepr, EnumType, EnumVariant, Field, NamedType, StructType, TypeKind};

/// More constructor parameters than clippy's `too_many_arguments` allows by default.
const CLIPPY_MAX_ARGS: usize = 7;

/// Renders one named type with its impls.
///
/// `role` says what the type is for when it is an endpoint's request or response
/// (`Request body of …`); it leads the rustdoc.
pub fn named_type(ty: &NamedType, role: Option<&str>) -> Result<TokenStream, EmitError> {
    match &ty.kind {
        TypeKind::Struct(s) => struct_type(ty, s, role),
        TypeKind::Enum(e) => enum_type(ty, e, role),
    }
}

fn type_doc(ty: &NamedType, role: Option<&str>) -> Doc {
    let mut doc = Doc::default();
    if let Some(role) = role {
        doc.paragraph(role);
    }
    doc.maybe_prose(ty.description.as_deref());
    if role.is_none() && ty.description.is_none() {
        doc.paragraph(format!("`{}` (the spec gives no description).", ty.name));
    }
    doc.quirks(&ty.quirks);
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

fn field_doc(field: &Field) -> Doc {
    let mut doc = Doc::prose(field.description.as_deref().unwrap_or_default());
    let mut facts = format!(
        "Wire name {}, {}",
        code(&field.wire_name),
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
        let aliases: Vec<String> = field.aliases.iter().map(|a| code(a)).collect();
        doc.paragraph(format!(
            "Also accepted when decoding: {}.",
            aliases.join(", ")
        ));
    }
    if field.computed {
        doc.paragraph("Filled in by the client when the request is sent; leave it `None`.");
    }
    if let Some(example) = &field.example {
        doc.paragraph(format!("Example: {}.", code(example)));
    }
    doc.quirks(&field.quirks);
    doc
}

fn struct_type(
    ty: &NamedType,
    s: &StructType,
    role: Option<&str>,
) -> Result<TokenStream, EmitError> {
    let name = ident(&ty.name, "type name")?;
    let doc = type_doc(ty, role).tokens();
    let all_optional = s
        .fields
        .iter()
        .all(|f| !matches!(field_role(f), FieldRole::Required));
    let default_derive = if all_optional {
        quote!(, Default)
    } else {
        quote!()
    };

    let mut names = HashSet::with_capacity(s.fields.len());
    let mut fields = Vec::with_capacity(s.fields.len() + 1);
    for field in &s.fields {
        if !names.insert(field.name.as_str()) {
            return Err(EmitError::DuplicateName {
                name: field.name.clone(),
                context: format!("field of `{}`", ty.name),
            });
        }
        fields.push(field_decl(ty, field)?);
    }
    let extra = if ty.in_response {
        let extra = member_ident(&extra_field_name(&names), "catch-all field")?;
        fields.push(quote! {
            /// Fields the vendor sent that the spec does not document, kept so that nothing
            /// in a response is lost.
            pub #extra: serde_json::Map<String, serde_json::Value>,
        });
        Some(extra)
    } else {
        None
    };

    let builder = if ty.in_request {
        builder_impl(ty, s, extra.as_ref())?
    } else {
        quote!()
    };
    let serde = serde_impls(ty, s, extra.as_ref())?;

    Ok(quote! {
        #doc
        #[derive(Clone, Debug, PartialEq #default_derive)]
        pub struct #name {
            #(#fields)*
        }
        #builder
        #serde
    })
}

/// One field of a struct: its rustdoc and its declaration.
fn field_decl(ty: &NamedType, field: &Field) -> Result<TokenStream, EmitError> {
    let fname = member_ident(&field.name, &format!("field of `{}`", ty.name))?;
    let fty = rust_type(&field.ty)?;
    let doc = field_doc(field).tokens();
    let decl_ty = match field_role(field) {
        FieldRole::Required => fty,
        FieldRole::Nullable | FieldRole::Optional | FieldRole::Computed => quote!(Option<#fty>),
    };
    Ok(quote! {
        #doc
        pub #fname: #decl_ty,
    })
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

/// The parts of a request type's `impl`, gathered field by field.
#[derive(Default)]
struct Builder {
    /// Parameters of `new`: the required and nullable fields.
    params: Vec<TokenStream>,
    /// Field initialisers of `new`, every field in order.
    inits: Vec<TokenStream>,
    /// One setter per optional field.
    setters: Vec<TokenStream>,
    /// How `new`'s rustdoc lists its parameters.
    param_docs: Vec<String>,
}

fn builder_impl(
    ty: &NamedType,
    s: &StructType,
    extra: Option<&proc_macro2::Ident>,
) -> Result<TokenStream, EmitError> {
    let name = ident(&ty.name, "type name")?;
    let mut builder = Builder::default();
    for (field, setter) in s.fields.iter().zip(setter_names(s)) {
        builder.add_field(ty, field, setter.as_deref())?;
    }
    let Builder {
        params,
        mut inits,
        setters,
        param_docs,
    } = builder;
    if let Some(extra) = extra {
        inits.push(quote!(#extra: serde_json::Map::new()));
    }
    let (new_doc, allow) = new_doc(&param_docs, params.len());
    Ok(quote! {
        impl #name {
            #new_doc
            #allow
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
            #(#setters)*
        }
    })
}

impl Builder {
    /// Adds what `field` contributes to `new` and, when optional, its setter.
    fn add_field(
        &mut self,
        ty: &NamedType,
        field: &Field,
        setter: Option<&str>,
    ) -> Result<(), EmitError> {
        let context = format!("field of `{}`", ty.name);
        let fname = member_ident(&field.name, &context)?;
        match field_role(field) {
            FieldRole::Required => {
                let (pty, into) = param_type(&field.ty)?;
                self.params.push(quote!(#fname: #pty));
                self.inits.push(if into {
                    quote!(#fname: #fname.into())
                } else {
                    quote!(#fname)
                });
                self.param_docs.push(code(&field.name));
            }
            FieldRole::Nullable => {
                let fty = rust_type(&field.ty)?;
                self.params.push(quote!(#fname: Option<#fty>));
                self.inits.push(quote!(#fname));
                self.param_docs.push(format!(
                    "{} (may be `None`: sent as null)",
                    code(&field.name)
                ));
            }
            FieldRole::Optional => {
                self.inits.push(quote!(#fname: None));
                let param = param_type(&field.ty)?;
                let setter = member_ident(setter.unwrap_or(&field.name), &context)?;
                self.setters.push(setter_fn(field, &fname, &setter, param));
            }
            FieldRole::Computed => {
                self.inits.push(quote!(#fname: None));
            }
        }
        Ok(())
    }
}

/// The builder method `setter` that sets the optional field `fname` from a parameter of
/// type `pty` (converted with `into` when `into` is set).
fn setter_fn(
    field: &Field,
    fname: &proc_macro2::Ident,
    setter: &proc_macro2::Ident,
    (pty, into): (TokenStream, bool),
) -> TokenStream {
    let value = if into {
        quote!(value.into())
    } else {
        quote!(value)
    };
    let mut doc = Doc::default();
    doc.paragraph(format!("Sets {}.", code(&field.wire_name)));
    doc.maybe_prose(field.description.as_deref());
    let doc = doc.tokens();
    quote! {
        #doc
        #[must_use]
        pub fn #setter(mut self, value: #pty) -> Self {
            self.#fname = Some(#value);
            self
        }
    }
}

/// The rustdoc of `new` and, when it takes more arguments than clippy allows, the
/// attribute that allows them.
fn new_doc(param_docs: &[String], params: usize) -> (TokenStream, TokenStream) {
    let mut new_doc = Doc::default();
    if param_docs.is_empty() {
        new_doc.paragraph("Creates the value; every field is optional.");
    } else {
        new_doc.paragraph(format!(
            "Creates the value from its required fields: {}.",
            param_docs.join(", ")
        ));
    }
    let allow = if params > CLIPPY_MAX_ARGS {
        new_doc.paragraph(
            "Takes one argument per required field, as the vendor's parameter table lists \
             them, hence `#[allow(clippy::too_many_arguments)]`.",
        );
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    (new_doc.tokens(), allow)
}

fn enum_type(ty: &NamedType, e: &EnumType, role: Option<&str>) -> Result<TokenStream, EmitError> {
    let name = ident(&ty.name, "type name")?;
    let doc = enum_doc(ty, e, role);
    let integer = matches!(e.repr, EnumRepr::Integer);
    let arms = EnumArms::of(ty, e, integer)?;
    let variants = &arms.variants;
    let body = if integer {
        integer_enum_impls(&name, &arms)
    } else {
        string_enum_impls(&name, &arms)
    };
    let unknown_ty = if integer { quote!(i64) } else { quote!(String) };
    Ok(quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value the spec does not list.
            Unknown(#unknown_ty),
        }
        #body
    })
}

fn enum_doc(ty: &NamedType, e: &EnumType, role: Option<&str>) -> TokenStream {
    let mut doc = type_doc(ty, role);
    if let EnumRepr::String { max_len: Some(n) } = e.repr {
        doc.paragraph(format!("Sent as a string of at most {}.", characters(n)));
    }
    doc.paragraph(
        "Values the spec does not list decode into `Unknown` instead of failing, and encode back unchanged.",
    );
    doc.tokens()
}

/// The variants of an enum and the match arms between them and their wire values.
struct EnumArms {
    /// Variant declarations with their rustdoc.
    variants: Vec<TokenStream>,
    /// `Self::Variant => value`.
    to_wire: Vec<TokenStream>,
    /// `value => Self::Variant`.
    from_wire: Vec<TokenStream>,
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
            variants: Vec::new(),
            to_wire: Vec::new(),
            from_wire: Vec::new(),
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
            let vname = ident(&v.name, &format!("variant of `{}`", ty.name))?;
            let vdoc = variant_doc(v);
            arms.variants.push(quote!(#vdoc #vname,));
            let value = wire_value(v, integer, &mut seen_values).map_err(invalid)?;
            arms.to_wire.push(quote!(Self::#vname => #value));
            arms.from_wire.push(quote!(#value => Self::#vname));
        }
        Ok(arms)
    }
}

fn variant_doc(v: &EnumVariant) -> TokenStream {
    let mut vdoc = Doc::default();
    match &v.description {
        // Made safe together, so that a fence opening the text is not misread
        // after the value.
        Some(d) => vdoc.add_prose(&format!("{}: {d}", code(&v.value))),
        None => vdoc.paragraph(code(&v.value)),
    };
    vdoc.tokens()
}

/// The literal of a variant's wire value, usable as expression and pattern; the error
/// says what is wrong with the value.
fn wire_value(
    v: &EnumVariant,
    integer: bool,
    seen_values: &mut HashSet<String>,
) -> Result<TokenStream, String> {
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
        let value = v.value.as_str();
        Ok(quote!(#value))
    }
}

/// `value()`, conversions, `Display` and serde of an enum sent as an integer.
fn integer_enum_impls(name: &proc_macro2::Ident, arms: &EnumArms) -> TokenStream {
    let (to_wire, from_wire) = (&arms.to_wire, &arms.from_wire);
    quote! {
        impl #name {
            #[doc = #WIRE_DOC]
            pub fn value(&self) -> i64 {
                match self {
                    #(#to_wire,)*
                    Self::Unknown(value) => *value,
                }
            }
        }
        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_wire,)*
                    other => Self::Unknown(other),
                }
            }
        }
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                rt::codec::integer_or_string(deserializer).map(Self::from)
            }
        }
    }
}

/// `as_str()`, conversions, `Display` and serde of an enum sent as a string.
fn string_enum_impls(name: &proc_macro2::Ident, arms: &EnumArms) -> TokenStream {
    let (to_wire, from_wire) = (&arms.to_wire, &arms.from_wire);
    quote! {
        impl #name {
            #[doc = #WIRE_DOC]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_wire,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                rt::codec::string_or_number(deserializer).map(|value| Self::from(value.as_str()))
            }
        }
    }
}

/// The rustdoc of an enum's `value()` or `as_str()`.
const WIRE_DOC: &str = " The value as it appears on the wire.";

/// An `i64` literal usable in both expression and pattern position.
fn int_literal(value: i64) -> TokenStream {
    if value == i64::MIN {
        quote!(i64::MIN)
    } else if value < 0 {
        let abs = proc_macro2::Literal::i64_unsuffixed(-value);
        quote!(-#abs)
    } else {
        let value = proc_macro2::Literal::i64_unsuffixed(value);
        quote!(#value)
    }
}
