//! Hooks around every request a client sends: metrics, logging, request ids, without
//! forking the client.

use std::time::Duration;

use super::request::Request;
use crate::error::Error;
use crate::transport::{CallInfo, Response};

/// Observes (and may extend) the requests of a client. Every method has a default that
/// does nothing, so an interceptor implements only what it needs.
///
/// Interceptors run in the order they were added, on every attempt, the client's own
/// token requests included. They cannot fail a call; an interceptor that needs to stop
/// traffic should do so outside the client.
pub trait Interceptor: Send + Sync + 'static {
    /// Before an attempt is sent, after it was signed. Adding headers (a request id) is
    /// safe; changing the path, query, body or signed headers makes the service reject
    /// the request.
    fn before_send(&self, call: &CallInfo, attempt: u32, request: &mut Request) {
        let _ = (call, attempt, request);
    }

    /// When a complete response arrived, before the client checks it.
    fn after_receive(&self, call: &CallInfo, attempt: u32, response: &Response) {
        let _ = (call, attempt, response);
    }

    /// When a call ends, with its outcome and how long it took, retries included.
    fn on_complete(&self, call: &CallInfo, outcome: Result<(), &Error>, elapsed: Duration) {
        let _ = (call, outcome, elapsed);
    }
}
