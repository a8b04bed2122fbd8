//! One service module: descriptors, named types and the typed `Client`.

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, inline_prose, Doc};
use super::idents::{const_ident, ident, member_ident};
use super::rust_types::rust_type;
use super::types::named_type;
use super::EmitError;
use crate::model::{Endpoint, NamedType, Service, TypeExpr, TypeKind};

/// Named types per formatting chunk; small enough to spread a large service over threads,
/// large enough that thread start-up is negligible.
const TYPES_PER_CHUNK: usize = 64;

/// Renders and formats the whole module of one service.
///
/// Parsing and pretty-printing dominate the emitter's time and grow with the output, so
/// the named types are rendered and formatted in chunks on scoped threads. Each chunk is a
/// run of consecutive items and prettyplease prints items independently, so joining the
/// chunks in order gives the same bytes as formatting the module in one piece.
pub fn service_module(service: &Service) -> Result<String, EmitError> {
    let file = format!("{}.rs", service.name);
    check_names(service)?;
    let roles = type_roles(service);
    let module_doc = module_doc(service).inner_tokens();
    let descriptors = descriptors(service)?;
    let mut out = format_tokens(
        &file,
        quote! {
            #module_doc
            use retail_apis_runtime as rt;
            #descriptors
        },
    )?;

    let chunks: Vec<&[NamedType]> = service.types.chunks(TYPES_PER_CHUNK).collect();
    let render_chunk = |chunk: &[NamedType]| -> Result<String, EmitError> {
        let types = chunk
            .iter()
            .map(|ty| named_type(ty, roles.get(ty.name.as_str()).map(String::as_str)))
            .collect::<Result<Vec<_>, _>>()?;
        format_tokens(&file, quote!(#(#types)*))
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let rendered: Vec<Result<String, EmitError>> = if threads < 2 || chunks.len() < 2 {
        chunks.iter().map(|chunk| render_chunk(chunk)).collect()
    } else {
        let per_thread = chunks.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .chunks(per_thread)
                .map(|group| {
                    let render_chunk = &render_chunk;
                    scope.spawn(move || group.iter().map(|c| render_chunk(c)).collect::<Vec<_>>())
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join().unwrap_or_else(|_| {
                        vec![Err(EmitError::Unparsable {
                            file: file.clone(),
                            message: "a formatting thread panicked".to_owned(),
                        })]
                    })
                })
                .collect()
        })
    };
    for part in rendered {
        out.push_str(&part?);
    }
    out.push_str(&format_tokens(&file, client(service)?)?);
    Ok(out)
}

/// Rejects models whose names would make the generated module fail to compile. The loader
/// guarantees all of this for specs; hand-built models get an error instead of bad code.
fn check_names(service: &Service) -> Result<(), EmitError> {
    let mut types = HashSet::with_capacity(service.types.len());
    for ty in &service.types {
        if crate::reserved::TYPE_NAMES.contains(&ty.name.as_str()) {
            return Err(EmitError::ReservedName {
                name: ty.name.clone(),
                service: service.name.clone(),
            });
        }
        if !types.insert(ty.name.as_str()) {
            return Err(EmitError::DuplicateName {
                name: ty.name.clone(),
                context: format!("type of service `{}`", service.name),
            });
        }
    }
    let undefined = |name: &str| EmitError::UndefinedType {
        name: name.to_owned(),
        service: service.name.clone(),
    };
    for ty in &service.types {
        if let TypeKind::Struct(s) = &ty.kind {
            for field in &s.fields {
                if let Some(name) = referenced_type(&field.ty) {
                    if !types.contains(name) {
                        return Err(undefined(name));
                    }
                }
            }
        }
    }
    let mut constants = HashSet::with_capacity(service.endpoints.len());
    for ep in &service.endpoints {
        if crate::reserved::OPERATIONS.contains(&ep.operation.as_str()) {
            return Err(EmitError::ReservedOperation {
                operation: ep.operation.clone(),
                service: service.name.clone(),
            });
        }
        if !constants.insert(ep.operation.to_ascii_uppercase()) {
            return Err(EmitError::DuplicateName {
                name: ep.operation.clone(),
                context: format!("operation of service `{}`", service.name),
            });
        }
        if !types.contains(ep.request.as_str()) {
            return Err(undefined(&ep.request));
        }
        if let Some(name) = referenced_type(&ep.response) {
            if !types.contains(name) {
                return Err(undefined(name));
            }
        }
    }
    Ok(())
}

/// The named type a type expression refers to, looking through lists.
fn referenced_type(ty: &TypeExpr) -> Option<&str> {
    match ty {
        TypeExpr::Named(name) => Some(name),
        TypeExpr::List(inner) => referenced_type(inner),
        _ => None,
    }
}

/// Parses emitted tokens as a file and pretty-prints them.
fn format_tokens(file: &str, tokens: TokenStream) -> Result<String, EmitError> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| EmitError::Unparsable {
        file: file.to_owned(),
        message: e.to_string(),
    })?;
    Ok(prettyplease::unparse(&parsed))
}

