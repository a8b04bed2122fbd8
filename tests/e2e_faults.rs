//! Fault injection: slow answers, undecodable bodies, transient statuses, spoiled
//! signatures, and answers lost after the work was done. Checks which failures are
//! retried (only where a repeat cannot duplicate an effect), what the caller finally sees,
//! and that effects are applied exactly once.

mod common;

use std::time::Duration;

use common::{
    bounded, fast_transport, jdy_client, jdy_client_with, recharge, shoubei_client, shoubei_config,
    start_sandbox, write_off, COUPON_A,
};
use retail_apis::jdy;
use retail_apis::runtime::{Error, TransportConfig, SNIPPET_LIMIT};
use retail_apis::shoubei;
use retail_apis_sandbox::{CouponState, Fault};

const RECHARGE: &str = "jdy.mall_recharge";
const WRITE_OFF: &str = "shoubei.coupon_write_off";

/// A per-attempt limit far below the injected delay, so the outcome does not depend on
/// scheduling: the delay is ten times the limit, and the limit is still generous for a
/// loopback call on a loaded machine.
fn short_timeout(max_retries: u32) -> TransportConfig {
    TransportConfig {
        timeout: Duration::from_millis(500),
        max_retries,
        ..fast_transport()
    }
}
const SLOW: Duration = Duration::from_secs(5);

fn written_off(state: Option<CouponState>) -> bool {
    matches!(state, Some(CouponState::WrittenOff { .. }))
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client_with(&sandbox.base_url(), short_timeout(0));
        // Fetch the token first so that only the business call meets the delay.
        client.runtime().app_token().await.expect("token");
        sandbox
            .faults()
            .inject(RECHARGE, Fault::Delay(SLOW))
            .expect("fault");

        match client.mall_recharge(&recharge("1.00", "M-T", "T-1")).await {
            Err(Error::Timeout {
                operation,
                timeout,
                attempts,
                ..
            }) => {
                assert_eq!(operation, "mall_recharge");
                assert_eq!(timeout, Duration::from_millis(500));
                assert_eq!(attempts, 1);
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert_eq!(sandbox.request_count(RECHARGE), 1);
    })
    .await;
}

#[tokio::test]
async fn a_timeout_on_an_idempotent_call_is_retried_and_applied_once() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client_with(&sandbox.base_url(), short_timeout(2));
        sandbox
            .faults()
            .inject(RECHARGE, Fault::Delay(SLOW))
            .expect("fault");

        let bill = client
            .mall_recharge(&recharge("7.00", "M-T", "T-2"))
            .await
            .expect("the retry succeeds");
        assert!(bill.bill_no.is_some());
        assert_eq!(sandbox.request_count(RECHARGE), 2);
        // The delayed attempt may still complete on the server; the key keeps it single.
        assert_eq!(sandbox.applied_recharges(), 1);
        assert_eq!(sandbox.member_balance("M-T").cents(), 700);
    })
    .await;
}

#[tokio::test]
async fn a_timeout_on_a_write_off_is_not_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = shoubei::Client::new(retail_apis::runtime::shoubei::ShoubeiConfig {
            transport: short_timeout(2),
            ..shoubei_config(&sandbox.base_url())
        })
        .expect("config");
        sandbox
            .faults()
            .inject(WRITE_OFF, Fault::Delay(SLOW))
            .expect("fault");

        match client.coupon_write_off(&write_off(COUPON_A)).await {
            // The request reached the server and may be processed: a repeat could write
            // the coupon off twice, so the caller gets the timeout.
            Err(Error::Timeout { attempts, .. }) => assert_eq!(attempts, 1),
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert_eq!(sandbox.request_count(WRITE_OFF), 1);
    })
    .await;
}

