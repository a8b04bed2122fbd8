//! The Redis token store against a real `redis-server` and the local gateway: clients
//! standing for separate processes (each with its own store and connection) share one
//! token, a fetch lock left by a dead process is taken over, a rejected token is deleted
//! only while it is still the stored one, tokens expire with their Redis lifetime, and a
//! Redis that is down or silent makes no call fail.
#![cfg(feature = "redis")]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::redis_server::{RedisServer, TestRedis};
use common::*;
use retail_apis_runtime::jdy::{JdyClient, RedisTokenStore, TokenStore};
use serde_json::{json, Value};

/// Generous for a loaded machine: a timeout here would make a client fetch on its own
/// and spoil the counts these tests assert.
const PATIENT: Duration = Duration::from_secs(3);

/// A store at `url`, as a process of its own would have.
fn store(url: &str) -> Arc<dyn TokenStore> {
    Arc::new(
        RedisTokenStore::open(url)
            .unwrap_or_else(|e| panic!("{e}"))
            .timeout(PATIENT),
    )
}

fn client(base: &str, store: Arc<dyn TokenStore>) -> JdyClient {
    JdyClient::new(&JDY, jdy_config(base, fast_transport()).token_store(store))
        .unwrap_or_else(|e| panic!("client: {e}"))
}

/// Database `db` of the test Redis, emptied: each test has its own, so that tests
/// running together do not share the tenant's key.
async fn database(redis: &TestRedis, db: u8) -> (String, redis::aio::MultiplexedConnection) {
    let url = format!("{}/{db}", redis.url());
    let mut connection = raw(&url).await;
    let _: () = redis::cmd("FLUSHDB")
        .query_async(&mut connection)
        .await
        .unwrap_or_else(|e| panic!("FLUSHDB: {e}"));
    (url, connection)
}

async fn raw(url: &str) -> redis::aio::MultiplexedConnection {
    redis::Client::open(url)
        .unwrap_or_else(|e| panic!("{e}"))
        .get_multiplexed_async_connection()
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test Redis: {e}"))
}

async fn get(connection: &mut redis::aio::MultiplexedConnection, key: &str) -> Option<String> {
    redis::cmd("GET")
        .arg(key)
        .query_async(connection)
        .await
        .unwrap_or_else(|e| panic!("GET: {e}"))
}

async fn set_px(
    connection: &mut redis::aio::MultiplexedConnection,
    key: &str,
    value: &str,
    ms: u64,
) {
    let _: () = redis::cmd("SET")
        .arg(key)
        .arg(value)
        .arg("PX")
        .arg(ms)
        .query_async(connection)
        .await
        .unwrap_or_else(|e| panic!("SET: {e}"));
}

fn token_of(result: Result<Value, retail_apis_runtime::Error>) -> Value {
    match result {
        Ok(value) => value.get("token").cloned().unwrap_or(Value::Null),
        Err(error) => panic!("call failed: {error}"),
    }
}

#[tokio::test]
async fn clients_of_separate_stores_fetch_one_token() {
    let Some(redis) = TestRedis::get("clients_of_separate_stores_fetch_one_token") else {
        return;
    };
    let (url, mut connection) = database(&redis, 1).await;
    let (base, seen) = start().await;
    // Four "processes": each its own store, connection and client, 25 calls each at once.
    let clients: Vec<JdyClient> = (0..4).map(|_| client(&base, store(&url))).collect();
    let mut tasks = Vec::new();
    for client in &clients {
        for i in 0..25 {
            let client = client.clone();
            tasks.push(tokio::spawn(async move {
                client.call_value(&OK, json!({"i": i})).await
            }));
        }
    }
    for task in tasks {
        let result = task.await.unwrap_or_else(|e| panic!("task: {e}"));
        assert_eq!(token_of(result), json!("tok-1"));
    }
    assert_eq!(seen.token_fetches.load(Ordering::SeqCst), 1);
    let fetched: u64 = clients.iter().map(JdyClient::token_fetches).sum();
    assert_eq!(fetched, 1);
    let key = clients[0].token_key().as_str().to_owned();
    assert_eq!(get(&mut connection, &key).await.as_deref(), Some("tok-1"));
    assert_eq!(
        get(&mut connection, &format!("{key}:lock")).await,
        None,
        "lock released"
    );
    // The token expires in Redis when it is due for refresh: its lifetime less 5 min.
    let ttl_ms: i64 = redis::cmd("PTTL")
        .arg(&key)
        .query_async(&mut connection)
        .await
        .unwrap_or_else(|e| panic!("PTTL: {e}"));
    let due = i64::try_from(GATEWAY.token.ttl_secs * 1000 - 300_000).unwrap_or(i64::MAX);
    assert!(
        ttl_ms <= due && ttl_ms > due - 60_000,
        "PTTL {ttl_ms}, due {due}"
    );
}

