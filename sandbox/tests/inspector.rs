//! The request log and the tolerant mode, over real HTTP: what the log records for each
//! verdict, the SDK variants the tolerant mode accepts (and strict refuses with the code
//! it always did), the seconds-timestamp message, masking, the ring bound, the JSON API
//! and the fault switch of the state page.

mod common;

use common::*;
use retail_apis_codegen::model::{AuthScheme, SpecSet};
use retail_apis_runtime::HttpMethod;
use retail_apis_sandbox::{Check, RecordedRequest, SandboxConfig, SandboxHandle, Verdict};
use serde_json::{json, Value};

fn strict() -> SandboxConfig {
    SandboxConfig::default()
}

fn tolerant() -> SandboxConfig {
    SandboxConfig {
        tolerant: true,
        ..SandboxConfig::default()
    }
}

/// The spec's code for error `name` of service `service`, as JSON.
fn code(specs: &SpecSet, service: &str, name: &str) -> Value {
    let service = specs.service(service).expect("service in spec");
    let error = service
        .errors
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("spec/{} has no error {name}", service.name));
    let text: &str = error.code.as_ref();
    serde_json::from_str(text).unwrap_or(Value::from(text))
}

/// The spec's `X-Api-SignHeaders` value of the JDY gateway.
fn declared_sign_headers(specs: &SpecSet) -> String {
    match &specs.service("jdy").expect("jdy").auth {
        AuthScheme::KingdeeGateway(gw) => gw.sign_headers.to_string(),
        _ => panic!("jdy is a Kingdee gateway service"),
    }
}

/// A recharge with `headers` (signed by the runtime's function), and the log entry it left.
async fn recharge(
    sandbox: &SandboxHandle,
    headers: &GatewayHeaders,
) -> (u16, Value, RecordedRequest) {
    let body = recharge_body("M1", "1.00", &nonce()).to_string();
    let (status, answer) = Jdy::new(sandbox)
        .send(HttpMethod::Post, RECHARGE_PATH, &[], headers, Some(body))
        .await;
    let entry = sandbox
        .requests()
        .into_iter()
        .next()
        .expect("the request is logged");
    (status, answer, entry)
}

/// The variants of the pages' gateway headers that other Kingdee SDKs send, with the
/// text the warning quotes.
fn variants(specs: &SpecSet, token: &str) -> Vec<(&'static str, GatewayHeaders, String)> {
    let declared = declared_sign_headers(specs);
    let reversed: Vec<&str> = declared.split(',').rev().collect();
    let reversed = reversed.join(",");
    let spaced = declared.to_ascii_lowercase().replace(',', ", ");
    let content_type = "application/json; charset=UTF-8";
    vec![
        (
            "sign_headers_order",
            GatewayHeaders {
                sign_headers: Some(reversed.clone()),
                ..GatewayHeaders::new(Some(token))
            },
            format!("this request sent X-Api-SignHeaders: {reversed}"),
        ),
        (
            "sign_headers_case_and_spacing",
            GatewayHeaders {
                sign_headers: Some(spaced.clone()),
                ..GatewayHeaders::new(Some(token))
            },
            format!("this request sent X-Api-SignHeaders: {spaced}"),
        ),
        (
            "content_type_charset",
            GatewayHeaders {
                content_type: Some(content_type.to_owned()),
                ..GatewayHeaders::new(Some(token))
            },
            format!("this request sent Content-Type: {content_type}"),
        ),
        (
            "no_router",
            GatewayHeaders {
                router: None,
                ..GatewayHeaders::new(Some(token))
            },
            "this request sent no X-GW-Router-Addr".to_owned(),
        ),
    ]
}

