//! The app-token cache: one fetch at a time, shared by every call of a client.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockWriteGuard};
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;

use tokio::sync::Mutex;

use crate::error::Error;
use crate::secret::Secret;

/// How long before its expiry a token is replaced, so that a token never expires
/// between being read here and being checked by the gateway.
const REFRESH_EARLY: Duration = Duration::from_secs(5 * 60);

const MAX_TTL: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// An app-token handed to a call, with the generation that identifies it when the
/// service rejects it. Cheap to clone: every call shares the cached token.
#[derive(Clone, Debug)]
pub struct Lease {
    pub(crate) token: Arc<Token>,
    pub(crate) generation: u64,
}

impl Lease {
    /// A lease of a token obtained outside the client's cache, to build and sign a
    /// request without I/O ([`Client::signed_request`](crate::Client::signed_request)).
    /// Its generation is 0, which the cache never hands out, so invalidating it drops
    /// no cached token.
    #[doc(hidden)]
    pub fn unmanaged(token: Secret) -> Lease {
        Lease::new(token, 0)
    }

    fn new(token: Secret, generation: u64) -> Lease {
        Lease {
            token: Arc::new(Token::new(token)),
            generation,
        }
    }
}

/// An app-token and the `app-token` header value carrying it, made once per token
/// rather than once per request.
pub(crate) struct Token {
    pub(crate) secret: Secret,
    /// Marked sensitive; `None` when the token is not a valid header value, which
    /// signing then reports as it reports any other invalid value.
    pub(crate) header: Option<HeaderValue>,
}

impl Token {
    fn new(secret: Secret) -> Token {
        let header = HeaderValue::from_str(secret.expose())
            .ok()
            .map(|mut value| {
                value.set_sensitive(true);
                value
            });
        Token { secret, header }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Secret` prints masked; the header value holds the same token.
        f.debug_struct("Token")
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct Cached {
    lease: Lease,
    refresh_at: Instant,
}

/// Holds the current token. Calls read it under a short lock without waiting while it
/// is fresh; the async mutex is held during a fetch, so concurrent callers wait for that
/// one fetch instead of starting their own.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    current: RwLock<Option<Cached>>,
    fetching: Mutex<()>,
    generation: AtomicU64,
    fetches: AtomicU64,
}

impl TokenCache {
    /// The cached token, or a new one from `fetch` (which returns the token and its
    /// lifetime) when there is none or it is due for refresh.
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<Lease, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Secret, Duration), Error>>,
    {
        if let Some(lease) = self.fresh() {
            return Ok(lease);
        }
        let _fetching = self.fetching.lock().await;
        // Another caller may have fetched while this one waited.
        if let Some(lease) = self.fresh() {
            return Ok(lease);
        }
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let (token, ttl) = fetch().await?;
        let lease = Lease::new(token, self.generation.fetch_add(1, Ordering::Relaxed) + 1);
        // Capped so that the deadline cannot overflow `Instant`.
        let ttl = ttl.min(MAX_TTL);
        let early = REFRESH_EARLY.min(ttl / 2);
        *self.write() = Some(Cached {
            lease: lease.clone(),
            refresh_at: Instant::now() + (ttl - early),
        });
        tracing::debug!(generation = lease.generation, "app-token fetched");
        Ok(lease)
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

    /// Drops the token of `generation` after the service rejected it. A token that was
    /// already replaced stays, so many calls failing with the same old token cause a
    /// single refresh. It does not wait for a fetch in progress.
    pub async fn invalidate(&self, generation: u64) {
        let mut current = self.write();
        if current
            .as_ref()
            .is_some_and(|c| c.lease.generation == generation)
        {
            *current = None;
            tracing::debug!(generation, "app-token invalidated");
        }
    }

    /// Number of fetches started so far.
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    async fn fetch_ok(ttl: Duration) -> Result<(Secret, Duration), Error> {
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok((Secret::new("t"), ttl))
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let cache = Arc::new(TokenCache::default());
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
        let cache = TokenCache::default();
        for _ in 0..3 {
            assert!(cache.get(|| fetch_ok(Duration::ZERO)).await.is_ok());
        }
        assert_eq!(cache.fetches(), 3);
    }

    #[tokio::test]
    async fn invalidation_only_drops_the_named_generation() {
        let cache = TokenCache::default();
        let ttl = Duration::from_secs(3600);
        let first = cache.get(|| fetch_ok(ttl)).await.ok().map(|l| l.generation);
        assert_eq!(first, Some(1));
        cache.invalidate(1).await;
        let second = cache.get(|| fetch_ok(ttl)).await.ok().map(|l| l.generation);
        assert_eq!(second, Some(2));
        cache.invalidate(1).await;
        let third = cache.get(|| fetch_ok(ttl)).await.ok().map(|l| l.generation);
        assert_eq!(third, Some(2));
        assert_eq!(cache.fetches(), 2);
    }

    #[tokio::test]
    async fn invalidating_does_not_wait_for_a_fetch_in_progress() {
        let cache = Arc::new(TokenCache::default());
        let first = cache.get(|| fetch_ok(Duration::from_secs(3600))).await;
        assert_eq!(first.ok().map(|l| l.generation), Some(1));
        cache.invalidate(1).await;
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
        let invalidated = tokio::time::timeout(Duration::from_secs(10), cache.invalidate(1)).await;
        assert!(invalidated.is_ok(), "invalidate waited for the fetch");
        let _ = finish.send(());
        let second = fetching.await.ok().and_then(Result::ok);
        assert_eq!(second.map(|l| l.generation), Some(2));
        assert_eq!(cache.fetches(), 2);
    }

    #[tokio::test]
    async fn failed_fetch_leaves_no_token() {
        let cache = TokenCache::default();
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
