//! One tenant's app credentials (app key, app secret, domain), swappable while calls run:
//! a re-authorisation replaces them after the tenant's app secret was rotated.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use reqwest::header::HeaderValue;

use crate::error::Error;
use crate::secret::Secret;

/// The credentials of one tenant (one shop of an ISV), for
/// [`JdyClient::for_tenant`](super::JdyClient::for_tenant): a client of that tenant that
/// shares the ISV's client id and secret and the connection pool.
///
/// ```
/// # use retail_apis_runtime::jdy::JdyTenant;
/// let shop = JdyTenant::new("app-key", "app-secret", "https://tf.jdy.com")
///     .outer_instance_id("instance-1");
/// assert_eq!(shop.app_key, "app-key");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct JdyTenant {
    /// Tenant app key, used to obtain the app-token.
    pub app_key: String,
    /// Tenant app secret, signs the app key for the token request.
    pub app_secret: Secret,
    /// Tenant domain (`X-GW-Router-Addr`).
    pub domain: String,
    /// The tenant's instance id for `push_app_authorize`; set, it turns re-authorisation
    /// on for this tenant (see [`JdyConfig::outer_instance_id`](super::JdyConfig::outer_instance_id)).
    pub outer_instance_id: Option<String>,
}

impl JdyTenant {
    /// A tenant's app key, app secret and domain, without re-authorisation.
    pub fn new(
        app_key: impl Into<String>,
        app_secret: impl Into<Secret>,
        domain: impl Into<String>,
    ) -> JdyTenant {
        JdyTenant {
            app_key: app_key.into(),
            app_secret: app_secret.into(),
            domain: domain.into(),
            outer_instance_id: None,
        }
    }

    /// This tenant with re-authorisation through `push_app_authorize` for `id`.
    pub fn outer_instance_id(mut self, id: impl Into<String>) -> JdyTenant {
        self.outer_instance_id = Some(id.into());
        self
    }
}

/// The app credentials a request is signed with, the domain's header value parsed once
/// per set of credentials rather than once per request.
pub(crate) struct AppCredentials {
    pub app_key: String,
    pub app_secret: Secret,
    pub domain: String,
    /// `X-GW-Router-Addr`, checked when the credentials were made.
    pub domain_header: HeaderValue,
}

impl AppCredentials {
    /// Fails, naming the value but never showing it, when the domain cannot be a header
    /// value: the same check whether the domain came from configuration or from
    /// `push_app_authorize`.
    pub fn new(app_key: String, app_secret: Secret, domain: String) -> Result<Self, Error> {
        let domain_header = HeaderValue::from_str(&domain)
            .map_err(|_| Error::config("domain is not a valid HTTP header value"))?;
        Ok(AppCredentials {
            app_key,
            app_secret,
            domain,
            domain_header,
        })
    }
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppCredentials")
            .field("app_key", &self.app_key)
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

/// The current credentials of a tenant. A call reads them once per attempt (a read lock
/// and an `Arc` clone); a re-authorisation swaps the whole `Arc`, so no request is signed
/// with half old and half new values.
#[derive(Debug)]
pub(crate) struct CurrentCredentials {
    current: RwLock<Arc<AppCredentials>>,
    /// Counts replacements: a call remembers the version it started with, so that a call
    /// failing on credentials another call already replaced does not replace them again.
    version: AtomicU64,
    /// Held while `push_app_authorize` runs, so concurrent calls wait for one answer.
    pub replacing: tokio::sync::Mutex<()>,
}

impl CurrentCredentials {
    pub fn new(credentials: AppCredentials) -> CurrentCredentials {
        CurrentCredentials {
            current: RwLock::new(Arc::new(credentials)),
            version: AtomicU64::new(0),
            replacing: tokio::sync::Mutex::new(()),
        }
    }

    /// The credentials in force now.
    pub fn get(&self) -> Arc<AppCredentials> {
        // Every write replaces the whole `Arc`, so a poisoned lock holds a whole value.
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// How many times the credentials were replaced.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// Puts `credentials` in force for every call from now on.
    pub fn replace(&self, credentials: AppCredentials) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(credentials);
        self.version.fetch_add(1, Ordering::Release);
    }
}
