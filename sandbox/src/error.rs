//! Errors of the sandbox's own API (not of the requests it serves).

/// Why a sandbox call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Requested address.
        addr: std::net::SocketAddr,
        /// Cause.
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
    /// No served operation has this name.
    #[error("no operation named `{0}` (use `<service>.<operation>`, e.g. `jdy.mall_recharge`)")]
    UnknownOperation(String),
    /// Several services have an operation of this name.
    #[error("`{0}` names an operation of several services; qualify it as `<service>.<operation>`")]
    AmbiguousOperation(String),
    /// A JDY tenant with this app key or outer instance id is already known.
    #[error("a tenant with {0} is already known")]
    DuplicateTenant(String),
    /// No JDY tenant has this outer instance id.
    #[error("no tenant has the outer instance id `{0}`")]
    UnknownTenant(String),
}
