//! Fault injection: slow answers, undecodable bodies, transient statuses, spoiled
//! signatures, and answers lost after the work was done. Checks which failures are
//! retried (only where the failed attempt provably had no effect, or the vendor documents
//! that repeats are ignored: the pre-write-off cancel), what the caller finally sees (an
//! unknown outcome when a write may have been applied), and that effects are applied once.

mod common;

use std::time::Duration;

use common::{
    bounded, fast_transport, inject, jdy_client, jdy_client_with, recharge, refund, shoubei_client,
    shoubei_client_adjusted, start_sandbox, write_off, COUPON_A,
};
use retail_apis::jdy;
use retail_apis::runtime::{Error, Processed, TransportConfig, SNIPPET_LIMIT};
use retail_apis_sandbox::{CouponState, Fault};

const RECHARGE: &str = "jdy.mall_recharge";
const CANCEL: &str = "jdy.mall_pre_write_off_cancel";
const REFUND: &str = "jdy.refund_save";
const WRITE_OFF: &str = "shoubei.coupon_write_off";

/// A cancel of a pre-write-off that gives `amount` back to `member`; page 000 documents
/// that a repeated `src_bill_id` is answered as already processed.
fn cancel(member: &str, src_bill_id: &str, amount: &str) -> jdy::MallPreWriteOffCancelRequest {
    jdy::MallPreWriteOffCancelRequest::new(member, src_bill_id).member_deals(
        jdy::MemberDeals::new()
            .recharge_consume(jdy::RechargeConsume::new().amt(common::decimal(amount))),
    )
}

/// The error of a write that may have been applied: outcome unknown, naming the key.
#[track_caller]
fn unknown_outcome<T: std::fmt::Debug>(result: Result<T, Error>, key: Option<&str>) -> Error {
    match result {
        Err(Error::OutcomeUnknown {
            key: named, cause, ..
        }) => {
            assert_eq!(named, key);
            *cause
        }
        other => panic!("expected an unknown outcome, got {other:?}"),
    }
}

/// A per-attempt limit far below the injected delay, so the outcome does not depend on
/// scheduling: the delay is ten times the limit, and the limit is still generous for a
/// loopback call on a loaded machine.
fn short_timeout(max_retries: u32) -> TransportConfig {
    fast_transport()
        .timeout(Duration::from_millis(500))
        .max_retries(max_retries)
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
        inject(&sandbox, RECHARGE, 1, Fault::Delay(SLOW));

        let result = client.mall_recharge(&recharge("1.00", "M-T", "T-1")).await;
        match unknown_outcome(result, Some("src_bill_id")) {
            Error::Timeout {
                operation,
                timeout,
                attempts,
                ..
            } => {
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
async fn a_timeout_on_a_recharge_is_not_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client_with(&sandbox.base_url(), short_timeout(2));
        client.runtime().app_token().await.expect("token");
        inject(&sandbox, RECHARGE, 1, Fault::Delay(SLOW));

        // No page says a repeated src_bill_id is ignored by the recharge: the delayed
        // request may still be applied, so a repeat could recharge twice.
        let result = client.mall_recharge(&recharge("7.00", "M-T", "T-2")).await;
        let cause = unknown_outcome(result, Some("src_bill_id"));
        assert!(
            matches!(cause, Error::Timeout { attempts: 1, .. }),
            "{cause:?}"
        );
        assert_eq!(sandbox.request_count(RECHARGE), 1);
    })
    .await;
}

#[tokio::test]
async fn a_timeout_on_an_idempotent_call_is_retried_and_applied_once() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client_with(&sandbox.base_url(), short_timeout(2));
        inject(&sandbox, CANCEL, 1, Fault::Delay(SLOW));

        client
            .mall_pre_write_off_cancel(&cancel("M-T", "T-3", "7.00"))
            .await
            .expect("the retry succeeds");
        assert_eq!(sandbox.request_count(CANCEL), 2);
        // The delayed attempt may still complete on the server; the key keeps it single.
        assert_eq!(sandbox.applied_cancels(), 1);
        assert_eq!(sandbox.member_balance("M-T").cents(), 700);
    })
    .await;
}

