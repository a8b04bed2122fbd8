//! Sandbox throughput with full request checking, per operation and against a floor, and
//! the process's memory under load.
//!
//! ```sh
//! cargo bench -p retail-apis --bench sandbox_throughput             # full run
//! cargo bench -p retail-apis --bench sandbox_throughput -- --quick  # a smoke run
//! ```
//!
//! Two parts, both driven through the generated clients (what users run) over loopback:
//!
//! 1. Memory under load: one sandbox takes `refund_save` calls with distinct `refund_no`s,
//!    and the process's RSS is read before start, once started and after the load. What it
//!    grows by is the sandbox's state: stored refunds and the nonces remembered for the
//!    replay window.
//! 2. Throughput per scenario, compared with a floor. Every round runs each scenario once,
//!    in an order rotated from round to round, each on a freshly started sandbox with fresh
//!    clients: no side inherits another's remembered nonces, stored bills or warm
//!    connections, and a machine that slows down mid-run slows every side alike. Each run
//!    warms its own connections first, untimed.
//!    - `floor: 404`: a path no spec serves, so loopback HTTP, routing and the answer with
//!      no checks. What a scenario costs above it is the sandbox's work plus the client's.
//!    - `jdy.app_token`: raw gateway-signed GETs of the token endpoint (a client calls it
//!      once per token lifetime, so the generated client does not expose it per request):
//!      timestamp, headers, HMAC over method, path and query, nonce replay,
//!      `app_signature`, a new token each time.
//!    - `jdy.refund_save`, `jdy.mall_recharge`: every gateway check plus app-token, tenant
//!      routing, body validation against the spec and the idempotency state.
//!    - `jdy.mall_recharge, no log`: the same with the request log off
//!      (`request_log_capacity: 0`), for what recording each exchange costs.
//!    - `shoubei.coupon_write_off`: distinct seeded coupons; the MD5 `sign` is verified on
//!      the request, the body validated, the answer signed and verified by the client.
//!
//! Client and sandbox share the process and its cores, so requests/s is a lower bound for
//! the sandbox alone. Memory is the whole process, from `/proc/self/status` (Linux). Any
//! failed call fails the bench: a rate of rejections would measure the wrong thing.

// Client setup and request builders are the end-to-end tests' own.
#[path = "../tests/common/mod.rs"]
mod common;

use std::future::Future;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use retail_apis::runtime::jdy::headers::{X_API_NONCE, X_API_TIMESTAMP};
use retail_apis::runtime::jdy::signing::{app_signature, gateway_signature, CanonicalRequest};
use retail_apis::runtime::{AuthScheme, HttpMethod, ServiceDescriptor, TransportConfig};
use retail_apis::{jdy, shoubei};
use retail_apis_sandbox::{config as creds, SandboxConfig, SandboxHandle, SeedCoupon};
use serde_json::Value;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How much work one invocation does.
#[derive(Clone, Copy)]
struct Plan {
    /// `refund_save` calls of the memory part.
    load_requests: usize,
    /// Timed requests per scenario run.
    requests: usize,
    /// Runs of every scenario.
    rounds: usize,
}

const FULL: Plan = Plan {
    load_requests: 20_000,
    requests: 10_000,
    rounds: 3,
};
const QUICK: Plan = Plan {
    load_requests: 2_000,
    requests: 1_000,
    rounds: 2,
};

/// Requests in flight at any time.
const CONCURRENCY: usize = 32;
/// Untimed requests before each timed run, so every side starts with open connections.
const WARM_UP: usize = CONCURRENCY * 4;
/// A run stops early after this long, whatever its count.
const TIME_LIMIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------
// Memory

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
            "memory {label:<24} RSS {:>6.1} MiB   peak (VmHWM) {:>6.1} MiB",
            rss as f64 / 1024.0,
            hwm as f64 / 1024.0
        ),
        None => println!("memory {label}: needs Linux /proc"),
    }
}

// ---------------------------------------------------------------------------------------
// Driving requests

