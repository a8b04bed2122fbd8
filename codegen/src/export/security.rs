//! How a service's signing scheme appears in an OpenAPI document: security schemes where
//! OpenAPI has a type for it, and the scheme's parameters as `x-retail-apis-auth` on every
//! operation, so a tool (or a reader) sees what a call must carry.

use serde_json::{json, Map, Value};

use crate::model::{AuthScheme, Service};

/// The security schemes of one service and the requirement its operations carry.
pub(super) struct ServiceSecurity {
    /// Component security schemes, by name (`jdy_app_token`).
    pub schemes: Vec<(String, Value)>,
    /// The scheme's name and parameters.
    auth: Value,
}

impl ServiceSecurity {
    /// Adds the requirement (every scheme at once) and the `x-retail-apis-auth` extension.
    pub fn apply(&self, operation: &mut Map<String, Value>) {
        if !self.schemes.is_empty() {
            let all: Map<String, Value> = self
                .schemes
                .iter()
                .map(|(name, _)| (name.clone(), json!([])))
                .collect();
            operation.insert("security".to_owned(), json!([all]));
        }
        operation.insert("x-retail-apis-auth".to_owned(), self.auth.clone());
    }
}

/// The security of `service`.
pub(super) fn schemes(service: &Service) -> ServiceSecurity {
    let name = |suffix: &str| format!("{}_{suffix}", service.name);
    let header = |header: &str, description: String| json!({"type": "apiKey", "in": "header", "name": header, "description": description});
    match &service.auth {
        AuthScheme::KingdeeGateway(k) => ServiceSecurity {
            schemes: vec![
                (
                    name("app_token"),
                    header(
                        "app-token",
                        format!(
                            "The app-token, from {} {}{} (`data.{}`), valid {} s; \
                             fetched and refreshed by the client.",
                            k.token.method.as_str(),
                            service.base_url,
                            k.token.path,
                            k.token.token_field,
                            k.token.ttl_secs
                        ),
                    ),
                ),
                (
                    name("gateway_signature"),
                    header(
                        "X-Api-Signature",
                        format!(
                            "Kingdee API gateway signature: HMAC-SHA256 with the client secret \
                             over the method, the URL-encoded path, the sorted query and the \
                             headers `X-Api-SignHeaders` names ({}), Base64 of the lower-case \
                             hex digest; the body is not signed. Sent with `X-Api-ClientID`, `X-Api-Auth-Version: \
                             {}`, `X-Api-TimeStamp` (milliseconds, within {} ms of the \
                             gateway's clock) and `X-Api-Nonce`. A rejection is HTTP {}.",
                            k.sign_headers,
                            k.auth_version,
                            k.timestamp_window_ms,
                            k.gateway_status
                        ),
                    ),
                ),
            ],
            auth: json!({
                "scheme": service.auth.name(),
                "auth_version": k.auth_version.as_ref(),
                "sign_headers": k.sign_headers.as_ref(),
                "timestamp_window_ms": k.timestamp_window_ms,
                "token": {
                    "method": k.token.method.as_str(),
                    "path": k.token.path.as_ref(),
                    "token_field": k.token.token_field.as_ref(),
                    "ttl_secs": k.token.ttl_secs,
                },
                "gateway_status": k.gateway_status,
            }),
        },
        // OpenAPI has no security scheme for a signature inside the body.
        AuthScheme::Md5BodySign(m) => ServiceSecurity {
            schemes: Vec::new(),
            auth: json!({
                "scheme": service.auth.name(),
                "description": format!(
                    "MD5 signature in the body field `{}`: the top-level fields sorted by \
                     name{}{}, joined as name{}value pairs with `{}`, followed by `{}` with \
                     the merchant key, hashed with MD5 ({} hex). Filled in by the client.",
                    m.field,
                    if m.skip_null { ", null values left out" } else { "" },
                    if m.skip_empty { ", empty strings left out" } else { "" },
                    m.kv_separator,
                    m.pair_separator,
                    m.secret_suffix,
                    if m.uppercase { "upper-case" } else { "lower-case" }
                ),
                "field": m.field.as_ref(),
                "skip_null": m.skip_null,
                "skip_empty": m.skip_empty,
                "pair_separator": m.pair_separator.as_ref(),
                "kv_separator": m.kv_separator.as_ref(),
                "secret_suffix": m.secret_suffix.as_ref(),
                "uppercase": m.uppercase,
                "verify_response": m.verify_response,
            }),
        },
        AuthScheme::StaticBearer(b) => ServiceSecurity {
            schemes: vec![(
                name("token"),
                header(
                    &b.header,
                    format!("A fixed token, sent as `{}<token>`.", b.prefix),
                ),
            )],
            auth: json!({
                "scheme": service.auth.name(),
                "header": b.header.as_ref(),
                "prefix": b.prefix.as_ref(),
            }),
        },
    }
}