#[tokio::test]
async fn strict_refuses_each_sdk_variant_with_its_code_and_tolerant_accepts_it_with_a_warning() {
    let specs = real_specs();
    let sandbox = start_with(specs.clone(), strict()).await;
    let token = Jdy::new(&sandbox).token().await;
    for (name, headers, _) in variants(&specs, &token) {
        let (status, answer, entry) = recharge(&sandbox, &headers).await;
        let (expected_status, expected_code, check) = match name {
            "content_type_charset" => (415, Value::Null, Check::ContentType),
            "no_router" => (519, code(&specs, "jdy", "no_permission"), Check::Router),
            _ => (
                519,
                code(&specs, "jdy", "sign_headers_invalid"),
                Check::SignHeaders,
            ),
        };
        assert_eq!(status, expected_status, "{name}: {answer}");
        if !expected_code.is_null() {
            assert_eq!(answer["errcode"], expected_code, "{name}: {answer}");
        }
        assert_eq!(entry.verdict, Verdict::Rejected, "{name}");
        assert_eq!(entry.failed_check, Some(check), "{name}");
        assert!(entry.warnings.is_empty(), "{name}: {:?}", entry.warnings);
    }
    assert_eq!(sandbox.member_balance("M1").cents(), 0);

    let sandbox = start_with(specs.clone(), tolerant()).await;
    let token = Jdy::new(&sandbox).token().await;
    let mut applied = 0;
    for (name, headers, sent) in variants(&specs, &token) {
        let (status, answer, entry) = recharge(&sandbox, &headers).await;
        assert_eq!(
            (status, &answer["errcode"]),
            (200, &json!(0)),
            "{name}: {answer}"
        );
        applied += 100;
        assert_eq!(entry.verdict, Verdict::Accepted, "{name}");
        assert_eq!(entry.warnings.len(), 1, "{name}: {:?}", entry.warnings);
        let warning = &entry.warnings[0];
        assert!(warning.starts_with("the pages say "), "{name}: {warning}");
        assert!(warning.ends_with(&sent), "{name}: {warning}");
    }
    assert_eq!(sandbox.member_balance("M1").cents(), applied);
}

#[tokio::test]
async fn the_tolerant_mode_still_refuses_what_changes_the_signed_bytes() {
    let specs = real_specs();
    let sandbox = start_with(specs.clone(), tolerant()).await;
    let token = Jdy::new(&sandbox).token().await;
    let declared = declared_sign_headers(&specs);
    let first = declared
        .split(',')
        .next()
        .expect("a signed header")
        .to_owned();
    let doubled = format!("{declared},{first}");
    for sign_headers in [first, doubled] {
        let headers = GatewayHeaders {
            sign_headers: Some(sign_headers.clone()),
            ..GatewayHeaders::new(Some(&token))
        };
        let (status, answer, entry) = recharge(&sandbox, &headers).await;
        assert_eq!(status, 519, "{sign_headers}: {answer}");
        assert_eq!(
            answer["errcode"],
            code(&specs, "jdy", "sign_headers_invalid")
        );
        assert_eq!(entry.failed_check, Some(Check::SignHeaders));
    }
    let wrong_router = GatewayHeaders {
        router: Some("https://elsewhere.jdy.com".to_owned()),
        ..GatewayHeaders::new(Some(&token))
    };
    let (status, answer, _) = recharge(&sandbox, &wrong_router).await;
    assert_eq!(status, 519, "{answer}");
    assert_eq!(answer["errcode"], code(&specs, "jdy", "no_permission"));
    let text_plain = GatewayHeaders {
        content_type: Some("text/plain; charset=UTF-8".to_owned()),
        ..GatewayHeaders::new(Some(&token))
    };
    let (status, _, _) = recharge(&sandbox, &text_plain).await;
    assert_eq!(status, 415);
    assert_eq!(sandbox.member_balance("M1").cents(), 0);
}