/// One timed run: how many calls finished, in how long, and each call's latency.
struct Measurement {
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Measurement {
    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
}

/// Runs `call(n)` for every `n` in `range`, `CONCURRENCY` at a time, stopping early at
/// `TIME_LIMIT`.
async fn drive<F, Fut>(range: Range<usize>, call: &F) -> Result<Measurement, BoxError>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), BoxError>> + Send,
{
    let next = Arc::new(AtomicUsize::new(range.start));
    let end = range.end;
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let next = Arc::clone(&next);
            let call = call.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= end || started.elapsed() > TIME_LIMIT {
                        return Ok::<_, BoxError>(latencies);
                    }
                    let sent = Instant::now();
                    call(n).await?;
                    latencies.push(sent.elapsed());
                }
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(range.len());
    for worker in workers {
        latencies.extend(worker.await??);
    }
    Ok(Measurement {
        elapsed: started.elapsed(),
        latencies,
    })
}

/// Warms up with `WARM_UP` calls numbered after the timed ones, then times `0..requests`.
async fn warm_then_time<F, Fut>(requests: usize, call: F) -> Result<Measurement, BoxError>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), BoxError>> + Send,
{
    drive(requests..requests + WARM_UP, &call).await?;
    drive(0..requests, &call).await
}

// ---------------------------------------------------------------------------------------
// Clients and raw requests

/// The clients' transport without retries: a retry would hide a failure, and every call
/// must succeed the first time.
fn no_retries() -> TransportConfig {
    TransportConfig::default().max_retries(0)
}

/// What a raw token request needs from the spec.
struct TokenEndpoint {
    path: String,
    auth_version: String,
    sign_headers: String,
    token_field: String,
}

/// The JDY token endpoint, read from the descriptor the client was generated with.
fn token_endpoint() -> Result<TokenEndpoint, BoxError> {
    let service: &'static ServiceDescriptor = &jdy::SERVICE;
    let AuthScheme::KingdeeGateway(gateway) = &service.auth else {
        return Err("jdy does not use the Kingdee gateway".into());
    };
    Ok(TokenEndpoint {
        path: gateway.token.path.to_string(),
        auth_version: gateway.auth_version.to_string(),
        sign_headers: gateway.sign_headers.to_string(),
        token_field: gateway.token.token_field.to_string(),
    })
}

/// The current `X-Api-TimeStamp`, as the client makes it.
fn now_ms() -> String {
    retail_apis::runtime::jdy::signing::fresh_nonce_and_timestamp().1
}

/// Nonces unique within the process: the sandbox rejects a repeat as a replay, and random
/// 10-digit nonces collide within the replay window at benchmark volumes.
fn nonce() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1_000_000_000);
    NEXT.fetch_add(1, Ordering::Relaxed).to_string()
}

/// One gateway-signed GET of the token endpoint; an answer without a token is an error.
async fn token_request(
    http: &reqwest::Client,
    base: &str,
    endpoint: &TokenEndpoint,
) -> Result<(), BoxError> {
    let app_signature = app_signature(creds::APP_KEY, creds::APP_SECRET);
    let query = [
        ("app_key", creds::APP_KEY),
        ("app_signature", app_signature.as_str()),
    ];
    let (nonce, timestamp) = (nonce(), now_ms());
    let signature = gateway_signature(
        &CanonicalRequest {
            method: HttpMethod::Get,
            path: &endpoint.path,
            query: &query,
            headers: vec![(X_API_TIMESTAMP, &timestamp), (X_API_NONCE, &nonce)],
        },
        creds::CLIENT_SECRET,
    );
    let response = http
        .get(format!("{base}{}", endpoint.path))
        .query(&query)
        .header("X-Api-ClientID", creds::CLIENT_ID)
        .header("X-Api-Auth-Version", &endpoint.auth_version)
        .header("X-Api-TimeStamp", timestamp)
        .header("X-Api-Nonce", nonce)
        .header("X-Api-SignHeaders", &endpoint.sign_headers)
        .header("X-Api-Signature", signature)
        .send()
        .await?;
    let body: Value = response.json().await?;
    match body["data"][endpoint.token_field.as_str()].as_str() {
        Some(_) => Ok(()),
        None => Err(format!("token endpoint answered {body}").into()),
    }
}

