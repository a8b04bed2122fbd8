//! The bytes a call puts on the wire: the typed request serialised once, exactly as
//! `serde_json::to_vec` writes it (field order and all), plus the Shoubei `sign` written
//! into it; checked on a real local server.

mod common;

use common::*;
use retail_apis_runtime::jdy::JdyClient;
use retail_apis_runtime::shoubei::{signing, ShoubeiClient};
use retail_apis_runtime::RawObject;
use serde_json::{json, Map, Value};

/// Fields declared out of key order, nested ones too, with text that needs escaping.
#[derive(serde::Serialize)]
struct Refund<'a> {
    z_last: &'a str,
    amount: f64,
    a_first: u32,
    detail: Detail<'a>,
    skipped: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct Detail<'a> {
    note: &'a str,
    code: i64,
}

fn last_body(seen: &Seen) -> Vec<u8> {
    seen.raw_bodies
        .lock()
        .ok()
        .and_then(|bodies| bodies.last().cloned())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_jdy_body_is_the_typed_request_serialised_once() {
    let (url, seen) = start().await;
    let client = JdyClient::new(&JDY, jdy_config(&url, fast_transport())).expect("client");
    let request = Refund {
        z_last: "零售 \"q\"\n",
        amount: 12.5,
        a_first: 7,
        detail: Detail {
            note: "😀",
            code: -3,
        },
        skipped: None,
    };
    let result = client
        .call_value(&OK, serde_json::to_value(&request).expect("a value"))
        .await;
    assert!(result.is_ok(), "{result:?}");
    let typed: Result<Value, _> = client.call(&OK, &request).await;
    assert!(typed.is_ok(), "{typed:?}");
    assert_eq!(
        String::from_utf8_lossy(&last_body(&seen)),
        String::from_utf8_lossy(&serde_json::to_vec(&request).expect("serialises"))
    );
    assert!(seen.problems().is_empty(), "{:?}", seen.problems());
}

#[derive(serde::Serialize)]
struct WriteOff<'a> {
    inst_no: &'a str,
    coupon_code: &'a str,
    amount: Option<&'a str>,
    remark: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sign: Option<&'a str>,
}

fn shoubei_client(url: &str) -> ShoubeiClient {
    ShoubeiClient::new(&SHOUBEI, shoubei_config(url)).expect("client")
}

/// The signature of the JSON text of `value`, computed through a `Value`.
fn signature_of(value: &impl serde::Serialize) -> String {
    let Value::Object(map) = serde_json::to_value(value).expect("a value") else {
        panic!("not an object")
    };
    signing::sign(&MD5, &map, SB_KEY).expect("signable")
}

#[tokio::test]
async fn a_shoubei_body_is_the_typed_request_with_its_sign_appended() {
    let (url, seen) = start().await;
    let client = shoubei_client(&url);
    let request = WriteOff {
        inst_no: "900024",
        coupon_code: "C \"1\"",
        amount: Some("12.50"),
        remark: None,
        sign: None,
    };
    let result: Result<Value, _> = client.call(&SB_OK, &request).await;
    assert!(result.is_ok(), "{result:?}");
    let mut expected = serde_json::to_vec(&request).expect("serialises");
    expected.pop();
    expected.extend_from_slice(format!(",\"sign\":\"{}\"}}", signature_of(&request)).as_bytes());
    assert_eq!(
        String::from_utf8_lossy(&last_body(&seen)),
        String::from_utf8_lossy(&expected)
    );
    assert!(seen.problems().is_empty(), "{:?}", seen.problems());
}

#[tokio::test]
async fn a_sign_the_request_already_holds_is_replaced_not_repeated() {
    let (url, seen) = start().await;
    let client = shoubei_client(&url);
    let request = WriteOff {
        inst_no: "900024",
        coupon_code: "C1",
        amount: None,
        remark: Some("r"),
        sign: Some("stale"),
    };
    let result: Result<Value, _> = client.call(&SB_OK, &request).await;
    assert!(result.is_ok(), "{result:?}");
    let body = last_body(&seen);
    let fields = RawObject::parse(&body).expect("an object");
    let keys: Vec<&str> = fields.iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["amount", "coupon_code", "inst_no", "remark", "sign"]);
    // One `sign`, the fresh one: a repeated key would read as its last value.
    let text = String::from_utf8_lossy(&body);
    assert_eq!(text.matches("\"sign\"").count(), 1, "{text}");
    let without: Map<String, Value> = [
        ("inst_no", json!("900024")),
        ("coupon_code", json!("C1")),
        ("amount", Value::Null),
        ("remark", json!("r")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let expected = signing::sign(&MD5, &without, SB_KEY).expect("signable");
    assert_eq!(
        fields.get("sign").map(|raw| raw.get().to_owned()),
        Some(format!("\"{expected}\""))
    );
    assert!(seen.problems().is_empty(), "{:?}", seen.problems());
}

#[tokio::test]
async fn a_request_that_is_not_an_object_is_refused_before_sending() {
    let (url, seen) = start().await;
    let client = shoubei_client(&url);
    for request in [json!([1]), json!(null), json!("text")] {
        let error = client.call_value(&SB_OK, request.clone()).await.err();
        assert!(
            matches!(error, Some(retail_apis_runtime::Error::Encode { .. })),
            "{request}: {error:?}"
        );
    }
    assert_eq!(seen.hits("/sb/ok"), 0);
}
