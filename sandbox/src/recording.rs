//! Turns one answered request into a request log entry. It runs after the answer is
//! decided and only copies what the entry shows: headers, the body up to
//! [`RECORDED_BODY_BYTES`](crate::journal::RECORDED_BODY_BYTES), the answer's text. Secrets
//! are masked here, before anything is stored.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;
use retail_apis_codegen::model::{AuthScheme, HttpMethod, Service};
use retail_apis_runtime::jdy::headers::APP_TOKEN;
use retail_apis_runtime::jdy::signing::CanonicalRequest;
use serde_json::Value;

use crate::faults::Fault;
use crate::journal::{
    RecordedBody, RecordedRequest, RecordedResponse, Verdict, RECORDED_BODY_BYTES,
};
use crate::routes::{Route, Target};
use crate::trace::{Check, Failure, Notes, SignatureEvidence};

/// First characters of a token, enough to correlate entries without showing it.
fn hint(secret: &str) -> String {
    let prefix: String = secret.chars().take(6).collect();
    format!("{prefix}…")
}

/// A credential shown only by its length.
fn length_only(secret: &str) -> String {
    format!("<secret: {} bytes>", secret.len())
}

/// Headers that carry a credential in any scheme; the bearer scheme adds its own.
const CREDENTIAL_HEADERS: [&str; 4] = ["authorization", "proxy-authorization", "cookie", APP_TOKEN];

/// Query or body fields that carry a credential or something as good as one
/// (`app_signature` fetches tokens for as long as the app secret is unchanged).
const CREDENTIAL_FIELDS: [&str; 4] = ["app_signature", "app_secret", "client_secret", "secret"];

/// What a request was, for the entry.
pub(crate) struct Seen<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    pub route: Option<&'a Route>,
    pub service: Option<&'a Service>,
    pub fault: Option<&'a Fault>,
    pub notes: Notes,
}

/// What the sandbox answered, for the entry.
pub(crate) struct Answered<'a> {
    pub status: u16,
    pub content_type: &'a str,
    pub text: &'a str,
    /// The answer as JSON, when it is JSON.
    pub json: Option<&'a Value>,
    pub success: bool,
    pub failure: Option<Failure>,
}

/// The log entry of a request (its id is set when the journal takes it).
pub(crate) fn entry(seen: Seen<'_>, answered: Answered<'_>) -> RecordedRequest {
    let service = seen.service;
    let bearer_header = service.and_then(|s| match &s.auth {
        AuthScheme::StaticBearer(scheme) => Some(scheme.header.to_ascii_lowercase()),
        _ => None,
    });
    let headers = seen
        .headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str();
            let text = String::from_utf8_lossy(value.as_bytes());
            let shown = if name == APP_TOKEN {
                hint(text.trim())
            } else if CREDENTIAL_HEADERS.contains(&name) || bearer_header.as_deref() == Some(name) {
                length_only(&text)
            } else {
                text.into_owned()
            };
            (name.to_owned(), shown)
        })
        .collect();
    let query = seen
        .query
        .iter()
        .map(|(k, v)| {
            let shown = if CREDENTIAL_FIELDS.contains(&k.as_str()) {
                length_only(v)
            } else {
                v.clone()
            };
            (k.clone(), shown)
        })
        .collect();

    let answer_json = answered.json;
    let errcode = match (service, answer_json) {
        (Some(service), Some(body)) => code_of(service, body),
        _ => None,
    };
    let is_token_route = seen
        .route
        .is_some_and(|r| matches!(r.target, Target::Own { .. }));
    let response_body = match (answer_json, token_field(service)) {
        (Some(body), Some(field)) if is_token_route => {
            RecordedBody::of(masked_token(body.clone(), field).to_string().as_bytes())
        }
        _ => RecordedBody::of(answered.text.as_bytes()),
    };
    let (verdict, failed_check, reason) =
        judge(&seen, &answered, service, answer_json, errcode.as_deref());
    RecordedRequest {
        id: 0,
        time_ms: unix_ms(),
        method: seen.method.to_owned(),
        path: seen.path.to_owned(),
        query,
        operation: seen.route.map(|r| r.operation_id.clone()),
        headers,
        body: request_body(seen.body),
        verdict,
        failed_check,
        reason,
        errcode,
        warnings: seen.notes.warnings,
        signature: seen.notes.signature.map(|e| masked_evidence(e, seen.query)),
        fault: seen.fault.map(|f| format!("{f:?}")),
        response: RecordedResponse {
            status: answered.status,
            content_type: answered.content_type.to_owned(),
            body: response_body,
        },
    }
}

/// The evidence with credential query values (the token request's `app_signature`)
/// masked in the string to sign, where they appear percent-encoded as the gateway signs
/// them: found by rendering each such pair alone with the same encoder.
fn masked_evidence(
    mut evidence: SignatureEvidence,
    query: &[(String, String)],
) -> SignatureEvidence {
    for (name, value) in query {
        if !CREDENTIAL_FIELDS.contains(&name.as_str()) || value.is_empty() {
            continue;
        }
        let pair = [(name.as_str(), value.as_str())];
        let alone = CanonicalRequest {
            method: HttpMethod::Get,
            path: "",
            query: &pair,
            headers: Vec::new(),
        }
        .to_string();
        // Line 3 of the string to sign is the query: here, this pair alone.
        if let Some(line) = alone.lines().nth(2).filter(|line| !line.is_empty()) {
            evidence.string_to_sign = evidence
                .string_to_sign
                .replace(line, &format!("{name}=***"));
        }
    }
    evidence
}

