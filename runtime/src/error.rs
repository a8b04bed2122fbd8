//! The one error type of the runtime.
//!
//! Messages name the service and operation and carry vendor codes and bounded response
//! snippets, never credentials: requests are not echoed and URLs are stripped from
//! transport errors (the token request carries `app_signature` in its query).

use std::time::Duration;

use crate::descriptor::{ErrorAction, ErrorCodeInfo, Processed};

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
        /// What failed, without the URL: the HTTP client's error and its causes, so that
        /// printing only this error still says why.
        message: String,
        /// Whether the request may have reached the server (`false`: the connection
        /// was never established, so a repeat cannot duplicate anything).
        sent: bool,
        /// Attempts made, retries included.
        attempts: u32,
        /// The HTTP client's error (a [`reqwest::Error`], whose own sources lead to the
        /// I/O or TLS error), for callers that walk the chain or downcast. Stored without
        /// its URL: the token request's query carries `app_key` and `app_signature`.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
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
    #[error("{service}.{operation}: HTTP {status}{}: {snippet}", retry_after_text(*.retry_after))]
    HttpStatus {
        /// Service name.
        service: &'static str,
        /// Operation name.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// Start of the response body (at most [`SNIPPET_LIMIT`] bytes).
        snippet: String,
        /// How long the server asked to wait before a repeat (its `Retry-After` header,
        /// read as delta-seconds or an HTTP-date and clamped to
        /// [`MAX_RETRY_AFTER`](crate::MAX_RETRY_AFTER)); `None` without a readable one.
        retry_after: Option<Duration>,
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
    /// The call's deadline ([`TransportConfig::deadline`](crate::TransportConfig::deadline))
    /// ended it: the next attempt could not start, or the current one not finish, before
    /// it. The client does not sleep into a deadline it cannot meet: when the wait before
    /// the next attempt would end past it, the call fails at once. The message repeats the
    /// last attempt's failure; [`source`](std::error::Error::source) gives it.
    #[error(
        "{service}.{operation}: {}, past the call's deadline of {} ms; {attempts} attempt(s) made{}",
        waiting,
        .deadline.as_millis(),
        last.as_ref().map_or_else(String::new, |e| format!(" (last: {e})"))
    )]
    DeadlineExceeded {
        /// Service name.
        service: &'static str,
        /// Operation name.
        operation: &'static str,
        /// The whole call's time limit that was reached.
        deadline: Duration,
        /// What the call was waiting for.
        waiting: Waiting,
        /// Attempts sent, retries included (0: nothing was sent).
        attempts: u32,
        /// The last attempt's failure; `None` when no attempt was made.
        #[source]
        last: Option<Box<Error>>,
    },
    /// A call that changes vendor state failed in a way that leaves open whether the
    /// vendor applied it: no complete answer (timeout, connection lost after sending), a
    /// 5xx or unreadable answer, or a code the spec marks `processed: maybe`. Repeating it
    /// blindly could apply it twice, so the client did not; the caller should query the
    /// state of the operation and repeat it only if it was not applied, with the same
    /// `key` value. The message repeats the cause's, because most callers print only the
    /// outermost error; [`source`](std::error::Error::source) gives the cause itself.
    #[error(
        "{service}.{operation}: outcome unknown, the request may have been applied; query its \
         state, then retry with the same {} (cause: {cause})",
        key.map_or_else(|| String::from("request"), |k| format!("`{k}`"))
    )]
    OutcomeUnknown {
        /// Service name.
        service: &'static str,
        /// Operation name.
        operation: &'static str,
        /// Request field to keep when repeating the call (`src_bill_id`), when the spec
        /// names one.
        key: Option<&'static str>,
        /// The failure of the last attempt.
        #[source]
        cause: Box<Error>,
    },
    /// The tenant's app-token fetches failed several times in a row and the next one is
    /// not due yet, so the call was refused without sending anything. Fetches are spaced
    /// (from 100 ms, doubling, up to 30 s) so that a failing token endpoint is not asked
    /// by every call; a call that finds the next fetch within a quarter second waits for
    /// it instead. Retryable after `retry_in`.
    #[error("{service}.app_token: the app-token could not be fetched ({failures} failure(s) in a row); the next fetch is due in {} ms, and calls until then are refused unsent", .retry_in.as_millis())]
    TokenBackoff {
        /// Service name.
        service: &'static str,
        /// Failed fetches in a row.
        failures: u32,
        /// Time until the next fetch may start.
        retry_in: Duration,
    },
}

/// What a call was waiting for when its deadline ended it ([`Error::DeadlineExceeded`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Waiting {
    /// The server's `Retry-After` before the next attempt: the server asked for this wait.
    RetryAfter(Duration),
    /// The backoff before the next attempt.
    Backoff(Duration),
    /// A free slot of the client-side rate limit, this far away; the request was not sent.
    RateLimit(Duration),
    /// The answer to an attempt, which was cut short at the deadline.
    Response,
}

