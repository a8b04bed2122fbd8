//! `ShoubeiClient` against a local server: request signing, response verification,
//! envelope checks and retry rules.

mod common;

use std::sync::Arc;

use common::*;
use retail_apis_runtime::shoubei::ShoubeiClient;
use retail_apis_runtime::Error;
use serde_json::json;

async fn client() -> (ShoubeiClient, Arc<Seen>) {
    let (url, seen) = start().await;
    match ShoubeiClient::new(&SHOUBEI, shoubei_config(&url)) {
        Ok(client) => (client, seen),
        Err(e) => panic!("client: {e}"),
    }
}

#[derive(serde::Serialize)]
struct WriteOff<'a> {
    coupon_code: &'a str,
    inst_no: &'a str,
    remark: Option<&'a str>,
}

#[derive(serde::Deserialize, Debug)]
struct WriteOffResponse {
    return_code: String,
    settle_amount: i64,
    coupon_code: String,
}

#[tokio::test]
async fn signed_request_and_verified_response() {
    let (client, seen) = client().await;
    let response: Result<WriteOffResponse, _> = client
        .call(
            &SB_OK,
            &WriteOff {
                coupon_code: "1234567890",
                inst_no: "900024",
                remark: None,
            },
        )
        .await;
    let response = response.unwrap_or_else(|e| panic!("call failed: {e}"));
    assert_eq!(response.return_code, "SUCCESS");
    assert_eq!(response.settle_amount, 1250);
    assert_eq!(response.coupon_code, "1234567890");
    assert_eq!(seen.problems(), Vec::<String>::new());
}

#[tokio::test]
async fn failure_envelope_is_a_business_error() {
    let (client, _) = client().await;
    match client
        .call_value(&SB_FAIL, json!({"coupon_code": "1"}))
        .await
    {
        Err(Error::Business {
            code,
            message,
            known,
            ..
        }) => {
            assert_eq!(code, "0205");
            assert_eq!(message, "券码已退款");
            assert_eq!(known.map(|k| k.name.as_ref()), Some("coupon_refunded"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn missing_or_wrong_response_sign_is_a_mismatch() {
    let (client, _) = client().await;
    for endpoint in [&SB_UNSIGNED, &SB_BAD_SIGN] {
        let error = client
            .call_value(endpoint, json!({"coupon_code": "1"}))
            .await
            .err();
        // An answer that cannot be trusted says nothing about whether the write-off
        // was applied.
        assert_unknown_outcome(error.as_ref(), |e| {
            matches!(e, Error::SignatureMismatch { .. })
        });
    }
}

#[tokio::test]
async fn non_object_request_is_an_encode_error() {
    let (client, seen) = client().await;
    let error = client.call_value(&SB_OK, json!([1, 2])).await.err();
    assert!(matches!(error, Some(Error::Encode { .. })), "{error:?}");
    assert_eq!(seen.hits("/sb/ok"), 0);
}

#[tokio::test]
async fn arrays_and_objects_in_the_request_are_refused_before_sending() {
    let (client, seen) = client().await;
    for (field, value, kind) in [
        ("goods", json!([{"sku": "A1"}]), "array"),
        ("extra", json!({"a": "b"}), "object"),
    ] {
        let mut request = json!({"coupon_code": "1", "inst_no": "900024"});
        request[field] = value;
        match client.call_value(&SB_OK, request).await {
            Err(error @ Error::Encode { .. }) => {
                let text = error.to_string();
                assert!(text.contains(&format!("`{field}`")), "{text}");
                assert!(text.contains(kind), "{text}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(seen.hits("/sb/ok"), 0);
}

#[tokio::test]
async fn response_with_an_array_cannot_be_verified() {
    let (client, _) = client().await;
    let result = client
        .call_value(&SB_NESTED, json!({"coupon_code": "1"}))
        .await;
    // An answer that cannot be verified says nothing about the write-off.
    assert!(
        result.as_ref().is_err_and(Error::outcome_unknown),
        "{result:?}"
    );
    match result.as_ref().map_err(Error::underlying) {
        Err(Error::Decode { message, .. }) => {
            assert!(message.contains("signature cannot be checked"), "{message}");
            assert!(message.contains("`goods`"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn connection_refused_is_retried_even_without_idempotency_key() {
    let port = closed_port();
    let config = shoubei_config(&format!("http://127.0.0.1:{port}"));
    let client = ShoubeiClient::new(&SHOUBEI, config).unwrap_or_else(|e| panic!("{e}"));
    match client.call_value(&SB_OK, json!({"coupon_code": "1"})).await {
        Err(error @ Error::Transport { .. }) => {
            assert!(matches!(
                error,
                Error::Transport {
                    sent: false,
                    attempts: 3,
                    ..
                }
            ));
            let text = error.to_string();
            assert!(text.contains("3 attempt(s)"), "{text}");
            assert!(!text.contains(SB_KEY));
        }
        other => panic!("unexpected {other:?}"),
    }
}
