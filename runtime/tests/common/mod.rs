//! A local gateway for the transport tests: real HTTP on 127.0.0.1, answers chosen by
//! path, request headers and signatures checked with the runtime's own functions.

#![allow(dead_code)]

pub mod log_capture;
pub mod redis_server;
pub mod tls;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use retail_apis_runtime::jdy::headers::{
    APP_TOKEN, CONTENT_TYPE, JSON, X_API_AUTH_VERSION, X_API_CLIENT_ID, X_API_NONCE,
    X_API_SIGNATURE, X_API_SIGN_HEADERS, X_API_TIMESTAMP, X_GW_ROUTER_ADDR,
};
use retail_apis_runtime::jdy::signing::{self as jdy_signing, CanonicalRequest};
use retail_apis_runtime::jdy::JdyConfig;
use retail_apis_runtime::shoubei::signing as sb_signing;
use retail_apis_runtime::shoubei::ShoubeiConfig;
use retail_apis_runtime::{
    AuthScheme, Code, EndpointDescriptor, EnvelopeDescriptor, Error, ErrorAction, ErrorCodeInfo,
    HttpMethod, KingdeeGatewayScheme, List, Processed, ResultCheck, ServiceDescriptor, Text,
    TokenEndpoint, TransportConfig,
};
use serde_json::{json, Map, Value};

pub const CLIENT_ID: &str = "client-1";
pub const CLIENT_SECRET: &str = "client-secret-value";
pub const APP_KEY: &str = "app-key-1";
pub const APP_SECRET: &str = "app-secret-value";
pub const DOMAIN: &str = "tenant.example";
pub const SB_KEY: &str = "shoubei-key-value";

/// Path of the token endpoint.
pub const TOKEN_PATH: &str = "/auth/token";

pub const GATEWAY: KingdeeGatewayScheme = KingdeeGatewayScheme {
    auth_version: Text::Borrowed("2.0"),
    sign_headers: Text::Borrowed("X-Api-TimeStamp,X-Api-Nonce"),
    timestamp_window_ms: 300_000,
    token: TokenEndpoint {
        method: HttpMethod::Get,
        path: Text::Borrowed(TOKEN_PATH),
        token_field: Text::Borrowed("app-token"),
        ttl_secs: 86_400,
    },
    authorize: None,
    gateway_status: 519,
    gateway_code_field: Text::Borrowed("errcode"),
    gateway_message_field: Text::Borrowed("description"),
    gateway_message_cn_field: Text::Borrowed("descriptionCn"),
};

const fn gw(
    code: &'static str,
    action: ErrorAction,
    retryable: bool,
    processed: Processed,
) -> ErrorCodeInfo {
    ErrorCodeInfo {
        code: Text::Borrowed(code),
        http_status: Some(519),
        name: Text::Borrowed("gateway"),
        description: Text::Borrowed(""),
        action,
        retryable,
        processed,
    }
}

pub const JDY_ERRORS: &[ErrorCodeInfo] = &[
    ErrorCodeInfo {
        code: Text::Borrowed("1000202001"),
        http_status: None,
        name: Text::Borrowed("jwt_token_expired"),
        description: Text::Borrowed("JWT token has expired"),
        action: ErrorAction::RefreshToken,
        retryable: false,
        processed: Processed::Never,
    },
    ErrorCodeInfo {
        code: Text::Borrowed("1030002006"),
        http_status: None,
        name: Text::Borrowed("authorization_secret_invalid"),
        description: Text::Borrowed(""),
        action: ErrorAction::Reauthorize,
        retryable: false,
        processed: Processed::Never,
    },
    gw("4008", ErrorAction::None, false, Processed::Never),
    gw("4011", ErrorAction::RefreshToken, false, Processed::Never),
    gw("5003", ErrorAction::None, true, Processed::Maybe),
    gw("5007", ErrorAction::None, true, Processed::Never),
];

