//! The one error type of the runtime.
//!
//! Messages name the service and operation and carry vendor codes and bounded response
//! snippets, never credentials: requests are not echoed and URLs are stripped from
//! transport errors (the token request carries `app_signature` in its query).

use std::time::Duration;

use crate::descriptor::{ErrorAction, ErrorCodeInfo};

/// Longest response excerpt kept in an error, in bytes.
pub const SNIPPET_LIMIT: usize = 512;

/// Everything that can go wrong with a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be completed at the network level.
    #[error("{service}.{operation}: transport error after {attempts} attempt(s){}: {message}", if *.sent { "" } else { " (request not sent)" })]
    Transport {
        /// Service name.
        service: &'static str,
        /// Operation name.
        operation: &'static str,
        /// What failed, without the URL.
        message: String,
        /// Whether the request may have reached the server (`false`: the connection
        /// was never established, so a repeat cannot duplicate anything).
        sent: bool,
        /// Attempts made, retries included.
        attempts: u32,
    },
    /// No complete response within the configured time.
    #[error("{service}.{operation}: no complete response within {} ms after {attempts} attempt(s)", .timeout.as_millis())]
    Timeout {
        /// Service name.
        service: &'static str,
        /// Operation name.
        operation: &'static str,
        /// Per-attempt limit that was exceeded.
        timeout: Duration,
        /// Attempts made, retries included.
        attempts: u32,
    },
    /// A non-success HTTP status the service does not describe.
    #[error("{service}.{operation}: HTTP {status}: {snippet}")]
    HttpStatus {
        /// Service name.
        service: &'static str,
        /// Operation name.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// Start of the response body (at most [`SNIPPET_LIMIT`] bytes).
        snippet: String,
    },
    /// The server answered with a redirect, which is never followed: the request's
    /// credentials (and body) must not reach a host other than the configured one.
    /// Not retryable.
    #[error("{service}.{operation}: HTTP {status} redirect to {} refused; nothing was sent there", .location_host.as_deref().unwrap_or("an unreadable location"))]
    Redirect {
        /// Service name.
        service: &'static str,
        /// Operation name.
        operation: &'static str,
        /// HTTP status (301, 302, 307, ...).
        status: u16,
        /// Host (and port, when the location names one) of the `Location` header;
        /// `None` when it is missing or unreadable. Never the full URL.
        location_host: Option<String>,
    },
    /// The API gateway rejected the request (Kingdee: HTTP 519).
    #[error("{service}.{operation}: gateway rejected the request (HTTP {status}, code {code}): {message}")]
    Gateway {
        /// Service name.
        service: &'static str,
        /// Operation name.
        operation: &'static str,
        /// HTTP status (519).
        status: u16,
        /// Gateway code (`4011`).
        code: String,
        /// English message.
        message: String,
        /// Chinese message.
        message_cn: String,
        /// The code's entry in the service descriptor, when known.
        known: Option<&'static ErrorCodeInfo>,
    },
    /// The service answered with a business error code in its envelope.
    #[error("{service}.{operation}: error {code}: {message}")]
    Business {
        /// Service name.
        service: &'static str,
        /// Operation name.
        operation: &'static str,
        /// Vendor code as text (`1000202001`, `0205`).
        code: String,
        /// Vendor message.
        message: String,
        /// The code's entry in the service descriptor, when known.
        known: Option<&'static ErrorCodeInfo>,
    },
    /// A response signature was missing or did not match.
    #[error("{service}.{operation}: response signature missing or invalid")]
    SignatureMismatch {
        /// Service name.
        service: &'static str,
        /// Operation name.
        operation: &'static str,
    },
    /// The response body was not what the service describes.
    #[error(
        "{service}.{operation}: cannot decode the response: {message} (body starts: {snippet})"
    )]
    Decode {
        /// Service name.
        service: &'static str,
        /// Operation name.
        operation: &'static str,
        /// What was wrong.
        message: String,
        /// Start of the body (at most [`SNIPPET_LIMIT`] bytes, cut at a character boundary).
        snippet: String,
    },
    /// The request value could not be turned into the wire format.
    #[error("{service}.{operation}: cannot encode the request: {message}")]
    Encode {
        /// Service name.
        service: &'static str,
        /// Operation name.
        operation: &'static str,
        /// What was wrong.
        message: String,
    },
    /// Invalid or missing configuration.
    #[error("configuration error: {message}")]
    Config {
        /// What is wrong (names the variable, never its value).
        message: String,
    },
    /// The response body exceeded the configured limit; reading stopped there.
    #[error("{service}.{operation}: response body exceeds {limit} bytes")]
    TooLarge {
        /// Service name.
        service: &'static str,
        /// Operation name.
        operation: &'static str,
        /// Configured limit in bytes.
        limit: usize,
    },
}

