//! `POST /_sandbox/faults` and `POST /_sandbox/faults/clear`: the page's fault switch,
//! over the same queue as `SandboxControl::faults`.
//!
//! The body must be sent as `application/json`, which a cross-site form cannot do without
//! a CORS preflight the sandbox never grants, and an `Origin` other than the sandbox's
//! own is refused: another web page the developer visits cannot steer the sandbox.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::api::{error, respond};
use crate::faults::Fault;
use crate::shared::Shared;

/// Largest accepted body.
const MAX_BODY: usize = 16 * 1024;
/// Most requests one injection covers.
const MAX_TIMES: u64 = 1000;
/// Longest injectable delay.
const MAX_DELAY_MS: u64 = 120_000;

pub(crate) async fn answer(shared: &Arc<Shared>, request: Request) -> Response {
    if request.method() != Method::POST {
        return error(StatusCode::METHOD_NOT_ALLOWED, "only POST is served here");
    }
    if let Some(problem) = foreign(&request) {
        return error(StatusCode::FORBIDDEN, problem);
    }
    let clear = request.uri().path().ends_with("/clear");
    let body = match axum::body::to_bytes(request.into_body(), MAX_BODY).await {
        Ok(body) => body,
        Err(_) => return error(StatusCode::PAYLOAD_TOO_LARGE, "body too large"),
    };
    let faults = crate::control::Faults {
        shared: Arc::clone(shared),
    };
    if clear {
        faults.clear();
        return respond(StatusCode::OK, &json!({ "cleared": true }));
    }
    let Ok(Value::Object(form)) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "the body must be a JSON object");
    };
    let operation = form.get("operation").and_then(Value::as_str).unwrap_or("");
    let times = form.get("times").and_then(Value::as_u64).unwrap_or(1);
    if !(1..=MAX_TIMES).contains(&times) {
        return error(StatusCode::BAD_REQUEST, "times must be between 1 and 1000");
    }
    let fault = match fault_of(&form) {
        Ok(fault) => fault,
        Err(problem) => return error(StatusCode::BAD_REQUEST, problem),
    };
    let times = usize::try_from(times).unwrap_or(1);
    match faults.inject_times(operation, times, fault) {
        Ok(()) => {
            let pending = faults.pending(operation).unwrap_or(0);
            respond(StatusCode::OK, &json!({ "pending": pending }))
        }
        Err(problem) => error(StatusCode::BAD_REQUEST, &problem.to_string()),
    }
}

/// Why a request may come from another site, if it may.
fn foreign(request: &Request) -> Option<&'static str> {
    let headers = request.headers();
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        });
    if !json {
        return Some("send the form as Content-Type: application/json");
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (None, _) => None,
        (Some(origin), Some(host))
            if origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(host) =>
        {
            None
        }
        _ => Some("the request comes from another origin"),
    }
}

/// The fault a form describes: `kind` and its parameters.
fn fault_of(form: &serde_json::Map<String, Value>) -> Result<Fault, &'static str> {
    let number = |name: &str| form.get(name).and_then(Value::as_u64);
    let status = || {
        number("status")
            .and_then(|s| u16::try_from(s).ok())
            .filter(|s| (100..=999).contains(s))
            .ok_or("status must be an HTTP status (100..999)")
    };
    match form.get("kind").and_then(Value::as_str).unwrap_or("") {
        "status" => Ok(Fault::Status {
            status: status()?,
            body: form
                .get("body")
                .and_then(Value::as_str)
                .unwrap_or(r#"{"error":"injected by the sandbox"}"#)
                .to_owned(),
        }),
        "service_unavailable" => Ok(Fault::service_unavailable()),
        "gateway" => number("code")
            .and_then(|c| u32::try_from(c).ok())
            .map(|code| Fault::Gateway { code })
            .ok_or("code must be a gateway code such as 5003"),
        "too_many_requests" => Ok(Fault::TooManyRequests),
        "truncated_json" => Ok(Fault::TruncatedJson),
        "html" => Ok(Fault::Html { status: status()? }),
        "wrong_sign" => Ok(Fault::WrongSign),
        "apply_then_fail" => Ok(Fault::ApplyThenFail { status: status()? }),
        "delay" => number("delay_ms")
            .filter(|ms| *ms <= MAX_DELAY_MS)
            .map(|ms| Fault::Delay(Duration::from_millis(ms)))
            .ok_or("delay_ms must be at most 120000"),
        _ => Err(
            "kind must be one of status, service_unavailable, gateway, too_many_requests, \
                  truncated_json, html, wrong_sign, apply_then_fail, delay",
        ),
    }
}
