//! Sandbox throughput with full request checking, and the process's memory.
//!
//! ```sh
//! cargo bench -p retail-apis-sandbox --bench throughput
//! ```
//!
//! The sandbox is started in-process on 127.0.0.1:0 from the real `spec/`, then each scenario
//! sends a bounded number of requests (and stops early at a time limit) with a fixed number in
//! flight, through the runtime's own clients or raw signed requests:
//!
//! - `floor: 404` — a request to a path no spec serves: loopback HTTP, routing and the answer,
//!   with no checks. What the scenarios cost above it is the sandbox's work plus the client's.
//! - `jdy.app_token` — raw gateway-signed GETs of the token endpoint: timestamp, headers, HMAC
//!   over method, path and query, nonce replay, `app_signature`, a new token each time.
//! - `jdy.refund_save` and `jdy.mall_recharge` — `JdyClient::call_value` with distinct
//!   `refund_no` / `src_bill_id`: every gateway check plus app-token, tenant routing, body
//!   validation against the spec and the idempotency state.
//! - `shoubei.coupon_write_off` — `ShoubeiClient::call_value` on distinct seeded coupons: MD5
//!   `sign` verified on the request, body validated, answer signed and verified by the client.
//!
//! Client and sandbox share the process and its cores, so requests/s is a lower bound for the
//! sandbox alone. Memory is the whole process, from `/proc/self/status` (Linux).

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use retail_apis_codegen::model::Service;
use retail_apis_runtime::jdy::headers::{
    X_API_AUTH_VERSION, X_API_CLIENT_ID, X_API_NONCE, X_API_SIGNATURE, X_API_SIGN_HEADERS,
    X_API_TIMESTAMP,
};
use retail_apis_runtime::jdy::signing::CanonicalRequest;
use retail_apis_runtime::jdy::{JdyClient, JdyConfig};
use retail_apis_runtime::shoubei::{ShoubeiClient, ShoubeiConfig};
use retail_apis_runtime::{
    AuthScheme, EndpointDescriptor, HttpMethod, KingdeeGatewayScheme, Secret, ServiceDescriptor,
    TransportConfig,
};
use retail_apis_sandbox::config as creds;
use retail_apis_sandbox::{Sandbox, SandboxConfig, SeedCoupon};
use serde_json::{json, Value};

/// Requests per scenario.
const REQUESTS: usize = 10_000;
/// Requests in flight at any time.
const CONCURRENCY: usize = 32;
/// A scenario stops early after this long, whatever its count.
const TIME_LIMIT: Duration = Duration::from_secs(20);

type BoxError = Box<dyn std::error::Error + Send + Sync>;

// ---------------------------------------------------------------------------------------
// Runtime descriptors from the spec model. Generated code declares these as constants; the
// bench builds them from the loaded spec instead, so it needs no generated client. The
// clients borrow their descriptor for `'static`, so each is kept for the whole run.

fn descriptor(service: &Service) -> &'static ServiceDescriptor {
    Box::leak(Box::new(service.descriptor()))
}

fn endpoint(
    service: &'static ServiceDescriptor,
    operation: &str,
) -> Result<&'static EndpointDescriptor, BoxError> {
    service
        .endpoint(operation)
        .ok_or_else(|| format!("spec has no {}.{operation}", service.name).into())
}

// ---------------------------------------------------------------------------------------
// Measurement

/// `VmRSS` and `VmHWM` (peak) of this process in KiB.
fn memory_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn print_memory(label: &str) {
    match memory_kib() {
        Some((rss, hwm)) => println!(
            "memory {label:<34} RSS {:>6.1} MiB   peak (VmHWM) {:>6.1} MiB",
            rss as f64 / 1024.0,
            hwm as f64 / 1024.0
        ),
        None => println!("memory {label}: needs Linux /proc"),
    }
}

