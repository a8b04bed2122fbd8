//! The sandbox verifies and produces signatures only through the runtime's signing
//! functions, so the sandbox and the clients can never disagree silently.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use retail_apis_codegen::model::{HttpMethod, Md5SignScheme};
use retail_apis_runtime::jdy::signing::{self as jdy_signing, CanonicalRequest};
use retail_apis_runtime::shoubei::signing as md5_signing;
use serde_json::{Map, Value};

fn runtime_method(method: HttpMethod) -> retail_apis_runtime::HttpMethod {
    match method {
        HttpMethod::Get => retail_apis_runtime::HttpMethod::Get,
        HttpMethod::Post => retail_apis_runtime::HttpMethod::Post,
    }
}

/// The Kingdee gateway signature (`X-Api-Signature`) of a request whose signed headers
/// are `headers` (name, value), in the order the spec's `sign_headers` lists them.
pub(crate) fn gateway_signature(
    method: HttpMethod,
    path: &str,
    query: &[(String, String)],
    headers: Vec<(&str, &str)>,
    client_secret: &str,
) -> String {
    let pairs: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let request = CanonicalRequest {
        method: runtime_method(method),
        path,
        query: &pairs,
        headers,
    };
    jdy_signing::gateway_signature(&request, client_secret)
}

/// The token endpoint's `app_signature` for an app key.
pub(crate) fn app_signature(app_key: &str, app_secret: &str) -> String {
    jdy_signing::app_signature(app_key, app_secret)
}

/// The runtime describes schemes with `&'static str` (generated code declares them as
/// constants), while the sandbox reads them from a spec at run time. Interning keeps the
/// leak to one copy per distinct string, however many sandboxes a test suite starts.
fn intern(text: &str) -> &'static str {
    static INTERNED: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = INTERNED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(existing) = set.get(text) {
        return existing;
    }
    let leaked: &'static str = Box::leak(text.to_owned().into_boxed_str());
    set.insert(leaked);
    leaked
}

/// Signs and verifies MD5 body signatures with a scheme from the spec.
#[derive(Debug)]
pub(crate) struct Md5Signer {
    scheme: retail_apis_runtime::Md5SignScheme,
}

impl Md5Signer {
    pub fn new(scheme: &Md5SignScheme) -> Md5Signer {
        Md5Signer {
            scheme: retail_apis_runtime::Md5SignScheme {
                field: intern(&scheme.field),
                skip_null: scheme.skip_null,
                skip_empty: scheme.skip_empty,
                pair_separator: intern(&scheme.pair_separator),
                kv_separator: intern(&scheme.kv_separator),
                secret_suffix: intern(&scheme.secret_suffix),
                uppercase: scheme.uppercase,
                verify_response: scheme.verify_response,
            },
        }
    }

    /// Name of the body field carrying the signature.
    pub fn field(&self) -> &str {
        self.scheme.field
    }

    /// The signature of `body`; arrays and objects cannot be signed.
    pub fn sign(
        &self,
        body: &Map<String, Value>,
        key: &str,
    ) -> Result<String, md5_signing::UnsignableField> {
        md5_signing::sign(&self.scheme, body, key)
    }

    /// Whether `body` carries its correct signature; arrays and objects cannot be
    /// verified.
    pub fn verify(
        &self,
        body: &Map<String, Value>,
        key: &str,
    ) -> Result<bool, md5_signing::UnsignableField> {
        md5_signing::verify(&self.scheme, body, key)
    }
}
