//! What every request handler and every control handle shares.

use std::sync::{Mutex, MutexGuard};

use retail_apis_codegen::model::SpecSet;

use crate::config::SandboxConfig;
use crate::journal::Journal;
use crate::routes::RouteTable;
use crate::scheme_server::{Context, SchemeServer};
use crate::schemes;
use crate::state::State;

pub(crate) struct Shared {
    pub specs: SpecSet,
    pub routes: RouteTable,
    pub config: SandboxConfig,
    /// The scheme server of each service, by index.
    pub servers: Vec<Box<dyn SchemeServer>>,
    /// The request log, outside the state lock: recording never waits for a request.
    pub journal: Journal,
    state: Mutex<State>,
}

impl Shared {
    pub fn new(specs: SpecSet, config: SandboxConfig) -> Shared {
        let servers: Vec<Box<dyn SchemeServer>> =
            specs.services.iter().map(schemes::server_for).collect();
        let routes = RouteTable::build(&specs, &servers);
        let state = Mutex::new(State::new(&config));
        let journal = Journal::new(config.request_log_capacity);
        Shared {
            specs,
            routes,
            config,
            servers,
            journal,
            state,
        }
    }

    /// What a scheme server gets to answer a request.
    pub fn context(&self) -> Context<'_> {
        Context::new(&self.config, &self.state)
    }

    /// Locks the state. A panic while the lock was held cannot leave the state half
    /// updated in a way that matters more than stopping the sandbox would, so a poisoned
    /// lock is taken over instead of propagating the panic to every later request.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.context().lock()
    }
}
