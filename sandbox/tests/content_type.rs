//! `Content-Type` of request bodies, as the spec's `headers:` list requires it: over real
//! HTTP, for both schemes, with correctly signed requests so that only the type differs.

mod common;

use common::*;
use retail_apis_codegen::model::SpecSet;
use retail_apis_runtime::jdy::headers::CONTENT_TYPE;
use retail_apis_runtime::HttpMethod;
use retail_apis_sandbox::{CouponState, SandboxConfig, SandboxHandle};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The media type the spec requires of `service`'s request bodies.
fn required_type(specs: &SpecSet, service: &str) -> String {
    specs
        .services
        .iter()
        .find(|s| s.name == service)
        .and_then(|s| {
            s.headers
                .iter()
                .find(|h| h.required && h.name.eq_ignore_ascii_case("content-type"))
        })
        .and_then(|h| h.value.clone())
        .unwrap_or_else(|| panic!("spec/{service} requires no Content-Type value"))
}

/// A correctly signed recharge of 1.00 for `member` with `content_type` (none if `None`).
async fn recharge_typed(
    sandbox: &SandboxHandle,
    token: &str,
    member: &str,
    content_type: Option<&str>,
) -> (u16, Value) {
    let headers = GatewayHeaders {
        content_type: content_type.map(str::to_owned),
        ..GatewayHeaders::new(Some(token))
    };
    let body = recharge_body(member, "1.00", &nonce()).to_string();
    Jdy::new(sandbox)
        .send(HttpMethod::Post, RECHARGE_PATH, &[], &headers, Some(body))
        .await
}

async fn write_off_typed(
    sandbox: &SandboxHandle,
    code: &str,
    content_type: Option<&str>,
) -> (u16, Value) {
    let body = shoubei_signed(
        write_off_body(code),
        retail_apis_sandbox::config::SHOUBEI_KEY,
    );
    let mut request = common::http()
        .post(format!("{}{WRITE_OFF_PATH}", sandbox.base_url()))
        .body(body.to_string());
    if let Some(content_type) = content_type {
        request = request.header(CONTENT_TYPE, content_type);
    }
    let response = request.send().await.expect("request reaches the sandbox");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn assert_refused(status: u16, body: &Value, expected: &str) {
    assert_eq!(status, 415, "{body}");
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.contains(expected), "{body}");
}

#[tokio::test]
async fn a_jdy_body_needs_the_spec_media_type() {
    let specs = real_specs();
    let json = required_type(&specs, "jdy");
    let sandbox = start_with(specs, SandboxConfig::default()).await;
    // The token GET carries no body: no Content-Type needed.
    let token = Jdy::new(&sandbox).token().await;

    for refused in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let (status, body) = recharge_typed(&sandbox, &token, "M1", refused).await;
        assert_refused(status, &body, &json);
    }
    assert_eq!(sandbox.member_balance("M1").cents(), 0);
    assert_eq!(sandbox.applied_recharges(), 0);
    assert_eq!(sandbox.request_count("jdy.mall_recharge"), 0);

    // The pages give the value without parameters; `tests/inspector.rs` shows the
    // tolerant mode accepting a charset.
    let with_charset = format!("{json}; charset=UTF-8");
    let (status, body) = recharge_typed(&sandbox, &token, "M1", Some(&with_charset)).await;
    assert_refused(status, &body, &json);
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("--tolerant"),
        "{body}"
    );

    let upper = json.to_ascii_uppercase();
    for accepted in [json.as_str(), upper.as_str()] {
        let (status, body) = recharge_typed(&sandbox, &token, "M1", Some(accepted)).await;
        assert_eq!(status, 200, "{accepted}: {body}");
        assert_eq!(body["errcode"], 0, "{accepted}: {body}");
    }
    assert_eq!(sandbox.member_balance("M1").cents(), 200);
}

#[tokio::test]
async fn a_shoubei_body_needs_the_spec_media_type() {
    let specs = real_specs();
    let json = required_type(&specs, "shoubei");
    let sandbox = start_with(specs, SandboxConfig::default()).await;

    let (status, body) = write_off_typed(&sandbox, "679533922928", None).await;
    assert_refused(status, &body, &json);
    let (status, body) = write_off_typed(&sandbox, "679533922928", Some("text/json")).await;
    assert_refused(status, &body, &json);
    assert_eq!(
        sandbox.coupon_state("679533922928"),
        Some(CouponState::Available)
    );

    let typed = format!("{json};charset=utf-8");
    let (status, body) = write_off_typed(&sandbox, "679533922928", Some(&typed)).await;
    assert_refused(status, &body, &json);
    let tolerant = start_with(
        real_specs(),
        SandboxConfig {
            tolerant: true,
            ..SandboxConfig::default()
        },
    )
    .await;
    let (status, body) = write_off_typed(&tolerant, "679533922928", Some(&typed)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["return_code"], "SUCCESS", "{body}");
    assert!(matches!(
        tolerant.coupon_state("679533922928"),
        Some(CouponState::WrittenOff { .. })
    ));
}

#[tokio::test]
async fn the_check_follows_the_spec_headers() {
    // Without a Content-Type entry in the spec, a body of any type reaches the service.
    let mut specs = real_specs();
    for service in &mut specs.services {
        service
            .headers
            .retain(|h| !h.name.eq_ignore_ascii_case("content-type"));
    }
    let sandbox = start_with(specs, SandboxConfig::default()).await;
    let (status, body) = write_off_typed(&sandbox, "679533922928", Some("text/plain")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["return_code"], "SUCCESS", "{body}");
}

#[tokio::test]
async fn raw_requests_with_a_body_and_a_wrong_or_doubled_type_are_refused() {
    let sandbox = start(SandboxConfig::default()).await;
    let body = r#"{"coupon_code":"679533922928"}"#;
    let cases = [
        ("", 415),
        ("Content-Type: text/plain\r\n", 415),
        (
            "Content-Type: application/json\r\nContent-Type: text/plain\r\n",
            415,
        ),
        ("Content-Type: Application/Json ; charset=UTF-8\r\n", 415),
        // Reaches the service, which answers its own envelope (the sign is missing).
        ("Content-Type: Application/Json \r\n", 200),
    ];
    for (headers, expected) in cases {
        let mut stream = tokio::net::TcpStream::connect(sandbox.local_addr())
            .await
            .expect("connect");
        let request = format!(
            "POST {WRITE_OFF_PATH} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n{headers}\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.expect("answer");
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {expected}")),
            "{headers:?}: {answer}"
        );
    }
    assert_eq!(
        sandbox.coupon_state("679533922928"),
        Some(CouponState::Available)
    );
}
