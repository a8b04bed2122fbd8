//! Client-side rate limits: a budget of requests per service that every attempt of every
//! client sharing the limiter draws from, token requests included.
//!
//! [`LocalRateLimiter`] keeps the budget in memory, for the clients of one process. With
//! the `redis` feature, `RedisRateLimiter` keeps it in Redis, shared by every process
//! that uses the same Redis and key prefix, and falls back to a local budget while Redis
//! cannot be reached. Both reserve slots with the same algorithm (GCRA, see `gcra.rs`),
//! so a call learns at once whether its slot comes before its deadline.

mod gcra;
#[cfg(feature = "redis")]
mod redis;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

#[cfg(feature = "redis")]
pub use self::redis::RedisRateLimiter;
use gcra::{micros, Gcra, Step};

/// A request budget: `requests` per `per` at the steady rate, of which up to `burst` may
/// go at once after a quiet spell.
///
/// ```
/// # use std::time::Duration;
/// # use retail_apis_runtime::RateLimit;
/// let limit = RateLimit::per_second(10).burst(5);
/// assert_eq!(limit.interval(), Duration::from_millis(100));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    requests: u32,
    per: Duration,
    burst: u32,
}

impl RateLimit {
    /// `requests` per `per` (at least one request, and at least a microsecond), with a
    /// burst of one: requests are spaced evenly.
    pub fn new(requests: u32, per: Duration) -> RateLimit {
        RateLimit {
            requests: requests.max(1),
            per: per.max(Duration::from_micros(1)),
            burst: 1,
        }
    }

    /// `requests` per second, with a burst of one.
    pub fn per_second(requests: u32) -> RateLimit {
        RateLimit::new(requests, Duration::from_secs(1))
    }

    /// This budget with up to `burst` requests at once (at least one).
    pub fn burst(mut self, burst: u32) -> RateLimit {
        self.burst = burst.max(1);
        self
    }

    /// Time between two requests at the steady rate.
    pub fn interval(&self) -> Duration {
        self.per / self.requests
    }

    /// Requests that may go at once.
    pub fn burst_size(&self) -> u32 {
        self.burst
    }
}

/// The answer of a [`RateLimiter`] to a request for a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reservation {
    /// The slot is reserved: send after this wait.
    Granted(Duration),
    /// The next free slot is this far away, longer than the caller accepts; nothing was
    /// reserved.
    Refused(Duration),
}

/// A future a [`RateLimiter`] returns.
pub type ReserveFuture<'a> = Pin<Box<dyn Future<Output = Reservation> + Send + 'a>>;

/// Hands out send slots of a budget per service. The transport asks before every attempt,
/// and sleeps for the granted wait (it never sends on a refused slot).
///
/// Implementations must not fail a call for their own troubles (a store that cannot be
/// reached): they fall back to a budget they can keep, and say so in the log.
pub trait RateLimiter: fmt::Debug + Send + Sync + 'static {
    /// Reserves the next slot of `service`'s budget, if it comes within `max_wait`
    /// (`None`: any wait).
    fn reserve<'a>(&'a self, service: &'a str, max_wait: Option<Duration>) -> ReserveFuture<'a>;
}

/// A budget per service kept in this process's memory: clients built from clones of one
/// [`TransportConfig`](crate::TransportConfig) share it.
pub struct LocalRateLimiter {
    gcra: Gcra,
    limit: RateLimit,
    /// The clock's zero; times are microseconds since.
    origin: Instant,
    /// Theoretical arrival time per service, in microseconds since `origin`.
    budgets: Mutex<HashMap<String, u64>>,
}

impl fmt::Debug for LocalRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRateLimiter")
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl LocalRateLimiter {
    /// A limiter giving each service the budget `limit`.
    pub fn new(limit: RateLimit) -> LocalRateLimiter {
        LocalRateLimiter {
            gcra: Gcra::new(limit),
            limit,
            origin: Instant::now(),
            budgets: Mutex::new(HashMap::new()),
        }
    }

    /// The budget each service gets.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// The reservation, decided without waiting.
    pub(crate) fn reserve_now(&self, service: &str, max_wait: Option<Duration>) -> Reservation {
        let now = micros(self.origin.elapsed());
        // The map only holds plain numbers, so a panic elsewhere cannot leave it torn.
        let mut budgets = self.budgets.lock().unwrap_or_else(PoisonError::into_inner);
        let tat = budgets.get(service).copied();
        match self.gcra.reserve(tat, now, max_wait.map(micros)) {
            Step::Granted { wait_us, tat_us } => {
                match budgets.get_mut(service) {
                    Some(tat) => *tat = tat_us,
                    None => {
                        budgets.insert(service.to_owned(), tat_us);
                    }
                }
                Reservation::Granted(Duration::from_micros(wait_us))
            }
            Step::Refused { wait_us } => Reservation::Refused(Duration::from_micros(wait_us)),
        }
    }
}

impl RateLimiter for LocalRateLimiter {
    fn reserve<'a>(&'a self, service: &'a str, max_wait: Option<Duration>) -> ReserveFuture<'a> {
        let reservation = self.reserve_now(service, max_wait);
        Box::pin(std::future::ready(reservation))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_have_separate_budgets() {
        let limiter = LocalRateLimiter::new(RateLimit::per_second(1));
        assert_eq!(
            limiter.reserve_now("jdy", None),
            Reservation::Granted(Duration::ZERO)
        );
        assert_eq!(
            limiter.reserve_now("shoubei", None),
            Reservation::Granted(Duration::ZERO)
        );
        match limiter.reserve_now("jdy", Some(Duration::from_millis(100))) {
            Reservation::Refused(wait) => assert!(wait > Duration::from_millis(900), "{wait:?}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        // The refusal took nothing: the next slot is still about a second away.
        match limiter.reserve_now("jdy", None) {
            Reservation::Granted(wait) => {
                assert!(wait > Duration::from_millis(900) && wait <= Duration::from_secs(1))
            }
            other => panic!("expected a slot, got {other:?}"),
        }
    }

    #[test]
    fn degenerate_limits_are_raised_to_something_sendable() {
        let limit = RateLimit::new(0, Duration::ZERO).burst(0);
        assert_eq!(limit.interval(), Duration::from_micros(1));
        assert_eq!(limit.burst_size(), 1);
    }
}