#[tokio::test]
async fn an_html_page_is_a_decode_error_with_a_bounded_snippet() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        sandbox
            .faults()
            .inject(RECHARGE, Fault::Html { status: 200 })
            .expect("fault");

        match client.mall_recharge(&recharge("1.00", "M-H", "H-1")).await {
            Err(Error::Decode { snippet, .. }) => {
                assert!(snippet.contains("502 Bad Gateway"), "{snippet}");
                assert!(snippet.len() <= SNIPPET_LIMIT, "{} bytes", snippet.len());
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        // A body that cannot be read is not a transient failure: no retry.
        assert_eq!(sandbox.request_count(RECHARGE), 1);
        assert_eq!(sandbox.applied_recharges(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_large_undecodable_body_yields_a_snippet_within_the_limit() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        // Multi-byte characters, so a cut must also respect character boundaries.
        let body = "网关错误".repeat(4096);
        sandbox
            .faults()
            .inject(RECHARGE, Fault::Status { status: 200, body })
            .expect("fault");

        match client.mall_recharge(&recharge("1.00", "M-H", "H-2")).await {
            Err(Error::Decode { snippet, .. }) => {
                assert!(snippet.len() <= SNIPPET_LIMIT, "{} bytes", snippet.len());
                assert!(snippet.starts_with("网关错误"), "{snippet}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn an_html_error_status_is_retried_until_the_retries_run_out() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        sandbox
            .faults()
            .inject_times(RECHARGE, 3, Fault::Html { status: 502 })
            .expect("fault");

        match client.mall_recharge(&recharge("1.00", "M-H", "H-3")).await {
            Err(Error::HttpStatus {
                status, snippet, ..
            }) => {
                assert_eq!(status, 502);
                assert!(snippet.contains("nginx"), "{snippet}");
            }
            other => panic!("expected an HTTP status error, got {other:?}"),
        }
        // One attempt plus `max_retries` (2) repeats, and no more.
        assert_eq!(sandbox.request_count(RECHARGE), 3);
        assert_eq!(sandbox.faults().pending(RECHARGE).expect("known op"), 0);
        assert_eq!(sandbox.applied_recharges(), 0);
    })
    .await;
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        sandbox
            .faults()
            .inject(RECHARGE, Fault::TruncatedJson)
            .expect("fault");

        match client.mall_recharge(&recharge("1.00", "M-J", "J-1")).await {
            Err(Error::Decode {
                operation, message, ..
            }) => {
                assert_eq!(operation, "mall_recharge");
                assert!(message.contains("JSON"), "{message}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        assert_eq!(sandbox.request_count(RECHARGE), 1);

        // The cut answer came from in front of the service; a repeat applies once.
        client
            .mall_recharge(&recharge("1.00", "M-J", "J-1"))
            .await
            .expect("repeat");
        assert_eq!(sandbox.applied_recharges(), 1);
        assert_eq!(sandbox.member_balance("M-J").cents(), 100);
    })
    .await;
}

#[tokio::test]
async fn a_503_on_an_idempotent_call_is_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        sandbox
            .faults()
            .inject_times(RECHARGE, 2, Fault::service_unavailable())
            .expect("fault");

        client
            .mall_recharge(&recharge("2.50", "M-U", "U-1"))
            .await
            .expect("the third attempt succeeds");
        assert_eq!(sandbox.request_count(RECHARGE), 3);
        assert_eq!(sandbox.applied_recharges(), 1);
        assert_eq!(sandbox.member_balance("M-U").cents(), 250);
    })
    .await;
}

#[tokio::test]
async fn a_503_on_the_token_endpoint_is_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        sandbox
            .faults()
            .inject("jdy.app_token", Fault::service_unavailable())
            .expect("fault");

        client
            .mall_recharge(&recharge("1.00", "M-U", "U-2"))
            .await
            .expect("token fetched on the second attempt");
        assert_eq!(sandbox.request_count("jdy.app_token"), 2);
        // One fetch from the cache's point of view; one token issued by the sandbox.
        assert_eq!(client.runtime().token_fetches(), 1);
        assert_eq!(sandbox.token_fetch_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_503_on_a_write_off_is_not_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = shoubei_client(&sandbox.base_url());
        sandbox
            .faults()
            .inject(WRITE_OFF, Fault::service_unavailable())
            .expect("fault");

        match client.coupon_write_off(&write_off(COUPON_A)).await {
            Err(Error::HttpStatus {
                status, snippet, ..
            }) => {
                assert_eq!(status, 503);
                assert!(snippet.contains("service unavailable"), "{snippet}");
            }
            other => panic!("expected an HTTP status error, got {other:?}"),
        }
        assert_eq!(sandbox.request_count(WRITE_OFF), 1);
        assert_eq!(sandbox.coupon_state(COUPON_A), Some(CouponState::Available));

        // The caller decides to repeat; this time the coupon is written off.
        client
            .coupon_write_off(&write_off(COUPON_A))
            .await
            .expect("repeat by the caller");
        assert!(written_off(sandbox.coupon_state(COUPON_A)));
    })
    .await;
}

