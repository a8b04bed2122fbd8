//! Timeouts, retry policy and limits shared by both vendors' clients.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::ratelimit::{LocalRateLimiter, RateLimit, RateLimiter};

/// How requests are sent and repeated.
///
/// A request is repeated only when that cannot cause a duplicate effect: after a
/// transient failure that provably had no effect (a connection never established,
/// HTTP 429, a `retryable` code the spec marks `processed: never`), on any endpoint; or
/// after any transient failure (a timeout, 5xx, a `retryable` code) on endpoints whose
/// idempotency key has vendor evidence, and on `safe` (read-only) endpoints. A write that
/// may have been applied but got no usable answer fails with
/// [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).
///
/// Between attempts the client waits the backoff, or the server's `Retry-After` when that
/// is longer; before each attempt it takes a slot of the `rate_limiter`, if any. The
/// `deadline` bounds all of it: no wait is begun that would end past it.
///
/// Built from [`default`](Self::default) with the setters, so that a setting added later
/// breaks no caller:
///
/// ```
/// # use std::time::Duration;
/// # use retail_apis_runtime::TransportConfig;
/// let transport = TransportConfig::default()
///     .timeout(Duration::from_secs(10))
///     .max_retries(1);
/// assert_eq!(transport.max_retries, 1);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct TransportConfig {
    /// Limit for establishing a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Limit for one attempt: signing, connecting, sending, reading and checking the whole
    /// response (one timer, shared with the call's `deadline` when that comes first).
    pub timeout: Duration,
    /// Repeats after the first attempt.
    pub max_retries: u32,
    /// First backoff delay; doubles per retry, with jitter.
    pub backoff_base: Duration,
    /// Longest backoff delay.
    pub backoff_max: Duration,
    /// Largest accepted response body in bytes; reading stops past it.
    pub max_body_bytes: usize,
    /// `User-Agent` header of the HTTP client the runtime builds; a supplied
    /// `http_client` sends its own.
    pub user_agent: String,
    /// An HTTP client of the caller's (a proxy, a corporate root certificate, default
    /// headers), used instead of the one the runtime builds. It must be built with
    /// [`reqwest::redirect::Policy::none()`]: every request carries credentials, and a
    /// client that followed a redirect would hand them, and the body, to whichever host
    /// the answer names. The client is refused when it is built otherwise. The runtime
    /// still applies `timeout` to each attempt (which bounds connecting too;
    /// `connect_timeout` applies only to its own client), `max_body_bytes`, and refuses
    /// any 3xx answer. Clones share the client's connection pool. With a rustls feature,
    /// build it after [`install_default_crypto_provider`](crate::tls::install_default_crypto_provider)
    /// (or with a crypto provider of your own installed): reqwest panics without one.
    pub http_client: Option<reqwest::Client>,
    /// Limit for the whole call: every attempt, backoff, `Retry-After` wait and rate-limit
    /// wait of it, the app-token request a call makes included. Each attempt's `timeout`
    /// is cut to what remains, and a wait that would end past the deadline is not slept:
    /// the call fails at once with
    /// [`Error::DeadlineExceeded`](crate::Error::DeadlineExceeded). Two minutes unless
    /// set, which the default attempts (three of 30 s, two short backoffs) never reach,
    /// so only waits a server or a rate limit asks for meet it. `None` bounds a call only
    /// by its attempts: a server's `Retry-After` is then honoured up to
    /// [`MAX_RETRY_AFTER`](crate::MAX_RETRY_AFTER) per retry.
    pub deadline: Option<Duration>,
    /// Client-side budget of requests: every attempt waits for a slot of its service's
    /// budget before it is sent, within the deadline. Clones of this configuration share
    /// the limiter, so clients built from them share the budget. `None` unless set.
    pub rate_limiter: Option<Arc<dyn RateLimiter>>,
}

impl Default for TransportConfig {
    fn default() -> TransportConfig {
        TransportConfig {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_retries: 2,
            backoff_base: Duration::from_millis(100),
            backoff_max: Duration::from_secs(2),
            max_body_bytes: 4 * 1024 * 1024,
            user_agent: format!("retail-apis/{}", env!("CARGO_PKG_VERSION")),
            http_client: None,
            deadline: Some(Duration::from_secs(120)),
            rate_limiter: None,
        }
    }
}