/// A JDY endpoint; `key` names its idempotency key, `evidence` says whether a vendor page
/// backs it.
const fn jdy(
    operation: &'static str,
    path: &'static str,
    method: HttpMethod,
    key: Option<&'static str>,
    evidence: bool,
    safe: bool,
) -> EndpointDescriptor {
    EndpointDescriptor {
        service: Text::Borrowed("jdy"),
        operation: Text::Borrowed(operation),
        method,
        path: Text::Borrowed(path),
        idempotency_key: match key {
            Some(key) => Some(Text::Borrowed(key)),
            None => None,
        },
        idempotency_evidence: if evidence {
            Some(Text::Borrowed("page.txt"))
        } else {
            None
        },
        safe,
    }
}

/// `idempotent`: keyed by `bill_no` with vendor evidence, so any transient failure may be
/// repeated.
const fn jdy_endpoint(
    operation: &'static str,
    path: &'static str,
    idempotent: bool,
) -> EndpointDescriptor {
    let key = if idempotent { Some("bill_no") } else { None };
    jdy(operation, path, HttpMethod::Post, key, idempotent, false)
}

/// Keyed by `bill_no` without evidence: the key is documentation only.
const fn keyed_endpoint(operation: &'static str, path: &'static str) -> EndpointDescriptor {
    jdy(
        operation,
        path,
        HttpMethod::Post,
        Some("bill_no"),
        false,
        false,
    )
}

pub static OK: EndpointDescriptor = jdy_endpoint("ok", "/jdy/ok", false);
pub static NULL_DATA: EndpointDescriptor = jdy_endpoint("null_data", "/jdy/null", false);
pub static EXPIRE_ONCE: EndpointDescriptor = jdy_endpoint("expire_once", "/jdy/expire-once", false);
pub static EXPIRE_ALWAYS: EndpointDescriptor =
    jdy_endpoint("expire_always", "/jdy/expire-always", false);
pub static GATEWAY_EXPIRE_ONCE: EndpointDescriptor =
    jdy_endpoint("gateway_expire_once", "/jdy/gw-expire-once", false);
pub static REAUTHORIZE: EndpointDescriptor = jdy_endpoint("reauthorize", "/jdy/reauthorize", true);
pub static SLOW: EndpointDescriptor = jdy_endpoint("slow", "/jdy/slow", false);
pub static HTML: EndpointDescriptor = jdy_endpoint("html", "/jdy/html", false);
pub static TRUNCATED: EndpointDescriptor = jdy_endpoint("truncated", "/jdy/truncated", false);
pub static REJECTED: EndpointDescriptor = jdy_endpoint("rejected", "/jdy/gw-4008", true);
pub static UNAVAILABLE: EndpointDescriptor = jdy_endpoint("unavailable", "/jdy/503", false);
pub static UNAVAILABLE_IDEMPOTENT: EndpointDescriptor =
    jdy_endpoint("unavailable_idempotent", "/jdy/503-idem", true);
pub static GATEWAY_BUSY: EndpointDescriptor = jdy_endpoint("gateway_busy", "/jdy/gw-5003", true);
pub static GATEWAY_BUSY_ONCE: EndpointDescriptor =
    jdy_endpoint("gateway_busy_once", "/jdy/gw-5003-once", true);
pub static KEYED_UNAVAILABLE: EndpointDescriptor = keyed_endpoint("keyed_unavailable", "/jdy/503");
pub static KEYED_SLOW: EndpointDescriptor = keyed_endpoint("keyed_slow", "/jdy/slow");
pub static KEYED_GATEWAY_BUSY: EndpointDescriptor =
    keyed_endpoint("keyed_gateway_busy", "/jdy/gw-5003-once");
pub static KEYED_OVERLOADED_ONCE: EndpointDescriptor =
    keyed_endpoint("keyed_overloaded_once", "/jdy/gw-5007-once");
pub static KEYED_RATE_LIMITED_ONCE: EndpointDescriptor =
    keyed_endpoint("keyed_rate_limited_once", "/jdy/429-once");
pub static KEYED_REJECTED: EndpointDescriptor = keyed_endpoint("keyed_rejected", "/jdy/gw-4008");
pub static UNAVAILABLE_ONCE: EndpointDescriptor =
    jdy_endpoint("unavailable_once", "/jdy/503-once", true);
