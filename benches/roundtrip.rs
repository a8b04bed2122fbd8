//! Client overhead: one `refund_save` round trip through the generated client versus a
//! hand-written reqwest call of the same request (same signing functions, same headers,
//! same body, decoded into the same type), both against the in-process sandbox over
//! loopback, measured side by side in one run.
//!
//! `cargo bench -p retail-apis --bench roundtrip`

// criterion_group! declares an undocumented public function.
#![allow(missing_docs)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use criterion::{criterion_group, criterion_main, Criterion};
use retail_apis::jdy;
use retail_apis::runtime::jdy::signing::gateway_signature;
use retail_apis::runtime::jdy::JdyConfig;
use retail_apis::runtime::{HttpMethod, Secret, TransportConfig};
use retail_apis_sandbox::{config as creds, Sandbox, SandboxConfig};

static SEQ: AtomicU64 = AtomicU64::new(0);
static NONCE: AtomicU64 = AtomicU64::new(0);
const NONCE_START: u64 = 5_000_000_000;

fn request() -> jdy::RefundSaveRequest {
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    jdy::RefundSaveRequest::new(
        None,
        "pay.refund",
        "M1001",
        format!("BENCH-{n}"),
        None,
        "1",
        "127.0.0.1",
        "0002",
    )
    .refund_amount("100")
}

/// The request as a careful user would write it by hand with reqwest.
async fn hand_written(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    body: &jdy::RefundSaveRequest,
) -> jdy::RefundSaveResponse {
    let path: &str = &jdy::endpoints::REFUND_SAVE.path;
    // A sequence, not fresh randomness: random 10-digit nonces collide within the
    // gateway's replay window at benchmark volumes.
    let nonce = (NONCE_START + NONCE.fetch_add(1, Ordering::Relaxed)).to_string();
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default()
        .to_string();
    let signature = gateway_signature(
        HttpMethod::Post,
        path,
        &[],
        &nonce,
        &timestamp,
        creds::CLIENT_SECRET,
    );
    let response = http
        .post(format!("{base_url}{path}"))
        .header("Content-Type", "application/json")
        .header("X-Api-ClientID", creds::CLIENT_ID)
        .header("X-Api-Auth-Version", "2.0")
        .header("X-Api-TimeStamp", &timestamp)
        .header("X-Api-Nonce", &nonce)
        .header("X-Api-SignHeaders", "X-Api-TimeStamp,X-Api-Nonce")
        .header("X-Api-Signature", signature)
        .header("app-token", token)
        .header("X-GW-Router-Addr", creds::DOMAIN)
        .json(body)
        .send()
        .await
        .expect("sandbox answers");
    let mut envelope: serde_json::Value = response.json().await.expect("JSON body");
    assert_eq!(envelope["errcode"], 0, "{envelope}");
    serde_json::from_value(envelope["data"].take()).expect("typed data")
}

fn roundtrip(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    let (handle, client) = rt.block_on(async {
        let sandbox = Sandbox::from_files(retail_apis::SPEC_FILES, SandboxConfig::default())
            .expect("embedded specs load");
        let handle = sandbox
            .start(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("sandbox starts");
        let client = jdy::Client::new(JdyConfig {
            base_url: Some(handle.base_url()),
            client_id: creds::CLIENT_ID.to_owned(),
            client_secret: Secret::new(creds::CLIENT_SECRET),
            app_key: creds::APP_KEY.to_owned(),
            app_secret: Secret::new(creds::APP_SECRET),
            domain: creds::DOMAIN.to_owned(),
            transport: TransportConfig::default(),
        })
        .expect("client");
        (handle, client)
    });
    let base_url = handle.base_url();
    let token = rt
        .block_on(client.runtime().app_token())
        .expect("token")
        .expose()
        .to_owned();
    let http = reqwest::Client::new();

    let mut group = c.benchmark_group("refund_save_roundtrip");
    group.sample_size(30);
    group.bench_function("generated_client", |b| {
        b.to_async(&rt)
            .iter(|| async { client.refund_save(&request()).await.expect("refund saved") })
    });
    group.bench_function("hand_written_reqwest", |b| {
        b.to_async(&rt)
            .iter(|| async { hand_written(&http, &base_url, &token, &request()).await })
    });
    group.finish();
    drop(handle);
}

criterion_group!(benches, roundtrip);
criterion_main!(benches);
