//! Credentials and settings of a Shoubei client.

use crate::env;
use crate::error::Error;
use crate::secret::Secret;
use crate::transport::TransportConfig;

/// Settings of a [`ShoubeiClient`](super::ShoubeiClient).
#[derive(Clone, Debug)]
pub struct ShoubeiConfig {
    /// API URL; `None` uses the service descriptor's `base_url`.
    pub base_url: Option<String>,
    /// Institution secret of the MD5 signature.
    pub key: Secret,
    /// Timeouts, retries and limits.
    pub transport: TransportConfig,
}

impl ShoubeiConfig {
    /// Reads `SHOUBEI_BASE_URL` (optional; http or https) and `SHOUBEI_KEY`, with the default
    /// transport. The error names the missing variable.
    pub fn from_env() -> Result<ShoubeiConfig, Error> {
        Ok(ShoubeiConfig {
            base_url: env::optional_base_url("SHOUBEI_BASE_URL")?,
            key: env::required_secret("SHOUBEI_KEY")?,
            transport: TransportConfig::default(),
        })
    }
}

impl crate::client::ClientConfig for ShoubeiConfig {
    fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    fn transport(&self) -> &TransportConfig {
        &self.transport
    }

    fn from_env() -> Result<Self, Error> {
        ShoubeiConfig::from_env()
    }
}