/// What each endpoint's request and response type is for, by type name.
fn type_roles(service: &Service) -> HashMap<&str, String> {
    let mut roles = HashMap::new();
    for ep in &service.endpoints {
        roles.entry(ep.request.as_str()).or_insert_with(|| {
            format!(
                "Request body of [`Client::{}`]: {}.",
                ep.operation,
                inline_prose(&ep.summary)
            )
        });
        if let TypeExpr::Named(name) = &ep.response {
            roles.entry(name.as_str()).or_insert_with(|| {
                format!(
                    "Response data of [`Client::{}`]: {}.",
                    ep.operation,
                    inline_prose(&ep.summary)
                )
            });
        }
    }
    roles
}

fn module_doc(service: &Service) -> Doc {
    let mut doc = Doc::prose(&service.title);
    doc.maybe_prose(service.description.as_deref());
    doc.paragraph(format!("Base URL: {}.", code(&service.base_url)));
    doc.quirks(&service.quirks);
    doc
}

fn descriptors(service: &Service) -> Result<TokenStream, EmitError> {
    let descriptor = service.descriptor();
    let errors = descriptor.errors.iter();
    let mut endpoint_consts = Vec::with_capacity(service.endpoints.len());
    let mut endpoint_refs = Vec::with_capacity(service.endpoints.len());
    for (ep, endpoint) in service.endpoints.iter().zip(descriptor.endpoints.iter()) {
        let cname = const_ident(&ep.operation)?;
        let doc = Doc::prose(&format!(
            "{}: {}",
            code(&format!("{} {}", ep.method.as_str(), ep.path)),
            ep.summary
        ))
        .tokens();
        endpoint_consts.push(quote! {
            #doc
            pub const #cname: rt::EndpointDescriptor = #endpoint;
        });
        endpoint_refs.push(quote!(endpoints::#cname));
    }
    // An empty module would leave the import unused.
    let endpoints_import = if service.endpoints.is_empty() {
        quote!()
    } else {
        quote!(
            use super::rt;
        )
    };
    Ok(quote! {
        /// Everything the runtime needs to know about this service, from its spec.
        pub const SERVICE: rt::ServiceDescriptor = #descriptor;

        /// Error codes the spec documents for this service.
        pub const ERRORS: &[rt::ErrorCodeInfo] = &[#(#errors),*];

        /// Every endpoint of this service, sorted by operation.
        pub const ENDPOINTS: &[rt::EndpointDescriptor] = &[#(#endpoint_refs),*];

        /// One descriptor per endpoint.
        pub mod endpoints {
            #endpoints_import
            #(#endpoint_consts)*
        }
    })
}

fn client(service: &Service) -> Result<TokenStream, EmitError> {
    // The runtime names each scheme's client after the spec's `auth.scheme`, so the
    // emitter needs no knowledge of any scheme.
    let scheme_name = service.auth.name();
    let scheme = ident(scheme_name, "auth scheme")?;
    let inner = quote!(rt::schemes::#scheme::Client);
    let config = quote!(rt::schemes::#scheme::Config);
    let doc = Doc::prose(&format!(
        "Typed client of {} (auth scheme {}). Cheap to clone; clones share connections \
         and the scheme's state (an app-token cache).",
        service.title,
        code(scheme_name),
    ))
    .tokens();
    let methods = service
        .endpoints
        .iter()
        .map(endpoint_method)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quote! {
        #doc
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: #inner,
        }

        impl Client {
            /// Creates a client from explicit configuration.
            pub fn new(config: #config) -> Result<Self, rt::Error> {
                #inner::new(&SERVICE, config).map(|inner| Self { inner })
            }

            /// Creates a client configured from the environment (see the crate README).
            pub fn from_env() -> Result<Self, rt::Error> {
                Self::new(#config::from_env()?)
            }

            /// This client with `interceptor` added: it sees every request and response
            /// (metrics, logging, request ids). Clones made before keep their interceptors.
            pub fn with_interceptor(self, interceptor: impl rt::Interceptor) -> Self {
                Self {
                    inner: self.inner.with_interceptor(interceptor),
                }
            }

            /// The runtime client underneath, for untyped calls and diagnostics.
            pub fn runtime(&self) -> &#inner {
                &self.inner
            }

            #(#methods)*
        }
    })
}

/// One `Client` method. Type references were checked by [`check_names`].
fn endpoint_method(ep: &Endpoint) -> Result<TokenStream, EmitError> {
    let fname = member_ident(&ep.operation, "operation")?;
    let cname = const_ident(&ep.operation)?;
    let request = ident(&ep.request, "request type")?;
    let response = rust_type(&ep.response)?;
    let mut doc = Doc::prose(&ep.summary);
    doc.maybe_prose(ep.description.as_deref());
    doc.paragraph(code(&format!("{} {}", ep.method.as_str(), ep.path)));
    if let Some(page) = &ep.source_page {
        doc.paragraph(format!("Transcribed from {}.", code(page)));
    }
    retry_doc(&mut doc, ep);
    doc.quirks(&ep.quirks);
    let doc = doc.tokens();
    Ok(quote! {
        #doc
        pub async fn #fname(&self, request: &#request) -> Result<#response, rt::Error> {
            self.inner.call(&endpoints::#cname, request).await
        }
    })
}

/// What the client repeats on its own, and what the caller does when the outcome of the
/// call is unknown. Every endpoint not marked safe is treated as a write.
fn retry_doc(doc: &mut Doc, ep: &Endpoint) {
    const UNKNOWN: &str = "If the call fails with an error whose \
        [`outcome_unknown()`](rt::Error::outcome_unknown) is true, the request may have been \
        applied:";
    if ep.safe {
        doc.paragraph(
            "Safe (read-only): the client repeats it after any transient failure, and its \
             failures never leave an unknown outcome.",
        );
        return;
    }
    match (&ep.idempotency_key, &ep.idempotency_evidence) {
        (Some(key), Some(evidence)) => {
            let key = code(key);
            doc.paragraph(format!(
                "Idempotent by {key}: {} says \u{201c}{}\u{201d}. So the client also repeats \
                 it after timeouts, 5xx answers and retryable codes. {UNKNOWN} query its \
                 state, then retry with the same {key}.",
                code(&evidence.page),
                inline_prose(&evidence.quote),
            ));
        }
        (Some(key), None) => {
            let key = code(key);
            doc.paragraph(format!(
                "Keyed by {key}, but no vendor page says repeats of it are ignored, so the \
                 client repeats the call only when it provably had no effect (connection \
                 not established, HTTP 429, a code marked `processed: never`). {UNKNOWN} \
                 query its state, then retry with the same {key} only if it was not applied."
            ));
        }
        (None, _) => {
            doc.paragraph(format!(
                "Not idempotent: the client repeats the call only when it provably had no \
                 effect. {UNKNOWN} query its state, and repeat it only if it was not applied."
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Formatting in chunks on threads must give the bytes of formatting in one piece.
    #[test]
    fn chunked_formatting_equals_single_pass() {
        let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        let set = crate::load(&spec).expect("spec loads");
        let mut service = set.service("jdy").expect("jdy").clone();
        let originals = service.types.clone();
        for i in 0..(3 * TYPES_PER_CHUNK / originals.len().max(1) + 1) {
            for ty in &originals {
                let mut copy = ty.clone();
                copy.name = format!("{}Copy{i}", ty.name);
                service.types.push(copy);
            }
        }
        service.types.sort_by(|a, b| a.name.cmp(&b.name));
        assert!(service.types.len() > 2 * TYPES_PER_CHUNK);

        let chunked = service_module(&service).expect("renders");
        let roles = type_roles(&service);
        let module_doc = module_doc(&service).inner_tokens();
        let descriptors = descriptors(&service).expect("descriptors");
        let types: Vec<TokenStream> = service
            .types
            .iter()
            .map(|ty| named_type(ty, roles.get(ty.name.as_str()).map(String::as_str)))
            .collect::<Result<_, _>>()
            .expect("types");
        let client = client(&service).expect("client");
        let single = format_tokens(
            "jdy.rs",
            quote! {
                #module_doc
                use retail_apis_runtime as rt;
                #descriptors
                #(#types)*
                #client
            },
        )
        .expect("formats");
        assert!(
            chunked == single,
            "chunked output differs from single-pass output"
        );
    }
}
