//! Typed clients for the Kingdee JDY (金蝶精斗云) retail cloud and Shoubei (收呗) payment
//! open APIs, generated from the reviewed specs in `spec/`.
//!
//! - [`jdy`]: Kingdee JDY retail cloud (gateway HMAC signature + app-token).
//! - [`shoubei`]: Shoubei open payment API (MD5 body `sign`).
//! - [`runtime`]: configuration, transport and the [`runtime::Error`] every call returns.
//!
//! The modules are the committed source in `generated/`, rewritten by the build script only
//! when a spec changes, so what compiles is exactly what was reviewed.

pub use retail_apis_runtime as runtime;

// prettyplease, not rustfmt, formats generated code; skipping keeps `cargo fmt` from
// rewriting files that only the generator may write.
#[rustfmt::skip]
#[path = "../generated/mod.rs"]
mod generated;

pub use generated::*;

/// Compiles the README's Rust example as a doctest, so the documented API stays real.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The wire-format promises of the generated types, checked on the real services.
#[cfg(test)]
mod wire_format {
    use serde_json::{json, Value};

    use crate::{jdy, shoubei};

    fn encode<T: serde::Serialize>(value: &T) -> Value {
        serde_json::to_value(value).expect("encodes")
    }

    #[test]
    fn optional_fields_are_omitted_and_nullable_ones_sent_as_null() {
        let request =
            jdy::RefundSaveRequest::new(None, "cmd", "M1", "R1", Some("g".into()), "1", "ip", "t")
                .shop_id("S1");
        let body = encode(&request);
        let object = body.as_object().expect("an object");
        assert_eq!(object.get("channel_order_no"), Some(&Value::Null));
        assert_eq!(body["service_group_name"], "g");
        assert_eq!(body["shop_id"], "S1");
        assert!(!object.contains_key("order_no"), "{body}");
    }

    #[test]
    fn enums_decode_leniently_and_keep_unknown_values() {
        for wire in [json!(9), json!("9")] {
            let source: jdy::RechargeSource = serde_json::from_value(wire).expect("decodes");
            assert_eq!(source, jdy::RechargeSource::Isv);
        }
        let unknown: jdy::RechargeSource = serde_json::from_value(json!(7)).expect("decodes");
        assert_eq!(unknown, jdy::RechargeSource::Unknown(7));
        assert_eq!(encode(&unknown), json!(7));

        let card: jdy::PayType = serde_json::from_value(json!(90)).expect("decodes");
        assert_eq!(card, jdy::PayType::MemberCard);
        assert_eq!(encode(&card), json!("90"));
        let other: jdy::PayType = serde_json::from_value(json!("x")).expect("decodes");
        assert_eq!(other.to_string(), "x");
        assert_eq!(encode(&other), json!("x"));
    }

    #[test]
    fn computed_sign_is_left_to_the_client_and_aliases_decode() {
        let request = shoubei::CouponWriteOffRequest::new("I", "M", "S", "1", "C");
        assert!(encode(&request).get("sign").is_none());
        let mut body = encode(&request);
        let code = body
            .as_object_mut()
            .and_then(|o| o.remove("coupon_code"))
            .expect("coupon_code is sent");
        body["couponCode"] = code;
        let decoded: shoubei::CouponWriteOffRequest =
            serde_json::from_value(body).expect("alias decodes");
        assert_eq!(decoded, request);
    }

    #[test]
    fn decoding_errors_name_the_field_and_null_means_absent() {
        let decode = |wire: serde_json::Value| {
            serde_json::from_value::<shoubei::CouponWriteOffResponse>(wire)
                .map_err(|e| e.to_string())
        };
        let missing = decode(json!({"return_msg": "ok"})).expect_err("return_code is required");
        assert!(missing.contains("missing field `return_code`"), "{missing}");
        let wrong = decode(json!({"return_code": "SUCCESS", "return_msg": 5}))
            .expect_err("a number is not a message");
        assert!(wrong.contains("field `return_msg`"), "{wrong}");
        let decoded = decode(json!({
            "return_code": "SUCCESS", "return_msg": "ok", "codes": "C", "sign": "s", "amount": null
        }))
        .expect("a null optional field");
        assert_eq!(decoded.amount, None);
        assert!(decoded.extra.is_empty(), "{:?}", decoded.extra);
    }

    #[test]
    fn responses_keep_undocumented_fields() {
        let wire = json!({"bill_no": "B1", "surprise": {"a": 1}});
        let response: jdy::MallRechargeResponse =
            serde_json::from_value(wire.clone()).expect("decodes");
        assert_eq!(response.bill_no.as_deref(), Some("B1"));
        assert_eq!(response.extra["surprise"], json!({"a": 1}));
        assert_eq!(encode(&response), wire);
    }
}
