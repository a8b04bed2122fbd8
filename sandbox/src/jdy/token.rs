//! The token endpoint: checks `app_key` and `app_signature` against the tenant of that
//! app key, issues a random app-token that records its tenant.

use std::time::Duration;

use rand::RngExt;
use retail_apis_codegen::model::{KingdeeGatewayScheme, Service};
use serde_json::{Map, Value};

use crate::envelope::{self, BusinessError};
use crate::incoming::Incoming;
use crate::reply::Reply;
use crate::signing;
use crate::state::{State, TokenRecord};
use crate::validate;

/// First characters of a token, enough to correlate log lines without leaking it.
pub(crate) fn token_hint(token: &str) -> String {
    let prefix: String = token.chars().take(6).collect();
    format!("{prefix}…")
}

fn random_token() -> String {
    let value: u128 = rand::rng().random();
    format!("{value:032x}")
}

/// The parameter from the query, or from a JSON body when the scheme says POST.
fn param(request: &Incoming, body: &Map<String, Value>, name: &str) -> Option<String> {
    request
        .query_param(name)
        .map(str::to_owned)
        .or_else(|| body.get(name).and_then(Value::as_str).map(str::to_owned))
        .filter(|v| !v.is_empty())
}

pub(crate) fn issue(
    service: &Service,
    gateway: &KingdeeGatewayScheme,
    request: &Incoming,
    state: &mut State,
    now_ms: i64,
) -> Result<Value, BusinessError> {
    let body = if request.body.is_empty() {
        Map::new()
    } else {
        validate::parse_object(&request.body)
            .map_err(|e| BusinessError::invalid_parameter(e.to_string()))?
    };
    let app_key = param(request, &body, "app_key")
        .ok_or_else(|| BusinessError::invalid_parameter("app_key is required".to_owned()))?;
    let app_signature = param(request, &body, "app_signature")
        .ok_or_else(|| BusinessError::invalid_parameter("app_signature is required".to_owned()))?;
    let tenant = state.tenants.by_app_key(&app_key).filter(|&index| {
        state.tenants.get(index).is_some_and(|record| {
            app_signature == signing::app_signature(&app_key, &record.tenant.app_secret)
        })
    });
    let Some(tenant) = tenant else {
        return Err(BusinessError {
            name: "authorization_secret_invalid",
            fallback_code: "1030002006",
            fallback_description: "授权密钥校验失败",
            detail: Some("app_key or app_signature is wrong".to_owned()),
        });
    };

    let ttl = state
        .token_ttl
        .unwrap_or(Duration::from_secs(gateway.token.ttl_secs));
    let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
    let token = random_token();
    state.prune_tokens(now_ms);
    state.tokens.insert(
        token.clone(),
        TokenRecord {
            expires_at_ms: now_ms.saturating_add(ttl_ms),
            tenant,
            force_expired: false,
        },
    );
    state.token_fetches += 1;
    if let Some(record) = state.tenants.get_mut(tenant) {
        record.token_fetches += 1;
    }
    tracing::debug!(token = %token_hint(&token), ttl_secs = ttl.as_secs(), "issued app-token");

    let mut data = Map::new();
    data.insert(gateway.token.token_field.to_string(), Value::from(token));
    data.insert("expires_in".to_owned(), Value::from(ttl.as_secs()));
    Ok(envelope::success_body(
        &service.envelope,
        "success",
        Value::Object(data),
    ))
}

/// The reply to a token request (business errors in the envelope, HTTP 200).
pub(crate) fn reply(service: &Service, outcome: Result<Value, BusinessError>) -> Reply {
    match outcome {
        Ok(body) => Reply::success(body),
        Err(error) => Reply::json(
            200,
            Value::Object(envelope::business_error_body(service, &error)),
        ),
    }
}
