//! Shoubei body signature and coupon write-off, over real HTTP.

mod common;

use common::*;
use retail_apis_runtime::jdy::headers::{CONTENT_TYPE, JSON};
use retail_apis_sandbox::config::SHOUBEI_KEY;
use retail_apis_sandbox::{CouponState, SandboxConfig, SeedCoupon};
use serde_json::{json, Value};

fn assert_signed(body: &Value) {
    assert!(
        shoubei_verifies(body, SHOUBEI_KEY),
        "answer sign does not verify: {body}"
    );
}

#[tokio::test]
async fn a_coupon_is_written_off_once() {
    let sandbox = start(SandboxConfig::default()).await;
    let base = sandbox.base_url();
    let request = shoubei_signed(write_off_body("679533922928"), SHOUBEI_KEY);

    let (status, first) = post_json(&base, WRITE_OFF_PATH, &request).await;
    assert_eq!(status, 200);
    assert_signed(&first);
    assert_eq!(first["return_code"], "SUCCESS", "{first}");
    assert_eq!(first["result_code"], "SUCCESS", "{first}");
    assert_eq!(first["codes"], "679533922928");
    assert_eq!(first["amount"], "1000");
    assert_eq!(first["settle_amount"], "950");
    assert_eq!(first["wf_trace_no"], "T0001");
    let order_no = first["order_no"].as_str().expect("order_no").to_owned();
    assert_eq!(order_no.len(), 24);
    assert_eq!(
        sandbox.coupon_state("679533922928"),
        Some(CouponState::WrittenOff { order_no })
    );

    let (status, second) = post_json(&base, WRITE_OFF_PATH, &request).await;
    assert_eq!(status, 200);
    assert_signed(&second);
    assert_eq!(second["return_code"], "0203", "{second}");
    assert_eq!(second["result_code"], "FAIL", "{second}");
    assert_eq!(second["codes"], "679533922928");
    assert_eq!(second["order_no"], Value::Null);
    assert_eq!(sandbox.request_count("shoubei.coupon_write_off"), 2);
}

#[tokio::test]
async fn unknown_and_refunded_coupons_fail() {
    let sandbox = start(SandboxConfig::default()).await;
    let base = sandbox.base_url();

    let (_, unknown) = post_json(
        &base,
        WRITE_OFF_PATH,
        &shoubei_signed(write_off_body("111111111111"), SHOUBEI_KEY),
    )
    .await;
    assert_signed(&unknown);
    assert_eq!(unknown["result_code"], "FAIL", "{unknown}");
    assert_ne!(unknown["return_code"], "SUCCESS", "{unknown}");
    assert_eq!(sandbox.coupon_state("111111111111"), None);

    let (_, refunded) = post_json(
        &base,
        WRITE_OFF_PATH,
        &shoubei_signed(write_off_body("679533922931"), SHOUBEI_KEY),
    )
    .await;
    assert_signed(&refunded);
    assert_eq!(refunded["return_code"], "0205", "{refunded}");
    assert_eq!(refunded["return_msg"], "券码已退款");
}

#[tokio::test]
async fn coupons_are_configurable_and_the_alias_is_accepted() {
    let config = SandboxConfig {
        coupons: vec![SeedCoupon::available("C-1", 300, 280)],
        ..SandboxConfig::default()
    };
    let sandbox = start(config).await;
    let mut body = write_off_body("ignored");
    let map = body.as_object_mut().expect("object");
    map.remove("coupon_code");
    map.insert("couponCode".to_owned(), json!("C-1"));
    let (_, answer) = post_json(
        &sandbox.base_url(),
        WRITE_OFF_PATH,
        &shoubei_signed(body, SHOUBEI_KEY),
    )
    .await;
    assert_eq!(answer["return_code"], "SUCCESS", "{answer}");
    assert_eq!(answer["settle_amount"], "280");
    assert_eq!(sandbox.coupon_state("679533922928"), None);
}

