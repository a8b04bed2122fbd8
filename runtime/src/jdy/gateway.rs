//! The Kingdee gateway scheme: HMAC-SHA256 header signature plus an app-token, as the
//! [`Scheme`] of a [`Client`].

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

mod explain;

use super::config::JdyConfig;
use super::headers;
use super::signing::{self, CanonicalRequest, SentHeaders, SignHeaders};
use super::tenant::{AppCredentials, CurrentCredentials, JdyTenant};
use super::token::{token_key, InProcessTokenStore, Lease, TokenCache};
use super::unquoted::without_body;
use crate::client::{CallInfo, Client, Explanation, Link, Reproduce, Request, Response, Scheme};
use crate::descriptor::{AuthScheme, KingdeeGatewayScheme, ServiceDescriptor};
use crate::envelope;
use crate::error::Error;
use crate::secret::Secret;

/// Operation name used in errors and logs for the token request.
const TOKEN_OPERATION: &str = "app_token";

/// Stands in an error for the body of a token answer, which may hold the token.
const TOKEN_OMITTED: &str = "<token response omitted>";

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
    pub(super) service: &'static ServiceDescriptor,
    scheme: &'static KingdeeGatewayScheme,
    /// The scheme's `sign_headers`, checked once: each is a header this client sends.
    sign_headers: SignHeaders,
    client_id: String,
    client_secret: Secret,
    /// The tenant's app key, app secret and domain, replaced by a re-authorisation.
    pub(super) tenant: CurrentCredentials,
    /// Where `push_app_authorize` asks for the tenant's credentials; `None`: never.
    pub(super) outer_instance_id: Option<String>,
    token: TokenCache,
    /// The headers of `signing::gateway_headers`, in its order, parsed once.
    gateway_headers: [GatewayHeader; 8],
    app_token_name: HeaderName,
}

/// One header of `signing::gateway_headers`: its name, and its value when that is the
/// same on every request, both parsed once so that signing an attempt parses neither.
struct GatewayHeader {
    name: HeaderName,
    value: HeaderSlot,
}

/// Where the value of a gateway header comes from.
enum HeaderSlot {
    /// The client's own settings (client id, auth version, signed header list, content
    /// type), checked when the client is built.
    Fixed(HeaderValue),
    /// `X-GW-Router-Addr`: the tenant's domain in force, which a re-authorisation may
    /// replace.
    Domain,
    /// `X-Api-TimeStamp` of the attempt.
    Timestamp,
    /// `X-Api-Nonce` of the attempt.
    Nonce,
    /// `X-Api-Signature` of the attempt, kept out of `Debug` output like the credentials.
    Signature,
}

/// The values of one attempt's headers that are new on every attempt.
struct AttemptValues {
    nonce: String,
    timestamp: String,
    signature: String,
}

impl fmt::Debug for KingdeeGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenant = self.tenant.get();
        f.debug_struct("KingdeeGateway")
            .field("client_id", &self.client_id)
            .field("app_key", &tenant.app_key)
            .field("domain", &tenant.domain)
            .field("token_fetches", &self.token.fetches())
            .field("token_store", self.token.store())
            .finish_non_exhaustive()
    }
}

impl Scheme for KingdeeGateway {
    type Config = JdyConfig;
    type Credential = Lease;
    type Tenant = JdyTenant;

