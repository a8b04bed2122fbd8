//! Credentials and settings of a Shoubei client.

use crate::env;
use crate::error::Error;
use crate::secret::Secret;
use crate::transport::TransportConfig;

/// Settings of a [`ShoubeiClient`](super::ShoubeiClient).
///
/// Built with [`new`](Self::new) (or [`from_env`](Self::from_env)) and the setters; a
/// setting added later then breaks no caller.
///
/// ```
/// # use retail_apis_runtime::shoubei::ShoubeiConfig;
/// let config = ShoubeiConfig::new("institution-key").base_url("http://127.0.0.1:8080");
/// assert_eq!(config.base_url.as_deref(), Some("http://127.0.0.1:8080"));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ShoubeiConfig {
    /// API URL; `None` uses the service descriptor's `base_url`.
    pub base_url: Option<String>,
    /// Institution secret of the MD5 signature.
    pub key: Secret,
    /// Timeouts, retries and limits.
    pub transport: TransportConfig,
}

impl ShoubeiConfig {
    /// The institution key, with the descriptor's base URL and the default transport.
    pub fn new(key: impl Into<Secret>) -> ShoubeiConfig {
        ShoubeiConfig {
            base_url: None,
            key: key.into(),
            transport: TransportConfig::default(),
        }
    }

    /// This configuration with the API at `url` (http or https) instead of the
    /// descriptor's.
    pub fn base_url(mut self, url: impl Into<String>) -> ShoubeiConfig {
        self.base_url = Some(url.into());
        self
    }

    /// This configuration with `transport` as timeouts, retries and limits.
    pub fn transport(mut self, transport: TransportConfig) -> ShoubeiConfig {
        self.transport = transport;
        self
    }

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
