//! The sandbox's mutable world: clock, tokens, nonces, balances, bills, coupons, counters
//! and queued faults. It lives behind one `Mutex` and every request takes the lock once,
//! without awaiting while holding it, so each request sees and leaves a consistent state.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::amount::Amount;
use crate::config::{ExpiredTokenAnswer, SandboxConfig};
use crate::coupon_state::CouponState;
use crate::faults::Fault;
use crate::tenants::Tenants;

/// A coupon and its amounts.
#[derive(Clone, Debug)]
pub(crate) struct Coupon {
    pub amount_cents: u64,
    pub settle_amount_cents: u64,
    pub state: CouponState,
}

/// An issued app-token.
#[derive(Clone, Debug)]
pub(crate) struct TokenRecord {
    pub expires_at_ms: i64,
    /// Index of the tenant it was issued to (`State::tenants`).
    pub tenant: usize,
    /// Set by `expire_tokens`: expired whatever the clock says later.
    pub force_expired: bool,
}

impl TokenRecord {
    pub fn is_expired(&self, now_ms: i64) -> bool {
        self.force_expired || self.expires_at_ms <= now_ms
    }
}

/// Everything that changes while the sandbox runs.
#[derive(Debug)]
pub(crate) struct State {
    /// Added to the real clock; moves the sandbox's notion of "now".
    pub clock_skew_ms: i64,
    /// Overrides the spec's token lifetime for tokens issued from now on.
    pub token_ttl: Option<Duration>,
    pub expired_token_answer: ExpiredTokenAnswer,
    pub tokens: HashMap<String, TokenRecord>,
    pub token_fetches: usize,
    /// JDY tenants: app credentials, domains, per-tenant token counts.
    pub tenants: Tenants,
    /// Nonces seen inside the timestamp window, with the sandbox time they were seen.
    pub nonces: HashMap<String, i64>,
    /// The same nonces in arrival order, so expiry pops from the front instead of scanning
    /// the whole map on every request (which made a busy window quadratic).
    pub nonce_order: VecDeque<(i64, String)>,
    pub balances: HashMap<String, Amount>,
    /// Answered `data` of each applied recharge, by `src_bill_id`.
    pub recharges: HashMap<String, Value>,
    /// Answered `data` of each applied pre-write-off cancel, by `src_bill_id`.
    pub cancels: HashMap<String, Value>,
    /// Answered refund record, by `refund_no`.
    pub refunds: HashMap<String, Value>,
    pub coupons: HashMap<String, Coupon>,
    /// Requests per operation id (`jdy.mall_recharge`), faults included.
    pub requests: HashMap<String, usize>,
    /// Queued faults per operation id.
    pub faults: HashMap<String, VecDeque<Fault>>,
    /// Source of bill numbers and ids, so they are unique and readable.
    pub sequence: u64,
}

impl State {
    pub fn new(config: &SandboxConfig) -> State {
        State {
            clock_skew_ms: 0,
            token_ttl: config.token_ttl,
            expired_token_answer: config.expired_token_answer,
            tokens: HashMap::new(),
            token_fetches: 0,
            tenants: Tenants::new(config),
            nonces: HashMap::new(),
            nonce_order: VecDeque::new(),
            balances: config.balances.iter().cloned().collect(),
            recharges: HashMap::new(),
            cancels: HashMap::new(),
            refunds: HashMap::new(),
            coupons: config
                .coupons
                .iter()
                .map(|c| {
                    (
                        c.code.clone(),
                        Coupon {
                            amount_cents: c.amount_cents,
                            settle_amount_cents: c.settle_amount_cents,
                            state: c.state.clone(),
                        },
                    )
                })
                .collect(),
            requests: HashMap::new(),
            faults: HashMap::new(),
            sequence: 0,
        }
    }

    /// The sandbox clock in Unix milliseconds: the real clock plus the configured skew.
    pub fn now_ms(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        real.saturating_add(self.clock_skew_ms)
    }

