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
    /// The scheme's credentials were revoked (a rotated app secret): the scheme obtains
    /// new ones ([`Scheme::reauthorize`]) and the call is repeated once, or, when the
    /// scheme cannot, the error is reported.
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

    /// The credentials of one tenant (one merchant, shop or institution), for a client of
    /// that tenant sharing the connections of another ([`Client::for_tenant`](super::Client::for_tenant)).
    type Tenant: Send;

    /// The scheme for `service` with `config`; fails when the service's descriptor
    /// declares another scheme or the configuration cannot be used.
    fn new(service: &'static ServiceDescriptor, config: Self::Config) -> Result<Self, Error>;

    /// The scheme of the same service with `tenant`'s credentials in place of this one's,
    /// and state of its own (no credential of this tenant is shared); fails as
    /// [`new`](Self::new) fails on credentials it cannot use.
    fn for_tenant(&self, tenant: Self::Tenant) -> Result<Self, Error>;

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

    /// A number that changes whenever [`reauthorize`](Self::reauthorize) replaced the
    /// scheme's credentials; a call reads it when it starts.
    fn credentials_version(&self) -> u64 {
        0
    }

    /// Obtains new credentials after the service said they were revoked
    /// ([`Recovery::Reauthorize`]). `seen_version` is the
    /// [`credentials_version`](Self::credentials_version) the failed call started with:
    /// when it is no longer current another call replaced them already, and nothing is
    /// asked again. `Ok(true)`: new credentials are in force and the call may be repeated
    /// once; `Ok(false)`: the scheme cannot (by default, or not configured to), and the
    /// call's error stands.
    fn reauthorize(
        &self,
        link: Link<'_, Self>,
        seen_version: u64,
    ) -> impl Future<Output = Result<bool, Error>> + Send {
        let _ = (link, seen_version);
        async { Ok(false) }
    }
}