#[tokio::test]
async fn a_gateway_5003_on_an_idempotent_call_is_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        sandbox
            .faults()
            .inject(RECHARGE, Fault::Gateway { code: 5003 })
            .expect("fault");

        client
            .mall_recharge(&recharge("1.00", "M-G", "G-1"))
            .await
            .expect("retried past the gateway rejection");
        assert_eq!(sandbox.request_count(RECHARGE), 2);
        assert_eq!(sandbox.applied_recharges(), 1);

        // When the rejections outlast the retries, the caller sees the gateway code.
        sandbox
            .faults()
            .inject_times(RECHARGE, 3, Fault::Gateway { code: 5003 })
            .expect("fault");
        match client.mall_recharge(&recharge("1.00", "M-G", "G-2")).await {
            Err(error @ Error::Gateway { .. }) => {
                assert_eq!(error.code(), Some("5003"));
                assert!(error.is_retryable());
                assert_eq!(
                    error.known().map(|k| k.name),
                    Some("gateway_service_unavailable")
                );
            }
            other => panic!("expected a gateway rejection, got {other:?}"),
        }
        assert_eq!(sandbox.request_count(RECHARGE), 5);
        assert_eq!(sandbox.applied_recharges(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_non_retryable_gateway_code_is_not_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        // 5001 (gateway_not_found) is not marked retryable in the spec.
        sandbox
            .faults()
            .inject(RECHARGE, Fault::Gateway { code: 5001 })
            .expect("fault");
        let error = client
            .mall_recharge(&recharge("1.00", "M-G", "G-3"))
            .await
            .expect_err("rejected");
        assert_eq!(error.code(), Some("5001"));
        assert_eq!(sandbox.request_count(RECHARGE), 1);
    })
    .await;
}

#[tokio::test]
async fn a_429_on_an_idempotent_call_is_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        sandbox
            .faults()
            .inject(RECHARGE, Fault::TooManyRequests)
            .expect("fault");

        client
            .mall_recharge(&recharge("1.00", "M-Q", "Q-1"))
            .await
            .expect("retried after 429");
        assert_eq!(sandbox.request_count(RECHARGE), 2);
        assert_eq!(sandbox.applied_recharges(), 1);

        // The same status on the non-idempotent write-off reaches the caller.
        sandbox
            .faults()
            .inject(WRITE_OFF, Fault::TooManyRequests)
            .expect("fault");
        let result = shoubei_client(&sandbox.base_url())
            .coupon_write_off(&write_off(COUPON_A))
            .await;
        assert!(
            matches!(result, Err(Error::HttpStatus { status: 429, .. })),
            "{result:?}"
        );
        assert_eq!(sandbox.request_count(WRITE_OFF), 1);
    })
    .await;
}

#[tokio::test]
async fn a_wrong_response_sign_is_a_signature_mismatch() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = shoubei_client(&sandbox.base_url());
        sandbox
            .faults()
            .inject(WRITE_OFF, Fault::WrongSign)
            .expect("fault");

        match client.coupon_write_off(&write_off(COUPON_A)).await {
            Err(Error::SignatureMismatch { operation, .. }) => {
                assert_eq!(operation, "coupon_write_off")
            }
            other => panic!("expected a signature mismatch, got {other:?}"),
        }
        assert_eq!(sandbox.request_count(WRITE_OFF), 1);
        // The service did the work; only its answer was untrustworthy. A repeat finds
        // the coupon used, which is how the caller learns the first call went through.
        assert!(written_off(sandbox.coupon_state(COUPON_A)));
        let repeat = client.coupon_write_off(&write_off(COUPON_A)).await;
        assert_eq!(
            repeat.err().as_ref().and_then(Error::code),
            Some("0203"),
            "the coupon was written off by the first call"
        );
    })
    .await;
}

