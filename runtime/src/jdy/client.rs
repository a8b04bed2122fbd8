//! The Kingdee JDY client: gateway-signed requests with an app-token.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument as _;

use super::config::JdyConfig;
use super::headers;
use super::signing::{self, CanonicalRequest, SentHeaders, SignHeaders};
use super::token::{Lease, TokenCache};
use crate::descriptor::{
    AuthScheme, EndpointDescriptor, ErrorAction, HttpMethod, KingdeeGatewayScheme,
    ServiceDescriptor,
};
use crate::envelope;
use crate::error::Error;
use crate::secret::Secret;
use crate::transport::{self, CallInfo, RawResponse, Transport};

/// Operation name used in errors and logs for the token request.
const TOKEN_OPERATION: &str = "app_token";

/// A client of one Kingdee JDY service. Cheap to clone; clones share the connection
/// pool and the app-token.
#[derive(Clone)]
pub struct JdyClient {
    inner: Arc<Inner>,
}

struct Inner {
    service: &'static ServiceDescriptor,
    scheme: &'static KingdeeGatewayScheme,
    /// The scheme's `sign_headers`, checked once: each is a header this client sends.
    sign_headers: SignHeaders,
    base_url: String,
    client_id: String,
    client_secret: Secret,
    app_key: String,
    app_secret: Secret,
    domain: String,
    transport: Transport,
    token: TokenCache,
}

impl fmt::Debug for JdyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("JdyClient")
            .field("service", &inner.service.name)
            .field("base_url", &inner.base_url)
            .field("client_id", &inner.client_id)
            .field("app_key", &inner.app_key)
            .field("domain", &inner.domain)
            .field("token_fetches", &inner.token.fetches())
            .finish_non_exhaustive()
    }
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value)
        .map_err(|_| Error::config(format!("{name} is not a valid HTTP header value")))
}

impl JdyClient {
    /// A client for `service`, which must use the Kingdee gateway scheme. The base URL
    /// defaults to the descriptor's.
    pub fn new(service: &'static ServiceDescriptor, config: JdyConfig) -> Result<JdyClient, Error> {
        let AuthScheme::KingdeeGateway(scheme) = &service.auth else {
            return Err(Error::config(format!(
                "service `{}` does not use the Kingdee gateway scheme",
                service.name
            )));
        };
        let base_url = config
            .base_url
            .unwrap_or_else(|| service.base_url.to_string());
        crate::base_url::check(&base_url)
            .map_err(|problem| Error::config(format!("the base URL {problem}")))?;
        header_value("client_id", &config.client_id)?;
        header_value("domain", &config.domain)?;
        let sign_headers = SignHeaders::parse(&scheme.sign_headers)?;
        Ok(JdyClient {
            inner: Arc::new(Inner {
                service,
                scheme,
                sign_headers,
                base_url,
                client_id: config.client_id,
                client_secret: config.client_secret,
                app_key: config.app_key,
                app_secret: config.app_secret,
                domain: config.domain,
                transport: Transport::new(config.transport)?,
                token: TokenCache::default(),
            }),
        })
    }

