//! Shared setup of the end-to-end tests: an in-process sandbox on a free loopback port and
//! clients configured for it, with short timeouts and backoff so failures surface fast.
//!
//! Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

// One Redis fixture for the runtime's tests and these.
#[path = "../../runtime/tests/common/redis_server.rs"]
pub mod redis_server;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use retail_apis::runtime::jdy::JdyConfig;
use retail_apis::runtime::shoubei::ShoubeiConfig;
use retail_apis::runtime::TransportConfig;
use retail_apis::{jdy, shoubei};
use retail_apis_codegen::SourceFile;
use retail_apis_sandbox::{config as creds, Fault, Sandbox, SandboxConfig, SandboxHandle};

/// Upper bound for one test; far above what a passing test needs on a loaded machine,
/// so that a hang fails instead of blocking the suite.
pub const TEST_LIMIT: Duration = Duration::from_secs(30);

/// Runs a test body, failing it if it does not finish within [`TEST_LIMIT`].
pub async fn bounded<T>(body: impl Future<Output = T>) -> T {
    match tokio::time::timeout(TEST_LIMIT, body).await {
        Ok(value) => value,
        Err(_) => panic!("test did not finish within {TEST_LIMIT:?}"),
    }
}

/// The spec files the clients were generated from, as the loader reads them.
pub fn embedded_sources() -> Vec<SourceFile> {
    retail_apis::SPEC_FILES
        .iter()
        .map(|(path, text)| SourceFile {
            path: (*path).to_owned(),
            text: (*text).to_owned(),
        })
        .collect()
}

/// Starts a sandbox serving exactly the specs the clients were generated from.
pub async fn start_sandbox() -> SandboxHandle {
    start_sandbox_with(SandboxConfig::default()).await
}

