//! Gateway and signature failures against the sandbox: wrong credentials, clock skew,
//! nonce replay, expired app-tokens (both answers the platform gives) and a wrong Shoubei
//! key. Each test checks the precise error variant and that nothing was applied.

mod common;

use std::time::Duration;

use common::{
    bounded, jdy_client, jdy_client_adjusted, recharge, shoubei_client_adjusted, start_sandbox,
    write_off,
};
use retail_apis::jdy;
use retail_apis::runtime::jdy::headers::{
    APP_TOKEN, X_API_AUTH_VERSION, X_API_CLIENT_ID, X_API_NONCE, X_API_SIGNATURE,
    X_API_SIGN_HEADERS, X_API_TIMESTAMP, X_GW_ROUTER_ADDR,
};
use retail_apis::runtime::jdy::signing::{self, CanonicalRequest};
use retail_apis::runtime::Error;
use retail_apis::runtime::{ErrorAction, HttpMethod, Secret};
use retail_apis_sandbox::{config as creds, CouponState, ExpiredTokenAnswer};
use serde_json::{json, Value};

/// Operation, status, code and descriptor name of a gateway rejection.
fn gateway<T: std::fmt::Debug>(
    result: Result<T, Error>,
) -> (&'static str, u16, String, String, Option<&'static str>) {
    match result {
        Err(Error::Gateway {
            operation,
            status,
            code,
            message,
            known,
            ..
        }) => (
            operation,
            status,
            code,
            message,
            known.map(|k| k.name.as_ref()),
        ),
        other => panic!("expected a gateway rejection, got {other:?}"),
    }
}

const MINUTE_MS: i64 = 60 * 1000;

#[tokio::test]
async fn a_wrong_client_secret_is_rejected_with_4008() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client_adjusted(&sandbox.base_url(), |c| {
            c.client_secret = Secret::new("not-the-secret")
        });

        let result = client.mall_recharge(&recharge("1.00", "M-1", "B-1")).await;
        let (operation, status, code, message, name) = gateway(result);
        // The token request is the first signed request, so it is the one rejected.
        assert_eq!(operation, "app_token");
        assert_eq!(status, 519);
        assert_eq!(code, "4008");
        assert_eq!(name, Some("signature_invalid"));
        assert!(message.contains("X-Api-Signature"), "{message}");
        // A signature error is not transient: no retry, no token, nothing applied.
        assert_eq!(sandbox.request_count("jdy.app_token"), 1);
        assert_eq!(sandbox.request_count("jdy.mall_recharge"), 0);
        assert_eq!(sandbox.token_fetch_count(), 0);
        assert_eq!(sandbox.applied_recharges(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_wrong_app_secret_is_a_reauthorize_business_error() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client_adjusted(&sandbox.base_url(), |c| {
            c.app_secret = Secret::new("not-the-app-secret")
        });

        let error = client
            .mall_recharge(&recharge("1.00", "M-1", "B-1"))
            .await
            .expect_err("no token without the app secret");
        match &error {
            Error::Business {
                operation, code, ..
            } => {
                assert_eq!(*operation, "app_token");
                assert_eq!(code, "1030002006");
            }
            other => panic!("expected a business error, got {other:?}"),
        }
        // New app credentials must come from the tenant, so the client does not retry.
        assert_eq!(error.action(), ErrorAction::Reauthorize);
        assert_eq!(sandbox.request_count("jdy.app_token"), 1);
        assert_eq!(sandbox.token_fetch_count(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_wrong_tenant_domain_is_rejected_with_4012() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client_adjusted(&sandbox.base_url(), |c| {
            c.domain = "https://other.jdy.com".to_owned()
        });

        let result = client.mall_recharge(&recharge("1.00", "M-1", "B-1")).await;
        let (operation, status, code, _, name) = gateway(result);
        // The token endpoint does not route by tenant; the business call does.
        assert_eq!(operation, "mall_recharge");
        assert_eq!((status, code.as_str()), (519, "4012"));
        assert_eq!(name, Some("no_permission"));
        assert_eq!(sandbox.token_fetch_count(), 1);
        assert_eq!(sandbox.applied_recharges(), 0);
    })
    .await;
}

#[tokio::test]
async fn clock_skew_beyond_five_minutes_is_rejected_with_4006() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        // Fetch the token first, so the skew hits the business call.
        client
            .mall_recharge(&recharge("1.00", "M-1", "B-1"))
            .await
            .expect("in sync");

        for skew in [5 * MINUTE_MS + 30_000, -(5 * MINUTE_MS + 30_000)] {
            sandbox.set_clock_skew_ms(skew);
            let before = sandbox.request_count("jdy.mall_recharge");
            let result = client.mall_recharge(&recharge("1.00", "M-1", "B-2")).await;
            let (operation, status, code, _, name) = gateway(result);
            assert_eq!(operation, "mall_recharge", "skew {skew}");
            assert_eq!((status, code.as_str()), (519, "4006"), "skew {skew}");
            assert_eq!(name, Some("timestamp_invalid"));
            // Not transient: repeating with the same clock cannot help.
            assert_eq!(sandbox.request_count("jdy.mall_recharge"), before + 1);
        }
        assert_eq!(sandbox.applied_recharges(), 1);

        // Inside the window the gateway accepts the request.
        sandbox.set_clock_skew_ms(4 * MINUTE_MS);
        client
            .mall_recharge(&recharge("1.00", "M-1", "B-2"))
            .await
            .expect("4 minutes of skew are inside the window");
        assert_eq!(sandbox.applied_recharges(), 2);
        assert_eq!(sandbox.member_balance("M-1").cents(), 200);
    })
    .await;
}

