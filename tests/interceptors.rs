//! User interceptors on a generated client, against the sandbox over loopback HTTP: they
//! see every attempt (token requests included) in the order they were added, may add a
//! header, learn each call's outcome, and never get a credential through `Debug`.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{bounded, jdy_config, recharge, start_sandbox};
use retail_apis::jdy;
use retail_apis::runtime::{CallInfo, Error, Interceptor, Request, Response};
use retail_apis_sandbox::{config as creds, Fault};

/// What one interceptor saw, in order.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, line: String) {
        if let Ok(mut lines) = self.0.lock() {
            lines.push(line);
        }
    }

    fn lines(&self) -> Vec<String> {
        self.0.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

/// Adds a request id, as a tracing interceptor would.
struct RequestIds;

impl Interceptor for RequestIds {
    fn before_send(&self, call: &CallInfo, attempt: u32, request: &mut Request) {
        let id = format!("{}-{attempt}", call.operation());
        request
            .set_header("X-Request-Id", &id)
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Records everything it sees, including the request's `Debug`.
struct Recorder(Log);

impl Interceptor for Recorder {
    fn before_send(&self, call: &CallInfo, attempt: u32, request: &mut Request) {
        let id = request.header("x-request-id").unwrap_or("none").to_owned();
        self.0
            .push(format!("send {} #{attempt} id={id}", call.operation()));
        self.0.push(format!("debug {request:?}"));
    }

    fn after_receive(&self, call: &CallInfo, attempt: u32, response: &Response) {
        self.0.push(format!(
            "recv {} #{attempt} {}",
            call.operation(),
            response.status()
        ));
    }

    fn on_complete(&self, call: &CallInfo, outcome: Result<(), &Error>, _elapsed: Duration) {
        let outcome = match outcome {
            Ok(()) => "ok".to_owned(),
            Err(e) => format!("err {}", e.underlying()),
        };
        self.0.push(format!("done {} {outcome}", call.operation()));
    }
}

fn without_debug(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .filter(|l| !l.starts_with("debug "))
        .map(String::as_str)
        .collect()
}

#[tokio::test]
async fn interceptors_see_every_attempt_in_order() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let log = Log::default();
        let client = jdy::Client::new(jdy_config(&sandbox.base_url()))
            .unwrap_or_else(|e| panic!("{e}"))
            .with_interceptor(RequestIds)
            .with_interceptor(Recorder(log.clone()));
        // Two 429s: answered before any work, so the client repeats even a write.
        sandbox
            .faults()
            .inject_times("jdy.mall_recharge", 2, Fault::TooManyRequests)
            .unwrap_or_else(|e| panic!("{e}"));
        let answer = client.mall_recharge(&recharge("10.00", "M-1", "R-1")).await;
        assert!(answer.is_ok(), "{answer:?}");

        let lines = log.lines();
        assert_eq!(
            without_debug(&lines),
            [
                "send app_token #1 id=app_token-1",
                "recv app_token #1 200",
                "send mall_recharge #1 id=mall_recharge-1",
                "recv mall_recharge #1 429",
                "send mall_recharge #2 id=mall_recharge-2",
                "recv mall_recharge #2 429",
                "send mall_recharge #3 id=mall_recharge-3",
                "recv mall_recharge #3 200",
                "done mall_recharge ok",
            ]
        );
        assert_eq!(sandbox.request_count("jdy.mall_recharge"), 3);

        // The debug lines show the request without any credential.
        let token = client
            .runtime()
            .app_token()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let app_signature =
            retail_apis::runtime::jdy::signing::app_signature(creds::APP_KEY, creds::APP_SECRET);
        for line in lines.iter().filter(|l| l.starts_with("debug ")) {
            assert!(line.contains("x-api-nonce"), "{line}");
            for secret in [
                token.expose(),
                creds::CLIENT_SECRET,
                creds::APP_SECRET,
                app_signature.as_str(),
            ] {
                assert!(!line.contains(secret), "a credential in {line}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn interceptors_learn_failed_outcomes() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let log = Log::default();
        let client = jdy::Client::new(jdy_config(&sandbox.base_url()))
            .unwrap_or_else(|e| panic!("{e}"))
            .with_interceptor(Recorder(log.clone()));
        sandbox
            .faults()
            .inject("jdy.mall_recharge", Fault::service_unavailable())
            .unwrap_or_else(|e| panic!("{e}"));
        let answer = client.mall_recharge(&recharge("10.00", "M-1", "R-2")).await;
        let error = answer.expect_err("a 503 on a write without evidence is not repeated");
        assert!(error.outcome_unknown(), "{error}");
        let lines = log.lines();
        let last = lines.last().cloned().unwrap_or_default();
        assert!(last.starts_with("done mall_recharge err "), "{last}");
        assert!(last.contains("503"), "{last}");
        // A clone made before the interceptor was added does not report to it.
        let before =
            jdy::Client::new(jdy_config(&sandbox.base_url())).unwrap_or_else(|e| panic!("{e}"));
        let plain = before.clone();
        let _with = before.with_interceptor(Recorder(Log::default()));
        let count = lines.len();
        let answer = plain.mall_recharge(&recharge("10.00", "M-1", "R-3")).await;
        assert!(answer.is_ok(), "{answer:?}");
        assert_eq!(log.lines().len(), count);
    })
    .await;
}
