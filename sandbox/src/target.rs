//! Where a route leads: an endpoint of a service, or a route its scheme serves itself.

use retail_apis_codegen::model::{Endpoint, Service};

/// What a route leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// `services[service].endpoints[endpoint]`.
    Endpoint { service: usize, endpoint: usize },
    /// The route the scheme of `services[service]` serves itself.
    Own { service: usize },
}

impl Target {
    pub fn service(self) -> usize {
        match self {
            Target::Endpoint { service, .. } | Target::Own { service } => service,
        }
    }

    /// The endpoint of `service` this target names; `None` for a scheme's own route.
    pub fn endpoint(self, service: &Service) -> Option<&Endpoint> {
        match self {
            Target::Endpoint { endpoint, .. } => service.endpoints.get(endpoint),
            Target::Own { .. } => None,
        }
    }
}
