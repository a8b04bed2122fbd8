//! Four OS processes, fifty concurrent calls each, against one sandbox with the Redis
//! token store: one token fetch for all of them, one refresh for all of them after the
//! sandbox expires the token, and every call succeeding after Redis is killed while they
//! call (each process then refreshes on its own).
//!
//! The processes are this test binary run again: `child_process` does nothing unless
//! `RETAIL_APIS_TOKEN_STORE_CHILD` is set, which the parent sets for its children along
//! with the sandbox's URL, the Redis URL and a stop file.

mod common;

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::redis_server::RedisServer;
use common::*;
use retail_apis::jdy;
use retail_apis::runtime::jdy::{RedisTokenStore, TokenStore};

const CHILD: &str = "RETAIL_APIS_TOKEN_STORE_CHILD";
const PROCESSES: usize = 4;
const CALLS: usize = 50;
/// Bounds of a child's loop of rounds, so that it stops by itself.
const MAX_ROUNDS: usize = 400;
const MAX_CHILD_TIME: Duration = Duration::from_secs(120);
/// How long the parent waits for a child's next line.
const LINE_WAIT: Duration = Duration::from_secs(60);

/// One round of a child: `@@round <n> <token fetches so far>`; a failed call
/// `@@failed <error>`; the end `@@done <calls> <failed>`.
const MARK: &str = "@@";

/// The child's side: rounds of [`CALLS`] concurrent recharges until the stop file
/// exists; exits non-zero if any call failed.
#[test]
fn child_process() {
    let Ok(base_url) = std::env::var(CHILD) else {
        return;
    };
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} not set"));
    // No Redis URL: the in-process store (each process its own token), for comparison.
    let redis_url = var("RETAIL_APIS_CHILD_REDIS");
    let stop = var("RETAIL_APIS_CHILD_STOP");
    let max_rounds = std::env::var("RETAIL_APIS_CHILD_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(MAX_ROUNDS);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let failed = runtime.block_on(async move {
        // Patient with Redis, so that a loaded machine does not turn a slow answer into a
        // fetch of the process's own and spoil the count.
        let mut config = jdy_config(&base_url);
        if !redis_url.is_empty() {
            let store: Arc<dyn TokenStore> = Arc::new(
                RedisTokenStore::open(&redis_url)
                    .expect("the Redis URL")
                    .timeout(Duration::from_secs(3)),
            );
            config = config.token_store(store);
        }
        let client = jdy::Client::new(config).expect("valid JDY configuration");
        let started = Instant::now();
        let (mut calls, mut failed) = (0usize, 0usize);
        for round in 1..=max_rounds {
            let mut tasks = Vec::new();
            for i in 0..CALLS {
                let client = client.clone();
                let bill = format!("P{}-{round}-{i}", std::process::id());
                tasks.push(tokio::spawn(async move {
                    client
                        .mall_recharge(&recharge("1.00", "M-PROC", &bill))
                        .await
                }));
            }
            for task in tasks {
                calls += 1;
                match task.await {
                    Ok(Ok(_)) => {}
                    Ok(Err(error)) => {
                        failed += 1;
                        println!("{MARK}failed {error}");
                    }
                    Err(error) => {
                        failed += 1;
                        println!("{MARK}failed task: {error}");
                    }
                }
            }
            println!("{MARK}round {round} {}", client.runtime().token_fetches());
            if Path::new(&stop).exists() || started.elapsed() > MAX_CHILD_TIME {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        println!("{MARK}done {calls} {failed}");
        failed
    });
    assert_eq!(failed, 0, "calls failed in child {}", std::process::id());
}

/// A running child and the lines it printed.
struct Worker {
    child: Child,
    lines: mpsc::Receiver<String>,
    last_round: usize,
    fetches: u64,
    done: Option<(usize, usize)>,
}

impl Worker {
    fn spawn(base_url: &str, redis_url: &str, stop: &Path) -> Worker {
        Worker::spawn_with(base_url, redis_url, stop, MAX_ROUNDS)
    }

    fn spawn_with(base_url: &str, redis_url: &str, stop: &Path, rounds: usize) -> Worker {
        let exe = std::env::current_exe().expect("the test binary");
        let mut child = Command::new(exe)
            .args([
                "--exact",
                "child_process",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(CHILD, base_url)
            .env("RETAIL_APIS_CHILD_REDIS", redis_url)
            .env("RETAIL_APIS_CHILD_STOP", stop)
            .env("RETAIL_APIS_CHILD_ROUNDS", rounds.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the child starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix(MARK) {
                    if send.send(rest.to_owned()).is_err() {
                        break;
                    }
                }
            }
        });
        Worker {
            child,
            lines,
            last_round: 0,
            fetches: 0,
            done: None,
        }
    }

    /// Reads lines until the child finished round `round` (or ended).
    fn until_round(&mut self, round: usize) {
        while self.last_round < round && self.done.is_none() {
            self.next_line();
        }
        assert!(
            self.last_round >= round,
            "the child ended at round {}",
            self.last_round
        );
    }

