//! The one client skeleton: transport, retries, envelope decoding, interceptors and
//! tracing, for every auth scheme. A scheme ([`Scheme`]) contributes only signing,
//! response verification and error classification.

mod explain;
mod interceptor;
mod request;
mod scheme;
mod urls;

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument as _;

pub use explain::{masked, Carrier, ExplainError, Explained, Explanation, Reproduce, Signed};
pub use interceptor::Interceptor;
pub use request::Request;
pub use scheme::{ClientConfig, Recovery, Scheme};

use crate::descriptor::{EndpointDescriptor, ServiceDescriptor};
use crate::envelope;
pub use crate::envelope::Payload;
use crate::error::Error;
use crate::transport::Transport;
pub use crate::transport::{CallInfo, Response};
use urls::Urls;

/// A client of one service, signing with the scheme `S`. Cheap to clone; clones share the
/// connection pool and the scheme's state (an app-token cache). Clients of other tenants
/// made with [`for_tenant`](Self::for_tenant) share the connection pool only.
pub struct Client<S: Scheme> {
    inner: Arc<Inner<S>>,
    interceptors: Arc<[Arc<dyn Interceptor>]>,
}

struct Inner<S> {
    service: &'static ServiceDescriptor,
    urls: Urls,
    scheme: S,
    /// Shared by the clients of every tenant made from one client.
    transport: Arc<Transport>,
}

impl<S: Scheme> Clone for Client<S> {
    fn clone(&self) -> Self {
        Client {
            inner: Arc::clone(&self.inner),
            interceptors: Arc::clone(&self.interceptors),
        }
    }
}

impl<S: Scheme> fmt::Debug for Client<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("service", &&*self.inner.service.name)
            .field("base_url", &self.inner.urls.base())
            .field("scheme", &self.inner.scheme)
            .field("interceptors", &self.interceptors.len())
            .finish()
    }
}

impl<S: Scheme> Client<S> {
    /// A client for `service`, whose descriptor must declare the scheme `S`. The base URL
    /// defaults to the descriptor's and must be http or https.
    pub fn new(service: &'static ServiceDescriptor, config: S::Config) -> Result<Self, Error> {
        let base_url = config
            .base_url()
            .map_or_else(|| service.base_url.to_string(), str::to_owned);
        crate::base_url::check(&base_url)
            .map_err(|problem| Error::config(format!("the base URL {problem}")))?;
        let transport = Arc::new(Transport::new(config.transport().clone())?);
        let scheme = S::new(service, config)?;
        Ok(Client {
            inner: Arc::new(Inner {
                service,
                urls: Urls::new(base_url, service),
                scheme,
                transport,
            }),
            interceptors: Arc::from(Vec::new()),
        })
    }

    /// This client with `interceptor` added after the ones it has. Clones made before
    /// keep their interceptors; the connection pool and scheme state stay shared.
    pub fn with_interceptor(mut self, interceptor: impl Interceptor) -> Self {
        let mut all: Vec<Arc<dyn Interceptor>> = self.interceptors.to_vec();
        all.push(Arc::new(interceptor));
        self.interceptors = Arc::from(all);
        self
    }

    /// A client of the same service for another tenant (a JDY shop's app key, app secret
    /// and domain; a Shoubei institution's key): the same base URL, connection pool,
    /// transport settings and interceptors, with `tenant`'s credentials and credential
    /// state of its own, so no tenant's app-token signs another tenant's calls.
    pub fn for_tenant(&self, tenant: S::Tenant) -> Result<Self, Error> {
        let inner = &self.inner;
        Ok(Client {
            inner: Arc::new(Inner {
                service: inner.service,
                urls: inner.urls.clone(),
                scheme: inner.scheme.for_tenant(tenant)?,
                transport: Arc::clone(&inner.transport),
            }),
            interceptors: Arc::clone(&self.interceptors),
        })
    }

