//! What an authentication scheme contributes to a call. The client skeleton
//! ([`Client`](super::Client)) owns transport, retries, envelope decoding, interceptors and
//! tracing; a scheme only signs, verifies and classifies.

use std::future::Future;

use super::explain::{Explanation, Reproduce};
use super::request::Request;
use super::Link;
use crate::descriptor::ServiceDescriptor;
use crate::error::Error;
use crate::raw_object::RawObject;
use crate::transport::{CallInfo, Response, TransportConfig};

/// What the client does after a call failed with an error the scheme recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recovery {
    /// The credential was rejected: drop it, obtain a fresh one and repeat the call once.
    Refresh,
    /// New credentials must come from outside the client (a rotated app secret): report
    /// the error.
    Reauthorize,
    /// Report the error.
    GiveUp,
}

/// Settings every client has, whatever its scheme: where the service is and how
/// requests are sent.
pub trait ClientConfig: Send {
    /// Base URL; `None` uses the service descriptor's.
    fn base_url(&self) -> Option<&str>;

    /// Timeouts, retries and limits.
    fn transport(&self) -> &TransportConfig;

    /// The configuration from environment variables; the error names the first missing
    /// variable, never a value.
    fn from_env() -> Result<Self, Error>
    where
        Self: Sized;
}

/// An authentication scheme: the one part of a client that differs between vendors.
///
/// The client calls, for each call: [`prepare`](Self::prepare) once on the request's
/// JSON, [`credential`](Self::credential) once, then for each attempt
/// [`sign`](Self::sign); on each response [`reject`](Self::reject) before the status is
/// checked and [`verify`](Self::verify) on the body's fields; on failure
/// [`recovery`](Self::recovery).
pub trait Scheme: Send + Sync + Sized + std::fmt::Debug + 'static {
    /// Credentials and settings of the scheme.
    type Config: ClientConfig;

    /// What a call carries and a rejection invalidates (an app-token), or `()`.
    type Credential: Send + Sync;

    /// The scheme for `service` with `config`; fails when the service's descriptor
    /// declares another scheme or the configuration cannot be used.
    fn new(service: &'static ServiceDescriptor, config: Self::Config) -> Result<Self, Error>;

    /// Changes the request's JSON (as `serde_json` writes it) once per call, before it
    /// becomes the body or query: a body signature that does not depend on the attempt.
    fn prepare(&self, call: &CallInfo, json: &mut Vec<u8>) -> Result<(), Error> {
        let _ = (call, json);
        Ok(())
    }

    /// The credential for the next call, obtained through `link` when there is none.
    fn credential(
        &self,
        link: Link<'_, Self>,
    ) -> impl Future<Output = Result<Self::Credential, Error>> + Send;

    /// Signs one attempt: each attempt gets its own signature (fresh nonce and
    /// timestamp where the scheme has them).
    fn sign(&self, request: &mut Request, credential: &Self::Credential) -> Result<(), Error>;

    /// Signs `request` as [`sign`](Self::sign) would for one attempt, without the
    /// network: with the values the scheme takes from `reproduce` in place of fresh ones
    /// and a placeholder for a credential that would have to be fetched. `json` is the
    /// request's JSON after [`prepare`](Self::prepare). Returns what was signed, every
    /// secret masked.
    fn explain(
        &self,
        call: &CallInfo,
        json: &[u8],
        request: &mut Request,
        reproduce: &mut Reproduce,
    ) -> Result<Explanation, Error>;

    /// The scheme's own rejection of a request, recognised before the HTTP status is
    /// checked (the Kingdee gateway answers HTTP 519 with its own body).
    fn reject(&self, call: &CallInfo, response: &Response) -> Option<Error> {
        let _ = (call, response);
        None
    }

    /// Checks the fields of a 2xx body before its envelope is read (a response
    /// signature).
    fn verify(
        &self,
        call: &CallInfo,
        response: &Response,
        body: &RawObject<'_>,
    ) -> Result<(), Error> {
        let _ = (call, response, body);
        Ok(())
    }

    /// What to do about a failed call; by default what the spec says about its code.
    fn recovery(&self, error: &Error) -> Recovery {
        match error.action() {
            crate::ErrorAction::RefreshToken => Recovery::Refresh,
            crate::ErrorAction::Reauthorize => Recovery::Reauthorize,
            crate::ErrorAction::None => Recovery::GiveUp,
        }
    }

    /// Drops `credential` after the service rejected it, so that the next
    /// [`credential`](Self::credential) obtains a new one.
    fn invalidate(&self, credential: &Self::Credential) -> impl Future<Output = ()> + Send {
        let _ = credential;
        async {}
    }
}
