//! A Redis for the token store tests: `redis-server` started on a free loopback port
//! without persistence, killed when dropped, or the one CI starts
//! (`RETAIL_APIS_TEST_REDIS`). Without either, a test is skipped with a note on
//! stderr, except under CI (`CI` set), where that is a failure.

#![allow(dead_code)]

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `redis-server` run by a test: killed (and waited for) on drop.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    /// The TLS port and the certificate directory, for a server speaking TLS too.
    tls: Option<(u16, PathBuf)>,
}

impl RedisServer {
    /// Starts `redis-server` on a free port and waits until it answers PING; `None`
    /// (after a skip note) when there is no `redis-server` outside CI.
    pub fn start(test: &str) -> Option<RedisServer> {
        RedisServer::start_with(test, None)
    }

    /// [`start`](Self::start), with a TLS port too, serving `server.pem` and
    /// `server.key` of `certs` (for 127.0.0.1) without asking clients for certificates.
    pub fn start_tls(test: &str, certs: &Path) -> Option<RedisServer> {
        RedisServer::start_with(test, Some((free_port(), certs.to_path_buf())))
    }

    fn start_with(test: &str, tls: Option<(u16, PathBuf)>) -> Option<RedisServer> {
        let port = free_port();
        match spawn(port, tls.as_ref()) {
            Ok(child) => Some(RedisServer::ready(child, port, tls)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                unavailable(test, "no redis-server binary on PATH")
            }
            Err(error) => panic!("cannot start redis-server: {error}"),
        }
    }

    fn ready(child: Child, port: u16, tls: Option<(u16, PathBuf)>) -> RedisServer {
        let server = RedisServer {
            child: Some(child),
            port,
            tls,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !pings(port) {
            assert!(
                Instant::now() < deadline,
                "redis-server on port {port} did not answer PING within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    /// `redis://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// `rediss://127.0.0.1:<TLS port>`, for a server started with
    /// [`start_tls`](Self::start_tls).
    pub fn tls_url(&self) -> String {
        let (port, _) = self.tls.as_ref().expect("a server started with TLS");
        format!("rediss://127.0.0.1:{port}")
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server (SIGKILL, as a crash) and waits for it to exit.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port (after [`kill`](Self::kill)), empty.
    pub fn restart(&mut self) {
        self.kill();
        let tls = self.tls.take();
        let child = spawn(self.port, tls.as_ref())
            .unwrap_or_else(|e| panic!("cannot restart redis-server: {e}"));
        *self = RedisServer::ready(child, self.port, tls);
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A Redis a test may use but not stop: CI's (`RETAIL_APIS_TEST_REDIS`) or one of its
/// own. Tests keep apart by using tenants of their own.
pub struct TestRedis {
    url: String,
    _own: Option<RedisServer>,
}

impl TestRedis {
    /// CI's Redis, or a new one; `None` (after a skip note) when neither can be had
    /// outside CI.
    pub fn get(test: &str) -> Option<TestRedis> {
        if let Ok(url) = std::env::var("RETAIL_APIS_TEST_REDIS") {
            if !url.trim().is_empty() {
                return Some(TestRedis { url, _own: None });
            }
        }
        let own = RedisServer::start(test)?;
        Some(TestRedis {
            url: own.url(),
            _own: Some(own),
        })
    }

    /// Its URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

fn spawn(port: u16, tls: Option<&(u16, PathBuf)>) -> std::io::Result<Child> {
    let mut command = Command::new("redis-server");
    command
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"]);
    if let Some((tls_port, certs)) = tls {
        command
            .args([
                "--tls-port",
                &tls_port.to_string(),
                "--tls-auth-clients",
                "no",
            ])
            .arg("--tls-cert-file")
            .arg(certs.join("server.pem"))
            .arg("--tls-key-file")
            .arg(certs.join("server.key"))
            .arg("--tls-ca-cert-file")
            .arg(certs.join("ca.pem"));
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}

fn pings(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut reply = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut reply).is_ok()
        && &reply == b"+PONG\r\n"
}

/// A loopback port free now (bound, then released).
/// A loopback port nothing listened on a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

fn unavailable<T>(test: &str, why: &str) -> Option<T> {
    if std::env::var_os("CI").is_some() {
        panic!(
            "{test}: {why}, and RETAIL_APIS_TEST_REDIS is not set; CI must provide Redis \
             (.ci/run installs and starts redis-server)"
        );
    }
    eprintln!("{test}: skipped, {why} (install redis-server or set RETAIL_APIS_TEST_REDIS)");
    None
}