/// [`start_sandbox`] with a custom configuration (seeded balances, coupons, ...).
pub async fn start_sandbox_with(config: SandboxConfig) -> SandboxHandle {
    let sandbox = Sandbox::from_files(retail_apis::SPEC_FILES, config)
        .unwrap_or_else(|d| panic!("the embedded specs do not load:\n{d}"));
    sandbox
        .start(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("the sandbox binds a free loopback port")
}

/// Queues `fault` for the next `times` requests to `operation` (`jdy.mall_recharge`).
pub fn inject(sandbox: &SandboxHandle, operation: &str, times: usize, fault: Fault) {
    sandbox
        .faults()
        .inject_times(operation, times, fault)
        .unwrap_or_else(|e| panic!("no operation {operation}: {e}"));
}

/// Transport settings for tests: a few retries with 5 ms backoff, and a per-attempt
/// timeout that a loaded CI machine still meets for loopback calls.
pub fn fast_transport() -> TransportConfig {
    TransportConfig::default()
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
        .max_retries(2)
        .backoff_base(Duration::from_millis(5))
        .backoff_max(Duration::from_millis(20))
}

/// The JDY configuration the sandbox accepts.
pub fn jdy_config(base_url: &str) -> JdyConfig {
    creds::jdy_client_config(base_url).transport(fast_transport())
}

/// A JDY client for the sandbox at `base_url`.
pub fn jdy_client(base_url: &str) -> jdy::Client {
    jdy::Client::new(jdy_config(base_url)).expect("valid JDY configuration")
}

/// A JDY client with custom transport settings.
pub fn jdy_client_with(base_url: &str, transport: TransportConfig) -> jdy::Client {
    jdy_client_adjusted(base_url, |config| config.transport = transport)
}

/// A JDY client for the sandbox at `base_url` whose configuration `adjust` changed (a
/// wrong secret, another tenant domain).
pub fn jdy_client_adjusted(base_url: &str, adjust: impl FnOnce(&mut JdyConfig)) -> jdy::Client {
    let mut config = jdy_config(base_url);
    adjust(&mut config);
    jdy::Client::new(config).expect("valid JDY configuration")
}

/// The Shoubei configuration the sandbox accepts.
pub fn shoubei_config(base_url: &str) -> ShoubeiConfig {
    ShoubeiConfig::new(creds::SHOUBEI_KEY)
        .base_url(base_url)
        .transport(fast_transport())
}

/// A Shoubei client for the sandbox at `base_url`.
pub fn shoubei_client(base_url: &str) -> shoubei::Client {
    shoubei_client_adjusted(base_url, |_| {})
}

/// A Shoubei client for the sandbox at `base_url` whose configuration `adjust` changed (a
/// wrong key, other transport settings).
pub fn shoubei_client_adjusted(
    base_url: &str,
    adjust: impl FnOnce(&mut ShoubeiConfig),
) -> shoubei::Client {
    let mut config = shoubei_config(base_url);
    adjust(&mut config);
    shoubei::Client::new(config).expect("valid Shoubei configuration")
}

/// A recharge by an ISV of `amount` for `member`, identified by `src_bill_id`.
pub fn recharge(amount: &str, member: &str, src_bill_id: &str) -> jdy::MallRechargeRequest {
    let amount = decimal(amount);
    jdy::MallRechargeRequest::new(
        amount.clone(),
        member,
        jdy::RechargeSource::Isv,
        src_bill_id,
    )
    .store_id("850693217107061760")
    .settle_entries(vec![jdy::SettleEntries::new(jdy::PayType::Wechat, amount)])
}

/// A refund of `amount` identified by `refund_no`, with the other values of the page's
/// example (which sends the required `channel_order_no` and `service_group_name` as null).
pub fn refund(refund_no: &str, amount: &str) -> jdy::RefundSaveRequest {
    jdy::RefundSaveRequest::new(
        None,
        "pay.refund",
        "M1001",
        refund_no,
        None,
        "1",
        "127.0.0.1",
        "0002",
    )
    .refund_amount(decimal(amount))
}

/// The amount written `text` (a test's own literal).
pub fn decimal(text: &str) -> retail_apis::runtime::Amount {
    text.parse().expect("a decimal amount")
}

/// A write-off of `coupon_code` by the sandbox institution.
pub fn write_off(coupon_code: &str) -> shoubei::CouponWriteOffRequest {
    shoubei::CouponWriteOffRequest::new(
        creds::SHOUBEI_INST_NO,
        "851811130002",
        "862010110001",
        "20261125120000",
        coupon_code,
    )
    .wf_trace_no(format!("T-{coupon_code}"))
    .channel_type(shoubei::ChannelType::Dongfu)
}

/// Default sandbox coupons (see the sandbox README).
pub const COUPON_A: &str = "679533922928";
pub const COUPON_B: &str = "679533922929";
pub const COUPON_C: &str = "679533922930";
pub const COUPON_REFUNDED: &str = "679533922931";

/// The golden fixture's specs, whose `bearer` service uses the `static_bearer` scheme.
pub fn fixture_specs() -> retail_apis_codegen::model::SpecSet {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("codegen/tests/golden/spec");
    retail_apis_codegen::load(&root).unwrap_or_else(|d| panic!("the fixture does not load:\n{d}"))
}

/// The runtime's descriptor of the fixture's `bearer` service, built once from its spec the
/// way generated code would declare it.
pub fn bearer_service() -> &'static retail_apis::runtime::ServiceDescriptor {
    static SERVICE: std::sync::OnceLock<retail_apis::runtime::ServiceDescriptor> =
        std::sync::OnceLock::new();
    SERVICE.get_or_init(|| {
        fixture_specs()
            .service("bearer")
            .map(|s| s.descriptor())
            .expect("the fixture has a bearer service")
    })
}

/// A `reqwest::ClientBuilder` as a caller starts one: with a rustls feature on, reqwest sets
/// up its TLS from the process's default crypto provider, which must be installed first.
pub fn http_builder() -> reqwest::ClientBuilder {
    retail_apis::runtime::tls::install_default_crypto_provider();
    reqwest::Client::builder()
}

/// A plain HTTP client for the requests a test makes by hand.
pub fn http() -> reqwest::Client {
    http_builder().build().unwrap_or_else(|e| panic!("{e}"))
}
