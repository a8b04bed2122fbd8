//! The JSON side: `/_sandbox/requests`, `/_sandbox/requests/{id}`, `/_sandbox/state`.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::{json, Value};

use crate::journal::{RecordedRequest, Verdict};
use crate::shared::Shared;
use crate::trace::Check;

/// One row of the list: what the table shows, without headers and bodies.
#[derive(Serialize)]
struct Summary<'a> {
    id: u64,
    time_ms: i64,
    method: &'a str,
    path: &'a str,
    operation: Option<&'a str>,
    status: u16,
    errcode: Option<&'a str>,
    verdict: Verdict,
    failed_check: Option<Check>,
    reason: Option<&'a str>,
    warnings: &'a [String],
    fault: Option<&'a str>,
}

/// `{"capacity", "last_id", "requests": [...]}`, newest first; only entries newer than
/// `after` when given.
pub(crate) fn list(shared: &Shared, after: Option<u64>) -> Value {
    let entries = shared.journal.newest_first(after);
    let rows: Vec<Summary<'_>> = entries
        .iter()
        .map(|e| Summary {
            id: e.id,
            time_ms: e.time_ms,
            method: &e.method,
            path: &e.path,
            operation: e.operation.as_deref(),
            status: e.response.status,
            errcode: e.errcode.as_deref(),
            verdict: e.verdict,
            failed_check: e.failed_check,
            reason: e.reason.as_deref(),
            warnings: &e.warnings,
            fault: e.fault.as_deref(),
        })
        .collect();
    json!({
        "capacity": shared.journal.capacity(),
        "last_id": shared.journal.last_id(),
        "tolerant": shared.config.tolerant,
        "requests": rows,
    })
}

/// One entry in full.
pub(crate) fn detail(entry: &Arc<RecordedRequest>) -> Value {
    serde_json::to_value(entry.as_ref()).unwrap_or(Value::Null)
}

/// `value()` as JSON for a GET; 405 otherwise.
pub(crate) fn json_only(request: &Request, value: impl FnOnce() -> Value) -> Response {
    if request.method() != Method::GET {
        return error(StatusCode::METHOD_NOT_ALLOWED, "only GET is served here");
    }
    respond(StatusCode::OK, &value())
}

pub(crate) fn respond(status: StatusCode, value: &Value) -> Response {
    super::with_type(status, "application/json", value.to_string())
}

/// `{"error": message}` with `status`.
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    respond(status, &json!({ "error": message }))
}
