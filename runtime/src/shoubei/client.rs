//! The Shoubei client: MD5-signed JSON bodies, signed responses.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use tracing::Instrument as _;

use super::config::ShoubeiConfig;
use super::signing;
use crate::descriptor::{AuthScheme, EndpointDescriptor, Md5SignScheme, ServiceDescriptor};
use crate::envelope;
use crate::error::Error;
use crate::secret::Secret;
use crate::transport::{self, CallInfo, RawResponse, Transport};

/// A client of one MD5-signed service. Cheap to clone; clones share the connection
/// pool.
#[derive(Clone)]
pub struct ShoubeiClient {
    inner: Arc<Inner>,
}

struct Inner {
    service: &'static ServiceDescriptor,
    scheme: &'static Md5SignScheme,
    base_url: String,
    key: Secret,
    transport: Transport,
}

impl fmt::Debug for ShoubeiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShoubeiClient")
            .field("service", &self.inner.service.name)
            .field("base_url", &self.inner.base_url)
            .finish_non_exhaustive()
    }
}

impl ShoubeiClient {
    /// A client for `service`, which must use the MD5 body signature scheme. The base
    /// URL defaults to the descriptor's.
    pub fn new(
        service: &'static ServiceDescriptor,
        config: ShoubeiConfig,
    ) -> Result<ShoubeiClient, Error> {
        let AuthScheme::Md5BodySign(scheme) = &service.auth else {
            return Err(Error::config(format!(
                "service `{}` does not use the MD5 body signature scheme",
                service.name
            )));
        };
        let base_url = config
            .base_url
            .unwrap_or_else(|| service.base_url.to_string());
        crate::base_url::check(&base_url)
            .map_err(|problem| Error::config(format!("the base URL {problem}")))?;
        Ok(ShoubeiClient {
            inner: Arc::new(Inner {
                service,
                scheme,
                base_url,
                key: config.key,
                transport: Transport::new(config.transport)?,
            }),
        })
    }

    /// The service this client calls.
    pub fn service(&self) -> &'static ServiceDescriptor {
        self.inner.service
    }

    /// Signs `request` (which must serialise to a JSON object), posts it to `endpoint`,
    /// verifies the response signature and status fields, and decodes the whole
    /// response body into `Resp`.
    pub async fn call<Req, Resp>(
        &self,
        endpoint: &'static EndpointDescriptor,
        request: &Req,
    ) -> Result<Resp, Error>
    where
        Req: Serialize + ?Sized,
        Resp: DeserializeOwned,
    {
        let call = self.call_info(endpoint);
        let body = envelope::encode_request(&call, request)?;
        let payload = self.execute(endpoint, &call, body).await?;
        envelope::decode_payload(&call, payload)
    }

    /// [`call`](Self::call) with untyped JSON in and out; the result is the whole
    /// verified response body.
    pub async fn call_value(
        &self,
        endpoint: &'static EndpointDescriptor,
        request: Value,
    ) -> Result<Value, Error> {
        let call = self.call_info(endpoint);
        self.execute(endpoint, &call, request).await
    }

    fn call_info(&self, endpoint: &'static EndpointDescriptor) -> CallInfo {
        CallInfo {
            service: &self.inner.service.name,
            operation: &endpoint.operation,
            // Endpoints are writes unless the spec marks them safe; only a vendor
            // statement that repeats are ignored makes a repeat of a write safe after it
            // may have taken effect.
            idempotent: endpoint.safe || endpoint.idempotency_evidence.is_some(),
            write: !endpoint.safe,
            key: endpoint.idempotency_key.as_deref(),
        }
    }

    async fn execute(
        &self,
        endpoint: &'static EndpointDescriptor,
        call: &CallInfo,
        request: Value,
    ) -> Result<Value, Error> {
        let inner = &self.inner;
        if endpoint.service != inner.service.name {
            return Err(Error::config(format!(
                "endpoint `{}.{}` does not belong to service `{}`",
                endpoint.service, endpoint.operation, inner.service.name
            )));
        }
        let Value::Object(mut body) = request else {
            return Err(Error::Encode {
                service: call.service,
                operation: call.operation,
                message: String::from("the request must be a JSON object"),
            });
        };
        // The body carries no timestamp or nonce, so one signature serves every attempt.
        let sign =
            signing::sign(inner.scheme, &body, inner.key.expose()).map_err(|e| Error::Encode {
                service: call.service,
                operation: call.operation,
                message: format!("the request cannot be signed: {e}"),
            })?;
        body.insert(inner.scheme.field.to_string(), Value::String(sign));
        let url = transport::join_url(&inner.base_url, &endpoint.path);
        let span = tracing::info_span!(
            "retail_api_call",
            service = call.service,
            operation = call.operation
        );
        inner
            .transport
            .with_retries(call, || async {
                let request = match endpoint.method {
                    crate::HttpMethod::Post => inner.transport.http().post(&url).json(&body),
                    crate::HttpMethod::Get => inner.transport.http().get(&url).query(&body),
                };
                let raw = inner.transport.send(call, request).await?;
                self.decode(call, &raw)
            })
            .instrument(span)
            .await
    }

    /// Signature first (an unsigned answer is not trusted, not even a failure), then
    /// the status fields.
    fn decode(&self, call: &CallInfo, raw: &RawResponse) -> Result<Value, Error> {
        let inner = &self.inner;
        if !(200..300).contains(&raw.status) {
            return Err(envelope::status_error(inner.service, call, raw));
        }
        let body: Map<String, Value> = envelope::parse_object(call, &raw.body)?;
        if inner.scheme.verify_response {
            match signing::verify(inner.scheme, &body, inner.key.expose()) {
                Ok(true) => {}
                Ok(false) => {
                    return Err(Error::SignatureMismatch {
                        service: call.service,
                        operation: call.operation,
                    })
                }
                // Not a mismatch: no signature can be computed, so none can be trusted.
                Err(e) => {
                    return Err(envelope::decode_error(
                        call,
                        &format!("the response signature cannot be checked: {e}"),
                        &raw.body,
                    ))
                }
            }
        }
        envelope::check(inner.service, call, &body, &raw.body)?;
        Ok(envelope::payload(&inner.service.envelope, body))
    }
}
