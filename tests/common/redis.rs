//! A Redis for the tests that share state through it: the one `RETAIL_APIS_TEST_REDIS`
//! names, or a `redis-server` of the test's own on a free loopback port, stopped when
//! the fixture is dropped. Without either, a test is skipped with a note, except under CI
//! (`CI` set), where it fails: there the Redis tests must run.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A Redis the test may use; a server it started stops on drop.
pub struct TestRedis {
    url: String,
    server: Option<Child>,
}

impl TestRedis {
    /// The Redis for this test, or `None` (after a note) when there is none outside CI.
    pub fn start() -> Option<TestRedis> {
        if let Ok(url) = std::env::var("RETAIL_APIS_TEST_REDIS") {
            return Some(TestRedis { url, server: None });
        }
        TestRedis::spawn(free_port())
    }

    /// A `redis-server` of the test's own on `port`, whatever `RETAIL_APIS_TEST_REDIS`
    /// says (for tests that need Redis to come up while they run), or `None` (after a
    /// note) when there is none outside CI.
    pub fn spawn(port: u16) -> Option<TestRedis> {
        let spawned = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let server = match spawned {
            Ok(server) => server,
            Err(e) => {
                let why = format!(
                    "cannot start redis-server ({e}); install it or set RETAIL_APIS_TEST_REDIS \
                     to a Redis URL"
                );
                if std::env::var_os("CI").is_some() {
                    panic!("{why}");
                }
                eprintln!("skipping a Redis test: {why}");
                return None;
            }
        };
        let redis = TestRedis {
            url: format!("redis://127.0.0.1:{port}"),
            server: Some(server),
        };
        redis.wait_until_listening(port);
        Some(redis)
    }

    /// The URL to connect to.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn wait_until_listening(&self, port: u16) {
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        while TcpStream::connect_timeout(&address, Duration::from_millis(100)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not listen on port {port} within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        if let Some(server) = &mut self.server {
            let _ = server.kill();
            let _ = server.wait();
        }
    }
}

/// A loopback port nothing listened on a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}
