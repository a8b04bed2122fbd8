//! State inspection and test controls of a running (or embedded) sandbox, including
//! fault injection: queued, per operation. `faults().inject_times("jdy.mall_recharge", 2, f)`
//! makes the next two requests to that operation meet fault `f`. A request that meets a
//! fault still counts as a request.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::amount::Amount;
use crate::config::{ExpiredTokenAnswer, SandboxTenant};
use crate::coupon_state::CouponState;
use crate::error::SandboxError;
use crate::faults::Fault;
use crate::journal::RecordedRequest;
use crate::shared::Shared;

/// Reads the sandbox's state and steers it. Cloning is cheap; all clones act on the
/// same sandbox.
#[derive(Clone)]
pub struct SandboxControl {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for SandboxControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxControl").finish_non_exhaustive()
    }
}

impl SandboxControl {
    /// Balance of a JDY member (zero for members never seen).
    pub fn member_balance(&self, member_id: &str) -> Amount {
        self.shared
            .lock()
            .balances
            .get(member_id)
            .copied()
            .unwrap_or_default()
    }

    /// Number of distinct recharges applied (repeats of a `src_bill_id` do not count).
    pub fn applied_recharges(&self) -> usize {
        self.shared.lock().recharges.len()
    }

    /// Number of distinct pre-write-off cancels applied.
    pub fn applied_cancels(&self) -> usize {
        self.shared.lock().cancels.len()
    }

    /// The refund record answered for `refund_no`, if that refund was saved.
    pub fn refund(&self, refund_no: &str) -> Option<Value> {
        self.shared.lock().refunds.get(refund_no).cloned()
    }

    /// Number of distinct refunds saved.
    pub fn refund_count(&self) -> usize {
        self.shared.lock().refunds.len()
    }

    /// State of a Shoubei coupon; `None` for codes the sandbox does not know.
    pub fn coupon_state(&self, code: &str) -> Option<CouponState> {
        self.shared
            .lock()
            .coupons
            .get(code)
            .map(|c| c.state.clone())
    }

    /// Number of app-tokens issued.
    pub fn token_fetch_count(&self) -> usize {
        self.shared.lock().token_fetches
    }

    /// App-tokens issued to the JDY tenant with `app_key`; `None` for an unknown tenant.
    pub fn tenant_token_fetch_count(&self, app_key: &str) -> Option<usize> {
        let state = self.shared.lock();
        let index = state.tenants.by_app_key(app_key)?;
        state.tenants.get(index).map(|record| record.token_fetches)
    }

    /// Adds a JDY tenant: its app key then obtains tokens, accepted with its domain, and
    /// `push_app_authorize` answers for its outer instance id. Fails when its app key or
    /// instance id is already known.
    pub fn add_tenant(&self, tenant: SandboxTenant) -> Result<(), SandboxError> {
        self.shared.lock().tenants.add(tenant).map(|_| ())
    }

    /// The JDY tenant with `outer_instance_id` as it is now (after rotations).
    pub fn tenant(&self, outer_instance_id: &str) -> Option<SandboxTenant> {
        let state = self.shared.lock();
        let index = state.tenants.by_instance(outer_instance_id)?;
        state.tenants.get(index).map(|record| record.tenant.clone())
    }

    /// Rotates the app secret of the JDY tenant with `outer_instance_id` to `app_secret`,
    /// as the vendor does: a token request signed with the old secret is refused
    /// (1030002006), and every app-token the tenant holds is revoked, so its next call
    /// is refused as an unknown token (4010) and its client must fetch a new one.
    pub fn rotate_app_secret(
        &self,
        outer_instance_id: &str,
        app_secret: &str,
    ) -> Result<(), SandboxError> {
        let mut state = self.shared.lock();
        let index = state.tenants.rotate_secret(outer_instance_id, app_secret)?;
        state.tokens.retain(|_, token| token.tenant != index);
        Ok(())
    }

    /// Moves the JDY tenant with `outer_instance_id` to `domain`: its tokens are accepted
    /// with that `X-GW-Router-Addr` from now on, and `push_app_authorize` answers it.
    /// Together with [`rotate_app_secret`](Self::rotate_app_secret) it is a tenant whose
    /// re-authorisation hands out a new domain.
    pub fn set_tenant_domain(
        &self,
        outer_instance_id: &str,
        domain: &str,
    ) -> Result<(), SandboxError> {
        let mut state = self.shared.lock();
        let index = state
            .tenants
            .by_instance(outer_instance_id)
            .ok_or_else(|| SandboxError::UnknownTenant(outer_instance_id.to_owned()))?;
        if let Some(record) = state.tenants.get_mut(index) {
            domain.clone_into(&mut record.tenant.domain);
        }
        Ok(())
    }

