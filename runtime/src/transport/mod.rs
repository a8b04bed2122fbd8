//! HTTP sending with per-attempt timeouts, a response size limit and safe retries.

mod config;
pub(crate) mod retry_after;

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;
use tracing::Instrument as _;

pub use config::TransportConfig;
pub use retry_after::MAX_RETRY_AFTER;

use crate::descriptor::{EndpointDescriptor, ServiceDescriptor};
use crate::error::{Error, Waiting};
use crate::ratelimit::Reservation;

/// Which call an attempt belongs to, and how the client may repeat it; names errors and
/// log events, and tells interceptors what they are looking at.
#[derive(Clone, Copy, Debug)]
pub struct CallInfo {
    pub(crate) service: &'static str,
    pub(crate) operation: &'static str,
    /// Repeating the request after it may have been processed is harmless: the vendor
    /// documents that it ignores repeats (or the request only reads).
    pub(crate) idempotent: bool,
    /// The request changes vendor state: a failure that leaves open whether it was
    /// applied is reported as [`Error::OutcomeUnknown`].
    pub(crate) write: bool,
    /// Request field the caller keeps when repeating the call, named in that error.
    pub(crate) key: Option<&'static str>,
}

impl CallInfo {
    /// The call of `endpoint` of `service`. Endpoints are writes unless the spec marks
    /// them safe; only a vendor statement that repeats are ignored makes a repeat of a
    /// write safe after it may have taken effect.
    pub(crate) fn endpoint(
        service: &'static ServiceDescriptor,
        endpoint: &'static EndpointDescriptor,
    ) -> CallInfo {
        CallInfo {
            service: &service.name,
            operation: &endpoint.operation,
            idempotent: endpoint.safe || endpoint.idempotency_evidence.is_some(),
            write: !endpoint.safe,
            key: endpoint.idempotency_key.as_deref(),
        }
    }

    /// A request that only reads or issues credentials, made by the client itself
    /// (`operation` such as `app_token`): repeated after any transient failure.
    pub fn internal(service: &'static str, operation: &'static str) -> CallInfo {
        CallInfo {
            service,
            operation,
            idempotent: true,
            write: false,
            key: None,
        }
    }

    /// Service name (`jdy`).
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// Operation name (`mall_recharge`, or `app_token` for the token request).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// `cause` as the failure of this call: behind [`Error::OutcomeUnknown`] for writes,
    /// whose effect the caller must check before repeating them.
    pub fn outcome_unknown(&self, cause: Error) -> Error {
        if !self.write {
            return cause;
        }
        Error::OutcomeUnknown {
            service: self.service,
            operation: self.operation,
            key: self.key,
            cause: Box::new(cause),
        }
    }
}