fn refund(n: usize) -> jdy::RefundSaveRequest {
    common::refund(&format!("BENCH-R{n}"), "1.00")
}

fn coupon_code(n: usize) -> String {
    format!("7{n:011}")
}

/// A JDY client for `base` that already holds an app-token, so no run times a token fetch.
async fn jdy_client(base: &str) -> Result<jdy::Client, BoxError> {
    let client = common::jdy_client_with(base, no_retries());
    client.runtime().app_token().await?;
    Ok(client)
}

// ---------------------------------------------------------------------------------------
// Part 1: memory under load

async fn memory_under_load(requests: usize) -> Result<(), BoxError> {
    print_memory("before start");
    let sandbox = common::start_sandbox_with(SandboxConfig::default()).await;
    let client = jdy_client(&sandbox.base_url()).await?;
    print_memory("sandbox started");
    let measured = drive(0..requests, &move |n| {
        let client = client.clone();
        async move {
            client.refund_save(&refund(n)).await?;
            Ok(())
        }
    })
    .await?;
    print_memory("after load");
    let stored = sandbox.refund_count();
    println!(
        "load: {} refund_save calls, {CONCURRENCY} in flight: {:.0} req/s ({:.2} s); \
         sandbox stored {stored} refunds\n",
        measured.latencies.len(),
        measured.rate(),
        measured.elapsed.as_secs_f64(),
    );
    if stored != measured.latencies.len() {
        return Err(format!("{} calls answered but {stored} refunds stored", requests).into());
    }
    sandbox.shutdown().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Part 2: scenarios against the floor

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scenario {
    Floor,
    AppToken,
    RefundSave,
    MallRecharge,
    /// `MallRecharge` on a sandbox that records no request log (capacity 0).
    MallRechargeNoLog,
    CouponWriteOff,
}

impl Scenario {
    const ALL: [Scenario; 6] = [
        Scenario::Floor,
        Scenario::AppToken,
        Scenario::RefundSave,
        Scenario::MallRecharge,
        Scenario::MallRechargeNoLog,
        Scenario::CouponWriteOff,
    ];

    fn label(self) -> &'static str {
        match self {
            Scenario::Floor => "floor: 404 (no checks)",
            Scenario::AppToken => "jdy.app_token (raw)",
            Scenario::RefundSave => "jdy.refund_save",
            Scenario::MallRecharge => "jdy.mall_recharge",
            Scenario::MallRechargeNoLog => "jdy.mall_recharge, no log",
            Scenario::CouponWriteOff => "shoubei.coupon_write_off",
        }
    }
}

/// A fresh sandbox with a coupon for every write-off a run sends, so each scenario starts
/// from the same state.
async fn fresh_sandbox(requests: usize, request_log: bool) -> SandboxHandle {
    let mut config = SandboxConfig::default();
    if !request_log {
        config.request_log_capacity = 0;
    }
    config
        .coupons
        .extend((0..requests + WARM_UP).map(|n| SeedCoupon::available(&coupon_code(n), 1000, 950)));
    common::start_sandbox_with(config).await
}

