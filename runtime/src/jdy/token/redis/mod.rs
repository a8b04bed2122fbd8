//! The app-token in Redis, shared by every process that names the same Redis: one
//! process fetches it (holding a lock key that expires if that process dies), the
//! others read it; a rejected token is deleted only if it is still the stored one.

mod health;

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{RedisResult, Script};
use tokio::sync::Mutex;

use self::health::{Health, Trouble};
use super::key::TokenKey;
use super::store::{StoreFuture, StoredToken, TokenFetch, TokenStore};
use crate::error::Error;
use crate::secret::Secret;

/// Longest wait for one Redis operation (connecting included), unless set otherwise.
const TIMEOUT: Duration = Duration::from_millis(500);
/// How long Redis is skipped after a failure, unless set otherwise.
const SKIP_AFTER_FAILURE: Duration = Duration::from_secs(2);
/// Lifetime of the fetch lock, unless set otherwise: longer than a token fetch takes
/// with its retries, short enough that a process that died holding it delays the others
/// little.
const LOCK_TTL: Duration = Duration::from_secs(10);
/// How often a process waiting for another's fetch looks for the token.
const POLL_EVERY: Duration = Duration::from_millis(20);

/// Deletes `KEYS[1]` only while it holds `ARGV[1]`: a lock only by its owner, a
/// rejected token only if nobody has stored a newer one.
const DELETE_IF_EQUAL: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
";

/// The value of `KEYS[1]` and its remaining lifetime in milliseconds, read together.
const READ_WITH_TTL: &str = r"
return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}
";

/// An app-token store in Redis, for many processes (and tenants) that should share one
/// token per tenant and refresh it once.
///
/// Each client keeps its own copy in front, so only a client without a fresh token asks
/// Redis. Then: the token under the tenant's key (`SET … PX`, expiring when it is due
/// for refresh) if there is one; otherwise one process takes the fetch lock
/// (`<key>:lock`, `SET NX PX` with a random owner), fetches, stores the token and
/// releases the lock only if it still owns it, while the others poll for the token and
/// take the lock over if it expires (its holder died). A rejected token is deleted only
/// if it is still the stored one, so one process never discards the token another just
/// fetched.
///
/// Redis must not make calls fail: every operation has a short timeout, and after a
/// failure Redis is skipped for a while (the client fetches its own token meanwhile, as
/// without a store) and the connection is made anew. Failures are logged with
/// `tracing::warn!` at most once a minute.
///
/// Cheap to share: one store (and one connection, multiplexed) serves any number of
/// clients and tenants behind an `Arc`. `Debug` shows the host, port and database,
/// never a password or a token.
pub struct RedisTokenStore {
    client: redis::Client,
    /// The URL without user name or password, for `Debug`.
    target: String,
    timeout: Duration,
    lock_ttl: Duration,
    poll_every: Duration,
    connection: Mutex<Option<ConnectionManager>>,
    health: Health,
    delete_if_equal: Script,
    read_with_ttl: Script,
}

impl fmt::Debug for RedisTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisTokenStore")
            .field("target", &self.target)
            .field("timeout", &self.timeout)
            .field("lock_ttl", &self.lock_ttl)
            .finish_non_exhaustive()
    }
}

/// What Redis said about a tenant's token.
enum Shared {
    /// Someone stored it.
    Found(StoredToken),
    /// There is none and this process holds the fetch lock, as `owner`.
    Fetch { owner: String },
    /// Redis cannot help: the process fetches on its own.
    Alone,
}

impl RedisTokenStore {
    /// A store at `url`: `redis://[[user]:password@]host[:port][/db]`, or `rediss://…`
    /// for TLS with a rustls feature (the server's certificate checked against that
    /// feature's roots). Nothing connects yet: the first client without a token does, so
    /// a Redis that is down when the program starts fails no call. The error never
    /// quotes the URL. redis builds its TLS from rustls's process-wide default crypto
    /// provider, so a `rediss://` URL installs ring as that default unless a provider is
    /// installed already ([`tls::install_default_crypto_provider`](crate::tls::install_default_crypto_provider)).
    pub fn open(url: &str) -> Result<RedisTokenStore, Error> {
        RedisTokenStore::parse(url)
            .map_err(|problem| Error::config(format!("the Redis token store URL {problem}")))
    }

