//! `push_app_authorize`: the current app key, app secret and domain of the tenant the
//! request's instance id names, in the business envelope. The gateway checks (signature,
//! timestamp, nonce) ran before; like the token request it carries no app-token.

use retail_apis_codegen::model::{AuthorizeEndpoint, Service};
use serde_json::{Map, Value};

use crate::envelope::{self, BusinessError};
use crate::incoming::Incoming;
use crate::state::State;

/// The success body for a known instance; an unknown or missing one is the spec's
/// `invalid_parameter` business error (the sandbox's convention: the vendor's code for
/// it is not documented).
pub(super) fn answer(
    service: &Service,
    endpoint: &AuthorizeEndpoint,
    request: &Incoming,
    state: &State,
) -> Result<Value, BusinessError> {
    let param = endpoint.instance_param.as_ref();
    let instance = request
        .query_param(param)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| BusinessError::invalid_parameter(format!("{param} is required")))?;
    let record = state
        .tenants
        .by_instance(instance)
        .and_then(|index| state.tenants.get(index))
        .ok_or_else(|| {
            BusinessError::invalid_parameter(format!("{param} names no authorised instance"))
        })?;
    let tenant = &record.tenant;
    let mut data = Map::new();
    data.insert(
        endpoint.app_key_field.to_string(),
        Value::from(tenant.app_key.as_str()),
    );
    data.insert(
        endpoint.app_secret_field.to_string(),
        Value::from(tenant.app_secret.as_str()),
    );
    data.insert(
        endpoint.domain_field.to_string(),
        Value::from(tenant.domain.as_str()),
    );
    tracing::debug!(app_key = %tenant.app_key, "answered push_app_authorize");
    Ok(envelope::success_body(
        &service.envelope,
        "success",
        Value::Object(data),
    ))
}