#[tokio::test]
async fn a_timeout_on_a_write_off_is_not_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client =
            shoubei_client_adjusted(&sandbox.base_url(), |c| c.transport = short_timeout(2));
        inject(&sandbox, WRITE_OFF, 1, Fault::Delay(SLOW));

        // The request reached the server and may be processed: a repeat could write the
        // coupon off twice, so the caller learns that the outcome is unknown.
        let result = client.coupon_write_off(&write_off(COUPON_A)).await;
        match unknown_outcome(result, None) {
            Error::Timeout { attempts, .. } => assert_eq!(attempts, 1),
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
        inject(&sandbox, RECHARGE, 1, Fault::Html { status: 200 });

        // An unreadable 200 says nothing about whether the recharge was applied.
        let result = client.mall_recharge(&recharge("1.00", "M-H", "H-1")).await;
        match unknown_outcome(result, Some("src_bill_id")) {
            Error::Decode { snippet, .. } => {
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
        inject(&sandbox, RECHARGE, 1, Fault::Status { status: 200, body });

        let result = client.mall_recharge(&recharge("1.00", "M-H", "H-2")).await;
        match unknown_outcome(result, Some("src_bill_id")) {
            Error::Decode { snippet, .. } => {
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
        inject(&sandbox, CANCEL, 3, Fault::Html { status: 502 });

        let result = client
            .mall_pre_write_off_cancel(&cancel("M-H", "H-3", "1.00"))
            .await;
        match unknown_outcome(result, Some("src_bill_id")) {
            Error::HttpStatus {
                status, snippet, ..
            } => {
                assert_eq!(status, 502);
                assert!(snippet.contains("nginx"), "{snippet}");
            }
            other => panic!("expected an HTTP status error, got {other:?}"),
        }
        // One attempt plus `max_retries` (2) repeats, and no more.
        assert_eq!(sandbox.request_count(CANCEL), 3);
        assert_eq!(sandbox.faults().pending(CANCEL).expect("known op"), 0);
        assert_eq!(sandbox.applied_cancels(), 0);
    })
    .await;
}

#[tokio::test]
async fn an_html_error_status_on_a_recharge_is_not_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        inject(&sandbox, RECHARGE, 3, Fault::Html { status: 502 });

        let result = client.mall_recharge(&recharge("1.00", "M-H", "H-4")).await;
        let cause = unknown_outcome(result, Some("src_bill_id"));
        assert!(
            matches!(cause, Error::HttpStatus { status: 502, .. }),
            "{cause:?}"
        );
        assert_eq!(sandbox.request_count(RECHARGE), 1);
    })
    .await;
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        inject(&sandbox, RECHARGE, 1, Fault::TruncatedJson);

        let result = client.mall_recharge(&recharge("1.00", "M-J", "J-1")).await;
        match unknown_outcome(result, Some("src_bill_id")) {
            Error::Decode {
                operation, message, ..
            } => {
                assert_eq!(operation, "mall_recharge");
                assert!(message.contains("JSON"), "{message}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        assert_eq!(sandbox.request_count(RECHARGE), 1);

        // The cut answer came from in front of the service: the caller's query shows no
        // recharge, so it repeats with the same src_bill_id, which applies once.
        assert_eq!(sandbox.applied_recharges(), 0);
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
        inject(&sandbox, CANCEL, 2, Fault::service_unavailable());

        client
            .mall_pre_write_off_cancel(&cancel("M-U", "U-1", "2.50"))
            .await
            .expect("the third attempt succeeds");
        assert_eq!(sandbox.request_count(CANCEL), 3);
        assert_eq!(sandbox.applied_cancels(), 1);
        assert_eq!(sandbox.member_balance("M-U").cents(), 250);

        // The same answer on the recharge, whose key has no evidence, is not repeated.
        inject(&sandbox, RECHARGE, 1, Fault::service_unavailable());
        let result = client.mall_recharge(&recharge("2.50", "M-U", "U-2")).await;
        unknown_outcome(result, Some("src_bill_id"));
        assert_eq!(sandbox.request_count(RECHARGE), 1);
    })
    .await;
}