/// Sends one gateway-signed POST with a fixed nonce and timestamp, as a replaying
/// attacker would: the same headers and body byte for byte.
async fn send_signed(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    nonce: &str,
    timestamp: &str,
    body: &Value,
) -> (u16, Value) {
    let path: &str = &jdy::endpoints::MALL_RECHARGE.path;
    let signature = signing::gateway_signature(
        &CanonicalRequest {
            method: HttpMethod::Post,
            path,
            query: &[],
            headers: vec![(X_API_TIMESTAMP, timestamp), (X_API_NONCE, nonce)],
        },
        creds::CLIENT_SECRET,
    );
    let response = http
        .post(format!("{base_url}{path}"))
        .header(X_API_CLIENT_ID, creds::CLIENT_ID)
        .header(X_API_AUTH_VERSION, "2.0")
        .header(X_API_TIMESTAMP, timestamp)
        .header(X_API_NONCE, nonce)
        .header(X_API_SIGN_HEADERS, "X-Api-TimeStamp,X-Api-Nonce")
        .header(X_API_SIGNATURE, signature)
        .header(X_GW_ROUTER_ADDR, creds::DOMAIN)
        .header(APP_TOKEN, token)
        .json(body)
        .send()
        .await
        .expect("loopback request");
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.expect("JSON answer");
    (status, body)
}

#[tokio::test]
async fn a_replayed_nonce_is_rejected_with_4008() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        let token = client.runtime().app_token().await.expect("token");
        let http = common::http_builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("HTTP client");
        // Sign with the sandbox clock, which is what the gateway compares against.
        let timestamp = sandbox.now_ms().to_string();
        let body =
            json!({"bal_amount": "5.00", "member_id": "M-R", "source": 9, "src_bill_id": "R-1"});

        let (status, first) = send_signed(
            &http,
            &sandbox.base_url(),
            token.expose(),
            "4427456950",
            &timestamp,
            &body,
        )
        .await;
        assert_eq!(status, 200, "{first}");
        assert_eq!(first["errcode"], json!(0), "{first}");

        let (status, replay) = send_signed(
            &http,
            &sandbox.base_url(),
            token.expose(),
            "4427456950",
            &timestamp,
            &body,
        )
        .await;
        assert_eq!(status, 519, "{replay}");
        assert_eq!(replay["errcode"], json!(4008), "{replay}");
        let description = replay["description"].as_str().unwrap_or_default();
        assert!(description.contains("replay"), "{description}");

        // A fresh nonce with the same timestamp is fine.
        let (status, fresh) = send_signed(
            &http,
            &sandbox.base_url(),
            token.expose(),
            "4427456951",
            &timestamp,
            &body,
        )
        .await;
        assert_eq!((status, &fresh["errcode"]), (200, &json!(0)), "{fresh}");
        assert_eq!(fresh["data"], first["data"], "idempotent on src_bill_id");

        assert_eq!(sandbox.request_count("jdy.mall_recharge"), 3);
        assert_eq!(sandbox.applied_recharges(), 1);
        assert_eq!(sandbox.member_balance("M-R").cents(), 500);
    })
    .await;
}

