//! Credentials and settings of a Kingdee JDY client.

use std::sync::Arc;

use super::token::{store_from_env, TokenStore};
use crate::env;
use crate::error::Error;
use crate::secret::Secret;
use crate::transport::TransportConfig;

/// Settings of a [`JdyClient`](super::JdyClient).
///
/// Built with [`new`](Self::new) (or [`from_env`](Self::from_env)) and the setters; a
/// setting added later then breaks no caller.
///
/// ```
/// # use retail_apis_runtime::jdy::JdyConfig;
/// # use retail_apis_runtime::TransportConfig;
/// let config = JdyConfig::new("client-id", "client-secret", "app-key", "app-secret", "domain")
///     .base_url("https://api.kingdee.com")
///     .transport(TransportConfig::default().max_retries(0));
/// assert_eq!(config.domain, "domain");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct JdyConfig {
    /// Gateway URL; `None` uses the service descriptor's `base_url`.
    pub base_url: Option<String>,
    /// Application id (`X-Api-ClientID`).
    pub client_id: String,
    /// Key of the gateway signature.
    pub client_secret: Secret,
    /// Tenant app key, used to obtain the app-token.
    pub app_key: String,
    /// Tenant app secret, signs the app key for the token request.
    pub app_secret: Secret,
    /// Tenant domain (`X-GW-Router-Addr`).
    pub domain: String,
    /// The tenant's instance id for `push_app_authorize`. Set, a call that meets the
    /// spec's `reauthorize` code (a rotated app secret) asks for the tenant's current
    /// app key, app secret and domain once, puts them in force and repeats the call
    /// once; unset (the default), that error is returned.
    pub outer_instance_id: Option<String>,
    /// Timeouts, retries and limits.
    pub transport: TransportConfig,
    /// Where the app-token is shared beyond this client; `None` keeps it in the
    /// client (each client, and each process, fetches its own).
    pub token_store: Option<Arc<dyn TokenStore>>,
}

impl JdyConfig {
    /// The credentials of one tenant, with the descriptor's base URL and the default
    /// transport.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        app_key: impl Into<String>,
        app_secret: impl Into<Secret>,
        domain: impl Into<String>,
    ) -> JdyConfig {
        JdyConfig {
            base_url: None,
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            app_key: app_key.into(),
            app_secret: app_secret.into(),
            domain: domain.into(),
            outer_instance_id: None,
            transport: TransportConfig::default(),
            token_store: None,
        }
    }

    /// This configuration with re-authorisation through `push_app_authorize` for the
    /// tenant's instance `id` (see [`outer_instance_id`](Self::outer_instance_id)).
    pub fn outer_instance_id(mut self, id: impl Into<String>) -> JdyConfig {
        self.outer_instance_id = Some(id.into());
        self
    }

    /// This configuration with the gateway at `url` (http or https) instead of the
    /// descriptor's.
    pub fn base_url(mut self, url: impl Into<String>) -> JdyConfig {
        self.base_url = Some(url.into());
        self
    }

    /// This configuration with `transport` as timeouts, retries and limits.
    pub fn transport(mut self, transport: TransportConfig) -> JdyConfig {
        self.transport = transport;
        self
    }

    /// This configuration with the app-token kept in `store`, which clients of many
    /// tenants and processes may share (one `Arc`, one connection): a
    /// `RedisTokenStore` (with the `redis` feature), or a store of your own.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> JdyConfig {
        self.token_store = Some(store);
        self
    }

    /// Reads `JDY_BASE_URL` (optional; http or https), `JDY_CLIENT_ID`, `JDY_CLIENT_SECRET`,
    /// `JDY_APP_KEY`, `JDY_APP_SECRET`, `JDY_DOMAIN`, `JDY_OUTER_INSTANCE_ID` (optional;
    /// turns re-authorisation on) and `JDY_TOKEN_STORE` (optional: a `redis://` or
    /// `rediss://` URL shares the app-token through Redis, with the `redis` feature), with
    /// the default transport. The error names the first missing or invalid variable, never
    /// a value.
    pub fn from_env() -> Result<JdyConfig, Error> {
        Ok(JdyConfig {
            base_url: env::optional_base_url("JDY_BASE_URL")?,
            client_id: env::required("JDY_CLIENT_ID")?,
            client_secret: env::required_secret("JDY_CLIENT_SECRET")?,
            app_key: env::required("JDY_APP_KEY")?,
            app_secret: env::required_secret("JDY_APP_SECRET")?,
            domain: env::required("JDY_DOMAIN")?,
            outer_instance_id: env::optional("JDY_OUTER_INSTANCE_ID")?,
            transport: TransportConfig::default(),
            token_store: store_from_env("JDY_TOKEN_STORE")?,
        })
    }
}

impl crate::client::ClientConfig for JdyConfig {
    fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    fn transport(&self) -> &TransportConfig {
        &self.transport
    }

    fn from_env() -> Result<Self, Error> {
        JdyConfig::from_env()
    }
}
