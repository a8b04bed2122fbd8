//! `retail-apis sign --explain` end to end: the built binary prints the signature the
//! runtime computes for the same nonce and timestamp, a request carrying exactly what it
//! printed passes the real sandbox's signature checks, and no secret reaches its output.

mod common;

use std::net::SocketAddr;

use common::{json_error, one_json_document, run_cli, run_with_body, Run, BODY};
use retail_apis_runtime::jdy::headers::{APP_TOKEN, CONTENT_TYPE, JSON, X_API_SIGNATURE};
use retail_apis_runtime::jdy::signing::{self, CanonicalRequest, SentHeaders, SignHeaders};
use retail_apis_runtime::jdy::JdyClient;
use retail_apis_runtime::shoubei::signing::StringToSign;
use retail_apis_runtime::AuthScheme;
use retail_apis_sandbox::{config as creds, Sandbox, SandboxConfig, SandboxHandle};
use serde_json::{Map, Value};

async fn start_sandbox() -> SandboxHandle {
    Sandbox::from_files(retail_apis::SPEC_FILES, SandboxConfig::default())
        .unwrap_or_else(|d| panic!("the embedded specs do not load:\n{d}"))
        .start(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("the sandbox binds a free loopback port")
}

fn jdy_env(base_url: &str, client_secret: &str) -> Vec<(&'static str, String)> {
    vec![
        ("JDY_BASE_URL", base_url.to_owned()),
        ("JDY_CLIENT_ID", creds::CLIENT_ID.to_owned()),
        ("JDY_CLIENT_SECRET", client_secret.to_owned()),
        ("JDY_APP_KEY", creds::APP_KEY.to_owned()),
        ("JDY_APP_SECRET", creds::APP_SECRET.to_owned()),
        ("JDY_DOMAIN", creds::DOMAIN.to_owned()),
    ]
}

/// Runs `sign --explain <target> --body <file> <extra..>` off the async runtime, so a
/// sandbox keeps serving meanwhile.
async fn explain(
    target: &str,
    body: &str,
    extra: &[&str],
    env: Vec<(&'static str, String)>,
) -> Run {
    let mut args = vec!["sign", "--explain", target, "--body", BODY];
    args.extend_from_slice(extra);
    run_with_body(&args, body, env).await
}

/// The indented `Name: value` lines of the section whose title starts with `title`.
fn section<'a>(stdout: &'a str, title: &str) -> Vec<(&'a str, &'a str)> {
    stdout
        .lines()
        .skip_while(|line| !line.starts_with(title))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.trim_start().split_once(": "))
        .collect()
}

/// The request line: method and URL.
fn request_line(stdout: &str) -> (String, String) {
    let line = stdout
        .lines()
        .skip_while(|line| *line != "Request:")
        .nth(1)
        .expect("a request line");
    let (method, url) = line.trim().split_once(' ').expect("method and URL");
    (method.to_owned(), url.to_owned())
}

/// The string to sign, from its exact JSON form.
fn string_to_sign(stdout: &str) -> String {
    let json = stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix("as a JSON string: "))
        .expect("the string to sign as JSON");
    serde_json::from_str(json).expect("a JSON string")
}

/// The body line under the section starting with `title`.
fn body_line(stdout: &str, title: &str) -> Value {
    let line = stdout
        .lines()
        .skip_while(|line| !line.starts_with(title))
        .nth(1)
        .expect("a body line");
    serde_json::from_str(line.trim()).expect("the body is JSON")
}

fn assert_no_secret(run: &Run, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "`{secret}` printed:\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
}

