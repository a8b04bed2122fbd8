//! `JdyClient` against a local gateway: headers and signatures, app-token lifecycle,
//! retries, and the mapping of every kind of bad answer to an error.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use retail_apis_runtime::jdy::JdyClient;
use retail_apis_runtime::{Error, ErrorAction, TransportConfig, SNIPPET_LIMIT};
use serde_json::{json, Value};

async fn client() -> (JdyClient, Arc<Seen>) {
    client_with(fast_transport()).await
}

async fn client_with(transport: TransportConfig) -> (JdyClient, Arc<Seen>) {
    let (url, seen) = start().await;
    match JdyClient::new(&JDY, jdy_config(&url, transport)) {
        Ok(client) => (client, seen),
        Err(e) => panic!("client: {e}"),
    }
}

#[derive(serde::Serialize)]
struct Recharge<'a> {
    bill_no: &'a str,
    amount: i64,
}

#[derive(serde::Deserialize, Debug)]
struct Echo {
    token: String,
    echo: Value,
}

#[tokio::test]
async fn signed_call_with_typed_request_and_response() {
    let (client, seen) = client().await;
    let echo: Result<Echo, _> = client
        .call(
            &OK,
            &Recharge {
                bill_no: "B1",
                amount: 100,
            },
        )
        .await;
    let echo = echo.unwrap_or_else(|e| panic!("call failed: {e}"));
    assert_eq!(echo.token, "tok-1");
    assert_eq!(echo.echo, json!({"bill_no": "B1", "amount": 100}));
    assert_eq!(seen.problems(), Vec::<String>::new());
    assert_eq!(client.token_fetches(), 1);
}

#[tokio::test]
async fn get_endpoint_sends_signed_query() {
    let (client, seen) = client().await;
    let value = client
        .call_value(&QUERY, json!({"bill_no": "B 1=2", "page": 3, "skip": null}))
        .await
        .unwrap_or_else(|e| panic!("call failed: {e}"));
    assert_eq!(
        value,
        json!({"query": [["bill_no", "B 1=2"], ["page", "3"]]})
    );
    assert_eq!(seen.problems(), Vec::<String>::new());
}

#[tokio::test]
async fn null_data_decodes_into_unit_value_and_optional_struct() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Optional {
        id: Option<String>,
    }
    let (client, _) = client().await;
    let unit: Result<(), _> = client.call(&NULL_DATA, &json!({})).await;
    assert!(unit.is_ok(), "{unit:?}");
    let value = client.call_value(&NULL_DATA, json!({})).await;
    assert_eq!(value.ok(), Some(Value::Null));
    let optional: Result<Optional, _> = client.call(&NULL_DATA, &json!({})).await;
    assert_eq!(optional.ok(), Some(Optional { id: None }));
}

#[tokio::test]
async fn token_is_cached_and_fetched_once_under_concurrency() {
    let (client, seen) = client().await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client.call_value(&OK, json!({"i": i})).await
        }));
    }
    for task in tasks {
        let result = task.await.unwrap_or_else(|e| panic!("task: {e}"));
        assert_eq!(
            result.ok().and_then(|v| v.get("token").cloned()),
            Some(json!("tok-1"))
        );
    }
    assert_eq!(client.token_fetches(), 1);
    assert_eq!(
        seen.token_fetches.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    assert_eq!(seen.hits("/jdy/ok"), 50);
    assert_eq!(seen.problems(), Vec::<String>::new());
    let token = client
        .app_token()
        .await
        .unwrap_or_else(|e| panic!("token: {e}"));
    assert_eq!(token.expose(), "tok-1");
    assert_eq!(client.token_fetches(), 1);
}

#[tokio::test]
async fn expired_token_business_code_refreshes_once_and_retries_once() {
    let (client, seen) = client().await;
    let value = client
        .call_value(&EXPIRE_ONCE, json!({}))
        .await
        .unwrap_or_else(|e| panic!("call failed: {e}"));
    assert_eq!(value, json!({"token": "tok-2"}));
    assert_eq!(client.token_fetches(), 2);
    assert_eq!(seen.hits("/jdy/expire-once"), 2);
}

#[tokio::test]
async fn gateway_token_expired_refreshes_once() {
    let (client, seen) = client().await;
    let value = client.call_value(&GATEWAY_EXPIRE_ONCE, json!({})).await;
    assert_eq!(value.ok(), Some(json!({"token": "tok-2"})));
    assert_eq!(client.token_fetches(), 2);
    assert_eq!(seen.hits("/jdy/gw-expire-once"), 2);
}

