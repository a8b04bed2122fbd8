//! A request budget kept in Redis, shared by every process that uses the same Redis and
//! key prefix.
//!
//! One Lua script reserves a slot atomically with the GCRA steps of `gcra.rs`, on Redis's
//! own clock (`TIME`), so processes with skewed clocks still share one budget. The key
//! holds the budget's TAT and expires when the budget is full again, so idle services
//! leave nothing behind.
//!
//! Redis trouble never fails a call: while Redis cannot be reached (or answers with an
//! error or too slowly), slots come from a budget in this process's memory, and Redis is
//! tried again after [`RedisRateLimiter::retry_interval`]. The switch is logged once in
//! each direction, not per call.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::AsyncConnectionConfig;
use tokio::time::Instant;

use super::gcra::{micros, Gcra};
use super::{LocalRateLimiter, RateLimit, RateLimiter, Reservation, ReserveFuture};
use crate::error::Error;

/// KEYS[1]: the budget's key. ARGV: interval and tolerance (µs), the longest wait the
/// caller accepts (µs; -1: any). Returns {granted (1 or 0), wait in µs}.
const RESERVE: &str = r"
redis.replicate_commands()
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
if max_wait >= 0 and wait > max_wait then return {0, wait} end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX',
  math.ceil((next_tat - now) / 1000) + 1)
return {1, wait}
";

/// The key prefix unless one is set: keys are `<prefix>:<service>`.
const DEFAULT_PREFIX: &str = "retail-apis:rate-limit";

/// A budget per service kept in Redis (`redis` feature); see the module documentation.
pub struct RedisRateLimiter {
    client: redis::Client,
    /// The connection in use; made on first use (it needs the caller's tokio runtime),
    /// dropped after a failure, and made anew on the next try, so that the first try after
    /// Redis comes back finds it.
    connection: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    script: redis::Script,
    gcra: Gcra,
    prefix: String,
    timeout: Duration,
    retry_interval: Duration,
    /// Slots while Redis cannot be reached.
    fallback: LocalRateLimiter,
    /// Until when Redis is left alone after a failure.
    resting_until: Mutex<Option<Instant>>,
    /// Whether the last reservation used the fallback; only changes are logged.
    degraded: AtomicBool,
}

