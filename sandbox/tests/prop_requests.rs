//! The sandbox's answers to arbitrary and to valid requests, driven by the real spec.
//!
//! - Arbitrary requests (any path and method, any subset of the gateway headers with valid,
//!   random or missing values, arbitrary bytes or JSON as the body, signed or not) never
//!   crash a handler or produce a 5xx: they get 404/405/413, a 519 gateway rejection or an
//!   HTTP 200 business envelope (signed, for Shoubei).
//! - Valid bodies, generated from each endpoint's request type in the spec (every field of the
//!   right JSON type, strings within their maximum length, enums in their wire form, optional
//!   fields absent, null or set, aliases used at random), are accepted when signed correctly.
//!   Nothing here names an endpoint: a new endpoint file is covered as it is added.
//!
//! The generator knows three things the spec's types cannot say, all documented in the
//! sandbox README: amounts (`amount` fields) are positive with at most two decimals where
//! the sandbox moves balances, the Shoubei `inst_no` must be the sandbox institution, and
//! `coupon_code` must name a coupon the sandbox holds (the harness seeds enough unused ones).

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use proptest::prelude::*;
use proptest::strategy::{Union, ValueTree};
use reqwest::header::{HeaderName, HeaderValue};
use retail_apis_codegen::model::{
    AuthScheme, Code, EnumRepr, HttpMethod, Service, SpecSet, TypeExpr, TypeKind,
};
use retail_apis_runtime::jdy::headers::{
    APP_TOKEN, CONTENT_TYPE, JSON, X_API_AUTH_VERSION, X_API_CLIENT_ID, X_API_NONCE,
    X_API_SIGNATURE, X_API_SIGN_HEADERS, X_API_TIMESTAMP, X_GW_ROUTER_ADDR,
};
use retail_apis_runtime::jdy::signing::CanonicalRequest;
use retail_apis_runtime::shoubei::signing as md5;
use retail_apis_runtime::Md5SignScheme;
use retail_apis_sandbox::config::{
    APP_KEY, APP_SECRET, CLIENT_ID, CLIENT_SECRET, DOMAIN, SHOUBEI_INST_NO, SHOUBEI_KEY,
};
use retail_apis_sandbox::{Sandbox, SandboxConfig, SandboxHandle, SeedCoupon};
use serde_json::{Map, Value};

use common::{md5_scheme, real_specs};

/// Request body limit of the harness sandbox, so that arbitrary bodies also reach 413.
const MAX_BODY: usize = 4096;
/// Unused coupons seeded for the valid Shoubei write-offs (one per case, so well above the
/// case count of any run).
const SEEDED_COUPONS: u64 = 20_000;

struct Harness {
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
    base: String,
    specs: SpecSet,
    token: String,
    // Kept alive: dropping the handle stops the server.
    _sandbox: SandboxHandle,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let specs = real_specs();
        let mut config = SandboxConfig {
            max_body_bytes: MAX_BODY,
            ..SandboxConfig::default()
        };
        config
            .coupons
            .extend((0..SEEDED_COUPONS).map(|n| SeedCoupon::available(&coupon(n), 1000, 950)));
        let sandbox = rt
            .block_on(
                Sandbox::new(specs.clone(), config).start("127.0.0.1:0".parse().expect("addr")),
            )
            .expect("sandbox starts");
        let base = sandbox.base_url();
        let http = common::http();
        let token = rt.block_on(fetch_token(&http, &base, &specs));
        Harness {
            rt,
            http,
            base,
            specs,
            token,
            _sandbox: sandbox,
        }
    })
}

fn coupon(n: u64) -> String {
    format!("8{n:011}")
}

fn next_coupon() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    assert!(n < SEEDED_COUPONS, "more cases than seeded coupons");
    coupon(n)
}

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default()
}

