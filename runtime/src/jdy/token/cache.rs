//! The per-process copy of a tenant's app-token: calls read it without waiting while it
//! is fresh; one caller at a time asks the store (and through it the gateway) for a new
//! one, after the backoff that failed fetches impose.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockWriteGuard};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::backoff::FetchBackoff;
use super::key::TokenKey;
use super::lease::Lease;
use super::store::{StoredToken, TokenStore};
use crate::error::Error;
use crate::secret::Secret;

/// How long before its expiry a token is replaced, so that a token never expires
/// between being read here and being checked by the gateway.
const REFRESH_EARLY: Duration = Duration::from_secs(5 * 60);

const MAX_TTL: Duration = Duration::from_secs(365 * 24 * 60 * 60);

#[derive(Debug)]
struct Cached {
    lease: Lease,
    refresh_at: Instant,
}

/// Holds the current token. Calls read it under a short lock without waiting while it
/// is fresh; the async mutex is held while the store is asked, so concurrent callers
/// wait for that one answer instead of asking themselves (and a process sends at most
/// one request for the tenant's token to a shared store at a time).
#[derive(Debug)]
pub(crate) struct TokenCache {
    current: RwLock<Option<Cached>>,
    /// Held while the store is asked; guards the backoff of failed fetches.
    fetching: Mutex<FetchBackoff>,
    generation: AtomicU64,
    fetches: AtomicU64,
    store: Arc<dyn TokenStore>,
    key: TokenKey,
    /// For [`Error::TokenBackoff`].
    service: &'static str,
}

impl TokenCache {
    /// The cache of the tenant `key` at `service`, in front of `store`.
    pub fn new(service: &'static str, key: TokenKey, store: Arc<dyn TokenStore>) -> TokenCache {
        TokenCache {
            current: RwLock::new(None),
            fetching: Mutex::new(FetchBackoff::default()),
            generation: AtomicU64::new(0),
            fetches: AtomicU64::new(0),
            store,
            key,
            service,
        }
    }

    /// A cache in front of the in-process store, for tests.
    #[cfg(test)]
    fn in_process() -> TokenCache {
        let key = super::key::token_key("jdy", "client", "app", "domain");
        TokenCache::new("jdy", key, Arc::new(super::super::InProcessTokenStore))
    }

    /// The tenant's key in the store.
    pub fn key(&self) -> &TokenKey {
        &self.key
    }