impl std::fmt::Display for Waiting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Waiting::RetryAfter(wait) => write!(
                f,
                "the server asked to wait {} s before a retry",
                wait.as_secs_f64().ceil()
            ),
            Waiting::Backoff(wait) => {
                write!(f, "the next retry would start in {} ms", wait.as_millis())
            }
            Waiting::RateLimit(wait) => write!(
                f,
                "the client-side rate limit has no free slot for {} ms; the request was not sent",
                wait.as_millis()
            ),
            Waiting::Response => f.write_str("no complete response"),
        }
    }
}

fn retry_after_text(retry_after: Option<Duration>) -> String {
    retry_after.map_or_else(String::new, |wait| {
        format!(" (retry after {} s)", wait.as_secs_f64().ceil())
    })
}

impl Error {
    /// Whether the failure is transient: repeating the same request may succeed.
    ///
    /// True for transport failures, timeouts, HTTP 429 and 5xx, and vendor codes the
    /// descriptor marks `retryable`. Whether a repeat is *safe* is a separate question:
    /// the client only repeats requests that provably were not processed, or that target
    /// endpoints whose idempotency key the vendor documents. False for
    /// [`Error::OutcomeUnknown`]: query before repeating; and for
    /// [`Error::DeadlineExceeded`]: the call's time is used up (a new call may succeed,
    /// after [`retry_after`](Self::retry_after) when the server named a wait).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::OutcomeUnknown { .. } => false,
            Error::Transport { .. } | Error::Timeout { .. } | Error::TokenBackoff { .. } => true,
            Error::HttpStatus { status, .. } => *status == 429 || (500..600).contains(status),
            Error::Gateway { known, .. } | Error::Business { known, .. } => {
                known.is_some_and(|k| k.retryable)
            }
            _ => false,
        }
    }

    /// Whether the call may or may not have been applied by the vendor
    /// ([`Error::OutcomeUnknown`]). The caller should query the operation's state, and
    /// repeat it only if it was not applied, with the same idempotency key value.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, Error::OutcomeUnknown { .. })
    }

    /// The failure itself: the cause of an [`Error::OutcomeUnknown`], the last attempt's
    /// failure behind an [`Error::DeadlineExceeded`], otherwise `self`.
    pub fn underlying(&self) -> &Error {
        match self {
            Error::OutcomeUnknown { cause, .. }
            | Error::DeadlineExceeded {
                last: Some(cause), ..
            } => cause.underlying(),
            other => other,
        }
    }

    /// How long the server asked to wait before a repeat (`Retry-After` of an
    /// [`Error::HttpStatus`], also behind [`Error::OutcomeUnknown`] and
    /// [`Error::DeadlineExceeded`]).
    pub fn retry_after(&self) -> Option<Duration> {
        match self.underlying() {
            Error::HttpStatus { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The vendor code of a gateway or business error (also behind
    /// [`Error::OutcomeUnknown`]).
    pub fn code(&self) -> Option<&str> {
        match self.underlying() {
            Error::Gateway { code, .. } | Error::Business { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The descriptor entry of a gateway or business error, when the code is known (also
    /// behind [`Error::OutcomeUnknown`]).
    pub fn known(&self) -> Option<&'static ErrorCodeInfo> {
        match self.underlying() {
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

    /// Whether the request provably had no effect, so that repeating it is safe for any
    /// endpoint: the connection was never established, HTTP 429 (rate limits answer
    /// before any work), or a code the spec marks `processed: never`.
    pub(crate) fn proven_unprocessed(&self) -> bool {
        if self.never_sent() || matches!(self, Error::TokenBackoff { .. }) {
            return true;
        }
        match self {
            Error::HttpStatus { status, .. } => *status == 429,
            Error::Gateway { known, .. } | Error::Business { known, .. } => {
                known.is_some_and(|k| k.processed == Processed::Never)
            }
            _ => false,
        }
    }

    /// Whether, after this failure, the request may or may not have been applied.
    ///
    /// A gateway code the spec does not list counts as maybe processed. A business code
    /// in the vendor's envelope is the vendor's own answer and counts as not applied,
    /// unless the spec marks it `processed: maybe`. Statuses other than 5xx are definite
    /// answers; a 2xx whose body cannot be read or trusted is not.
    pub(crate) fn leaves_outcome_open(&self) -> bool {
        match self {
            Error::Transport { sent, .. } => *sent,
            Error::Timeout { .. }
            | Error::Decode { .. }
            | Error::TooLarge { .. }
            | Error::SignatureMismatch { .. }
            | Error::OutcomeUnknown { .. } => true,
            Error::DeadlineExceeded {
                waiting: Waiting::Response,
                ..
            } => true,
            Error::DeadlineExceeded { last, .. } => {
                last.as_deref().is_some_and(Error::leaves_outcome_open)
            }
            Error::HttpStatus { status, .. } => (500..600).contains(status),
            // 303 See Other points to the result of a request that was handled; the other
            // redirects say the resource is elsewhere, so this request was not handled.
            Error::Redirect { status, .. } => *status == 303,
            Error::Gateway { known, .. } => known.is_none_or(|k| k.processed == Processed::Maybe),
            Error::Business { known, .. } => known.is_some_and(|k| k.processed == Processed::Maybe),
            // Encoding and configuration errors happen before anything is sent.
            _ => false,
        }
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
    use crate::descriptor::Text;

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
            retry_after: None,
        };
        assert!(http(429).is_retryable());
        assert!(http(503).is_retryable());
        assert!(!http(404).is_retryable());
        const KNOWN: ErrorCodeInfo = ErrorCodeInfo {
            code: Text::Borrowed("5003"),
            http_status: Some(519),
            name: Text::Borrowed("unavailable"),
            description: Text::Borrowed(""),
            action: ErrorAction::None,
            retryable: true,
            processed: Processed::Maybe,
        };
        let gateway = gateway(Some(&KNOWN));
        assert!(gateway.is_retryable());
        assert_eq!(gateway.code(), Some("5003"));
        assert!(!Error::config("x").is_retryable());
        assert_eq!(Error::config("x").code(), None);
    }

    fn gateway(known: Option<&'static ErrorCodeInfo>) -> Error {
        Error::Gateway {
            service: "s",
            operation: "o",
            status: 519,
            code: Text::Borrowed("5003").into(),
            message: String::new(),
            message_cn: String::new(),
            known,
        }
    }

    #[test]
    fn which_failures_leave_the_outcome_open() {
        const NEVER: ErrorCodeInfo = ErrorCodeInfo {
            code: Text::Borrowed("5007"),
            http_status: Some(519),
            name: Text::Borrowed("overloaded"),
            description: Text::Borrowed(""),
            action: ErrorAction::None,
            retryable: true,
            processed: Processed::Never,
        };
        const MAYBE: ErrorCodeInfo = ErrorCodeInfo {
            processed: Processed::Maybe,
            ..NEVER
        };
        let http = |status| Error::HttpStatus {
            service: "s",
            operation: "o",
            status,
            snippet: String::new(),
            retry_after: None,
        };
        let transport = |sent| Error::Transport {
            service: "s",
            operation: "o",
            message: String::new(),
            sent,
            attempts: 1,
            source: Box::new(std::io::Error::other("refused")),
        };
        let redirect = |status| Error::Redirect {
            service: "s",
            operation: "o",
            status,
            location_host: None,
        };
        let business = |known| Error::Business {
            service: "s",
            operation: "o",
            code: Text::Borrowed("1").into(),
            message: String::new(),
            known,
        };
        // (error, provably had no effect, may have been applied)
        let cases = [
            (transport(false), true, false),
            (transport(true), false, true),
            (http(429), true, false),
            (http(503), false, true),
            (http(404), false, false),
            (redirect(303), false, true),
            (redirect(307), false, false),
            (gateway(Some(&NEVER)), true, false),
            (gateway(Some(&MAYBE)), false, true),
            // A gateway code the spec does not list may come after forwarding.
            (gateway(None), false, true),
            // The vendor's own answer is taken at its word unless the spec says otherwise.
            (business(None), false, false),
            (business(Some(&MAYBE)), false, true),
            (Error::config("x"), false, false),
        ];
        for (error, unprocessed, open) in cases {
            assert_eq!(error.proven_unprocessed(), unprocessed, "{error:?}");
            assert_eq!(error.leaves_outcome_open(), open, "{error:?}");
        }
    }

    #[test]
    fn outcome_unknown_wraps_its_cause() {
        let wrapped = |key| Error::OutcomeUnknown {
            service: "jdy",
            operation: "refund_save",
            key,
            cause: Box::new(gateway(None)),
        };
        let keyed = wrapped(Some("refund_no"));
        assert!(keyed.outcome_unknown());
        assert!(!keyed.is_retryable(), "query before repeating");
        assert_eq!(keyed.code(), Some("5003"));
        assert!(matches!(keyed.underlying(), Error::Gateway { .. }));
        let text = keyed.to_string();
        assert!(
            text.starts_with("jdy.refund_save: outcome unknown, the request may have been applied"),
            "{text}"
        );
        assert!(text.contains("retry with the same `refund_no`"), "{text}");
        assert!(text.contains("code 5003"), "{text}");
        let text = wrapped(None).to_string();
        assert!(text.contains("retry with the same request"), "{text}");
        assert!(!gateway(None).outcome_unknown());
    }
}