#[tokio::test]
async fn a_lock_left_by_a_dead_process_is_taken_over_when_it_expires() {
    let Some(redis) = TestRedis::get("a_lock_left_by_a_dead_process_is_taken_over") else {
        return;
    };
    let (url, mut connection) = database(&redis, 2).await;
    let (base, seen) = start().await;
    let client = client(&base, store(&url));
    let lock = format!("{}:lock", client.token_key().as_str());
    // A process took the lock and died: the lock lives on for its lifetime.
    set_px(&mut connection, &lock, "dead-owner", 3000).await;
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.call_value(&OK, json!({})).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        seen.token_fetches.load(Ordering::SeqCst),
        0,
        "no fetch while another process holds the lock"
    );
    assert!(!call.is_finished(), "the call waits for the lock holder");
    let result = tokio::time::timeout(Duration::from_secs(20), call)
        .await
        .unwrap_or_else(|_| panic!("the call did not take the lock over"))
        .unwrap_or_else(|e| panic!("task: {e}"));
    assert_eq!(token_of(result), json!("tok-1"));
    assert_eq!(seen.token_fetches.load(Ordering::SeqCst), 1);
    assert_eq!(get(&mut connection, &lock).await, None);
    let key = client.token_key().as_str().to_owned();
    assert_eq!(get(&mut connection, &key).await.as_deref(), Some("tok-1"));
}

#[tokio::test]
async fn rejecting_a_token_keeps_a_newer_one_another_process_stored() {
    let Some(redis) = TestRedis::get("rejecting_a_token_keeps_a_newer_one") else {
        return;
    };
    let (url, mut connection) = database(&redis, 3).await;
    let (base, seen) = start().await;
    let client = client(&base, store(&url));
    assert_eq!(
        token_of(client.call_value(&OK, json!({})).await),
        json!("tok-1")
    );
    let key = client.token_key().as_str().to_owned();
    // Another process met the expiry first and stored a new token.
    set_px(&mut connection, &key, "tok-from-elsewhere", 600_000).await;
    // This one still holds tok-1 and has it rejected (4011): it must not delete the
    // newer token, and uses it instead of fetching.
    let value = client.call_value(&GATEWAY_EXPIRE_ONCE, json!({})).await;
    assert_eq!(token_of(value), json!("tok-from-elsewhere"));
    assert_eq!(seen.token_fetches.load(Ordering::SeqCst), 1);
    assert_eq!(
        get(&mut connection, &key).await.as_deref(),
        Some("tok-from-elsewhere")
    );
}

#[tokio::test]
async fn a_rejected_token_still_stored_is_deleted_and_fetched_once() {
    let Some(redis) = TestRedis::get("a_rejected_token_still_stored_is_deleted") else {
        return;
    };
    let (url, mut connection) = database(&redis, 4).await;
    let (base, seen) = start().await;
    let first = client(&base, store(&url));
    let second = client(&base, store(&url));
    assert_eq!(
        token_of(first.call_value(&OK, json!({})).await),
        json!("tok-1")
    );
    assert_eq!(
        token_of(second.call_value(&OK, json!({})).await),
        json!("tok-1")
    );
    // Both hold tok-1; the gateway rejects it once for each of them.
    for client in [&first, &second] {
        let value = client.call_value(&GATEWAY_EXPIRE_ONCE, json!({})).await;
        assert_eq!(token_of(value), json!("tok-2"));
    }
    assert_eq!(
        seen.token_fetches.load(Ordering::SeqCst),
        2,
        "one refresh for both"
    );
    let key = first.token_key().as_str().to_owned();
    assert_eq!(get(&mut connection, &key).await.as_deref(), Some("tok-2"));
}