    /// Requests received by an operation (`jdy.mall_recharge`, `coupon_write_off`,
    /// `jdy.app_token`), including those answered by a fault or rejected by a check.
    /// Zero for names that match no operation.
    pub fn request_count(&self, operation: &str) -> usize {
        let Ok(id) = self.shared.routes.resolve(operation) else {
            return 0;
        };
        self.shared.lock().requests.get(&id).copied().unwrap_or(0)
    }

    /// Every operation id served (`<service>.<operation>`), token endpoints included.
    pub fn operations(&self) -> Vec<String> {
        self.shared.routes.operation_ids().to_vec()
    }

    /// Fault injection.
    pub fn faults(&self) -> Faults {
        Faults {
            shared: Arc::clone(&self.shared),
        }
    }

    /// Expires every app-token issued so far; tokens issued later are unaffected.
    pub fn expire_tokens(&self) {
        for token in self.shared.lock().tokens.values_mut() {
            token.force_expired = true;
        }
    }

    /// Lifetime of app-tokens issued from now on (the spec's `ttl_secs` by default).
    pub fn set_token_ttl(&self, ttl: Duration) {
        self.shared.lock().token_ttl = Some(ttl);
    }

    /// How calls with an expired app-token are answered.
    pub fn set_expired_token_answer(&self, answer: ExpiredTokenAnswer) {
        self.shared.lock().expired_token_answer = answer;
    }

    /// Sets how far the sandbox clock is from the real clock, in milliseconds (positive:
    /// the sandbox is ahead). The clock decides timestamp checks and token expiry.
    pub fn set_clock_skew_ms(&self, skew_ms: i64) {
        self.shared.lock().clock_skew_ms = skew_ms;
    }

    /// Moves the sandbox clock forward, e.g. past the token lifetime.
    pub fn advance_clock(&self, by: Duration) {
        let by_ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let mut state = self.shared.lock();
        state.clock_skew_ms = state.clock_skew_ms.saturating_add(by_ms);
    }

    /// The sandbox clock, Unix milliseconds (what clients must sign as `X-Api-TimeStamp`).
    pub fn now_ms(&self) -> i64 {
        self.shared.lock().now_ms()
    }

    /// The request log, newest first: at most `SandboxConfig::request_log_capacity`
    /// entries, secrets masked (what `/_sandbox/requests` serves).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .journal
            .newest_first(None)
            .iter()
            .map(|entry| RecordedRequest::clone(entry))
            .collect()
    }

    /// One entry of the request log by its id, while the log still holds it.
    pub fn request(&self, id: u64) -> Option<RecordedRequest> {
        self.shared
            .journal
            .get(id)
            .map(|entry| RecordedRequest::clone(&entry))
    }
}

/// Queues faults. Cloning is cheap; all clones act on the same sandbox.
#[derive(Clone)]
pub struct Faults {
    pub(crate) shared: Arc<Shared>,
}

impl Faults {
    /// The next request to `operation` meets `fault`.
    ///
    /// `operation` is `<service>.<operation>` (`jdy.mall_recharge`, `jdy.app_token` for the
    /// token endpoint) or a bare operation name that only one service has.
    pub fn inject(&self, operation: &str, fault: Fault) -> Result<(), SandboxError> {
        self.inject_times(operation, 1, fault)
    }

    /// The next `times` requests to `operation` meet `fault`, after any already queued.
    pub fn inject_times(
        &self,
        operation: &str,
        times: usize,
        fault: Fault,
    ) -> Result<(), SandboxError> {
        let id = self.shared.routes.resolve(operation)?;
        let mut state = self.shared.lock();
        let queue = state.faults.entry(id).or_default();
        queue.extend(std::iter::repeat_n(fault, times));
        Ok(())
    }

    /// How many faults are still queued for `operation`.
    pub fn pending(&self, operation: &str) -> Result<usize, SandboxError> {
        let id = self.shared.routes.resolve(operation)?;
        Ok(self.shared.lock().faults.get(&id).map_or(0, |q| q.len()))
    }

    /// Drops every queued fault.
    pub fn clear(&self) {
        self.shared.lock().faults.clear();
    }
}
