//! TLS of the HTTP client the runtime builds, and what a client of the caller's needs.
//!
//! reqwest takes the crypto of its own rustls setup from rustls's process-wide default
//! provider, falling back to aws-lc-rs, whose build needs CMake and a long C compile. The
//! rustls features leave aws-lc-rs out, so the runtime hands its client a finished rustls
//! configuration on the ring provider instead, with the root certificates its feature
//! names; nothing process-wide is installed. With `native-tls` on (alone or together with a
//! rustls feature) reqwest uses the platform's library, as it prefers it over rustls.

use crate::error::Error;

/// The TLS a client built by the runtime speaks: `builder` with the rustls configuration of
/// the enabled features, or `builder` unchanged when reqwest's own setup applies
/// (`native-tls`, or no TLS at all, where https base URLs are refused earlier).
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    #[cfg(all(
        any(feature = "rustls-webpki-roots", feature = "rustls-native-roots"),
        not(feature = "native-tls")
    ))]
    {
        Ok(builder.tls_backend_preconfigured(ring::client_config()?))
    }
    #[cfg(not(all(
        any(feature = "rustls-webpki-roots", feature = "rustls-native-roots"),
        not(feature = "native-tls")
    )))]
    {
        Ok(builder)
    }
}

/// Makes ring rustls's process-wide default crypto provider, unless a provider is installed
/// already (that one then stays).
///
/// Only for a [`reqwest::Client`] you build yourself (for
/// [`TransportConfig::http_client`](crate::TransportConfig::http_client), or any other use of
/// this reqwest) while a rustls feature is on: reqwest builds such a client's rustls setup
/// from that default, and its `build` panics without one, because these features leave
/// aws-lc-rs out. Call this once before building it, or install a provider of your own
/// (`rustls::crypto::CryptoProvider::install_default`); enabling reqwest's `rustls` feature
/// instead brings aws-lc-rs back. Such a client checks certificates as reqwest does: against
/// the operating system's trust store (rustls-platform-verifier), plus any root certificate
/// given to its builder. Does nothing when no rustls feature is on. The client the runtime
/// builds needs none of this.
pub fn install_default_crypto_provider() {
    #[cfg(any(feature = "rustls-webpki-roots", feature = "rustls-native-roots"))]
    {
        // An error only says that a provider was installed first, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(all(
    any(feature = "rustls-webpki-roots", feature = "rustls-native-roots"),
    not(feature = "native-tls")
))]
mod ring {
    use std::sync::Arc;

    use crate::error::Error;

    /// The rustls configuration of the runtime's client: the ring provider, TLS 1.2 and 1.3,
    /// the roots of the enabled features (both sets when both are on), and ALPN offering
    /// HTTP/2 before HTTP/1.1, as reqwest configures rustls itself.
    pub(super) fn client_config() -> Result<rustls::ClientConfig, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        #[cfg(feature = "rustls-webpki-roots")]
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        #[cfg(feature = "rustls-native-roots")]
        add_native_roots(&mut roots)?;
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::config(format!("cannot set up TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }

    /// Adds the operating system's root certificates, read when the client is built.
    ///
    /// rustls-native-certs rather than rustls-platform-verifier (which reqwest compiles too,
    /// and which itself reads the store through rustls-native-certs on Linux): the
    /// certificates are checked by webpki on ring exactly as with the Mozilla roots, only the
    /// root set differs, on every platform; the store is read once, when the client is
    /// built; and it is what reqwest 0.12's `rustls-tls-native-roots` used, so the accepted
    /// roots and the failure below stay as they were. It honours `SSL_CERT_FILE` and
    /// `SSL_CERT_DIR`.
    #[cfg(feature = "rustls-native-roots")]
    fn add_native_roots(roots: &mut rustls::RootCertStore) -> Result<(), Error> {
        let found = rustls_native_certs::load_native_certs();
        // Stores often hold old or malformed certificates; those are skipped, as long as
        // some certificate is usable. An empty store is no error: http base URLs still work,
        // and an https call fails on the unknown issuer.
        let (valid, invalid) = roots.add_parsable_certificates(found.certs);
        if valid == 0 && invalid > 0 {
            let reasons: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
            return Err(Error::config(format!(
                "no usable root certificate in the operating system's store ({invalid} \
                 unreadable){}{}",
                if reasons.is_empty() { "" } else { ": " },
                reasons.join("; ")
            )));
        }
        Ok(())
    }
}
