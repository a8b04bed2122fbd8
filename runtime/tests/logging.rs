//! Log output of calls that fetch, refresh and retry: spans name service, operation
//! and attempt, and no credential or token is ever written.

mod common;

use common::*;
use retail_apis_runtime::jdy::JdyClient;
use serde_json::json;

#[tokio::test]
async fn logs_name_the_call_and_never_a_secret() {
    let (buffer, _guard) = common::log_capture::capture(tracing::Level::TRACE);

    let (url, _) = start().await;
    let client =
        JdyClient::new(&JDY, jdy_config(&url, fast_transport())).unwrap_or_else(|e| panic!("{e}"));
    let refreshed = client.call_value(&EXPIRE_ONCE, json!({})).await;
    assert!(refreshed.is_ok(), "{refreshed:?}");
    let retried = client.call_value(&UNAVAILABLE_IDEMPOTENT, json!({})).await;
    assert!(retried.is_err());

    let logs = buffer.text();
    assert!(logs.contains("operation=\"expire_once\""), "{logs}");
    assert!(logs.contains("attempt=3"), "{logs}");
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("credential rejected"), "{logs}");
    let app_signature = retail_apis_runtime::jdy::signing::app_signature(APP_KEY, APP_SECRET);
    for secret in [
        CLIENT_SECRET,
        APP_SECRET,
        "tok-1",
        "tok-2",
        app_signature.as_str(),
    ] {
        assert!(!logs.contains(secret), "{secret} appears in the logs");
    }
}
