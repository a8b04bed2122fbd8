//! JDY gateway checks and the token endpoint, over real HTTP.

mod common;

use std::time::Duration;

use common::*;
use retail_apis_runtime::jdy::headers::{
    APP_TOKEN, CONTENT_TYPE, JSON, X_API_NONCE, X_API_TIMESTAMP,
};
use retail_apis_runtime::HttpMethod;
use retail_apis_sandbox::config::{APP_KEY, APP_SECRET};
use retail_apis_sandbox::{ExpiredTokenAnswer, SandboxConfig};
use serde_json::{json, Value};

fn assert_gateway(status: u16, body: &Value, code: i64) {
    assert_eq!(status, 519, "{body}");
    assert_eq!(body["errcode"], code, "{body}");
    assert!(body["description"].is_string(), "{body}");
    assert!(body["descriptionCn"].is_string(), "{body}");
}

async fn recharge_with(jdy: &Jdy, headers: &GatewayHeaders) -> (u16, Value) {
    let body = recharge_body("M1", "1.00", &nonce());
    jdy.send(
        HttpMethod::Post,
        RECHARGE_PATH,
        &[],
        headers,
        Some(body.to_string()),
    )
    .await
}

#[tokio::test]
async fn token_is_issued_with_the_scheme_ttl() {
    let sandbox = start(SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);
    let (status, body) = jdy.token_request(APP_KEY, APP_SECRET).await;
    assert_eq!(status, 200);
    assert_eq!(body["errcode"], 0);
    assert_eq!(body["description"], "success");
    let token = body["data"]["app-token"].as_str().expect("token");
    assert_eq!(token.len(), 32);
    assert_eq!(body["data"]["expires_in"], 86_400);
    assert_eq!(sandbox.token_fetch_count(), 1);
    assert_eq!(sandbox.request_count("jdy.app_token"), 1);

    // Each fetch issues a new token.
    assert_ne!(jdy.token().await, token);
    assert_eq!(sandbox.token_fetch_count(), 2);
    sandbox.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn token_endpoint_refuses_a_wrong_app_signature() {
    let sandbox = start(SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);
    let (status, body) = jdy.token_request(APP_KEY, "not-the-secret").await;
    assert_eq!(status, 200);
    assert_eq!(body["errcode"], 1_030_002_006_i64, "{body}");
    let (_, body) = jdy.token_request("other-key", APP_SECRET).await;
    assert_eq!(body["errcode"], 1_030_002_006_i64, "{body}");
    assert_eq!(sandbox.token_fetch_count(), 0);
}

#[tokio::test]
async fn the_query_is_part_of_the_signature() {
    let sandbox = start(SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);
    let app_signature = retail_apis_runtime::jdy::signing::app_signature(APP_KEY, APP_SECRET);
    let mut headers = GatewayHeaders::new(None);
    // Signed without the query, sent with it.
    headers.signature = Some(gateway_signature(
        HttpMethod::Get,
        TOKEN_PATH,
        &[],
        headers.nonce.as_deref().unwrap_or_default(),
        headers.timestamp.as_deref().unwrap_or_default(),
        &headers.secret,
    ));
    let query = [
        ("app_key", APP_KEY),
        ("app_signature", app_signature.as_str()),
    ];
    let (status, body) = jdy
        .send(HttpMethod::Get, TOKEN_PATH, &query, &headers, None)
        .await;
    assert_gateway(status, &body, 4008);
}

#[tokio::test]
async fn timestamp_problems_are_4006() {
    let sandbox = start(SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;

    let mut stale = GatewayHeaders::new(Some(&token));
    stale.timestamp = Some((now_ms() - 301_000).to_string());
    let (status, body) = recharge_with(&jdy, &stale).await;
    assert_gateway(status, &body, 4006);

    let mut future = GatewayHeaders::new(Some(&token));
    future.timestamp = Some((now_ms() + 301_000).to_string());
    let (status, body) = recharge_with(&jdy, &future).await;
    assert_gateway(status, &body, 4006);

    let mut missing = GatewayHeaders::new(Some(&token));
    missing.timestamp = None;
    let (status, body) = recharge_with(&jdy, &missing).await;
    assert_gateway(status, &body, 4006);

    let mut garbage = GatewayHeaders::new(Some(&token));
    garbage.timestamp = Some("yesterday".to_owned());
    let (status, body) = recharge_with(&jdy, &garbage).await;
    assert_gateway(status, &body, 4006);

    // Inside the window is fine.
    let mut recent = GatewayHeaders::new(Some(&token));
    recent.timestamp = Some((now_ms() - 290_000).to_string());
    let (status, body) = recharge_with(&jdy, &recent).await;
    assert_eq!((status, &body["errcode"]), (200, &json!(0)), "{body}");
}

#[tokio::test]
async fn clock_skew_moves_the_window() {
    let sandbox = start(SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;
    sandbox.set_clock_skew_ms(10 * 60 * 1000);
    let (status, body) = recharge_with(&jdy, &GatewayHeaders::new(Some(&token))).await;
    assert_gateway(status, &body, 4006);

    let mut headers = GatewayHeaders::new(Some(&token));
    headers.timestamp = Some(sandbox.now_ms().to_string());
    let (status, body) = recharge_with(&jdy, &headers).await;
    assert_eq!((status, &body["errcode"]), (200, &json!(0)), "{body}");
}

#[tokio::test]
async fn signing_header_problems_are_4007() {
    let sandbox = start(SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;

    let mut wrong = GatewayHeaders::new(Some(&token));
    wrong.sign_headers = Some("X-Api-TimeStamp".to_owned());
    let (status, body) = recharge_with(&jdy, &wrong).await;
    assert_gateway(status, &body, 4007);

    let mut missing = GatewayHeaders::new(Some(&token));
    missing.sign_headers = None;
    let (status, body) = recharge_with(&jdy, &missing).await;
    assert_gateway(status, &body, 4007);

    let mut version = GatewayHeaders::new(Some(&token));
    version.auth_version = Some("1.0".to_owned());
    let (status, body) = recharge_with(&jdy, &version).await;
    assert_gateway(status, &body, 4007);

    let mut no_version = GatewayHeaders::new(Some(&token));
    no_version.auth_version = None;
    let (status, body) = recharge_with(&jdy, &no_version).await;
    assert_gateway(status, &body, 4007);

    let mut nonce = GatewayHeaders::new(Some(&token));
    nonce.nonce = Some("-12".to_owned());
    let (status, body) = recharge_with(&jdy, &nonce).await;
    assert_gateway(status, &body, 4007);
}

#[tokio::test]
async fn signature_problems_are_4008() {
    let sandbox = start(SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;

    let mut wrong_secret = GatewayHeaders::new(Some(&token));
    wrong_secret.secret = "guess".to_owned();
    let (status, body) = recharge_with(&jdy, &wrong_secret).await;
    assert_gateway(status, &body, 4008);

    let mut tampered = GatewayHeaders::new(Some(&token));
    tampered.signature = Some("bm90IGEgc2lnbmF0dXJl".to_owned());
    let (status, body) = recharge_with(&jdy, &tampered).await;
    assert_gateway(status, &body, 4008);

    let mut no_client = GatewayHeaders::new(Some(&token));
    no_client.client_id = None;
    let (status, body) = recharge_with(&jdy, &no_client).await;
    assert_gateway(status, &body, 4008);

    let mut other_client = GatewayHeaders::new(Some(&token));
    other_client.client_id = Some("999999".to_owned());
    let (status, body) = recharge_with(&jdy, &other_client).await;
    assert_gateway(status, &body, 4008);

    // The signature covers the path: one signed for another path is refused.
    let mut other_path = GatewayHeaders::new(Some(&token));
    other_path.signature = Some(gateway_signature(
        HttpMethod::Post,
        REFUND_PATH,
        &[],
        other_path.nonce.as_deref().unwrap_or_default(),
        other_path.timestamp.as_deref().unwrap_or_default(),
        &other_path.secret,
    ));
    let (status, body) = recharge_with(&jdy, &other_path).await;
    assert_gateway(status, &body, 4008);
}

#[tokio::test]
async fn a_replayed_nonce_is_4008() {
    let sandbox = start(SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;
    let headers = GatewayHeaders::new(Some(&token));
    let (status, body) = recharge_with(&jdy, &headers).await;
    assert_eq!((status, &body["errcode"]), (200, &json!(0)), "{body}");
    let (status, body) = recharge_with(&jdy, &headers).await;
    assert_gateway(status, &body, 4008);
    assert!(
        body["description"]
            .as_str()
            .unwrap_or_default()
            .contains("replay"),
        "{body}"
    );
}

#[tokio::test]
async fn token_problems_are_4009_4010_4011() {
    let sandbox = start(SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);

    let (status, body) = recharge_with(&jdy, &GatewayHeaders::new(None)).await;
    assert_gateway(status, &body, 4009);
    let (status, body) = recharge_with(&jdy, &GatewayHeaders::new(Some(""))).await;
    assert_gateway(status, &body, 4009);

    let (status, body) = recharge_with(&jdy, &GatewayHeaders::new(Some("made-up"))).await;
    assert_gateway(status, &body, 4010);

    let token = jdy.token().await;
    sandbox.expire_tokens();
    let (status, body) = recharge_with(&jdy, &GatewayHeaders::new(Some(&token))).await;
    assert_gateway(status, &body, 4011);

    // A fresh token works again.
    let fresh = jdy.token().await;
    let (status, body) = recharge_with(&jdy, &GatewayHeaders::new(Some(&fresh))).await;
    assert_eq!((status, &body["errcode"]), (200, &json!(0)), "{body}");
}

#[tokio::test]
async fn expired_tokens_can_be_answered_as_a_business_error() {
    let config = SandboxConfig {
        expired_token_answer: ExpiredTokenAnswer::Business,
        ..SandboxConfig::default()
    };
    let sandbox = start(config).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;
    sandbox.expire_tokens();
    let (status, body) = recharge_with(&jdy, &GatewayHeaders::new(Some(&token))).await;
    assert_eq!(status, 200);
    assert_eq!(body["errcode"], 1_000_202_001_i64, "{body}");

    sandbox.set_expired_token_answer(ExpiredTokenAnswer::Gateway);
    let (status, body) = recharge_with(&jdy, &GatewayHeaders::new(Some(&token))).await;
    assert_gateway(status, &body, 4011);
}

#[tokio::test]
async fn tokens_expire_after_their_ttl() {
    let sandbox = start(SandboxConfig::default()).await;
    sandbox.set_token_ttl(Duration::from_secs(60));
    let jdy = Jdy::new(&sandbox);
    let (_, body) = jdy.token_request(APP_KEY, APP_SECRET).await;
    assert_eq!(body["data"]["expires_in"], 60);
    let token = body["data"]["app-token"]
        .as_str()
        .expect("token")
        .to_owned();
    let (status, _) = recharge_with(&jdy, &GatewayHeaders::new(Some(&token))).await;
    assert_eq!(status, 200);

    sandbox.advance_clock(Duration::from_secs(61));
    let mut headers = GatewayHeaders::new(Some(&token));
    headers.timestamp = Some(sandbox.now_ms().to_string());
    let (status, body) = recharge_with(&jdy, &headers).await;
    assert_gateway(status, &body, 4011);
}

#[tokio::test]
async fn the_router_address_must_be_the_tenant_domain() {
    let sandbox = start(SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;
    let mut wrong = GatewayHeaders::new(Some(&token));
    wrong.router = Some("https://other.jdy.com".to_owned());
    let (status, body) = recharge_with(&jdy, &wrong).await;
    assert_gateway(status, &body, 4012);

    let mut missing = GatewayHeaders::new(Some(&token));
    missing.router = None;
    let (status, body) = recharge_with(&jdy, &missing).await;
    assert_gateway(status, &body, 4012);
}

#[tokio::test]
async fn unknown_paths_and_methods_are_refused_without_panicking() {
    let sandbox = start(SandboxConfig::default()).await;
    let http = common::http();
    let base = sandbox.base_url();
    let response = http
        .post(format!("{base}/nowhere"))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 404);
    let response = http
        .get(format!("{base}{RECHARGE_PATH}"))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 405);
    let response = http
        .delete(format!("{base}{RECHARGE_PATH}"))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 405);

    // Hostile headers and a binary body: a gateway rejection, not a crash.
    let response = http
        .post(format!("{base}{RECHARGE_PATH}"))
        .header(CONTENT_TYPE, JSON)
        .header(X_API_TIMESTAMP, "99999999999999999999999999")
        .header(X_API_NONCE, "1".repeat(5000))
        .header(APP_TOKEN, vec![0xffu8, 0xfe].as_slice())
        .body(vec![0u8, 159, 146, 150])
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 519);

    // Too large a body.
    let response = http
        .post(format!("{base}{RECHARGE_PATH}"))
        .header(CONTENT_TYPE, JSON)
        .body(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 413);

    // Still serving.
    let jdy = Jdy::new(&sandbox);
    jdy.token().await;
    sandbox.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn the_vendors_published_signature_passes_the_gateway() {
    // PROTOCOL.md vector 1: the vendor's own example request, replayed at its own time.
    let config = SandboxConfig {
        credentials: retail_apis_sandbox::SandboxCredentials {
            client_secret: "f2adcfef73369bfc4e1384677d38a0ff".to_owned(),
            app_key: "bVZgAZOv1".to_owned(),
            ..Default::default()
        },
        ..SandboxConfig::default()
    };
    let sandbox = start(config).await;
    sandbox.set_clock_skew_ms(1_670_305_063_559 - now_ms());
    let jdy = Jdy::new(&sandbox);
    let mut headers = GatewayHeaders::new(None);
    headers.timestamp = Some("1670305063559".to_owned());
    headers.nonce = Some("4427456950".to_owned());
    headers.signature = Some(
        "OTFiZTliNDFiMjNkYTI3YzVhNzg4MDI4ZGU3MWY1ZTA5ZTk1NjVlNGM1YTI1ZjIxY2Y5YTA3ZGY2OGI1MGQ1MQ=="
            .to_owned(),
    );
    let query = [
        ("app_key", "bVZgAZOv1"),
        (
            "app_signature",
            "MzZlYTk0ODk4MWZlNjdiODNmNWU4YzViNzYxNGM5MTFlOGJkN2NjMzk0MTJkZGNhZGM0NzZhN2YxZDJmOTlkZA==",
        ),
    ];
    let (status, body) = jdy
        .send(HttpMethod::Get, TOKEN_PATH, &query, &headers, None)
        .await;
    // Past the gateway; the app secret behind the example is unknown, so the token
    // endpoint itself refuses it.
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["errcode"], 1_030_002_006_i64, "{body}");
}