/// Nonces unique within this process (the sandbox rejects replays for five minutes).
fn nonce() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let start = (now_ms() % 1_000_000) as u64 * 1_000;
    (1_000_000_000 + start + NEXT.fetch_add(1, Ordering::Relaxed)).to_string()
}

fn unique(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{prefix}{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn method_name(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
    }
}

fn runtime_method(method: HttpMethod) -> retail_apis_runtime::HttpMethod {
    match method {
        HttpMethod::Get => retail_apis_runtime::HttpMethod::Get,
        HttpMethod::Post => retail_apis_runtime::HttpMethod::Post,
    }
}

/// Every gateway header of a correctly signed request, `app-token` excluded.
fn signed_headers(method: HttpMethod, path: &str, query: &[(&str, &str)]) -> Vec<(String, String)> {
    let nonce = nonce();
    let timestamp = now_ms().to_string();
    let request = CanonicalRequest {
        method: runtime_method(method),
        path,
        query,
        headers: vec![(X_API_TIMESTAMP, &timestamp), (X_API_NONCE, &nonce)],
    };
    let signature = retail_apis_runtime::jdy::signing::gateway_signature(&request, CLIENT_SECRET);
    [
        (CONTENT_TYPE, JSON),
        (X_API_CLIENT_ID, CLIENT_ID),
        (X_API_AUTH_VERSION, "2.0"),
        (X_API_TIMESTAMP, &timestamp),
        (X_API_NONCE, &nonce),
        (X_API_SIGN_HEADERS, "X-Api-TimeStamp,X-Api-Nonce"),
        (X_API_SIGNATURE, &signature),
        (X_GW_ROUTER_ADDR, DOMAIN),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn token_path(service: &Service) -> Option<&str> {
    match &service.auth {
        AuthScheme::KingdeeGateway(gw) => Some(gw.token.path.as_ref()),
        _ => None,
    }
}

async fn fetch_token(http: &reqwest::Client, base: &str, specs: &SpecSet) -> String {
    let path = specs
        .services
        .iter()
        .find_map(token_path)
        .expect("a Kingdee gateway service");
    let app_signature = retail_apis_runtime::jdy::signing::app_signature(APP_KEY, APP_SECRET);
    let query = [
        ("app_key", APP_KEY),
        ("app_signature", app_signature.as_str()),
    ];
    let mut request = http.get(format!("{base}{path}")).query(&query);
    for (k, v) in signed_headers(HttpMethod::Get, path, &query) {
        request = request.header(k, v);
    }
    let body: Value = request
        .send()
        .await
        .expect("token request")
        .json()
        .await
        .expect("token JSON");
    body["data"]["app-token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in {body}"))
        .to_owned()
}

/// Adds the correct `sign` to an object body of an MD5 service.
fn sign_body(scheme: &Md5SignScheme, body: &mut Map<String, Value>) {
    body.remove(scheme.field.as_ref());
    // Bodies with lists or objects have no signature: they go out unsigned.
    if let Ok(sign) = md5::sign(scheme, body, SHOUBEI_KEY) {
        body.insert(scheme.field.to_string(), Value::from(sign));
    }
}

struct Answer {
    status: u16,
    body: Value,
}

/// Sends one request. A handler panic shows up as a dropped connection, hence the
/// `Result`: the caller turns it into a test failure with the request attached.
fn send(
    method: &str,
    path: &str,
    headers: &[(HeaderName, HeaderValue)],
    body: Vec<u8>,
) -> Result<Answer, String> {
    let h = harness();
    let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let mut request = h.http.request(method, format!("{}{path}", h.base));
    for (name, value) in headers {
        request = request.header(name.clone(), value.clone());
    }
    h.rt.block_on(async {
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| format!("no answer: {e}"))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("body cut: {e}"))?;
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Ok(Answer { status, body })
    })
}