#[tokio::test]
async fn token_still_rejected_after_refresh_is_returned() {
    let (client, seen) = client().await;
    let error = client.call_value(&EXPIRE_ALWAYS, json!({})).await.err();
    match error {
        Some(Error::Business { code, known, .. }) => {
            assert_eq!(code, "1000202001");
            assert_eq!(known.map(|k| k.action), Some(ErrorAction::RefreshToken));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(client.token_fetches(), 2);
    assert_eq!(seen.hits("/jdy/expire-always"), 2);
}

#[tokio::test]
async fn reauthorize_code_is_returned_without_retry() {
    let (client, seen) = client().await;
    let error = client.call_value(&REAUTHORIZE, json!({})).await.err();
    assert_eq!(
        error.as_ref().map(Error::action),
        Some(ErrorAction::Reauthorize)
    );
    assert_eq!(error.as_ref().and_then(Error::code), Some("1030002006"));
    assert_eq!(seen.hits("/jdy/reauthorize"), 1);
    assert_eq!(client.token_fetches(), 1);
}

#[tokio::test]
async fn slow_handler_times_out() {
    let (client, _) = client_with(fast_transport().timeout(Duration::from_millis(300))).await;
    let started = Instant::now();
    let error = client.call_value(&SLOW, json!({})).await.err();
    // The request was sent and may still be applied: a write's outcome is unknown.
    assert_unknown_outcome(error.as_ref(), |e| {
        matches!(e, Error::Timeout { attempts: 1, .. })
    });
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn html_body_is_a_decode_error_with_bounded_snippet() {
    let (client, _) = client().await;
    let result = client.call_value(&HTML, json!({})).await;
    assert!(
        result.as_ref().is_err_and(Error::outcome_unknown),
        "{result:?}"
    );
    match result.as_ref().map_err(Error::underlying) {
        Err(Error::Decode {
            snippet, message, ..
        }) => {
            assert!(snippet.starts_with("<html><body>维护中"), "{snippet}");
            assert!(snippet.len() <= SNIPPET_LIMIT + '…'.len_utf8());
            assert!(message.contains("not valid JSON"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn truncated_json_is_a_decode_error() {
    let (client, _) = client().await;
    let error = client.call_value(&TRUNCATED, json!({})).await.err();
    assert_unknown_outcome(error.as_ref(), |e| matches!(e, Error::Decode { .. }));
}

#[tokio::test]
async fn gateway_rejection_maps_to_gateway_error() {
    let (client, seen) = client().await;
    match client.call_value(&REJECTED, json!({})).await {
        Err(Error::Gateway {
            status,
            code,
            message,
            message_cn,
            known,
            ..
        }) => {
            assert_eq!(status, 519);
            assert_eq!(code, "4008");
            assert_eq!(message, "gateway 4008");
            assert_eq!(message_cn, "网关拒绝");
            assert_eq!(known.map(|k| k.code.as_ref()), Some("4008"));
        }
        other => panic!("unexpected {other:?}"),
    }
    // Not retryable, even though the endpoint is idempotent.
    assert_eq!(seen.hits("/jdy/gw-4008"), 1);
}

#[tokio::test]
async fn unavailable_is_not_retried_for_non_idempotent_endpoints() {
    let (client, seen) = client().await;
    let error = client.call_value(&UNAVAILABLE, json!({})).await.err();
    assert_unknown_outcome(error.as_ref(), |e| {
        matches!(e, Error::HttpStatus { status: 503, .. })
    });
    assert_eq!(seen.hits("/jdy/503"), 1);
}

#[tokio::test]
async fn unavailable_is_retried_for_idempotent_endpoints_with_fresh_nonces() {
    let (client, seen) = client().await;
    let error = client
        .call_value(&UNAVAILABLE_IDEMPOTENT, json!({}))
        .await
        .err();
    // Every attempt may have been applied; the key makes the caller's repeat safe.
    assert_unknown_outcome(error.as_ref(), |e| {
        matches!(e, Error::HttpStatus { status: 503, .. })
    });
    assert_eq!(seen.hits("/jdy/503-idem"), 3);
    let mut nonces = seen.nonces();
    nonces.sort();
    nonces.dedup();
    // One token fetch plus three attempts, each with its own nonce.
    assert_eq!(nonces.len(), 4);
}

#[tokio::test]
async fn retryable_gateway_codes_are_retried_for_idempotent_endpoints() {
    let (client, seen) = client().await;
    let error = client.call_value(&GATEWAY_BUSY, json!({})).await.err();
    assert_eq!(error.as_ref().and_then(Error::code), Some("5003"));
    assert!(
        error.as_ref().is_some_and(Error::outcome_unknown),
        "{error:?}"
    );
    assert!(error
        .as_ref()
        .is_some_and(|e| e.underlying().is_retryable()));
    assert_eq!(seen.hits("/jdy/gw-5003"), 3);

    let value = client.call_value(&GATEWAY_BUSY_ONCE, json!({})).await;
    assert_eq!(value.ok(), Some(json!({"attempt": 2})));
}

#[tokio::test]
async fn oversized_body_is_too_large() {
    let (client, _) = client_with(fast_transport().max_body_bytes(4096)).await;
    let error = client.call_value(&HUGE, json!({})).await.err();
    assert!(
        matches!(
            error.as_ref().map(Error::underlying),
            Some(Error::TooLarge { limit: 4096, .. })
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn unknown_status_is_http_status_with_snippet() {
    let (client, _) = client().await;
    match client.call_value(&NOT_FOUND, json!({})).await {
        Err(Error::HttpStatus {
            status, snippet, ..
        }) => {
            assert_eq!(status, 404);
            assert_eq!(snippet, "<h1>no such page</h1>");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn connection_refused_is_retried_and_counted() {
    let port = closed_port();
    let client = JdyClient::new(
        &JDY,
        jdy_config(&format!("http://127.0.0.1:{port}"), fast_transport()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    match client.call_value(&OK, json!({})).await {
        Err(Error::Transport {
            sent,
            attempts,
            operation,
            ..
        }) => {
            assert!(!sent);
            assert_eq!(attempts, 3);
            // The token fetch is the first request that fails.
            assert_eq!(operation, "app_token");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn secrets_never_show_in_debug_or_errors() {
    let (client, _) = client().await;
    let token = client.app_token().await.unwrap_or_else(|e| panic!("{e}"));
    let mut texts = vec![
        format!("{client:?}"),
        format!("{token:?}"),
        format!("{token}"),
    ];
    texts.push(format!(
        "{:?}",
        jdy_config("http://x", TransportConfig::default())
    ));
    for endpoint in [&REJECTED, &HTML, &EXPIRE_ALWAYS, &UNAVAILABLE] {
        if let Err(e) = client.call_value(endpoint, json!({})).await {
            texts.push(format!("{e}"));
            texts.push(format!("{e:?}"));
        }
    }
    for text in texts {
        for secret in [CLIENT_SECRET, APP_SECRET, "tok-1", "tok-2"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}

/// What an interceptor sees of each attempt: `Debug` of the signed request and the
/// sensitive flag of every header.
type Attempts = std::sync::Mutex<Vec<(String, Vec<(String, String, bool)>)>>;

struct SeenAttempts(Arc<Attempts>);

impl retail_apis_runtime::Interceptor for SeenAttempts {
    fn before_send(
        &self,
        _call: &retail_apis_runtime::CallInfo,
        _attempt: u32,
        request: &mut retail_apis_runtime::Request,
    ) {
        let headers = request
            .header_entries()
            .map(|(name, value, sensitive)| (name.to_owned(), value.to_owned(), sensitive))
            .collect();
        if let Ok(mut seen) = self.0.lock() {
            seen.push((format!("{request:?}"), headers));
        }
    }
}

#[tokio::test]
async fn signed_attempts_carry_the_token_and_signature_as_sensitive_headers() {
    let (client, seen) = client().await;
    let attempts = Arc::new(Attempts::default());
    let client = client.with_interceptor(SeenAttempts(Arc::clone(&attempts)));
    for bill_no in ["B1", "B2"] {
        let echo: Result<Echo, _> = client.call(&OK, &Recharge { bill_no, amount: 1 }).await;
        assert_eq!(echo.map(|e| e.token).ok().as_deref(), Some("tok-1"));
    }
    assert_eq!(seen.problems(), Vec::<String>::new());
    let attempts = attempts.lock().map(|a| a.clone()).unwrap_or_default();
    // The token request, then one attempt per call.
    assert_eq!(attempts.len(), 3, "{attempts:?}");
    for (debug, headers) in &attempts[1..] {
        assert!(!debug.contains("tok-1"), "{debug}");
        let names: Vec<&str> = headers.iter().map(|(name, _, _)| name.as_str()).collect();
        for expected in retail_apis_runtime::jdy::headers::ALL {
            let lower = expected.to_ascii_lowercase();
            assert_eq!(
                names.iter().filter(|name| **name == lower).count(),
                1,
                "{expected} once in {names:?}"
            );
        }
        for (name, value, sensitive) in headers {
            let secret = name == "app-token" || name == "x-api-signature";
            assert_eq!(*sensitive, secret, "{name}");
            assert_eq!(debug.contains(value.as_str()), !secret, "{name} in {debug}");
        }
        assert!(headers.contains(&("app-token".to_owned(), "tok-1".to_owned(), true)));
    }
}

/// The spec's `auth_version` goes into every request; a value no header can carry is a
/// configuration error when the client is built, not a failure of every call.
#[test]
fn an_auth_version_no_header_can_carry_fails_when_the_client_is_built() {
    use retail_apis_runtime::{AuthScheme, KingdeeGatewayScheme, ServiceDescriptor, Text};
    static BAD_VERSION: ServiceDescriptor = ServiceDescriptor {
        name: Text::Borrowed("jdy"),
        base_url: Text::Borrowed("https://api.kingdee.com"),
        auth: AuthScheme::KingdeeGateway(KingdeeGatewayScheme {
            auth_version: Text::Borrowed("2.0\r\nX-Injected: 1"),
            ..GATEWAY
        }),
        envelope: retail_apis_runtime::EnvelopeDescriptor {
            code_field: Text::Borrowed("errcode"),
            success_code: retail_apis_runtime::Code::Int(0),
            message_field: Text::Borrowed("description"),
            data_field: Some(Text::Borrowed("data")),
            result: None,
        },
        errors: retail_apis_runtime::List::Borrowed(JDY_ERRORS),
        endpoints: retail_apis_runtime::List::Borrowed(&[]),
    };
    let built = JdyClient::new(
        &BAD_VERSION,
        jdy_config("http://127.0.0.1:9", TransportConfig::default()),
    );
    match built {
        Err(Error::Config { message }) => {
            let lower = message.to_ascii_lowercase();
            assert!(lower.contains("x-api-auth-version"), "{message}");
            assert!(!message.contains("Injected"), "{message}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[tokio::test]
async fn wrong_scheme_and_bad_urls_are_config_errors() {
    let wrong = JdyClient::new(&SHOUBEI, jdy_config("http://x", TransportConfig::default()));
    assert!(matches!(wrong, Err(Error::Config { .. })));
    let bad_url = JdyClient::new(&JDY, jdy_config("not a url", TransportConfig::default()));
    assert!(matches!(bad_url, Err(Error::Config { .. })));
    let mut bad_domain = jdy_config("http://x", TransportConfig::default());
    bad_domain.domain = "a\nb".into();
    assert!(matches!(
        JdyClient::new(&JDY, bad_domain),
        Err(Error::Config { .. })
    ));
    let mut default_url = jdy_config("http://x", TransportConfig::default());
    default_url.base_url = None;
    let client = JdyClient::new(&JDY, default_url).unwrap_or_else(|e| panic!("{e}"));
    assert!(format!("{client:?}").contains("https://api.kingdee.com"));
    let foreign = client.call_value(&SB_OK, json!({})).await;
    assert!(matches!(foreign, Err(Error::Config { .. })));
}

// The retry policy: a call is repeated when the failed attempt provably had no effect,
// or when the vendor documents that repeats of the endpoint's key are ignored. Otherwise a
// write that may have been applied ends in an outcome-unknown error after one attempt.

#[tokio::test]
async fn a_5xx_on_a_key_without_evidence_is_not_retried_and_outcome_unknown() {
    let (client, seen) = client().await;
    let error = client
        .call_value(&KEYED_UNAVAILABLE, json!({"bill_no": "B1"}))
        .await
        .expect_err("503");
    assert_eq!(seen.hits("/jdy/503"), 1);
    assert!(error.outcome_unknown(), "{error:?}");
    assert!(!error.is_retryable(), "a blind repeat is not safe");
    match &error {
        Error::OutcomeUnknown {
            service,
            operation,
            key,
            cause,
        } => {
            assert_eq!((*service, *operation), ("jdy", "keyed_unavailable"));
            assert_eq!(*key, Some("bill_no"));
            assert!(matches!(**cause, Error::HttpStatus { status: 503, .. }));
        }
        other => panic!("unexpected {other:?}"),
    }
    let text = error.to_string();
    assert!(text.contains("outcome unknown"), "{text}");
    assert!(text.contains("retry with the same `bill_no`"), "{text}");
    assert!(text.contains("HTTP 503"), "{text}");
    let source = std::error::Error::source(&error).map(ToString::to_string);
    assert_eq!(source, Some(error.underlying().to_string()));
}

#[tokio::test]
async fn a_timeout_on_a_key_without_evidence_is_not_retried() {
    let (client, seen) = client_with(fast_transport().timeout(Duration::from_millis(300))).await;
    let error = client
        .call_value(&KEYED_SLOW, json!({"bill_no": "B1"}))
        .await
        .expect_err("timeout");
    assert_eq!(seen.hits("/jdy/slow"), 1);
    assert!(error.outcome_unknown(), "{error:?}");
    assert!(matches!(
        error.underlying(),
        Error::Timeout { attempts: 1, .. }
    ));
}

#[tokio::test]
async fn a_maybe_processed_gateway_code_is_not_retried_without_evidence() {
    let (client, seen) = client().await;
    // 5003 is retryable but may come after forwarding; the second attempt would succeed.
    let error = client
        .call_value(&KEYED_GATEWAY_BUSY, json!({}))
        .await
        .expect_err("5003");
    assert_eq!(seen.hits("/jdy/gw-5003-once"), 1);
    assert!(error.outcome_unknown(), "{error:?}");
    assert_eq!(error.code(), Some("5003"));
}

#[tokio::test]
async fn a_never_processed_gateway_code_is_retried_without_evidence() {
    let (client, seen) = client().await;
    let value = client.call_value(&KEYED_OVERLOADED_ONCE, json!({})).await;
    assert_eq!(value.ok(), Some(json!({"attempt": 2})));
    assert_eq!(seen.hits("/jdy/gw-5007-once"), 2);
}

#[tokio::test]
async fn a_429_is_retried_without_evidence() {
    let (client, seen) = client().await;
    let value = client.call_value(&KEYED_RATE_LIMITED_ONCE, json!({})).await;
    assert_eq!(value.ok(), Some(json!({"attempt": 2})));
    assert_eq!(seen.hits("/jdy/429-once"), 2);
}

#[tokio::test]
async fn a_definite_rejection_is_not_an_unknown_outcome() {
    let (client, seen) = client().await;
    let error = client
        .call_value(&KEYED_REJECTED, json!({}))
        .await
        .expect_err("4008");
    assert!(!error.outcome_unknown(), "{error:?}");
    assert!(matches!(error, Error::Gateway { .. }), "{error:?}");
    assert_eq!(seen.hits("/jdy/gw-4008"), 1);
}

#[tokio::test]
async fn a_5xx_is_retried_when_the_key_has_evidence() {
    let (client, seen) = client().await;
    let value = client
        .call_value(&UNAVAILABLE_ONCE, json!({"bill_no": "B1"}))
        .await;
    assert_eq!(value.ok(), Some(json!({"attempt": 2})));
    assert_eq!(seen.hits("/jdy/503-once"), 2);
}

#[tokio::test]
async fn a_rejected_retry_does_not_hide_an_attempt_that_may_have_been_applied() {
    let (client, seen) = client().await;
    let error = client
        .call_value(&UNAVAILABLE_THEN_REJECTED, json!({"bill_no": "B1"}))
        .await
        .expect_err("503, then 4008");
    assert_eq!(seen.hits("/jdy/503-then-4008"), 2);
    // The last answer is a definite rejection, but the first attempt may have gone through.
    assert!(error.outcome_unknown(), "{error:?}");
    assert_eq!(error.code(), Some("4008"));
}

#[tokio::test]
async fn no_token_refresh_repeat_after_an_attempt_that_may_have_been_applied() {
    let (client, seen) = client().await;
    let error = client
        .call_value(&UNAVAILABLE_THEN_TOKEN_EXPIRED, json!({"bill_no": "B1"}))
        .await
        .expect_err("503, then 4011");
    // The refresh-and-repeat of a rejected token would send the request a third time,
    // after the first attempt may already have been applied.
    assert_eq!(seen.hits("/jdy/503-then-4011"), 2);
    assert!(error.outcome_unknown(), "{error:?}");
    assert_eq!(error.code(), Some("4011"));
    assert_eq!(
        seen.token_fetches.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
}

#[tokio::test]
async fn a_success_whose_data_does_not_fit_the_type_is_an_unknown_outcome() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)] // Only decoding is under test.
    struct Bill {
        bill_no: String,
    }
    let (client, seen) = client().await;
    // The vendor said success (the write was applied) but the data has no `bill_no`: a
    // plain decode error would invite a repeat.
    let result: Result<Bill, _> = client.call(&OK, &json!({})).await;
    let error = result.expect_err("no bill_no");
    assert!(error.outcome_unknown(), "{error:?}");
    assert!(
        matches!(error.underlying(), Error::Decode { .. }),
        "{error:?}"
    );
    assert_eq!(seen.hits("/jdy/ok"), 1);
}

#[tokio::test]
async fn a_safe_endpoint_is_retried_and_never_an_unknown_outcome() {
    let (client, seen) = client().await;
    let value = client.call_value(&SAFE_UNAVAILABLE_ONCE, json!({})).await;
    assert_eq!(value.ok(), Some(json!({"attempt": 2})));
    assert_eq!(seen.hits("/jdy/503-once"), 2);

    // When the retries run out, a query that failed changed nothing: the plain error.
    let error = client
        .call_value(&SAFE_UNAVAILABLE, json!({}))
        .await
        .expect_err("503");
    assert_eq!(seen.hits("/jdy/503"), 3);
    assert!(!error.outcome_unknown(), "{error:?}");
    assert!(
        matches!(error, Error::HttpStatus { status: 503, .. }),
        "{error:?}"
    );
}

/// A caller's own HTTP client, without timeouts of its own: the runtime's per-attempt
/// timeout and body limit still hold.
#[tokio::test]
async fn a_supplied_http_client_keeps_the_timeout_and_the_body_limit() {
    let own = common::own_client(reqwest::redirect::Policy::none());
    let (client, _) = client_with(
        fast_transport()
            .timeout(Duration::from_millis(300))
            .max_body_bytes(4096)
            .http_client(own),
    )
    .await;
    let error = client.call_value(&SLOW, json!({})).await.err();
    assert_unknown_outcome(error.as_ref(), |e| {
        matches!(e, Error::Timeout { attempts: 1, .. })
    });
    let error = client.call_value(&HUGE, json!({})).await.err();
    assert!(
        matches!(
            error.as_ref().map(Error::underlying),
            Some(Error::TooLarge { limit: 4096, .. })
        ),
        "{error:?}"
    );
}

/// Re-authorisation needs the spec's `auth.authorize`: an outer instance id for a service
/// without one is refused when the client is built, not when a secret is rotated.
#[tokio::test]
async fn an_outer_instance_id_without_an_authorize_endpoint_is_a_config_error() {
    let config = jdy_config("http://127.0.0.1:9", TransportConfig::default())
        .outer_instance_id("instance-1");
    match JdyClient::new(&JDY, config) {
        Err(Error::Config { message }) => assert!(message.contains("auth.authorize"), "{message}"),
        other => panic!("expected a configuration error, got {other:?}"),
    }
    let client = JdyClient::new(
        &JDY,
        jdy_config("http://127.0.0.1:9", TransportConfig::default()),
    )
    .unwrap_or_else(|e| panic!("client: {e}"));
    let tenant = retail_apis_runtime::jdy::JdyTenant::new("k", "s", "d").outer_instance_id("i");
    assert!(matches!(
        client.for_tenant(tenant),
        Err(Error::Config { .. })
    ));
}

/// A tenant's domain passes the same check as a configured one, and a tenant client
/// starts without a token of its own, sharing the connection pool.
#[tokio::test]
async fn a_tenant_client_has_its_own_token_and_shares_connections() {
    let (client, seen) = client().await;
    assert!(client.call_value(&OK, json!({})).await.is_ok());
    let bad = retail_apis_runtime::jdy::JdyTenant::new("k", "s", "tenant\r\nX-Injected: 1");
    match client.for_tenant(bad) {
        Err(Error::Config { message }) => {
            assert!(message.contains("domain"), "{message}");
            assert!(!message.contains("Injected"), "{message}");
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    let other = client
        .for_tenant(retail_apis_runtime::jdy::JdyTenant::new(
            APP_KEY, APP_SECRET, DOMAIN,
        ))
        .unwrap_or_else(|e| panic!("tenant: {e}"));
    assert!(other.shares_connections_with(&client));
    assert_eq!(other.token_fetches(), 0);
    assert!(other.call_value(&OK, json!({})).await.is_ok());
    assert_eq!((client.token_fetches(), other.token_fetches()), (1, 1));
    assert_eq!(seen.hits(TOKEN_PATH), 2);
}
