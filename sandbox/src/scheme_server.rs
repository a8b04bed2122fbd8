//! What the sandbox asks of an auth scheme's gateway side, and what it gives it: the
//! configuration and the state, without the route table or the other schemes.

use std::sync::{Mutex, MutexGuard};

use retail_apis_codegen::model::{HttpMethod, Service};

use crate::config::SandboxConfig;
use crate::incoming::Incoming;
use crate::reply::Reply;
use crate::state::State;
use crate::target::Target;

/// What a scheme server may use while answering a request.
pub(crate) struct Context<'a> {
    pub config: &'a SandboxConfig,
    state: &'a Mutex<State>,
}

impl<'a> Context<'a> {
    pub fn new(config: &'a SandboxConfig, state: &'a Mutex<State>) -> Context<'a> {
        Context { config, state }
    }

    /// Locks the state. A panic while the lock was held cannot leave the state half
    /// updated in a way that matters more than stopping the sandbox would, so a poisoned
    /// lock is taken over instead of propagating the panic to every later request.
    pub fn lock(&self) -> MutexGuard<'a, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One request for a scheme server to answer: routed to `target` of `service`.
pub(crate) struct Exchange<'a> {
    pub context: &'a Context<'a>,
    pub service: &'a Service,
    pub target: Target,
    pub request: &'a Incoming,
}

/// A route a scheme serves besides the endpoints (the Kingdee token and authorize
/// endpoints).
pub(crate) struct OwnRoute {
    pub method: HttpMethod,
    pub path: String,
    /// Operation name under which the route is counted and targeted by faults.
    pub operation: &'static str,
}

/// What the sandbox does for one auth scheme: check what the client's scheme signed,
/// answer, and sign what the client's scheme verifies.
pub(crate) trait SchemeServer: Send + Sync {
    /// The routes the scheme serves itself, if any.
    fn own_routes(&self) -> Vec<OwnRoute> {
        Vec::new()
    }

    /// Answers a request.
    fn handle(&self, exchange: Exchange<'_>) -> Reply;

    /// The scheme's own answer to an injected gateway fault with `code`; `None` leaves
    /// the Kingdee gateway's rejection shape, the documented default.
    fn rejection(&self, service: &Service, code: &str) -> Option<Reply> {
        let _ = (service, code);
        None
    }

    /// Replaces the signature of a signed answer with a wrong one (the `WrongSign`
    /// fault); schemes whose answers carry no signature leave it as it is.
    fn spoil(&self, reply: &mut Reply) {
        let _ = reply;
    }
}