#[tokio::test]
async fn a_timestamp_in_seconds_is_refused_in_both_modes_and_says_so() {
    let specs = real_specs();
    for config in [strict(), tolerant()] {
        let tolerant = config.tolerant;
        let sandbox = start_with(specs.clone(), config).await;
        let token = Jdy::new(&sandbox).token().await;
        let headers = GatewayHeaders {
            timestamp: Some((now_ms() / 1000).to_string()),
            ..GatewayHeaders::new(Some(&token))
        };
        let (status, answer, entry) = recharge(&sandbox, &headers).await;
        assert_eq!(status, 519, "tolerant {tolerant}: {answer}");
        assert_eq!(answer["errcode"], code(&specs, "jdy", "timestamp_invalid"));
        let description = answer["description"].as_str().unwrap_or_default();
        assert!(
            description.contains("the timestamp looks like seconds"),
            "{description}"
        );
        assert_eq!(entry.failed_check, Some(Check::Timestamp));
        let reason = entry.reason.unwrap_or_default();
        assert!(
            reason.contains("the timestamp looks like seconds"),
            "{reason}"
        );

        // A stale millisecond timestamp is not called seconds.
        let stale = GatewayHeaders {
            timestamp: Some((now_ms() - 3_600_000).to_string()),
            ..GatewayHeaders::new(Some(&token))
        };
        let (_, answer, _) = recharge(&sandbox, &stale).await;
        let description = answer["description"].as_str().unwrap_or_default();
        assert!(!description.contains("seconds"), "{description}");
    }
}

