//! A received request, reduced to what the checks need.

use axum::body::Bytes;
use axum::http::HeaderMap;
use retail_apis_codegen::model::HttpMethod;

use crate::trace::Trace;

#[derive(Debug)]
pub(crate) struct Incoming {
    pub method: HttpMethod,
    /// Path as received (the spec paths need no percent-encoding).
    pub path: String,
    /// Decoded query pairs, in received order.
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Accept the variants other Kingdee SDKs send whose signed bytes are unambiguous
    /// (`SandboxConfig::tolerant`), noting each one in `trace`.
    pub tolerant: bool,
    /// What the checks learn about this request, for the request log.
    pub trace: Trace,
}

impl Incoming {
    /// A header as text; `None` when absent or not visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first query parameter of that name.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Decodes a raw query string (`a=1&b=%2F`).
pub(crate) fn parse_query(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| {
        form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}