    /// Whether `other` sends through the same connection pool as this client (clones and
    /// clients made by [`for_tenant`](Self::for_tenant) do).
    pub fn shares_connections_with(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner.transport, &other.inner.transport)
    }

    /// The service this client calls.
    pub fn service(&self) -> &'static ServiceDescriptor {
        self.inner.service
    }

    /// The auth scheme, for scheme-specific state (an app-token).
    pub fn scheme(&self) -> &S {
        &self.inner.scheme
    }

    /// Calls `endpoint` with `request` (the JSON body of a POST, the query of a GET) and
    /// decodes the payload into `Resp`: the envelope's data field, or the whole body for
    /// services without one.
    ///
    /// A rejected credential ([`Recovery::Refresh`]) is replaced once and the call
    /// repeated once; revoked credentials ([`Recovery::Reauthorize`], met by the call or
    /// by the credential fetch inside it) are replaced once by the scheme, when it can,
    /// and the call repeated once; other errors are returned.
    pub async fn call<Req, Resp>(
        &self,
        endpoint: &'static EndpointDescriptor,
        request: &Req,
    ) -> Result<Resp, Error>
    where
        Req: Serialize + ?Sized,
        Resp: DeserializeOwned,
    {
        let call = CallInfo::endpoint(self.inner.service, endpoint);
        let json = envelope::encode_request(&call, request)?;
        let payload = self.execute(endpoint, &call, json).await?;
        envelope::decode_payload(&call, &payload)
    }

    /// [`call`](Self::call) with untyped JSON in and out; the result is the payload.
    pub async fn call_value(
        &self,
        endpoint: &'static EndpointDescriptor,
        request: Value,
    ) -> Result<Value, Error> {
        self.call(endpoint, &request).await
    }

    /// The request one attempt of [`call`](Self::call) sends, built and signed with
    /// `credential` exactly as the call builds it, without sending it and without
    /// interceptors. Measures the per-call cost of the client apart from the network.
    #[doc(hidden)]
    pub fn signed_request<Req>(
        &self,
        endpoint: &'static EndpointDescriptor,
        request: &Req,
        credential: &S::Credential,
    ) -> Result<reqwest::Request, Error>
    where
        Req: Serialize + ?Sized,
    {
        self.check_endpoint(endpoint)?;
        let call = CallInfo::endpoint(self.inner.service, endpoint);
        let json = envelope::encode_request(&call, request)?;
        let request = self.unsigned_request(endpoint, &call, json)?;
        let scheme = &self.inner.scheme;
        let mut attempt = request.for_attempt();
        scheme.sign(&mut attempt, credential)?;
        self.build(&call, attempt)
    }

    /// The request for the HTTP client, or an `Encode` error naming the call.
    fn build(&self, call: &CallInfo, request: Request) -> Result<reqwest::Request, Error> {
        request
            .build(&self.inner.urls)
            .map_err(|message| Error::Encode {
                service: call.service,
                operation: call.operation,
                message: format!("the request cannot be built: {message}"),
            })
    }

    async fn execute(
        &self,
        endpoint: &'static EndpointDescriptor,
        call: &CallInfo,
        json: Vec<u8>,
    ) -> Result<Payload, Error> {
        self.check_endpoint(endpoint)?;
        let span = tracing::info_span!(
            "retail_api_call",
            service = call.service,
            operation = call.operation
        );
        let started = Instant::now();
        let result = self
            .execute_in_span(endpoint, call, json)
            .instrument(span)
            .await;
        for interceptor in self.interceptors.iter() {
            interceptor.on_complete(call, result.as_ref().map(|_| ()), started.elapsed());
        }
        result
    }

    async fn execute_in_span(
        &self,
        endpoint: &'static EndpointDescriptor,
        call: &CallInfo,
        json: Vec<u8>,
    ) -> Result<Payload, Error> {
        let scheme = &self.inner.scheme;
        let request = self.unsigned_request(endpoint, call, json)?;
        // One deadline for the whole call, the credential's requests included.
        let link = self.link();
        let mut reauthorization = Reauthorization {
            seen_version: scheme.credentials_version(),
            done: false,
        };
        let credential = self.credential(link, &mut reauthorization).await?;
        let sign = |request: &mut Request| scheme.sign(request, &credential);
        let error = match link.send(call, &request, sign).await {
            // A rejected or revoked credential means the request was not processed;
            // behind an unknown outcome an earlier attempt may have been, so no repeat.
            Err(error) if !error.outcome_unknown() => error,
            result => return result,
        };
        match scheme.recovery(&error) {
            Recovery::Refresh => {
                tracing::info!(code = error.code(), "credential rejected, refreshing once");
            }
            Recovery::Reauthorize => {
                if !self.reauthorize(link, &error, &mut reauthorization).await? {
                    return Err(error);
                }
            }
            Recovery::GiveUp => return Err(error),
        }
        scheme.invalidate(&credential).await;
        let credential = self.credential(link, &mut reauthorization).await?;
        let sign = |request: &mut Request| scheme.sign(request, &credential);
        link.send(call, &request, sign).await
    }

    /// The scheme's credential; when obtaining it meets revoked credentials (a token
    /// request refused for a rotated app secret), they are replaced once and it is asked
    /// again.
    async fn credential(
        &self,
        link: Link<'_, S>,
        reauthorization: &mut Reauthorization,
    ) -> Result<S::Credential, Error> {
        let scheme = &self.inner.scheme;
        match scheme.credential(link).await {
            Err(error) if scheme.recovery(&error) == Recovery::Reauthorize => {
                if !self.reauthorize(link, &error, reauthorization).await? {
                    return Err(error);
                }
                scheme.credential(link).await
            }
            result => result,
        }
    }

    /// Asks the scheme for new credentials after `error`, at most once per call; whether
    /// the call may go on with them.
    async fn reauthorize(
        &self,
        link: Link<'_, S>,
        error: &Error,
        reauthorization: &mut Reauthorization,
    ) -> Result<bool, Error> {
        if reauthorization.done {
            return Ok(false);
        }
        reauthorization.done = true;
        tracing::info!(
            code = error.code(),
            "credentials revoked, re-authorising once"
        );
        // Boxed: its request would otherwise take room in the future of every call,
        // which almost never re-authorises.
        Box::pin(
            self.inner
                .scheme
                .reauthorize(link, reauthorization.seen_version),
        )
        .await
    }

    /// The request of a call before any attempt signs it: the encoded request as the
    /// scheme prepared it, as query or body.
    fn unsigned_request(
        &self,
        endpoint: &'static EndpointDescriptor,
        call: &CallInfo,
        mut json: Vec<u8>,
    ) -> Result<Request, Error> {
        self.inner.scheme.prepare(call, &mut json)?;
        Request::for_call(call, endpoint.method, &endpoint.path, json)
    }

    fn check_endpoint(&self, endpoint: &EndpointDescriptor) -> Result<(), Error> {
        let service = self.inner.service;
        if endpoint.service != service.name {
            return Err(Error::config(format!(
                "endpoint `{}.{}` does not belong to service `{}`",
                endpoint.service, endpoint.operation, service.name
            )));
        }
        Ok(())
    }

    /// A link for one call, whose deadline starts now.
    pub(crate) fn link(&self) -> Link<'_, S> {
        Link {
            client: self,
            deadline: self.inner.transport.call_deadline(),
        }
    }
}

