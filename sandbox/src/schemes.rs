//! The gateway side of each auth scheme, chosen in one place from the service's
//! descriptor. Everything else in the sandbox (routes, faults, dispatch) works through
//! [`SchemeServer`], so a new scheme is one module implementing it and one line here.

use retail_apis_codegen::model::{AuthScheme, HttpMethod, Service};

use crate::incoming::Incoming;
use crate::reply::Reply;
use crate::routes::Target;
use crate::shared::Shared;

/// A route a scheme serves besides the endpoints (the Kingdee token endpoint).
pub(crate) struct OwnRoute {
    pub method: HttpMethod,
    pub path: String,
    /// Operation name under which the route is counted and targeted by faults.
    pub operation: &'static str,
}

/// What the sandbox does for one auth scheme: check what the client's scheme signed,
/// answer, and sign what the client's scheme verifies.
pub(crate) trait SchemeServer: Send + Sync {
    /// The route the scheme serves itself, if any.
    fn own_route(&self) -> Option<OwnRoute> {
        None
    }

    /// Answers a request routed to `target` of `service`.
    fn handle(
        &self,
        shared: &Shared,
        service: &Service,
        target: Target,
        request: &Incoming,
    ) -> Reply;

    /// The answer to an injected gateway fault with `code`: the Kingdee gateway's
    /// rejection shape unless the scheme has its own.
    fn rejection(&self, service: &Service, code: &str) -> Reply {
        crate::jdy::gateway::rejection_reply(service, None, code, None)
    }

    /// Replaces the signature of a signed answer with a wrong one (the `WrongSign`
    /// fault); schemes whose answers carry no signature leave it as it is.
    fn spoil(&self, reply: &mut Reply) {
        let _ = reply;
    }
}

/// The scheme server of `service`.
pub(crate) fn server_for(service: &Service) -> Box<dyn SchemeServer> {
    match &service.auth {
        AuthScheme::KingdeeGateway(scheme) => Box::new(crate::jdy::GatewayServer::new(scheme)),
        AuthScheme::Md5BodySign(scheme) => Box::new(crate::shoubei::Md5Server::new(scheme)),
    }
}