impl Error {
    /// Whether the failure is transient: repeating the same request may succeed.
    ///
    /// True for transport failures, timeouts, HTTP 429 and 5xx, and vendor codes the
    /// descriptor marks `retryable`. Whether a repeat is *safe* is a separate question:
    /// the client only repeats requests that were never sent, or that target endpoints
    /// with an idempotency key.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::HttpStatus { status, .. } => *status == 429 || (500..600).contains(status),
            Error::Gateway { known, .. } | Error::Business { known, .. } => {
                known.is_some_and(|k| k.retryable)
            }
            _ => false,
        }
    }

    /// The vendor code of a gateway or business error.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Gateway { code, .. } | Error::Business { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The descriptor entry of a gateway or business error, when the code is known.
    pub fn known(&self) -> Option<&'static ErrorCodeInfo> {
        match self {
            Error::Gateway { known, .. } | Error::Business { known, .. } => *known,
            _ => None,
        }
    }

    /// What the descriptor says to do about this error ([`ErrorAction::None`] if unknown).
    pub fn action(&self) -> ErrorAction {
        self.known().map_or(ErrorAction::None, |k| k.action)
    }

    /// Whether the request certainly never reached the server.
    pub(crate) fn never_sent(&self) -> bool {
        matches!(self, Error::Transport { sent: false, .. })
    }

    /// Records the number of attempts on errors that report it.
    pub(crate) fn with_attempts(mut self, n: u32) -> Error {
        if let Error::Transport { attempts, .. } | Error::Timeout { attempts, .. } = &mut self {
            *attempts = n;
        }
        self
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::Config {
            message: message.into(),
        }
    }
}

/// The start of a body as text: at most [`SNIPPET_LIMIT`] bytes, cut at a character
/// boundary, invalid UTF-8 replaced, `…` appended when cut (within the limit).
pub fn snippet(body: &[u8]) -> String {
    // Decoding only a little more than the limit keeps huge bodies cheap.
    let head = &body[..body.len().min(SNIPPET_LIMIT + 4)];
    let text = String::from_utf8_lossy(head);
    if text.len() <= SNIPPET_LIMIT && head.len() == body.len() {
        return text.into_owned();
    }
    // The ellipsis counts toward the limit, as the `snippet` fields promise.
    let mut end = (SNIPPET_LIMIT - '…'.len_utf8()).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_is_bounded_and_char_safe() {
        assert_eq!(snippet(b"short"), "short");
        let long = "é".repeat(1000);
        let s = snippet(long.as_bytes());
        assert!(s.len() <= SNIPPET_LIMIT);
        assert!(s.ends_with('…'));
        assert!(s.trim_end_matches('…').chars().all(|c| c == 'é'));
        let invalid = [0xffu8; 2000];
        assert!(snippet(&invalid).len() <= SNIPPET_LIMIT);
        let ascii = "a".repeat(SNIPPET_LIMIT + 1);
        assert_eq!(snippet(ascii.as_bytes()).len(), SNIPPET_LIMIT);
        let exact = "a".repeat(SNIPPET_LIMIT);
        assert_eq!(snippet(exact.as_bytes()), exact);
    }

    #[test]
    fn retryable_classification() {
        let http = |status| Error::HttpStatus {
            service: "s",
            operation: "o",
            status,
            snippet: String::new(),
        };
        assert!(http(429).is_retryable());
        assert!(http(503).is_retryable());
        assert!(!http(404).is_retryable());
        const KNOWN: ErrorCodeInfo = ErrorCodeInfo {
            code: "5003",
            http_status: Some(519),
            name: "unavailable",
            description: "",
            action: ErrorAction::None,
            retryable: true,
        };
        let gateway = Error::Gateway {
            service: "s",
            operation: "o",
            status: 519,
            code: "5003".into(),
            message: String::new(),
            message_cn: String::new(),
            known: Some(&KNOWN),
        };
        assert!(gateway.is_retryable());
        assert_eq!(gateway.code(), Some("5003"));
        assert!(!Error::config("x").is_retryable());
        assert_eq!(Error::config("x").code(), None);
    }
}
