//! Fault injection: queued, per operation. `faults().inject_times("jdy.mall_recharge", 2, f)`
//! makes the next two requests to that operation meet fault `f`. A request that meets a
//! fault still counts as a request.

use std::sync::Arc;
use std::time::Duration;

use crate::error::SandboxError;
use crate::shared::Shared;

/// What goes wrong with one request.
///
/// Only [`Fault::Delay`], [`Fault::ApplyThenFail`] and [`Fault::WrongSign`] let the request
/// reach the gateway checks and the business logic; every other fault answers at once and
/// changes no state, like a proxy failing in front of the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Answer with this HTTP status and body (sent as JSON when it parses as JSON,
    /// otherwise as text).
    Status {
        /// HTTP status.
        status: u16,
        /// Response body.
        body: String,
    },
    /// A gateway rejection with this code (`5003`): the gateway status (519) and body shape
    /// of the service's Kingdee scheme, with the spec's description of the code if known.
    Gateway {
        /// Gateway code.
        code: u32,
    },
    /// HTTP 429 Too Many Requests.
    TooManyRequests,
    /// HTTP 200 with the first half of a success body: a cut connection.
    TruncatedJson,
    /// An HTML error page (as sent by a proxy) with this status.
    Html {
        /// HTTP status (200 and 502 are both seen in the wild).
        status: u16,
    },
    /// Handle the request normally, then spoil the `sign` of the answer (MD5-signed
    /// services; other services answer normally).
    WrongSign,
    /// Handle the request normally — the business effect is applied — then, if it
    /// succeeded, answer with this HTTP status instead (a 5xx), as when a response is lost
    /// after the work was done. Idempotent retries must not apply the effect twice.
    ApplyThenFail {
        /// HTTP status (500, 502, 503, 504).
        status: u16,
    },
}

impl Fault {
    /// `Status` 503 with a short JSON body.
    pub fn service_unavailable() -> Fault {
        Fault::Status {
            status: 503,
            body: r#"{"error":"service unavailable"}"#.to_owned(),
        }
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
