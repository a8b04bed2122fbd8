//! The log of a shared rate limiter whose Redis goes away and comes back: one warning when
//! it starts bridging with a local budget, one note when Redis answers again, not a line
//! per call. Alone in its test binary, so that no other test's events share its log
//! callsites (whose interest tracing caches per process).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::redis_server::RedisServer;
use common::{bounded, fast_transport, jdy_client_with, recharge, start_sandbox};
use retail_apis::jdy;
use retail_apis::runtime::{RateLimit, RedisRateLimiter};

async fn recharge_five(client: &jdy::Client, tag: &str) {
    for i in 0..5 {
        let bill = format!("{tag}-{i}");
        client
            .mall_recharge(&recharge("1.00", "M-L", &bill))
            .await
            .expect("the call succeeds");
    }
}

/// Log lines written while a test runs, read back by the test.
#[derive(Clone, Default)]
struct Logs(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut logs) = self.0.lock() {
            logs.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        let logs = self.0.lock().map(|l| l.clone()).unwrap_or_default();
        String::from_utf8_lossy(&logs).into_owned()
    }

    fn count(&self, needle: &str) -> usize {
        self.text().matches(needle).count()
    }
}

#[tokio::test]
async fn a_redis_outage_is_logged_once_and_bridged_until_redis_answers() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The test runs on one thread, its spawned calls included.
    let _guard = tracing_subscriber::util::SubscriberInitExt::set_default(subscriber);
    // Started to learn that Redis can run here, then killed: the limiter begins without it.
    let Some(mut redis) =
        RedisServer::start("a_redis_outage_is_logged_once_and_bridged_until_redis_answers")
    else {
        return;
    };
    redis.kill();
    let port = redis.port();
    bounded(async {
        let sandbox = start_sandbox().await;
        let limiter = Arc::new(
            RedisRateLimiter::new(
                &format!("redis://127.0.0.1:{port}"),
                RateLimit::per_second(1000),
            )
            .expect("a valid Redis URL")
            .timeout(Duration::from_millis(500))
            .retry_interval(Duration::from_millis(100)),
        );
        let client = jdy_client_with(
            &sandbox.base_url(),
            fast_transport().rate_limiter(limiter.clone()),
        );

        // Calls over longer than the retry interval: Redis is tried again, and fails again.
        for round in 0..3 {
            recharge_five(&client, &format!("R3-{round}")).await;
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        assert!(limiter.is_degraded());
        assert_eq!(logs.count("Redis cannot be reached"), 1, "{}", logs.text());

        redis.restart();
        tokio::time::sleep(Duration::from_millis(150)).await;
        recharge_five(&client, "R3-up").await;
        assert!(!limiter.is_degraded());
        assert_eq!(logs.count("Redis answers again"), 1);
        assert_eq!(logs.count("Redis cannot be reached"), 1);
    })
    .await;
}
