//! One outgoing request, as auth schemes sign it and interceptors see it.

use std::fmt;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use serde_json::Value;

use crate::descriptor::HttpMethod;
use crate::error::Error;
use crate::raw_object::{self, Kind, RawObject};
use crate::transport::CallInfo;

/// Headers an attempt adds to those of its request: the most any scheme signs with
/// (nine for the Kingdee gateway) and the HTTP client's defaults (`Accept`,
/// `User-Agent`).
const ATTEMPT_HEADERS: usize = 12;

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

    /// The request of an endpoint call from the request's JSON: for GET, the fields of
    /// the object become the query (strings as they are, other values as JSON text,
    /// nulls left out; see [`query_of`](Self::query_of)); for POST, the JSON is the body.
    pub(crate) fn for_call(
        call: &CallInfo,
        method: HttpMethod,
        path: &'static str,
        json: Vec<u8>,
    ) -> Result<Request, Error> {
        let mut request = Request::new(method, path);
        match method {
            HttpMethod::Get => {
                request.query = Request::query_of_json(&json).ok_or_else(|| Error::Encode {
                    service: call.service,
                    operation: call.operation,
                    message: String::from("a GET request must be a JSON object"),
                })?
            }
            HttpMethod::Post => {
                request.body = Some(json.into());
                request
                    .headers
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
        }
        Ok(request)
    }

    /// [`query_of`](Self::query_of) the value `json` holds, read without a `Value`.
    fn query_of_json(json: &[u8]) -> Option<Vec<(String, String)>> {
        if json == b"null" {
            return Some(Vec::new());
        }
        let object = RawObject::parse(json).ok()?;
        Some(
            object
                .iter()
                .filter(|(_, v)| raw_object::kind(v) != Kind::Null)
                .map(|(k, v)| {
                    let v = match raw_object::string(v) {
                        Some(s) => s.into_owned(),
                        None => raw_object::json_text(v).into_owned(),
                    };
                    (k.to_owned(), v)
                })
                .collect(),
        )
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

    /// Sets a header to a value made beforehand; values shared by many requests are
    /// cloned without a copy of their bytes.
    pub(crate) fn insert_value(&mut self, name: HeaderName, value: HeaderValue) {
        self.headers.insert(name, value);
    }

    /// A copy of this request for one attempt to sign, with room for the headers that
    /// signing and the HTTP client add, so that none of them grows the header map.
    pub(crate) fn for_attempt(&self) -> Request {
        let mut headers = HeaderMap::with_capacity(self.headers.len() + ATTEMPT_HEADERS);
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        Request {
            method: self.method,
            path: self.path,
            query: self.query.clone(),
            headers,
            body: self.body.clone(),
        }
    }

    /// The body bytes, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The request for reqwest, with the base URL of `urls` in front of the path. The
    /// headers move over as they are, not inserted one by one again.
    /// The error names what is wrong with the URL.
    pub(crate) fn build(self, urls: &super::urls::Urls) -> Result<reqwest::Request, String> {
        let mut url = urls.url(self.path)?;
        if !self.query.is_empty() {
            // As reqwest's `RequestBuilder::query` writes them.
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        let method = match self.method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
        };
        let mut request = reqwest::Request::new(method, url);
        *request.headers_mut() = self.headers;
        if let Some(body) = self.body {
            *request.body_mut() = Some(body.into());
        }
        Ok(request)
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,8}".prop_map(Value::String),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::btree_map("[a-z]{1,3}", inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// A struct whose fields serialise in declaration order, not sorted.
    #[derive(serde::Serialize)]
    struct Unsorted {
        page: u32,
        bill_no: &'static str,
        skip: Option<u32>,
        detail: Value,
    }

    #[test]
    fn a_typed_get_queries_as_its_value_does() {
        let typed = Unsorted {
            page: 3,
            bill_no: "B 1=\"2\"",
            skip: None,
            detail: json!({"z": 1, "a": [true, null]}),
        };
        let json = serde_json::to_vec(&typed).expect("serialises");
        let value = serde_json::to_value(&typed).expect("serialises");
        let query = Request::query_of_json(&json);
        assert_eq!(query, Request::query_of(&value));
        assert_eq!(
            query,
            Some(vec![
                ("bill_no".to_owned(), "B 1=\"2\"".to_owned()),
                ("detail".to_owned(), r#"{"a":[true,null],"z":1}"#.to_owned()),
                ("page".to_owned(), "3".to_owned()),
            ])
        );
        assert_eq!(Request::query_of_json(b"null"), Some(Vec::new()));
        assert_eq!(Request::query_of_json(b"[1]"), None);
        assert_eq!(Request::query_of_json(b"\"a\""), None);
    }

    proptest! {
        /// The query read from the JSON text is the query of the `Value` it holds.
        #[test]
        fn query_from_json_equals_query_of_value(
            map in prop::collection::btree_map("\\PC{0,5}", value(), 0..6),
        ) {
            let value = Value::Object(map.into_iter().collect());
            let json = serde_json::to_vec(&value).expect("serialises");
            prop_assert_eq!(Request::query_of_json(&json), Request::query_of(&value));
        }
    }
}