/// Shows whether an HTTP client was supplied, not the client: reqwest's `Debug` lists its
/// default headers and proxies, which can hold credentials.
impl fmt::Debug for TransportConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportConfig")
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("backoff_base", &self.backoff_base)
            .field("backoff_max", &self.backoff_max)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("user_agent", &self.user_agent)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "supplied"),
            )
            .field("deadline", &self.deadline)
            .field("rate_limiter", &self.rate_limiter)
            .finish()
    }
}

impl TransportConfig {
    /// With `limit` for establishing a connection.
    pub fn connect_timeout(mut self, limit: Duration) -> TransportConfig {
        self.connect_timeout = limit;
        self
    }

    /// With `limit` for one attempt: connecting, sending and reading the whole response.
    pub fn timeout(mut self, limit: Duration) -> TransportConfig {
        self.timeout = limit;
        self
    }

    /// With at most `retries` repeats after the first attempt.
    pub fn max_retries(mut self, retries: u32) -> TransportConfig {
        self.max_retries = retries;
        self
    }

    /// With `delay` as the first backoff delay.
    pub fn backoff_base(mut self, delay: Duration) -> TransportConfig {
        self.backoff_base = delay;
        self
    }

    /// With `delay` as the longest backoff delay.
    pub fn backoff_max(mut self, delay: Duration) -> TransportConfig {
        self.backoff_max = delay;
        self
    }

    /// With `limit` as the largest accepted response body in bytes.
    pub fn max_body_bytes(mut self, limit: usize) -> TransportConfig {
        self.max_body_bytes = limit;
        self
    }

    /// With `agent` as the `User-Agent` of the HTTP client the runtime builds.
    pub fn user_agent(mut self, agent: impl Into<String>) -> TransportConfig {
        self.user_agent = agent.into();
        self
    }

    /// With the caller's own HTTP client, built with
    /// [`reqwest::redirect::Policy::none()`] (see the field of the same name).
    pub fn http_client(mut self, client: reqwest::Client) -> TransportConfig {
        self.http_client = Some(client);
        self
    }

    /// With `limit` for the whole call (see the field `deadline`).
    pub fn deadline(mut self, limit: Duration) -> TransportConfig {
        self.deadline = Some(limit);
        self
    }

    /// With no limit for the whole call, only for each attempt (see the field `deadline`).
    pub fn without_deadline(mut self) -> TransportConfig {
        self.deadline = None;
        self
    }

    /// With a budget of `limit` per service kept in this process: clients built from
    /// this configuration or its clones share it, each service its own. A new budget each
    /// time it is called.
    pub fn rate_limit(self, limit: RateLimit) -> TransportConfig {
        self.rate_limiter(Arc::new(LocalRateLimiter::new(limit)))
    }

    /// With `limiter` handing out send slots: a [`LocalRateLimiter`], a
    /// `RedisRateLimiter` (feature `redis`) shared across processes, or one of yours.
    /// Pass clones of one `Arc` to share a budget between configurations.
    pub fn rate_limiter(mut self, limiter: Arc<dyn RateLimiter>) -> TransportConfig {
        self.rate_limiter = Some(limiter);
        self
    }

    /// Delay before retry number `retry` (1-based): exponential from `backoff_base`,
    /// capped at `backoff_max`, scaled by a random factor in [0.5, 1] so that clients
    /// failing together do not retry in lockstep.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(16);
        let full = self
            .backoff_base
            .saturating_mul(1u32 << exponent)
            .min(self.backoff_max);
        let factor: f64 = rand::RngExt::random_range(&mut rand::rng(), 0.5..=1.0);
        full.mul_f64(factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_does_not_show_the_supplied_client() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-proxy-key",
            reqwest::header::HeaderValue::from_static("header-secret"),
        );
        let proxy = reqwest::Proxy::all("http://user:proxy-password@127.0.0.1:3128")
            .unwrap_or_else(|e| panic!("{e}"));
        crate::tls::install_default_crypto_provider();
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .proxy(proxy)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = format!("{:?}", TransportConfig::default().http_client(client));
        assert!(text.contains(r#"http_client: Some("supplied")"#), "{text}");
        for secret in ["header-secret", "proxy-password"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let config = TransportConfig {
            backoff_base: Duration::from_millis(100),
            backoff_max: Duration::from_millis(350),
            ..TransportConfig::default()
        };
        for _ in 0..50 {
            let first = config.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = config.backoff(2);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let late = config.backoff(40);
            assert!(late >= Duration::from_millis(175) && late <= Duration::from_millis(350));
        }
    }
}
