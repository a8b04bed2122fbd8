//! A transport failure keeps the HTTP client's error as its source, so callers can walk
//! the chain down to the I/O error, and nothing in that chain names a credential or the
//! signed URL.

mod common;

use common::{
    closed_port, fast_transport, jdy_config, APP_KEY, APP_SECRET, CLIENT_SECRET, JDY, OK,
};
use retail_apis_runtime::jdy::signing::app_signature;
use retail_apis_runtime::jdy::JdyClient;
use retail_apis_runtime::Error;
use serde_json::json;

/// Every error of the chain that starts at `error`, outermost first.
fn chain(error: &Error) -> Vec<&(dyn std::error::Error + 'static)> {
    let mut all: Vec<&(dyn std::error::Error + 'static)> = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = next {
        all.push(current);
        next = current.source();
    }
    all
}

#[tokio::test]
async fn a_refused_connection_keeps_its_cause_and_no_credential() {
    let port = closed_port();
    let base_url = format!("http://127.0.0.1:{port}");
    let client = JdyClient::new(&JDY, jdy_config(&base_url, fast_transport()))
        .unwrap_or_else(|e| panic!("{e}"));
    // The first request is the token request, whose query carries the app signature.
    let error = match client.call_value(&OK, json!({})).await {
        Err(error) => error,
        Ok(value) => panic!("a closed port answered: {value}"),
    };
    assert!(
        matches!(error.underlying(), Error::Transport { sent: false, .. }),
        "{error:?}"
    );

    let chain = chain(&error);
    assert!(
        chain.iter().any(|e| e.is::<reqwest::Error>()),
        "no reqwest error in the chain: {error:?}"
    );
    let io = chain
        .iter()
        .find_map(|e| e.downcast_ref::<std::io::Error>())
        .unwrap_or_else(|| panic!("no I/O error in the chain: {error:?}"));
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);

    let signature = app_signature(APP_KEY, APP_SECRET);
    let forbidden = [
        CLIENT_SECRET,
        APP_SECRET,
        signature.as_str(),
        "app_signature",
        "/auth/token",
    ];
    let mut texts: Vec<String> = chain.iter().map(|e| e.to_string()).collect();
    texts.push(format!("{error:?}"));
    for text in &texts {
        for secret in forbidden {
            assert!(!text.contains(secret), "`{secret}` shown in: {text}");
        }
    }
}