pub static UNAVAILABLE_THEN_REJECTED: EndpointDescriptor =
    jdy_endpoint("unavailable_then_rejected", "/jdy/503-then-4008", true);
pub static UNAVAILABLE_THEN_TOKEN_EXPIRED: EndpointDescriptor =
    jdy_endpoint("unavailable_then_token_expired", "/jdy/503-then-4011", true);
pub static HUGE: EndpointDescriptor = jdy_endpoint("huge", "/jdy/huge", false);
pub static NOT_FOUND: EndpointDescriptor = jdy_endpoint("not_found", "/jdy/404", false);
pub static QUERY: EndpointDescriptor = jdy(
    "query",
    "/jdy/query",
    HttpMethod::Get,
    Some("bill_no"),
    true,
    true,
);
/// Read-only endpoints: repeated after any transient failure, never an unknown outcome.
pub static SAFE_UNAVAILABLE: EndpointDescriptor = jdy(
    "safe_unavailable",
    "/jdy/503",
    HttpMethod::Post,
    None,
    false,
    true,
);
pub static SAFE_UNAVAILABLE_ONCE: EndpointDescriptor = jdy(
    "safe_unavailable_once",
    "/jdy/503-once",
    HttpMethod::Post,
    None,
    false,
    true,
);

const JDY_ENDPOINTS: &[EndpointDescriptor] = &[jdy_endpoint("ok", "/jdy/ok", false)];

pub static JDY: ServiceDescriptor = ServiceDescriptor {
    name: Text::Borrowed("jdy"),
    base_url: Text::Borrowed("https://api.kingdee.com"),
    auth: AuthScheme::KingdeeGateway(GATEWAY),
    envelope: EnvelopeDescriptor {
        code_field: Text::Borrowed("errcode"),
        success_code: Code::Int(0),
        message_field: Text::Borrowed("description"),
        data_field: Some(Text::Borrowed("data")),
        result: None,
    },
    errors: List::Borrowed(JDY_ERRORS),
    endpoints: List::Borrowed(JDY_ENDPOINTS),
};

mod md5_scheme;
pub use md5_scheme::MD5;

const fn sb_endpoint(operation: &'static str, path: &'static str) -> EndpointDescriptor {
    EndpointDescriptor {
        service: Text::Borrowed("shoubei"),
        operation: Text::Borrowed(operation),
        method: HttpMethod::Post,
        path: Text::Borrowed(path),
        idempotency_key: None,
        idempotency_evidence: None,
        safe: false,
    }
}

pub static SB_OK: EndpointDescriptor = sb_endpoint("write_off", "/sb/ok");
pub static SB_FAIL: EndpointDescriptor = sb_endpoint("write_off_fail", "/sb/fail");
pub static SB_UNSIGNED: EndpointDescriptor = sb_endpoint("unsigned", "/sb/unsigned");
pub static SB_BAD_SIGN: EndpointDescriptor = sb_endpoint("bad_sign", "/sb/bad-sign");
pub static SB_NESTED: EndpointDescriptor = sb_endpoint("nested", "/sb/nested");

const SB_ENDPOINTS: &[EndpointDescriptor] = &[sb_endpoint("write_off", "/sb/ok")];

pub static SHOUBEI: ServiceDescriptor = ServiceDescriptor {
    name: Text::Borrowed("shoubei"),
    base_url: Text::Borrowed("https://open.51shoubei.com"),
    auth: AuthScheme::Md5BodySign(MD5),
    envelope: EnvelopeDescriptor {
        code_field: Text::Borrowed("return_code"),
        success_code: Code::Str(Text::Borrowed("SUCCESS")),
        message_field: Text::Borrowed("return_msg"),
        data_field: None,
        result: Some(ResultCheck {
            field: Text::Borrowed("result_code"),
            success: Text::Borrowed("SUCCESS"),
        }),
    },
    errors: List::Borrowed(&[ErrorCodeInfo {
        code: Text::Borrowed("0205"),
        http_status: None,
        name: Text::Borrowed("coupon_refunded"),
        description: Text::Borrowed("券码已退款"),
        action: ErrorAction::None,
        retryable: false,
        processed: Processed::Never,
    }]),
    endpoints: List::Borrowed(SB_ENDPOINTS),
};