/// The current `X-Api-TimeStamp`, as the client makes it.
fn now_ms() -> String {
    retail_apis_runtime::jdy::signing::fresh_nonce_and_timestamp().1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jdy_explanation_is_the_runtime_signature_and_the_sandbox_accepts_it() {
    let sandbox = start_sandbox().await;
    let base = sandbox.base_url();
    let endpoint = &retail_apis::jdy::endpoints::MALL_RECHARGE;
    let AuthScheme::KingdeeGateway(scheme) = retail_apis::jdy::SERVICE.auth else {
        panic!("jdy uses the Kingdee gateway scheme");
    };
    let (nonce, timestamp) = ("7300000001", now_ms());
    let body =
        r#"{"bal_amount":"10.00","member_id":"M-EXPLAIN","source":9,"src_bill_id":"B-EXPLAIN"}"#;
    let run = explain(
        "jdy.mall_recharge",
        body,
        &["--nonce", nonce, "--timestamp", &timestamp],
        jdy_env(&base, creds::CLIENT_SECRET),
    )
    .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_no_secret(&run, &[creds::CLIENT_SECRET, creds::APP_SECRET]);
    assert!(run.stdout.contains("placeholder"), "{}", run.stdout);

    // What the runtime signs for the same request, nonce and timestamp.
    let sign_headers = SignHeaders::parse(&scheme.sign_headers).expect("the spec's list");
    let sent = SentHeaders {
        nonce,
        timestamp: &timestamp,
        client_id: creds::CLIENT_ID,
        auth_version: &scheme.auth_version,
        router_addr: creds::DOMAIN,
        content_type: JSON,
    };
    let canonical =
        CanonicalRequest::for_client(endpoint.method, &endpoint.path, &[], &sign_headers, &sent);
    let expected = signing::gateway_signature(&canonical, creds::CLIENT_SECRET);
    assert_eq!(string_to_sign(&run.stdout), canonical.to_string());
    let headers = section(&run.stdout, "Headers");
    let printed: Vec<&str> = headers
        .iter()
        .filter(|(name, _)| *name == X_API_SIGNATURE)
        .map(|(_, value)| *value)
        .collect();
    assert_eq!(printed, [expected.as_str()]);

    // Exactly what was printed, with a real app-token in place of the placeholder,
    // passes the sandbox.
    let client = JdyClient::new(
        &retail_apis::jdy::SERVICE,
        creds::jdy_client_config(base.clone()),
    )
    .expect("sandbox configuration");
    let token = client.app_token().await.expect("a token from the sandbox");
    let (method, url) = request_line(&run.stdout);
    assert_eq!(method, "POST");
    let mut request = common::http().post(url);
    for (name, value) in headers.iter().filter(|(name, _)| *name != APP_TOKEN) {
        request = request.header(*name, *value);
    }
    let response = request
        .header(APP_TOKEN, token.expose())
        .body(body_line(&run.stdout, "Body").to_string())
        .send()
        .await
        .expect("loopback");
    let status = response.status().as_u16();
    let answer: Value = response.json().await.expect("JSON answer");
    assert_eq!(
        (status, &answer["errcode"]),
        (200, &Value::from(0)),
        "{answer}"
    );
    assert_eq!(sandbox.member_balance("M-EXPLAIN").cents(), 1000);
}

/// PROTOCOL.md vector 3: secret `abc123`, POST mall_recharge, nonce = timestamp =
/// 1655775240000. A captured request is reproduced byte for byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jdy_explanation_reproduces_the_vendor_vector() {
    let ts = "1655775240000";
    let run = explain(
        "jdy.mall_recharge",
        r#"{"bal_amount":"1.00","member_id":"M1","source":9,"src_bill_id":"B1"}"#,
        &["--nonce", ts, "--timestamp", ts],
        jdy_env("https://api.kingdee.com", "abc123"),
    )
    .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        section(&run.stdout, "Headers").contains(&(
            X_API_SIGNATURE,
            "NzBlY2VjMzc4YTg2YjA3ZDljZjc4OGIwMzgxODliMDljMTMzMDkwNWQwYTg5YzcwYzA1NGQzN2U3ZDVmNGE3OQ=="
        )),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("4006"), "stale timestamp noted");
    assert_no_secret(&run, &["abc123", creds::APP_SECRET]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shoubei_explanation_is_the_runtime_sign_and_the_sandbox_accepts_it() {
    let sandbox = start_sandbox().await;
    let AuthScheme::Md5BodySign(scheme) = retail_apis::shoubei::SERVICE.auth else {
        panic!("shoubei uses the MD5 body signature");
    };
    let body = format!(
        r#"{{"inst_no":"{}","merchant_no":"851811130002","shop_no":"862010110001","ts":"20261125120000","coupon_code":"679533922929","wf_trace_no":"EXPLAIN-1"}}"#,
        creds::SHOUBEI_INST_NO
    );
    let run = explain(
        "shoubei.coupon_write_off",
        &body,
        &[],
        vec![
            ("SHOUBEI_BASE_URL", sandbox.base_url()),
            ("SHOUBEI_KEY", creds::SHOUBEI_KEY.to_owned()),
        ],
    )
    .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_no_secret(&run, &[creds::SHOUBEI_KEY]);

    let unsigned: Map<String, Value> = serde_json::from_str(&body).expect("fixture");
    let text = StringToSign::new(&scheme, &unsigned, creds::SHOUBEI_KEY).expect("signable");
    assert_eq!(string_to_sign(&run.stdout), text.masked());
    assert!(text.masked().ends_with("&key=***"), "{}", text.masked());
    let expected =
        retail_apis_runtime::shoubei::signing::sign(&scheme, &unsigned, creds::SHOUBEI_KEY)
            .expect("signable");
    let sent = body_line(&run.stdout, "Body");
    assert_eq!(sent[scheme.field.as_ref()], Value::from(expected.clone()));
    assert!(
        section(&run.stdout, "Signature").contains(&(scheme.field.as_ref(), expected.as_str())),
        "{}",
        run.stdout
    );

    // The printed body, sent as printed, is accepted.
    let (method, url) = request_line(&run.stdout);
    assert_eq!(method, "POST");
    let response = common::http()
        .post(url)
        .header(CONTENT_TYPE, JSON)
        .body(sent.to_string())
        .send()
        .await
        .expect("loopback");
    let answer: Value = response.json().await.expect("JSON answer");
    assert_eq!(answer["return_code"], "SUCCESS", "{answer}");
    assert_eq!(answer["result_code"], "SUCCESS", "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explanation_errors_name_the_problem_and_no_secret() {
    let shoubei_env = || vec![("SHOUBEI_KEY", creds::SHOUBEI_KEY.to_owned())];
    let run = explain(
        "shoubei.coupon_write_off",
        r#"{"a":"1"}"#,
        &["--nonce", "1"],
        shoubei_env(),
    )
    .await;
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("--nonce"), "{}", run.stderr);

    let run = explain(
        "jdy.mall_recharge",
        "{}",
        &["--timestamp", "1 2"],
        jdy_env("https://api.kingdee.com", creds::CLIENT_SECRET),
    )
    .await;
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("--timestamp"), "{}", run.stderr);

    // The credentials come from the environment exactly as for `call`.
    let mut env = jdy_env("https://api.kingdee.com", creds::CLIENT_SECRET);
    env.retain(|(name, _)| *name != "JDY_APP_SECRET");
    let run = explain("jdy.mall_recharge", "{}", &[], env).await;
    assert_eq!(run.code, Some(4), "{run:?}");
    assert!(run.stderr.contains("JDY_APP_SECRET"), "{}", run.stderr);
    assert_no_secret(&run, &[creds::CLIENT_SECRET]);

    let run = explain("jdy.no_such_operation", "{}", &[], shoubei_env()).await;
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("mall_recharge"), "{}", run.stderr);

    // A body the MD5 scheme cannot sign is refused by name, the key unprinted.
    let run = explain(
        "shoubei.coupon_write_off",
        r#"{"goods":[1]}"#,
        &[],
        shoubei_env(),
    )
    .await;
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("`goods`"), "{}", run.stderr);
    assert_no_secret(&run, &[creds::SHOUBEI_KEY]);
}