/// One run of `scenario` on its own sandbox and clients.
async fn run_once(
    scenario: Scenario,
    requests: usize,
    token: &Arc<TokenEndpoint>,
) -> Result<Measurement, BoxError> {
    let sandbox = fresh_sandbox(requests, scenario != Scenario::MallRechargeNoLog).await;
    let base = sandbox.base_url();
    // reqwest sets up its rustls from the process default provider (README, "TLS").
    retail_apis::runtime::tls::install_default_crypto_provider();
    let measured = match scenario {
        Scenario::Floor => {
            let (http, base) = (reqwest::Client::new(), base.clone());
            warm_then_time(requests, move |n| {
                let request = http.post(format!("{base}/no/such/path/{n}")).send();
                async move {
                    match request.await?.status().as_u16() {
                        404 => Ok(()),
                        other => Err(format!("expected 404, got {other}").into()),
                    }
                }
            })
            .await?
        }
        Scenario::AppToken => {
            let (http, base, token) = (reqwest::Client::new(), base.clone(), Arc::clone(token));
            warm_then_time(requests, move |_| {
                let (http, base, token) = (http.clone(), base.clone(), Arc::clone(&token));
                async move { token_request(&http, &base, &token).await }
            })
            .await?
        }
        Scenario::RefundSave => {
            let client = jdy_client(&base).await?;
            warm_then_time(requests, move |n| {
                let client = client.clone();
                async move {
                    client.refund_save(&refund(n)).await?;
                    Ok(())
                }
            })
            .await?
        }
        Scenario::MallRecharge | Scenario::MallRechargeNoLog => {
            let client = jdy_client(&base).await?;
            warm_then_time(requests, move |n| {
                let client = client.clone();
                async move {
                    let member = format!("M{}", n % 100);
                    let request = common::recharge("10.00", &member, &format!("BENCH-C{n}"));
                    client.mall_recharge(&request).await?;
                    Ok(())
                }
            })
            .await?
        }
        Scenario::CouponWriteOff => {
            let client =
                shoubei::Client::new(common::shoubei_config(&base).transport(no_retries()))?;
            warm_then_time(requests, move |n| {
                let client = client.clone();
                async move {
                    client
                        .coupon_write_off(&common::write_off(&coupon_code(n)))
                        .await?;
                    Ok(())
                }
            })
            .await?
        }
    };
    sandbox.shutdown().await?;
    Ok(measured)
}

fn millis(latencies: &[Duration], percent: usize) -> f64 {
    let at = (latencies.len() * percent / 100).min(latencies.len().saturating_sub(1));
    latencies.get(at).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

/// Median, lowest and highest of the runs' rates.
fn spread(rates: &mut [f64]) -> (f64, f64, f64) {
    rates.sort_by(f64::total_cmp);
    let median = rates.get(rates.len() / 2).copied().unwrap_or(0.0);
    let low = rates.first().copied().unwrap_or(0.0);
    let high = rates.last().copied().unwrap_or(0.0);
    (median, low, high)
}

async fn scenarios(plan: Plan) -> Result<(), BoxError> {
    let token = Arc::new(token_endpoint()?);
    println!(
        "{} rounds; per round every scenario once on a fresh sandbox, order rotated; \
         {} timed requests per run, {CONCURRENCY} in flight",
        plan.rounds, plan.requests
    );
    let mut runs: Vec<(Scenario, Measurement)> = Vec::new();
    for round in 0..plan.rounds {
        let mut order = Scenario::ALL;
        order.rotate_left(round % Scenario::ALL.len());
        for scenario in order {
            let measured = run_once(scenario, plan.requests, &token).await?;
            println!(
                "round {} {:<26} {:>8.0} req/s",
                round + 1,
                scenario.label(),
                measured.rate()
            );
            runs.push((scenario, measured));
        }
    }

    println!(
        "\n{:<26} {:>8} {:>17} {:>8} {:>8} {:>8}",
        "scenario", "req/s", "(min - max)", "/ floor", "p50 ms", "p99 ms"
    );
    let mut floor = None;
    for scenario in Scenario::ALL {
        let mine = runs.iter().filter(|(s, _)| *s == scenario);
        let mut rates: Vec<f64> = mine.clone().map(|(_, m)| m.rate()).collect();
        let mut latencies: Vec<Duration> = mine
            .flat_map(|(_, m)| m.latencies.iter().copied())
            .collect();
        latencies.sort_unstable();
        let (median, low, high) = spread(&mut rates);
        let floor_rate = *floor.get_or_insert(median);
        println!(
            "{:<26} {median:>8.0} {:>17} {:>8.2} {:>8.2} {:>8.2}",
            scenario.label(),
            format!("({low:.0} - {high:.0})"),
            median / floor_rate,
            millis(&latencies, 50),
            millis(&latencies, 99),
        );
    }
    Ok(())
}

fn main() -> Result<(), BoxError> {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this with no such flag
    // and must not start a load run.
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") {
        return Ok(());
    }
    let plan = if args.iter().any(|a| a == "--quick") {
        QUICK
    } else {
        FULL
    };
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        memory_under_load(plan.load_requests).await?;
        scenarios(plan).await?;
        print_memory("at the end");
        Ok(())
    })
}
