//! Response decoding never panics: the generated clients get arbitrary bytes (and arbitrary
//! JSON) with assorted HTTP statuses from a loopback server, and every outcome is `Ok` or a
//! typed error whose body snippet stays within its documented bound.
//!
//! The sandbox only answers well-formed envelopes, so this uses a bare server whose next
//! answer each case sets; the JDY token endpoint answers normally so that decoding of the
//! operation itself is what is exercised.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use proptest::prelude::*;
use retail_apis::runtime::jdy::JdyConfig;
use retail_apis::runtime::shoubei::ShoubeiConfig;
use retail_apis::runtime::{Error, Secret, TransportConfig, SNIPPET_LIMIT};
use retail_apis::{jdy, shoubei};

type Answer = Arc<Mutex<(u16, Vec<u8>)>>;

struct Harness {
    rt: tokio::runtime::Runtime,
    answer: Answer,
    jdy: jdy::Client,
    shoubei: shoubei::Client,
}

async fn token() -> impl IntoResponse {
    (
        [("content-type", "application/json")],
        r#"{"errcode":0,"description":"success","data":{"app-token":"t0k3n"}}"#,
    )
}

async fn canned(State(answer): State<Answer>) -> impl IntoResponse {
    let (status, body) = answer
        .lock()
        .map(|a| a.clone())
        .unwrap_or((500, Vec::new()));
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body,
    )
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
        let answer: Answer = Arc::new(Mutex::new((200, Vec::new())));
        let retail_apis::runtime::AuthScheme::KingdeeGateway(gateway) = &jdy::SERVICE.auth else {
            unreachable!("jdy uses the gateway")
        };
        let token_path: &str = &gateway.token.path;
        let app = Router::new()
            .route(token_path, get(token))
            .fallback(canned)
            .with_state(Arc::clone(&answer));
        let listener = rt
            .block_on(tokio::net::TcpListener::bind(SocketAddr::from((
                [127, 0, 0, 1],
                0,
            ))))
            .expect("bind loopback");
        let base_url = format!("http://{}", listener.local_addr().expect("local addr"));
        rt.spawn(async move { axum::serve(listener, app).await });
        // No retries: each case is one request and one answer.
        let transport = TransportConfig {
            max_retries: 0,
            timeout: Duration::from_secs(5),
            ..TransportConfig::default()
        };
        let jdy = jdy::Client::new(JdyConfig {
            base_url: Some(base_url.clone()),
            client_id: "c".to_owned(),
            client_secret: Secret::new("s"),
            app_key: "k".to_owned(),
            app_secret: Secret::new("a"),
            domain: "d".to_owned(),
            transport: transport.clone(),
        })
        .expect("jdy client");
        let shoubei = shoubei::Client::new(ShoubeiConfig {
            base_url: Some(base_url),
            key: Secret::new("key"),
            transport,
        })
        .expect("shoubei client");
        Harness {
            rt,
            answer,
            jdy,
            shoubei,
        }
    })
}

fn check(result: Result<impl std::fmt::Debug, Error>) -> Result<(), TestCaseError> {
    if let Err(error) = &result {
        if let Error::Decode { snippet, .. } | Error::HttpStatus { snippet, .. } =
            error.underlying()
        {
            prop_assert!(
                snippet.len() <= SNIPPET_LIMIT,
                "snippet of {} bytes",
                snippet.len()
            );
        }
        // Display must work for every error, without secrets.
        let text = error.to_string();
        prop_assert!(!text.contains("t0k3n"), "token leaked: {text}");
    }
    Ok(())
}

/// The tests of this file run in parallel but share one server answer.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn run_case(status: u16, body: Vec<u8>) -> Result<(), TestCaseError> {
    let _serial = serial();
    let h = harness();
    if let Ok(mut answer) = h.answer.lock() {
        *answer = (status, body);
    }
    let recharge = jdy::MallRechargeRequest::new("1.00", "M1", jdy::RechargeSource::Isv, "B1");
    check(h.rt.block_on(h.jdy.mall_recharge(&recharge)))?;
    let refund = jdy::RefundSaveRequest::new(None, "c", "m", "r", None, "s", "ip", "t");
    check(h.rt.block_on(h.jdy.refund_save(&refund)))?;
    let write_off = shoubei::CouponWriteOffRequest::new("1", "2", "3", "20260101000000", "4");
    check(h.rt.block_on(h.shoubei.coupon_write_off(&write_off)))?;
    Ok(())
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        "[a-z_0-9\u{4e00}-\u{4e10}]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("errcode".to_owned()),
                    Just("data".to_owned()),
                    Just("description".to_owned()),
                    Just("return_code".to_owned()),
                    Just("result_code".to_owned()),
                    Just("sign".to_owned()),
                    Just("bill_no".to_owned()),
                    "[a-z_]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(519),
        Just(500),
        Just(429),
        Just(404),
        200u16..600
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn arbitrary_bytes_never_panic(status in status(), body in prop::collection::vec(any::<u8>(), 0..2048)) {
        run_case(status, body)?;
    }

    #[test]
    fn arbitrary_json_never_panics(status in status(), value in json_value()) {
        run_case(status, serde_json::to_vec(&value).unwrap_or_default())?;
    }

    #[test]
    fn envelopes_with_arbitrary_data_never_panic(code in prop_oneof![Just(0i64), any::<i64>()], data in json_value()) {
        let body = serde_json::json!({"errcode": code, "description": "x", "data": data});
        run_case(200, serde_json::to_vec(&body).unwrap_or_default())?;
    }
}

/// The harness really reaches decoding: a well-formed answer decodes, a malformed one is a
/// `Decode` error (not a transport failure that would make the properties above vacuous).
#[test]
fn harness_reaches_the_decoder() {
    let _serial = serial();
    let h = harness();
    let recharge = jdy::MallRechargeRequest::new("1.00", "M1", jdy::RechargeSource::Isv, "B1");
    if let Ok(mut answer) = h.answer.lock() {
        *answer = (
            200,
            br#"{"errcode":0,"description":"success","data":{"bill_no":"B-9","x":1}}"#.to_vec(),
        );
    }
    let bill =
        h.rt.block_on(h.jdy.mall_recharge(&recharge))
            .expect("decodes");
    assert_eq!(bill.bill_no.as_deref(), Some("B-9"));
    assert_eq!(bill.extra.get("x"), Some(&serde_json::json!(1)));
    if let Ok(mut answer) = h.answer.lock() {
        *answer = (200, b"<html>oops</html>".to_vec());
    }
    let error =
        h.rt.block_on(h.jdy.mall_recharge(&recharge))
            .expect_err("HTML");
    // An unreadable answer to a recharge leaves open whether it was applied.
    assert!(error.outcome_unknown(), "{error:?}");
    assert!(
        matches!(error.underlying(), Error::Decode { .. }),
        "{error:?}"
    );
}
