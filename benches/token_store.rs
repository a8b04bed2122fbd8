//! Per-call cost of the Redis token store against the in-process one: `refund_save`
//! round trips through two generated clients over loopback, one keeping its app-token
//! in the process (the default), one in front of a Redis store. Both hold a fresh token
//! before timing, which is the state of nearly every call: the Redis store's client reads
//! its own copy then and asks Redis nothing, so the ratio should stay at 1.
//!
//! Each side has its own freshly started sandbox and connection pool. The sides are
//! interleaved: 31 rounds of 400 calls per side, the order rotated every round (round 0
//! runs the in-process side first). Printed: the per-side median time per call and the
//! median of the per-round ratios Redis / in-process, with the load average.
//!
//! Needs `redis-server` on PATH or `RETAIL_APIS_TEST_REDIS`.
//!
//! `cargo bench -p retail-apis --bench token_store`

// The shared modules declare undocumented public items.
#![allow(missing_docs)]

mod fixtures;
mod interleave;
#[path = "../runtime/tests/common/redis_server.rs"]
mod redis_server;

use std::sync::Arc;
use std::time::Instant;

use fixtures::{request, sandbox};
use interleave::{interleave, report, Side};
use retail_apis::jdy;
use retail_apis::runtime::jdy::{RedisTokenStore, TokenStore};
use retail_apis_sandbox::config as creds;

fn main() {
    let Some(redis) = redis_server::TestRedis::get("token_store bench") else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    let (local_sandbox, redis_sandbox) = rt.block_on(async { (sandbox().await, sandbox().await) });
    let local =
        jdy::Client::new(creds::jdy_client_config(local_sandbox.base_url())).expect("client");
    let store: Arc<dyn TokenStore> =
        Arc::new(RedisTokenStore::open(&format!("{}/9", redis.url())).expect("Redis URL"));
    let shared =
        jdy::Client::new(creds::jdy_client_config(redis_sandbox.base_url()).token_store(store))
            .expect("client");
    rt.block_on(local.runtime().app_token()).expect("token");
    rt.block_on(shared.runtime().app_token()).expect("token");

    let side = |name, client: &jdy::Client| {
        let client = client.clone();
        let rt = &rt;
        Side {
            name,
            run: Box::new(move |n| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..n {
                        client.refund_save(&request()).await.expect("refund saved");
                    }
                    start.elapsed()
                })
            }),
        }
    };
    let mut sides = [
        side("Redis store", &shared),
        side("in-process store", &local),
    ];
    // Round 0 of `interleave` runs side 0 first; start with the in-process side.
    sides.swap(0, 1);
    let outcome = interleave(&mut sides, 31, 400);
    report("refund_save round trip, token store", &sides, &outcome);
    println!("  Redis / in-process = {:.3}", 1.0 / outcome.ratio);
    drop((local_sandbox, redis_sandbox));
}
