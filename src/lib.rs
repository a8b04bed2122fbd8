//! Typed clients for the Kingdee JDY (金蝶精斗云) retail cloud and Shoubei (收呗) payment
//! open APIs, generated from the reviewed specs in `spec/`.
//!
//! - [`jdy`]: Kingdee JDY retail cloud (gateway HMAC signature + app-token).
//! - [`shoubei`]: Shoubei open payment API (MD5 body `sign`).
//! - [`runtime`]: configuration, transport and the [`runtime::Error`] every call returns.
//!
//! The modules are the committed source in `generated/`, rewritten by the build script only
//! when a spec changes (inside this crate's repository, never in a dependent's build), so
//! what compiles is exactly what was reviewed.
//!
//! # Configuration
//!
//! A client reads its credentials from the environment (`JDY_CLIENT_ID`,
//! `JDY_CLIENT_SECRET`, `JDY_APP_KEY`, `JDY_APP_SECRET`, `JDY_DOMAIN`, optionally
//! `JDY_BASE_URL`; `SHOUBEI_KEY` and optionally `SHOUBEI_BASE_URL`), or takes them
//! explicitly. Secrets are held as [`runtime::Secret`], which never prints its value.
//! [`runtime::TransportConfig`] sets the timeouts (5 s to connect, 30 s per attempt), the
//! number of retries (2) and their backoff, the largest body read (4 MiB), and optionally
//! an HTTP client of your own (a proxy, a corporate root certificate). The configurations
//! are `#[non_exhaustive]`: they are built with `new` (or `default`) and setters, so a
//! setting added later breaks no build.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use retail_apis::jdy;
//! use retail_apis::runtime::jdy::JdyConfig;
//! use retail_apis::runtime::TransportConfig;
//!
//! # fn main() -> Result<(), retail_apis::runtime::Error> {
//! let client = jdy::Client::new(
//!     // The spec's production URL, unless `.base_url(..)` names another.
//!     JdyConfig::new(
//!         "my-client-id",
//!         std::env::var("MY_CLIENT_SECRET").unwrap_or_default(),
//!         "my-app-key",
//!         std::env::var("MY_APP_SECRET").unwrap_or_default(),
//!         "my-domain",
//!     )
//!     .transport(TransportConfig::default().timeout(Duration::from_secs(10))),
//! )?;
//! # let _ = client;
//! # Ok(())
//! # }
//! ```
//!
//! # Errors
//!
//! Every call returns its typed `data` or a [`runtime::Error`], whose variants keep apart
//! what a caller handles differently: the network ([`Transport`](runtime::Error::Transport),
//! [`Timeout`](runtime::Error::Timeout)), a gateway rejection such as a bad signature
//! ([`Gateway`](runtime::Error::Gateway), with the vendor's code), a business error
//! ([`Business`](runtime::Error::Business)), a refused redirect, an undecodable or
//! unverifiable answer. [`code`](runtime::Error::code) gives the vendor code and
//! [`known`](runtime::Error::known) what the spec says about it. No error, log line or
//! `Debug` output carries a secret or a token.
//!
//! # Retries and idempotency
//!
//! Money moves at most once. A call is repeated only when the failed attempt provably had no
//! effect (the connection was refused, HTTP 429, a gateway code the spec marks as never
//! processed), or when the vendor documents that repeats with the same key are ignored.
//! Queries (`safe` endpoints) are repeated after any transient failure. When a write may
//! have been applied and no usable answer came back, the error's
//! [`outcome_unknown`](runtime::Error::outcome_unknown) is true: query the operation's state,
//! and repeat only if it was not applied, with the same key (each method's docs name it).
//!
//! ```no_run
//! # async fn f(client: retail_apis::jdy::Client, request: retail_apis::jdy::RefundSaveRequest) {
//! match client.refund_save(&request).await {
//!     Ok(refund) => println!("{:?}", refund.in_refund_no),
//!     Err(e) if e.outcome_unknown() => { /* query the refund, then decide */ }
//!     Err(e) if e.is_retryable() => { /* try again later, same refund_no */ }
//!     Err(e) => eprintln!("refused: {e}"),
//! }
//! # }
//! ```
//!
//! # The sandbox
//!
//! `retail-apis sandbox` (the `retail-apis-cli` crate) runs a local gateway that serves every
//! endpoint of the specs compiled into it, checks signatures, timestamps, nonces and tokens
//! as the vendors do, and keeps realistic state (balances, idempotent bills, one-time
//! coupons). Point `JDY_BASE_URL` / `SHOUBEI_BASE_URL` at it and use its test credentials;
//! the `retail-apis-sandbox` crate starts the same gateway inside a test, on a loopback port.

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
