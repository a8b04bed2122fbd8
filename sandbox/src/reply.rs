//! An answer under construction: faults may still rewrite it before it is sent.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::trace::Failure;

/// Body of a [`Reply`].
#[derive(Debug)]
pub(crate) enum ReplyBody {
    Json(Value),
    Raw {
        content_type: &'static str,
        text: String,
    },
}

#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: ReplyBody,
    /// The call succeeded and its business effect (if any) was applied.
    pub success: bool,
    /// Headers besides `Content-Type` (a fault's `Retry-After`).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The check that refused the request, when the scheme knows it more precisely than
    /// the answer's code tells (the request log shows it).
    pub failure: Option<Failure>,
}

impl Reply {
    pub fn json(status: u16, value: Value) -> Reply {
        Reply {
            status: status_code(status),
            body: ReplyBody::Json(value),
            success: false,
            headers: Vec::new(),
            failure: None,
        }
    }

    pub fn success(value: Value) -> Reply {
        Reply {
            status: StatusCode::OK,
            body: ReplyBody::Json(value),
            success: true,
            headers: Vec::new(),
            failure: None,
        }
    }

    pub fn text(status: u16, content_type: &'static str, text: impl Into<String>) -> Reply {
        Reply {
            status: status_code(status),
            body: ReplyBody::Raw {
                content_type,
                text: text.into(),
            },
            success: false,
            headers: Vec::new(),
            failure: None,
        }
    }

    /// A short JSON error of the sandbox itself (unknown path, body too large): not a
    /// vendor envelope, because no vendor service was reached.
    pub fn sandbox_error(status: u16, message: impl Into<String>) -> Reply {
        Reply::json(status, serde_json::json!({ "error": message.into() }))
    }

    /// This reply with header `name` set to `value`.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Reply {
        self.headers.push((name, value));
        self
    }

    pub fn into_response(self) -> Response {
        let mut response = match self.body {
            ReplyBody::Json(value) => {
                let text = serde_json::to_string(&value).unwrap_or_else(|_| "{}".to_owned());
                raw(self.status, "application/json", text)
            }
            ReplyBody::Raw { content_type, text } => raw(self.status, content_type, text),
        };
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// The HTTP response of a rendered answer.
pub(crate) fn raw(status: StatusCode, content_type: &'static str, text: String) -> Response {
    let mut response = (status, text).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// Any status in 100..=999 is representable; fall back to 500 for nonsense values so a
/// misconfigured fault still answers.
fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