async fn expired_token_is_refreshed_once(answer: ExpiredTokenAnswer) {
    let sandbox = start_sandbox().await;
    sandbox.set_expired_token_answer(answer);
    let client = jdy_client(&sandbox.base_url());
    client
        .mall_recharge(&recharge("1.00", "M-E", "E-1"))
        .await
        .expect("first call");
    assert_eq!(client.runtime().token_fetches(), 1);
    assert_eq!(sandbox.token_fetch_count(), 1);

    sandbox.expire_tokens();
    client
        .mall_recharge(&recharge("2.00", "M-E", "E-2"))
        .await
        .expect("the call succeeds after one refresh");

    assert_eq!(client.runtime().token_fetches(), 2);
    assert_eq!(sandbox.token_fetch_count(), 2);
    // First call, the rejected attempt with the old token, the repeat with the new one.
    assert_eq!(sandbox.request_count("jdy.mall_recharge"), 3);
    assert_eq!(sandbox.applied_recharges(), 2);
    assert_eq!(sandbox.member_balance("M-E").cents(), 300);

    // The new token is cached: the next call fetches nothing.
    client
        .mall_recharge(&recharge("3.00", "M-E", "E-3"))
        .await
        .expect("third call");
    assert_eq!(client.runtime().token_fetches(), 2);
    assert_eq!(sandbox.token_fetch_count(), 2);
}

#[tokio::test]
async fn an_expired_token_answered_by_the_gateway_is_refreshed_once() {
    bounded(expired_token_is_refreshed_once(ExpiredTokenAnswer::Gateway)).await;
}

#[tokio::test]
async fn an_expired_token_answered_as_a_business_error_is_refreshed_once() {
    bounded(expired_token_is_refreshed_once(
        ExpiredTokenAnswer::Business,
    ))
    .await;
}

#[tokio::test]
async fn a_token_rejected_again_after_refresh_is_not_refreshed_in_a_loop() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        client
            .mall_recharge(&recharge("1.00", "M-L", "L-1"))
            .await
            .expect("first call");
        // Every token issued from now on is born expired.
        sandbox.set_token_ttl(Duration::ZERO);
        sandbox.expire_tokens();

        let (operation, status, code, _, _) =
            gateway(client.mall_recharge(&recharge("1.00", "M-L", "L-2")).await);
        assert_eq!(
            (operation, status, code.as_str()),
            ("mall_recharge", 519, "4011")
        );
        assert_eq!(client.runtime().token_fetches(), 2);
        assert_eq!(sandbox.token_fetch_count(), 2);
        assert_eq!(sandbox.request_count("jdy.mall_recharge"), 3);
        assert_eq!(sandbox.applied_recharges(), 1);
    })
    .await;
}

#[tokio::test]
async fn concurrent_calls_with_an_expired_token_share_one_refresh() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        client
            .mall_recharge(&recharge("1.00", "M-C", "C-0"))
            .await
            .expect("first call");
        sandbox.expire_tokens();

        let tasks: Vec<_> = (1..=8)
            .map(|i| {
                let client = client.clone();
                tokio::spawn(async move {
                    client
                        .mall_recharge(&recharge("1.00", "M-C", &format!("C-{i}")))
                        .await
                })
            })
            .collect();
        for task in tasks {
            task.await
                .expect("task")
                .expect("call succeeds after refresh");
        }
        // Every call held the same expired token; the cache drops it once, so one fetch.
        assert_eq!(client.runtime().token_fetches(), 2);
        assert_eq!(sandbox.token_fetch_count(), 2);
        assert_eq!(sandbox.applied_recharges(), 9);
        assert_eq!(sandbox.member_balance("M-C").cents(), 900);
    })
    .await;
}

#[tokio::test]
async fn a_wrong_shoubei_key_is_a_signature_mismatch() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client =
            shoubei_client_adjusted(&sandbox.base_url(), |c| c.key = Secret::new("not-the-key"));

        let result = client.coupon_write_off(&write_off(common::COUPON_A)).await;
        // The sandbox refuses the request sign and signs its refusal with the real key,
        // which the client cannot verify with its wrong key: an unverifiable answer is
        // reported as such, not trusted as a business error, and what happened to the
        // write-off is unknown to the client.
        let error = result.expect_err("unverifiable answer");
        assert!(error.outcome_unknown(), "{error:?}");
        match error.underlying() {
            Error::SignatureMismatch { service, operation } => {
                assert_eq!((*service, *operation), ("shoubei", "coupon_write_off"));
            }
            other => panic!("expected a signature mismatch, got {other:?}"),
        }
        assert_eq!(sandbox.request_count("shoubei.coupon_write_off"), 1);
        assert_eq!(
            sandbox.coupon_state(common::COUPON_A),
            Some(CouponState::Available)
        );
    })
    .await;
}
