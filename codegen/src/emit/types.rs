//! Structs and enums for the named types of a service.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, Doc};
use super::idents::{ident, member_ident};
use super::rust_types::{characters, describe, param_type, rust_type};
use super::EmitError;
use crate::model::{EnumRepr, EnumType, Field, NamedType, StructType, TypeKind};

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
enum FieldRole {
    /// Plain value, passed to `new`.
    Required,
    /// `Option`, serialised even when `None` (the page sends null for a required field).
    Nullable,
    /// `Option`, skipped when `None`, set by a builder method.
    Optional,
    /// `Option`, skipped when `None`, filled by the runtime (Shoubei `sign`).
    Computed,
}

fn field_role(field: &Field) -> FieldRole {
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
        let fname = member_ident(&field.name, &format!("field of `{}`", ty.name))?;
        let fty = rust_type(&field.ty)?;
        let doc = field_doc(field).tokens();
        let mut serde_args = Vec::new();
        if field.wire_name != field.name {
            let wire = &field.wire_name;
            serde_args.push(quote!(rename = #wire));
        }
        for alias in &field.aliases {
            serde_args.push(quote!(alias = #alias));
        }
        let decl_ty = match field_role(field) {
            FieldRole::Required => fty,
            FieldRole::Nullable => {
                // Present-but-null must round-trip, so no skip; absent still decodes.
                serde_args.push(quote!(default));
                quote!(Option<#fty>)
            }
            FieldRole::Optional | FieldRole::Computed => {
                serde_args.push(quote!(default));
                serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
                quote!(Option<#fty>)
            }
        };
        let serde_attr = if serde_args.is_empty() {
            quote!()
        } else {
            quote!(#[serde(#(#serde_args),*)])
        };
        fields.push(quote! {
            #doc
            #serde_attr
            pub #fname: #decl_ty,
        });
    }
    let extra = if ty.in_response {
        let extra = member_ident(&extra_field_name(&names), "catch-all field")?;
        fields.push(quote! {
            /// Fields the vendor sent that the spec does not document, kept so that nothing
            /// in a response is lost.
            #[serde(flatten)]
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

    Ok(quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize #default_derive)]
        pub struct #name {
            #(#fields)*
        }
        #builder
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

fn builder_impl(
    ty: &NamedType,
    s: &StructType,
    extra: Option<&proc_macro2::Ident>,
) -> Result<TokenStream, EmitError> {
    let name = ident(&ty.name, "type name")?;
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    let mut param_docs = Vec::new();
    for (field, setter) in s.fields.iter().zip(setter_names(s)) {
        let context = format!("field of `{}`", ty.name);
        let fname = member_ident(&field.name, &context)?;
        match field_role(field) {
            FieldRole::Required => {
                let (pty, into) = param_type(&field.ty)?;
                params.push(quote!(#fname: #pty));
                inits.push(if into {
                    quote!(#fname: #fname.into())
                } else {
                    quote!(#fname)
                });
                param_docs.push(code(&field.name));
            }
            FieldRole::Nullable => {
                let fty = rust_type(&field.ty)?;
                params.push(quote!(#fname: Option<#fty>));
                inits.push(quote!(#fname));
                param_docs.push(format!(
                    "{} (may be `None`: sent as null)",
                    code(&field.name)
                ));
            }
            FieldRole::Optional => {
                inits.push(quote!(#fname: None));
                let (pty, into) = param_type(&field.ty)?;
                let setter = member_ident(setter.as_deref().unwrap_or(&field.name), &context)?;
                let value = if into {
                    quote!(value.into())
                } else {
                    quote!(value)
                };
                let mut doc = Doc::default();
                doc.paragraph(format!("Sets {}.", code(&field.wire_name)));
                doc.maybe_prose(field.description.as_deref());
                let doc = doc.tokens();
                setters.push(quote! {
                    #doc
                    #[must_use]
                    pub fn #setter(mut self, value: #pty) -> Self {
                        self.#fname = Some(#value);
                        self
                    }
                });
            }
            FieldRole::Computed => {
                inits.push(quote!(#fname: None));
            }
        }
    }
    if let Some(extra) = extra {
        inits.push(quote!(#extra: serde_json::Map::new()));
    }
    let mut new_doc = Doc::default();
    if param_docs.is_empty() {
        new_doc.paragraph("Creates the value; every field is optional.");
    } else {
        new_doc.paragraph(format!(
            "Creates the value from its required fields: {}.",
            param_docs.join(", ")
        ));
    }
    let allow = if params.len() > CLIPPY_MAX_ARGS {
        new_doc.paragraph(
            "Takes one argument per required field, as the vendor's parameter table lists \
             them, hence `#[allow(clippy::too_many_arguments)]`.",
        );
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    let new_doc = new_doc.tokens();
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

fn enum_type(ty: &NamedType, e: &EnumType, role: Option<&str>) -> Result<TokenStream, EmitError> {
    let name = ident(&ty.name, "type name")?;
    let mut doc = type_doc(ty, role);
    if let EnumRepr::String { max_len: Some(n) } = e.repr {
        doc.paragraph(format!("Sent as a string of at most {}.", characters(n)));
    }
    doc.paragraph(
        "Values the spec does not list decode into `Unknown` instead of failing, and encode back unchanged.",
    );
    let doc = doc.tokens();
    let invalid = |message: String| EmitError::InvalidEnum {
        name: ty.name.clone(),
        message,
    };
    let mut seen_values = HashSet::with_capacity(e.variants.len());
    let mut seen_names = HashSet::with_capacity(e.variants.len());
    let mut variants = Vec::new();
    let mut to_wire = Vec::new();
    let mut from_wire = Vec::new();
    let integer = matches!(e.repr, EnumRepr::Integer);
    for v in &e.variants {
        if v.name == "Unknown" {
            return Err(invalid(
                "variant name `Unknown` is reserved for values the spec does not list".to_owned(),
            ));
        }
        if !seen_names.insert(v.name.as_str()) {
            return Err(invalid(format!("variant name `{}` is used twice", v.name)));
        }
        let vname = ident(&v.name, &format!("variant of `{}`", ty.name))?;
        let mut vdoc = Doc::default();
        match &v.description {
            // Made safe together, so that a fence opening the text is not misread
            // after the value.
            Some(d) => vdoc.add_prose(&format!("{}: {d}", code(&v.value))),
            None => vdoc.paragraph(code(&v.value)),
        };
        let vdoc = vdoc.tokens();
        variants.push(quote!(#vdoc #vname,));
        let value = if integer {
            let value: i64 = v
                .value
                .trim()
                .parse()
                .map_err(|_| invalid(format!("value `{}` is not an integer", v.value)))?;
            // Compared as numbers: `09` and `9` would be the same match arm.
            if !seen_values.insert(value.to_string()) {
                return Err(invalid(format!("value `{}` is listed twice", v.value)));
            }
            int_literal(value)
        } else {
            if !seen_values.insert(v.value.clone()) {
                return Err(invalid(format!("value `{}` is listed twice", v.value)));
            }
            let value = v.value.as_str();
            quote!(#value)
        };
        to_wire.push(quote!(Self::#vname => #value));
        from_wire.push(quote!(#value => Self::#vname));
    }
    let wire_doc = " The value as it appears on the wire.";
    let body = if integer {
        quote! {
            impl #name {
                #[doc = #wire_doc]
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
    } else {
        quote! {
            impl #name {
                #[doc = #wire_doc]
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
