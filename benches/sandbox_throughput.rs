//! Sandbox throughput with full gateway checks (timestamp window, nonce replay, HMAC
//! signature, app-token, body validation against the spec, idempotency state), driven by
//! the generated client over loopback, plus the process's memory.
//!
//! `cargo bench -p retail-apis --bench sandbox_throughput`
//!
//! Client and sandbox share the process (and its 2 cores here), so requests/s is a lower
//! bound for the sandbox alone; memory is the whole process.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use retail_apis::jdy;
use retail_apis::runtime::jdy::JdyConfig;
use retail_apis::runtime::{Secret, TransportConfig};
use retail_apis_sandbox::{config as creds, Sandbox, SandboxConfig};

const REQUESTS: usize = 20_000;
const CONCURRENCY: usize = 32;

/// `VmRSS` and `VmHWM` (peak) of this process in KiB, from /proc (Linux only).
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
        Some((rss, hwm)) => println!("{label}: RSS {} MiB, peak {} MiB", rss / 1024, hwm / 1024),
        None => println!("{label}: memory figures need Linux /proc"),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing to run.
    if !std::env::args().any(|a| a == "--bench") {
        return Ok(());
    }
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        print_memory("before start");
        let sandbox = Sandbox::from_files(retail_apis::SPEC_FILES, SandboxConfig::default())?;
        let handle = sandbox.start(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let client = jdy::Client::new(JdyConfig {
            base_url: Some(handle.base_url()),
            client_id: creds::CLIENT_ID.to_owned(),
            client_secret: Secret::new(creds::CLIENT_SECRET),
            app_key: creds::APP_KEY.to_owned(),
            app_secret: Secret::new(creds::APP_SECRET),
            domain: creds::DOMAIN.to_owned(),
            transport: TransportConfig::default(),
        })?;
        client.runtime().app_token().await?;
        print_memory("sandbox started");

        let next = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let workers: Vec<_> = (0..CONCURRENCY)
            .map(|_| {
                let client = client.clone();
                let next = Arc::clone(&next);
                tokio::spawn(async move {
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= REQUESTS {
                            return Ok::<(), retail_apis::runtime::Error>(());
                        }
                        let request = jdy::RefundSaveRequest::new(
                            None,
                            "pay.refund",
                            "M1001",
                            format!("LOAD-{n}"),
                            None,
                            "1",
                            "127.0.0.1",
                            "0002",
                        );
                        client.refund_save(&request).await?;
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.await??;
        }
        let elapsed = started.elapsed();
        println!(
            "{REQUESTS} refund_save calls, {CONCURRENCY} in flight: {:.0} req/s ({:.1} s); \
             sandbox recorded {} refunds",
            REQUESTS as f64 / elapsed.as_secs_f64(),
            elapsed.as_secs_f64(),
            handle.refund_count()
        );
        print_memory("after load");
        handle.shutdown().await?;
        Ok(())
    })
}
