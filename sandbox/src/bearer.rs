//! Static bearer services (scheme `static_bearer`): the credential header must carry the
//! spec's prefix and the sandbox token; requests are validated against the spec and
//! answered with synthesised data in the service's envelope.

use retail_apis_codegen::model::{BearerScheme, HttpMethod};
use serde_json::Value;

use crate::envelope::{self, BusinessError};
use crate::reply::Reply;
use crate::scheme_server::{Exchange, SchemeServer};
use crate::trace::{Check, Failure};
use crate::{synth, validate};

/// Checks the one credential header of a static bearer service.
pub(crate) struct BearerServer {
    scheme: BearerScheme,
}

impl BearerServer {
    pub fn new(scheme: &BearerScheme) -> BearerServer {
        BearerServer {
            scheme: scheme.clone(),
        }
    }
}

impl SchemeServer for BearerServer {
    fn handle(&self, exchange: Exchange<'_>) -> Reply {
        let Exchange {
            context,
            service,
            request,
            ..
        } = exchange;
        let Some(endpoint) = exchange.target.endpoint(service) else {
            return Reply::sandbox_error(500, "route does not match its service");
        };
        let expected = format!(
            "{}{}",
            self.scheme.prefix, context.config.credentials.bearer_token
        );
        let given = request
            .headers
            .get(self.scheme.header.as_ref())
            .and_then(|v| v.to_str().ok());
        if given != Some(expected.as_str()) {
            let reason = format!(
                "`{}` is missing or holds the wrong token",
                self.scheme.header
            );
            let mut reply = Reply::sandbox_error(401, reason.clone());
            reply.failure = Some(Failure {
                check: Check::Token,
                reason,
            });
            return reply;
        }
        let checked = match endpoint.method {
            HttpMethod::Get => validate::validate_query(service, &endpoint.request, &request.query),
            HttpMethod::Post => validate::parse_object(&request.body)
                .and_then(|body| validate::validate_request(service, &endpoint.request, &body)),
        };
        if let Err(invalid) = checked {
            let error = BusinessError::invalid_parameter(invalid.to_string());
            return Reply::json(
                200,
                Value::Object(envelope::business_error_body(service, &error)),
            );
        }
        let payload = synth::payload(service, endpoint);
        Reply::success(envelope::success_body(
            &service.envelope,
            "success",
            payload,
        ))
    }
}
