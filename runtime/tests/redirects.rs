//! Requests and their credentials go to the configured host only: a redirect from the
//! gateway is an error naming the status and target host, and the target receives
//! nothing. Base URLs other than http(s) are refused when the client is built.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use common::{fast_transport, jdy_config, own_client, serve, shoubei_config};
use common::{APP_SECRET, CLIENT_SECRET, SB_KEY};
use common::{JDY, OK, QUERY, SB_OK, SHOUBEI, TOKEN_PATH};
use retail_apis_runtime::jdy::JdyClient;
use retail_apis_runtime::shoubei::ShoubeiClient;
use retail_apis_runtime::Error;
use serde_json::json;

/// The redirect target: counts every request and answers each with a plausible
/// success, so a client that followed the redirect would not even notice.
async fn target() -> (String, Arc<AtomicU64>) {
    let count = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&count);
    let app = Router::new().fallback(move || {
        let seen = Arc::clone(&seen);
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            let body = json!({"errcode": 0, "description": "ok", "data": {"app-token": "stolen"},
                              "return_code": "SUCCESS", "result_code": "SUCCESS"});
            (
                StatusCode::OK,
                [("content-type", "application/json")],
                body.to_string(),
            )
        }
    });
    (serve(app).await, count)
}

/// The configured host: answers the token request normally unless `redirect_token`,
/// and every other request with `status` and a `Location` on `target_host` that
/// repeats the path and query.
async fn redirector(
    status: u16,
    target_host: &str,
    redirect_token: bool,
) -> (String, Arc<AtomicU64>) {
    let count = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&count);
    let target_host = target_host.to_owned();
    let app = Router::new().fallback(move |uri: Uri| {
        let seen = Arc::clone(&seen);
        let target_host = target_host.clone();
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            if uri.path() == TOKEN_PATH && !redirect_token {
                let body =
                    json!({"errcode": 0, "description": "ok", "data": {"app-token": "tok-1"}});
                return (
                    StatusCode::OK,
                    [("content-type", "application/json")],
                    body.to_string(),
                )
                    .into_response();
            }
            let location = match uri.path_and_query() {
                Some(pq) => format!("http://{target_host}{pq}"),
                None => format!("http://{target_host}/"),
            };
            redirect(status, &location)
        }
    });
    (serve(app).await, count)
}

fn redirect(status: u16, location: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FOUND);
    (status, [("location", location.to_owned())], "moved").into_response()
}

fn jdy(host: &str) -> JdyClient {
    JdyClient::new(
        &JDY,
        jdy_config(&format!("http://{host}"), fast_transport()),
    )
    .unwrap_or_else(|e| panic!("client: {e}"))
}

fn shoubei(host: &str) -> ShoubeiClient {
    ShoubeiClient::new(&SHOUBEI, shoubei_config(&format!("http://{host}")))
        .unwrap_or_else(|e| panic!("client: {e}"))
}

