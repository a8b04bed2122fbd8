//! Whether Redis is worth asking: after a failure it is skipped for a while, so that a
//! dead Redis costs calls no timeout each, and the failure is logged without flooding.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// At most one warning per this interval; the failures between are logged at debug.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// What went wrong with Redis; never the error's text, which could quote a reply.
#[derive(Clone, Copy)]
pub(super) enum Trouble {
    /// No answer within the store's timeout.
    Timeout,
    /// Redis answered with an error, or the connection failed.
    Failed(redis::ErrorKind),
}

#[derive(Debug, Default)]
struct State {
    skip_until: Option<Instant>,
    last_warning: Option<Instant>,
}

/// The store's view of Redis's health.
#[derive(Debug)]
pub(super) struct Health {
    skip_for: Duration,
    state: Mutex<State>,
}

impl Health {
    /// Skips Redis for `skip_for` after each failure.
    pub(super) fn new(skip_for: Duration) -> Health {
        Health {
            skip_for,
            state: Mutex::new(State::default()),
        }
    }

    /// Whether Redis may be asked now: no failure, or the last one is `skip_for` old.
    pub(super) fn usable(&self) -> bool {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.skip_until.is_none_or(|until| Instant::now() >= until)
    }

    /// Records a failure of `operation`: Redis is skipped for a while, and a warning
    /// says so unless one did recently.
    pub(super) fn failed(&self, operation: &'static str, trouble: Trouble) {
        let now = Instant::now();
        let warn = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.skip_until = Some(now + self.skip_for);
            let warn = state
                .last_warning
                .is_none_or(|last| now.duration_since(last) >= WARN_EVERY);
            if warn {
                state.last_warning = Some(now);
            }
            warn
        };
        let skip_ms = self.skip_for.as_millis();
        let trouble = match trouble {
            Trouble::Timeout => String::from("timeout"),
            Trouble::Failed(kind) => format!("{kind:?}"),
        };
        if warn {
            tracing::warn!(
                operation,
                %trouble,
                skip_ms,
                "Redis token store unavailable; using this process's own app-token meanwhile \
                 (further failures within a minute are logged at debug level)"
            );
        } else {
            tracing::debug!(operation, %trouble, skip_ms, "Redis token store unavailable");
        }
    }

    /// Records a success: Redis is asked again as usual.
    pub(super) fn succeeded(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.skip_until.take().is_some() {
            tracing::info!("Redis token store reachable again");
        }
    }
}
