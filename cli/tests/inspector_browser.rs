//! The request inspector in a real browser: `retail-apis sandbox` in its own process, one
//! good call and one with a wrong client secret through `retail-apis call`, then headless
//! Chromium (driven over the DevTools protocol) loads the page at the sandbox root, lets
//! its script run, and the test reads the DOM: both rows with their verdicts, the failing
//! one opened with the keyboard showing an expected and a received signature that differ,
//! hostile request content shown as text, and a fault queued from the state view.
//!
//! Without a Chromium binary the test is skipped with a note, or fails when `CI` is set.
//! With `RETAIL_APIS_UPDATE_SCREENSHOT=1` it writes the README's `docs/inspector.png`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::page::CaptureScreenshotFormat;
use chromiumoxide::handler::viewport::Viewport;
use chromiumoxide::page::{Page, ScreenshotParams};
use futures_util::StreamExt;
use serde_json::Value;

/// Upper bound of every wait: far above what a passing run needs.
const LIMIT: Duration = Duration::from_secs(30);

const BIN: &str = env!("CARGO_BIN_EXE_retail-apis");

/// The Chromium binary: `$CHROME`, or the first of the usual names on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROME") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| {
            ["chromium", "chromium-browser", "google-chrome", "chrome"].map(|name| dir.join(name))
        })
        .find(|candidate| candidate.is_file())
}