    fn new(service: &'static ServiceDescriptor, config: JdyConfig) -> Result<Self, Error> {
        let AuthScheme::KingdeeGateway(scheme) = &service.auth else {
            return Err(Error::config(format!(
                "service `{}` does not use the Kingdee gateway scheme",
                service.name
            )));
        };
        // Checked once here, so that signing cannot fail on it later.
        if reqwest::header::HeaderValue::from_str(&config.client_id).is_err() {
            return Err(Error::config("client_id is not a valid HTTP header value"));
        }
        let sign_headers = SignHeaders::parse(&scheme.sign_headers)?;
        let key = token_key(
            &service.name,
            &config.client_id,
            &config.app_key,
            &config.domain,
        );
        let store = config
            .token_store
            .unwrap_or_else(|| std::sync::Arc::new(InProcessTokenStore));
        let fixed = SentHeaders {
            nonce: "",
            timestamp: "",
            client_id: &config.client_id,
            auth_version: &scheme.auth_version,
            router_addr: &config.domain,
            content_type: headers::JSON,
        };
        let gateway_headers = parsed_gateway_headers(&fixed, &scheme.sign_headers)?;
        let tenant = JdyTenant {
            app_key: config.app_key,
            app_secret: config.app_secret,
            domain: config.domain,
            outer_instance_id: config.outer_instance_id,
        };
        Ok(KingdeeGateway {
            gateway_headers,
            app_token_name: header_name(headers::APP_TOKEN)?,
            service,
            scheme,
            sign_headers,
            client_id: config.client_id,
            client_secret: config.client_secret,
            tenant: tenant_credentials(scheme, &service.name, &tenant)?,
            outer_instance_id: tenant.outer_instance_id,
            token: TokenCache::new(&service.name, key, store),
        })
    }

    /// The same client id and secret with another tenant's app credentials, and a token
    /// cache of its own: one tenant's app-token never signs another's calls.
    fn for_tenant(&self, tenant: JdyTenant) -> Result<Self, Error> {
        Ok(KingdeeGateway {
            gateway_headers: parsed_gateway_headers(
                &self.sent("", "", &tenant.domain),
                &self.scheme.sign_headers,
            )?,
            app_token_name: self.app_token_name.clone(),
            service: self.service,
            scheme: self.scheme,
            sign_headers: SignHeaders::parse(&self.scheme.sign_headers)?,
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            tenant: tenant_credentials(self.scheme, &self.service.name, &tenant)?,
            outer_instance_id: tenant.outer_instance_id,
            // Filed under this tenant's own key, in the same store as the client's.
            token: TokenCache::new(
                &self.service.name,
                token_key(
                    &self.service.name,
                    &self.client_id,
                    &tenant.app_key,
                    &tenant.domain,
                ),
                std::sync::Arc::clone(self.token.store()),
            ),
        })
    }

    async fn credential(&self, link: Link<'_, Self>) -> Result<Lease, Error> {
        // With re-authorisation on, revoked credentials are replaced once for every
        // caller; spacing fetches would turn away the callers waiting for that.
        let reauthorizes = self.outer_instance_id.is_some() && self.scheme.authorize.is_some();
        self.token
            .get_or_back_off(
                || self.fetch_token(&link),
                |error| !(reauthorizes && error.action() == crate::ErrorAction::Reauthorize),
            )
            .await
    }

    fn sign(&self, request: &mut Request, lease: &Lease) -> Result<(), Error> {
        let (nonce, timestamp) = signing::fresh_nonce_and_timestamp();
        let tenant = self.tenant.get();
        self.sign_gateway_fast(request, &tenant, nonce, timestamp)?;
        match &lease.token.header {
            Some(value) => {
                request.insert_value(self.app_token_name.clone(), value.clone());
                Ok(())
            }
            None => request.insert(
                self.app_token_name.clone(),
                lease.token.secret.expose(),
                true,
            ),
        }
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
        self.token.invalidate(lease).await;
    }

    fn credentials_version(&self) -> u64 {
        self.tenant.version()
    }

