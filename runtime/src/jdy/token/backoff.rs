//! Spacing of token fetches after failures, so that a failing token endpoint (a wrong
//! app secret, an outage) is not asked again by every call.

use std::time::{Duration, Instant};

use crate::error::Error;

/// Delay after the first failure; it doubles with each failure in a row.
const FIRST_DELAY: Duration = Duration::from_millis(100);

/// Longest delay between two fetches of a tenant that keep failing.
const MAX_DELAY: Duration = Duration::from_secs(30);

/// A call that finds the next fetch at most this far away waits for it; one that finds
/// it further away fails at once with [`Error::TokenBackoff`]. The first delays are
/// shorter than this, so one failed fetch costs the next call a short pause, not an
/// error, while a token endpoint that keeps failing soon turns calls away without a
/// request.
const WAIT_AT_MOST: Duration = Duration::from_millis(250);

/// Failures in a row of one tenant's token fetches, and when the next may start.
/// Kept under the cache's fetch lock, so only the caller about to fetch touches it.
#[derive(Debug, Default)]
pub(super) struct FetchBackoff {
    failures: u32,
    next_at: Option<Instant>,
}

impl FetchBackoff {
    /// Waits for the next fetch if it is near, or refuses the call with the time left
    /// when it is not.
    pub(super) async fn wait_turn(&self, service: &'static str) -> Result<(), Error> {
        let Some(next_at) = self.next_at else {
            return Ok(());
        };
        let left = next_at.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        if left <= WAIT_AT_MOST {
            tokio::time::sleep(left).await;
            return Ok(());
        }
        Err(Error::TokenBackoff {
            service,
            failures: self.failures,
            retry_in: left,
        })
    }

    /// A fetch failed: the next waits twice as long as the last did (at most
    /// [`MAX_DELAY`]), scaled by a random factor in [0.5, 1] so that clients failing
    /// together do not come back together.
    pub(super) fn failed(&mut self) {
        self.failures = self.failures.saturating_add(1);
        let exponent = (self.failures - 1).min(20);
        let full = FIRST_DELAY.saturating_mul(1 << exponent).min(MAX_DELAY);
        let factor: f64 = rand::RngExt::random_range(&mut rand::rng(), 0.5..=1.0);
        self.next_at = Some(Instant::now() + full.mul_f64(factor));
    }

    /// A fetch succeeded: the next failure starts from the first delay again.
    pub(super) fn succeeded(&mut self) {
        *self = FetchBackoff::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_and_reset_on_success() {
        let mut backoff = FetchBackoff::default();
        let mut last = Duration::ZERO;
        for failure in 1..=12u32 {
            backoff.failed();
            let left = backoff
                .next_at
                .map(|at| at.saturating_duration_since(Instant::now()))
                .unwrap_or_default();
            let full = FIRST_DELAY
                .saturating_mul(1 << (failure - 1))
                .min(MAX_DELAY);
            assert!(left <= full, "failure {failure}: {left:?} > {full:?}");
            // Half the full delay at least, less the time this loop took.
            assert!(left + Duration::from_millis(50) >= full / 2, "{left:?}");
            last = left;
        }
        assert!(last <= MAX_DELAY);
        backoff.succeeded();
        assert_eq!(backoff.failures, 0);
        assert!(backoff.next_at.is_none());
    }

    #[tokio::test]
    async fn a_far_retry_refuses_and_names_the_wait() {
        let mut backoff = FetchBackoff::default();
        for _ in 0..6 {
            backoff.failed();
        }
        match backoff.wait_turn("jdy").await {
            Err(Error::TokenBackoff {
                failures, retry_in, ..
            }) => {
                assert_eq!(failures, 6);
                assert!(retry_in > WAIT_AT_MOST && retry_in <= Duration::from_millis(3200));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}