/// A client as a caller builds one, with `policy` for redirects. reqwest sets up its own
/// rustls from the process's default crypto provider, which the rustls features leave to
/// the caller to install.
pub fn own_client(policy: reqwest::redirect::Policy) -> reqwest::Client {
    retail_apis_runtime::tls::install_default_crypto_provider();
    reqwest::Client::builder()
        .redirect(policy)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Fast retries so the tests do not wait on backoff.
pub fn fast_transport() -> TransportConfig {
    TransportConfig::default()
        .backoff_base(Duration::from_millis(1))
        .backoff_max(Duration::from_millis(5))
        .timeout(Duration::from_secs(5))
}

/// A JDY configuration for `base_url` with the test credentials.
pub fn jdy_config(base_url: &str, transport: TransportConfig) -> JdyConfig {
    JdyConfig::new(CLIENT_ID, CLIENT_SECRET, APP_KEY, APP_SECRET, DOMAIN)
        .base_url(base_url)
        .transport(transport)
}

/// A Shoubei configuration for `base_url` with the test key and fast retries.
pub fn shoubei_config(base_url: &str) -> ShoubeiConfig {
    ShoubeiConfig::new(SB_KEY)
        .base_url(base_url)
        .transport(fast_transport())
}

/// Asserts that `error` leaves the outcome of a write unknown, and that the failure
/// underneath it is the expected one.
#[track_caller]
pub fn assert_unknown_outcome(error: Option<&Error>, underlying: impl Fn(&Error) -> bool) {
    let Some(error) = error else {
        panic!("expected an error with an unknown outcome, got success");
    };
    assert!(error.outcome_unknown(), "{error:?}");
    assert!(underlying(error.underlying()), "{error:?}");
}

/// A loopback port nothing listens on: bound once, then released.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    listener
        .local_addr()
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// What the server saw.
#[derive(Default)]
pub struct Seen {
    pub token_fetches: AtomicU64,
    hits: Mutex<HashMap<String, u64>>,
    nonces: Mutex<Vec<String>>,
    pub bodies: Mutex<Vec<Value>>,
    /// Every request body exactly as it arrived, in arrival order.
    pub raw_bodies: Mutex<Vec<Vec<u8>>>,
    pub problems: Mutex<Vec<String>>,
}

impl Seen {
    pub fn hits(&self, path: &str) -> u64 {
        self.hits
            .lock()
            .map(|h| h.get(path).copied().unwrap_or(0))
            .unwrap_or(0)
    }

    pub fn nonces(&self) -> Vec<String> {
        self.nonces.lock().map(|n| n.clone()).unwrap_or_default()
    }

    pub fn problems(&self) -> Vec<String> {
        self.problems.lock().map(|p| p.clone()).unwrap_or_default()
    }

    fn problem(&self, text: String) {
        if let Ok(mut p) = self.problems.lock() {
            p.push(text);
        }
    }

    fn hit(&self, path: &str) -> u64 {
        let mut hits = match self.hits.lock() {
            Ok(h) => h,
            Err(_) => return 0,
        };
        let n = hits.entry(path.to_owned()).or_insert(0);
        *n += 1;
        *n
    }
}

/// The server's routes, recording into `seen`.
pub fn app(seen: &Arc<Seen>) -> Router {
    let state = Arc::clone(seen);
    Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let seen = Arc::clone(&state);
            async move { handle(&seen, method, uri, headers, body).await }
        },
    )
}

