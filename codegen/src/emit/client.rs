//! One service module: descriptors, named types and the typed `Client`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, inline_prose, page_citation, Doc};
use super::idents::{const_ident, ident, member_ident};
use super::rust_types::rust_type;
use super::types::named_type;
use super::EmitError;
use crate::model::{Endpoint, Service, TypeExpr, TypeKind, VendorPage};

/// Named types per part; small enough to spread a large service over threads, large
/// enough that handing out parts costs nothing measurable.
const TYPES_PER_CHUNK: usize = 64;

/// A piece of a service module that is rendered and formatted on its own.
///
/// Parsing and pretty-printing dominate the emitter's time and grow with the output, so a
/// module is split into runs of consecutive items that can be formatted on different
/// threads. prettyplease prints items independently, so the formatted parts joined in
/// order are the bytes of the module formatted in one piece.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Module docs, the runtime import and the descriptors.
    Head,
    /// The named types at these indices of the service's (sorted) types.
    Types(Range<usize>),
    /// The typed `Client`.
    Client,
}

/// One service module whose names were checked, ready to be rendered part by part.
pub struct ServiceModule<'s> {
    service: &'s Service,
    roles: HashMap<&'s str, String>,
}

impl<'s> ServiceModule<'s> {
    /// Checks the names the module will declare.
    pub fn new(service: &'s Service) -> Result<Self, EmitError> {
        check_names(service)?;
        Ok(ServiceModule {
            service,
            roles: type_roles(service),
        })
    }

    /// The service's name (its module is `<name>.rs`).
    pub fn name(&self) -> &str {
        &self.service.name
    }

    /// The parts of the module, in file order.
    pub fn parts(&self) -> Vec<Part> {
        let types = self.service.types.len();
        let mut parts = Vec::with_capacity(types.div_ceil(TYPES_PER_CHUNK) + 2);
        parts.push(Part::Head);
        parts.extend(
            (0..types)
                .step_by(TYPES_PER_CHUNK)
                .map(|start| Part::Types(start..types.min(start + TYPES_PER_CHUNK))),
        );
        parts.push(Part::Client);
        parts
    }

    /// One part: tokens still to be formatted, or the named types already formatted.
    pub fn render(&self, part: &Part) -> Result<Rendered, EmitError> {
        let service = self.service;
        match part {
            Part::Head => {
                let module_doc = module_doc(service).inner_tokens();
                let descriptors = descriptors(service)?;
                Ok(Rendered::Tokens(quote! {
                    #module_doc
                    use retail_apis_runtime as rt;
                    #descriptors
                }))
            }
            Part::Types(range) => {
                let mut text = String::new();
                for ty in service.types.get(range.clone()).unwrap_or_default() {
                    let role = self.roles.get(ty.name.as_str()).map(String::as_str);
                    text.push_str(&named_type(ty, role, &service.pages)?);
                }
                Ok(Rendered::Formatted(text))
            }
            Part::Client => client(service).map(Rendered::Tokens),
        }
    }
}

/// A rendered part of a module.
pub enum Rendered {
    /// Code that still has to be parsed and pretty-printed.
    Tokens(TokenStream),
    /// Source already in prettyplease's layout (without blank lines between items).
    Formatted(String),
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
                if let Some(name) = field.ty.named() {
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
        if let Some(name) = ep.response.named() {
            if !types.contains(name) {
                return Err(undefined(name));
            }
        }
    }
    Ok(())
}

/// What each named type is for, by type name: the request body or response data of which
/// operations, and for a type that several operations reach, all of them, so a reader of
/// its rustdoc (written once, from the file that declares it) sees every call it serves.
fn type_roles(service: &Service) -> HashMap<&str, String> {
    let mut uses: HashMap<&str, Vec<Use<'_>>> = HashMap::new();
    for ep in &service.endpoints {
        uses.entry(ep.request.as_str())
            .or_default()
            .push(Use::Request(ep));
        if let TypeExpr::Named(name) = &ep.response {
            uses.entry(name.as_str())
                .or_default()
                .push(Use::Response(ep));
        }
    }
    let users = service.type_users();
    let mut roles = HashMap::new();
    for ty in &service.types {
        let name = ty.name.as_str();
        let mut sentences: Vec<String> = uses
            .get(name)
            .into_iter()
            .flatten()
            .map(|u| match u {
                Use::Request(ep) => format!(
                    "Request body of [`Client::{}`]: {}.",
                    ep.operation,
                    inline_prose(&ep.summary)
                ),
                Use::Response(ep) => format!(
                    "Response data of [`Client::{}`]: {}.",
                    ep.operation,
                    inline_prose(&ep.summary)
                ),
            })
            .collect();
        let operations = users.get(name).map_or(&[][..], Vec::as_slice);
        if operations.len() > 1 && sentences.len() < operations.len() {
            let list: Vec<String> = operations
                .iter()
                .map(|op| format!("[`Client::{op}`]"))
                .collect();
            sentences.push(format!(
                "Used by {}; its descriptions are those of the page of the file that declares \
                 it.",
                join_and(&list)
            ));
        }
        if !sentences.is_empty() {
            roles.insert(name, sentences.join(" "));
        }
    }
    roles
}

