//! Log output of calls that fetch, refresh and retry: spans name service, operation
//! and attempt, and no credential or token is ever written.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use retail_apis_runtime::jdy::JdyClient;
use serde_json::json;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_name_the_call_and_never_a_secret() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (url, _) = start().await;
    let client =
        JdyClient::new(&JDY, jdy_config(&url, fast_transport())).unwrap_or_else(|e| panic!("{e}"));
    let refreshed = client.call_value(&EXPIRE_ONCE, json!({})).await;
    assert!(refreshed.is_ok(), "{refreshed:?}");
    let retried = client.call_value(&UNAVAILABLE_IDEMPOTENT, json!({})).await;
    assert!(retried.is_err());

    let logs = buffer
        .0
        .lock()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
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