    /// The service this client calls.
    pub fn service(&self) -> &'static ServiceDescriptor {
        self.inner.service
    }

    /// Calls `endpoint` with `request` as the JSON body (as the query for GET
    /// endpoints) and decodes the envelope's payload into `Resp`.
    ///
    /// A `RefreshToken` error (expired or invalid app-token) refreshes the token once
    /// and repeats the call once; `Reauthorize` errors are returned, because new app
    /// credentials must come from the tenant authorisation, outside this client.
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
        let payload = self.execute(endpoint, &call, &body).await?;
        envelope::decode_payload(&call, payload)
    }

    /// [`call`](Self::call) with untyped JSON in and out; the result is the payload.
    pub async fn call_value(
        &self,
        endpoint: &'static EndpointDescriptor,
        request: Value,
    ) -> Result<Value, Error> {
        let call = self.call_info(endpoint);
        self.execute(endpoint, &call, &request).await
    }

    /// The current app-token, fetched when there is none or it is due for refresh.
    pub async fn app_token(&self) -> Result<Secret, Error> {
        self.lease().await.map(|lease| lease.token)
    }

    /// How many token fetches this client (and its clones) started.
    pub fn token_fetches(&self) -> u64 {
        self.inner.token.fetches()
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
        body: &Value,
    ) -> Result<Value, Error> {
        if endpoint.service != self.inner.service.name {
            return Err(Error::config(format!(
                "endpoint `{}.{}` does not belong to service `{}`",
                endpoint.service, endpoint.operation, self.inner.service.name
            )));
        }
        let span = tracing::info_span!(
            "retail_api_call",
            service = call.service,
            operation = call.operation
        );
        async {
            let lease = self.lease().await?;
            match self.send_with_token(endpoint, call, body, &lease).await {
                // A rejected token means the request was not processed; behind an
                // unknown outcome an earlier attempt may have been, so no repeat then.
                Err(error)
                    if error.action() == ErrorAction::RefreshToken && !error.outcome_unknown() =>
                {
                    tracing::info!(code = error.code(), "app-token rejected, refreshing once");
                    self.inner.token.invalidate(lease.generation).await;
                    let lease = self.lease().await?;
                    self.send_with_token(endpoint, call, body, &lease).await
                }
                result => result,
            }
        }
        .instrument(span)
        .await
    }

    async fn send_with_token(
        &self,
        endpoint: &'static EndpointDescriptor,
        call: &CallInfo,
        body: &Value,
        lease: &Lease,
    ) -> Result<Value, Error> {
        let query = match endpoint.method {
            HttpMethod::Get => query_pairs(call, body)?,
            HttpMethod::Post => Vec::new(),
        };
        let inner = &self.inner;
        inner
            .transport
            .with_retries(call, || async {
                let query: Vec<(&str, &str)> = query
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let mut request = self.signed_request(endpoint.method, &endpoint.path, &query);
                request = request.header(headers::APP_TOKEN, lease.token.expose());
                if endpoint.method == HttpMethod::Post {
                    request = request.json(body);
                }
                let raw = inner.transport.send(call, request).await?;
                self.decode(call, &raw)
            })
            .await
    }

    /// A request to `path` with every gateway header except `app-token`; a fresh
    /// nonce and timestamp each time.
    fn signed_request(
        &self,
        method: HttpMethod,
        path: &str,
        query: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        let inner = &self.inner;
        let nonce = transport::nonce();
        let timestamp = transport::timestamp_ms();
        let sent = SentHeaders {
            nonce: &nonce,
            timestamp: &timestamp,
            client_id: &inner.client_id,
            auth_version: &inner.scheme.auth_version,
            router_addr: &inner.domain,
            content_type: headers::JSON,
        };
        let canonical =
            CanonicalRequest::for_client(method, path, query, &inner.sign_headers, &sent);
        let signature = signing::gateway_signature(&canonical, inner.client_secret.expose());
        let url = transport::join_url(&inner.base_url, path);
        let http = inner.transport.http();
        let request = match method {
            HttpMethod::Get => http.get(url),
            HttpMethod::Post => http.post(url),
        };
        let request = if query.is_empty() {
            request
        } else {
            request.query(query)
        };
        signing::gateway_headers(&sent, &inner.scheme.sign_headers, &signature)
            .into_iter()
            .fold(request, |request, (name, value)| {
                request.header(name, value)
            })
    }

    /// Maps a response to the payload or an error: gateway rejections, other non-2xx
    /// statuses, then the envelope.
    fn decode(&self, call: &CallInfo, raw: &RawResponse) -> Result<Value, Error> {
        let service = self.inner.service;
        let scheme = &self.inner.scheme;
        if raw.status == scheme.gateway_status {
            return Err(gateway_error(service, scheme, call, raw));
        }
        if !(200..300).contains(&raw.status) {
            return Err(envelope::status_error(service, call, raw));
        }
        let body = envelope::parse_object(call, &raw.body)?;
        envelope::check(service, call, &body, &raw.body)?;
        Ok(envelope::payload(&service.envelope, body))
    }

    async fn lease(&self) -> Result<Lease, Error> {
        self.inner.token.get(|| self.fetch_token()).await
    }

    /// Requests a new app-token. The query is part of the signature; the request has
    /// no `app-token` header.
    async fn fetch_token(&self) -> Result<(Secret, Duration), Error> {
        let inner = &self.inner;
        let scheme = &inner.scheme;
        let call = CallInfo {
            service: &inner.service.name,
            operation: TOKEN_OPERATION,
            // Issuing a token changes nothing a repeat could duplicate.
            idempotent: true,
            write: false,
            key: None,
        };
        let app_signature = signing::app_signature(&inner.app_key, inner.app_secret.expose());
        let query = [
            ("app_key", inner.app_key.as_str()),
            ("app_signature", app_signature.as_str()),
        ];
        let payload = inner
            .transport
            .with_retries(&call, || async {
                let request = self.signed_request(scheme.token.method, &scheme.token.path, &query);
                let raw = inner.transport.send(&call, request).await?;
                self.decode(&call, &raw)
            })
            .await
            .map_err(redact_token_body)?;
        match payload.get(scheme.token.token_field.as_ref()) {
            Some(Value::String(token)) if !token.is_empty() => Ok((
                Secret::new(token.as_str()),
                Duration::from_secs(scheme.token.ttl_secs),
            )),
            _ => Err(Error::Decode {
                service: call.service,
                operation: call.operation,
                message: format!(
                    "token response has no `{}` string",
                    scheme.token.token_field
                ),
                snippet: String::new(),
            }),
        }
    }
}

/// Token responses may hold a token even when they fail to decode, so their body is
/// not quoted.
fn redact_token_body(error: Error) -> Error {
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
            snippet: String::from("<token response omitted>"),
        },
        other => other,
    }
}

fn gateway_error(
    service: &'static ServiceDescriptor,
    scheme: &KingdeeGatewayScheme,
    call: &CallInfo,
    raw: &RawResponse,
) -> Error {
    let body = match serde_json::from_slice::<Value>(&raw.body) {
        Ok(Value::Object(body)) => body,
        // Without a readable body there is no gateway code to act on.
        _ => return envelope::status_error(service, call, raw),
    };
    let text = |field: &str| match body.get(field) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let code = text(&scheme.gateway_code_field);
    let known = envelope::known_error(service, &code, raw.status);
    Error::Gateway {
        service: call.service,
        operation: call.operation,
        status: raw.status,
        message: text(&scheme.gateway_message_field),
        message_cn: text(&scheme.gateway_message_cn_field),
        code,
        known,
    }
}

/// Query parameters of a GET endpoint: the request object's fields, strings as they
/// are and other values as JSON text; nulls are left out.
fn query_pairs(call: &CallInfo, body: &Value) -> Result<Vec<(String, String)>, Error> {
    signing::query_pairs(body).ok_or_else(|| Error::Encode {
        service: call.service,
        operation: call.operation,
        message: String::from("a GET request must be a JSON object"),
    })
}
