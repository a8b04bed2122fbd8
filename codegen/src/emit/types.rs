//! Structs and enums for the named types of a service.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::Doc;
use super::idents::ident;
use super::rust_types::{describe, param_type, rust_type};
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
    doc.maybe(role);
    doc.maybe(ty.description.as_deref());
    if role.is_none() && ty.description.is_none() {
        doc.paragraph(ty.name.clone());
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
    let mut doc = Doc::new(field.description.clone().unwrap_or_default());
    let mut facts = format!("Wire name `{}`, {}", field.wire_name, describe(&field.ty));
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
        let aliases: Vec<String> = field.aliases.iter().map(|a| format!("`{a}`")).collect();
        doc.paragraph(format!(
            "Also accepted when decoding: {}.",
            aliases.join(", ")
        ));
    }
    if field.computed {
        doc.paragraph("Filled in by the client when the request is sent; leave it `None`.");
    }
    if let Some(example) = &field.example {
        doc.paragraph(format!("Example: `{example}`."));
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

    let mut fields = Vec::with_capacity(s.fields.len() + 1);
    for field in &s.fields {
        let fname = ident(&field.name, &format!("field of `{}`", ty.name))?;
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
    let extra_name = extra_field_name(s);
    if ty.in_response {
        let extra = format_ident!("{}", extra_name);
        fields.push(quote! {
            /// Fields the vendor sent that the spec does not document, kept so that nothing
            /// in a response is lost.
            #[serde(flatten)]
            pub #extra: serde_json::Map<String, serde_json::Value>,
        });
    }

    let builder = if ty.in_request {
        builder_impl(ty, s, extra_name, ty.in_response)?
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

/// Name of the catch-all field for undocumented response fields, avoiding a clash with a
/// documented field of the same name.
fn extra_field_name(s: &StructType) -> &'static str {
    if s.fields.iter().any(|f| f.name == "extra") {
        "undocumented"
    } else {
        "extra"
    }
}

fn builder_impl(
    ty: &NamedType,
    s: &StructType,
    extra_name: &str,
    has_extra: bool,
) -> Result<TokenStream, EmitError> {
    let name = ident(&ty.name, "type name")?;
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    let mut param_docs = Vec::new();
    for field in &s.fields {
        let fname = ident(&field.name, &format!("field of `{}`", ty.name))?;
        match field_role(field) {
            FieldRole::Required => {
                let (pty, into) = param_type(&field.ty)?;
                params.push(quote!(#fname: #pty));
                inits.push(if into {
                    quote!(#fname: #fname.into())
                } else {
                    quote!(#fname)
                });
                param_docs.push(format!("`{}`", field.name));
            }
            FieldRole::Nullable => {
                let fty = rust_type(&field.ty)?;
                params.push(quote!(#fname: Option<#fty>));
                inits.push(quote!(#fname));
                param_docs.push(format!("`{}` (may be `None`: sent as null)", field.name));
            }
            FieldRole::Optional => {
                inits.push(quote!(#fname: None));
                let (pty, into) = param_type(&field.ty)?;
                let setter = if field.name == "new" || field.name == extra_name {
                    format_ident!("with_{}", field.name)
                } else {
                    fname.clone()
                };
                let value = if into {
                    quote!(value.into())
                } else {
                    quote!(value)
                };
                let doc = format!(" Sets `{}`.", field.wire_name);
                let more = Doc::new(field.description.clone().unwrap_or_default()).tokens();
                setters.push(quote! {
                    #[doc = #doc]
                    #[doc = ""]
                    #more
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
    if has_extra {
        let extra = format_ident!("{}", extra_name);
        inits.push(quote!(#extra: serde_json::Map::new()));
    }
    let new_doc = if param_docs.is_empty() {
        " Creates the value; every field is optional.".to_owned()
    } else {
        format!(
            " Creates the value from its required fields: {}.",
            param_docs.join(", ")
        )
    };
    let allow = if params.len() > CLIPPY_MAX_ARGS {
        // Mirrors the vendor's parameter table: every required field is an argument.
        quote!(#[allow(clippy::too_many_arguments)])
    } else {
        quote!()
    };
    Ok(quote! {
        impl #name {
            #[doc = #new_doc]
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
    doc.paragraph(
        "Values the spec does not list decode into `Unknown` instead of failing, and encode back unchanged.",
    );
    let doc = doc.tokens();
    let mut seen = std::collections::BTreeSet::new();
    let mut variants = Vec::new();
    let mut to_wire = Vec::new();
    let mut from_wire = Vec::new();
    let integer = matches!(e.repr, EnumRepr::Integer);
    for v in &e.variants {
        if !seen.insert(v.value.as_str()) {
            return Err(EmitError::InvalidEnum {
                name: ty.name.clone(),
                message: format!("value `{}` is listed twice", v.value),
            });
        }
        let vname = ident(&v.name, &format!("variant of `{}`", ty.name))?;
        let vdoc = match &v.description {
            Some(d) => format!(" `{}`: {d}", v.value),
            None => format!(" `{}`", v.value),
        };
        variants.push(quote!(#[doc = #vdoc] #vname,));
        if integer {
            let value: i64 = v.value.trim().parse().map_err(|_| EmitError::InvalidEnum {
                name: ty.name.clone(),
                message: format!("value `{}` is not an integer", v.value),
            })?;
            let value = proc_macro2::Literal::i64_unsuffixed(value);
            to_wire.push(quote!(Self::#vname => #value));
            from_wire.push(quote!(#value => Self::#vname));
        } else {
            let value = v.value.as_str();
            to_wire.push(quote!(Self::#vname => #value));
            from_wire.push(quote!(#value => Self::#vname));
        }
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