#[tokio::test]
async fn a_lost_recharge_answer_is_retried_and_applied_exactly_once() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        sandbox
            .faults()
            .inject(RECHARGE, Fault::ApplyThenFail { status: 503 })
            .expect("fault");

        let bill = client
            .mall_recharge(&recharge("88.80", "M-A", "A-1"))
            .await
            .expect("the retry gets the first answer");
        assert_eq!(sandbox.request_count(RECHARGE), 2);
        assert_eq!(sandbox.applied_recharges(), 1);
        assert_eq!(sandbox.member_balance("M-A").cents(), 8880);
        // The answer the client got is the bill the lost answer carried.
        let again = client
            .mall_recharge(&recharge("88.80", "M-A", "A-1"))
            .await
            .expect("repeat");
        assert_eq!(again, bill);
        assert_eq!(sandbox.member_balance("M-A").cents(), 8880);
    })
    .await;
}

#[tokio::test]
async fn lost_answers_that_outlast_the_retries_still_apply_once() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        // Every attempt, retries included, does the work and loses the answer.
        sandbox
            .faults()
            .inject_times(RECHARGE, 3, Fault::ApplyThenFail { status: 504 })
            .expect("fault");

        let result = client.mall_recharge(&recharge("10.00", "M-A", "A-2")).await;
        assert!(
            matches!(result, Err(Error::HttpStatus { status: 504, .. })),
            "{result:?}"
        );
        assert_eq!(sandbox.request_count(RECHARGE), 3);
        assert_eq!(sandbox.applied_recharges(), 1);
        assert_eq!(sandbox.member_balance("M-A").cents(), 1000);

        // Once the answers get through, the caller's repeat is told of the same bill.
        client
            .mall_recharge(&recharge("10.00", "M-A", "A-2"))
            .await
            .expect("repeat");
        assert_eq!(sandbox.applied_recharges(), 1);
        assert_eq!(sandbox.member_balance("M-A").cents(), 1000);
    })
    .await;
}

#[tokio::test]
async fn lost_cancel_and_refund_answers_are_applied_once() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        sandbox
            .faults()
            .inject(
                "jdy.mall_pre_write_off_cancel",
                Fault::ApplyThenFail { status: 502 },
            )
            .expect("fault");
        sandbox
            .faults()
            .inject("jdy.refund_save", Fault::ApplyThenFail { status: 500 })
            .expect("fault");

        let cancel = jdy::MallPreWriteOffCancelRequest::new("M-B", "PRE-1").member_deals(
            jdy::MemberDeals::new().recharge_consume(jdy::RechargeConsume::new().amt("12.34")),
        );
        client
            .mall_pre_write_off_cancel(&cancel)
            .await
            .expect("cancel retried");
        assert_eq!(sandbox.request_count("jdy.mall_pre_write_off_cancel"), 2);
        assert_eq!(sandbox.applied_cancels(), 1);
        assert_eq!(sandbox.member_balance("M-B").cents(), 1234);

        let refund = jdy::RefundSaveRequest::new(
            None,
            "pay.refund",
            "M1001",
            "R-9",
            None,
            "1",
            "127.0.0.1",
            "0002",
        )
        .refund_amount("100");
        let saved = client.refund_save(&refund).await.expect("refund retried");
        assert_eq!(sandbox.request_count("jdy.refund_save"), 2);
        assert_eq!(sandbox.refund_count(), 1);
        let recorded = sandbox.refund("R-9").expect("recorded");
        assert_eq!(
            recorded["in_refund_no"].as_str(),
            saved.in_refund_no.as_deref()
        );
    })
    .await;
}

#[tokio::test]
async fn a_lost_write_off_answer_is_not_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = shoubei_client(&sandbox.base_url());
        sandbox
            .faults()
            .inject(WRITE_OFF, Fault::ApplyThenFail { status: 503 })
            .expect("fault");

        let result = client.coupon_write_off(&write_off(COUPON_A)).await;
        assert!(
            matches!(result, Err(Error::HttpStatus { status: 503, .. })),
            "{result:?}"
        );
        // Without an idempotency key a blind repeat would be refused as a second
        // write-off, so the client hands the ambiguity to the caller.
        assert_eq!(sandbox.request_count(WRITE_OFF), 1);
        assert!(written_off(sandbox.coupon_state(COUPON_A)));
    })
    .await;
}
