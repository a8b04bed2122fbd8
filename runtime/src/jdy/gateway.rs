//! The Kingdee gateway scheme: HMAC-SHA256 header signature plus an app-token, as the
//! [`Scheme`] of a [`Client`].

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderName;
use serde_json::Value;

mod explain;

use super::config::JdyConfig;
use super::headers;
use super::signing::{self, CanonicalRequest, SentHeaders, SignHeaders};
use super::token::{Lease, TokenCache};
use crate::client::{CallInfo, Client, Explanation, Link, Reproduce, Request, Response, Scheme};
use crate::descriptor::{AuthScheme, KingdeeGatewayScheme, ServiceDescriptor};
use crate::envelope;
use crate::error::Error;
use crate::secret::Secret;

/// Operation name used in errors and logs for the token request.
const TOKEN_OPERATION: &str = "app_token";

/// What one attempt signed.
struct GatewaySignature {
    /// The exact string to sign; it holds no secret.
    string_to_sign: String,
    /// `X-Api-Signature`.
    signature: String,
}

/// A client of a Kingdee JDY service.
pub type JdyClient = Client<KingdeeGateway>;

/// The Kingdee gateway scheme with one tenant's credentials, and its app-token cache.
pub struct KingdeeGateway {
    service: &'static ServiceDescriptor,
    scheme: &'static KingdeeGatewayScheme,
    /// The scheme's `sign_headers`, checked once: each is a header this client sends.
    sign_headers: SignHeaders,
    client_id: String,
    client_secret: Secret,
    app_key: String,
    app_secret: Secret,
    domain: String,
    token: TokenCache,
    /// The names of `signing::gateway_headers`, in its order, parsed once.
    header_names: [HeaderName; 8],
    app_token_name: HeaderName,
}

impl fmt::Debug for KingdeeGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KingdeeGateway")
            .field("client_id", &self.client_id)
            .field("app_key", &self.app_key)
            .field("domain", &self.domain)
            .field("token_fetches", &self.token.fetches())
            .finish_non_exhaustive()
    }
}

impl Scheme for KingdeeGateway {
    type Config = JdyConfig;
    type Credential = Lease;

    fn new(service: &'static ServiceDescriptor, config: JdyConfig) -> Result<Self, Error> {
        let AuthScheme::KingdeeGateway(scheme) = &service.auth else {
            return Err(Error::config(format!(
                "service `{}` does not use the Kingdee gateway scheme",
                service.name
            )));
        };
        // Checked once here, so that signing cannot fail on them later.
        for (name, value) in [("client_id", &config.client_id), ("domain", &config.domain)] {
            if reqwest::header::HeaderValue::from_str(value).is_err() {
                return Err(Error::config(format!(
                    "{name} is not a valid HTTP header value"
                )));
            }
        }
        let sign_headers = SignHeaders::parse(&scheme.sign_headers)?;
        Ok(KingdeeGateway {
            header_names: gateway_header_names()?,
            app_token_name: header_name(headers::APP_TOKEN)?,
            service,
            scheme,
            sign_headers,
            client_id: config.client_id,
            client_secret: config.client_secret,
            app_key: config.app_key,
            app_secret: config.app_secret,
            domain: config.domain,
            token: TokenCache::default(),
        })
    }

    async fn credential(&self, link: Link<'_, Self>) -> Result<Lease, Error> {
        self.token.get(|| self.fetch_token(&link)).await
    }

    fn sign(&self, request: &mut Request, lease: &Lease) -> Result<(), Error> {
        let (nonce, timestamp) = signing::fresh_nonce_and_timestamp();
        self.sign_gateway_fast(request, &nonce, &timestamp)?;
        request.insert(self.app_token_name.clone(), lease.token.expose(), true)
    }

    /// Signs with the captured nonce and timestamp, if given, and a placeholder
    /// app-token: a real one would be fetched over the network, and it is not signed.
    fn explain(
        &self,
        _call: &CallInfo,
        _json: &[u8],
        request: &mut Request,
        reproduce: &mut Reproduce,
    ) -> Result<Explanation, Error> {
        let (fresh_nonce, fresh_timestamp) = signing::fresh_nonce_and_timestamp();
        let nonce = reproduce.nonce.take().unwrap_or(fresh_nonce);
        let timestamp = reproduce.timestamp.take().unwrap_or(fresh_timestamp);
        let signed = self.sign_at(request, explain::TOKEN_PLACEHOLDER, &nonce, &timestamp)?;
        Ok(self.explanation(signed, &timestamp))
    }

    fn reject(&self, call: &CallInfo, response: &Response) -> Option<Error> {
        (response.status() == self.scheme.gateway_status)
            .then(|| gateway_error(self.service, self.scheme, call, response))
    }

    async fn invalidate(&self, lease: &Lease) {
        self.token.invalidate(lease.generation).await;
    }
}

impl KingdeeGateway {
    /// One attempt's headers, `app-token` carrying `token`; returns what was signed.
    fn sign_at(
        &self,
        request: &mut Request,
        token: &str,
        nonce: &str,
        timestamp: &str,
    ) -> Result<GatewaySignature, Error> {
        let signed = self.sign_gateway_at(request, nonce, timestamp)?;
        request.insert(self.app_token_name.clone(), token, true)?;
        Ok(signed)
    }

    /// Every gateway header except `app-token`, with a fresh nonce and timestamp.
    fn sign_gateway(&self, request: &mut Request) -> Result<(), Error> {
        let (nonce, timestamp) = signing::fresh_nonce_and_timestamp();
        self.sign_gateway_fast(request, &nonce, &timestamp)
    }