/// Runs `call(n)` for n in 0..REQUESTS with CONCURRENCY in flight, stopping at TIME_LIMIT;
/// prints requests/s and latency percentiles. Any failed call fails the bench: a rate of
/// rejections would measure the wrong thing.
async fn scenario<F, Fut>(label: &str, call: F) -> Result<(), BoxError>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), BoxError>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let next = Arc::clone(&next);
            let call = call.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= REQUESTS || started.elapsed() > TIME_LIMIT {
                        return Ok::<_, BoxError>(latencies);
                    }
                    let sent = Instant::now();
                    call(n).await?;
                    latencies.push(sent.elapsed());
                }
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(REQUESTS);
    for worker in workers {
        latencies.extend(worker.await??);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let percentile = |p: usize| {
        latencies
            .get((latencies.len() * p / 100).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    println!(
        "{label:<26} {:>6} req in {:>5.2} s = {:>7.0} req/s   latency p50 {:.2} ms, p99 {:.2} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(50),
        percentile(99),
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Raw signed requests (the token endpoint is not something a client calls per request)

fn now_ms() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default()
        .to_string()
}

/// Nonces unique within the run (the sandbox rejects a repeat as a replay).
fn nonce() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1_000_000_000);
    NEXT.fetch_add(1, Ordering::Relaxed).to_string()
}

async fn token_request(
    http: &reqwest::Client,
    base: &str,
    scheme: &KingdeeGatewayScheme,
) -> Result<(), BoxError> {
    let app_signature =
        retail_apis_runtime::jdy::signing::app_signature(creds::APP_KEY, creds::APP_SECRET);
    let query = [
        ("app_key", creds::APP_KEY),
        ("app_signature", app_signature.as_str()),
    ];
    let (nonce, timestamp) = (nonce(), now_ms());
    let request = CanonicalRequest {
        method: HttpMethod::Get,
        path: &scheme.token.path,
        query: &query,
        headers: vec![(X_API_TIMESTAMP, &timestamp), (X_API_NONCE, &nonce)],
    };
    let signature =
        retail_apis_runtime::jdy::signing::gateway_signature(&request, creds::CLIENT_SECRET);
    let response = http
        .get(format!("{base}{}", scheme.token.path))
        .query(&query)
        .header(X_API_CLIENT_ID, creds::CLIENT_ID)
        .header(X_API_AUTH_VERSION, scheme.auth_version.as_ref())
        .header(X_API_TIMESTAMP, timestamp)
        .header(X_API_NONCE, nonce)
        .header(X_API_SIGN_HEADERS, scheme.sign_headers.as_ref())
        .header(X_API_SIGNATURE, signature)
        .send()
        .await?;
    let body: Value = response.json().await?;
    match body["data"][scheme.token.token_field.as_ref()].as_str() {
        Some(_) => Ok(()),
        None => Err(format!("token endpoint answered {body}").into()),
    }
}

fn main() -> Result<(), BoxError> {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this with no such flag
    // and must not start a load run.
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(run())
}

async fn run() -> Result<(), BoxError> {
    print_memory("before start");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let specs =
        retail_apis_codegen::load(&root).map_err(|d| format!("spec/ does not load:\n{d}"))?;
    let jdy = descriptor(specs.service("jdy").ok_or("spec has no jdy service")?);
    let shoubei = descriptor(
        specs
            .service("shoubei")
            .ok_or("spec has no shoubei service")?,
    );
    let AuthScheme::KingdeeGateway(gateway) = &jdy.auth else {
        return Err("jdy does not use the Kingdee gateway".into());
    };
    let mut config = SandboxConfig::default();
    config
        .coupons
        .extend((0..REQUESTS).map(|n| SeedCoupon::available(&format!("7{n:011}"), 1000, 950)));
    let sandbox = Sandbox::new(specs, config)
        .start(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await?;
    let base = sandbox.base_url();
    let transport = TransportConfig {
        // A retry would hide a failure; every call must succeed the first time.
        max_retries: 0,
        ..TransportConfig::default()
    };
    let jdy_client = JdyClient::new(
        jdy,
        JdyConfig {
            base_url: Some(base.clone()),
            client_id: creds::CLIENT_ID.to_owned(),
            client_secret: Secret::new(creds::CLIENT_SECRET),
            app_key: creds::APP_KEY.to_owned(),
            app_secret: Secret::new(creds::APP_SECRET),
            domain: creds::DOMAIN.to_owned(),
            transport: transport.clone(),
        },
    )?;
    let shoubei_client = ShoubeiClient::new(
        shoubei,
        ShoubeiConfig {
            base_url: Some(base.clone()),
            key: Secret::new(creds::SHOUBEI_KEY),
            transport,
        },
    )?;
    let http = reqwest::Client::new();
    jdy_client.app_token().await?;
    print_memory("sandbox started, token fetched");
    println!("{REQUESTS} requests per scenario, {CONCURRENCY} in flight, loopback\n");

    // Open the connections before measuring anything.
    let warm_up: Vec<_> = (0..CONCURRENCY * 4)
        .map(|_| http.post(format!("{base}/warm-up")).send())
        .collect();
    for request in warm_up {
        request.await?;
    }

    let (h, b) = (http.clone(), base.clone());
    scenario("floor: 404 (no checks)", move |n| {
        let (http, base) = (h.clone(), b.clone());
        async move {
            let status = http
                .post(format!("{base}/no/such/path/{n}"))
                .send()
                .await?
                .status();
            match status.as_u16() {
                404 => Ok(()),
                other => Err(format!("expected 404, got {other}").into()),
            }
        }
    })
    .await?;

    let (h, b) = (http.clone(), base.clone());
    scenario("jdy.app_token (raw)", move |_| {
        let (http, base) = (h.clone(), b.clone());
        async move { token_request(&http, &base, gateway).await }
    })
    .await?;
    print_memory("after app_token");

    let refund = endpoint(jdy, "refund_save")?;
    let client = jdy_client.clone();
    scenario("jdy.refund_save", move |n| {
        let client = client.clone();
        async move {
            let body = json!({
                "channel_order_no": null, "cmd": "pay.refund", "mch_id": "M1001",
                "refund_no": format!("BENCH-R{n}"), "service_group_name": null,
                "sign_msg": "1", "terminal_ip": "127.0.0.1", "terminal_no": "0002",
                "refund_amount": "1.00",
            });
            client.call_value(refund, body).await?;
            Ok(())
        }
    })
    .await?;
    print_memory("after refund_save");

    let recharge = endpoint(jdy, "mall_recharge")?;
    let client = jdy_client.clone();
    scenario("jdy.mall_recharge", move |n| {
        let client = client.clone();
        async move {
            let body = json!({
                "bal_amount": "10.00", "member_id": format!("M{}", n % 100), "source": 9,
                "src_bill_id": format!("BENCH-C{n}"),
                "settle_entries": [{"pay_type": "1", "settle_amt": "10.00"}],
            });
            client.call_value(recharge, body).await?;
            Ok(())
        }
    })
    .await?;
    print_memory("after mall_recharge");

    let write_off = endpoint(shoubei, "coupon_write_off")?;
    let client = shoubei_client.clone();
    scenario("shoubei.coupon_write_off", move |n| {
        let client = client.clone();
        async move {
            let body = json!({
                "inst_no": creds::SHOUBEI_INST_NO, "merchant_no": "851811130002",
                "shop_no": "862010110001", "ts": "20240101120000",
                "coupon_code": format!("7{n:011}"), "channel_type": "10001",
                "wf_trace_no": format!("T{n}"),
            });
            client.call_value(write_off, body).await?;
            Ok(())
        }
    })
    .await?;
    print_memory("after coupon_write_off");

    println!(
        "\nsandbox state: {} tokens issued, {} refunds, {} recharges applied",
        sandbox.token_fetch_count(),
        sandbox.refund_count(),
        sandbox.applied_recharges()
    );
    sandbox.shutdown().await?;
    Ok(())
}