#[test]
fn sign_needs_the_explain_target() {
    let run = run_cli(&["sign", "--body", "x.json"], &[]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("--explain"), "{}", run.stderr);
}

/// `--output json`: one object with the facts the text shows, field by field, and no
/// secret; the PROTOCOL.md vector 3 signature comes out the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explanation_as_json_carries_the_facts_of_the_text() {
    let ts = "1655775240000";
    let body = r#"{"bal_amount":"1.00","member_id":"M1","source":9,"src_bill_id":"B1"}"#;
    let env = jdy_env("https://api.kingdee.com", "abc123");
    let reproduce = ["--nonce", ts, "--timestamp", ts];
    let text = explain("jdy.mall_recharge", body, &reproduce, env.clone()).await;
    assert_eq!(text.code, Some(0), "{text:?}");
    let mut args = vec!["--output", "json", "sign", "--explain", "jdy.mall_recharge"];
    args.extend_from_slice(&["--body", BODY]);
    args.extend_from_slice(&reproduce);
    let run = run_with_body(&args, body, env).await;

    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.is_empty(), "{run:?}");
    assert_no_secret(&run, &["abc123", creds::APP_SECRET]);
    let document = one_json_document(&run.stdout);
    assert_eq!(document["sent"], false);
    assert_eq!(document["service"], "jdy");
    assert_eq!(document["operation"], "mall_recharge");
    let (method, url) = request_line(&text.stdout);
    assert_eq!(document["method"], method.as_str());
    assert_eq!(document["url"], url.as_str());
    let text_headers = section(&text.stdout, "Headers");
    let headers: Vec<(&str, &str)> = document["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .map(|h| {
            (
                h["name"].as_str().expect("name"),
                h["value"].as_str().expect("value"),
            )
        })
        .collect();
    let (user_agent, others): (Vec<_>, Vec<_>) = text_headers
        .iter()
        .partition(|(name, _)| *name == "User-Agent");
    assert_eq!(headers, others.into_iter().copied().collect::<Vec<_>>());
    assert_eq!(document["user_agent"], user_agent[0].1);
    let signature = &document["signature"];
    assert_eq!(signature["string_to_sign"], string_to_sign(&text.stdout));
    assert_eq!(signature["carrier"]["kind"], "header");
    assert_eq!(signature["carrier"]["name"], X_API_SIGNATURE);
    assert_eq!(
        signature["signature"],
        "NzBlY2VjMzc4YTg2YjA3ZDljZjc4OGIwMzgxODliMDljMTMzMDkwNWQwYTg5YzcwYzA1NGQzN2U3ZDVmNGE3OQ=="
    );
    let sent: Value =
        serde_json::from_str(document["body"].as_str().expect("a body")).expect("the body is JSON");
    assert_eq!(sent, body_line(&text.stdout, "Body"));
    let secret = document["credentials"]
        .as_array()
        .expect("credentials")
        .iter()
        .find(|c| c["variable"] == "JDY_CLIENT_SECRET")
        .expect("the client secret is listed");
    assert!(
        secret["value"]
            .as_str()
            .is_some_and(|v| v.starts_with("<secret")),
        "{secret}"
    );
    assert!(
        document["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.contains("4006"))),
        "stale timestamp noted: {document}"
    );

    // A refusal is the JSON error object, with the usage exit code.
    let run = run_with_body(
        &[
            "--output",
            "json",
            "sign",
            "--explain",
            "shoubei.coupon_write_off",
            "--body",
            BODY,
            "--nonce",
            "1",
        ],
        r#"{"a":"1"}"#,
        vec![("SHOUBEI_KEY", creds::SHOUBEI_KEY.to_owned())],
    )
    .await;
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(json_error(&run)["kind"], "usage");
    assert_no_secret(&run, &[creds::SHOUBEI_KEY]);
}
