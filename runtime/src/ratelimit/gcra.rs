//! The generic cell rate algorithm (GCRA), the token bucket written as one timestamp per
//! budget: the theoretical arrival time (TAT) of the next request at the steady rate.
//!
//! Each request reserves the slot after the previous reservation, so a caller knows at
//! once how long it must wait and can refuse a slot past its deadline without waiting
//! for it, and waiters are served in order instead of racing at every refill. The Redis
//! limiter runs the same steps in a Lua script, with the same microsecond arithmetic.

use std::time::Duration;

use super::RateLimit;

/// A budget's parameters in microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Gcra {
    /// Time between two requests at the steady rate.
    pub interval_us: u64,
    /// How far ahead of the steady rate requests may go: `(burst - 1) * interval`.
    pub tolerance_us: u64,
}

/// The outcome of one reservation step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Send after `wait_us`; the budget's TAT becomes `tat_us`.
    Granted { wait_us: u64, tat_us: u64 },
    /// The next free slot is `wait_us` away, more than the caller accepts; nothing changed.
    Refused { wait_us: u64 },
}

impl Gcra {
    pub fn new(limit: RateLimit) -> Gcra {
        let interval_us = u64::try_from(limit.interval().as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        Gcra {
            interval_us,
            tolerance_us: interval_us.saturating_mul(u64::from(limit.burst - 1)),
        }
    }

    /// Reserves the next slot at `now_us` for a budget whose TAT is `tat_us` (`None`: an
    /// unused budget), accepting a wait of at most `max_wait_us` (`None`: any).
    pub fn reserve(&self, tat_us: Option<u64>, now_us: u64, max_wait_us: Option<u64>) -> Step {
        let tat = tat_us.unwrap_or(now_us).max(now_us);
        let wait_us = tat.saturating_sub(self.tolerance_us).saturating_sub(now_us);
        if max_wait_us.is_some_and(|max| wait_us > max) {
            return Step::Refused { wait_us };
        }
        Step::Granted {
            wait_us,
            tat_us: tat.saturating_add(self.interval_us),
        }
    }
}

/// Microseconds of `duration`, saturating.
pub(crate) fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn granted_waits(gcra: Gcra, count: usize, now: u64) -> Vec<u64> {
        let mut tat = None;
        let mut waits = Vec::new();
        for _ in 0..count {
            match gcra.reserve(tat, now, None) {
                Step::Granted { wait_us, tat_us } => {
                    waits.push(wait_us);
                    tat = Some(tat_us);
                }
                Step::Refused { .. } => panic!("refused without a limit"),
            }
        }
        waits
    }

    #[test]
    fn a_burst_goes_at_once_then_the_steady_rate() {
        let gcra = Gcra::new(RateLimit::per_second(10).burst(3));
        assert_eq!(gcra.interval_us, 100_000);
        let waits = granted_waits(gcra, 6, 5_000_000);
        assert_eq!(waits, [0, 0, 0, 100_000, 200_000, 300_000]);
    }

    #[test]
    fn an_idle_budget_refills_up_to_the_burst_only() {
        let gcra = Gcra::new(RateLimit::per_second(10).burst(2));
        // A TAT far in the past counts as now: idleness saves no more than the burst.
        let now = 10_000_000;
        let first = gcra.reserve(Some(1), now, None);
        assert_eq!(
            first,
            Step::Granted {
                wait_us: 0,
                tat_us: now + 100_000
            }
        );
        let Step::Granted { tat_us, .. } = first else {
            unreachable!()
        };
        assert!(matches!(
            gcra.reserve(Some(tat_us), now, None),
            Step::Granted { wait_us: 0, .. }
        ));
        assert!(matches!(
            gcra.reserve(Some(tat_us + 100_000), now, None),
            Step::Granted {
                wait_us: 100_000,
                ..
            }
        ));
    }

    #[test]
    fn a_slot_past_the_accepted_wait_is_refused_and_not_taken() {
        let gcra = Gcra::new(RateLimit::per_second(1));
        let now = 1_000_000;
        let tat = Some(now + 3_000_000);
        assert_eq!(
            gcra.reserve(tat, now, Some(2_000_000)),
            Step::Refused { wait_us: 3_000_000 }
        );
        assert_eq!(
            gcra.reserve(tat, now, Some(3_000_000)),
            Step::Granted {
                wait_us: 3_000_000,
                tat_us: now + 4_000_000
            }
        );
    }
}
