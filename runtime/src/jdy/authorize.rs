//! `push_app_authorize`: the tenant's current app key, app secret and domain, asked for
//! when the service says the app secret no longer verifies (it was rotated).

use serde_json::Value;

use super::gateway::KingdeeGateway;
use super::tenant::AppCredentials;
use super::unquoted::without_body;
use crate::client::{CallInfo, Link, Request};
use crate::descriptor::AuthorizeEndpoint;
use crate::envelope;
use crate::error::Error;
use crate::secret::Secret;

/// Operation name used in errors and logs for the `push_app_authorize` request.
pub const AUTHORIZE_OPERATION: &str = "app_authorize";

/// What the body of an authorize answer is replaced with in errors: it holds a secret.
const OMITTED: &str = "<authorize response omitted>";

/// Asks for the credentials of `instance`, signed like the token request (gateway
/// headers with the credentials in force, no app-token). The answer's domain passes the
/// same check as a configured one.
pub(super) async fn fetch(
    gateway: &KingdeeGateway,
    link: &Link<'_, KingdeeGateway>,
    endpoint: &'static AuthorizeEndpoint,
    instance: &str,
) -> Result<AppCredentials, Error> {
    // Handing out the current credentials changes nothing a repeat could duplicate.
    let call = CallInfo::internal(&gateway.service.name, AUTHORIZE_OPERATION);
    let tenant = gateway.tenant.get();
    let mut request = Request::new(endpoint.method, &endpoint.path);
    request.push_query(endpoint.instance_param.to_string(), instance);
    let payload = link
        .send(&call, &request, |request| {
            gateway.sign_gateway(request, &tenant)
        })
        .await
        .map_err(|e| without_body(e, OMITTED))?;
    let payload: Value =
        envelope::decode_payload(&call, &payload).map_err(|e| without_body(e, OMITTED))?;
    let field = |name: &str| match payload.get(name) {
        Some(Value::String(text)) if !text.trim().is_empty() => Ok(text.clone()),
        _ => Err(Error::Decode {
            service: call.service(),
            operation: call.operation(),
            message: format!("the authorize response has no `{name}` string"),
            snippet: String::from(OMITTED),
        }),
    };
    let app_key = field(&endpoint.app_key_field)?;
    let app_secret = Secret::new(field(&endpoint.app_secret_field)?);
    let domain = field(&endpoint.domain_field)?;
    AppCredentials::new(app_key, app_secret, domain).map_err(|_| Error::Decode {
        service: call.service(),
        operation: call.operation(),
        message: format!(
            "the authorize response's `{}` is not a valid HTTP header value",
            endpoint.domain_field
        ),
        snippet: String::from(OMITTED),
    })
}