#[tokio::test]
async fn a_token_expires_with_its_redis_lifetime() {
    let Some(redis) = TestRedis::get("a_token_expires_with_its_redis_lifetime") else {
        return;
    };
    let (url, mut connection) = database(&redis, 5).await;
    let (base, seen) = start().await;
    let client = client(&base, store(&url));
    let key = client.token_key().as_str().to_owned();
    set_px(&mut connection, &key, "short-lived", 1000).await;
    assert_eq!(
        token_of(client.call_value(&OK, json!({})).await),
        json!("short-lived")
    );
    assert_eq!(seen.token_fetches.load(Ordering::SeqCst), 0);
    // This client's own copy lives no longer than the stored one.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(get(&mut connection, &key).await, None, "Redis expired it");
    assert_eq!(
        token_of(client.call_value(&OK, json!({})).await),
        json!("tok-1")
    );
    assert_eq!(seen.token_fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn calls_go_on_when_redis_dies_and_use_it_again_when_it_is_back() {
    let Some(mut redis) = RedisServer::start("calls_go_on_when_redis_dies") else {
        return;
    };
    let (base, seen) = start().await;
    let shared: Arc<dyn TokenStore> = Arc::new(
        RedisTokenStore::open(&redis.url())
            .unwrap_or_else(|e| panic!("{e}"))
            .timeout(PATIENT)
            .skip_after_failure(Duration::from_millis(300)),
    );
    let first = client(&base, Arc::clone(&shared));
    assert_eq!(
        token_of(first.call_value(&OK, json!({})).await),
        json!("tok-1")
    );
    redis.kill();
    // A client with its token keeps calling; a new one (no token yet) fetches its own;
    // a rejected token is replaced. None of them fails.
    assert_eq!(
        token_of(first.call_value(&OK, json!({})).await),
        json!("tok-1")
    );
    let second = client(&base, Arc::clone(&shared));
    assert_eq!(
        token_of(second.call_value(&OK, json!({})).await),
        json!("tok-2")
    );
    let value = first.call_value(&GATEWAY_EXPIRE_ONCE, json!({})).await;
    assert_eq!(token_of(value), json!("tok-3"));
    assert_eq!(seen.token_fetches.load(Ordering::SeqCst), 3);
    // Back (empty), and after the skip period the store writes to it again.
    redis.restart();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let third = client(&base, Arc::clone(&shared));
    assert_eq!(
        token_of(third.call_value(&OK, json!({})).await),
        json!("tok-4")
    );
    let mut connection = raw(&redis.url()).await;
    let key = third.token_key().as_str().to_owned();
    assert_eq!(get(&mut connection, &key).await.as_deref(), Some("tok-4"));
}

/// A "Redis" that accepts connections and never answers: every operation would wait
/// for its timeout. Counts the connections it accepted.
async fn silent_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            open.push(stream);
        }
    });
    (format!("redis://{addr}"), accepted)
}

#[tokio::test]
async fn a_silent_redis_costs_one_timeout_then_is_skipped() {
    let (url, accepted) = silent_server().await;
    let (base, seen) = start().await;
    let shared: Arc<dyn TokenStore> = Arc::new(
        RedisTokenStore::open(&url)
            .unwrap_or_else(|e| panic!("{e}"))
            .timeout(Duration::from_millis(200))
            .skip_after_failure(Duration::from_secs(60)),
    );
    let first = client(&base, Arc::clone(&shared));
    assert_eq!(
        token_of(first.call_value(&OK, json!({})).await),
        json!("tok-1")
    );
    let after_first = accepted.load(Ordering::SeqCst);
    assert!(after_first >= 1, "the store tried Redis");
    // Twenty more clients without a token: none of them asks Redis during the skip.
    for n in 2..=21 {
        let client = client(&base, Arc::clone(&shared));
        assert_eq!(
            token_of(client.call_value(&OK, json!({})).await),
            json!(format!("tok-{n}"))
        );
    }
    assert_eq!(accepted.load(Ordering::SeqCst), after_first);
    assert_eq!(seen.token_fetches.load(Ordering::SeqCst), 21);
}

