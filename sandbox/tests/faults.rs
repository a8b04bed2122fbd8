//! Fault injection, over real HTTP.

mod common;

use std::time::{Duration, Instant};

use common::*;
use retail_apis_runtime::HttpMethod;
use retail_apis_sandbox::config::SHOUBEI_KEY;
use retail_apis_sandbox::{CouponState, Fault, SandboxConfig, SandboxError};
use serde_json::{json, Value};

async fn setup() -> (retail_apis_sandbox::SandboxHandle, Jdy, String) {
    let sandbox = start(SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;
    (sandbox, jdy, token)
}

async fn raw_recharge(jdy: &Jdy, token: &str, bill: &str) -> (u16, String) {
    jdy.send_raw(
        HttpMethod::Post,
        RECHARGE_PATH,
        &[],
        &GatewayHeaders::new(Some(token)),
        Some(recharge_body("F1", "1.00", bill).to_string()),
    )
    .await
}

#[tokio::test]
async fn queued_faults_hit_the_next_requests_and_count() {
    let (sandbox, jdy, token) = setup().await;
    sandbox
        .faults()
        .inject_times("jdy.mall_recharge", 2, Fault::service_unavailable())
        .expect("known operation");
    assert_eq!(sandbox.faults().pending("mall_recharge").expect("known"), 2);

    let (status, _) = raw_recharge(&jdy, &token, "Q1").await;
    assert_eq!(status, 503);
    let (status, _) = raw_recharge(&jdy, &token, "Q1").await;
    assert_eq!(status, 503);
    let (status, body) = raw_recharge(&jdy, &token, "Q1").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(sandbox.request_count("jdy.mall_recharge"), 3);
    // Faults answered before the business logic: only the last request applied.
    assert_eq!(sandbox.applied_recharges(), 1);
    assert_eq!(sandbox.member_balance("F1").to_string(), "1.00");
}

#[tokio::test]
async fn unknown_operations_are_reported() {
    let (sandbox, _, _) = setup().await;
    let error = sandbox
        .faults()
        .inject("jdy.no_such_thing", Fault::TooManyRequests)
        .expect_err("unknown");
    assert!(matches!(error, SandboxError::UnknownOperation(_)));
    assert!(sandbox.operations().contains(&"jdy.app_token".to_owned()));
}

#[tokio::test]
async fn delay_then_normal_answer() {
    let (sandbox, jdy, token) = setup().await;
    sandbox
        .faults()
        .inject("mall_recharge", Fault::Delay(Duration::from_millis(300)))
        .expect("known");
    let started = Instant::now();
    let (status, body) = raw_recharge(&jdy, &token, "D1").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(status, 200, "{body}");
    assert_eq!(sandbox.applied_recharges(), 1);
}

#[tokio::test]
async fn status_gateway_and_rate_limit_faults() {
    let (sandbox, jdy, token) = setup().await;
    let faults = sandbox.faults();
    faults
        .inject(
            "mall_recharge",
            Fault::Status {
                status: 502,
                body: "bad gateway".to_owned(),
            },
        )
        .expect("known");
    faults
        .inject("mall_recharge", Fault::Gateway { code: 5003 })
        .expect("known");
    faults
        .inject("mall_recharge", Fault::TooManyRequests)
        .expect("known");

    let (status, body) = raw_recharge(&jdy, &token, "S1").await;
    assert_eq!((status, body.as_str()), (502, "bad gateway"));

    let (status, body) = raw_recharge(&jdy, &token, "S1").await;
    assert_eq!(status, 519);
    let body: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["errcode"], 5003);
    assert!(body["description"]
        .as_str()
        .unwrap_or_default()
        .contains("unavailable"));
    assert!(body["descriptionCn"].is_string());

    let (status, _) = raw_recharge(&jdy, &token, "S1").await;
    assert_eq!(status, 429);
    assert_eq!(sandbox.applied_recharges(), 0);
}

#[tokio::test]
async fn the_token_endpoint_takes_faults_too() {
    let (sandbox, jdy, _) = setup().await;
    sandbox
        .faults()
        .inject("jdy.app_token", Fault::Gateway { code: 5004 })
        .expect("known");
    let (status, body) = jdy
        .token_request(
            retail_apis_sandbox::config::APP_KEY,
            retail_apis_sandbox::config::APP_SECRET,
        )
        .await;
    assert_eq!((status, &body["errcode"]), (519, &json!(5004)), "{body}");
    assert_eq!(sandbox.token_fetch_count(), 1);
    assert_eq!(sandbox.request_count("jdy.app_token"), 2);
}

