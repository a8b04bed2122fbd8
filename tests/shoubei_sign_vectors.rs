//! The Shoubei signature scheme as the spec declares it (read through the generated
//! descriptor, so a change to `spec/shoubei/service.yaml` is what gets tested) reproduces
//! the published vectors of PROTOCOL.md.

use retail_apis::runtime::shoubei::signing;
use retail_apis::runtime::{AuthScheme, Md5SignScheme};
use serde_json::{json, Map, Value};

fn declared_scheme() -> Md5SignScheme {
    match retail_apis::shoubei::SERVICE.auth {
        AuthScheme::Md5BodySign(scheme) => scheme,
        other => panic!("the Shoubei spec declares {other:?}, not an MD5 body signature"),
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("fixture is not an object: {other}"),
    }
}

/// `(body, key, string to sign, signature)`.
fn vectors() -> Vec<(Value, &'static str, &'static str, &'static str)> {
    vec![
        // The documentation family's own example.
        (
            json!({"channel_type": "1", "coupon_code": "1234567890", "inst_no": "900024",
                   "merchant_no": "851811130002", "shop_no": "862010110001",
                   "ts": "20240101120000", "wf_trace_no": "T0001"}),
            "TESTKEY",
            "channel_type=1&coupon_code=1234567890&inst_no=900024&merchant_no=851811130002&shop_no=862010110001&ts=20240101120000&wf_trace_no=T0001&key=TESTKEY",
            "78ab35f49453f019e0ac126addf01165",
        ),
        // Sibling platform: `sign` and nulls dropped, empty strings kept.
        (
            json!({"mch_no": "MCH_TEST_001", "inst_no": "INST_TEST", "total_amount": "100",
                   "empty": "", "ignored": null, "sign": "ffffffffffffffffffffffffffffffff"}),
            "TEST_ONLY_KEY_123",
            "empty=&inst_no=INST_TEST&mch_no=MCH_TEST_001&total_amount=100&key=TEST_ONLY_KEY_123",
            "182a863b3fdb32adb2991e78f67ab151",
        ),
        // Sibling platform: case-sensitive ASCII key order.
        (
            json!({"b": "last", "a_": "underscore", "a": "lower", "A": "upper"}),
            "TEST_ONLY_KEY_123",
            "A=upper&a=lower&a_=underscore&b=last&key=TEST_ONLY_KEY_123",
            "e3e0d39008adae0e930fcd521622a6cd",
        ),
    ]
}

#[test]
fn the_declared_scheme_reproduces_the_published_vectors() {
    let scheme = declared_scheme();
    for (body, key, text, signature) in vectors() {
        let mut body = object(body);
        assert_eq!(
            signing::string_to_sign(&scheme, &body, key).as_deref(),
            Ok(text)
        );
        assert_eq!(signing::sign(&scheme, &body, key).as_deref(), Ok(signature));
        body.insert(scheme.field.to_string(), Value::from(signature));
        assert_eq!(signing::verify(&scheme, &body, key), Ok(true));
    }
}

#[test]
fn the_declared_scheme_refuses_arrays_and_objects() {
    let scheme = declared_scheme();
    let body = object(json!({"inst_no": "900024", "goods": [{"sku": "A1"}]}));
    let error = signing::sign(&scheme, &body, "TESTKEY").err();
    assert_eq!(
        error.map(|e| (e.field, e.kind)),
        Some(("goods".to_owned(), "an array"))
    );
}
