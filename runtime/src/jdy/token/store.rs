//! Where a tenant's app-token lives beyond one client: the [`TokenStore`] trait, the
//! in-process store (the default) and the choice made by `JDY_TOKEN_STORE`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use super::key::TokenKey;
use crate::error::Error;
use crate::secret::Secret;

/// A boxed future of a [`TokenStore`], so that stores of different types can sit behind
/// one `Arc<dyn TokenStore>`. Only a client without a fresh token awaits one.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The client's own request for a new token, not started yet: a store awaits it when it
/// has no token for the tenant and is the one to fetch, or drops it unpolled.
pub type TokenFetch<'a> = StoreFuture<'a, Result<StoredToken, Error>>;

/// An app-token and how long it may be used before it is replaced (its lifetime less
/// the early-refresh margin). `Debug` hides the token.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct StoredToken {
    /// The app-token.
    pub token: Secret,
    /// Time from now until the token is due for refresh.
    pub refresh_in: Duration,
}

impl StoredToken {
    /// `token`, to be replaced `refresh_in` from now.
    pub fn new(token: Secret, refresh_in: Duration) -> StoredToken {
        StoredToken { token, refresh_in }
    }
}

/// Where clients find the app-token of a tenant before fetching one.
///
/// Every client keeps its own copy of the token in front of the store and asks the
/// store only when it has none or its copy is due for refresh, one caller at a time; a
/// call with a fresh token never reaches the store. The default store is the process
/// itself ([`InProcessTokenStore`]: each client fetches its own token); a shared store
/// (Redis, with the `redis` feature) lets many processes fetch one token and refresh it
/// once. One store may serve clients of many tenants: entries are filed under a
/// [`TokenKey`] per tenant.
///
/// A store must not fail a call because of its own trouble: when it cannot be reached
/// it fetches through `fetch` and goes on.
pub trait TokenStore: Send + Sync + fmt::Debug + 'static {
    /// The token of `key`: the stored one if there is one still fresh, otherwise the
    /// result of `fetch` (which the store saves for others). An error is the fetch's.
    fn obtain<'a>(
        &'a self,
        key: &'a TokenKey,
        fetch: TokenFetch<'a>,
    ) -> StoreFuture<'a, Result<StoredToken, Error>>;

    /// The service rejected `token` of `key` (expired or revoked): forget it, unless
    /// the store already holds another (which someone fetched since).
    fn reject<'a>(&'a self, key: &'a TokenKey, token: &'a Secret) -> StoreFuture<'a, ()>;
}

/// The default store: nothing beyond each client's own copy, so every client (and
/// every process) fetches its own token.
#[derive(Clone, Copy, Debug, Default)]
pub struct InProcessTokenStore;

impl TokenStore for InProcessTokenStore {
    fn obtain<'a>(
        &'a self,
        _key: &'a TokenKey,
        fetch: TokenFetch<'a>,
    ) -> StoreFuture<'a, Result<StoredToken, Error>> {
        fetch
    }

    fn reject<'a>(&'a self, _key: &'a TokenKey, _token: &'a Secret) -> StoreFuture<'a, ()> {
        Box::pin(async {})
    }
}

/// The store `JDY_TOKEN_STORE` names: unset or empty is the process itself,
/// `redis://` and `rediss://` a Redis store (with the `redis` feature). Errors name the
/// variable, never its value, which may hold a password.
pub(crate) fn store_from_env(variable: &str) -> Result<Option<Arc<dyn TokenStore>>, Error> {
    let Some(value) = crate::env::optional(variable)? else {
        return Ok(None);
    };
    let scheme = value
        .split_once("://")
        .map(|(scheme, _)| scheme.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("redis" | "rediss") => redis_store(variable, &value),
        _ => Err(Error::config(format!(
            "environment variable {variable} names no known token store; \
             expected a redis:// or rediss:// URL, or nothing for the in-process store"
        ))),
    }
}

#[cfg(feature = "redis")]
fn redis_store(variable: &str, url: &str) -> Result<Option<Arc<dyn TokenStore>>, Error> {
    let store = super::RedisTokenStore::parse(url)
        .map_err(|problem| Error::config(format!("environment variable {variable} {problem}")))?;
    Ok(Some(Arc::new(store)))
}

#[cfg(not(feature = "redis"))]
fn redis_store(variable: &str, _url: &str) -> Result<Option<Arc<dyn TokenStore>>, Error> {
    Err(Error::config(format!(
        "environment variable {variable} names a Redis token store, but this build lacks the \
         `redis` feature of retail-apis"
    )))
}