#[tokio::test]
async fn truncated_and_html_bodies() {
    let (sandbox, jdy, token) = setup().await;
    sandbox
        .faults()
        .inject("mall_recharge", Fault::TruncatedJson)
        .expect("known");
    sandbox
        .faults()
        .inject("mall_recharge", Fault::Html { status: 502 })
        .expect("known");

    let (status, body) = raw_recharge(&jdy, &token, "T1").await;
    assert_eq!(status, 200);
    assert!(body.starts_with('{'), "{body}");
    assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");

    let response = common::http()
        .post(format!("{}{}", sandbox.base_url(), RECHARGE_PATH))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 502);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(response.text().await.expect("text").contains("<html>"));
    assert_eq!(sandbox.applied_recharges(), 0);
}

#[tokio::test]
async fn wrong_sign_applies_but_spoils_the_answer_sign() {
    let sandbox = start(SandboxConfig::default()).await;
    sandbox
        .faults()
        .inject("coupon_write_off", Fault::WrongSign)
        .expect("known");
    let request = shoubei_signed(write_off_body("679533922929"), SHOUBEI_KEY);
    let (status, answer) = post_json(&sandbox.base_url(), WRITE_OFF_PATH, &request).await;
    assert_eq!(status, 200);
    assert_eq!(answer["return_code"], "SUCCESS", "{answer}");
    assert!(!shoubei_verifies(&answer, SHOUBEI_KEY), "{answer}");
    assert!(matches!(
        sandbox.coupon_state("679533922929"),
        Some(CouponState::WrittenOff { .. })
    ));
}

#[tokio::test]
async fn apply_then_fail_applies_and_a_repeat_is_answered_from_the_first() {
    let (sandbox, jdy, token) = setup().await;
    sandbox
        .faults()
        .inject("mall_recharge", Fault::ApplyThenFail { status: 503 })
        .expect("known");
    let (status, _) = raw_recharge(&jdy, &token, "AF-1").await;
    assert_eq!(status, 503);
    assert_eq!(sandbox.member_balance("F1").to_string(), "1.00");
    assert_eq!(sandbox.applied_recharges(), 1);

    // A repeat (same src_bill_id, new nonce) gets the first answer without re-applying.
    let (status, body) = raw_recharge(&jdy, &token, "AF-1").await;
    assert_eq!(status, 200, "{body}");
    let body: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["errcode"], 0);
    assert_eq!(sandbox.member_balance("F1").to_string(), "1.00");
    assert_eq!(sandbox.applied_recharges(), 1);
    assert_eq!(sandbox.request_count("jdy.mall_recharge"), 2);
}

#[tokio::test]
async fn apply_then_fail_passes_failures_through() {
    let (sandbox, jdy, _) = setup().await;
    sandbox
        .faults()
        .inject("mall_recharge", Fault::ApplyThenFail { status: 500 })
        .expect("known");
    // Not applied (bad token): the real rejection comes back.
    let (status, _) = raw_recharge(&jdy, "made-up", "AF-2").await;
    assert_eq!(status, 519);
    assert_eq!(sandbox.faults().pending("mall_recharge").expect("known"), 0);
    assert_eq!(sandbox.applied_recharges(), 0);
}

#[tokio::test]
async fn retry_after_faults_send_the_header_as_given() {
    let (sandbox, _, _) = setup().await;
    let when = std::time::UNIX_EPOCH + Duration::from_secs(784_887_151);
    for fault in [
        Fault::too_many_requests_for(7),
        Fault::retry_after_date(503, when),
        Fault::RetryAfter {
            status: 429,
            value: "soon".to_owned(),
        },
        // Not a header value: the answer goes out without it.
        Fault::RetryAfter {
            status: 429,
            value: "1\r\nX-Injected: yes".to_owned(),
        },
    ] {
        sandbox
            .faults()
            .inject("jdy.mall_recharge", fault)
            .expect("known");
    }
    let url = format!("{}{RECHARGE_PATH}", sandbox.base_url());
    let mut answers = Vec::new();
    for _ in 0..4 {
        let response = http()
            .post(&url)
            .header("Content-Type", "application/json")
            .body("{}")
            .send()
            .await
            .expect("an answer");
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().expect("text").to_owned());
        assert!(response.headers().get("x-injected").is_none());
        answers.push((response.status().as_u16(), retry_after));
    }
    let expected = [
        (429, Some("7".to_owned())),
        (503, Some("Tue, 15 Nov 1994 08:12:31 GMT".to_owned())),
        (429, Some("soon".to_owned())),
        (429, None),
    ];
    assert_eq!(answers, expected);
    assert_eq!(sandbox.applied_recharges(), 0);
}