#[tokio::test]
async fn a_wrong_secret_is_logged_with_both_signatures_and_the_string_to_sign() {
    let sandbox = start(strict()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;
    let good = GatewayHeaders::new(Some(&token));
    let (status, _, accepted) = recharge(&sandbox, &good).await;
    assert_eq!(status, 200);
    let wrong = GatewayHeaders {
        secret: "not-the-client-secret".to_owned(),
        ..GatewayHeaders::new(Some(&token))
    };
    let (status, _, rejected) = recharge(&sandbox, &wrong).await;
    assert_eq!(status, 519);

    assert_eq!(accepted.verdict, Verdict::Accepted);
    let evidence = accepted.signature.expect("signature evidence");
    assert!(evidence.matches());
    assert_eq!(rejected.verdict, Verdict::Rejected);
    assert_eq!(rejected.failed_check, Some(Check::Signature));
    assert_eq!(rejected.operation.as_deref(), Some("jdy.mall_recharge"));
    assert_eq!(rejected.errcode.as_deref(), Some("4008"));
    let evidence = rejected.signature.expect("signature evidence");
    assert_eq!(evidence.scheme, "kingdee_gateway");
    let nonce = wrong.nonce.as_deref().expect("nonce");
    let timestamp = wrong.timestamp.as_deref().expect("timestamp");
    // The string to sign is what the runtime signs for this request.
    let expected_text = retail_apis_runtime::jdy::signing::CanonicalRequest {
        method: HttpMethod::Post,
        path: RECHARGE_PATH,
        query: &[],
        headers: vec![("X-Api-TimeStamp", timestamp), ("X-Api-Nonce", nonce)],
    }
    .to_string();
    assert_eq!(evidence.string_to_sign, expected_text);
    let received = gateway_signature(
        HttpMethod::Post,
        RECHARGE_PATH,
        &[],
        nonce,
        timestamp,
        "not-the-client-secret",
    );
    assert_eq!(evidence.received.as_deref(), Some(received.as_str()));
    let expected = gateway_signature(
        HttpMethod::Post,
        RECHARGE_PATH,
        &[],
        nonce,
        timestamp,
        retail_apis_sandbox::config::CLIENT_SECRET,
    );
    assert_eq!(evidence.expected, expected);
    assert!(!evidence.matches());
    // The answer the client got is the one logged.
    assert_eq!(rejected.response.status, 519);
    assert!(rejected.response.body.text.contains("4008"));
}

#[tokio::test]
async fn secrets_are_masked_in_the_log_and_its_json() {
    let sandbox = start(strict()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;
    let (status, _) = jdy
        .post(
            RECHARGE_PATH,
            &token,
            &recharge_body("M1", "1.00", &nonce()),
        )
        .await;
    assert_eq!(status, 200);
    let signed = shoubei_signed(
        write_off_body("679533922928"),
        retail_apis_sandbox::config::SHOUBEI_KEY,
    );
    let (status, _) = post_json(&sandbox.base_url(), WRITE_OFF_PATH, &signed).await;
    assert_eq!(status, 200);

    let app_signature = retail_apis_runtime::jdy::signing::app_signature(
        retail_apis_sandbox::config::APP_KEY,
        retail_apis_sandbox::config::APP_SECRET,
    );
    let mut dump = String::new();
    let list: Value = get_json(&sandbox, "/_sandbox/requests").await;
    for row in list["requests"].as_array().expect("requests") {
        let id = row["id"].as_u64().expect("id");
        let entry: Value = get_json(&sandbox, &format!("/_sandbox/requests/{id}")).await;
        dump.push_str(&entry.to_string());
    }
    let credentials = retail_apis_sandbox::SandboxCredentials::default();
    // Without its Base64 padding, which the string to sign percent-encodes.
    let app_signature = app_signature.trim_end_matches('=');
    for secret in [
        token.as_str(),
        app_signature,
        credentials.client_secret.as_str(),
        credentials.app_secret.as_str(),
        credentials.shoubei_key.as_str(),
    ] {
        assert!(!dump.contains(secret), "{secret} in the log: {dump}");
    }
    let entries = sandbox.requests();
    let token_call = entries
        .iter()
        .find(|e| e.operation.as_deref() == Some("jdy.app_token"))
        .expect("the token request is logged");
    let text = &token_call
        .signature
        .as_ref()
        .expect("evidence")
        .string_to_sign;
    assert!(text.contains("app_signature=***"), "{text}");
    let token_hint: String = token.chars().take(6).collect();
    let call = entries
        .iter()
        .find(|e| e.operation.as_deref() == Some("jdy.mall_recharge"))
        .expect("the recharge is logged");
    let shown = call
        .headers
        .iter()
        .find(|(name, _)| name == "app-token")
        .map(|(_, value)| value.clone());
    assert_eq!(shown, Some(format!("{token_hint}…")));
    let write_off = entries
        .iter()
        .find(|e| e.operation.as_deref() == Some("shoubei.coupon_write_off"))
        .expect("the write-off is logged");
    let evidence = write_off.signature.as_ref().expect("MD5 evidence");
    assert_eq!(evidence.scheme, "md5_body_sign");
    assert!(
        evidence.string_to_sign.ends_with("&key=***"),
        "{}",
        evidence.string_to_sign
    );
    assert!(evidence.string_to_sign.contains("coupon_code=679533922928"));
    assert!(evidence.matches());
}

async fn get(sandbox: &SandboxHandle, path: &str) -> reqwest::Response {
    http()
        .get(format!("{}{path}", sandbox.base_url()))
        .send()
        .await
        .expect("the sandbox answers")
}

async fn get_json(sandbox: &SandboxHandle, path: &str) -> Value {
    let response = get(sandbox, path).await;
    assert_eq!(response.status(), 200, "{path}");
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(content_type, "application/json", "{path}");
    response.json().await.expect("JSON")
}

#[tokio::test]
async fn the_log_keeps_the_last_n_requests() {
    let capacity = 3;
    let sandbox = start(SandboxConfig {
        request_log_capacity: capacity,
        ..strict()
    })
    .await;
    let extra = 4;
    for i in 0..capacity + extra {
        let _ = get(&sandbox, &format!("/unknown/{i}")).await;
    }
    let paths: Vec<String> = sandbox.requests().into_iter().map(|e| e.path).collect();
    assert_eq!(paths, ["/unknown/6", "/unknown/5", "/unknown/4"]);
    let ids: Vec<u64> = sandbox.requests().into_iter().map(|e| e.id).collect();
    assert_eq!(ids, [7, 6, 5]);
    assert!(sandbox.request(4).is_none());
    assert_eq!(
        sandbox.request(5).map(|e| e.path).as_deref(),
        Some("/unknown/4")
    );
    let response = get(&sandbox, "/_sandbox/requests/1").await;
    assert_eq!(response.status(), 404);
    let list = get_json(&sandbox, "/_sandbox/requests").await;
    assert_eq!(list["capacity"], capacity);
    assert_eq!(list["last_id"], 7);
    assert_eq!(list["requests"].as_array().map(Vec::len), Some(capacity));

    let none = start(SandboxConfig {
        request_log_capacity: 0,
        ..strict()
    })
    .await;
    let _ = get(&none, "/unknown").await;
    assert!(none.requests().is_empty());
}

#[tokio::test]
async fn the_json_api_lists_newest_first_pages_by_id_and_shows_the_state() {
    let sandbox = start(strict()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;
    let (status, _) = jdy
        .post(
            RECHARGE_PATH,
            &token,
            &recharge_body("M7", "2.50", "BILL-7"),
        )
        .await;
    assert_eq!(status, 200);
    let _ = get(&sandbox, "/no/such/path").await;

    let list = get_json(&sandbox, "/_sandbox/requests").await;
    let rows = list["requests"].as_array().expect("rows");
    let verdicts: Vec<&str> = rows
        .iter()
        .map(|r| r["verdict"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(verdicts, ["not_served", "accepted", "accepted"]);
    assert_eq!(rows[1]["operation"], "jdy.mall_recharge");
    assert_eq!(rows[1]["errcode"], "0");
    assert_eq!(rows[2]["operation"], "jdy.app_token");
    assert_eq!(rows[0]["status"], 404);
    let newer = get_json(&sandbox, "/_sandbox/requests?after=2").await;
    assert_eq!(newer["requests"].as_array().map(Vec::len), Some(1));

    let detail = get_json(&sandbox, "/_sandbox/requests/2").await;
    assert_eq!(
        detail["body"]["text"],
        recharge_body("M7", "2.50", "BILL-7").to_string()
    );
    assert_eq!(detail["signature"]["scheme"], "kingdee_gateway");
    assert_eq!(detail["response"]["status"], 200);

    let state = get_json(&sandbox, "/_sandbox/state").await;
    assert_eq!(
        state["members"],
        json!([{"member_id": "M7", "balance": "2.50"}])
    );
    assert_eq!(state["recharges"][0]["src_bill_id"], "BILL-7");
    let coupons = state["coupons"].as_array().expect("coupons");
    assert_eq!(coupons.len(), SandboxConfig::default().coupons.len());
    assert!(coupons.iter().any(|c| c["status"] == "refunded"));
    // The inspector's own requests are not logged.
    assert_eq!(sandbox.requests().len(), 3);
}

#[tokio::test]
async fn the_page_is_served_at_the_root_with_a_policy_that_runs_no_inline_script() {
    let sandbox = start(strict()).await;
    for path in ["/", "/_sandbox/"] {
        let response = get(&sandbox, path).await;
        assert_eq!(response.status(), 200);
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(policy.contains("script-src 'self'"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        let html = response.text().await.expect("html");
        assert!(html.contains("<table id=\"requests\">"), "{html}");
        assert!(!html.contains("<script>"), "no inline script: {html}");
    }
    let script = get(&sandbox, "/_sandbox/inspector.js").await;
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let script = script.text().await.expect("script");
    // Request content reaches the DOM only as text.
    assert!(!script.contains("innerHTML") && !script.contains("insertAdjacentHTML"));
    assert_eq!(get(&sandbox, "/_sandbox/nothing").await.status(), 404);
}

#[tokio::test]
async fn hostile_request_content_is_stored_as_text() {
    let sandbox = start(strict()).await;
    let hostile = "<script>window.pwned=1</script><img src=x onerror=alert(1)>";
    let response = http()
        .post(format!("{}{WRITE_OFF_PATH}", sandbox.base_url()))
        .header("Content-Type", "application/json")
        .header("X-Note", hostile)
        .body(json!({ "coupon_code": hostile }).to_string())
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    let entry = sandbox.requests().into_iter().next().expect("logged");
    assert!(entry
        .headers
        .contains(&("x-note".to_owned(), hostile.to_owned())));
    assert!(entry.body.text.contains(hostile));
    let response = get(&sandbox, &format!("/_sandbox/requests/{}", entry.id)).await;
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn faults_are_injected_from_the_page_and_only_from_it() {
    let sandbox = start(strict()).await;
    let url = format!("{}/_sandbox/faults", sandbox.base_url());
    let form = json!({"operation": "jdy.mall_recharge", "kind": "service_unavailable", "times": 2});
    // A cross-site form can send text/plain without a preflight: refused.
    let plain = http()
        .post(&url)
        .header("Content-Type", "text/plain")
        .body(form.to_string())
        .send()
        .await
        .expect("answered");
    assert_eq!(plain.status(), 403);
    let foreign = http()
        .post(&url)
        .header("Content-Type", "application/json")
        .header("Origin", "https://attacker.example")
        .body(form.to_string())
        .send()
        .await
        .expect("answered");
    assert_eq!(foreign.status(), 403);
    assert_eq!(sandbox.faults().pending("jdy.mall_recharge").ok(), Some(0));

    let own_origin = format!("http://{}", sandbox.local_addr());
    let accepted = http()
        .post(&url)
        .header("Content-Type", "application/json")
        .header("Origin", own_origin)
        .body(form.to_string())
        .send()
        .await
        .expect("answered");
    assert_eq!(accepted.status(), 200);
    assert_eq!(accepted.json::<Value>().await.expect("json")["pending"], 2);
    assert_eq!(sandbox.faults().pending("jdy.mall_recharge").ok(), Some(2));

    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;
    let (status, _) = jdy
        .post(
            RECHARGE_PATH,
            &token,
            &recharge_body("M1", "1.00", &nonce()),
        )
        .await;
    assert_eq!(status, 503);
    let entry = sandbox.requests().into_iter().next().expect("logged");
    assert_eq!(entry.verdict, Verdict::Fault);
    assert!(entry.fault.is_some());

    let bad = http()
        .post(&url)
        .header("Content-Type", "application/json")
        .body(json!({"operation": "jdy.nothing", "kind": "wrong_sign"}).to_string())
        .send()
        .await
        .expect("answered");
    assert_eq!(bad.status(), 400);
    let clear = http()
        .post(format!("{url}/clear"))
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("answered");
    assert_eq!(clear.status(), 200);
    assert_eq!(sandbox.faults().pending("jdy.mall_recharge").ok(), Some(0));
}

#[tokio::test]
async fn the_log_names_the_first_check_that_failed() {
    let sandbox = start(strict()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;
    let latest = |sandbox: &SandboxHandle| sandbox.requests().into_iter().next().expect("logged");

    let stale = GatewayHeaders {
        timestamp: Some((now_ms() - 3_600_000).to_string()),
        ..GatewayHeaders::new(Some(&token))
    };
    let (_, _, entry) = recharge(&sandbox, &stale).await;
    assert_eq!(
        (entry.verdict, entry.failed_check),
        (Verdict::Rejected, Some(Check::Timestamp))
    );

    let once = GatewayHeaders::new(Some(&token));
    let (status, _, _) = recharge(&sandbox, &once).await;
    assert_eq!(status, 200);
    let (_, _, replay) = recharge(&sandbox, &once).await;
    assert_eq!(replay.failed_check, Some(Check::Nonce));
    assert!(replay.reason.unwrap_or_default().contains("replay"));

    let (_, _, no_token) = recharge(&sandbox, &GatewayHeaders::new(None)).await;
    assert_eq!(no_token.failed_check, Some(Check::Token));

    let (_, answer) = jdy
        .post(RECHARGE_PATH, &token, &recharge_body("M1", "abc", &nonce()))
        .await;
    let entry = latest(&sandbox);
    assert_eq!(entry.verdict, Verdict::Rejected, "{answer}");
    assert_eq!(entry.failed_check, Some(Check::Body));
    assert!(entry.reason.unwrap_or_default().contains("bal_amount"));

    let coupon = shoubei_signed(
        write_off_body("679533922931"),
        retail_apis_sandbox::config::SHOUBEI_KEY,
    );
    let (_, answer) = post_json(&sandbox.base_url(), WRITE_OFF_PATH, &coupon).await;
    let entry = latest(&sandbox);
    assert_eq!(entry.verdict, Verdict::BusinessError, "{answer}");
    assert_eq!(entry.failed_check, Some(Check::Business));
    assert_eq!(
        entry.errcode.as_ref(),
        answer["return_code"].as_str().map(str::to_owned).as_ref()
    );

    let unsigned = write_off_body("679533922928");
    let _ = post_json(&sandbox.base_url(), WRITE_OFF_PATH, &unsigned).await;
    let entry = latest(&sandbox);
    assert_eq!(entry.failed_check, Some(Check::Signature));
    let evidence = entry.signature.expect("MD5 evidence");
    assert_eq!(evidence.received, None);
}
