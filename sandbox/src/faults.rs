//! What can go wrong with one request. Plain data with no crate imports: the state
//! queues these, the control handle injects them and the server applies them.

use std::time::Duration;

/// What goes wrong with one request.
///
/// Only [`Fault::Delay`], [`Fault::ApplyThenFail`] and [`Fault::WrongSign`] let the request
/// reach the gateway checks and the business logic; every other fault answers at once and
/// changes no state, like a proxy failing in front of the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Answer with this HTTP status and body (sent as JSON when it parses as JSON,
    /// otherwise as text).
    Status {
        /// HTTP status.
        status: u16,
        /// Response body.
        body: String,
    },
    /// A gateway rejection with this code (`5003`): the gateway status (519) and body shape
    /// of the service's Kingdee scheme, with the spec's description of the code if known.
    Gateway {
        /// Gateway code.
        code: u32,
    },
    /// HTTP 429 Too Many Requests.
    TooManyRequests,
    /// This HTTP status (429, 503) with a `Retry-After` header of exactly this text:
    /// delta-seconds (`"1"`), an HTTP-date, or anything else, to see how a client copes
    /// with a hostile value. A value that cannot be a header (a line break) is left out.
    RetryAfter {
        /// HTTP status.
        status: u16,
        /// The header's text, sent as it is.
        value: String,
    },
    /// HTTP 200 with the first half of a success body: a cut connection.
    TruncatedJson,
    /// An HTML error page (as sent by a proxy) with this status.
    Html {
        /// HTTP status (200 and 502 are both seen in the wild).
        status: u16,
    },
    /// Handle the request normally, then spoil the `sign` of the answer (MD5-signed
    /// services; other services answer normally).
    WrongSign,
    /// Handle the request normally — the business effect is applied — then, if it
    /// succeeded, answer with this HTTP status instead (a 5xx), as when a response is lost
    /// after the work was done. Idempotent retries must not apply the effect twice.
    ApplyThenFail {
        /// HTTP status (500, 502, 503, 504).
        status: u16,
    },
}

impl Fault {
    /// HTTP 429 asking the client to wait `seconds` (`Retry-After` in delta-seconds).
    pub fn too_many_requests_for(seconds: u64) -> Fault {
        Fault::RetryAfter {
            status: 429,
            value: seconds.to_string(),
        }
    }

    /// HTTP `status` asking the client to wait until `when` (`Retry-After` as an
    /// HTTP-date, which has whole seconds).
    pub fn retry_after_date(status: u16, when: std::time::SystemTime) -> Fault {
        Fault::RetryAfter {
            status,
            value: httpdate::fmt_http_date(when),
        }
    }

    /// `Status` 503 with a short JSON body.
    pub fn service_unavailable() -> Fault {
        Fault::Status {
            status: 503,
            body: r#"{"error":"service unavailable"}"#.to_owned(),
        }
    }
}