/// A complete response: status, headers and body, read up to the size limit.
#[derive(Debug)]
pub struct Response {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Response {
    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The value of header `name` (any case), when it is present and is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The whole body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

/// A shared HTTP client plus the policy of [`TransportConfig`].
#[derive(Debug)]
pub(crate) struct Transport {
    http: reqwest::Client,
    config: TransportConfig,
}

impl Transport {
    pub fn new(config: TransportConfig) -> Result<Transport, Error> {
        if let Some(http) = &config.http_client {
            if !refuses_redirects(http) {
                return Err(Error::config(
                    "the supplied HTTP client may follow redirects, which would send the \
                     credentials to another host; build it with \
                     `.redirect(reqwest::redirect::Policy::none())`",
                ));
            }
            let http = http.clone();
            return Ok(Transport { http, config });
        }
        // The per-attempt limit is enforced around send and body read together, so the
        // reqwest client only gets the connect timeout.
        let http = reqwest::Client::builder()
            // Every request carries credentials (signature, client id, app-token, tenant
            // domain); a followed redirect would hand them, and on 307 the body, to
            // whichever host the answer names. `send` turns a 3xx into an error.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.clone());
        let http = crate::tls::configure(http)?
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Transport { http, config })
    }

    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    /// Sends one request and reads the whole body. The per-attempt timeout is not armed
    /// here: [`with_retries`](Self::with_retries) arms one timer per attempt for it and
    /// the call's deadline together.
    pub fn send<'a>(
        &'a self,
        call: &'a CallInfo,
        request: reqwest::Request,
    ) -> impl Future<Output = Result<Response, Error>> + Send + 'a {
        tracing::debug!(method = %request.method(), path = request.url().path(), "sending request");
        // Only a supplied client can have followed a redirect (`new` builds its own with
        // none), so only its answers are checked against the URL asked for.
        let requested = self
            .config
            .http_client
            .is_some()
            .then(|| request.url().clone());
        // Handed to reqwest before the future starts, so that the future does not carry
        // the request (a few hundred bytes) beside reqwest's own pending send.
        let pending = self.http.execute(request);
        async move {
            let response = pending
                .await
                .map_err(|e| transport_error(call, self.config.timeout, e))?;
            self.receive(call, requested.as_ref(), response).await
        }
    }

    /// The answer to a request, its body read up to the size limit; refused when it comes
    /// from elsewhere than `requested`, if given.
    async fn receive(
        &self,
        call: &CallInfo,
        requested: Option<&reqwest::Url>,
        mut response: reqwest::Response,
    ) -> Result<Response, Error> {
        let limit = self.config.max_body_bytes;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        if response.status().is_redirection() {
            return Err(Error::Redirect {
                service: call.service,
                operation: call.operation,
                status,
                location_host: location_host(&headers, response.url()),
            });
        }
        // A supplied client that followed a redirect despite `new`'s check: its answer
        // comes from a host nobody configured and is not used. Not an
        // `Error::Redirect`, which promises that nothing reached the target; the fault
        // is the client's configuration, and repeating cannot help.
        if requested.is_some_and(|requested| response.url() != requested) {
            return Err(Error::config(format!(
                "{}.{}: the supplied HTTP client followed a redirect to {}; build it with \
                 `.redirect(reqwest::redirect::Policy::none())`",
                call.service,
                call.operation,
                host_and_port(response.url())
                    .as_deref()
                    .unwrap_or("an unreadable location"),
            )));
        }
        let too_large = || Error::TooLarge {
            service: call.service,
            operation: call.operation,
            limit,
        };
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(call, self.config.timeout, e))?
        {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        tracing::debug!(status, bytes = body.len(), "response received");
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    /// When a call starting now must be over ([`TransportConfig::deadline`]).
    pub fn call_deadline(&self) -> Option<Instant> {
        self.config
            .deadline
            .and_then(|limit| Instant::now().checked_add(limit))
    }

    /// Runs `attempt` until it succeeds, fails for good, or retries or `deadline` run out.
    ///
    /// `attempt` builds a fresh request each time (fresh nonce and timestamp) and turns
    /// the response into the final result, so vendor error codes take part in the
    /// retry decision. A failure is repeated only when it is transient and the repeat
    /// cannot apply the request twice: the failed attempt provably had no effect, or the
    /// call is idempotent. A write that fails for good after any attempt that may have
    /// been applied ends in [`Error::OutcomeUnknown`].
    ///
    /// Before each attempt a slot of the rate limit is reserved, and between attempts
    /// the client waits the backoff, or the server's `Retry-After` when that is longer
    /// (the server's demand is a minimum). No wait is begun that would end past
    /// `deadline`, and an attempt still running at the deadline is cut short: both end
    /// the call with [`Error::DeadlineExceeded`].
    pub async fn with_retries<T, F, Fut>(
        &self,
        call: &CallInfo,
        deadline: Option<Instant>,
        mut attempt: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let mut number: u32 = 1;
        // A later definite answer (a rejected retry) does not undo an earlier attempt
        // that may have been applied.
        let mut maybe_applied = false;
        let finish = |error: Error, maybe_applied: bool| {
            if maybe_applied {
                call.outcome_unknown(error)
            } else {
                error
            }
        };
        let past_deadline = |waiting: Waiting, attempts: u32, last: Option<Error>| {
            tracing::debug!(attempts, %waiting, "call deadline reached");
            Error::DeadlineExceeded {
                service: call.service,
                operation: call.operation,
                deadline: self.config.deadline.unwrap_or_default(),
                waiting,
                attempts,
                last: last.map(Box::new),
            }
        };
        loop {
            if let Some(limiter) = &self.config.rate_limiter {
                let max_wait = deadline.map(|d| d.saturating_duration_since(Instant::now()));
                match limiter.reserve(call.service, max_wait).await {
                    Reservation::Granted(wait) if wait.is_zero() => {}
                    Reservation::Granted(wait) => {
                        tracing::debug!(delay_ms = delay_ms(wait), "waiting for a rate-limit slot");
                        tokio::time::sleep(wait).await;
                        // A slot at the very deadline leaves no time to send: nothing is.
                        if deadline.is_some_and(|d| Instant::now() >= d) {
                            let error = past_deadline(Waiting::RateLimit(wait), number - 1, None);
                            return Err(finish(error, maybe_applied));
                        }
                    }
                    Reservation::Refused(wait) => {
                        let error = past_deadline(Waiting::RateLimit(wait), number - 1, None);
                        return Err(finish(error, maybe_applied));
                    }
                }
            }
            let span = tracing::debug_span!("attempt", attempt = number);
            // One timer per attempt, for its timeout and the call's deadline together.
            let limit = AttemptLimit::new(Instant::now(), self.config.timeout, deadline);
            let result = match limit.end {
                Some(end) => match tokio::time::timeout_at(end, attempt().instrument(span)).await {
                    Ok(result) => result,
                    // The request may have been sent and applied.
                    Err(_) if limit.deadline_first => {
                        let error = past_deadline(Waiting::Response, number, None);
                        return Err(finish(error, true));
                    }
                    Err(_) => Err(Error::Timeout {
                        service: call.service,
                        operation: call.operation,
                        timeout: self.config.timeout,
                        attempts: 1,
                    }),
                },
                None => attempt().instrument(span).await,
            };
            let error = match result {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            maybe_applied |= error.leaves_outcome_open();
            let safe = error.is_retryable() && (error.proven_unprocessed() || call.idempotent);
            if !safe || number > self.config.max_retries {
                tracing::debug!(attempt = number, error = %error, "call failed");
                let error = error.with_attempts(number);
                return Err(finish(error, maybe_applied));
            }
            let backoff = self.config.backoff(number);
            let (delay, waiting) = match error.retry_after() {
                Some(asked) if asked > backoff => (asked, Waiting::RetryAfter(asked)),
                _ => (backoff, Waiting::Backoff(backoff)),
            };
            if deadline
                .is_some_and(|d| Instant::now().checked_add(delay).is_none_or(|end| end >= d))
            {
                let error = past_deadline(waiting, number, Some(error.with_attempts(number)));
                return Err(finish(error, maybe_applied));
            }
            tracing::warn!(
                attempt = number,
                delay_ms = delay_ms(delay),
                error = %error,
                "retrying"
            );
            tokio::time::sleep(delay).await;
            number += 1;
        }
    }
}

/// When one attempt must be over: `timeout` after it starts, or the call's deadline when
/// that comes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct AttemptLimit {
    /// `None` when neither bound is representable (a timeout too large for the clock).
    end: Option<Instant>,
    /// The end is the call's deadline: running into it ends the call.
    deadline_first: bool,
}

