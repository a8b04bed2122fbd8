//! One service module: descriptors, named types and the typed `Client`.

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, inline_prose, Doc};
use super::idents::{const_ident, ident, member_ident};
use super::rust_types::rust_type;
use super::types::named_type;
use super::EmitError;
use crate::model::{
    Auth, CodeValue, Endpoint, Envelope, ErrorAction, ErrorCodeSpec, HttpMethod, NamedType,
    Processed, Service, TypeExpr, TypeKind,
};

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

fn method(m: HttpMethod) -> TokenStream {
    match m {
        HttpMethod::Get => quote!(rt::HttpMethod::Get),
        HttpMethod::Post => quote!(rt::HttpMethod::Post),
    }
}

fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn descriptors(service: &Service) -> Result<TokenStream, EmitError> {
    let name = service.name.as_str();
    let base_url = service.base_url.as_str();
    let auth = auth(&service.auth);
    let envelope = envelope(&service.envelope);
    let errors = service.errors.iter().map(error_info);
    let mut endpoint_consts = Vec::with_capacity(service.endpoints.len());
    let mut endpoint_refs = Vec::with_capacity(service.endpoints.len());
    for ep in &service.endpoints {
        let cname = const_ident(&ep.operation)?;
        let op = ep.operation.as_str();
        let path = ep.path.as_str();
        let m = method(ep.method);
        let key = opt_str(ep.idempotency_key.as_deref());
        let evidence = opt_str(ep.idempotency_evidence.as_ref().map(|e| e.page.as_str()));
        let safe = ep.safe;
        let doc = Doc::prose(&format!(
            "{}: {}",
            code(&format!("{} {}", method_name(ep.method), ep.path)),
            ep.summary
        ))
        .tokens();
        endpoint_consts.push(quote! {
            #doc
            pub const #cname: rt::EndpointDescriptor = rt::EndpointDescriptor {
                service: #name,
                operation: #op,
                method: #m,
                path: #path,
                idempotency_key: #key,
                idempotency_evidence: #evidence,
                safe: #safe,
            };
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
        pub const SERVICE: rt::ServiceDescriptor = rt::ServiceDescriptor {
            name: #name,
            base_url: #base_url,
            auth: #auth,
            envelope: #envelope,
            errors: ERRORS,
            endpoints: ENDPOINTS,
        };

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

fn method_name(m: HttpMethod) -> &'static str {
    match m {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
    }
}

fn auth(auth: &Auth) -> TokenStream {
    match auth {
        Auth::KingdeeGateway(g) => {
            let auth_version = g.auth_version.as_str();
            let sign_headers = g.sign_headers.as_str();
            let window = proc_macro2::Literal::u64_unsuffixed(g.timestamp_window_ms);
            let token_method = method(g.token.method);
            let token_path = g.token.path.as_str();
            let token_field = g.token.token_field.as_str();
            let ttl = proc_macro2::Literal::u64_unsuffixed(g.token.ttl_secs);
            let status = proc_macro2::Literal::u16_unsuffixed(g.gateway_status);
            let code = g.gateway_code_field.as_str();
            let message = g.gateway_message_field.as_str();
            let message_cn = g.gateway_message_cn_field.as_str();
            quote! {
                rt::AuthScheme::KingdeeGateway(rt::KingdeeGatewayScheme {
                    auth_version: #auth_version,
                    sign_headers: #sign_headers,
                    timestamp_window_ms: #window,
                    token_method: #token_method,
                    token_path: #token_path,
                    token_field: #token_field,
                    token_ttl_secs: #ttl,
                    gateway_status: #status,
                    gateway_code_field: #code,
                    gateway_message_field: #message,
                    gateway_message_cn_field: #message_cn,
                })
            }
        }
        Auth::Md5BodySign(s) => {
            let field = s.field.as_str();
            let skip_null = s.skip_null;
            let skip_empty = s.skip_empty;
            let pair = s.pair_separator.as_str();
            let kv = s.kv_separator.as_str();
            let suffix = s.secret_suffix.as_str();
            let uppercase = s.uppercase;
            let verify = s.verify_response;
            quote! {
                rt::AuthScheme::Md5BodySign(rt::Md5SignScheme {
                    field: #field,
                    skip_null: #skip_null,
                    skip_empty: #skip_empty,
                    pair_separator: #pair,
                    kv_separator: #kv,
                    secret_suffix: #suffix,
                    uppercase: #uppercase,
                    verify_response: #verify,
                })
            }
        }
    }
}

fn envelope(e: &Envelope) -> TokenStream {
    let code_field = e.code_field.as_str();
    let success = match &e.success_code {
        CodeValue::Int(v) => {
            let v = proc_macro2::Literal::i64_unsuffixed(*v);
            quote!(rt::Code::Int(#v))
        }
        CodeValue::Str(s) => quote!(rt::Code::Str(#s)),
    };
    let message_field = e.message_field.as_str();
    let data_field = opt_str(e.data_field.as_deref());
    let result = match &e.result {
        Some(r) => {
            let field = r.field.as_str();
            let success = r.success.as_str();
            quote!(Some(rt::ResultCheck { field: #field, success: #success }))
        }
        None => quote!(None),
    };
    quote! {
        rt::EnvelopeDescriptor {
            code_field: #code_field,
            success_code: #success,
            message_field: #message_field,
            data_field: #data_field,
            result: #result,
        }
    }
}

fn error_info(e: &ErrorCodeSpec) -> TokenStream {
    let code = e.code.as_str();
    let status = match e.http_status {
        Some(s) => {
            let s = proc_macro2::Literal::u16_unsuffixed(s);
            quote!(Some(#s))
        }
        None => quote!(None),
    };
    let name = e.name.as_str();
    let description = e.description.as_str();
    let action = match e.action {
        ErrorAction::None => quote!(rt::ErrorAction::None),
        ErrorAction::RefreshToken => quote!(rt::ErrorAction::RefreshToken),
        ErrorAction::Reauthorize => quote!(rt::ErrorAction::Reauthorize),
    };
    let retryable = e.retryable;
    let processed = match e.processed {
        Processed::Never => quote!(rt::Processed::Never),
        Processed::Maybe => quote!(rt::Processed::Maybe),
    };
    quote! {
        rt::ErrorCodeInfo {
            code: #code,
            http_status: #status,
            name: #name,
            description: #description,
            action: #action,
            retryable: #retryable,
            processed: #processed,
        }
    }
}

fn client(service: &Service) -> Result<TokenStream, EmitError> {
    let (inner, config, label) = match service.auth {
        Auth::KingdeeGateway(_) => (
            quote!(rt::jdy::JdyClient),
            quote!(rt::jdy::JdyConfig),
            "Kingdee gateway signature and app-token",
        ),
        Auth::Md5BodySign(_) => (
            quote!(rt::shoubei::ShoubeiClient),
            quote!(rt::shoubei::ShoubeiConfig),
            "MD5 body signature",
        ),
    };
    let doc = Doc::prose(&format!(
        "Typed client of {} ({label}). Cheap to clone; clones share connections{}.",
        service.title,
        if matches!(service.auth, Auth::KingdeeGateway(_)) {
            " and the app-token cache"
        } else {
            ""
        }
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
    doc.paragraph(code(&format!("{} {}", method_name(ep.method), ep.path)));
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