/// Asserts a redirect error with `status` naming `host`, whose text holds no credential.
fn assert_redirect(
    result: Result<serde_json::Value, Error>,
    status: u16,
    host: &str,
    operation: &str,
) {
    let error = match result {
        Err(error) => error,
        Ok(value) => panic!("HTTP {status} followed, got {value}"),
    };
    let text = format!("{error} {error:?}");
    assert!(!error.is_retryable(), "redirects are final: {text}");
    for secret in [CLIENT_SECRET, APP_SECRET, SB_KEY, "tok-1", "app_signature"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    // A 303 answers a handled request: for a write, its outcome is unknown.
    assert_eq!(
        error.outcome_unknown(),
        status == 303 && operation != "app_token",
        "{text}"
    );
    match error.underlying() {
        Error::Redirect {
            status: got,
            location_host,
            operation: op,
            ..
        } => {
            assert_eq!(*got, status);
            assert_eq!(location_host.as_deref(), Some(host));
            assert_eq!(*op, operation);
        }
        other => panic!("expected a redirect error for HTTP {status}, got {other:?}"),
    }
}

#[tokio::test]
async fn jdy_call_redirect_sends_nothing_to_the_target() {
    for status in [301, 302, 303, 307, 308] {
        let (target_host, target_hits) = target().await;
        let (host, hits) = redirector(status, &target_host, false).await;
        let client = jdy(&host);
        let result = client
            .call_value(&OK, json!({"bill_no": "B1", "amount": 100}))
            .await;
        assert_redirect(result, status, &target_host, &OK.operation);
        assert_eq!(target_hits.load(Ordering::SeqCst), 0, "HTTP {status}");
        // One token request, one call: the redirect is not retried.
        assert_eq!(hits.load(Ordering::SeqCst), 2, "HTTP {status}");
    }
}

#[tokio::test]
async fn jdy_get_call_redirect_sends_nothing_to_the_target() {
    let (target_host, target_hits) = target().await;
    let (host, _) = redirector(302, &target_host, false).await;
    let result = jdy(&host).call_value(&QUERY, json!({"page": 1})).await;
    assert_redirect(result, 302, &target_host, &QUERY.operation);
    assert_eq!(target_hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn token_request_redirect_sends_nothing_to_the_target() {
    for status in [302, 307] {
        let (target_host, target_hits) = target().await;
        let (host, hits) = redirector(status, &target_host, true).await;
        let client = jdy(&host);
        let result = client.app_token().await.map(|_| json!(null));
        assert_redirect(result, status, &target_host, "app_token");
        assert_eq!(target_hits.load(Ordering::SeqCst), 0, "HTTP {status}");
        // The token request is idempotent, yet a redirect is not retried.
        assert_eq!(hits.load(Ordering::SeqCst), 1, "HTTP {status}");
    }
}

#[tokio::test]
async fn shoubei_redirect_sends_nothing_to_the_target() {
    for status in [302, 307] {
        let (target_host, target_hits) = target().await;
        let (host, hits) = redirector(status, &target_host, false).await;
        let result = shoubei(&host)
            .call_value(&SB_OK, json!({"coupon_code": "C1", "inst_no": "900024"}))
            .await;
        assert_redirect(result, status, &target_host, &SB_OK.operation);
        assert_eq!(target_hits.load(Ordering::SeqCst), 0, "HTTP {status}");
        assert_eq!(hits.load(Ordering::SeqCst), 1, "HTTP {status}");
    }
}

#[tokio::test]
async fn redirect_without_location_names_no_host() {
    let app = Router::new().fallback(|| async { (StatusCode::FOUND, "moved").into_response() });
    let host = serve(app).await;
    match shoubei(&host).call_value(&SB_OK, json!({"a": "b"})).await {
        Err(Error::Redirect {
            status: 302,
            location_host: None,
            ..
        }) => {}
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn non_http_base_urls_are_refused_when_the_client_is_built() {
    for bad in [
        "ftp://user:pw-in-url@gateway.example",
        "file:///tmp/socket",
        "ws://h",
    ] {
        let jdy = JdyClient::new(&JDY, jdy_config(bad, fast_transport()));
        let shoubei = ShoubeiClient::new(&SHOUBEI, shoubei_config(bad));
        for message in [
            jdy.err().map(|e| e.to_string()),
            shoubei.err().map(|e| e.to_string()),
        ] {
            let message = message.unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(message.contains("http or https"), "{message}");
            assert!(!message.contains("pw-in-url"), "{message}");
        }
    }
}

/// A caller's own HTTP client gets the same rule: one that follows redirects is refused
/// when the client is built, and with one that does not, a redirect is an error and the
/// target receives nothing.
#[tokio::test]
async fn a_supplied_http_client_never_follows_a_redirect() {
    let following = fast_transport().http_client(own_client(reqwest::redirect::Policy::default()));
    for built in [
        JdyClient::new(&JDY, jdy_config("http://127.0.0.1:1", following.clone())).err(),
        ShoubeiClient::new(
            &SHOUBEI,
            shoubei_config("http://127.0.0.1:1").transport(following.clone()),
        )
        .err(),
    ] {
        match built {
            Some(Error::Config { message }) => {
                assert!(message.contains("Policy::none()"), "{message}")
            }
            other => panic!("a client that follows redirects was accepted: {other:?}"),
        }
    }

    let own = own_client(reqwest::redirect::Policy::none());
    for status in [302, 307] {
        let (target_host, target_hits) = target().await;
        let (host, hits) = redirector(status, &target_host, false).await;
        let transport = fast_transport().http_client(own.clone());
        let client = JdyClient::new(&JDY, jdy_config(&format!("http://{host}"), transport))
            .unwrap_or_else(|e| panic!("client: {e}"));
        let result = client
            .call_value(&OK, json!({"bill_no": "B1", "amount": 100}))
            .await;
        assert_redirect(result, status, &target_host, &OK.operation);
        assert_eq!(target_hits.load(Ordering::SeqCst), 0, "HTTP {status}");
        assert_eq!(hits.load(Ordering::SeqCst), 2, "HTTP {status}");
    }
}
