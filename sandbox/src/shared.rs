//! What every request handler and every control handle shares.

use std::sync::{Mutex, MutexGuard};

use retail_apis_codegen::model::{AuthScheme, SpecSet};

use crate::config::SandboxConfig;
use crate::routes::RouteTable;
use crate::signing::Md5Signer;
use crate::state::State;

pub(crate) struct Shared {
    pub specs: SpecSet,
    pub routes: RouteTable,
    pub config: SandboxConfig,
    /// MD5 signer of each service (by index), `None` for other schemes.
    pub signers: Vec<Option<Md5Signer>>,
    state: Mutex<State>,
}

impl Shared {
    pub fn new(specs: SpecSet, config: SandboxConfig) -> Shared {
        let routes = RouteTable::build(&specs);
        let signers = specs
            .services
            .iter()
            .map(|s| match &s.auth {
                AuthScheme::Md5BodySign(scheme) => Some(Md5Signer::new(scheme)),
                AuthScheme::KingdeeGateway(_) => None,
            })
            .collect();
        let state = Mutex::new(State::new(&config));
        Shared {
            specs,
            routes,
            config,
            signers,
            state,
        }
    }

    /// Locks the state. A panic while the lock was held cannot leave the state half
    /// updated in a way that matters more than stopping the sandbox would, so a poisoned
    /// lock is taken over instead of propagating the panic to every later request.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