    /// The store behind this cache.
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        &self.store
    }

    /// The cached token, or one from the store when there is none or it is due for
    /// refresh; the store calls `fetch` (which returns the token and its lifetime) when
    /// it has none either. While fetches keep failing, a call waits for the next one if
    /// it is near and fails with [`Error::TokenBackoff`] if not.
    #[cfg(test)]
    pub async fn get<'a, F, Fut>(&'a self, fetch: F) -> Result<Lease, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Secret, Duration), Error>> + Send + 'a,
    {
        self.get_or_back_off(fetch, |_| true).await
    }

    /// [`get`](Self::get), where only failures for which `backs_off` is true space the
    /// next fetch: a failure that something else deals with (revoked credentials that
    /// re-authorisation replaces, once for all callers) must not turn the callers waiting
    /// for that away.
    pub async fn get_or_back_off<'a, F, Fut>(
        &'a self,
        fetch: F,
        backs_off: impl FnOnce(&Error) -> bool,
    ) -> Result<Lease, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Secret, Duration), Error>> + Send + 'a,
    {
        if let Some(lease) = self.fresh() {
            return Ok(lease);
        }
        let mut backoff = self.fetching.lock().await;
        // Another caller may have fetched while this one waited.
        if let Some(lease) = self.fresh() {
            return Ok(lease);
        }
        backoff.wait_turn(self.service).await?;
        let fetch = fetch();
        let fetches = &self.fetches;
        let counted = async move {
            fetches.fetch_add(1, Ordering::Relaxed);
            let (token, ttl) = fetch.await?;
            // Capped so that the deadline cannot overflow `Instant`.
            let ttl = ttl.min(MAX_TTL);
            let early = REFRESH_EARLY.min(ttl / 2);
            Ok(StoredToken::new(token, ttl - early))
        };
        let stored = match self.store.obtain(&self.key, Box::pin(counted)).await {
            Ok(stored) => {
                backoff.succeeded();
                stored
            }
            Err(error) => {
                if backs_off(&error) {
                    backoff.failed();
                }
                return Err(error);
            }
        };
        let lease = Lease::new(
            stored.token,
            self.generation.fetch_add(1, Ordering::Relaxed) + 1,
        );
        *self.write() = Some(Cached {
            lease: lease.clone(),
            refresh_at: Instant::now() + stored.refresh_in.min(MAX_TTL),
        });
        tracing::debug!(generation = lease.generation, "app-token obtained");
        Ok(lease)
    }

    /// Forgets failed fetches: the credentials they used were replaced.
    pub async fn reset_backoff(&self) {
        self.fetching.lock().await.succeeded();
    }

    /// The cached token while it is not due for refresh.
    fn fresh(&self) -> Option<Lease> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current
            .as_ref()
            .filter(|cached| Instant::now() < cached.refresh_at)
            .map(|cached| cached.lease.clone())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Option<Cached>> {
        // Every write replaces the whole value, so a panic elsewhere cannot have left
        // it half written.
        self.current.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Drops the token of `lease` after the service rejected it, here and in the store
    /// (which keeps a token someone fetched since). A token that was already replaced
    /// stays, so many calls failing with the same old token cause a single refresh. It
    /// does not wait for a fetch in progress.
    pub async fn invalidate(&self, lease: &Lease) {
        let generation = lease.generation;
        let dropped = {
            let mut current = self.write();
            let current_one = current
                .as_ref()
                .is_some_and(|c| c.lease.generation == generation);
            if current_one {
                *current = None;
            }
            current_one
        };
        if dropped {
            tracing::debug!(generation, "app-token invalidated");
            self.store.reject(&self.key, &lease.token.secret).await;
        }
    }

    /// Number of token fetches started so far (tokens read from a shared store are not
    /// fetches).
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A lease naming `generation`, as a call that used it holds one.
    fn lease_of(generation: u64) -> Lease {
        Lease::new(Secret::new("t"), generation)
    }

    async fn fetch_ok(ttl: Duration) -> Result<(Secret, Duration), Error> {
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok((Secret::new("t"), ttl))
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let cache = Arc::new(TokenCache::in_process());
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let cache = Arc::clone(&cache);
            tasks.push(tokio::spawn(async move {
                cache.get(|| fetch_ok(Duration::from_secs(3600))).await
            }));
        }
        for task in tasks {
            let lease = task.await.ok().and_then(Result::ok);
            assert_eq!(lease.map(|l| l.generation), Some(1));
        }
        assert_eq!(cache.fetches(), 1);
    }

    #[tokio::test]
    async fn expired_tokens_are_refetched() {
        let cache = TokenCache::in_process();
        for _ in 0..3 {
            assert!(cache.get(|| fetch_ok(Duration::ZERO)).await.is_ok());
        }
        assert_eq!(cache.fetches(), 3);
    }

    #[tokio::test]
    async fn invalidation_only_drops_the_named_generation() {
        let cache = TokenCache::in_process();
        let ttl = Duration::from_secs(3600);
        let first = cache.get(|| fetch_ok(ttl)).await.ok().map(|l| l.generation);
        assert_eq!(first, Some(1));
        cache.invalidate(&lease_of(1)).await;
        let second = cache.get(|| fetch_ok(ttl)).await.ok().map(|l| l.generation);
        assert_eq!(second, Some(2));
        cache.invalidate(&lease_of(1)).await;
        let third = cache.get(|| fetch_ok(ttl)).await.ok().map(|l| l.generation);
        assert_eq!(third, Some(2));
        assert_eq!(cache.fetches(), 2);
    }

    #[tokio::test]
    async fn invalidating_does_not_wait_for_a_fetch_in_progress() {
        let cache = Arc::new(TokenCache::in_process());
        let first = cache.get(|| fetch_ok(Duration::from_secs(3600))).await;
        assert_eq!(first.ok().map(|l| l.generation), Some(1));
        cache.invalidate(&lease_of(1)).await;
        // A fetch that goes on until the test lets it finish.
        let (started_tx, started) = tokio::sync::oneshot::channel::<()>();
        let (finish, finish_rx) = tokio::sync::oneshot::channel::<()>();
        let fetching = tokio::spawn({
            let cache = Arc::clone(&cache);
            async move {
                cache
                    .get(|| async move {
                        let _ = started_tx.send(());
                        let _ = finish_rx.await;
                        Ok((Secret::new("t2"), Duration::from_secs(3600)))
                    })
                    .await
            }
        });
        assert!(started.await.is_ok(), "the fetch started");
        // Bounded only so that a regression fails instead of hanging.
        let invalidated =
            tokio::time::timeout(Duration::from_secs(10), cache.invalidate(&lease_of(1))).await;
        assert!(invalidated.is_ok(), "invalidate waited for the fetch");
        let _ = finish.send(());
        let second = fetching.await.ok().and_then(Result::ok);
        assert_eq!(second.map(|l| l.generation), Some(2));
        assert_eq!(cache.fetches(), 2);
    }

    #[tokio::test]
    async fn failed_fetch_leaves_no_token() {
        let cache = TokenCache::in_process();
        let failed = cache
            .get(|| async { Err::<(Secret, Duration), _>(Error::config("down")) })
            .await;
        assert!(failed.is_err());
        assert!(cache
            .get(|| fetch_ok(Duration::from_secs(60)))
            .await
            .is_ok());
        assert_eq!(cache.fetches(), 2);
    }
}