/// How far one call went in replacing revoked credentials: at most once, and not at all
/// when another call already replaced the ones this call started with.
struct Reauthorization {
    seen_version: u64,
    done: bool,
}

/// What a scheme may use of its client to obtain a credential: sending a request of its
/// own through the same transport, retries, interceptors and response checks, within the
/// deadline of the call that needs the credential.
pub struct Link<'a, S: Scheme> {
    client: &'a Client<S>,
    deadline: Option<tokio::time::Instant>,
}

impl<S: Scheme> Clone for Link<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: Scheme> Copy for Link<'_, S> {}

impl<S: Scheme> fmt::Debug for Link<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Link").finish_non_exhaustive()
    }
}

impl<S: Scheme> Link<'_, S> {
    /// The service the client calls.
    pub fn service(&self) -> &'static ServiceDescriptor {
        self.client.inner.service
    }

    /// Sends `request`, signed anew by `sign` for each attempt, repeating it as the
    /// retry policy allows, and returns the payload of a successful answer.
    pub async fn send<F>(
        &self,
        call: &CallInfo,
        request: &Request,
        sign: F,
    ) -> Result<Payload, Error>
    where
        F: Fn(&mut Request) -> Result<(), Error>,
    {
        let inner = &self.client.inner;
        let interceptors = &self.client.interceptors;
        let attempt = AtomicU32::new(0);
        inner
            .transport
            .with_retries(call, self.deadline, || async {
                let number = attempt.fetch_add(1, Ordering::Relaxed) + 1;
                // Built, signed and handed to the transport in a block of its own, so that
                // neither form of the request takes room in the attempt's future.
                let sending = {
                    let mut request = request.for_attempt();
                    sign(&mut request)?;
                    for interceptor in interceptors.iter() {
                        interceptor.before_send(call, number, &mut request);
                    }
                    inner
                        .transport
                        .send(call, self.client.build(call, request)?)
                };
                let response = sending.await?;
                for interceptor in interceptors.iter() {
                    interceptor.after_receive(call, number, &response);
                }
                self.decode(call, response)
            })
            .await
    }

    /// Maps a response to the payload or an error: the scheme's own rejections, other
    /// non-2xx statuses, the scheme's check of the body, then the envelope.
    fn decode(&self, call: &CallInfo, response: Response) -> Result<Payload, Error> {
        let inner = &self.client.inner;
        let service = inner.service;
        if let Some(rejection) = inner.scheme.reject(call, &response) {
            return Err(rejection);
        }
        if !(200..300).contains(&response.status) {
            return Err(envelope::status_error(service, call, &response));
        }
        let body = envelope::parse_object(call, &response.body)?;
        inner.scheme.verify(call, &response, &body)?;
        envelope::check(service, call, &body, &response.body)?;
        let data = envelope::payload_range(&service.envelope, &body, &response.body);
        Ok(Payload::new(response.body, data))
    }
}
