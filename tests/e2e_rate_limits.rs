//! Rate limits against the sandbox: a server's `Retry-After` (delta-seconds and HTTP-date,
//! hostile values included) sets the wait before the retry, the call deadline ends a call
//! instead of sleeping past it, and a client-side limiter, per process or shared through
//! Redis, spaces requests at its rate. Timing checks are lower bounds only: a loaded
//! machine makes calls slower, never faster.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use common::redis_server::{free_port, TestRedis};
use common::{bounded, fast_transport, inject, jdy_client_with, recharge, start_sandbox};
use retail_apis::jdy;
use retail_apis::runtime::{
    Error, RateLimit, RedisRateLimiter, TransportConfig, Waiting, MAX_RETRY_AFTER,
};
use retail_apis_sandbox::{Fault, SandboxHandle};

const RECHARGE: &str = "jdy.mall_recharge";
const CANCEL: &str = "jdy.mall_pre_write_off_cancel";
const TOKEN: &str = "jdy.app_token";

/// A client with its app-token already fetched, so that only business calls follow.
async fn client_with_token(sandbox: &SandboxHandle, transport: TransportConfig) -> jdy::Client {
    let client = jdy_client_with(&sandbox.base_url(), transport);
    client.runtime().app_token().await.expect("token");
    client
}

#[tokio::test]
async fn retry_after_in_seconds_delays_the_retry() {
    bounded(async {
        let sandbox = start_sandbox().await;
        // Backoff of at most 20 ms: only the server's demand explains a wait of a second.
        let client = client_with_token(&sandbox, fast_transport()).await;
        inject(&sandbox, RECHARGE, 1, Fault::too_many_requests_for(1));

        let started = Instant::now();
        client
            .mall_recharge(&recharge("1.00", "M-RA", "RA-1"))
            .await
            .expect("retried after the wait");
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(sandbox.request_count(RECHARGE), 2);
        assert_eq!(sandbox.applied_recharges(), 1);
    })
    .await;
}

#[tokio::test]
async fn retry_after_as_an_http_date_delays_the_retry_of_a_503() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = client_with_token(&sandbox, fast_transport()).await;
        // HTTP-dates have whole seconds: two seconds ahead is at least one second away.
        let when = SystemTime::now() + Duration::from_secs(2);
        inject(&sandbox, CANCEL, 1, Fault::retry_after_date(503, when));

        let started = Instant::now();
        // The cancel repeats safely after a 503: the vendor ignores a repeated key.
        let cancel = jdy::MallPreWriteOffCancelRequest::new("M-RD", "RD-1").member_deals(
            jdy::MemberDeals::new()
                .recharge_consume(jdy::RechargeConsume::new().amt(common::decimal("1.00"))),
        );
        client
            .mall_pre_write_off_cancel(&cancel)
            .await
            .expect("retried after the date");
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(sandbox.request_count(CANCEL), 2);
    })
    .await;
}

#[tokio::test]
async fn retry_after_past_the_deadline_fails_at_once() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let transport = fast_transport().deadline(Duration::from_secs(60));
        let client = client_with_token(&sandbox, transport).await;
        // An hour: far past the deadline, and past what the test waits for the answer.
        inject(&sandbox, RECHARGE, 1, Fault::too_many_requests_for(3600));

        let error = client
            .mall_recharge(&recharge("1.00", "M-RX", "RX-1"))
            .await
            .expect_err("the server asks for more time than the call has");
        match &error {
            Error::DeadlineExceeded {
                operation,
                deadline,
                waiting,
                attempts,
                last,
                ..
            } => {
                assert_eq!(*operation, "mall_recharge");
                assert_eq!(*deadline, Duration::from_secs(60));
                assert_eq!(*waiting, Waiting::RetryAfter(Duration::from_secs(3600)));
                assert_eq!(*attempts, 1);
                assert!(
                    matches!(
                        last.as_deref(),
                        Some(Error::HttpStatus {
                            status: 429,
                            retry_after: Some(_),
                            ..
                        })
                    ),
                    "{last:?}"
                );
            }
            other => panic!("expected the deadline error, got {other:?}"),
        }
        assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
        let text = error.to_string();
        assert!(text.contains("asked to wait 3600 s"), "{text}");
        assert!(text.contains("deadline"), "{text}");
        // A 429 is a definite answer: the recharge was not applied, nor repeated.
        assert!(!error.outcome_unknown());
        assert_eq!(sandbox.request_count(RECHARGE), 1);
        assert_eq!(sandbox.applied_recharges(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_huge_retry_after_is_clamped_and_ends_the_call() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = client_with_token(&sandbox, fast_transport()).await;
        let fault = Fault::RetryAfter {
            status: 429,
            value: "9".repeat(40),
        };
        inject(&sandbox, RECHARGE, 1, fault);

        let error = client
            .mall_recharge(&recharge("1.00", "M-RH", "RH-1"))
            .await
            .expect_err("no call waits that long");
        assert!(
            matches!(
                error,
                Error::DeadlineExceeded {
                    waiting: Waiting::RetryAfter(wait),
                    ..
                } if wait == MAX_RETRY_AFTER
            ),
            "{error:?}"
        );
        assert_eq!(sandbox.request_count(RECHARGE), 1);
    })
    .await;
}