fn header_pairs(pairs: Vec<(String, String)>) -> Vec<(HeaderName, HeaderValue)> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| {
            Some((
                HeaderName::from_bytes(k.as_bytes()).ok()?,
                HeaderValue::from_str(&v).ok()?,
            ))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Arbitrary requests

/// A header value: valid, absent, random visible text, or random bytes a header may carry.
#[derive(Clone, Debug)]
enum HeaderChoice {
    Valid,
    Absent,
    Random(Vec<u8>),
}

fn header_choice() -> impl Strategy<Value = HeaderChoice> {
    prop_oneof![
        6 => Just(HeaderChoice::Valid),
        1 => Just(HeaderChoice::Absent),
        1 => "[ -~]{0,40}".prop_map(|s| HeaderChoice::Random(s.into_bytes())),
        1 => prop::collection::vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff], 0..24)
            .prop_map(HeaderChoice::Random),
        1 => "[0-9]{1,20}".prop_map(|s| HeaderChoice::Random(s.into_bytes())),
    ]
}

#[derive(Clone)]
enum BodyChoice {
    Bytes(Vec<u8>),
    Json(Value),
    /// JSON, signed with the Shoubei key when the route belongs to an MD5 service.
    SignedJson(Map<String, Value>),
}

/// Failure reports show the start of a byte body, not kilobytes of numbers.
impl std::fmt::Debug for BodyChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyChoice::Bytes(bytes) => write!(
                f,
                "Bytes({} bytes: {:?}…)",
                bytes.len(),
                String::from_utf8_lossy(&bytes[..bytes.len().min(48)])
            ),
            BodyChoice::Json(value) => write!(f, "Json({value})"),
            BodyChoice::SignedJson(map) => write!(f, "SignedJson({})", Value::Object(map.clone())),
        }
    }
}

#[derive(Clone, Debug)]
struct ArbitraryRequest {
    /// `None`: the route's own method; otherwise this one.
    method: Option<&'static str>,
    /// Index into the served routes, or past them for a random path.
    route: usize,
    random_path: String,
    /// `None`: every gateway header valid and correctly signed.
    headers: Option<Vec<HeaderChoice>>,
    token: HeaderChoice,
    body: BodyChoice,
}