/// The sandbox process, killed however the test ends.
struct SandboxProcess(Child);

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `retail-apis sandbox` on a free port; its base URL comes from its JSON line.
fn start_sandbox() -> (SandboxProcess, String) {
    let mut child = Command::new(BIN)
        .args(["--output", "json", "sandbox", "--listen", "127.0.0.1:0"])
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let process = SandboxProcess(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the sandbox says where it listens");
    let started: Value = serde_json::from_str(&line).expect("one JSON line");
    let base_url = started["base_url"].as_str().expect("base_url").to_owned();
    (process, base_url)
}

/// `retail-apis call jdy.mall_recharge` against the sandbox with `client_secret`.
fn call_recharge(base_url: &str, client_secret: &str, body_file: &Path) -> i32 {
    let credentials = retail_apis_sandbox::SandboxCredentials::default();
    let status = Command::new(BIN)
        .args(["call", "jdy.mall_recharge", "--body"])
        .arg(body_file)
        .env_clear()
        .env("JDY_BASE_URL", base_url)
        .env("JDY_CLIENT_ID", &credentials.client_id)
        .env("JDY_CLIENT_SECRET", client_secret)
        .env("JDY_APP_KEY", &credentials.app_key)
        .env("JDY_APP_SECRET", &credentials.app_secret)
        .env("JDY_DOMAIN", &credentials.domain)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the binary runs");
    status.code().unwrap_or(-1)
}

/// A request whose header and body are markup, sent by hand.
fn send_hostile(base_url: &str, markup: &str) {
    let address = base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connect");
    let body = serde_json::json!({ "coupon_code": markup }).to_string();
    let request = format!(
        "POST /openpay/coupon/wf HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nX-Note: {markup}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// Evaluates `expression` (which must produce a JSON string) in the page.
async fn json(page: &Page, expression: &str) -> Value {
    let text: String = page
        .evaluate(format!("JSON.stringify({expression})"))
        .await
        .unwrap_or_else(|e| panic!("{expression}: {e}"))
        .into_value()
        .unwrap_or_else(|e| panic!("{expression}: {e}"));
    serde_json::from_str(&text).expect("JSON from the page")
}

/// Waits until `condition` is true in the page, or fails naming `what`.
async fn wait_for(page: &Page, condition: &str, what: &str) {
    let started = Instant::now();
    loop {
        if json(page, &format!("Boolean({condition})")).await == Value::Bool(true) {
            return;
        }
        assert!(started.elapsed() < LIMIT, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The table's rows as the page shows them.
async fn rows(page: &Page) -> Vec<Value> {
    let rows = json(
        page,
        "[...document.querySelectorAll('#requests tbody tr')].map(tr => ({ \
            id: tr.dataset.id, verdict: tr.dataset.verdict, \
            operation: tr.querySelector('button.open').textContent, \
            cells: [...tr.cells].map(c => c.textContent) }))",
    )
    .await;
    rows.as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_a_rejected_signature_beside_the_expected_one() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "no Chromium found (set CHROME or install the `chromium` package): \
             the request inspector's browser test cannot run"
        );
        eprintln!("skipped: no Chromium binary found (set CHROME or install `chromium`)");
        return;
    };

    // 1. The sandbox, 2. a good call and one with a wrong secret, through the CLI.
    let (_sandbox, base_url) = start_sandbox();
    let dir = tempfile::tempdir().expect("temp dir");
    let body_file = dir.path().join("body.json");
    std::fs::write(
        &body_file,
        r#"{"bal_amount":"10.00","member_id":"M1","source":9,"src_bill_id":"B1"}"#,
    )
    .expect("write body");
    let credentials = retail_apis_sandbox::SandboxCredentials::default();
    assert_eq!(
        call_recharge(&base_url, &credentials.client_secret, &body_file),
        0
    );
    // Exit 6: the gateway rejected it (the token request it needs first is signed too).
    assert_eq!(
        call_recharge(&base_url, "not-the-client-secret", &body_file),
        6
    );

    // 3. The page in Chromium.
    let config = BrowserConfig::builder()
        .chrome_executable(chromium)
        .no_sandbox()
        .arg("--disable-gpu")
        .arg("--disable-dev-shm-usage")
        .arg("--lang=en-US")
        .user_data_dir(dir.path().join("profile"))
        .window_size(1280, 1000)
        .viewport(Viewport {
            width: 1280,
            height: 1000,
            device_scale_factor: Some(1.0),
            ..Viewport::default()
        })
        .launch_timeout(LIMIT)
        .request_timeout(LIMIT)
        .build()
        .expect("browser config");
    let (mut browser, mut handler) = Browser::launch(config).await.expect("Chromium starts");
    let events = tokio::spawn(async move { while handler.next().await.is_some() {} });

    let page = browser
        .new_page(format!("{base_url}/"))
        .await
        .expect("the page loads");
    wait_for(
        &page,
        "document.querySelectorAll('#requests tbody tr').length >= 3",
        "the rows of the three requests",
    )
    .await;
    let shown = rows(&page).await;
    let accepted = shown
        .iter()
        .find(|r| r["operation"] == "jdy.mall_recharge")
        .unwrap_or_else(|| panic!("no recharge row: {shown:?}"));
    assert_eq!(accepted["verdict"], "accepted", "{accepted}");
    assert!(accepted["cells"][4]
        .as_str()
        .unwrap_or("")
        .contains("accepted"));
    let rejected = shown
        .iter()
        .find(|r| r["verdict"] == "rejected")
        .unwrap_or_else(|| panic!("no rejected row: {shown:?}"));
    assert_eq!(rejected["operation"], "jdy.app_token", "{rejected}");
    let verdict_cell = rejected["cells"][4].as_str().unwrap_or("");
    assert_eq!(verdict_cell, "rejected (signature)");
    assert_eq!(rejected["cells"][2], "519");
    assert_eq!(rejected["cells"][3], "4008");
    let rejected_id = rejected["id"].as_str().expect("row id").to_owned();

    // 4. Open the failing row with the keyboard.
    let button = page
        .find_element(format!("tr[data-id='{rejected_id}'] button.open"))
        .await
        .expect("the row's button");
    button.focus().await.expect("focus");
    button.press_key("Enter").await.expect("Enter");
    wait_for(
        &page,
        "!document.getElementById('detail').hidden && document.getElementById('signature-expected')",
        "the detail view with the signatures",
    )
    .await;
    let detail = json(
        &page,
        "({ expected: document.getElementById('signature-expected').textContent, \
            received: document.getElementById('signature-received').textContent, \
            comparison: document.getElementById('signature-comparison').textContent, \
            text: document.getElementById('string-to-sign').textContent, \
            title: document.getElementById('detail-title').textContent, \
            focused: document.activeElement.id })",
    )
    .await;
    let expected = detail["expected"].as_str().unwrap_or("");
    let received = detail["received"].as_str().unwrap_or("");
    assert!(!expected.is_empty() && !received.is_empty(), "{detail}");
    assert_ne!(expected, received, "{detail}");
    assert!(detail["comparison"]
        .as_str()
        .unwrap_or("")
        .contains("differ"));
    assert!(detail["text"].as_str().unwrap_or("").starts_with("GET\n"));
    assert!(detail["text"]
        .as_str()
        .unwrap_or("")
        .contains("app_signature=***"));
    assert_eq!(
        detail["focused"], "detail-title",
        "focus moves to the detail"
    );
    // What the page shows is what the JSON API records.
    let recorded: String = page
        .evaluate_function(format!(
            "async () => JSON.stringify(await (await fetch('/_sandbox/requests/{rejected_id}')).json())"
        ))
        .await
        .expect("fetch from the page")
        .into_value()
        .expect("a string");
    let recorded: Value = serde_json::from_str(&recorded).expect("JSON");
    assert_eq!(recorded["signature"]["expected"], expected);
    assert_eq!(recorded["signature"]["received"], received);

    if std::env::var_os("RETAIL_APIS_UPDATE_SCREENSHOT").is_some_and(|v| v == "1") {
        let png = page
            .screenshot(
                ScreenshotParams::builder()
                    .format(CaptureScreenshotFormat::Png)
                    .build(),
            )
            .await
            .expect("screenshot");
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/inspector.png");
        std::fs::write(&out, png).expect("write docs/inspector.png");
        eprintln!("wrote {}", out.display());
    }

    // Escape closes the detail and gives the focus back to the row.
    let title = page
        .find_element("#detail-title")
        .await
        .expect("detail title");
    title.press_key("Escape").await.expect("Escape");
    wait_for(
        &page,
        "document.getElementById('detail').hidden",
        "the detail to close",
    )
    .await;
    let focused = json(&page, "document.activeElement.closest('tr')?.dataset.id").await;
    assert_eq!(focused, Value::from(rejected_id.as_str()));

    // A request made while the page is open appears live; its markup stays text.
    let markup = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">";
    send_hostile(&base_url, markup);
    wait_for(
        &page,
        "[...document.querySelectorAll('#requests tbody tr')].some(tr => tr.textContent.includes('coupon_write_off'))",
        "the new request's row",
    )
    .await;
    let row = page
        .find_element("#requests tbody tr:first-child button.open")
        .await
        .expect("newest row");
    row.click().await.expect("click");
    wait_for(
        &page,
        "document.getElementById('request-body') && document.getElementById('request-body').textContent.includes('<script>')",
        "the hostile body shown as text",
    )
    .await;
    let hostile = json(
        &page,
        "({ pwned: window.pwned === undefined ? null : window.pwned, \
            injected: document.querySelectorAll('#detail script, #detail img, #requests img').length, \
            header: [...document.querySelectorAll('#request-headers td')].some(td => td.textContent.includes('<img src=x')) })",
    )
    .await;
    assert_eq!(hostile["pwned"], Value::Null, "{hostile}");
    assert_eq!(hostile["injected"], 0, "{hostile}");
    assert_eq!(hostile["header"], true, "{hostile}");

    // The state view queues a fault for the next N requests from its form.
    page.evaluate("location.hash = '#state'")
        .await
        .expect("go to the state view");
    wait_for(
        &page,
        "[...document.querySelectorAll('#fault-operation option')].some(o => o.value === 'jdy.mall_recharge')",
        "the operations in the fault form",
    )
    .await;
    page.evaluate(
        "document.getElementById('fault-operation').value = 'jdy.mall_recharge'; \
         document.getElementById('fault-kind').value = 'service_unavailable'; \
         document.getElementById('fault-times').value = '2'",
    )
    .await
    .expect("fill in the form");
    page.find_element("#fault-form button[type=submit]")
        .await
        .expect("the submit button")
        .click()
        .await
        .expect("click");
    wait_for(
        &page,
        "[...document.querySelectorAll('#state-faults tbody tr')].some(tr => \
            tr.cells[0].textContent === 'jdy.mall_recharge' && tr.cells[1].textContent === '2')",
        "the queued faults in the state view",
    )
    .await;
    // The next call meets the injected HTTP 503: for a write the client cannot know
    // whether it was applied, so `call` exits 3 (outcome unknown).
    assert_eq!(
        call_recharge(&base_url, &credentials.client_secret, &body_file),
        3
    );

    browser.close().await.expect("Chromium closes");
    let _ = browser.wait().await;
    events.abort();
}