    /// Every gateway header except `app-token`, with `nonce` and `timestamp`; returns
    /// the string signed, for explaining.
    fn sign_gateway_at(
        &self,
        request: &mut Request,
        nonce: &str,
        timestamp: &str,
    ) -> Result<GatewaySignature, Error> {
        let query = query_pairs(request);
        let sent = self.sent(nonce, timestamp);
        let canonical = self.canonical(request, &query, &sent);
        let string_to_sign = canonical.to_string();
        let signature = signing::signature_of(&string_to_sign, self.client_secret.expose());
        self.set_gateway_headers(request, &sent, &signature)?;
        Ok(GatewaySignature {
            string_to_sign,
            signature,
        })
    }

    /// [`sign_gateway_at`](Self::sign_gateway_at) for sending: the string to sign is
    /// fed to the HMAC without being built.
    fn sign_gateway_fast(
        &self,
        request: &mut Request,
        nonce: &str,
        timestamp: &str,
    ) -> Result<(), Error> {
        let query = query_pairs(request);
        let sent = self.sent(nonce, timestamp);
        let canonical = self.canonical(request, &query, &sent);
        let signature = signing::gateway_signature(&canonical, self.client_secret.expose());
        self.set_gateway_headers(request, &sent, &signature)
    }

    fn sent<'a>(&'a self, nonce: &'a str, timestamp: &'a str) -> SentHeaders<'a> {
        SentHeaders {
            nonce,
            timestamp,
            client_id: &self.client_id,
            auth_version: &self.scheme.auth_version,
            router_addr: &self.domain,
            content_type: headers::JSON,
        }
    }

    fn canonical<'a>(
        &self,
        request: &'a Request,
        query: &'a [(&'a str, &'a str)],
        sent: &SentHeaders<'a>,
    ) -> CanonicalRequest<'a> {
        CanonicalRequest::for_client(
            request.method(),
            request.path(),
            query,
            &self.sign_headers,
            sent,
        )
    }

    /// Sets the headers of `signing::gateway_headers`, by names parsed once.
    fn set_gateway_headers(
        &self,
        request: &mut Request,
        sent: &SentHeaders<'_>,
        signature: &str,
    ) -> Result<(), Error> {
        let values = signing::gateway_headers(sent, &self.scheme.sign_headers, signature);
        for ((name, value), parsed) in values.into_iter().zip(&self.header_names) {
            // The signature is kept out of `Debug` output like the credentials.
            request.insert(parsed.clone(), value, name == headers::X_API_SIGNATURE)?;
        }
        Ok(())
    }

    /// Requests a new app-token. The query is part of the signature; the request has
    /// no `app-token` header.
    async fn fetch_token(&self, link: &Link<'_, Self>) -> Result<(Secret, Duration), Error> {
        let scheme = self.scheme;
        // Issuing a token changes nothing a repeat could duplicate.
        let call = CallInfo::internal(&self.service.name, TOKEN_OPERATION);
        let app_signature = signing::app_signature(&self.app_key, self.app_secret.expose());
        let mut request = Request::new(scheme.token.method, &scheme.token.path);
        request.push_query("app_key", self.app_key.as_str());
        request.push_query("app_signature", app_signature);
        let payload = link
            .send(&call, &request, |request| self.sign_gateway(request))
            .await
            .map_err(redact_token_body)?;
        let payload: Value =
            envelope::decode_payload(&call, &payload).map_err(redact_token_body)?;
        match payload.get(scheme.token.token_field.as_ref()) {
            Some(Value::String(token)) if !token.is_empty() => Ok((
                Secret::new(token.as_str()),
                Duration::from_secs(scheme.token.ttl_secs),
            )),
            _ => Err(Error::Decode {
                service: call.service(),
                operation: call.operation(),
                message: format!(
                    "token response has no `{}` string",
                    scheme.token.token_field
                ),
                snippet: String::new(),
            }),
        }
    }
}

impl Client<KingdeeGateway> {
    /// The current app-token, fetched when there is none or it is due for refresh.
    pub async fn app_token(&self) -> Result<Secret, Error> {
        self.scheme()
            .credential(self.link())
            .await
            .map(|lease| lease.token)
    }

    /// How many token fetches this client (and its clones) started.
    pub fn token_fetches(&self) -> u64 {
        self.scheme().token.fetches()
    }
}

/// The names of `signing::gateway_headers`, in its order, parsed once so that signing
/// an attempt parses none.
fn gateway_header_names() -> Result<[HeaderName; 8], Error> {
    let sent = SentHeaders {
        nonce: "",
        timestamp: "",
        client_id: "",
        auth_version: "",
        router_addr: "",
        content_type: "",
    };
    let names = signing::gateway_headers(&sent, "", "").map(|(name, _)| name);
    let mut parsed = names.map(|_| reqwest::header::CONTENT_TYPE);
    for (slot, name) in parsed.iter_mut().zip(names) {
        *slot = header_name(name)?;
    }
    Ok(parsed)
}

fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::config(format!("`{name}` is not a valid HTTP header name")))
}

/// The query of `request` as borrowed pairs, as the canonical request takes it.
fn query_pairs(request: &Request) -> Vec<(&str, &str)> {
    request
        .query()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
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
    response: &Response,
) -> Error {
    let body = match serde_json::from_slice::<Value>(response.body()) {
        Ok(Value::Object(body)) => body,
        // Without a readable body there is no gateway code to act on.
        _ => return envelope::status_error(service, call, response),
    };
    let text = |field: &str| match body.get(field) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let code = text(&scheme.gateway_code_field);
    let known = envelope::known_error(service, &code, response.status());
    Error::Gateway {
        service: call.service(),
        operation: call.operation(),
        status: response.status(),
        message: text(&scheme.gateway_message_field),
        message_cn: text(&scheme.gateway_message_cn_field),
        code,
        known,
    }
}
