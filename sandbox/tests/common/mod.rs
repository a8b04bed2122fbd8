//! Helpers shared by the integration tests: the real spec, a started sandbox, and clients
//! that sign with the runtime's signing functions.

#![allow(dead_code)]

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use retail_apis_codegen::model::{AuthScheme, Service, SpecSet};
use retail_apis_runtime::jdy::headers::{
    APP_TOKEN, CONTENT_TYPE, JSON, X_API_AUTH_VERSION, X_API_CLIENT_ID, X_API_NONCE,
    X_API_SIGNATURE, X_API_SIGN_HEADERS, X_API_TIMESTAMP, X_GW_ROUTER_ADDR,
};
use retail_apis_runtime::jdy::signing::CanonicalRequest;
use retail_apis_runtime::{HttpMethod, Md5SignScheme};
use retail_apis_sandbox::config::{APP_KEY, APP_SECRET, CLIENT_ID, CLIENT_SECRET, DOMAIN};
use retail_apis_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use serde_json::Value;

pub const TOKEN_PATH: &str = "/jdyconnector/app_management/kingdee_auth_token";
pub const RECHARGE_PATH: &str = "/jdy/v2/ls/mall_recharge";
pub const CANCEL_PATH: &str = "/jdy/v2/ls/mall_pre_write_off_cancel";
pub const REFUND_PATH: &str = "/jdy/v2/ls/refundSave";
pub const WRITE_OFF_PATH: &str = "/openpay/coupon/wf";

pub fn spec_root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// The project's real specs.
pub fn real_specs() -> SpecSet {
    match retail_apis_codegen::load(&spec_root()) {
        Ok(set) => set,
        Err(diagnostics) => panic!("spec/ does not load:\n{diagnostics}"),
    }
}

/// The real spec files plus `extra` (path relative to the spec root, YAML text).
pub fn specs_with(extra: &[(&str, &str)]) -> SpecSet {
    let mut sources = retail_apis_codegen::read_sources(&spec_root()).expect("read spec/");
    for (path, text) in extra {
        sources.push(retail_apis_codegen::SourceFile {
            path: (*path).to_owned(),
            text: (*text).to_owned(),
        });
    }
    match retail_apis_codegen::load_sources(&sources) {
        Ok(set) => set,
        Err(diagnostics) => panic!("specs do not load:\n{diagnostics}"),
    }
}

/// A number `n` such that no spec file mentions `probe{n}` in any case: fixture endpoints and
/// types whose names carry it cannot clash with anything the spec declares, whatever
/// endpoints it gains.
pub fn fresh_suffix() -> String {
    let sources = retail_apis_codegen::read_sources(&spec_root()).expect("read spec/");
    let text: String = sources.iter().map(|s| s.text.to_lowercase()).collect();
    (1u32..)
        .map(|n| n.to_string())
        .find(|n| !text.contains(&format!("probe{n}")))
        .expect("some number is unused")
}

pub async fn start(config: SandboxConfig) -> SandboxHandle {
    start_with(real_specs(), config).await
}

pub async fn start_with(specs: SpecSet, config: SandboxConfig) -> SandboxHandle {
    Sandbox::new(specs, config)
        .start("127.0.0.1:0".parse().expect("address"))
        .await
        .expect("sandbox starts")
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as i64
}

/// Unique positive nonces across all tests of a binary.
pub fn nonce() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let base = (now_ms() as u64 % 1_000_000) * 10_000;
    (1_000_000_000 + base + NEXT.fetch_add(1, Ordering::Relaxed)).to_string()
}

/// The runtime's `X-Api-Signature` of a request signing the nonce and timestamp, as the
/// pages' `X-Api-SignHeaders` asks.
pub fn gateway_signature(
    method: HttpMethod,
    path: &str,
    query: &[(&str, &str)],
    nonce: &str,
    timestamp: &str,
    secret: &str,
) -> String {
    let request = CanonicalRequest {
        method,
        path,
        query,
        headers: vec![(X_API_TIMESTAMP, timestamp), (X_API_NONCE, nonce)],
    };
    retail_apis_runtime::jdy::signing::gateway_signature(&request, secret)
}

/// The gateway headers of a request, signed with the runtime's `gateway_signature`.
#[derive(Clone, Debug)]
pub struct GatewayHeaders {
    pub client_id: Option<String>,
    pub auth_version: Option<String>,
    pub timestamp: Option<String>,
    pub nonce: Option<String>,
    pub sign_headers: Option<String>,
    /// `None`: computed from the fields above; `Some`: sent as is.
    pub signature: Option<String>,
    pub secret: String,
    pub token: Option<String>,
    pub router: Option<String>,
    /// `Content-Type` of the request; `None` sends none.
    pub content_type: Option<String>,
}

impl GatewayHeaders {
    pub fn new(token: Option<&str>) -> GatewayHeaders {
        GatewayHeaders {
            client_id: Some(CLIENT_ID.to_owned()),
            auth_version: Some("2.0".to_owned()),
            timestamp: Some(now_ms().to_string()),
            nonce: Some(nonce()),
            sign_headers: Some("X-Api-TimeStamp,X-Api-Nonce".to_owned()),
            signature: None,
            secret: CLIENT_SECRET.to_owned(),
            token: token.map(str::to_owned),
            router: Some(DOMAIN.to_owned()),
            content_type: Some(JSON.to_owned()),
        }
    }
}

pub struct Jdy {
    pub http: reqwest::Client,
    pub base: String,
}

impl Jdy {
    pub fn new(handle: &SandboxHandle) -> Jdy {
        Jdy {
            http: http(),
            base: handle.base_url(),
        }
    }