    /// A store at the `rediss://` `url` whose server certificate is checked against the
    /// PEM root certificate `root_pem` only (a private CA), with a rustls feature.
    #[cfg(any(feature = "rustls-webpki-roots", feature = "rustls-native-roots"))]
    pub fn open_with_root_certificate(
        url: &str,
        root_pem: &[u8],
    ) -> Result<RedisTokenStore, Error> {
        if !is_tls(url) {
            return Err(Error::config(
                "a root certificate needs a rediss:// Redis token store URL",
            ));
        }
        // redis builds its rustls configuration from the process's default provider.
        crate::tls::install_default_crypto_provider();
        let certificates = redis::TlsCertificates {
            client_tls: None,
            root_cert: Some(root_pem.to_vec()),
        };
        let client = redis::Client::build_with_tls(url, certificates).map_err(|_| {
            Error::config("the Redis token store URL or root certificate is not valid")
        })?;
        Ok(RedisTokenStore::with_client(client, true))
    }

    /// [`open`](Self::open), with the problem as words to follow the name of whatever
    /// gave the URL.
    pub(crate) fn parse(url: &str) -> Result<RedisTokenStore, &'static str> {
        let tls = is_tls(url);
        if tls {
            // redis builds its rustls configuration from the process's default provider.
            crate::tls::install_default_crypto_provider();
        }
        let client = redis::Client::open(url).map_err(|_| {
            if tls
                && !cfg!(any(
                    feature = "rustls-webpki-roots",
                    feature = "rustls-native-roots"
                ))
            {
                "is a rediss:// URL, but this build has no rustls feature for TLS; use a \
                 redis:// URL on loopback or a TLS tunnel"
            } else {
                "is not a valid Redis URL"
            }
        })?;
        Ok(RedisTokenStore::with_client(client, tls))
    }

    fn with_client(client: redis::Client, tls: bool) -> RedisTokenStore {
        let info = client.get_connection_info();
        let target = format!(
            "{}://{}/{}",
            if tls { "rediss" } else { "redis" },
            info.addr(),
            info.redis_settings().db()
        );
        RedisTokenStore {
            client,
            target,
            timeout: TIMEOUT,
            lock_ttl: LOCK_TTL,
            poll_every: POLL_EVERY,
            connection: Mutex::new(None),
            health: Health::new(SKIP_AFTER_FAILURE),
            delete_if_equal: Script::new(DELETE_IF_EQUAL),
            read_with_ttl: Script::new(READ_WITH_TTL),
        }
    }

    /// This store with `timeout` for each Redis operation, connecting included
    /// (default 500 ms). A call without a fresh token waits at most about this long for
    /// a Redis that does not answer.
    pub fn timeout(mut self, timeout: Duration) -> RedisTokenStore {
        self.timeout = timeout;
        self
    }

    /// This store skipping Redis for `skip_for` after a failure (default 2 s), so that
    /// a Redis that is down does not add a timeout to every call.
    pub fn skip_after_failure(mut self, skip_for: Duration) -> RedisTokenStore {
        self.health = Health::new(skip_for);
        self
    }

    /// This store with `ttl` as the lifetime of the fetch lock (default 10 s): how long
    /// the other processes wait for a fetching process that died before one of them
    /// fetches instead. It should exceed the time a token fetch takes.
    pub fn lock_ttl(mut self, ttl: Duration) -> RedisTokenStore {
        self.lock_ttl = ttl;
        self
    }

    /// Runs one Redis operation within the timeout; a failure makes Redis skipped for a
    /// while and the connection made anew.
    async fn run<T, F, Fut>(&self, operation: &'static str, op: F) -> Option<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let attempt = async {
            let connection = self.connection().await?;
            op(connection).await
        };
        let trouble = match tokio::time::timeout(self.timeout, attempt).await {
            Ok(Ok(value)) => {
                self.health.succeeded();
                return Some(value);
            }
            Ok(Err(error)) if error.is_timeout() => Trouble::Timeout,
            Ok(Err(error)) => Trouble::Failed(error.kind()),
            Err(_) => Trouble::Timeout,
        };
        self.health.failed(operation, trouble);
        *self.connection.lock().await = None;
        None
    }

    /// The connection, made on first use and again after a failure.
    async fn connection(&self) -> RedisResult<ConnectionManager> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = slot.as_ref() {
            return Ok(connection.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(1);
        let connection = self
            .client
            .get_connection_manager_with_config(config)
            .await?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// The stored token of `key`, if there is one with a lifetime left.
    async fn read(&self, key: &TokenKey) -> Option<Option<StoredToken>> {
        let script = &self.read_with_ttl;
        let (value, ttl_ms): (Option<String>, i64) = self
            .run("read the token", |mut connection| async move {
                script.key(key.as_str()).invoke_async(&mut connection).await
            })
            .await?;
        // A key without a lifetime (-1) was not written by a store; it is replaced.
        Some(match (value, u64::try_from(ttl_ms)) {
            (Some(token), Ok(ms)) if ms > 0 && !token.is_empty() => Some(StoredToken::new(
                Secret::new(token),
                Duration::from_millis(ms),
            )),
            _ => None,
        })
    }

    /// Takes the fetch lock of `key` as `owner`, if nobody holds it.
    async fn try_lock(&self, key: &TokenKey, owner: &str) -> Option<bool> {
        let lock = lock_key(key);
        let ttl_ms = millis(self.lock_ttl).max(1);
        let reply: Option<String> = self
            .run("take the fetch lock", |mut connection| async move {
                redis::cmd("SET")
                    .arg(&lock)
                    .arg(owner)
                    .arg("NX")
                    .arg("PX")
                    .arg(ttl_ms)
                    .query_async(&mut connection)
                    .await
            })
            .await?;
        Some(reply.is_some())
    }

    /// Deletes `key` if it still holds `value`.
    async fn delete_if_equal(&self, operation: &'static str, key: &str, value: &str) {
        let script = &self.delete_if_equal;
        let _: Option<i64> = self
            .run(operation, |mut connection| async move {
                script
                    .key(key)
                    .arg(value)
                    .invoke_async(&mut connection)
                    .await
            })
            .await;
    }

    /// Looks for the token of `key`, taking the fetch lock when there is none, and
    /// waiting for another process's fetch while someone else holds it.
    async fn find(&self, key: &TokenKey) -> Shared {
        if !self.health.usable() {
            return Shared::Alone;
        }
        let owner = format!("{:032x}", rand::random::<u128>());
        // A holder that died leaves the lock for `lock_ttl` at most.
        let give_up_at = Instant::now() + self.lock_ttl + self.lock_ttl / 2;
        loop {
            match self.read(key).await {
                Some(Some(token)) => return Shared::Found(token),
                Some(None) => {}
                None => return Shared::Alone,
            }
            match self.try_lock(key, &owner).await {
                // The holder before may have stored the token and released the lock
                // between the read and the lock: look once more before fetching.
                Some(true) => {
                    return match self.read(key).await {
                        Some(Some(token)) => {
                            self.release(key, &owner).await;
                            Shared::Found(token)
                        }
                        _ => Shared::Fetch { owner },
                    };
                }
                Some(false) => {}
                None => return Shared::Alone,
            }
            if Instant::now() >= give_up_at {
                tracing::warn!(
                    "the app-token fetch lock in Redis outlived its lifetime; fetching without it"
                );
                return Shared::Alone;
            }
            let factor: f64 = rand::RngExt::random_range(&mut rand::rng(), 0.5..=1.5);
            tokio::time::sleep(self.poll_every.mul_f64(factor)).await;
        }
    }

    /// Stores `token` under `key` until it is due for refresh.
    async fn save(&self, key: &TokenKey, token: &StoredToken) {
        let ttl_ms = millis(token.refresh_in);
        if ttl_ms == 0 {
            // Due at once: nothing to share, and `PX 0` is an error.
            return;
        }
        let value = token.token.expose();
        let _: Option<()> = self
            .run("store the token", |mut connection| async move {
                redis::cmd("SET")
                    .arg(key.as_str())
                    .arg(value)
                    .arg("PX")
                    .arg(ttl_ms)
                    .query_async(&mut connection)
                    .await
            })
            .await;
    }

    async fn release(&self, key: &TokenKey, owner: &str) {
        self.delete_if_equal("release the fetch lock", &lock_key(key), owner)
            .await;
    }
}

impl TokenStore for RedisTokenStore {
    fn obtain<'a>(
        &'a self,
        key: &'a TokenKey,
        fetch: TokenFetch<'a>,
    ) -> StoreFuture<'a, Result<StoredToken, Error>> {
        Box::pin(async move {
            match self.find(key).await {
                Shared::Found(token) => Ok(token),
                Shared::Alone => fetch.await,
                Shared::Fetch { owner } => {
                    let fetched = fetch.await;
                    if let Ok(token) = &fetched {
                        self.save(key, token).await;
                    }
                    // Released after a failure too, so that another process tries
                    // without waiting for the lock to expire.
                    self.release(key, &owner).await;
                    fetched
                }
            }
        })
    }

    fn reject<'a>(&'a self, key: &'a TokenKey, token: &'a Secret) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            if self.health.usable() {
                self.delete_if_equal("delete the rejected token", key.as_str(), token.expose())
                    .await;
            }
        })
    }
}

/// Whether `url` asks for TLS.
fn is_tls(url: &str) -> bool {
    url.get(..9)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("rediss://"))
}

/// The fetch lock of the tenant `key`.
fn lock_key(key: &TokenKey) -> String {
    format!("{}:lock", key.as_str())
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
