//! Errors of the requests that issue credentials, with the answer's body left out.

use crate::error::Error;

/// `error` without the start of the body it quotes: the answers to the token and
/// authorize requests hold a token or an app secret even when they fail to decode or come
/// with an unexpected status. `omitted` stands in the body's place.
pub(super) fn without_body(error: Error, omitted: &'static str) -> Error {
    match error {
        Error::Decode {
            service,
            operation,
            message,
            ..
        } => Error::Decode {
            service,
            operation,
            message,
            snippet: String::from(omitted),
        },
        Error::HttpStatus {
            service,
            operation,
            status,
            retry_after,
            ..
        } => Error::HttpStatus {
            service,
            operation,
            status,
            snippet: String::from(omitted),
            retry_after,
        },
        other => other,
    }
}
