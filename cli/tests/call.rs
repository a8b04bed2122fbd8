//! `retail-apis call` end to end: the built binary, configured through the environment,
//! against a sandbox running inside the test on a free loopback port.

mod common;

use std::net::SocketAddr;

use common::{run_with_body, Run, BODY};
use retail_apis_sandbox::{
    config as creds, CouponState, Fault, Sandbox, SandboxConfig, SandboxHandle,
};
use serde_json::Value;

async fn start_sandbox() -> SandboxHandle {
    Sandbox::from_files(retail_apis::SPEC_FILES, SandboxConfig::default())
        .unwrap_or_else(|d| panic!("the embedded specs do not load:\n{d}"))
        .start(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("the sandbox binds a free loopback port")
}

fn jdy_env(base_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("JDY_BASE_URL", base_url.to_owned()),
        ("JDY_CLIENT_ID", creds::CLIENT_ID.to_owned()),
        ("JDY_CLIENT_SECRET", creds::CLIENT_SECRET.to_owned()),
        ("JDY_APP_KEY", creds::APP_KEY.to_owned()),
        ("JDY_APP_SECRET", creds::APP_SECRET.to_owned()),
        ("JDY_DOMAIN", creds::DOMAIN.to_owned()),
    ]
}

fn shoubei_env(base_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("SHOUBEI_BASE_URL", base_url.to_owned()),
        ("SHOUBEI_KEY", creds::SHOUBEI_KEY.to_owned()),
    ]
}

