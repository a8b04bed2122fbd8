//! The gateway side of each auth scheme, chosen in one place from the service's
//! descriptor. Everything else in the sandbox (routes, faults, dispatch) works through
//! [`SchemeServer`], so a new scheme is one module implementing it and one line here.

use retail_apis_codegen::model::{AuthScheme, Service};

use crate::scheme_server::SchemeServer;

/// The scheme server of `service`.
pub(crate) fn server_for(service: &Service) -> Box<dyn SchemeServer> {
    match &service.auth {
        AuthScheme::KingdeeGateway(scheme) => Box::new(crate::jdy::GatewayServer::new(scheme)),
        AuthScheme::Md5BodySign(scheme) => Box::new(crate::shoubei::Md5Server::new(scheme)),
        AuthScheme::StaticBearer(scheme) => Box::new(crate::bearer::BearerServer::new(scheme)),
    }
}