    fn next_line(&mut self) {
        let line = self
            .lines
            .recv_timeout(LINE_WAIT)
            .unwrap_or_else(|e| panic!("no word from a child within {LINE_WAIT:?}: {e}"));
        let words: Vec<&str> = line.split(' ').collect();
        match words.as_slice() {
            ["round", round, fetches] => {
                self.last_round = round.parse().expect("a round number");
                self.fetches = fetches.parse().expect("a fetch count");
            }
            ["done", calls, failed] => {
                self.done = Some((
                    calls.parse().expect("calls"),
                    failed.parse().expect("failed"),
                ));
            }
            _ => eprintln!("child: {line}"),
        }
    }

    /// Waits for the child's end: every call it made, and none failed.
    fn finish(mut self) -> usize {
        while self.done.is_none() {
            self.next_line();
        }
        let status = self.child.wait().expect("the child's exit");
        let (calls, failed) = self.done.unwrap_or_default();
        assert_eq!(failed, 0, "{failed} of {calls} calls failed");
        assert!(status.success(), "child exit: {status}");
        calls
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // A child the test gave up on stops here, not when its loop bound runs out.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_all(base_url: &str, redis_url: &str, stop: &Path) -> Vec<Worker> {
    (0..PROCESSES)
        .map(|_| Worker::spawn(base_url, redis_url, stop))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_share_one_token_one_refresh_and_survive_redis_dying() {
    let Some(mut redis) = RedisServer::start("processes_share_one_token") else {
        return;
    };
    let sandbox = start_sandbox().await;
    let control = sandbox.control().clone();
    let base_url = sandbox.base_url();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let stop = dir.path().join("stop");
    let url = redis.url();

    // One round each, all at once: one token for the 200 calls of 4 processes.
    std::fs::write(&stop, b"").expect("the stop file");
    let workers = spawn_all(&base_url, &url, &stop);
    let calls: usize =
        tokio::task::block_in_place(|| workers.into_iter().map(Worker::finish).sum());
    assert_eq!(calls, PROCESSES * CALLS);
    assert_eq!(
        control.token_fetch_count(),
        1,
        "one fetch across the processes"
    );
    std::fs::remove_file(&stop).expect("the stop file removed");

    // Long-lived processes, each with the token in its own copy (read from Redis).
    let mut workers = spawn_all(&base_url, &url, &stop);
    tokio::task::block_in_place(|| workers.iter_mut().for_each(|w| w.until_round(1)));
    assert_eq!(
        control.token_fetch_count(),
        1,
        "new processes read the stored token"
    );
    assert!(workers.iter().all(|w| w.fetches == 0));

    // The gateway expires the token: every process meets the expiry code, one refreshes.
    control.expire_tokens();
    tokio::task::block_in_place(|| {
        for worker in &mut workers {
            let round = worker.last_round;
            worker.until_round(round + 2);
        }
    });
    assert_eq!(
        control.token_fetch_count(),
        2,
        "one refresh across the processes"
    );
    assert_eq!(workers.iter().map(|w| w.fetches).sum::<u64>(), 1);

    // Redis dies while they call, and the token expires again: each process refreshes on
    // its own, and no call fails.
    redis.kill();
    control.expire_tokens();
    tokio::task::block_in_place(|| {
        for worker in &mut workers {
            let round = worker.last_round;
            worker.until_round(round + 2);
        }
    });
    std::fs::write(&stop, b"").expect("the stop file");
    let calls: usize =
        tokio::task::block_in_place(|| workers.into_iter().map(Worker::finish).sum());
    assert!(calls >= PROCESSES * CALLS * 5, "{calls} calls");
    assert_eq!(
        control.token_fetch_count(),
        2 + PROCESSES,
        "without Redis, one refresh per process"
    );
}

/// The figure of BENCHMARKS.md ("Token fetches across processes"): token fetches per
/// 10 000 calls of 4 processes (50 rounds of 50 concurrent calls each), with tokens that
/// the sandbox expires after 200 ms, with the Redis store and with each process's
/// own. Three runs per store, the order rotated (run 0 starts with Redis), each on a
/// fresh sandbox (and an emptied Redis). A measurement, not part of the test suite:
/// `cargo test --release -p retail-apis --test token_store_processes -- --ignored --nocapture`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark (BENCHMARKS.md): run with --ignored --nocapture"]
async fn token_fetches_per_10000_calls() {
    let Some(mut redis) = RedisServer::start("token_fetches_per_10000_calls") else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let stop = dir.path().join("never");
    let rounds = 10_000 / (PROCESSES * CALLS);
    for run in 0..3 {
        let order = if run % 2 == 0 {
            ["redis", "in-process"]
        } else {
            ["in-process", "redis"]
        };
        for store in order {
            redis.restart();
            let sandbox = start_sandbox().await;
            sandbox.control().set_token_ttl(Duration::from_millis(200));
            let url = if store == "redis" {
                redis.url()
            } else {
                String::new()
            };
            let started = Instant::now();
            let workers: Vec<Worker> = (0..PROCESSES)
                .map(|_| Worker::spawn_with(&sandbox.base_url(), &url, &stop, rounds))
                .collect();
            let calls: usize =
                tokio::task::block_in_place(|| workers.into_iter().map(Worker::finish).sum());
            println!(
                "run {run} {store:>10}: {calls} calls in {:.1} s, {} token fetches",
                started.elapsed().as_secs_f64(),
                sandbox.control().token_fetch_count()
            );
        }
    }
}