#[tokio::test]
async fn a_503_on_the_token_endpoint_is_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        inject(&sandbox, "jdy.app_token", 1, Fault::service_unavailable());

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
        inject(&sandbox, WRITE_OFF, 1, Fault::service_unavailable());

        let result = client.coupon_write_off(&write_off(COUPON_A)).await;
        match unknown_outcome(result, None) {
            Error::HttpStatus {
                status, snippet, ..
            } => {
                assert_eq!(status, 503);
                assert!(snippet.contains("service unavailable"), "{snippet}");
            }
            other => panic!("expected an HTTP status error, got {other:?}"),
        }
        assert_eq!(sandbox.request_count(WRITE_OFF), 1);
        assert_eq!(sandbox.coupon_state(COUPON_A), Some(CouponState::Available));

        // The caller's query finds the coupon unused, so it repeats; this time the coupon
        // is written off.
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
        inject(&sandbox, CANCEL, 1, Fault::Gateway { code: 5003 });

        client
            .mall_pre_write_off_cancel(&cancel("M-G", "G-1", "1.00"))
            .await
            .expect("retried past the gateway rejection");
        assert_eq!(sandbox.request_count(CANCEL), 2);
        assert_eq!(sandbox.applied_cancels(), 1);

        // When the rejections outlast the retries, the caller sees the gateway code behind
        // an unknown outcome (5003 may come after forwarding).
        inject(&sandbox, CANCEL, 3, Fault::Gateway { code: 5003 });
        let result = client
            .mall_pre_write_off_cancel(&cancel("M-G", "G-2", "1.00"))
            .await;
        let cause = unknown_outcome(result, Some("src_bill_id"));
        assert_eq!(cause.code(), Some("5003"));
        assert!(cause.is_retryable());
        assert_eq!(
            cause.known().map(|k| k.name.as_ref()),
            Some("gateway_service_unavailable")
        );
        assert_eq!(sandbox.request_count(CANCEL), 5);
        assert_eq!(sandbox.applied_cancels(), 1);
    })
    .await;
}

#[tokio::test]
async fn gateway_codes_retry_a_recharge_only_when_the_spec_says_never_processed() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        // Every retryable gateway code of the spec: those answered before forwarding are
        // repeated, the others end in an unknown outcome after one request.
        let retryable: Vec<_> = jdy::ERRORS
            .iter()
            .filter(|e| e.retryable && e.http_status.is_some())
            .collect();
        assert!(retryable.iter().any(|e| e.processed == Processed::Never));
        assert!(retryable.iter().any(|e| e.processed == Processed::Maybe));
        for (i, info) in retryable.into_iter().enumerate() {
            let code: u32 = info.code.parse().expect("numeric gateway code");
            let before = sandbox.request_count(RECHARGE);
            inject(&sandbox, RECHARGE, 1, Fault::Gateway { code });
            let result = client
                .mall_recharge(&recharge("1.00", "M-G", &format!("GC-{i}")))
                .await;
            let requests = sandbox.request_count(RECHARGE) - before;
            match info.processed {
                Processed::Never => {
                    result.unwrap_or_else(|e| panic!("{code}: {e}"));
                    assert_eq!(requests, 2, "{code}");
                }
                Processed::Maybe => {
                    let cause = unknown_outcome(result, Some("src_bill_id"));
                    assert_eq!(cause.code(), Some(info.code.as_ref()));
                    assert_eq!(requests, 1, "{code}");
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_non_retryable_gateway_code_is_not_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        // 5001 (gateway_not_found) is not marked retryable in the spec.
        inject(&sandbox, RECHARGE, 1, Fault::Gateway { code: 5001 });
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
async fn a_429_is_retried_on_any_endpoint() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        inject(&sandbox, RECHARGE, 1, Fault::TooManyRequests);

        client
            .mall_recharge(&recharge("1.00", "M-Q", "Q-1"))
            .await
            .expect("retried after 429");
        assert_eq!(sandbox.request_count(RECHARGE), 2);
        assert_eq!(sandbox.applied_recharges(), 1);

        // A rate limit answers before any work, so even the write-off, which has no
        // idempotency key, is repeated, and the coupon is written off once.
        inject(&sandbox, WRITE_OFF, 1, Fault::TooManyRequests);
        shoubei_client(&sandbox.base_url())
            .coupon_write_off(&write_off(COUPON_A))
            .await
            .expect("retried after 429");
        assert_eq!(sandbox.request_count(WRITE_OFF), 2);
        assert!(written_off(sandbox.coupon_state(COUPON_A)));
    })
    .await;
}