/// The verdict, the failed check and the reason.
fn judge(
    seen: &Seen<'_>,
    answered: &Answered<'_>,
    service: Option<&Service>,
    body: Option<&Value>,
    errcode: Option<&str>,
) -> (Verdict, Option<Check>, Option<String>) {
    if let Some(fault) = seen.fault.filter(|f| !matches!(f, Fault::Delay(_))) {
        // WrongSign and ApplyThenFail let the request through; their answers are the fault's.
        return (
            Verdict::Fault,
            None,
            Some(format!("injected fault: {fault:?}")),
        );
    }
    if answered.success {
        return (Verdict::Accepted, None, None);
    }
    if let Some(failure) = answered.failure.as_ref().or(seen.notes.failure.as_ref()) {
        let verdict = match failure.check {
            Check::Business => Verdict::BusinessError,
            _ => Verdict::Rejected,
        };
        return (verdict, Some(failure.check), Some(failure.reason.clone()));
    }
    let sandbox_message = body
        .and_then(|b| b.get("error"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    // No route, or the sandbox's own answer (413, 408): no service was asked.
    let Some(service) = service.filter(|_| seen.route.is_some() && sandbox_message.is_none())
    else {
        return (Verdict::NotServed, None, sandbox_message);
    };
    let message = body
        .and_then(|b| b.get(service.envelope.message_field.as_ref()))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let check = errcode
        .and_then(|code| service.errors.iter().find(|e| e.code == code))
        .map_or(Check::Business, |e| Check::of_error_name(&e.name));
    let verdict = match check {
        Check::Business => Verdict::BusinessError,
        _ => Verdict::Rejected,
    };
    (verdict, Some(check), message)
}

/// The answer's status code (`errcode`, `return_code`) as text.
fn code_of(service: &Service, body: &Value) -> Option<String> {
    let gateway_field = match &service.auth {
        AuthScheme::KingdeeGateway(gw) => Some(gw.gateway_code_field.as_ref()),
        _ => None,
    };
    [Some(service.envelope.code_field.as_ref()), gateway_field]
        .into_iter()
        .flatten()
        .find_map(|field| match body.get(field)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
}

/// The field of the token endpoint's answer that holds the app-token.
fn token_field(service: Option<&Service>) -> Option<&str> {
    match &service?.auth {
        AuthScheme::KingdeeGateway(gw) => Some(gw.token.token_field.as_ref()),
        _ => None,
    }
}

/// The token answer with its token shown as a hint, wherever the envelope puts it.
fn masked_token(mut body: Value, field: &str) -> Value {
    fn mask(value: &mut Value, field: &str) {
        if let Value::Object(map) = value {
            for (key, member) in map.iter_mut() {
                match member {
                    Value::String(token) if key == field => *member = Value::from(hint(token)),
                    other => mask(other, field),
                }
            }
        }
    }
    mask(&mut body, field);
    body
}

/// The request body as sent, unless it carries a credential field at its top level:
/// then those fields are masked (and the body re-serialised). Only the part the log keeps
/// is searched; a body too large to keep whole that mentions one is withheld.
fn request_body(bytes: &[u8]) -> RecordedBody {
    let kept = bytes.get(..RECORDED_BODY_BYTES).unwrap_or(bytes);
    let mentions_credential = CREDENTIAL_FIELDS.iter().any(|field| {
        kept.windows(field.len())
            .any(|window| window == field.as_bytes())
    });
    if !mentions_credential {
        return RecordedBody::of(bytes);
    }
    if kept.len() < bytes.len() {
        return RecordedBody {
            text: "(withheld: the body names a credential field and is too large to mask)"
                .to_owned(),
            truncated_from: Some(bytes.len()),
        };
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(mut map)) => {
            for field in CREDENTIAL_FIELDS {
                if let Some(Value::String(secret)) = map.get(field) {
                    let shown = length_only(secret);
                    map.insert(field.to_owned(), Value::from(shown));
                }
            }
            RecordedBody::of(Value::Object(map).to_string().as_bytes())
        }
        _ => RecordedBody::of(bytes),
    }
}

fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn a_token_answer_keeps_only_a_hint() {
        let body =
            json!({"errcode": 0, "data": {"app-token": "0123456789abcdef", "expires_in": 1}});
        let masked = super::masked_token(body, "app-token");
        assert_eq!(masked["data"]["app-token"], "012345…");
        assert_eq!(masked["data"]["expires_in"], 1);
    }

    #[test]
    fn credential_fields_of_a_body_are_masked() {
        let body = super::request_body(br#"{"app_key":"k","app_signature":"c2VjcmV0"}"#);
        assert!(!body.text.contains("c2VjcmV0"), "{}", body.text);
        assert!(body.text.contains("\"app_key\":\"k\""), "{}", body.text);
        let plain = br#"{"member_id":"M1"}"#;
        assert_eq!(super::request_body(plain).text.as_bytes(), plain);
    }

    #[test]
    fn a_body_too_large_to_mask_is_withheld() {
        let mut body = br#"{"app_signature":"c2VjcmV0","pad":""#.to_vec();
        body.resize(crate::journal::RECORDED_BODY_BYTES + 10, b'x');
        let recorded = super::request_body(&body);
        assert!(!recorded.text.contains("c2VjcmV0"), "{}", recorded.text);
        assert_eq!(recorded.truncated_from, Some(body.len()));
    }
}