/// Binds a loopback port and serves `app` on it; returns `host:port`.
pub async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("cannot bind: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("no local address: {e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr.to_string()
}

/// Starts the server; returns its base URL and what it saw.
pub async fn start() -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let host = serve(app(&seen)).await;
    (format!("http://{host}"), seen)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn json_response(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn ok(data: Value) -> Response {
    json_response(
        200,
        json!({"errcode": 0, "description": "success", "data": data}),
    )
}

fn gateway(code: u32) -> Response {
    json_response(
        519,
        json!({"errcode": code, "description": format!("gateway {code}"), "descriptionCn": "网关拒绝"}),
    )
}

fn query_of(uri: &Uri) -> Vec<(String, String)> {
    let raw = uri.query().unwrap_or("");
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

/// `application/x-www-form-urlencoded` decoding, enough for the tests' ASCII values.
fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn handle(
    seen: &Seen,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let n = seen.hit(&path);
    if let Ok(mut raw) = seen.raw_bodies.lock() {
        raw.push(body.to_vec());
    }
    if path.starts_with("/sb/") {
        return shoubei(seen, &path, &body);
    }
    if let Some(problem) = check_gateway_headers(&method, &uri, &headers) {
        seen.problem(format!("{path}: {problem}"));
        return gateway(4008);
    }
    if let Ok(mut nonces) = seen.nonces.lock() {
        nonces.push(header(&headers, X_API_NONCE).to_owned());
    }
    if path == TOKEN_PATH {
        if !header(&headers, APP_TOKEN).is_empty() {
            seen.problem("token request carries an app-token".into());
        }
        let query = query_of(&uri);
        let expected = jdy_signing::app_signature(APP_KEY, APP_SECRET);
        let has = |k: &str, v: &str| query.iter().any(|(qk, qv)| qk == k && qv == v);
        if !has("app_key", APP_KEY) || !has("app_signature", &expected) {
            seen.problem(format!("token query wrong: {query:?}"));
        }
        let fetch = seen.token_fetches.fetch_add(1, Ordering::SeqCst) + 1;
        // Long enough that concurrent callers pile up behind the first fetch.
        tokio::time::sleep(Duration::from_millis(50)).await;
        return ok(json!({"app-token": format!("tok-{fetch}")}));
    }
    let token = header(&headers, APP_TOKEN).to_owned();
    if token.is_empty() {
        return gateway(4009);
    }
    if let Ok(value) = serde_json::from_slice::<Value>(&body) {
        if let Ok(mut bodies) = seen.bodies.lock() {
            bodies.push(value);
        }
    }
    match path.as_str() {
        "/jdy/ok" => ok(
            json!({"token": token, "echo": serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null)}),
        ),
        "/jdy/null" => json_response(
            200,
            json!({"errcode": 0, "description": "ok", "data": null}),
        ),
        "/jdy/query" => ok(json!({"query": query_of(&uri)})),
        "/jdy/expire-once" if token == "tok-1" => json_response(
            200,
            json!({"errcode": 1000202001, "description": "JWT token has expired"}),
        ),
        "/jdy/expire-once" => ok(json!({"token": token})),
        "/jdy/expire-always" => json_response(
            200,
            json!({"errcode": 1000202001, "description": "JWT token has expired"}),
        ),
        "/jdy/gw-expire-once" if token == "tok-1" => gateway(4011),
        "/jdy/gw-expire-once" => ok(json!({"token": token})),
        "/jdy/reauthorize" => json_response(
            200,
            json!({"errcode": 1030002006, "description": "授权密钥校验失败"}),
        ),
        "/jdy/slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            ok(json!({}))
        }
        "/jdy/html" => {
            let page = format!(
                "<html><body>{}</body></html>",
                "维护中 maintenance ".repeat(200)
            );
            (StatusCode::OK, [("content-type", "text/html")], page).into_response()
        }
        "/jdy/truncated" => (StatusCode::OK, "{\"errcode\": 0, \"data\": {\"a\": ").into_response(),
        "/jdy/gw-4008" => gateway(4008),
        "/jdy/503" | "/jdy/503-idem" => (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response(),
        "/jdy/gw-5003" => gateway(5003),
        "/jdy/gw-5003-once" if n == 1 => gateway(5003),
        "/jdy/gw-5003-once" => ok(json!({"attempt": n})),
        "/jdy/gw-5007-once" if n == 1 => gateway(5007),
        "/jdy/gw-5007-once" => ok(json!({"attempt": n})),
        "/jdy/429-once" if n == 1 => (StatusCode::TOO_MANY_REQUESTS, "slow down").into_response(),
        "/jdy/429-once" => ok(json!({"attempt": n})),
        "/jdy/503-once" if n == 1 => (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response(),
        "/jdy/503-once" => ok(json!({"attempt": n})),
        "/jdy/503-then-4008" if n == 1 => (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response(),
        "/jdy/503-then-4008" => gateway(4008),
        "/jdy/503-then-4011" if n == 1 => (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response(),
        "/jdy/503-then-4011" => gateway(4011),
        "/jdy/huge" => ok(json!({"blob": "x".repeat(64 * 1024)})),
        _ => (StatusCode::NOT_FOUND, "<h1>no such page</h1>").into_response(),
    }
}

/// Every gateway header present and the signature right; `None` when all is well.
fn check_gateway_headers(method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<String> {
    let expect = [
        (CONTENT_TYPE, JSON),
        (X_API_CLIENT_ID, CLIENT_ID),
        (X_API_AUTH_VERSION, "2.0"),
        (X_API_SIGN_HEADERS, "X-Api-TimeStamp,X-Api-Nonce"),
        (X_GW_ROUTER_ADDR, DOMAIN),
    ];
    for (name, value) in expect {
        let all: Vec<_> = headers.get_all(name).iter().collect();
        if all.len() != 1 || all[0].to_str().ok() != Some(value) {
            return Some(format!("header {name}: {all:?}"));
        }
    }
    let nonce = header(headers, X_API_NONCE);
    if nonce.len() != 10 || !nonce.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("nonce {nonce:?}"));
    }
    let timestamp = header(headers, X_API_TIMESTAMP);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let ts: u128 = timestamp.parse().unwrap_or(0);
    if now.abs_diff(ts) > 300_000 {
        return Some(format!("timestamp {timestamp}"));
    }
    let query = query_of(uri);
    let query: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let http_method = if method == Method::GET {
        HttpMethod::Get
    } else {
        HttpMethod::Post
    };
    let request = CanonicalRequest {
        method: http_method,
        path: uri.path(),
        query: &query,
        headers: vec![(X_API_TIMESTAMP, timestamp), (X_API_NONCE, nonce)],
    };
    let expected = jdy_signing::gateway_signature(&request, CLIENT_SECRET);
    if header(headers, X_API_SIGNATURE) != expected {
        return Some("signature mismatch".into());
    }
    None
}

fn signed(mut body: Map<String, Value>) -> Response {
    let sign = sb_signing::sign(&MD5, &body, SB_KEY).expect("the fixture bodies are signable");
    body.insert("sign".into(), Value::String(sign));
    json_response(200, Value::Object(body))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn shoubei(seen: &Seen, path: &str, body: &[u8]) -> Response {
    let request = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => map,
        _ => {
            seen.problem(format!("{path}: body is not an object"));
            Map::new()
        }
    };
    if sb_signing::verify(&MD5, &request, SB_KEY) != Ok(true) {
        seen.problem(format!("{path}: request sign invalid"));
    }
    let success = object(json!({
        "return_code": "SUCCESS",
        "return_msg": "ok",
        "result_code": "SUCCESS",
        "settle_amount": 1250,
        "coupon_code": request.get("coupon_code").cloned().unwrap_or(Value::Null),
    }));
    match path {
        "/sb/ok" => signed(success),
        "/sb/fail" => signed(object(json!({
            "return_code": "0205",
            "return_msg": "券码已退款",
            "result_code": "FAIL",
        }))),
        "/sb/unsigned" => json_response(200, Value::Object(success)),
        "/sb/nested" => {
            // No agreed signature exists for a list, so any `sign` here is a guess.
            let mut body = success;
            body.insert("goods".into(), json!([{"sku": "A1"}]));
            body.insert("sign".into(), json!("00000000000000000000000000000000"));
            json_response(200, Value::Object(body))
        }
        "/sb/bad-sign" => {
            let mut body = success;
            body.insert("sign".into(), json!("00000000000000000000000000000000"));
            json_response(200, Value::Object(body))
        }
        _ => (StatusCode::NOT_FOUND, "no").into_response(),
    }
}