#[tokio::test]
async fn a_wrong_response_sign_is_a_signature_mismatch() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = shoubei_client(&sandbox.base_url());
        inject(&sandbox, WRITE_OFF, 1, Fault::WrongSign);

        // An answer that cannot be trusted says nothing about the outcome.
        let result = client.coupon_write_off(&write_off(COUPON_A)).await;
        match unknown_outcome(result, None) {
            Error::SignatureMismatch { operation, .. } => {
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
async fn a_lost_refund_answer_is_not_retried_and_the_outcome_is_unknown() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        inject(&sandbox, REFUND, 1, Fault::ApplyThenFail { status: 500 });

        // The refund is applied, then its answer is lost. No page says a repeated
        // refund_no is ignored, so a retry could refund twice: exactly one call is made.
        let error = client
            .refund_save(&refund("R-9", "100"))
            .await
            .expect_err("the answer was lost");
        assert!(error.outcome_unknown(), "{error:?}");
        assert_eq!(sandbox.request_count(REFUND), 1);
        assert_eq!(sandbox.refund_count(), 1);
        assert!(sandbox.refund("R-9").is_some());
        assert!(
            matches!(error.underlying(), Error::HttpStatus { status: 500, .. }),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(text.contains("outcome unknown"), "{text}");
        assert!(text.contains("`refund_no`"), "{text}");
    })
    .await;
}

#[tokio::test]
async fn a_lost_recharge_answer_is_not_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        inject(&sandbox, RECHARGE, 1, Fault::ApplyThenFail { status: 503 });

        let result = client.mall_recharge(&recharge("88.80", "M-A", "A-1")).await;
        unknown_outcome(result, Some("src_bill_id"));
        assert_eq!(sandbox.request_count(RECHARGE), 1);
        assert_eq!(sandbox.applied_recharges(), 1);
        assert_eq!(sandbox.member_balance("M-A").cents(), 8880);
    })
    .await;
}

#[tokio::test]
async fn a_lost_cancel_answer_is_retried_and_applied_exactly_once() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        inject(&sandbox, CANCEL, 1, Fault::ApplyThenFail { status: 502 });

        client
            .mall_pre_write_off_cancel(&cancel("M-B", "PRE-1", "12.34"))
            .await
            .expect("cancel retried");
        assert_eq!(sandbox.request_count(CANCEL), 2);
        assert_eq!(sandbox.applied_cancels(), 1);
        assert_eq!(sandbox.member_balance("M-B").cents(), 1234);
    })
    .await;
}

#[tokio::test]
async fn lost_answers_that_outlast_the_retries_still_apply_once() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        // Every attempt, retries included, does the work and loses the answer.
        inject(&sandbox, CANCEL, 3, Fault::ApplyThenFail { status: 504 });

        let result = client
            .mall_pre_write_off_cancel(&cancel("M-A", "A-2", "10.00"))
            .await;
        let cause = unknown_outcome(result, Some("src_bill_id"));
        assert!(
            matches!(cause, Error::HttpStatus { status: 504, .. }),
            "{cause:?}"
        );
        assert_eq!(sandbox.request_count(CANCEL), 3);
        assert_eq!(sandbox.applied_cancels(), 1);
        assert_eq!(sandbox.member_balance("M-A").cents(), 1000);

        // Once the answers get through, the caller's repeat with the same key applies
        // nothing more.
        client
            .mall_pre_write_off_cancel(&cancel("M-A", "A-2", "10.00"))
            .await
            .expect("repeat");
        assert_eq!(sandbox.applied_cancels(), 1);
        assert_eq!(sandbox.member_balance("M-A").cents(), 1000);
    })
    .await;
}

#[tokio::test]
async fn a_lost_write_off_answer_is_not_retried() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = shoubei_client(&sandbox.base_url());
        inject(&sandbox, WRITE_OFF, 1, Fault::ApplyThenFail { status: 503 });

        let result = client.coupon_write_off(&write_off(COUPON_A)).await;
        let cause = unknown_outcome(result, None);
        assert!(
            matches!(cause, Error::HttpStatus { status: 503, .. }),
            "{cause:?}"
        );
        // Without an idempotency key a blind repeat would be refused as a second
        // write-off, so the client hands the ambiguity to the caller.
        assert_eq!(sandbox.request_count(WRITE_OFF), 1);
        assert!(written_off(sandbox.coupon_state(COUPON_A)));
    })
    .await;
}
