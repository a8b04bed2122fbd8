//! Credentials and settings of a Kingdee JDY client.

use crate::env;
use crate::error::Error;
use crate::secret::Secret;
use crate::transport::TransportConfig;

/// Settings of a [`JdyClient`](super::JdyClient).
#[derive(Clone, Debug)]
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
    /// Timeouts, retries and limits.
    pub transport: TransportConfig,
}

impl JdyConfig {
    /// Reads `JDY_BASE_URL` (optional; http or https), `JDY_CLIENT_ID`, `JDY_CLIENT_SECRET`,
    /// `JDY_APP_KEY`, `JDY_APP_SECRET` and `JDY_DOMAIN`, with the default transport.
    /// The error names the first missing variable.
    pub fn from_env() -> Result<JdyConfig, Error> {
        Ok(JdyConfig {
            base_url: env::optional_base_url("JDY_BASE_URL")?,
            client_id: env::required("JDY_CLIENT_ID")?,
            client_secret: env::required_secret("JDY_CLIENT_SECRET")?,
            app_key: env::required("JDY_APP_KEY")?,
            app_secret: env::required_secret("JDY_APP_SECRET")?,
            domain: env::required("JDY_DOMAIN")?,
            transport: TransportConfig::default(),
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
