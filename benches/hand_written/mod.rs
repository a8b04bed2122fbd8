//! The JDY `refund_save` request as a careful user would build it by hand with reqwest:
//! the runtime's signing functions and header names, the body serialised with
//! `serde_json::to_vec` from the typed struct. Shared by the benches that compare it with
//! the generated client, so both compare against the same hand-written code.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use retail_apis::jdy;
use retail_apis::runtime::jdy::headers::{
    APP_TOKEN, CONTENT_TYPE, JSON, X_API_AUTH_VERSION, X_API_CLIENT_ID, X_API_NONCE,
    X_API_SIGNATURE, X_API_SIGN_HEADERS, X_API_TIMESTAMP, X_GW_ROUTER_ADDR,
};
use retail_apis::runtime::jdy::signing::{gateway_signature, CanonicalRequest};
use retail_apis::runtime::HttpMethod;
use retail_apis_sandbox::config as creds;

// A sequence, not fresh randomness: random 10-digit nonces collide within the gateway's
// replay window at benchmark volumes.
static NONCE: AtomicU64 = AtomicU64::new(5_000_000_000);

/// The signed `refund_save` request for `base_url`, carrying `token`, ready to build or send.
pub fn jdy_refund_save(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    body: &jdy::RefundSaveRequest,
) -> reqwest::RequestBuilder {
    let path: &str = &jdy::endpoints::REFUND_SAVE.path;
    let nonce = NONCE.fetch_add(1, Ordering::Relaxed).to_string();
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default()
        .to_string();
    let signature = gateway_signature(
        &CanonicalRequest {
            method: HttpMethod::Post,
            path,
            query: &[],
            headers: vec![(X_API_TIMESTAMP, &timestamp), (X_API_NONCE, &nonce)],
        },
        creds::CLIENT_SECRET,
    );
    let body = serde_json::to_vec(body).expect("serialises");
    http.post(format!("{base_url}{path}"))
        .header(CONTENT_TYPE, JSON)
        .header(X_API_CLIENT_ID, creds::CLIENT_ID)
        .header(X_API_AUTH_VERSION, "2.0")
        .header(X_API_TIMESTAMP, timestamp)
        .header(X_API_NONCE, nonce)
        .header(X_API_SIGN_HEADERS, "X-Api-TimeStamp,X-Api-Nonce")
        .header(X_API_SIGNATURE, signature)
        .header(X_GW_ROUTER_ADDR, creds::DOMAIN)
        .header(APP_TOKEN, token)
        .body(body)
}