    /// Asks `push_app_authorize` for the tenant's current app key, app secret and
    /// domain, when an outer instance id is configured. Concurrent callers wait for one
    /// answer; one that started before credentials were replaced uses the new ones.
    async fn reauthorize(&self, link: Link<'_, Self>, seen_version: u64) -> Result<bool, Error> {
        let (Some(instance), Some(endpoint)) = (&self.outer_instance_id, &self.scheme.authorize)
        else {
            return Ok(false);
        };
        let _replacing = self.tenant.replacing.lock().await;
        if self.tenant.version() != seen_version {
            return Ok(true);
        }
        let fresh = super::authorize::fetch(self, &link, endpoint, instance).await?;
        self.tenant.replace(fresh);
        // Fetches that failed with the old credentials say nothing about the new ones.
        self.token.reset_backoff().await;
        tracing::info!(
            version = self.tenant.version(),
            "app credentials replaced by push_app_authorize"
        );
        Ok(true)
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
        let tenant = self.tenant.get();
        let signed = self.sign_gateway_at(request, &tenant, nonce, timestamp)?;
        request.insert(self.app_token_name.clone(), token, true)?;
        Ok(signed)
    }

    /// Every gateway header except `app-token`, for `tenant`, with a fresh nonce and
    /// timestamp.
    pub(super) fn sign_gateway(
        &self,
        request: &mut Request,
        tenant: &AppCredentials,
    ) -> Result<(), Error> {
        let (nonce, timestamp) = signing::fresh_nonce_and_timestamp();
        self.sign_gateway_fast(request, tenant, nonce, timestamp)
    }

    /// Every gateway header except `app-token`, with `nonce` and `timestamp`; returns
    /// the string signed, for explaining.
    fn sign_gateway_at(
        &self,
        request: &mut Request,
        tenant: &AppCredentials,
        nonce: &str,
        timestamp: &str,
    ) -> Result<GatewaySignature, Error> {
        let query = query_pairs(request);
        let sent = self.sent(nonce, timestamp, &tenant.domain);
        let canonical = self.canonical(request, &query, &sent);
        let string_to_sign = canonical.to_string();
        let signature = signing::signature_of(&string_to_sign, self.client_secret.expose());
        let values = AttemptValues {
            nonce: nonce.to_owned(),
            timestamp: timestamp.to_owned(),
            signature: signature.clone(),
        };
        self.set_gateway_headers(request, tenant, values)?;
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
        tenant: &AppCredentials,
        nonce: String,
        timestamp: String,
    ) -> Result<(), Error> {
        let query = query_pairs(request);
        let sent = self.sent(&nonce, &timestamp, &tenant.domain);
        let canonical = self.canonical(request, &query, &sent);
        let signature = signing::gateway_signature(&canonical, self.client_secret.expose());
        let values = AttemptValues {
            nonce,
            timestamp,
            signature,
        };
        self.set_gateway_headers(request, tenant, values)
    }