#[test]
fn debug_and_errors_never_show_the_redis_password() {
    let store = RedisTokenStore::open("redis://:hunter2@127.0.0.1:6390/3")
        .unwrap_or_else(|e| panic!("{e}"));
    let debug = format!("{store:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("127.0.0.1:6390/3"), "{debug}");
    let shared: Arc<dyn TokenStore> = Arc::new(store);
    let config = jdy_config("http://127.0.0.1:9", fast_transport()).token_store(shared);
    let debug = format!("{config:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    let client = JdyClient::new(&JDY, config).unwrap_or_else(|e| panic!("{e}"));
    let debug = format!("{client:?}");
    assert!(
        !debug.contains("hunter2") && debug.contains("RedisTokenStore"),
        "{debug}"
    );
    for bad in ["redis://:hunter2@[::1", "redis://:hunter2@0.0.0.0:6379"] {
        let message = match RedisTokenStore::open(bad) {
            Err(error) => error.to_string(),
            Ok(store) => panic!("accepted {store:?}"),
        };
        assert!(!message.contains("hunter2"), "{message}");
        assert!(message.contains("Redis token store URL"), "{message}");
    }
}

#[tokio::test]
async fn a_redis_that_stays_down_is_warned_about_once_and_never_quoted() {
    let (buffer, _guard) = common::log_capture::capture(tracing::Level::DEBUG);

    let (base, _) = start().await;
    // Nothing listens there, and Redis is asked again after every failure.
    let url = format!("redis://:hunter2@127.0.0.1:{}", closed_port());
    let shared: Arc<dyn TokenStore> = Arc::new(
        RedisTokenStore::open(&url)
            .unwrap_or_else(|e| panic!("{e}"))
            .skip_after_failure(Duration::ZERO),
    );
    for n in 1..=10 {
        let client = client(&base, Arc::clone(&shared));
        assert_eq!(
            token_of(client.call_value(&OK, json!({})).await),
            json!(format!("tok-{n}"))
        );
    }
    let logs = buffer.text();
    let unavailable = |level: &str| {
        logs.lines()
            .filter(|l| l.contains(level) && l.contains("Redis token store unavailable"))
            .count()
    };
    assert_eq!(unavailable("WARN"), 1, "{logs}");
    assert!(unavailable("DEBUG") >= 9, "{logs}");
    assert!(
        !logs.contains("hunter2") && !logs.contains("tok-"),
        "{logs}"
    );
}

/// Redis over TLS with the fixture certificates (a private CA, `tests/fixtures/tls`): two
/// "processes" trusting that CA share one token; a store with only the build's roots
/// refuses the certificate, so it shares nothing, and its call still succeeds.
#[cfg(any(feature = "rustls-webpki-roots", feature = "rustls-native-roots"))]
#[tokio::test]
async fn tls_redis_shares_the_token_and_its_certificate_is_checked() {
    let certs = common::tls::fixture("");
    let Some(redis) = RedisServer::start_tls("tls_redis_shares_the_token", &certs) else {
        return;
    };
    let url = redis.tls_url();
    let ca = std::fs::read(certs.join("ca.pem")).unwrap_or_else(|e| panic!("ca.pem: {e}"));
    let trusting = || -> Arc<dyn TokenStore> {
        Arc::new(
            RedisTokenStore::open_with_root_certificate(&url, &ca)
                .unwrap_or_else(|e| panic!("{e}"))
                .timeout(PATIENT),
        )
    };
    let (base, seen) = start().await;
    for _ in 0..2 {
        let client = client(&base, trusting());
        assert_eq!(
            token_of(client.call_value(&OK, json!({})).await),
            json!("tok-1")
        );
    }
    assert_eq!(seen.token_fetches.load(Ordering::SeqCst), 1);
    let untrusting = client(&base, store(&url));
    assert_eq!(
        token_of(untrusting.call_value(&OK, json!({})).await),
        json!("tok-2")
    );
    assert_eq!(seen.token_fetches.load(Ordering::SeqCst), 2);
    // A root certificate without TLS is a configuration error.
    let plain = RedisTokenStore::open_with_root_certificate(&redis.url(), &ca);
    assert!(matches!(
        plain,
        Err(retail_apis_runtime::Error::Config { .. })
    ));
}

/// A tenant client made with `for_tenant` keeps its token in its parent's store, under
/// its own tenant's key: it neither takes the parent's token nor fetches one that the
/// other processes of its tenant cannot read.
#[tokio::test]
async fn a_tenant_client_shares_the_store_under_its_own_key() {
    let Some(redis) = TestRedis::get("a_tenant_client_shares_the_store") else {
        return;
    };
    let (url, mut connection) = database(&redis, 6).await;
    let (base, seen) = start().await;
    let parent = client(&base, store(&url));
    let tenant = retail_apis_runtime::jdy::JdyTenant::new("app-key-2", "app-secret-2", DOMAIN);
    let shop = parent
        .for_tenant(tenant)
        .unwrap_or_else(|e| panic!("tenant: {e}"));
    assert_eq!(
        token_of(parent.call_value(&OK, json!({})).await),
        json!("tok-1")
    );
    assert_eq!(
        token_of(shop.call_value(&OK, json!({})).await),
        json!("tok-2")
    );
    assert_ne!(parent.token_key(), shop.token_key());
    let shop_key = shop.token_key().as_str().to_owned();
    assert_eq!(
        get(&mut connection, &shop_key).await.as_deref(),
        Some("tok-2")
    );
    // Another process's client of that tenant reads it instead of fetching.
    let elsewhere = client(&base, store(&url))
        .for_tenant(retail_apis_runtime::jdy::JdyTenant::new(
            "app-key-2",
            "app-secret-2",
            DOMAIN,
        ))
        .unwrap_or_else(|e| panic!("tenant: {e}"));
    assert_eq!(
        token_of(elsewhere.call_value(&OK, json!({})).await),
        json!("tok-2")
    );
    assert_eq!(seen.token_fetches.load(Ordering::SeqCst), 2);
}
