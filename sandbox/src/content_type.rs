//! The `Content-Type` check. Both vendors document `Content-Type: application/json` as a
//! required header with a fixed value (the `headers:` list of each service spec); the
//! sandbox enforces the declared media type on requests that carry a body, so a client
//! that forgets the header fails here and not first in production.
//!
//! The value is compared case-insensitively. A parameter other Kingdee clients send
//! (`application/json; charset=UTF-8`) is refused by default, as the pages give the value
//! without one, and accepted with a warning in the tolerant mode: the charset changes no
//! signed byte. Requests without a body,
//! such as the token `GET`, are not checked: no vendor page says what the gateway does
//! with them, and the header describes a body that is not there.

use axum::http::{header, HeaderMap};
use retail_apis_codegen::model::Service;

use crate::reply::Reply;
use crate::trace::{Check, Failure, Trace};

/// The media type `service` requires on request bodies: the fixed value of a required
/// `Content-Type` entry of its `headers:` list, if it declares one.
fn required_media_type(service: &Service) -> Option<&str> {
    service
        .headers
        .iter()
        .find(|h| h.required && h.name.eq_ignore_ascii_case(header::CONTENT_TYPE.as_str()))
        .and_then(|h| h.value.as_deref())
}

/// Whether the request carries a body: it announces one with `Content-Length` other than
/// zero or with `Transfer-Encoding` (RFC 9112, section 6.3).
fn has_body(headers: &HeaderMap) -> bool {
    if headers.contains_key(header::TRANSFER_ENCODING) {
        return true;
    }
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok())
        .is_some_and(|length| length.trim().parse::<u64>() != Ok(0))
}

/// The media type of a `Content-Type` value: what precedes any `;` parameter, trimmed.
fn essence(value: &str) -> &str {
    value.split(';').next().unwrap_or_default().trim()
}

/// `None` when the request may proceed; otherwise the sandbox's HTTP 415 answer. A
/// missing header, several `Content-Type` headers, or another media type are refused; so
/// is a parameter, unless `tolerant`. An accepted value other than the spec's exact text
/// is noted in `trace`.
pub(crate) fn check(
    service: &Service,
    headers: &HeaderMap,
    tolerant: bool,
    trace: &Trace,
) -> Option<Reply> {
    let required = required_media_type(service)?;
    if !has_body(headers) {
        return None;
    }
    let mut values = headers.get_all(header::CONTENT_TYPE).iter();
    let sent = match (values.next(), values.next()) {
        (Some(value), None) => value.to_str().ok(),
        _ => None,
    };
    let expected = essence(required);
    let accepted = sent.is_some_and(|sent| {
        sent.trim().eq_ignore_ascii_case(required.trim())
            || (tolerant && essence(sent).eq_ignore_ascii_case(expected))
    });
    match sent {
        Some(sent) if accepted => {
            if sent != required {
                trace.warn(
                    format_args!("Content-Type: {required}"),
                    format_args!("Content-Type: {sent}"),
                );
            }
            None
        }
        _ => {
            let reason = match sent {
                Some(sent) if essence(sent).eq_ignore_ascii_case(expected) => format!(
                    "a request body needs Content-Type: {required}, without parameters \
                     (--tolerant accepts them)"
                ),
                _ => format!("a request body needs Content-Type: {expected}"),
            };
            let mut reply = Reply::sandbox_error(415, reason.clone());
            reply.failure = Some(Failure {
                check: Check::ContentType,
                reason,
            });
            Some(reply)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::essence;

    #[test]
    fn the_media_type_is_what_precedes_the_parameters() {
        assert_eq!(
            essence("application/json; charset=UTF-8"),
            "application/json"
        );
        assert_eq!(essence(" Application/JSON "), "Application/JSON");
        assert_eq!(essence(""), "");
    }
}