    /// The next value of the bill sequence.
    pub fn next_sequence(&mut self) -> u64 {
        self.sequence += 1;
        self.sequence
    }

    /// Records a nonce; `false` when it was already seen inside the window. Entries older
    /// than the window are dropped first, which keeps the map bounded by the request rate.
    pub fn remember_nonce(&mut self, nonce: &str, now_ms: i64, window_ms: u64) -> bool {
        let window = i64::try_from(window_ms).unwrap_or(i64::MAX);
        let live = |seen: i64| now_ms.saturating_sub(seen) <= window;
        while let Some((seen, _)) = self.nonce_order.front() {
            if live(*seen) {
                break;
            }
            if let Some((seen, old)) = self.nonce_order.pop_front() {
                // A nonce re-recorded later has a newer entry further back; keep it.
                if self.nonces.get(&old) == Some(&seen) {
                    self.nonces.remove(&old);
                }
            }
        }
        // With the clock moved back, an expired entry can sit behind a live one in the
        // queue; the check itself therefore looks at the time, not just at presence.
        if self.nonces.get(nonce).is_some_and(|seen| live(*seen)) {
            return false;
        }
        self.nonces.insert(nonce.to_owned(), now_ms);
        self.nonce_order.push_back((now_ms, nonce.to_owned()));
        true
    }

    /// Drops tokens that expired long ago, so a client fetching tokens in a loop cannot
    /// grow the map without bound. Recently expired ones are kept to answer "expired"
    /// rather than "invalid".
    pub fn prune_tokens(&mut self, now_ms: i64) {
        const KEEP_EXPIRED_MS: i64 = 24 * 60 * 60 * 1000;
        if self.tokens.len() > 1024 {
            self.tokens
                .retain(|_, t| now_ms.saturating_sub(t.expires_at_ms) < KEEP_EXPIRED_MS);
        }
    }
}

/// Formats Unix milliseconds as `YYYY-MM-DD HH:MM:SS` in China Standard Time (UTC+8), the
/// form JDY uses for timestamps such as `finish_time`.
pub(crate) fn format_cst(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000) + 8 * 3600;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::format_cst;
    use crate::config::SandboxConfig;

    #[test]
    fn formats_china_time() {
        // 2022-06-21 01:34:00 UTC, the page examples' timestamp.
        assert_eq!(format_cst(1_655_775_240_000), "2022-06-21 09:34:00");
        assert_eq!(format_cst(0), "1970-01-01 08:00:00");
    }

    #[test]
    fn nonces_expire_in_arrival_order() {
        let mut state = super::State::new(&SandboxConfig::default());
        assert!(state.remember_nonce("1", 1_000, 100));
        assert!(
            !state.remember_nonce("1", 1_100, 100),
            "replay inside the window"
        );
        assert!(state.remember_nonce("2", 1_050, 100));
        // "1" has left the window, "2" has not.
        assert!(state.remember_nonce("1", 1_101, 100));
        assert!(!state.remember_nonce("2", 1_101, 100));
        assert_eq!(state.nonces.len(), 2);
        // Far later everything older is gone, and the queue with it.
        assert!(state.remember_nonce("3", 10_000, 100));
        assert_eq!(state.nonces.len(), 1);
        assert_eq!(state.nonce_order.len(), 1);
    }

    #[test]
    fn a_clock_moved_back_does_not_keep_expired_nonces_alive() {
        let mut state = super::State::new(&SandboxConfig::default());
        assert!(state.remember_nonce("a", 5_000, 100));
        // The clock goes back: "b" is queued behind "a" although it is older.
        assert!(state.remember_nonce("b", 1_000, 100));
        // At 1_200 "b" is outside the window but still queued behind the live "a".
        assert!(state.remember_nonce("b", 1_200, 100));
        assert!(!state.remember_nonce("b", 1_250, 100));
    }
}
