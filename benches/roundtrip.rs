//! Client overhead over the network: one `refund_save` round trip through the generated
//! client versus a hand-written reqwest call of the same request (same signing functions,
//! same headers, the client's `User-Agent` among them, same body serialised with
//! `serde_json::to_vec`, decoded into the same type), both against the in-process sandbox
//! over loopback.
//!
//! Each side has its own freshly started sandbox and its own HTTP connection pool, so
//! neither inherits the other's refunds, nonces or connections, and fetches its own
//! app-token before timing. The sides are interleaved: 31 rounds of 400 calls per side,
//! the order rotated every round (round 0 runs the generated client first), after one
//! untimed warm-up batch per side. Printed: per-side median time per call and the median
//! of the per-round ratios hand-written / generated (throughput of the client relative
//! to hand-written; above 1.00 the client is faster).
//!
//! `cargo bench -p retail-apis --bench roundtrip`. Variants, each set by an environment
//! variable, for taking the figure apart:
//! - `RETAIL_APIS_BENCH_RUNTIME=current-thread`: everything (both clients and both
//!   sandboxes) runs on one thread, which makes the call CPU-bound and shows costs that
//!   thread hand-offs hide on the default multi-thread runtime;
//! - `RETAIL_APIS_BENCH_CLIENT=signed-request`: the generated side builds and signs the
//!   request with the client (`signed_request`) but sends and decodes it as the
//!   hand-written side does, which separates the client's request building from its
//!   send and answer path;
//! - `RETAIL_APIS_BENCH_HAND_USER_AGENT=off`: the hand-written side sends no
//!   `User-Agent`, one header fewer than the client.

// The shared module declares undocumented public items.
#![allow(missing_docs)]

mod fixtures;
mod hand_written;
mod interleave;

use std::time::Instant;

use fixtures::{request, sandbox};
use interleave::{interleave, report, Side};
use retail_apis::jdy;
use retail_apis::runtime::jdy::Lease;
use retail_apis_sandbox::config as creds;

/// The request as a careful user would write it by hand with reqwest.
async fn hand_written(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    body: &jdy::RefundSaveRequest,
) -> jdy::RefundSaveResponse {
    let response = hand_written::jdy_refund_save(http, base_url, token, body)
        .send()
        .await
        .expect("sandbox answers");
    let mut envelope: serde_json::Value = response.json().await.expect("JSON body");
    assert_eq!(envelope["errcode"], 0, "{envelope}");
    serde_json::from_value(envelope["data"].take()).expect("typed data")
}

fn client(base_url: String) -> jdy::Client {
    jdy::Client::new(creds::jdy_client_config(base_url)).expect("client")
}

/// The runtime `RETAIL_APIS_BENCH_RUNTIME` names: `current-thread`, or the default
/// multi-thread runtime.
fn runtime() -> tokio::runtime::Runtime {
    match std::env::var("RETAIL_APIS_BENCH_RUNTIME").as_deref() {
        Ok("current-thread") => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime"),
        Ok("multi-thread") | Err(_) => tokio::runtime::Runtime::new().expect("tokio runtime"),
        Ok(other) => panic!(
            "RETAIL_APIS_BENCH_RUNTIME is `{other}`; expected `current-thread` or `multi-thread`"
        ),
    }
}

/// Whether the variable `name` is set to `value`.
fn variant(name: &str, value: &str) -> bool {
    std::env::var(name).is_ok_and(|set| set == value)
}

/// The client's own signed request, sent and decoded as the hand-written side does.
async fn signed_request(
    http: &reqwest::Client,
    client: &jdy::Client,
    token: &Lease,
    body: &jdy::RefundSaveRequest,
) -> jdy::RefundSaveResponse {
    let request = client
        .runtime()
        .signed_request(&jdy::endpoints::REFUND_SAVE, body, token)
        .expect("a signed request");
    let response = http.execute(request).await.expect("sandbox answers");
    let mut envelope: serde_json::Value = response.json().await.expect("JSON body");
    assert_eq!(envelope["errcode"], 0, "{envelope}");
    serde_json::from_value(envelope["data"].take()).expect("typed data")
}

fn main() {
    let rt = runtime();
    // One sandbox per side, both fresh.
    let (generated_sandbox, hand_sandbox) =
        rt.block_on(async { (sandbox().await, sandbox().await) });
    let generated = client(generated_sandbox.base_url());
    rt.block_on(generated.runtime().app_token()).expect("token");
    let hand_base = hand_sandbox.base_url();
    // The hand-written side fetches its token from its own sandbox, with a client that
    // it does not use afterwards.
    let hand_token = rt
        .block_on(client(hand_base.clone()).runtime().app_token())
        .expect("token")
        .expose()
        .to_owned();
    // reqwest sets up its rustls from the process default provider (README, "TLS").
    retail_apis::runtime::tls::install_default_crypto_provider();
    // The same request on the wire: the client's `User-Agent` too, which costs the
    // in-process sandbox (and the client's header map) as much as any other header.
    let user_agent = retail_apis::runtime::TransportConfig::default().user_agent;
    let reqwest_client = || {
        let builder = reqwest::Client::builder();
        if variant("RETAIL_APIS_BENCH_HAND_USER_AGENT", "off") {
            builder
        } else {
            builder.user_agent(user_agent.as_str())
        }
        .build()
        .expect("reqwest client")
    };
    let http = reqwest_client();
    let body = request();
    println!(
        "future of one call: generated client {} bytes, hand-written {} bytes",
        std::mem::size_of_val(&generated.refund_save(&body)),
        std::mem::size_of_val(&hand_written(&http, &hand_base, &hand_token, &body)),
    );
    let signed_only = variant("RETAIL_APIS_BENCH_CLIENT", "signed-request");
    // The generated client's own token, for the requests it only signs.
    let generated_token = rt
        .block_on(generated.runtime().app_token())
        .map(Lease::unmanaged)
        .expect("token");
    let signed_http = reqwest_client();

    let mut sides = [
        Side {
            name: if signed_only {
                "client-signed request"
            } else {
                "generated client"
            },
            run: Box::new(|n| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..n {
                        let body = request();
                        if signed_only {
                            signed_request(&signed_http, &generated, &generated_token, &body).await;
                        } else {
                            generated.refund_save(&body).await.expect("refund saved");
                        }
                    }
                    start.elapsed()
                })
            }),
        },
        Side {
            name: "hand-written reqwest",
            run: Box::new(|n| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..n {
                        let body = request();
                        hand_written(&http, &hand_base, &hand_token, &body).await;
                    }
                    start.elapsed()
                })
            }),
        },
    ];
    let outcome = interleave(&mut sides, 31, 400);
    report("refund_save round trip over loopback", &sides, &outcome);
    println!(
        "  throughput of the client relative to hand-written = {:.3}",
        1.0 / outcome.ratio
    );
    drop((generated_sandbox, hand_sandbox));
}