#[tokio::test]
async fn unreadable_retry_after_values_are_ignored() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let transport = fast_transport()
            .max_retries(4)
            .deadline(Duration::from_secs(10));
        let client = client_with_token(&sandbox, transport).await;
        for value in ["soon", "-5", "1.5", "Tue, 99 Nov 2026 08:12:41 GMT"] {
            let fault = Fault::RetryAfter {
                status: 429,
                value: value.to_owned(),
            };
            inject(&sandbox, RECHARGE, 1, fault);
        }

        // Each is retried after the short backoff, as a 429 without the header would be.
        client
            .mall_recharge(&recharge("1.00", "M-RG", "RG-1"))
            .await
            .expect("retried after the backoff");
        assert_eq!(sandbox.request_count(RECHARGE), 5);
        assert_eq!(sandbox.applied_recharges(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_retry_after_in_the_past_retries_after_the_backoff() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let transport = fast_transport().deadline(Duration::from_secs(10));
        let client = client_with_token(&sandbox, transport).await;
        let past = SystemTime::now() - Duration::from_secs(3600);
        inject(&sandbox, RECHARGE, 1, Fault::retry_after_date(429, past));

        client
            .mall_recharge(&recharge("1.00", "M-RP", "RP-1"))
            .await
            .expect("retried at once");
        assert_eq!(sandbox.request_count(RECHARGE), 2);
    })
    .await;
}

#[tokio::test]
async fn an_attempt_running_at_the_deadline_is_cut_short() {
    bounded(async {
        let sandbox = start_sandbox().await;
        // Each attempt may take 20 s, but the whole call only one.
        let transport = fast_transport()
            .timeout(Duration::from_secs(20))
            .deadline(Duration::from_secs(1));
        let client = client_with_token(&sandbox, transport).await;
        inject(&sandbox, RECHARGE, 1, Fault::Delay(Duration::from_secs(10)));

        let error = client
            .mall_recharge(&recharge("1.00", "M-RC", "RC-1"))
            .await
            .expect_err("the deadline ends the call");
        // The recharge may still be applied after the client stopped waiting.
        assert!(error.outcome_unknown(), "{error:?}");
        assert!(
            matches!(
                error.underlying(),
                Error::DeadlineExceeded {
                    waiting: Waiting::Response,
                    attempts: 1,
                    ..
                }
            ),
            "{error:?}"
        );
        assert_eq!(sandbox.request_count(RECHARGE), 1);
    })
    .await;
}

/// Sends `count` recharges at once through `clients` in turn; returns how long they took.
async fn recharges_at_once(clients: &[jdy::Client], count: usize, tag: &str) -> Duration {
    let started = Instant::now();
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..count {
        let client = clients[i % clients.len()].clone();
        let bill = format!("{tag}-{i}");
        calls.spawn(async move { client.mall_recharge(&recharge("1.00", "M-L", &bill)).await });
    }
    while let Some(result) = calls.join_next().await {
        result.expect("the call's task").expect("the call succeeds");
    }
    started.elapsed()
}

/// The least time `requests` requests take through a budget of `limit`: the burst goes at
/// once, each further request one interval after the one before.
fn least_time(limit: RateLimit, requests: u32) -> Duration {
    limit.interval() * requests.saturating_sub(limit.burst_size())
}

#[tokio::test]
async fn a_rate_limit_spaces_requests_token_request_included() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let limit = RateLimit::per_second(20).burst(3);
        let client = jdy_client_with(&sandbox.base_url(), fast_transport().rate_limit(limit));

        let took = recharges_at_once(&[client], 12, "L1").await;
        // Twelve recharges and the app-token request that the first of them needed.
        assert_eq!(sandbox.request_count(RECHARGE), 12);
        assert_eq!(sandbox.request_count(TOKEN), 1);
        let least = least_time(limit, 13);
        assert!(took >= least, "{took:?} < {least:?}");
    })
    .await;
}

