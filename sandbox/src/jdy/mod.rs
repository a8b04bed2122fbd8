//! Kingdee JDY services (scheme `kingdee_gateway`): gateway checks, token endpoint,
//! business envelope and the stateful operations.

mod authorize;
mod business;
pub(crate) mod gateway;
pub(crate) mod token;

use retail_apis_codegen::model::{Endpoint, HttpMethod, KingdeeGatewayScheme, Service};
use retail_apis_runtime::jdy::headers::APP_TOKEN;
use serde_json::{Map, Value};

use crate::config::ExpiredTokenAnswer;
use crate::envelope::{self, BusinessError};
use crate::incoming::Incoming;
use crate::reply::Reply;
use crate::scheme_server::{Context, Exchange, OwnRoute, SchemeServer};
use crate::state::State;
use crate::target::Target;
use crate::validate;
use gateway::TokenProblem;

/// Operation name under which the token endpoint of a Kingdee gateway service is counted
/// and targeted by faults (`jdy.app_token`).
pub const TOKEN_OPERATION: &str = "app_token";

/// Operation name under which the `push_app_authorize` endpoint of a Kingdee gateway
/// service is counted and targeted by faults (`jdy.app_authorize`).
pub const AUTHORIZE_OPERATION: &str = "app_authorize";

/// The Kingdee gateway: signature, nonce, timestamp and token checks, the token
/// endpoint, and the JDY envelope.
pub(crate) struct GatewayServer {
    scheme: KingdeeGatewayScheme,
}

impl GatewayServer {
    pub fn new(scheme: &KingdeeGatewayScheme) -> GatewayServer {
        GatewayServer {
            scheme: scheme.clone(),
        }
    }
}

impl SchemeServer for GatewayServer {
    fn own_routes(&self) -> Vec<OwnRoute> {
        let token = OwnRoute {
            method: self.scheme.token.method,
            path: self.scheme.token.path.to_string(),
            operation: TOKEN_OPERATION,
        };
        let authorize = self.scheme.authorize.as_ref().map(|a| OwnRoute {
            method: a.method,
            path: a.path.to_string(),
            operation: AUTHORIZE_OPERATION,
        });
        std::iter::once(token).chain(authorize).collect()
    }

    fn handle(&self, exchange: Exchange<'_>) -> Reply {
        let Exchange {
            context,
            service,
            target,
            request,
        } = exchange;
        handle(context, service, &self.scheme, target, request)
    }

    fn rejection(&self, service: &Service, code: &str) -> Option<Reply> {
        Some(gateway::rejection_reply(
            service,
            Some(&self.scheme),
            code,
            None,
        ))
    }
}

/// Handles one request to a Kingdee gateway service.
fn handle(
    context: &Context<'_>,
    service: &Service,
    gw: &KingdeeGatewayScheme,
    target: Target,
    request: &Incoming,
) -> Reply {
    let credentials = &context.config.credentials;
    let mut state = context.lock();
    let now_ms = state.now_ms();
    if let Err(rejection) = gateway::check_signed(credentials, gw, request, &mut state, now_ms) {
        return gateway::reply_for(service, gw, &rejection);
    }
    let endpoint = match target {
        Target::Own { .. } => {
            // The loader gives the two routes different methods or paths.
            let outcome = match &gw.authorize {
                Some(a) if a.method == request.method && a.path == request.path => {
                    authorize::answer(service, a, request, &state)
                }
                _ => token::issue(service, gw, request, &mut state, now_ms),
            };
            return token::reply(service, outcome);
        }
        Target::Endpoint { endpoint, .. } => match service.endpoints.get(endpoint) {
            Some(endpoint) => endpoint,
            None => return Reply::sandbox_error(500, "route points to no endpoint"),
        },
    };
    let tenant = match token_tenant(service, gw, request, &state, now_ms) {
        Ok(tenant) => tenant,
        Err(reply) => return reply,
    };
    let Some(tenant) = state.tenants.get(tenant) else {
        return Reply::sandbox_error(500, "token of no tenant");
    };
    if let Err(rejection) = gateway::check_router(&tenant.tenant.domain, request) {
        return gateway::reply_for(service, gw, &rejection);
    }
    match call(service, endpoint, request, &mut state, now_ms) {
        Ok(data) => Reply::success(envelope::success_body(&service.envelope, "success", data)),
        Err(error) => business_error(service, &error),
    }
}

fn business_error(service: &Service, error: &BusinessError) -> Reply {
    Reply::json(
        200,
        Value::Object(envelope::business_error_body(service, error)),
    )
}

/// The tenant of the request's app-token, or the rejection of the token.
fn token_tenant(
    service: &Service,
    gw: &KingdeeGatewayScheme,
    request: &Incoming,
    state: &State,
    now_ms: i64,
) -> Result<usize, Reply> {
    let problem = match gateway::check_token(request, state, now_ms) {
        Ok(tenant) => return Ok(tenant),
        Err(problem) => problem,
    };
    let (which, detail) = match problem {
        TokenProblem::Empty => (gateway::TOKEN_EMPTY, "is missing"),
        TokenProblem::Invalid => (gateway::TOKEN_INVALID, "is not known"),
        TokenProblem::Expired => match state.expired_token_answer {
            ExpiredTokenAnswer::Gateway => (gateway::TOKEN_EXPIRED, "has expired"),
            ExpiredTokenAnswer::Business => {
                return Err(business_error(
                    service,
                    &BusinessError {
                        name: "jwt_token_expired",
                        fallback_code: "1000202001",
                        fallback_description: "JWT token has expired",
                        detail: None,
                    },
                ));
            }
        },
    };
    let rejection = gateway::Rejection {
        name: which.0,
        fallback_code: which.1,
        detail: format!("{APP_TOKEN} {detail}"),
        check: crate::trace::Check::Token,
    };
    Err(gateway::reply_for(service, gw, &rejection))
}

/// Validates the parameters and runs the operation.
fn call(
    service: &Service,
    endpoint: &Endpoint,
    request: &Incoming,
    state: &mut State,
    now_ms: i64,
) -> Result<Value, BusinessError> {
    let invalid = |e: validate::Invalid| BusinessError::invalid_parameter(e.to_string());
    let body = match endpoint.method {
        HttpMethod::Post => {
            let body = validate::parse_object(&request.body).map_err(invalid)?;
            validate::validate_request(service, &endpoint.request, &body).map_err(invalid)?;
            body
        }
        HttpMethod::Get => {
            validate::validate_query(service, &endpoint.request, &request.query)
                .map_err(invalid)?;
            request
                .query
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect::<Map<String, Value>>()
        }
    };
    business::run(service, endpoint, &body, state, now_ms)
}
