//! A caller's own HTTP client (here one that goes through an HTTP proxy and adds a header
//! of its own) carries the generated client's calls to the sandbox, signatures intact.

mod common;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, Uri};
use axum::response::IntoResponse;
use common::{bounded, fast_transport, jdy_client_with, recharge, start_sandbox};

const TAG: &str = "x-corp-tag";

/// What the proxy saw of one request: the path and the value of [`TAG`].
type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// Headers that belong to one hop and are not forwarded.
const HOP: [&str; 4] = [
    "connection",
    "proxy-connection",
    "transfer-encoding",
    "content-length",
];

fn forwardable(headers: &HeaderMap) -> HeaderMap {
    let mut kept = headers.clone();
    for name in HOP {
        kept.remove(name);
    }
    kept
}

/// A forwarding HTTP proxy on a loopback port that records every request; returns its
/// URL.
async fn start_proxy(seen: Seen) -> String {
    let upstream = common::http_builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let upstream = upstream.clone();
            let seen = Arc::clone(&seen);
            async move {
                let tag = headers
                    .get(TAG)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                seen.lock()
                    .unwrap_or_else(|e| panic!("{e}"))
                    .push((uri.path().to_owned(), tag));
                let answer = upstream
                    .request(method, uri.to_string())
                    .headers(forwardable(&headers))
                    .body(body)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("the proxy cannot reach the sandbox: {e}"));
                let status = answer.status();
                let headers = forwardable(answer.headers());
                let body = answer.bytes().await.unwrap_or_else(|e| panic!("{e}"));
                (status, headers, body).into_response()
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("cannot bind: {e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_supplied_http_client_carries_the_calls() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let seen: Seen = Arc::default();
        let proxy = start_proxy(Arc::clone(&seen)).await;
        let mut defaults = HeaderMap::new();
        defaults.insert(TAG, HeaderValue::from_static("corp-7"));
        let own = common::http_builder()
            .proxy(reqwest::Proxy::http(&proxy).unwrap_or_else(|e| panic!("{e}")))
            .default_headers(defaults)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let transport = fast_transport().http_client(own);
        let client = jdy_client_with(&sandbox.base_url(), transport);

        client
            .mall_recharge(&recharge("12.00", "M-9", "PROXY-1"))
            .await
            .unwrap_or_else(|e| panic!("the call through the supplied client failed: {e}"));

        assert_eq!(sandbox.request_count("jdy.mall_recharge"), 1);
        let seen = seen.lock().unwrap_or_else(|e| panic!("{e}")).clone();
        // The token request and the call, both through the proxy, both with the header.
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(
            seen.iter().all(|(_, tag)| tag.as_deref() == Some("corp-7")),
            "{seen:?}"
        );
    })
    .await;
}
