//! The static bearer scheme: a fixed token in one header, nothing signed. The simplest
//! [`Scheme`]; services whose spec declares `scheme: static_bearer` use it.

use std::fmt;

use reqwest::header::HeaderName;

use crate::client::{
    masked, CallInfo, Client, ClientConfig, Explanation, Link, Reproduce, Request, Scheme,
};
use crate::descriptor::{AuthScheme, BearerScheme, ServiceDescriptor};
use crate::env;
use crate::error::Error;
use crate::secret::Secret;
use crate::transport::TransportConfig;

/// A client of a static-bearer service.
pub type BearerClient = Client<StaticBearer>;

/// Settings of a [`BearerClient`], built with [`new`](Self::new) and the setters.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BearerConfig {
    /// API URL; `None` uses the service descriptor's `base_url`.
    pub base_url: Option<String>,
    /// The token; the header carries the spec's prefix followed by it.
    pub token: Secret,
    /// Timeouts, retries and limits.
    pub transport: TransportConfig,
}

impl BearerConfig {
    /// The token, with the descriptor's base URL and the default transport.
    pub fn new(token: impl Into<Secret>) -> BearerConfig {
        BearerConfig {
            base_url: None,
            token: token.into(),
            transport: TransportConfig::default(),
        }
    }

    /// This configuration with the API at `url` (http or https) instead of the
    /// descriptor's.
    pub fn base_url(mut self, url: impl Into<String>) -> BearerConfig {
        self.base_url = Some(url.into());
        self
    }

    /// This configuration with `transport` as timeouts, retries and limits.
    pub fn transport(mut self, transport: TransportConfig) -> BearerConfig {
        self.transport = transport;
        self
    }
}

impl ClientConfig for BearerConfig {
    fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    fn transport(&self) -> &TransportConfig {
        &self.transport
    }

    /// Reads `BEARER_BASE_URL` (optional; http or https) and `BEARER_TOKEN`, with the
    /// default transport.
    fn from_env() -> Result<BearerConfig, Error> {
        Ok(BearerConfig {
            base_url: env::optional_base_url("BEARER_BASE_URL")?,
            token: env::required_secret("BEARER_TOKEN")?,
            transport: TransportConfig::default(),
        })
    }
}

/// The header and its whole value, checked once when the client is made.
pub struct StaticBearer {
    scheme: &'static BearerScheme,
    header: HeaderName,
    value: Secret,
}

impl fmt::Debug for StaticBearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticBearer")
            .field("header", &self.header.as_str())
            .finish_non_exhaustive()
    }
}

/// The header's value for `token`, checked here so that signing cannot fail later.
fn header_value(
    scheme: &BearerScheme,
    header: &HeaderName,
    token: &Secret,
) -> Result<Secret, Error> {
    let value = Secret::new(format!("{}{}", scheme.prefix, token.expose()));
    Request::new(crate::HttpMethod::Get, "/").insert(header.clone(), value.expose(), true)?;
    Ok(value)
}

impl Scheme for StaticBearer {
    type Config = BearerConfig;
    type Credential = ();
    /// Another tenant's token.
    type Tenant = Secret;

    fn new(service: &'static ServiceDescriptor, config: BearerConfig) -> Result<Self, Error> {
        let AuthScheme::StaticBearer(scheme) = &service.auth else {
            return Err(Error::config(format!(
                "service `{}` does not use the static bearer scheme",
                service.name
            )));
        };
        let header = HeaderName::from_bytes(scheme.header.as_bytes()).map_err(|_| {
            Error::config(format!("`{}` is not an HTTP header name", scheme.header))
        })?;
        let value = header_value(scheme, &header, &config.token)?;
        Ok(StaticBearer {
            scheme,
            header,
            value,
        })
    }

    fn for_tenant(&self, token: Secret) -> Result<Self, Error> {
        Ok(StaticBearer {
            scheme: self.scheme,
            header: self.header.clone(),
            value: header_value(self.scheme, &self.header, &token)?,
        })
    }

    async fn credential(&self, _link: Link<'_, Self>) -> Result<(), Error> {
        Ok(())
    }

    fn sign(&self, request: &mut Request, _credential: &()) -> Result<(), Error> {
        request.insert(self.header.clone(), self.value.expose(), true)
    }

    /// Sets the header as every call does; it shows with the token masked.
    fn explain(
        &self,
        _call: &CallInfo,
        _json: &[u8],
        request: &mut Request,
        _reproduce: &mut Reproduce,
    ) -> Result<Explanation, Error> {
        self.sign(request, &())?;
        let prefix = self.scheme.prefix.as_ref();
        let token = self.value.expose().get(prefix.len()..).unwrap_or_default();
        let header = self.scheme.header.as_ref();
        Ok(Explanation {
            credentials: vec![("BEARER_TOKEN", masked(token))],
            header_spelling: vec![header],
            shown_headers: vec![(header, format!("{prefix}{}", masked(token)))],
            signed: None,
            notes: vec![format!(
                "Nothing is signed: every request carries the same token in {header}."
            )],
        })
    }
}
