//! `retail-apis call` end to end: the built binary, configured through the environment,
//! against a sandbox running inside the test on a free loopback port.

mod common;

use std::net::SocketAddr;

use common::{json_error, one_json_document, run_with_body, Run, BODY};
use retail_apis_sandbox::{
    config as creds, CouponState, Fault, Sandbox, SandboxConfig, SandboxCredentials, SandboxHandle,
};
use serde_json::Value;

async fn start_sandbox() -> SandboxHandle {
    start_sandbox_with(SandboxConfig::default()).await
}

async fn start_sandbox_with(config: SandboxConfig) -> SandboxHandle {
    Sandbox::from_files(retail_apis::SPEC_FILES, config)
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

/// [`call`] with `--output json`.
async fn call_json(target: &str, body: &str, env: Vec<(&'static str, String)>) -> Run {
    run_with_body(
        &["--output", "json", "call", target, "--body", BODY],
        body,
        env,
    )
    .await
}

const RECHARGE: &str = r#"{"bal_amount":"10.00","member_id":"M1","source":9,"src_bill_id":"B1"}"#;

/// A write-off of `coupon` with the sandbox's institution number.
fn write_off(coupon: &str, trace: &str) -> String {
    format!(
        r#"{{"inst_no":"{}","merchant_no":"851811130002","shop_no":"862010110001","ts":"20261125120000","coupon_code":"{coupon}","wf_trace_no":"{trace}"}}"#,
        creds::SHOUBEI_INST_NO
    )
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
    assert!(
        run.stderr.contains("\n  kind: business\n"),
        "{}",
        run.stderr
    );
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
    let sandbox = sandbox_losing_a_refund_answer().await;
    let body = example_request("jdy", "refund_save");
    let run = call("jdy.refund_save", &body, jdy_env(&sandbox.base_url())).await;

    // Not 1: a script must not treat this refund as failed and send it again.
    assert_eq!(run.code, Some(3), "{run:?}");
    assert!(run.stderr.contains("outcome unknown"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("\n  kind: outcome-unknown (cause: http-status)\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("refund_no"), "{}", run.stderr);
    assert_eq!(sandbox.request_count("jdy.refund_save"), 1);
    assert_eq!(sandbox.refund_count(), 1);
}

/// The first request example the embedded spec gives for `service.operation`.
/// A sandbox that applies the next `refund_save` and then answers 502, so the caller cannot
/// know the refund was made.
async fn sandbox_losing_a_refund_answer() -> SandboxHandle {
    let sandbox = start_sandbox().await;
    sandbox
        .faults()
        .inject("jdy.refund_save", Fault::ApplyThenFail { status: 502 })
        .expect("refund_save is served");
    sandbox
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_json_prints_the_answer_under_data() {
    let sandbox = start_sandbox().await;
    let run = call_json("jdy.mall_recharge", RECHARGE, jdy_env(&sandbox.base_url())).await;

    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.is_empty(), "{run:?}");
    let document = one_json_document(&run.stdout);
    let bill_no = document["data"]["bill_no"].as_str().expect("data.bill_no");
    assert!(!bill_no.is_empty());
    assert_eq!(sandbox.member_balance("M1").cents(), 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_json_reports_a_business_error_with_its_vendor_code() {
    let sandbox = start_sandbox().await;
    let body = write_off("679533922929", "CLI-JSON-1");
    let first = call_json(
        "shoubei.coupon_write_off",
        &body,
        shoubei_env(&sandbox.base_url()),
    )
    .await;
    assert_eq!(first.code, Some(0), "{first:?}");

    let again = call_json(
        "shoubei.coupon_write_off",
        &body,
        shoubei_env(&sandbox.base_url()),
    )
    .await;
    assert_eq!(again.code, Some(7), "{again:?}");
    let error = json_error(&again);
    assert_eq!(error["kind"], "business");
    assert_eq!(error["code"], "0203");
    assert_eq!(error["service"], "shoubei");
    assert_eq!(error["operation"], "coupon_write_off");
    assert_eq!(error["outcome_unknown"], false);
    assert!(error["retryable"].is_boolean(), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_are_a_gateway_rejection_in_both_forms() {
    let sandbox = start_sandbox().await;
    let mut env = jdy_env(&sandbox.base_url());
    for (name, value) in &mut env {
        if *name == "JDY_CLIENT_SECRET" {
            *value = String::from("not-the-client-secret");
        }
    }

    let run = call_json("jdy.mall_recharge", RECHARGE, env.clone()).await;
    assert_eq!(run.code, Some(6), "{run:?}");
    let error = json_error(&run);
    assert_eq!(error["kind"], "gateway");
    assert!(
        error["code"].as_str().is_some_and(|c| !c.is_empty()),
        "{error}"
    );
    assert_eq!(error["outcome_unknown"], false);

    let run = call("jdy.mall_recharge", RECHARGE, env).await;
    assert_eq!(run.code, Some(6), "{run:?}");
    assert!(run.stderr.contains("\n  kind: gateway\n"), "{}", run.stderr);
    let code = error["code"].as_str().unwrap_or_default();
    assert!(
        run.stderr.contains(&format!("\n  vendor code: {code}\n")),
        "{}",
        run.stderr
    );
    assert_eq!(sandbox.request_count("jdy.mall_recharge"), 0);
    assert_eq!(sandbox.applied_recharges(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_json_says_when_the_outcome_is_unknown() {
    let sandbox = sandbox_losing_a_refund_answer().await;
    let body = example_request("jdy", "refund_save");
    let run = call_json("jdy.refund_save", &body, jdy_env(&sandbox.base_url())).await;

    assert_eq!(run.code, Some(3), "{run:?}");
    let error = json_error(&run);
    assert_eq!(error["kind"], "outcome-unknown");
    assert_eq!(error["outcome_unknown"], true);
    assert_eq!(error["retryable"], false);
    assert_eq!(error["cause"], "http-status");
    assert_eq!(error["http_status"], 502);
    // The field to keep when repeating it, as the spec names it.
    let key = retail_apis::jdy::endpoints::REFUND_SAVE
        .idempotency_key
        .as_deref()
        .expect("refund_save names its idempotency key");
    assert_eq!(error["key"], key);
    assert_eq!(sandbox.refund_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_json_exit_codes_for_usage_and_configuration() {
    let sandbox = start_sandbox().await;
    let run = call_json("jdy.no_such_thing", "{}", jdy_env(&sandbox.base_url())).await;
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(json_error(&run)["kind"], "usage");

    let run = call_json(
        "jdy.mall_recharge",
        "{not json",
        jdy_env(&sandbox.base_url()),
    )
    .await;
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(json_error(&run)["kind"], "input");

    let mut env = jdy_env(&sandbox.base_url());
    env.retain(|(name, _)| *name != "JDY_APP_SECRET");
    let run = call_json("jdy.mall_recharge", RECHARGE, env).await;
    assert_eq!(run.code, Some(4), "{run:?}");
    let error = json_error(&run);
    assert_eq!(error["kind"], "config");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("JDY_APP_SECRET")),
        "{error}"
    );
    assert_eq!(sandbox.request_count("jdy.app_token"), 0);
}

/// Failing calls of every kind, in both forms, against a sandbox that accepts credentials
/// found nowhere else: none of the values set in the environment is printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_from_the_environment_reaches_the_output_of_a_failing_call() {
    let credentials = SandboxCredentials {
        client_secret: String::from("cs-3f9a1c7e5b2d4068"),
        app_secret: String::from("as-8e2b6d0f4a1c9357"),
        shoubei_key: String::from("sk-5c1e9a3f7b0d2846"),
        ..SandboxCredentials::default()
    };
    let sandbox = start_sandbox_with(SandboxConfig {
        credentials: credentials.clone(),
        ..SandboxConfig::default()
    })
    .await;
    sandbox
        .faults()
        // Once per output form.
        .inject_times("jdy.refund_save", 2, Fault::ApplyThenFail { status: 502 })
        .expect("refund_save is served");
    let base = sandbox.base_url();
    let jdy = |client_secret: &str, app_secret: &str| {
        let mut env = jdy_env(&base);
        for (name, value) in &mut env {
            match *name {
                "JDY_CLIENT_SECRET" => *value = client_secret.to_owned(),
                "JDY_APP_SECRET" => *value = app_secret.to_owned(),
                _ => {}
            }
        }
        env
    };
    let wrong_client_secret = "cs-wrong-71d04b9e";
    let wrong_app_secret = "as-wrong-2a6f8c13";
    let wrong_key = "sk-wrong-e4b7091d";
    let shoubei = |key: &str| {
        vec![
            ("SHOUBEI_BASE_URL", base.clone()),
            ("SHOUBEI_KEY", key.to_owned()),
        ]
    };
    let bad_amount = r#"{"bal_amount":"abc","member_id":"M1","source":9,"src_bill_id":"B1"}"#;
    let refund = example_request("jdy", "refund_save");
    let cases = [
        // gateway rejection: the client secret is wrong
        (
            "jdy.mall_recharge",
            RECHARGE.to_owned(),
            jdy(wrong_client_secret, &credentials.app_secret),
            6,
        ),
        // the token request is refused: the app secret is wrong
        (
            "jdy.mall_recharge",
            RECHARGE.to_owned(),
            jdy(&credentials.client_secret, wrong_app_secret),
            7,
        ),
        // business error after a token was issued
        (
            "jdy.mall_recharge",
            bad_amount.to_owned(),
            jdy(&credentials.client_secret, &credentials.app_secret),
            7,
        ),
        // outcome unknown, the answer's body quoted
        (
            "jdy.refund_save",
            refund,
            jdy(&credentials.client_secret, &credentials.app_secret),
            3,
        ),
        // the Shoubei key is wrong: the answer's signature does not verify, so whether
        // the write-off happened is unknown
        (
            "shoubei.coupon_write_off",
            write_off("679533922928", "CLI-S-1"),
            shoubei(wrong_key),
            3,
        ),
        // a business error signed with the right key
        (
            "shoubei.coupon_write_off",
            write_off("679533922931", "CLI-S-2"),
            shoubei(&credentials.shoubei_key),
            7,
        ),
    ];
    let secrets = [
        credentials.client_secret.as_str(),
        credentials.app_secret.as_str(),
        credentials.shoubei_key.as_str(),
        wrong_client_secret,
        wrong_app_secret,
        wrong_key,
    ];
    for (target, body, env, code) in cases {
        for json in [false, true] {
            let run = if json {
                call_json(target, &body, env.clone()).await
            } else {
                call(target, &body, env.clone()).await
            };
            assert_eq!(run.code, Some(code), "{target}: {run:?}");
            for secret in secrets {
                assert!(
                    !run.stdout.contains(secret) && !run.stderr.contains(secret),
                    "{target} printed `{secret}`:\n{run:?}"
                );
            }
        }
    }
}

/// A retried call logs a warning; in JSON form standard error stays free of log lines, so
/// a script can parse whatever it holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_json_prints_no_log_lines() {
    let sandbox = start_sandbox().await;
    let busy_once = || {
        sandbox
            .faults()
            .inject("jdy.mall_recharge", Fault::TooManyRequests)
            .expect("mall_recharge is served")
    };
    let body = |bill: &str| {
        format!(r#"{{"bal_amount":"10.00","member_id":"M1","source":9,"src_bill_id":"{bill}"}}"#)
    };

    // The text form shows the retry, so there is a log line to keep out.
    busy_once();
    let text = call(
        "jdy.mall_recharge",
        &body("B-LOG-1"),
        jdy_env(&sandbox.base_url()),
    )
    .await;
    assert_eq!(text.code, Some(0), "{text:?}");
    assert!(text.stderr.contains("retrying"), "{text:?}");

    busy_once();
    let run = call_json(
        "jdy.mall_recharge",
        &body("B-LOG-2"),
        jdy_env(&sandbox.base_url()),
    )
    .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.is_empty(), "{run:?}");
    assert!(one_json_document(&run.stdout)["data"]["bill_no"].is_string());
    assert_eq!(sandbox.applied_recharges(), 2);
    assert_eq!(sandbox.request_count("jdy.mall_recharge"), 4);
}

/// An answer the client cannot use is exit 5; whatever control sequences and direction
/// overrides it holds reach the terminal escaped, in both forms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_answer_is_a_protocol_error_shown_escaped() {
    let sandbox = start_sandbox().await;
    let hostile = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}gnp.exe";
    sandbox
        .faults()
        .inject_times(
            "shoubei.coupon_write_off",
            2,
            Fault::Status {
                status: 404,
                body: hostile.to_owned(),
            },
        )
        .expect("coupon_write_off is served");
    let body = write_off("679533922928", "CLI-HOSTILE-1");

    let text = call(
        "shoubei.coupon_write_off",
        &body,
        shoubei_env(&sandbox.base_url()),
    )
    .await;
    assert_eq!(text.code, Some(5), "{text:?}");
    assert!(
        text.stderr.contains("\n  kind: http-status\n"),
        "{}",
        text.stderr
    );
    assert!(text.stderr.contains("\\u{1b}[2J"), "{}", text.stderr);

    let json = call_json(
        "shoubei.coupon_write_off",
        &body,
        shoubei_env(&sandbox.base_url()),
    )
    .await;
    assert_eq!(json.code, Some(5), "{json:?}");
    let error = json_error(&json);
    assert_eq!(error["kind"], "http-status");
    assert_eq!(error["http_status"], 404);
    // The decoded message holds the answer as it came.
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains(hostile)),
        "{error}"
    );

    for run in [&text, &json] {
        for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(
                !run.stdout.contains(raw) && !run.stderr.contains(raw),
                "{raw:?} printed raw: {run:?}"
            );
        }
    }
}

/// A successful answer is printed as the vendor sent it, its direction overrides and
/// line separators escaped (the JSON still decodes to the same data).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_holding_invisible_characters_is_printed_escaped() {
    let sandbox = start_sandbox().await;
    let bill_no = "CZ\u{202e}1000\u{2028}";
    let answer =
        serde_json::json!({ "errcode": 0, "description": "", "data": { "bill_no": bill_no } });
    sandbox
        .faults()
        .inject_times(
            "jdy.mall_recharge",
            2,
            Fault::Status {
                status: 200,
                body: answer.to_string(),
            },
        )
        .expect("mall_recharge is served");

    let text = call("jdy.mall_recharge", RECHARGE, jdy_env(&sandbox.base_url())).await;
    let json = call_json("jdy.mall_recharge", RECHARGE, jdy_env(&sandbox.base_url())).await;
    assert_eq!(text.code, Some(0), "{text:?}");
    assert_eq!(json.code, Some(0), "{json:?}");
    let printed: Value = serde_json::from_str(&text.stdout).expect("stdout is JSON");
    assert_eq!(printed["bill_no"], bill_no);
    assert_eq!(one_json_document(&json.stdout)["data"]["bill_no"], bill_no);
    for run in [&text, &json] {
        for raw in ['\u{202e}', '\u{2028}'] {
            assert!(!run.stdout.contains(raw), "{raw:?} printed raw: {run:?}");
        }
    }
}