#[tokio::test]
async fn clients_sharing_a_limiter_share_its_budget() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let limit = RateLimit::per_second(20).burst(2);
        let transport = fast_transport().rate_limit(limit);
        // Two clients (two app-tokens) from clones of one configuration.
        let clients = [
            jdy_client_with(&sandbox.base_url(), transport.clone()),
            jdy_client_with(&sandbox.base_url(), transport),
        ];

        let took = recharges_at_once(&clients, 12, "L2").await;
        assert_eq!(sandbox.request_count(RECHARGE), 12);
        assert_eq!(sandbox.request_count(TOKEN), 2);
        let least = least_time(limit, 14);
        assert!(took >= least, "{took:?} < {least:?}");
    })
    .await;
}

#[tokio::test]
async fn a_rate_limit_slot_past_the_deadline_fails_without_sending() {
    bounded(async {
        let sandbox = start_sandbox().await;
        // One request a second: of four calls at once, the first two slots (now and in a
        // second) come before the deadline, the third and fourth (in two and three
        // seconds) after it.
        let transport = fast_transport()
            .rate_limit(RateLimit::per_second(1))
            .deadline(Duration::from_millis(1500));
        let client = jdy_client_with(&sandbox.base_url(), transport);
        client.runtime().app_token().await.expect("token");
        // The token request took the first slot; wait it out.
        tokio::time::sleep(Duration::from_secs(1)).await;

        let mut calls = tokio::task::JoinSet::new();
        for i in 0..4 {
            let client = client.clone();
            let bill = format!("L3-{i}");
            calls.spawn(async move { client.mall_recharge(&recharge("1.00", "M-L", &bill)).await });
        }
        let mut refused = 0;
        while let Some(result) = calls.join_next().await {
            match result.expect("the call's task") {
                Ok(_) => {}
                Err(Error::DeadlineExceeded {
                    waiting: Waiting::RateLimit(wait),
                    attempts: 0,
                    last: None,
                    ..
                }) => {
                    assert!(wait > Duration::from_millis(1400), "{wait:?}");
                    refused += 1;
                }
                Err(other) => panic!("expected a rate-limit refusal, got {other:?}"),
            }
        }
        assert_eq!(refused, 2);
        // Refused calls sent nothing.
        assert_eq!(sandbox.request_count(RECHARGE), 2);
        assert_eq!(sandbox.applied_recharges(), 2);
    })
    .await;
}

/// A Redis limiter with its own key prefix, so that tests sharing a Redis do not share
/// budgets.
fn redis_limiter(url: &str, limit: RateLimit, prefix: &str) -> Arc<RedisRateLimiter> {
    Arc::new(
        RedisRateLimiter::new(url, limit)
            .expect("a valid Redis URL")
            // A loaded test machine can hold a Redis answer past the default 500 ms, and
            // the limiter would then fall back to a budget of its own.
            .timeout(Duration::from_secs(5))
            .key_prefix(format!("retail-apis-test:{prefix}:{}", std::process::id())),
    )
}

#[tokio::test]
async fn redis_limiters_share_one_budget_across_instances() {
    let Some(redis) = TestRedis::get("redis_limiters_share_one_budget_across_instances") else {
        return;
    };
    bounded(async {
        let sandbox = start_sandbox().await;
        let limit = RateLimit::per_second(20).burst(2);
        // Two limiters, as two processes would have, on one Redis and one key prefix.
        let limiters = [
            redis_limiter(redis.url(), limit, "shared"),
            redis_limiter(redis.url(), limit, "shared"),
        ];
        let clients = limiters.clone().map(|limiter| {
            jdy_client_with(&sandbox.base_url(), fast_transport().rate_limiter(limiter))
        });

        let took = recharges_at_once(&clients, 12, "R1").await;
        assert_eq!(sandbox.request_count(RECHARGE), 12);
        assert_eq!(sandbox.request_count(TOKEN), 2);
        // Seven requests through each limiter would take a quarter second on their own.
        assert!(limiters.iter().all(|limiter| !limiter.is_degraded()));
        let least = least_time(limit, 14);
        assert!(took >= least, "{took:?} < {least:?}");
    })
    .await;
}

#[tokio::test]
async fn a_redis_limiter_falls_back_to_a_local_budget_when_redis_is_down() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let limit = RateLimit::per_second(20).burst(2);
        let url = format!("redis://127.0.0.1:{}", free_port());
        let limiter = Arc::new(
            RedisRateLimiter::new(&url, limit)
                .expect("a valid Redis URL")
                .timeout(Duration::from_millis(200)),
        );
        let client = jdy_client_with(
            &sandbox.base_url(),
            fast_transport().rate_limiter(limiter.clone()),
        );

        // The calls succeed, and are still limited, by this process alone.
        let took = recharges_at_once(&[client], 10, "R2").await;
        assert!(limiter.is_degraded());
        assert_eq!(sandbox.request_count(RECHARGE), 10);
        let least = least_time(limit, 11);
        assert!(took >= least, "{took:?} < {least:?}");
    })
    .await;
}