/// A named type as the request or response of an endpoint.
enum Use<'s> {
    Request(&'s Endpoint),
    Response(&'s Endpoint),
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn module_doc(service: &Service) -> Doc {
    let mut doc = Doc::prose(&service.title);
    doc.maybe_prose(service.description.as_deref());
    doc.paragraph(format!("Base URL: {}.", code(&service.base_url)));
    doc.quirks(&service.quirks, &service.pages);
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
    let tenant = quote!(rt::schemes::#scheme::Tenant);
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
        .map(|ep| endpoint_method(ep, &service.pages))
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
                Self::new(<#config as rt::ClientConfig>::from_env()?)
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

            /// A client of another tenant (its own credentials and credential state,
            /// such as an app-token) that shares this client's connection pool,
            /// settings and interceptors.
            pub fn for_tenant(&self, tenant: #tenant) -> Result<Self, rt::Error> {
                self.inner.for_tenant(tenant).map(|inner| Self { inner })
            }

            #(#methods)*
        }
    })
}

/// One `Client` method. Type references were checked by [`check_names`].
fn endpoint_method(
    ep: &Endpoint,
    pages: &BTreeMap<String, VendorPage>,
) -> Result<TokenStream, EmitError> {
    let fname = member_ident(&ep.operation, "operation")?;
    let cname = const_ident(&ep.operation)?;
    let request = ident(&ep.request, "request type")?;
    let response = rust_type(&ep.response)?;
    let mut doc = Doc::prose(&ep.summary);
    doc.maybe_prose(ep.description.as_deref());
    doc.paragraph(code(&format!("{} {}", ep.method.as_str(), ep.path)));
    if let Some(page) = &ep.source_page {
        let cited = pages.get(page).map_or_else(|| code(page), page_citation);
        doc.paragraph(format!("Transcribed from {cited}."));
    }
    retry_doc(&mut doc, ep);
    doc.quirks(&ep.quirks, pages);
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
    use crate::emit::{generate_on, spacing, GenerateOptions};
    use crate::model::{NamedType, SpecSet};
    use std::num::NonZeroUsize;

    /// A type that several operations reach names all of them, whichever endpoint's file
    /// declares it; a type of one operation names that one only.
    #[test]
    fn a_shared_type_names_every_operation_that_uses_it() {
        let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        let set = crate::load(&spec).expect("spec loads");
        let mut service = set.service("jdy").expect("jdy").clone();
        let first = service.endpoints[0].clone();
        let mut second = first.clone();
        second.operation = format!("{}_again", first.operation);
        service.endpoints.push(second.clone());
        let roles = type_roles(&service);
        let users = service.type_users();
        let both = format!(
            "[`Client::{}`] and [`Client::{}`]",
            first.operation, second.operation
        );
        let request = &roles[first.request.as_str()];
        assert!(
            request.contains(&format!("Request body of [`Client::{}`]", first.operation))
                && request.contains(&format!("Request body of [`Client::{}`]", second.operation)),
            "{request}"
        );
        let nested: Vec<&NamedType> = service
            .types
            .iter()
            .filter(|t| {
                users
                    .get(t.name.as_str())
                    .is_some_and(|ops| ops.contains(&first.operation.as_str()))
                    && t.name != first.request
                    && Some(t.name.as_str()) != first.response.named()
            })
            .collect();
        assert!(!nested.is_empty(), "the first endpoint has nested types");
        for ty in nested {
            let role = &roles[ty.name.as_str()];
            assert!(
                role.contains(&format!("Used by {both}")),
                "{}: {role}",
                ty.name
            );
        }
    }

    /// Formatting in parts, on one thread or several, must give the bytes of formatting the
    /// module in one piece.
    #[test]
    fn parts_on_any_number_of_threads_equal_single_pass() {
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

        let roles = type_roles(&service);
        let module_doc = module_doc(&service).inner_tokens();
        let descriptors = descriptors(&service).expect("descriptors");
        let types: String = service
            .types
            .iter()
            .map(|ty| {
                named_type(
                    ty,
                    roles.get(ty.name.as_str()).map(String::as_str),
                    &service.pages,
                )
            })
            .collect::<Result<_, _>>()
            .expect("types");
        let client = client(&service).expect("client");
        // The named types are written out as formatted text; prettyplease reading the
        // whole module back must print the same bytes.
        let whole = format!(
            "{}\n{types}{}",
            quote! {
                #module_doc
                use retail_apis_runtime as rt;
                #descriptors
            },
            client
        );
        let single = syn::parse_file(&whole).expect("parses");
        let single = spacing::separate_items(&prettyplease::unparse(&single));

        let set = SpecSet {
            services: vec![service],
        };
        for workers in [1, 2, 3] {
            let workers = NonZeroUsize::new(workers).expect("non-zero");
            let files = generate_on(&set, &GenerateOptions::default(), workers).expect("renders");
            let module = &files[0].contents;
            let body = &module[module.find("\n\n").expect("header ends") + 2..];
            assert!(
                body == single,
                "{workers} worker(s): output differs from single-pass output"
            );
        }
    }
}
