//! The test gateway behind TLS, with the certificates in `tests/fixtures/tls`: `ca.pem`, a
//! root no trust store holds, and `server.pem` (signed by it, for `127.0.0.1` and
//! `localhost`) with its key. Made once with OpenSSL, valid until 2126:
//!
//! ```sh
//! openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
//!   -out ca.pem -days 36500 -subj "/CN=retail-apis test CA" \
//!   -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
//! openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key \
//!   -out server.csr -subj "/CN=localhost"
//! openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
//!   -days 36500 -extfile ext.cnf  # subjectAltName=IP:127.0.0.1,DNS:localhost, serverAuth
//! ```

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::server::TlsStream;

use super::{app, Seen};

/// A certificate file of the fixtures.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

/// What the TLS side of the server saw.
#[derive(Default)]
pub struct Handshakes {
    /// The ALPN protocols each ClientHello offered, in its order.
    pub offered_alpn: Mutex<Vec<Vec<String>>>,
    /// Handshakes that completed.
    pub completed: Mutex<u64>,
}

/// Accepts TCP connections and completes a TLS handshake on each before the gateway sees
/// it, recording every ClientHello.
struct TlsListener {
    tcp: TcpListener,
    config: Arc<rustls::ServerConfig>,
    handshakes: Arc<Handshakes>,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, addr)) = self.tcp.accept().await else {
                continue;
            };
            let acceptor = rustls::server::Acceptor::default();
            let Ok(start) = tokio_rustls::LazyConfigAcceptor::new(acceptor, tcp).await else {
                continue;
            };
            let offered = start
                .client_hello()
                .alpn()
                .map(|protocols| {
                    protocols
                        .map(|p| String::from_utf8_lossy(p).into_owned())
                        .collect()
                })
                .unwrap_or_default();
            if let Ok(mut all) = self.handshakes.offered_alpn.lock() {
                all.push(offered);
            }
            // A client that refuses the certificate ends the handshake here.
            if let Ok(stream) = start.into_stream(Arc::clone(&self.config)).await {
                if let Ok(mut completed) = self.handshakes.completed.lock() {
                    *completed += 1;
                }
                return (stream, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// The server's TLS: the fixture certificate, ring, and HTTP/1.1 only (the gateway speaks
/// no HTTP/2), so a client offering both settles on HTTP/1.1.
fn server_config() -> Arc<rustls::ServerConfig> {
    let chain = CertificateDer::pem_file_iter(fixture("server.pem"))
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .unwrap_or_else(|e| panic!("server.pem: {e}"));
    let key = PrivateKeyDer::from_pem_file(fixture("server.key"))
        .unwrap_or_else(|e| panic!("server.key: {e}"));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
        .unwrap_or_else(|e| panic!("server TLS: {e}"));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

/// Starts the gateway behind TLS; returns its `https://127.0.0.1:port` base URL, what the
/// gateway saw and what the TLS side saw.
pub async fn start_tls() -> (String, Arc<Seen>, Arc<Handshakes>) {
    let seen = Arc::new(Seen::default());
    let handshakes = Arc::new(Handshakes::default());
    let tcp = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("cannot bind: {e}"));
    let addr = tcp
        .local_addr()
        .unwrap_or_else(|e| panic!("no local address: {e}"));
    let listener = TlsListener {
        tcp,
        config: server_config(),
        handshakes: Arc::clone(&handshakes),
    };
    let app = app(&seen);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("https://{addr}"), seen, handshakes)
}