/// Runs `call <target> --body <file holding body>` off the async runtime, so the
/// sandbox keeps serving while the binary runs.
async fn call(target: &str, body: &str, env: Vec<(&'static str, String)>) -> Run {
    run_with_body(&["call", target, "--body", BODY], body, env).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_mall_recharge_prints_the_bill_as_pretty_json() {
    let sandbox = start_sandbox().await;
    let run = call(
        "jdy.mall_recharge",
        r#"{"bal_amount":"10.00","member_id":"M1","source":9,"src_bill_id":"B1"}"#,
        jdy_env(&sandbox.base_url()),
    )
    .await;

    assert_eq!(run.code, Some(0), "{run:?}");
    let data: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    let bill_no = data["bill_no"].as_str().expect("bill_no");
    assert!(!bill_no.is_empty());
    // Pretty-printed: one field per indented line.
    assert!(run.stdout.contains("\n  \"bill_no\": "), "{}", run.stdout);
    assert_eq!(sandbox.member_balance("M1").cents(), 1000);
    assert_eq!(sandbox.applied_recharges(), 1);
    assert_eq!(sandbox.token_fetch_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_with_an_invalid_body_prints_the_typed_error() {
    let sandbox = start_sandbox().await;
    let run = call(
        "jdy.mall_recharge",
        r#"{"bal_amount":"abc","member_id":"M1","source":9,"src_bill_id":"B1"}"#,
        jdy_env(&sandbox.base_url()),
    )
    .await;

    assert_eq!(run.code, Some(7), "{run:?}");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("error: jdy.mall_recharge: error 1000000400: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("bal_amount"), "{}", run.stderr);
    // The kind and the vendor code follow on lines of their own, so scripts and people
    // can tell error kinds apart; the error's Debug form is not dumped.
    assert!(run.stderr.contains("\n  kind: business\n"), "{}", run.stderr);
    assert!(
        run.stderr.contains("\n  vendor code: 1000000400\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Business {"), "{}", run.stderr);
    assert_eq!(sandbox.applied_recharges(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_refund_answer_exits_with_the_outcome_unknown_code() {
    let sandbox = start_sandbox().await;
    sandbox
        .faults()
        .inject("jdy.refund_save", Fault::ApplyThenFail { status: 502 })
        .expect("refund_save is served");
    let body = example_request("jdy", "refund_save");
    let run = call("jdy.refund_save", &body, jdy_env(&sandbox.base_url())).await;

    // Not 1: a script must not treat this refund as failed and send it again.
    assert_eq!(run.code, Some(3), "{run:?}");
    assert!(run.stderr.contains("outcome unknown"), "{}", run.stderr);
    assert!(
        run.stderr.contains("\n  kind: outcome-unknown (cause: http-status)\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("refund_no"), "{}", run.stderr);
    assert_eq!(sandbox.request_count("jdy.refund_save"), 1);
    assert_eq!(sandbox.refund_count(), 1);
}

/// The first request example the embedded spec gives for `service.operation`.
fn example_request(service: &str, operation: &str) -> String {
    let sources: Vec<retail_apis_codegen::SourceFile> = retail_apis::SPEC_FILES
        .iter()
        .map(|(path, text)| retail_apis_codegen::SourceFile {
            path: (*path).to_owned(),
            text: (*text).to_owned(),
        })
        .collect();
    let specs = retail_apis_codegen::load_sources(&sources)
        .unwrap_or_else(|d| panic!("the embedded specs do not load:\n{d}"));
    specs
        .service(service)
        .and_then(|s| s.endpoint(operation))
        .and_then(|e| e.examples.iter().find_map(|x| x.request.clone()))
        .unwrap_or_else(|| panic!("{service}.{operation} has no request example"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_with_a_body_that_is_not_json_sends_nothing() {
    let sandbox = start_sandbox().await;
    let run = call(
        "jdy.mall_recharge",
        "{not json",
        jdy_env(&sandbox.base_url()),
    )
    .await;

    // Input: exit 2, like any command line the command cannot act on.
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("not valid JSON"), "{}", run.stderr);
    assert_eq!(sandbox.request_count("jdy.app_token"), 0);
    assert_eq!(sandbox.request_count("jdy.mall_recharge"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_without_credentials_names_the_missing_variable() {
    let sandbox = start_sandbox().await;
    let mut env = jdy_env(&sandbox.base_url());
    env.retain(|(name, _)| *name != "JDY_APP_SECRET");
    let run = call(
        "jdy.mall_recharge",
        r#"{"bal_amount":"10.00","member_id":"M1","source":9,"src_bill_id":"B1"}"#,
        env,
    )
    .await;

    // Configuration: exit 4.
    assert_eq!(run.code, Some(4), "{run:?}");
    assert!(run.stderr.contains("JDY_APP_SECRET"), "{}", run.stderr);
    // The error names the variable and must not echo any credential value.
    assert!(!run.stderr.contains(creds::CLIENT_SECRET), "{}", run.stderr);
    assert_eq!(sandbox.request_count("jdy.app_token"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_coupon_write_off_signs_with_the_shoubei_key() {
    let sandbox = start_sandbox().await;
    let body = format!(
        r#"{{"inst_no":"{}","merchant_no":"851811130002","shop_no":"862010110001","ts":"20261125120000","coupon_code":"679533922929","wf_trace_no":"CLI-1"}}"#,
        creds::SHOUBEI_INST_NO
    );

    let run = call(
        "shoubei.coupon_write_off",
        &body,
        shoubei_env(&sandbox.base_url()),
    )
    .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    let answer: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(answer["return_code"], "SUCCESS");
    assert_eq!(answer["result_code"], "SUCCESS");
    assert_eq!(answer["wf_trace_no"], "CLI-1");
    let order_no = answer["order_no"].as_str().expect("order_no").to_owned();
    assert_eq!(
        sandbox.coupon_state("679533922929"),
        Some(CouponState::WrittenOff { order_no })
    );

    // The same coupon again: the business error and its code reach the terminal.
    let again = call(
        "shoubei.coupon_write_off",
        &body,
        shoubei_env(&sandbox.base_url()),
    )
    .await;
    assert_eq!(again.code, Some(7), "{again:?}");
    assert!(
        again
            .stderr
            .contains("shoubei.coupon_write_off: error 0203"),
        "{}",
        again.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_of_an_unknown_operation_lists_the_known_ones() {
    let sandbox = start_sandbox().await;
    let run = call("jdy.no_such_thing", "{}", jdy_env(&sandbox.base_url())).await;

    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.contains("unknown operation `no_such_thing`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("mall_recharge"), "{}", run.stderr);
    assert_eq!(sandbox.request_count("jdy.app_token"), 0);
}
