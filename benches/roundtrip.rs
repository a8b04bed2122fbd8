//! Client overhead over the network: one `refund_save` round trip through the generated
//! client versus a hand-written reqwest call of the same request (same signing functions,
//! same headers, same body serialised with `serde_json::to_vec`, decoded into the same
//! type), both against the in-process sandbox over loopback.
//!
//! Each side has its own freshly started sandbox and its own HTTP connection pool, so
//! neither inherits the other's refunds, nonces or connections, and fetches its own
//! app-token before timing. The sides are interleaved: 31 rounds of 400 calls per side,
//! the order rotated every round (round 0 runs the generated client first), after one
//! untimed warm-up batch per side. Printed: per-side median time per call and the median
//! of the per-round ratios hand-written / generated (throughput of the client relative
//! to hand-written; above 1.00 the client is faster).
//!
//! `cargo bench -p retail-apis --bench roundtrip`

// The shared module declares undocumented public items.
#![allow(missing_docs)]

mod fixtures;
mod hand_written;
mod interleave;

use std::time::Instant;

use fixtures::{request, sandbox};
use interleave::{interleave, report, Side};
use retail_apis::jdy;
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

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
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
    let http = reqwest::Client::new();

    let mut sides = [
        Side {
            name: "generated client",
            run: Box::new(|n| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..n {
                        let body = request();
                        generated.refund_save(&body).await.expect("refund saved");
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
