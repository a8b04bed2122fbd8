//! Token fetches that fail are spaced out: a flood of calls against a gateway whose
//! token endpoint fails sends a handful of token requests, not one per call; the calls
//! in between fail fast with a typed error that names the wait and no secret; a success
//! starts the spacing over.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Router;
use common::*;
use retail_apis_runtime::jdy::JdyClient;
use retail_apis_runtime::Error;
use serde_json::json;

/// A gateway whose token endpoint fails while `failing` is set (HTTP 519, code 4008:
/// not retried), and whose other paths answer success, or expiry for `expire-always`.
struct Gateway {
    failing: AtomicBool,
    token_requests: AtomicUsize,
}

async fn start_gateway() -> (String, Arc<Gateway>) {
    let gateway = Arc::new(Gateway {
        failing: AtomicBool::new(true),
        token_requests: AtomicUsize::new(0),
    });
    let state = Arc::clone(&gateway);
    let app = Router::new().fallback(move |uri: Uri| {
        let gateway = Arc::clone(&state);
        async move {
            let json = |status: StatusCode, body: serde_json::Value| {
                (
                    status,
                    [("content-type", "application/json")],
                    body.to_string(),
                )
                    .into_response()
            };
            match uri.path() {
                TOKEN_PATH => {
                    gateway.token_requests.fetch_add(1, Ordering::SeqCst);
                    if gateway.failing.load(Ordering::SeqCst) {
                        let status = StatusCode::from_u16(519).unwrap_or(StatusCode::BAD_GATEWAY);
                        json(status, json!({"errcode": 4008, "description": "signature"}))
                    } else {
                        json(
                            StatusCode::OK,
                            json!({"errcode": 0, "data": {"app-token": "tok"}}),
                        )
                    }
                }
                "/jdy/expire-always" => json(
                    StatusCode::OK,
                    json!({"errcode": 1000202001, "description": "JWT token has expired"}),
                ),
                _ => json(StatusCode::OK, json!({"errcode": 0, "data": {}})),
            }
        }
    });
    (format!("http://{}", serve(app).await), gateway)
}

#[tokio::test]
async fn failed_token_fetches_back_off_and_a_success_resets() {
    let (base, gateway) = start_gateway().await;
    let client = JdyClient::new(&JDY, jdy_config(&base, fast_transport().max_retries(0)))
        .unwrap_or_else(|e| panic!("{e}"));
    // Eight callers calling as fast as they can for 1.5 s (bounded in count too).
    let until = Instant::now() + Duration::from_millis(1500);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            for _ in 0..5_000 {
                if Instant::now() >= until {
                    break;
                }
                match client.call_value(&OK, json!({})).await {
                    Ok(value) => panic!("a call succeeded without a token: {value}"),
                    Err(error) => errors.push(error),
                }
            }
            errors
        }));
    }
    let mut errors = Vec::new();
    for task in tasks {
        errors.extend(task.await.unwrap_or_else(|e| panic!("task: {e}")));
    }
    let requests = gateway.token_requests.load(Ordering::SeqCst);
    let refused: Vec<&Error> = errors
        .iter()
        .filter(|e| matches!(e, Error::TokenBackoff { .. }))
        .collect();
    // 100 ms doubling, each at least half: at most 100+200+400+800 ms of delays fit
    // before the flood ends, so a handful of requests for hundreds of calls.
    assert!(
        requests <= 8,
        "{requests} token requests for {} calls",
        errors.len()
    );
    assert!(errors.len() > 50, "only {} calls", errors.len());
    assert_eq!(
        refused.len() + requests,
        errors.len(),
        "every other call was refused unsent"
    );
    let last = refused
        .last()
        .copied()
        .unwrap_or_else(|| panic!("no call was refused"));
    let Error::TokenBackoff {
        retry_in, failures, ..
    } = last
    else {
        unreachable!()
    };
    assert!(*failures >= 3 && !retry_in.is_zero(), "{last:?}");
    assert!(last.is_retryable());
    let text = format!("{last} {last:?}");
    assert!(text.contains("next fetch is due in"), "{text}");
    for secret in [APP_SECRET, CLIENT_SECRET] {
        assert!(!text.contains(secret), "{text}");
    }

    // The endpoint recovers: once the wait is over, one fetch and the call succeeds.
    gateway.failing.store(false, Ordering::SeqCst);
    tokio::time::sleep(*retry_in + Duration::from_millis(20)).await;
    let before = gateway.token_requests.load(Ordering::SeqCst);
    assert!(client.call_value(&OK, json!({})).await.is_ok());
    assert_eq!(gateway.token_requests.load(Ordering::SeqCst), before + 1);

    // That success started the spacing over: after the next failure the following call
    // waits the first short delay and asks again instead of being refused.
    gateway.failing.store(true, Ordering::SeqCst);
    let refresh = client.call_value(&EXPIRE_ALWAYS, json!({})).await;
    assert_eq!(
        refresh
            .err()
            .and_then(|e| e.code().map(str::to_owned))
            .as_deref(),
        Some("4008")
    );
    let again = client.call_value(&OK, json!({})).await;
    assert_eq!(
        again
            .err()
            .and_then(|e| e.code().map(str::to_owned))
            .as_deref(),
        Some("4008")
    );
    assert_eq!(gateway.token_requests.load(Ordering::SeqCst), before + 3);
}