impl fmt::Debug for RedisRateLimiter {
    /// Leaves out the URL, which may carry a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRateLimiter")
            .field("limit", &self.fallback.limit())
            .field("prefix", &self.prefix)
            .field("degraded", &self.degraded.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl RedisRateLimiter {
    /// A limiter giving each service the budget `limit` in the Redis at `url`
    /// (`redis://[:password@]host:port[/db]`). Nothing is connected yet: a Redis that is
    /// down is found out, and bridged, when calls are made. An unreadable URL is an
    /// [`Error::Config`] (which does not repeat the URL).
    pub fn new(url: &str, limit: RateLimit) -> Result<RedisRateLimiter, Error> {
        let client = redis::Client::open(url).map_err(|e| {
            Error::config(format!(
                "the rate limiter's Redis URL cannot be used ({:?})",
                e.kind()
            ))
        })?;
        Ok(RedisRateLimiter {
            client,
            connection: tokio::sync::Mutex::new(None),
            script: redis::Script::new(RESERVE),
            gcra: Gcra::new(limit),
            prefix: DEFAULT_PREFIX.to_owned(),
            timeout: Duration::from_millis(500),
            retry_interval: Duration::from_secs(5),
            fallback: LocalRateLimiter::new(limit),
            resting_until: Mutex::new(None),
            degraded: AtomicBool::new(false),
        })
    }

    /// With keys `<prefix>:<service>`: limiters with the same prefix share budgets, so
    /// separate prefixes keep unrelated deployments (or tenants) apart.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> RedisRateLimiter {
        self.prefix = prefix.into();
        self
    }

    /// With `limit` for connecting to Redis and for each reservation (500 ms unless set):
    /// past it, the slot comes from the local budget.
    pub fn timeout(mut self, limit: Duration) -> RedisRateLimiter {
        self.timeout = limit;
        self
    }

    /// With `interval` between tries of a Redis that failed (5 s unless set); slots come
    /// from the local budget meanwhile.
    pub fn retry_interval(mut self, interval: Duration) -> RedisRateLimiter {
        self.retry_interval = interval;
        self
    }

    /// Whether the last reservation came from the local budget because Redis failed.
    pub fn is_degraded(&self) -> bool {
        self.degraded.load(Ordering::Relaxed)
    }

    fn resting(&self) -> bool {
        let resting = self
            .resting_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        resting.is_some_and(|until| Instant::now() < until)
    }

    /// The connection to use, made now if there is none.
    async fn connection(&self) -> Result<MultiplexedConnection, String> {
        // Held while connecting: concurrent calls wait for one connection, not make many.
        let mut slot = self.connection.lock().await;
        if let Some(connection) = &*slot {
            return Ok(connection.clone());
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout));
        let connection = tokio::time::timeout(
            self.timeout,
            self.client
                .get_multiplexed_async_connection_with_config(&config),
        )
        .await
        .map_err(|_| format!("no connection within {} ms", self.timeout.as_millis()))?
        .map_err(|e| e.to_string())?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    async fn reserve_in_redis(
        &self,
        service: &str,
        max_wait: Option<Duration>,
    ) -> Result<Reservation, String> {
        let mut connection = self.connection().await?;
        let max_wait = max_wait.map_or(-1, |wait| i64::try_from(micros(wait)).unwrap_or(i64::MAX));
        let mut invocation = self.script.key(format!("{}:{service}", self.prefix));
        invocation
            .arg(self.gcra.interval_us)
            .arg(self.gcra.tolerance_us)
            .arg(max_wait);
        let answer = tokio::time::timeout(
            self.timeout,
            invocation.invoke_async::<(i64, i64)>(&mut connection),
        )
        .await
        .map_err(|_| format!("no answer within {} ms", self.timeout.as_millis()))?
        .map_err(|e| e.to_string())?;
        let wait = Duration::from_micros(u64::try_from(answer.1).unwrap_or(0));
        Ok(if answer.0 == 1 {
            Reservation::Granted(wait)
        } else {
            Reservation::Refused(wait)
        })
    }

    async fn reserve_or_fall_back(&self, service: &str, max_wait: Option<Duration>) -> Reservation {
        if !self.resting() {
            match self.reserve_in_redis(service, max_wait).await {
                Ok(reservation) => {
                    if self.degraded.swap(false, Ordering::Relaxed) {
                        tracing::info!("rate limiter: Redis answers again; sharing its budget");
                    }
                    return reservation;
                }
                Err(problem) => {
                    *self.connection.lock().await = None;
                    *self
                        .resting_until
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) =
                        Instant::now().checked_add(self.retry_interval);
                    if !self.degraded.swap(true, Ordering::Relaxed) {
                        tracing::warn!(
                            error = %problem,
                            retry_in_ms = u64::try_from(self.retry_interval.as_millis()).unwrap_or(u64::MAX),
                            "rate limiter: Redis cannot be reached; limiting this process alone"
                        );
                    }
                }
            }
        }
        self.fallback.reserve_now(service, max_wait)
    }
}

impl RateLimiter for RedisRateLimiter {
    fn reserve<'a>(&'a self, service: &'a str, max_wait: Option<Duration>) -> ReserveFuture<'a> {
        Box::pin(self.reserve_or_fall_back(service, max_wait))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neither_debug_nor_errors_show_the_url() {
        let limiter = RedisRateLimiter::new(
            "redis://:redis-password@127.0.0.1:6379",
            RateLimit::per_second(1),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let text = format!("{limiter:?}");
        assert!(!text.contains("redis-password"), "{text}");
        match RedisRateLimiter::new("nonsense://:redis-password@host", RateLimit::per_second(1)) {
            Err(e) => assert!(!e.to_string().contains("redis-password"), "{e}"),
            Ok(_) => panic!("an unusable URL was accepted"),
        }
    }
}