    fn sent<'a>(&'a self, nonce: &'a str, timestamp: &'a str, domain: &'a str) -> SentHeaders<'a> {
        SentHeaders {
            nonce,
            timestamp,
            client_id: &self.client_id,
            auth_version: &self.scheme.auth_version,
            router_addr: domain,
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

    /// Sets the headers of `signing::gateway_headers`: the values fixed for the client as
    /// parsed once, the attempt's own moved in without a copy.
    fn set_gateway_headers(
        &self,
        request: &mut Request,
        tenant: &AppCredentials,
        values: AttemptValues,
    ) -> Result<(), Error> {
        let mut nonce = Some(values.nonce);
        let mut timestamp = Some(values.timestamp);
        let mut signature = Some(values.signature);
        for header in &self.gateway_headers {
            let (value, sensitive) = match &header.value {
                HeaderSlot::Fixed(value) => {
                    request.insert_value(header.name.clone(), value.clone());
                    continue;
                }
                HeaderSlot::Domain => {
                    request.insert_value(header.name.clone(), tenant.domain_header.clone());
                    continue;
                }
                HeaderSlot::Nonce => (nonce.take(), false),
                HeaderSlot::Timestamp => (timestamp.take(), false),
                HeaderSlot::Signature => (signature.take(), true),
            };
            let value = owned_header_value(header.name.as_str(), value.unwrap_or_default())?;
            request.insert_value(header.name.clone(), mark_sensitive(value, sensitive));
        }
        Ok(())
    }

    /// Requests a new app-token. The query is part of the signature; the request has
    /// no `app-token` header.
    async fn fetch_token(&self, link: &Link<'_, Self>) -> Result<(Secret, Duration), Error> {
        let scheme = self.scheme;
        // Issuing a token changes nothing a repeat could duplicate.
        let call = CallInfo::internal(&self.service.name, TOKEN_OPERATION);
        // One set of credentials for the whole fetch, even if they are replaced meanwhile.
        let tenant = self.tenant.get();
        let app_signature = signing::app_signature(&tenant.app_key, tenant.app_secret.expose());
        let mut request = Request::new(scheme.token.method, &scheme.token.path);
        request.push_query("app_key", tenant.app_key.as_str());
        request.push_query("app_signature", app_signature);
        let payload = link
            .send(&call, &request, |request| {
                self.sign_gateway(request, &tenant)
            })
            .await
            .map_err(|e| without_body(e, TOKEN_OMITTED))?;
        let payload: Value = envelope::decode_payload(&call, &payload)
            .map_err(|e| without_body(e, TOKEN_OMITTED))?;
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
            .map(|lease| lease.token.secret.clone())
    }

    /// How many token fetches this client (and its clones) started; tokens read from a
    /// shared [`TokenStore`](super::TokenStore) are not fetches.
    pub fn token_fetches(&self) -> u64 {
        self.scheme().token.fetches()
    }

    /// The key this client's tenant's app-token is filed under in a
    /// [`TokenStore`](super::TokenStore): what to look for in Redis.
    pub fn token_key(&self) -> &super::TokenKey {
        self.scheme().token.key()
    }
}

/// The headers of `signing::gateway_headers`, in its order, with the values `fixed`
/// gives them parsed too: all but nonce, timestamp and signature, which are new on
/// every attempt. A value that is no valid header value is a configuration error here,
/// so signing an attempt cannot fail on it.
fn parsed_gateway_headers(
    fixed: &SentHeaders<'_>,
    sign_headers: &str,
) -> Result<[GatewayHeader; 8], Error> {
    let listed = signing::gateway_headers(fixed, sign_headers, "");
    let mut parsed = Vec::with_capacity(listed.len());
    for (name, value) in listed {
        let value = match name {
            headers::X_API_NONCE => HeaderSlot::Nonce,
            headers::X_API_TIMESTAMP => HeaderSlot::Timestamp,
            headers::X_API_SIGNATURE => HeaderSlot::Signature,
            headers::X_GW_ROUTER_ADDR => HeaderSlot::Domain,
            _ => HeaderSlot::Fixed(owned_header_value(name, value.to_owned())?),
        };
        parsed.push(GatewayHeader {
            name: header_name(name)?,
            value,
        });
    }
    parsed
        .try_into()
        .map_err(|_| Error::config("the gateway header list changed length"))
}

/// `value` as a header value, its bytes moved rather than copied; the error names the
/// header, never the value.
fn owned_header_value(name: &str, value: String) -> Result<HeaderValue, Error> {
    HeaderValue::try_from(value)
        .map_err(|_| Error::config(format!("{name} is not a valid HTTP header value")))
}

fn mark_sensitive(mut value: HeaderValue, sensitive: bool) -> HeaderValue {
    value.set_sensitive(sensitive);
    value
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

/// The tenant's credentials in force, checked as every set of credentials is (the
/// domain must be a header value), and its re-authorisation checked against the spec.
fn tenant_credentials(
    scheme: &KingdeeGatewayScheme,
    service: &str,
    tenant: &JdyTenant,
) -> Result<CurrentCredentials, Error> {
    if tenant.outer_instance_id.is_some() && scheme.authorize.is_none() {
        return Err(Error::config(format!(
            "an outer instance id is set, but service `{service}` declares no \
             `auth.authorize` endpoint to re-authorise with"
        )));
    }
    let credentials = AppCredentials::new(
        tenant.app_key.clone(),
        tenant.app_secret.clone(),
        tenant.domain.clone(),
    )?;
    Ok(CurrentCredentials::new(credentials))
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