#[tokio::test]
async fn a_bad_sign_is_refused_and_changes_nothing() {
    let sandbox = start(SandboxConfig::default()).await;
    let base = sandbox.base_url();

    let wrong_key = shoubei_signed(write_off_body("679533922928"), "guess");
    let (status, answer) = post_json(&base, WRITE_OFF_PATH, &wrong_key).await;
    assert_eq!(status, 200);
    assert_signed(&answer);
    assert_eq!(answer["return_code"], "FAIL", "{answer}");

    // Signed, then tampered with.
    let mut tampered = shoubei_signed(write_off_body("679533922928"), SHOUBEI_KEY);
    tampered["shop_no"] = json!("000000000000");
    let (_, answer) = post_json(&base, WRITE_OFF_PATH, &tampered).await;
    assert_eq!(answer["return_code"], "FAIL", "{answer}");

    let (_, unsigned) = post_json(&base, WRITE_OFF_PATH, &write_off_body("679533922928")).await;
    assert_eq!(unsigned["return_code"], "FAIL", "{unsigned}");

    assert_eq!(
        sandbox.coupon_state("679533922928"),
        Some(CouponState::Available)
    );
}

#[tokio::test]
async fn shoubei_bodies_are_validated() {
    let sandbox = start(SandboxConfig::default()).await;
    let base = sandbox.base_url();

    let long = shoubei_signed(write_off_body("12345678901234567"), SHOUBEI_KEY);
    let (_, answer) = post_json(&base, WRITE_OFF_PATH, &long).await;
    assert_signed(&answer);
    assert_eq!(answer["return_code"], "0001", "{answer}");
    let message = answer["return_msg"].as_str().unwrap_or_default();
    assert!(message.contains("coupon_code"), "{answer}");
    assert!(message.contains("16"), "{answer}");

    // Lengths count characters, not bytes: 32 Chinese characters fit `string(32)`.
    let mut wide = write_off_body("679533922930");
    wide["shop_no"] = json!("店".repeat(32));
    let (_, answer) = post_json(
        &base,
        WRITE_OFF_PATH,
        &shoubei_signed(wide.clone(), SHOUBEI_KEY),
    )
    .await;
    assert_eq!(answer["return_code"], "SUCCESS", "{answer}");
    wide["shop_no"] = json!("店".repeat(33));
    let (_, answer) = post_json(&base, WRITE_OFF_PATH, &shoubei_signed(wide, SHOUBEI_KEY)).await;
    assert_eq!(answer["return_code"], "0001", "{answer}");

    let mut missing = write_off_body("679533922928");
    missing.as_object_mut().expect("object").remove("shop_no");
    let (_, answer) = post_json(&base, WRITE_OFF_PATH, &shoubei_signed(missing, SHOUBEI_KEY)).await;
    assert_eq!(answer["return_code"], "0001", "{answer}");
    assert!(answer["return_msg"]
        .as_str()
        .unwrap_or_default()
        .contains("shop_no"));

    let response = common::http()
        .post(format!("{base}{WRITE_OFF_PATH}"))
        .header(CONTENT_TYPE, JSON)
        .body("not json")
        .send()
        .await
        .expect("send");
    let answer: Value = response.json().await.expect("json answer");
    assert_eq!(answer["return_code"], "0001", "{answer}");
    assert_signed(&answer);
}

/// A list in the body has no agreed signature. A client that invents one (here: the
/// list as compact JSON text, which this sandbox once accepted) is refused, with the
/// field named, and nothing is written off.
#[tokio::test]
async fn a_body_with_a_list_is_refused_not_signed_by_invention() {
    use md5::{Digest, Md5};

    let sandbox = start(SandboxConfig::default()).await;
    let mut body = write_off_body("679533922928");
    body["goods"] = json!([{"sku": "A1"}]);
    let mut pairs: Vec<(String, String)> = body
        .as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| match v {
            Value::String(s) => (k.clone(), s.clone()),
            other => (k.clone(), other.to_string()),
        })
        .collect();
    pairs.sort();
    let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let invented = format!("{}&key={SHOUBEI_KEY}", text.join("&"));
    let sign: String = Md5::digest(invented.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    body["sign"] = Value::from(sign);

    let (status, answer) = post_json(&sandbox.base_url(), WRITE_OFF_PATH, &body).await;
    assert_eq!(status, 200);
    assert_signed(&answer);
    assert_ne!(answer["return_code"], "SUCCESS", "{answer}");
    let message = answer["return_msg"].as_str().unwrap_or_default();
    assert!(message.contains("`goods`"), "{answer}");
    assert_eq!(
        sandbox.coupon_state("679533922928"),
        Some(CouponState::Available)
    );
}
