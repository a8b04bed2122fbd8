//! Many concurrent callers sharing one JDY client: one token fetch for all of them,
//! every distinct recharge applied once, duplicates (concurrent and sequential) not
//! doubled, and balances that add up to the cent.
//!
//! `cargo test -p retail-apis --test e2e_load -- --nocapture` prints the throughput.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use common::{bounded, jdy_client, recharge, start_sandbox};
use tokio::sync::Barrier;

const TASKS: usize = 32;
const BILLS_PER_TASK: usize = 5;
const MEMBERS: usize = 4;
const SHARED_BILL: &str = "SHARED-1";
const SHARED_MEMBER: &str = "M-SHARED";

/// Amount of task `task`'s bill `bill`, in cents: distinct per bill, so a bill applied
/// twice or lost shows in the totals.
fn bill_cents(task: usize, bill: usize) -> i64 {
    let (task, bill) = (task as i64, bill as i64);
    (task + 1) * 100 + bill + 1
}

fn as_amount(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn member(task: usize) -> String {
    format!("M-{}", task % MEMBERS)
}

/// What one task saw: the bill number of the shared bill, and of each of its own bills.
struct Seen {
    shared: Option<String>,
    own: Vec<Option<String>>,
    repeat_matches_first: bool,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_token_and_apply_each_bill_once() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        // Every task sends its first request at the same moment, so they all find the
        // token cache empty together.
        let start = Arc::new(Barrier::new(TASKS));
        let began = Instant::now();

        let tasks: Vec<_> = (0..TASKS)
            .map(|task| {
                let client = client.clone();
                let start = Arc::clone(&start);
                tokio::spawn(async move {
                    start.wait().await;
                    // The same bill from every task at once: a concurrent duplicate.
                    let shared = client
                        .mall_recharge(&recharge("1.00", SHARED_MEMBER, SHARED_BILL))
                        .await
                        .expect("shared bill")
                        .bill_no;
                    let mut own = Vec::new();
                    for bill in 0..BILLS_PER_TASK {
                        let request = recharge(
                            &as_amount(bill_cents(task, bill)),
                            &member(task),
                            &format!("B-{task}-{bill}"),
                        );
                        let answer = client.mall_recharge(&request).await.expect("own bill");
                        own.push(answer.bill_no);
                    }
                    // A sequential duplicate of the task's first bill.
                    let repeat = client
                        .mall_recharge(&recharge(
                            &as_amount(bill_cents(task, 0)),
                            &member(task),
                            &format!("B-{task}-0"),
                        ))
                        .await
                        .expect("repeated bill");
                    let repeat_matches_first = repeat.bill_no == own[0];
                    Seen {
                        shared,
                        own,
                        repeat_matches_first,
                    }
                })
            })
            .collect();
        let mut seen = Vec::new();
        for task in tasks {
            seen.push(task.await.expect("task finished"));
        }
        let elapsed = began.elapsed();

        // One token for everyone, as counted by the client and by the gateway.
        assert_eq!(client.runtime().token_fetches(), 1);
        assert_eq!(sandbox.token_fetch_count(), 1);
        assert_eq!(sandbox.request_count("jdy.app_token"), 1);

        // Every request arrived once: nothing needed a retry.
        let calls = TASKS * (1 + BILLS_PER_TASK + 1);
        assert_eq!(sandbox.request_count("jdy.mall_recharge"), calls);

        // The shared bill was applied once and every task was told the same bill.
        let shared: HashSet<_> = seen.iter().map(|s| s.shared.clone()).collect();
        assert_eq!(shared.len(), 1, "{shared:?}");
        assert!(shared.iter().all(Option::is_some));
        assert_eq!(sandbox.member_balance(SHARED_MEMBER).cents(), 100);

        // Distinct bills got distinct bill numbers; repeats got the first one.
        let own: HashSet<_> = seen.iter().flat_map(|s| s.own.iter().cloned()).collect();
        assert_eq!(own.len(), TASKS * BILLS_PER_TASK);
        assert!(!own.contains(&None));
        assert!(seen.iter().all(|s| s.repeat_matches_first));
        assert_eq!(sandbox.applied_recharges(), TASKS * BILLS_PER_TASK + 1);

        // Balances add up to the cent.
        let mut expected: BTreeMap<String, i64> = BTreeMap::new();
        for task in 0..TASKS {
            for bill in 0..BILLS_PER_TASK {
                *expected.entry(member(task)).or_default() += bill_cents(task, bill);
            }
        }
        for (member, cents) in &expected {
            assert_eq!(sandbox.member_balance(member).cents(), *cents, "{member}");
        }

        let requests = calls + 1;
        let per_second = requests as f64 / elapsed.as_secs_f64();
        println!(
            "load: {TASKS} tasks, {requests} requests ({} recharges applied, {} duplicates) \
             in {:.1} ms: {per_second:.0} req/s",
            sandbox.applied_recharges(),
            calls - sandbox.applied_recharges(),
            elapsed.as_secs_f64() * 1000.0
        );
    })
    .await;
}