impl AttemptLimit {
    fn new(start: Instant, timeout: Duration, deadline: Option<Instant>) -> AttemptLimit {
        let timeout_end = start.checked_add(timeout);
        match (deadline, timeout_end) {
            (Some(deadline), Some(timeout_end)) if timeout_end < deadline => AttemptLimit {
                end: Some(timeout_end),
                deadline_first: false,
            },
            (Some(deadline), _) => AttemptLimit {
                end: Some(deadline),
                deadline_first: true,
            },
            (None, end) => AttemptLimit {
                end,
                deadline_first: false,
            },
        }
    }
}

fn delay_ms(delay: Duration) -> u64 {
    u64::try_from(delay.as_millis()).unwrap_or(u64::MAX)
}

/// A reqwest error, already stripped of its URL, as text with its causes.
fn error_text(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The host (and explicit port) a redirect points at, resolved against the request URL.
/// Only the host: the rest of the target can repeat the query, which may hold
/// `app_signature`.
fn location_host(headers: &reqwest::header::HeaderMap, url: &reqwest::Url) -> Option<String> {
    let location = headers.get(reqwest::header::LOCATION)?.to_str().ok()?;
    host_and_port(&url.join(location).ok()?)
}

/// The host and explicit port of `url`, nothing else of it.
fn host_and_port(url: &reqwest::Url) -> Option<String> {
    // `Host`'s Display keeps the brackets of an IPv6 address, so a port stays readable.
    let host = url.host()?.to_string();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// Whether `client` was built with [`reqwest::redirect::Policy::none()`].
///
/// reqwest offers no way to read a client's redirect policy, nor to set one per request;
/// its `Debug` output names the policy whenever it is not the default (which follows up
/// to 10 redirects), as `redirect_policy: "Policy(None)"` for `none()`. Anything else,
/// including a future change of that output, counts as following: the check fails closed.
fn refuses_redirects(client: &reqwest::Client) -> bool {
    format!("{client:?}").contains(r#"redirect_policy: "Policy(None)""#)
}

fn transport_error(call: &CallInfo, timeout: Duration, error: reqwest::Error) -> Error {
    // Connect errors (refused, DNS, TLS handshake, connect timeout) happen before any
    // byte of the request is written.
    let sent = !error.is_connect();
    if sent && error.is_timeout() {
        return Error::Timeout {
            service: call.service,
            operation: call.operation,
            timeout,
            attempts: 1,
        };
    }
    // reqwest's Display names the URL with its query, which on the token request holds
    // `app_key` and `app_signature` (the app-token and the secrets travel in headers or
    // not at all, and reqwest never shows headers). Without the URL, neither the error
    // nor its causes (hyper, I/O, TLS errors) name anything but the failure.
    let error = error.without_url();
    Error::Transport {
        service: call.service,
        operation: call.operation,
        message: error_text(&error),
        sent,
        attempts: 1,
        source: Box::new(error),
    }
}

/// Milliseconds since the Unix epoch, as the Kingdee gateway expects.
pub(crate) fn timestamp_ms() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default()
        .to_string()
}

/// A 10-digit positive integer, unique within the process.
///
/// Purely random 10-digit nonces collide by the birthday bound: at a few thousand calls per
/// five-minute window the gateway starts rejecting repeats as replays (4008). So nonces
/// walk a sequence from a CSPRNG-chosen start (`ThreadRng` is ChaCha, seeded by the OS):
/// no repeat within a process for 9·10⁹ calls, and separate processes start at unrelated
/// points.
pub(crate) fn nonce() -> String {
    const FIRST: u64 = 1_000_000_000;
    const SPAN: u64 = 9_000_000_000;
    static START: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let start = *START.get_or_init(|| rand::RngExt::random_range(&mut rand::rng(), 0..SPAN));
    let step = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    (FIRST + (start + step % SPAN) % SPAN).to_string()
}

/// `base` and `path` joined with exactly one `/`.
pub(crate) fn join_url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_is_ten_digits() {
        for _ in 0..100 {
            let n = nonce();
            assert_eq!(n.len(), 10);
            assert!(n.bytes().all(|b| b.is_ascii_digit()));
            assert!(!n.starts_with('0'));
        }
        assert_ne!(nonce(), nonce());
    }

    #[test]
    fn nonces_do_not_repeat_at_volume() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200_000 {
            assert!(seen.insert(nonce()), "a nonce repeated");
        }
    }

    #[test]
    fn timestamp_is_milliseconds() {
        let ts: u128 = timestamp_ms().parse().unwrap_or_default();
        assert!(ts > 1_600_000_000_000);
    }

    /// A client of the caller's, which with a rustls feature needs the default provider.
    fn client_with(policy: reqwest::redirect::Policy) -> reqwest::Client {
        crate::tls::install_default_crypto_provider();
        reqwest::Client::builder()
            .redirect(policy)
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn only_clients_that_refuse_redirects_are_accepted() {
        use reqwest::redirect::Policy;
        assert!(refuses_redirects(&client_with(Policy::none())));
        assert!(!refuses_redirects(&client_with(Policy::default())));
        assert!(!refuses_redirects(&client_with(Policy::limited(1))));
        assert!(!refuses_redirects(&client_with(Policy::custom(
            |a| a.stop()
        ))));
        let supplied = |client| {
            Transport::new(TransportConfig {
                http_client: Some(client),
                ..TransportConfig::default()
            })
        };
        assert!(supplied(client_with(Policy::none())).is_ok());
        match supplied(client_with(Policy::default())) {
            Err(Error::Config { message }) => assert!(message.contains("Policy::none()")),
            other => panic!("a following client was accepted: {other:?}"),
        }
    }

    /// Serves `app` on a loopback port; returns `host:port`.
    async fn serve(app: axum::Router) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        addr.to_string()
    }

    /// A client that followed a redirect anyway (one `new` would have refused) gets no
    /// answer from the host it was sent to.
    #[tokio::test]
    async fn an_answer_from_a_followed_redirect_is_not_used() {
        let target = serve(axum::Router::new().fallback(|| async { "from elsewhere" })).await;
        let location = format!("http://{target}/moved");
        let origin = serve(axum::Router::new().fallback(move || {
            let location = location.clone();
            async move { (axum::http::StatusCode::FOUND, [("location", location)]) }
        }))
        .await;
        let http = client_with(reqwest::redirect::Policy::default());
        let transport = Transport {
            http: http.clone(),
            config: TransportConfig {
                http_client: Some(http),
                ..TransportConfig::default()
            },
        };
        let url = reqwest::Url::parse(&format!("http://{origin}/p?app_signature=s"))
            .unwrap_or_else(|e| panic!("{e}"));
        let request = reqwest::Request::new(reqwest::Method::GET, url);
        let call = CallInfo::internal("jdy", "app_token");
        match transport.send(&call, request).await {
            Err(Error::Config { message }) => {
                assert!(message.contains(&target), "{message}");
                assert!(!message.contains("app_signature"), "{message}");
            }
            other => panic!("the redirected answer was used: {other:?}"),
        }
    }

    #[test]
    fn an_attempt_ends_at_its_timeout_or_the_deadline_whichever_is_first() {
        let start = Instant::now();
        let timeout = Duration::from_secs(30);
        let later = start + Duration::from_secs(120);
        let sooner = start + Duration::from_secs(5);
        let limit = |deadline| AttemptLimit::new(start, timeout, deadline);
        assert_eq!(
            limit(Some(later)),
            AttemptLimit {
                end: Some(start + timeout),
                deadline_first: false
            }
        );
        assert_eq!(
            limit(Some(sooner)),
            AttemptLimit {
                end: Some(sooner),
                deadline_first: true
            }
        );
        // A deadline at the timeout's very end is the deadline: the call is over.
        assert!(limit(Some(start + timeout)).deadline_first);
        assert_eq!(
            limit(None),
            AttemptLimit {
                end: Some(start + timeout),
                deadline_first: false
            }
        );
        let unbounded = AttemptLimit::new(start, Duration::MAX, None);
        assert_eq!(unbounded.end, None);
        let deadline_only = AttemptLimit::new(start, Duration::MAX, Some(later));
        assert_eq!(deadline_only.end, Some(later));
        assert!(deadline_only.deadline_first);
    }

    #[test]
    fn joins_urls() {
        assert_eq!(join_url("http://h/", "/p"), "http://h/p");
        assert_eq!(join_url("http://h", "p"), "http://h/p");
    }
}
