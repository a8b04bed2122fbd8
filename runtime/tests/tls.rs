//! https through the client the runtime builds: the server's certificate is checked (a
//! root no trust store holds is refused during the handshake, before any byte of a request
//! is sent), the client offers HTTP/2 and HTTP/1.1 as reqwest's own setup does, and
//! building the client changes nothing process-wide.

#![cfg(any(
    feature = "rustls-webpki-roots",
    feature = "rustls-native-roots",
    feature = "native-tls"
))]

mod common;

use common::tls::start_tls;
use common::{fast_transport, jdy_config, APP_KEY, APP_SECRET, CLIENT_SECRET, JDY, OK};
use retail_apis_runtime::jdy::signing::app_signature;
use retail_apis_runtime::jdy::JdyClient;
use retail_apis_runtime::Error;
use serde_json::json;

/// Every message of the chain that starts at `error`, outermost first.
fn chain_text(error: &Error) -> String {
    let mut text = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = next {
        text.push(format!("{current} / {current:?}"));
        next = current.source();
    }
    text.join("\n")
}

#[tokio::test]
async fn a_certificate_no_trusted_root_vouches_for_is_refused_before_anything_is_sent() {
    let (base_url, seen, handshakes) = start_tls().await;
    let client = JdyClient::new(&JDY, jdy_config(&base_url, fast_transport()))
        .unwrap_or_else(|e| panic!("{e}"));
    // Building the runtime's own client installs no crypto provider for the whole
    // process: the rustls features hand reqwest a finished configuration instead.
    #[cfg(not(feature = "native-tls"))]
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());

    let error = match client.call_value(&OK, json!({"bill_no": "B1"})).await {
        Err(error) => error,
        Ok(value) => panic!("a certificate of an unknown root was accepted: {value}"),
    };
    assert!(
        matches!(error.underlying(), Error::Transport { sent: false, .. }),
        "{error:?}"
    );
    let text = chain_text(&error);
    assert!(text.contains("certificate"), "{text}");
    let signature = app_signature(APP_KEY, APP_SECRET);
    for secret in [
        CLIENT_SECRET,
        APP_SECRET,
        signature.as_str(),
        "app_signature",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    // The gateway never saw a request; the TLS side saw ClientHellos (one per attempt, as
    // a refused handshake had no effect and is repeated) and no finished handshake.
    assert_eq!(seen.hits(common::TOKEN_PATH), 0);
    assert_eq!(seen.hits("/jdy/ok"), 0);
    let offered = handshakes
        .offered_alpn
        .lock()
        .map(|o| o.clone())
        .unwrap_or_default();
    assert!(!offered.is_empty(), "no ClientHello arrived");
    for protocols in &offered {
        assert_eq!(protocols, &["h2", "http/1.1"], "{offered:?}");
    }
    assert_eq!(handshakes.completed.lock().map(|c| *c).unwrap_or(1), 0);
    #[cfg(not(feature = "native-tls"))]
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());
}
