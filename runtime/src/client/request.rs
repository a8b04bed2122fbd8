//! One outgoing request, as auth schemes sign it and interceptors see it.

use std::fmt;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use serde_json::Value;

use crate::descriptor::HttpMethod;
use crate::error::Error;
use crate::transport::CallInfo;

/// A request before it is sent: what the client built from the endpoint and the caller's
/// value, then what the auth scheme added (signature headers, credentials).
///
/// Its `Debug` shows header values only when they are not marked sensitive, query keys
/// without their values, and the body's length, so logging it leaks no credential.
#[derive(Clone)]
pub struct Request {
    method: HttpMethod,
    path: &'static str,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Option<bytes::Bytes>,
}

impl Request {
    /// A request to `path` (below the base URL) without query, headers or body.
    pub fn new(method: HttpMethod, path: &'static str) -> Request {
        Request {
            method,
            path,
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
        }
    }

    /// The request of an endpoint call: for GET, the fields of `value` become the query
    /// (strings as they are, other values as JSON text, nulls left out); for POST,
    /// `value` becomes the JSON body.
    pub(crate) fn for_call(
        call: &CallInfo,
        method: HttpMethod,
        path: &'static str,
        value: &Value,
    ) -> Result<Request, Error> {
        let mut request = Request::new(method, path);
        match method {
            HttpMethod::Get => {
                request.query = Request::query_of(value).ok_or_else(|| Error::Encode {
                    service: call.service,
                    operation: call.operation,
                    message: String::from("a GET request must be a JSON object"),
                })?
            }
            HttpMethod::Post => {
                let body = serde_json::to_vec(value).map_err(|e| Error::Encode {
                    service: call.service,
                    operation: call.operation,
                    message: e.to_string(),
                })?;
                request.body = Some(body.into());
                request
                    .headers
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
        }
        Ok(request)
    }

    /// The query a GET request of `value` carries: the object's fields, strings as they
    /// are and other values as JSON text, nulls left out. `None` when `value` is neither
    /// an object nor null. (`retail-apis sign --explain` shows the same query.)
    pub fn query_of(value: &Value) -> Option<Vec<(String, String)>> {
        match value {
            Value::Null => Some(Vec::new()),
            Value::Object(map) => Some(
                map.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| {
                        let v = match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    /// HTTP method.
    pub fn method(&self) -> HttpMethod {
        self.method
    }

    /// Path below the base URL.
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// Query parameters, in the order they are sent.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// Appends a query parameter.
    pub fn push_query(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.query.push((name.into(), value.into()));
    }

    /// The value of header `name` (any case), when it is set and is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Names of the headers set so far.
    pub fn header_names(&self) -> impl Iterator<Item = &str> {
        self.headers.keys().map(HeaderName::as_str)
    }

    /// Every header as (name, value, sensitive), in the order they are sent; values that
    /// are not text are left out.
    pub fn header_entries(&self) -> impl Iterator<Item = (&str, &str, bool)> {
        self.headers.iter().filter_map(|(name, value)| {
            let text = value.to_str().ok()?;
            Some((name.as_str(), text, value.is_sensitive()))
        })
    }

    /// Sets a header; the error names the header, never the value.
    pub fn set_header(&mut self, name: &str, value: &str) -> Result<(), Error> {
        self.insert(parse_name(name)?, value, false)
    }

    /// Sets a header holding a credential: never shown by `Debug`, and marked sensitive
    /// for the HTTP stack.
    pub fn set_sensitive_header(&mut self, name: &str, value: &str) -> Result<(), Error> {
        self.insert(parse_name(name)?, value, true)
    }

    /// Sets a header by its parsed name (no parsing on the signing path).
    pub(crate) fn insert(
        &mut self,
        name: HeaderName,
        value: &str,
        sensitive: bool,
    ) -> Result<(), Error> {
        let mut value = header_value(&name, value)?;
        value.set_sensitive(sensitive);
        self.headers.insert(name, value);
        Ok(())
    }

    /// The body bytes, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The request for reqwest, with `base_url` in front of the path.
    pub(crate) fn build(self, http: &reqwest::Client, base_url: &str) -> reqwest::RequestBuilder {
        let url = crate::transport::join_url(base_url, self.path);
        let method = match self.method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
        };
        let mut builder = http.request(method, url).headers(self.headers);
        if !self.query.is_empty() {
            builder = builder.query(&self.query);
        }
        if let Some(body) = self.body {
            builder = builder.body(body);
        }
        builder
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'a>(&'a HeaderMap);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map()
                    .entries(self.0.iter().map(|(name, value)| {
                        let shown = if value.is_sensitive() {
                            "<redacted>"
                        } else {
                            value.to_str().unwrap_or("<not text>")
                        };
                        (name.as_str(), shown)
                    }))
                    .finish()
            }
        }
        let query: Vec<&str> = self.query.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query_keys", &query)
            .field("headers", &Headers(&self.headers))
            .field("body_bytes", &self.body.as_ref().map_or(0, |b| b.len()))
            .finish()
    }
}

fn parse_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::config(format!("`{name}` is not a valid HTTP header name")))
}

fn header_value(name: &HeaderName, value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value)
        .map_err(|_| Error::config(format!("{name} is not a valid HTTP header value")))
}
