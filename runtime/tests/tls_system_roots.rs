//! The features that trust the operating system's roots (`rustls-native-roots`,
//! `native-tls`) read them where the system keeps them, `SSL_CERT_FILE` included: with the
//! test root named there, a call goes through TLS to the gateway and succeeds.
//!
//! Its own test binary: the variable is set for the whole process.

#![cfg(any(feature = "rustls-native-roots", feature = "native-tls"))]

mod common;

use common::tls::{fixture, start_tls};
use common::{fast_transport, jdy_config, JDY, OK};
use retail_apis_runtime::jdy::JdyClient;
use serde_json::json;

#[tokio::test]
async fn a_root_in_the_system_store_is_trusted() {
    std::env::set_var("SSL_CERT_FILE", fixture("ca.pem"));
    std::env::remove_var("SSL_CERT_DIR");
    let (base_url, seen, handshakes) = start_tls().await;
    let client = JdyClient::new(&JDY, jdy_config(&base_url, fast_transport()))
        .unwrap_or_else(|e| panic!("{e}"));
    let data = client
        .call_value(&OK, json!({"bill_no": "B1"}))
        .await
        .unwrap_or_else(|e| panic!("the call over TLS failed: {e:?}"));
    assert!(data.is_object(), "{data}");
    assert!(seen.problems().is_empty(), "{:?}", seen.problems());
    assert_eq!(seen.hits(common::TOKEN_PATH), 1);
    assert_eq!(seen.hits("/jdy/ok"), 1);
    assert!(handshakes.completed.lock().map(|c| *c).unwrap_or(0) >= 1);
}