/// Keys the sandbox looks at somewhere (every field name and alias of the spec), plus
/// random ones.
fn spec_keys(specs: &SpecSet) -> Vec<String> {
    let mut keys: Vec<String> = specs
        .services
        .iter()
        .flat_map(|s| &s.types)
        .filter_map(|t| match &t.kind {
            TypeKind::Struct(st) => Some(&st.fields),
            TypeKind::Enum(_) => None,
        })
        .flatten()
        .flat_map(|f| std::iter::once(f.wire_name.clone()).chain(f.aliases.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn json_value(keys: Vec<String>) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,20}".prop_map(Value::from),
        "[0-9]{1,6}(\\.[0-9]{1,3})?".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 40, 6, move |inner| {
        let key = prop_oneof![prop::sample::select(keys.clone()), "[a-z_]{1,10}"];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(key, inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arbitrary_request(specs: &SpecSet) -> impl Strategy<Value = ArbitraryRequest> {
    let keys = spec_keys(specs);
    let object = prop::collection::btree_map(
        prop::sample::select(keys.clone()),
        json_value(keys.clone()),
        0..10,
    )
    .prop_map(|m| m.into_iter().collect::<Map<String, Value>>());
    let body = prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..(MAX_BODY + 512)).prop_map(BodyChoice::Bytes),
        2 => json_value(keys).prop_map(BodyChoice::Json),
        3 => object.prop_map(BodyChoice::SignedJson),
    ];
    (
        prop_oneof![
            3 => Just(None),
            1 => prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH"]).prop_map(Some),
        ],
        0..routes(specs).len() + 1,
        "/[a-zA-Z0-9_/%.-]{0,30}",
        prop_oneof![
            1 => Just(None),
            1 => prop::collection::vec(header_choice(), GATEWAY_HEADERS).prop_map(Some),
        ],
        header_choice(),
        body,
    )
        .prop_map(
            |(method, route, random_path, headers, token, body)| ArbitraryRequest {
                method,
                route,
                random_path,
                headers,
                token,
                body,
            },
        )
}

/// Number of gateway headers `signed_headers` produces.
const GATEWAY_HEADERS: usize = 8;

/// Every served route: (service index, method, path).
fn routes(specs: &SpecSet) -> Vec<(usize, HttpMethod, String)> {
    let mut routes = Vec::new();
    for (index, service) in specs.services.iter().enumerate() {
        if let Some(path) = token_path(service) {
            routes.push((index, HttpMethod::Get, path.to_owned()));
        }
        for endpoint in &service.endpoints {
            routes.push((index, endpoint.method, endpoint.path.clone()));
        }
    }
    routes
}

fn check_arbitrary(request: ArbitraryRequest) -> Result<(), TestCaseError> {
    let h = harness();
    let routes = routes(&h.specs);
    let route = routes.get(request.route);
    let path = route.map_or(request.random_path.as_str(), |(_, _, p)| p.as_str());
    let service = route.map(|(s, _, _)| &h.specs.services[*s]);
    let scheme = service.and_then(md5_scheme);
    let method = request
        .method
        .unwrap_or_else(|| route.map_or("POST", |(_, m, _)| method_name(*m)));
    let signed_method = if method == "GET" {
        HttpMethod::Get
    } else {
        HttpMethod::Post
    };
    let mut headers = Vec::new();
    let valid = signed_headers(signed_method, path, &[]);
    let choices = request
        .headers
        .clone()
        .unwrap_or_else(|| vec![HeaderChoice::Valid; GATEWAY_HEADERS]);
    for ((name, value), choice) in valid.into_iter().zip(&choices) {
        let value = match choice {
            HeaderChoice::Valid => HeaderValue::from_str(&value).ok(),
            HeaderChoice::Absent => None,
            HeaderChoice::Random(bytes) => HeaderValue::from_bytes(bytes).ok(),
        };
        if let (Ok(name), Some(value)) = (HeaderName::from_bytes(name.as_bytes()), value) {
            headers.push((name, value));
        }
    }
    let token = match &request.token {
        HeaderChoice::Valid => HeaderValue::from_str(&h.token).ok(),
        HeaderChoice::Absent => None,
        HeaderChoice::Random(bytes) => HeaderValue::from_bytes(bytes).ok(),
    };
    if let Some(token) = token {
        headers.push((HeaderName::from_static(APP_TOKEN), token));
    }
    let body = match request.body.clone() {
        BodyChoice::Bytes(bytes) => bytes,
        BodyChoice::Json(value) => value.to_string().into_bytes(),
        BodyChoice::SignedJson(mut map) => {
            if let Some(scheme) = &scheme {
                sign_body(scheme, &mut map);
            }
            Value::Object(map).to_string().into_bytes()
        }
    };
    let too_large = body.len() > MAX_BODY;
    let typed_body = body.is_empty() || declares_json(service, &headers);
    let answer = send(method, path, &headers, body);
    let answer = match answer {
        Ok(answer) => answer,
        Err(problem) => return Err(TestCaseError::fail(format!("{problem}: {request:?}"))),
    };
    // 519 is the gateway's own rejection status, not a server error.
    prop_assert!(
        answer.status < 500 || answer.status == 519,
        "HTTP {} {}: {request:?}",
        answer.status,
        answer.body
    );
    match answer.status {
        404 => prop_assert!(route.is_none(), "404 for a served path: {request:?}"),
        405 => prop_assert!(
            route.is_none_or(|(_, served, _)| method_name(*served) != method),
            "405 for a served method: {request:?}"
        ),
        413 => prop_assert!(too_large, "413 for a small body"),
        415 => prop_assert!(!typed_body, "415 for a correctly typed body: {request:?}"),
        519 => prop_assert!(answer.body.get("errcode").is_some(), "{}", answer.body),
        200 => {
            let service = service.ok_or_else(|| TestCaseError::fail("200 for no route"))?;
            let code_field = &service.envelope.code_field;
            prop_assert!(
                answer.body.get(code_field.as_ref()).is_some(),
                "no {code_field} in {}",
                answer.body
            );
            if let (Some(scheme), Some(body)) = (&scheme, answer.body.as_object()) {
                prop_assert_eq!(
                    md5::verify(scheme, body, SHOUBEI_KEY),
                    Ok(true),
                    "unsigned answer"
                );
            }
        }
        other => prop_assert!(false, "unexpected HTTP {other}: {}", answer.body),
    }
    Ok(())
}

/// Whether `headers` carry exactly one `Content-Type` whose value is the one the
/// service's spec requires (case aside; a parameter such as `charset` is refused outside
/// the tolerant mode).
fn declares_json(service: Option<&Service>, headers: &[(HeaderName, HeaderValue)]) -> bool {
    let Some(required) = service.and_then(|s| {
        s.headers
            .iter()
            .find(|h| h.required && h.name.eq_ignore_ascii_case("content-type"))
            .and_then(|h| h.value.as_deref())
    }) else {
        return true;
    };
    let mut sent = headers
        .iter()
        .filter(|(name, _)| *name == reqwest::header::CONTENT_TYPE);
    match (sent.next(), sent.next()) {
        (Some((_, value)), None) => value
            .to_str()
            .is_ok_and(|v| v.trim().eq_ignore_ascii_case(required)),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// Valid requests from the spec's types

/// Random text of 1..=max characters: ASCII, Chinese and a little punctuation.
fn text(max: usize) -> BoxedStrategy<Value> {
    let max = max.clamp(1, 40);
    proptest::string::string_regex(&format!("[a-zA-Z0-9\u{4e00}-\u{4e50} _.:/-]{{1,{max}}}"))
        .expect("valid regex")
        .prop_map(Value::from)
        .boxed()
}

/// A positive amount with two decimals that fits `max` characters (at least 4).
fn amount(max: Option<u32>) -> BoxedStrategy<Value> {
    let digits = max.map_or(7, |m| (m as usize).saturating_sub(3).clamp(1, 7));
    let top = 10u64.pow(digits as u32);
    (0..top, 1u32..100)
        .prop_map(|(whole, cents)| Value::from(format!("{whole}.{cents:02}")))
        .boxed()
}

fn value_for(service: &Service, ty: &TypeExpr, depth: u32) -> BoxedStrategy<Value> {
    match ty {
        TypeExpr::Amount { max_len } => amount(*max_len),
        TypeExpr::String { max_len } => text(max_len.map_or(24, |m| m as usize)),
        TypeExpr::Integer => any::<i64>().prop_map(Value::from).boxed(),
        TypeExpr::Number => (-1.0e9f64..1.0e9).prop_map(Value::from).boxed(),
        TypeExpr::Boolean => any::<bool>().prop_map(Value::from).boxed(),
        TypeExpr::Json => prop_oneof![
            Just(Value::Null),
            "[a-z]{0,8}".prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
        ]
        .boxed(),
        TypeExpr::List(inner) if depth < 4 => {
            prop::collection::vec(value_for(service, inner, depth + 1), 0..3)
                .prop_map(Value::from)
                .boxed()
        }
        TypeExpr::List(_) => Just(Value::Array(Vec::new())).boxed(),
        TypeExpr::Map(inner) if depth < 4 => {
            prop::collection::btree_map("[a-z]{1,6}", value_for(service, inner, depth + 1), 0..3)
                .prop_map(|members| Value::Object(members.into_iter().collect()))
                .boxed()
        }
        TypeExpr::Map(_) => Just(Value::Object(Map::new())).boxed(),
        TypeExpr::Named(name) => match service.named_type(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(_)) if depth < 4 => object_for(service, name, depth + 1)
                .prop_map(Value::Object)
                .boxed(),
            Some(TypeKind::Struct(_)) => Just(Value::Object(Map::new())).boxed(),
            Some(TypeKind::Enum(en)) => {
                let known: Vec<Value> = en
                    .variants
                    .iter()
                    .map(|v| match en.repr {
                        EnumRepr::Integer => {
                            v.value.parse::<i64>().map_or(Value::Null, Value::from)
                        }
                        EnumRepr::String { .. } => Value::from(v.value.as_str()),
                    })
                    .filter(|v| !v.is_null())
                    .collect();
                // Unknown values in the right wire form are accepted too.
                let unknown = match &en.repr {
                    EnumRepr::Integer => (0i64..100_000).prop_map(Value::from).boxed(),
                    EnumRepr::String { max_len } => text(max_len.map_or(8, |m| m as usize).min(8)),
                };
                if known.is_empty() {
                    unknown
                } else {
                    prop_oneof![3 => prop::sample::select(known), 1 => unknown].boxed()
                }
            }
            None => Just(Value::Null).boxed(),
        },
    }
}

/// How an optional field appears.
#[derive(Clone, Copy, Debug)]
enum Presence {
    Absent,
    Null,
    Set,
}

/// An object of the named struct: required fields always (null only if nullable), optional
/// ones absent, null or set; each under its wire name or one of its aliases. Computed
/// fields (`sign`) are left to the signer.
fn object_for(service: &Service, type_name: &str, depth: u32) -> BoxedStrategy<Map<String, Value>> {
    let Some(TypeKind::Struct(st)) = service.named_type(type_name).map(|t| &t.kind) else {
        return Just(Map::new()).boxed();
    };
    let mut parts: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    for field in st.fields.iter().filter(|f| !f.computed) {
        let names: Vec<String> = std::iter::once(field.wire_name.clone())
            .chain(field.aliases.clone())
            .collect();
        let name = prop::sample::select(names);
        let value = value_for(service, &field.ty, depth);
        let presence = match (field.required, field.nullable) {
            (true, false) => Just(Presence::Set).boxed(),
            (true, true) => {
                prop_oneof![3 => Just(Presence::Set), 1 => Just(Presence::Null)].boxed()
            }
            (false, _) => prop_oneof![
                2 => Just(Presence::Set),
                1 => Just(Presence::Absent),
                1 => Just(Presence::Null),
            ]
            .boxed(),
        };
        parts.push(
            (name, value, presence)
                .prop_map(|(name, value, presence)| match presence {
                    Presence::Absent => None,
                    Presence::Null => Some((name, Value::Null)),
                    Presence::Set => Some((name, value)),
                })
                .boxed(),
        );
    }
    parts
        .prop_map(|fields| fields.into_iter().flatten().collect::<Map<String, Value>>())
        .boxed()
}

/// One valid request of any endpoint of the spec: (service index, endpoint index, body).
fn valid_request(specs: &SpecSet) -> impl Strategy<Value = (usize, usize, Map<String, Value>)> {
    let mut choices = Vec::new();
    for (s, service) in specs.services.iter().enumerate() {
        for (e, endpoint) in service.endpoints.iter().enumerate() {
            choices.push(
                object_for(service, &endpoint.request, 0)
                    .prop_map(move |body| (s, e, body))
                    .boxed(),
            );
        }
    }
    Union::new(choices)
}

fn check_valid(s: usize, e: usize, mut body: Map<String, Value>) -> Result<(), TestCaseError> {
    let h = harness();
    let service = &h.specs.services[s];
    let endpoint = &service.endpoints[e];
    // The idempotency key is what the business logic keys on: always set and fresh, so each
    // case is a first request (a repeat would answer the first case's data).
    if let Some(key) = &endpoint.idempotency_key {
        body.insert(key.clone(), Value::from(unique("P")));
    }
    let scheme = md5_scheme(service);
    if let Some(scheme) = &scheme {
        if body.contains_key("inst_no") {
            body.insert("inst_no".to_owned(), Value::from(SHOUBEI_INST_NO));
        }
        for alias in ["coupon_code", "couponCode"] {
            if body.contains_key(alias) {
                body.insert(alias.to_owned(), Value::from(next_coupon()));
            }
        }
        sign_body(scheme, &mut body);
    }
    let mut headers = Vec::new();
    let (path, payload, query) = match endpoint.method {
        HttpMethod::Post => (
            endpoint.path.clone(),
            Value::Object(body.clone()).to_string().into_bytes(),
            Vec::new(),
        ),
        // GET parameters travel in the query, as text, and are signed.
        HttpMethod::Get => {
            let pairs: Vec<(String, String)> = body
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                })
                .collect();
            let encoded = pairs
                .iter()
                .fold(form_encoder(), |mut enc, (k, v)| {
                    enc.append_pair(k, v);
                    enc
                })
                .finish();
            (format!("{}?{encoded}", endpoint.path), Vec::new(), pairs)
        }
    };
    if matches!(service.auth, AuthScheme::KingdeeGateway(_)) {
        let query: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut pairs = signed_headers(endpoint.method, &endpoint.path, &query);
        pairs.push((APP_TOKEN.to_owned(), h.token.clone()));
        headers = header_pairs(pairs);
    } else {
        headers.push((
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ));
    }
    let answer = send(method_name(endpoint.method), &path, &headers, payload)
        .map_err(|problem| TestCaseError::fail(format!("{problem}: {body:?}")))?;
    let operation = format!("{}.{}", service.name, endpoint.operation);
    prop_assert_eq!(
        answer.status,
        200,
        "{}: {} for {:?}",
        operation,
        answer.body,
        body
    );
    let envelope = &service.envelope;
    let code = answer.body.get(envelope.code_field.as_ref());
    let success = match &envelope.success_code {
        Code::Int(n) => code.and_then(Value::as_i64) == Some(*n),
        Code::Str(s) => code.and_then(Value::as_str) == Some(s.as_ref()),
    } && envelope.result.as_ref().is_none_or(|check| {
        answer
            .body
            .get(check.field.as_ref())
            .and_then(Value::as_str)
            == Some(check.success.as_ref())
    });
    prop_assert!(success, "{}: {} for {:?}", operation, answer.body, body);
    if let (Some(scheme), Some(answer)) = (&scheme, answer.body.as_object()) {
        prop_assert_eq!(
            md5::verify(scheme, answer, SHOUBEI_KEY),
            Ok(true),
            "unsigned answer"
        );
    }
    Ok(())
}

fn form_encoder() -> form_urlencoded::Serializer<'static, String> {
    form_urlencoded::Serializer::new(String::new())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn arbitrary_requests_get_4xx_519_or_envelopes(
        request in arbitrary_request(&harness().specs),
    ) {
        check_arbitrary(request)?;
    }

    #[test]
    fn valid_bodies_from_the_spec_are_accepted(
        (s, e, body) in valid_request(&harness().specs),
    ) {
        check_valid(s, e, body)?;
    }
}

/// The generators cover every endpoint of the spec, and signed valid requests really pass
/// (so the arbitrary-request property is not only seeing signature rejections).
#[test]
fn every_endpoint_is_generated() {
    let h = harness();
    let mut seen: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = valid_request(&h.specs);
    for _ in 0..200 {
        let tree = strategy.new_tree(&mut runner).expect("value");
        let (s, e, _) = tree.current();
        *seen.entry((s, e)).or_default() += 1;
    }
    let total: usize = h.specs.services.iter().map(|s| s.endpoints.len()).sum();
    assert_eq!(seen.len(), total, "{seen:?}");
}
