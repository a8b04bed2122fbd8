//! The sandbox verifies and produces signatures only through the runtime's signing
//! functions, so the sandbox and the clients can never disagree silently.

use retail_apis_codegen::model::{HttpMethod, Md5SignScheme};
use retail_apis_runtime::jdy::signing::{self as jdy_signing, CanonicalRequest};
use retail_apis_runtime::shoubei::signing as md5_signing;
use serde_json::{Map, Value};

/// The Kingdee gateway signature (`X-Api-Signature`) of a request whose signed headers
/// are `headers` (name, value), in the order the spec's `sign_headers` lists them, and
/// the string it signs (the request log shows it; it holds no secret).
pub(crate) fn gateway_signature_shown(
    method: HttpMethod,
    path: &str,
    query: &[(String, String)],
    headers: Vec<(&str, &str)>,
    client_secret: &str,
) -> (String, String) {
    let pairs: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let request = CanonicalRequest {
        method,
        path,
        query: &pairs,
        headers,
    };
    (
        request.to_string(),
        jdy_signing::gateway_signature(&request, client_secret),
    )
}

/// The token endpoint's `app_signature` for an app key.
pub(crate) fn app_signature(app_key: &str, app_secret: &str) -> String {
    jdy_signing::app_signature(app_key, app_secret)
}

/// Signs and verifies MD5 body signatures with a scheme from the spec.
#[derive(Debug)]
pub(crate) struct Md5Signer {
    scheme: Md5SignScheme,
}

impl Md5Signer {
    pub fn new(scheme: &Md5SignScheme) -> Md5Signer {
        Md5Signer {
            scheme: scheme.clone(),
        }
    }

    /// Name of the body field carrying the signature.
    pub fn field(&self) -> &str {
        &self.scheme.field
    }

    /// The signature of `body`; arrays and objects cannot be signed.
    pub fn sign(
        &self,
        body: &Map<String, Value>,
        key: &str,
    ) -> Result<String, md5_signing::UnsignableField> {
        md5_signing::sign(&self.scheme, body, key)
    }

    /// The masked text `body` is signed over and its signature with `key`, for the
    /// request log; `None` for a body that cannot be signed.
    pub fn shown(&self, body: &Map<String, Value>, key: &str) -> Option<(String, String)> {
        let text = md5_signing::StringToSign::new(&self.scheme, body, key).ok()?;
        Some((text.masked(), text.sign()))
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