    pub async fn send(
        &self,
        method: HttpMethod,
        path: &str,
        query: &[(&str, &str)],
        headers: &GatewayHeaders,
        body: Option<String>,
    ) -> (u16, Value) {
        let (status, text) = self.send_raw(method, path, query, headers, body).await;
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    pub async fn send_raw(
        &self,
        method: HttpMethod,
        path: &str,
        query: &[(&str, &str)],
        headers: &GatewayHeaders,
        body: Option<String>,
    ) -> (u16, String) {
        let signature = headers.signature.clone().unwrap_or_else(|| {
            gateway_signature(
                method,
                path,
                query,
                headers.nonce.as_deref().unwrap_or(""),
                headers.timestamp.as_deref().unwrap_or(""),
                &headers.secret,
            )
        });
        let url = format!("{}{}", self.base, path);
        let mut request = match method {
            HttpMethod::Get => self.http.get(url),
            HttpMethod::Post => self.http.post(url),
        }
        .query(query)
        .header(X_API_SIGNATURE, signature);
        let optional = [
            (CONTENT_TYPE, &headers.content_type),
            (X_API_CLIENT_ID, &headers.client_id),
            (X_API_AUTH_VERSION, &headers.auth_version),
            (X_API_TIMESTAMP, &headers.timestamp),
            (X_API_NONCE, &headers.nonce),
            (X_API_SIGN_HEADERS, &headers.sign_headers),
            (APP_TOKEN, &headers.token),
            (X_GW_ROUTER_ADDR, &headers.router),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                request = request.header(name, value);
            }
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.expect("request reaches the sandbox");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// Fetches an app-token with the sandbox credentials.
    pub async fn token(&self) -> String {
        let (status, body) = self.token_request(APP_KEY, APP_SECRET).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["errcode"], 0, "{body}");
        body["data"]["app-token"]
            .as_str()
            .expect("app-token string")
            .to_owned()
    }

    pub async fn token_request(&self, app_key: &str, app_secret: &str) -> (u16, Value) {
        let signature = retail_apis_runtime::jdy::signing::app_signature(app_key, app_secret);
        let query = [("app_key", app_key), ("app_signature", signature.as_str())];
        self.send(
            HttpMethod::Get,
            TOKEN_PATH,
            &query,
            &GatewayHeaders::new(None),
            None,
        )
        .await
    }

    /// A correctly signed POST with `token`.
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> (u16, Value) {
        self.send(
            HttpMethod::Post,
            path,
            &[],
            &GatewayHeaders::new(Some(token)),
            Some(body.to_string()),
        )
        .await
    }
}

/// The MD5 scheme of a spec's service, if it uses one.
pub fn md5_scheme(service: &Service) -> Option<Md5SignScheme> {
    match &service.auth {
        AuthScheme::Md5BodySign(scheme) => Some(scheme.clone()),
        _ => None,
    }
}

/// The Shoubei scheme of the real spec.
pub fn shoubei_scheme() -> &'static Md5SignScheme {
    static SCHEME: OnceLock<Md5SignScheme> = OnceLock::new();
    SCHEME.get_or_init(|| {
        let specs = real_specs();
        let service = specs
            .service("shoubei")
            .expect("spec has a shoubei service");
        md5_scheme(service).expect("shoubei signs with the MD5 body scheme")
    })
}

/// Adds the `sign` computed by the runtime with `key`.
pub fn shoubei_signed(body: Value, key: &str) -> Value {
    let Value::Object(mut map) = body else {
        panic!("object body")
    };
    let scheme = shoubei_scheme();
    let sign = retail_apis_runtime::shoubei::signing::sign(scheme, &map, key)
        .expect("a signable fixture body");
    map.insert(scheme.field.to_string(), Value::from(sign));
    Value::Object(map)
}

pub fn shoubei_verifies(body: &Value, key: &str) -> bool {
    let Some(map) = body.as_object() else {
        return false;
    };
    retail_apis_runtime::shoubei::signing::verify(shoubei_scheme(), map, key) == Ok(true)
}

pub async fn post_json(base: &str, path: &str, body: &Value) -> (u16, Value) {
    let response = http()
        .post(format!("{base}{path}"))
        .header(CONTENT_TYPE, JSON)
        .body(body.to_string())
        .send()
        .await
        .expect("request reaches the sandbox");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub fn write_off_body(code: &str) -> Value {
    serde_json::json!({
        "inst_no": retail_apis_sandbox::config::SHOUBEI_INST_NO,
        "merchant_no": "851811130002",
        "shop_no": "862010110001",
        "ts": "20240101120000",
        "coupon_code": code,
        "channel_type": "10001",
        "wf_trace_no": "T0001",
    })
}

pub fn recharge_body(member: &str, amount: &str, bill: &str) -> Value {
    serde_json::json!({
        "bal_amount": amount,
        "member_id": member,
        "source": 9,
        "src_bill_id": bill,
        "settle_entries": [{"pay_type": "90", "settle_amt": amount}],
    })
}

/// A `reqwest::ClientBuilder` as a caller starts one: with a rustls feature on, reqwest sets
/// up its TLS from the process's default crypto provider, which must be installed first.
pub fn http_builder() -> reqwest::ClientBuilder {
    retail_apis_runtime::tls::install_default_crypto_provider();
    reqwest::Client::builder()
}

/// A plain HTTP client for the requests a test makes by hand.
pub fn http() -> reqwest::Client {
    http_builder().build().unwrap_or_else(|e| panic!("{e}"))
}
