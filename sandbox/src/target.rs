//! Where a route leads: an endpoint of a service, or a route its scheme serves itself.

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
}
