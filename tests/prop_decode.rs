//! Response decoding never panics and always ends in `Ok` or a typed error.
//!
//! The clients are driven against one tiny loopback server whose next answer (status, body)
//! each case sets through shared state; the JDY token endpoint answers normally so that
//! decoding of the operation itself is what is exercised. Every answer goes to the
//! generated typed clients (`mall_recharge`, `refund_save`, `coupon_write_off`) and, through
//! their runtime clients, to untyped calls and to response shapes the generated types do not
//! have (a required field, a top-level list), for a POST operation and a safe GET query.
//! Bodies are arbitrary bytes, arbitrary text, arbitrary JSON, JDY envelopes with arbitrary
//! codes and payloads, and Shoubei bodies that carry a *correct* signature, so that envelope
//! checks and payload decoding run after verification instead of every case stopping at
//! `SignatureMismatch`.
//!
//! Besides "no panic", every error must be one a response can cause (never a transport,
//! configuration or encoding error, which would mean the harness broke and the properties
//! were vacuous), naming the right service, with body snippets within [`SNIPPET_LIMIT`] and
//! no app-token in its text. Where the envelope says success, the untyped call returns
//! exactly the payload that was sent. Service shapes (envelope fields, codes, the signing
//! scheme, the token endpoint) are read from the generated descriptors, so they follow the
//! spec.
//!
//! Sign/verify round trips are covered by the unit tests in `runtime/src/shoubei/signing.rs`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use proptest::prelude::*;
use retail_apis::runtime::jdy::JdyConfig;
use retail_apis::runtime::shoubei::{signing, ShoubeiConfig};
use retail_apis::runtime::{
    Amount, AuthScheme, Code, Decimal, EndpointDescriptor, Error, HttpMethod, KingdeeGatewayScheme,
    Md5SignScheme, ServiceDescriptor, Text, TransportConfig, SNIPPET_LIMIT,
};
use retail_apis::{jdy, shoubei};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// The app-token the server hands out. Upper case and `-` never occur in generated JSON
/// strings, so finding it in an error message means the client leaked it.
const TOKEN: &str = "TOKEN-Zq9";
const SB_KEY: &str = "prop-shoubei-key";
/// Response limit of the clients; arbitrary bodies go beyond it, to reach `TooLarge`.
const MAX_BODY: usize = 1536;

fn jdy_service() -> &'static ServiceDescriptor {
    &jdy::SERVICE
}

fn shoubei_service() -> &'static ServiceDescriptor {
    &shoubei::SERVICE
}

/// A safe GET query on the JDY service: its request travels in the URL and a failure is
/// never "outcome unknown", unlike the spec's POST operations.
fn jdy_query() -> &'static EndpointDescriptor {
    static QUERY: OnceLock<EndpointDescriptor> = OnceLock::new();
    QUERY.get_or_init(|| EndpointDescriptor {
        service: jdy_service().name.clone(),
        operation: Text::Borrowed("query"),
        method: HttpMethod::Get,
        path: Text::Borrowed("/jdy/query"),
        idempotency_key: None,
        idempotency_evidence: None,
        safe: true,
    })
}

fn gateway() -> &'static KingdeeGatewayScheme {
    match &jdy_service().auth {
        AuthScheme::KingdeeGateway(gateway) => gateway,
        _ => panic!("the JDY spec uses the Kingdee gateway"),
    }
}

fn md5_scheme() -> &'static Md5SignScheme {
    match &shoubei_service().auth {
        AuthScheme::Md5BodySign(scheme) => scheme,
        _ => panic!("the Shoubei spec uses the MD5 body sign"),
    }
}

/// A response type like the generated ones: optional fields, a lenient code, nested lists
/// and the undocumented rest kept.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // Only decoding is under test.
struct Loose {
    bill_no: Option<String>,
    count: Option<i64>,
    items: Option<Vec<Item>>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Item {
    #[serde(deserialize_with = "retail_apis::runtime::codec::string_or_number")]
    code: String,
    amt: Option<f64>,
}

/// A response type with a required field, which most payloads do not satisfy.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Strict {
    bill_no: String,
    #[serde(deserialize_with = "retail_apis::runtime::codec::integer_or_string")]
    count: i64,
}

type Answer = Arc<Mutex<(u16, Vec<u8>)>>;

struct Harness {
    rt: tokio::runtime::Runtime,
    answer: Answer,
    jdy: jdy::Client,
    shoubei: shoubei::Client,
}

async fn token() -> impl IntoResponse {
    let envelope = &jdy_service().envelope;
    let mut body = Map::new();
    body.insert(envelope.code_field.to_string(), json!(0));
    body.insert(envelope.message_field.to_string(), json!("success"));
    body.insert(
        envelope.data_field.as_deref().unwrap_or("data").to_owned(),
        json!({ gateway().token.token_field.as_ref(): TOKEN }),
    );
    (
        [("content-type", "application/json")],
        Value::Object(body).to_string(),
    )
}

async fn canned(State(answer): State<Answer>) -> impl IntoResponse {
    let (status, body) = answer
        .lock()
        .map(|a| a.clone())
        .unwrap_or_else(|poisoned| poisoned.into_inner().clone());
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body,
    )
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let answer: Answer = Arc::new(Mutex::new((200, Vec::new())));
        let app = Router::new()
            .route(&gateway().token.path, get(token))
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
        // No retries: one request, one answer (a token refresh adds one more, same answer).
        let transport = TransportConfig::default()
            .max_retries(0)
            .timeout(Duration::from_secs(10))
            .max_body_bytes(MAX_BODY);
        let jdy = jdy::Client::new(
            JdyConfig::new(
                "client",
                "client-secret",
                "app",
                "app-secret",
                "tenant.example",
            )
            .base_url(&base_url)
            .transport(transport.clone()),
        )
        .expect("jdy client");
        let shoubei = shoubei::Client::new(
            ShoubeiConfig::new(SB_KEY)
                .base_url(base_url)
                .transport(transport),
        )
        .expect("shoubei client");
        Harness {
            rt,
            answer,
            jdy,
            shoubei,
        }
    })
}

/// The tests of this file run on parallel threads but share one server answer.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Every outcome of one call: `Ok`, or an error a response can cause, with bounded snippets,
/// the right names, a working `Display` and no token in it.
fn check<T: std::fmt::Debug>(
    service: &str,
    result: &Result<T, Error>,
) -> Result<(), TestCaseError> {
    let Err(error) = result else {
        return Ok(());
    };
    if let Error::OutcomeUnknown { service: s, .. } = error {
        prop_assert_eq!(*s, service);
    }
    match error.underlying() {
        Error::Decode {
            service: s,
            snippet,
            ..
        }
        | Error::HttpStatus {
            service: s,
            snippet,
            ..
        } => {
            prop_assert_eq!(*s, service);
            prop_assert!(
                snippet.len() <= SNIPPET_LIMIT,
                "snippet of {} bytes",
                snippet.len()
            );
        }
        Error::Gateway { status, .. } => prop_assert_eq!(*status, gateway().gateway_status),
        Error::Business { service: s, .. }
        | Error::SignatureMismatch { service: s, .. }
        | Error::Redirect { service: s, .. }
        | Error::TooLarge { service: s, .. } => prop_assert_eq!(*s, service),
        other => prop_assert!(false, "not an answer-caused error: {other:?}"),
    }
    let text = error.to_string();
    prop_assert!(!text.contains(TOKEN), "token leaked: {text}");
    Ok(())
}

/// Outcomes of one server answer that the properties look into further.
struct Outcomes {
    recharge: Result<jdy::MallRechargeResponse, Error>,
    jdy_value: Result<Value, Error>,
    jdy_query: Result<Value, Error>,
    shoubei_value: Result<Value, Error>,
}

/// Sets the server's answer, then makes every kind of call against it: the generated typed
/// calls, and untyped and hand-typed calls through their runtime clients.
fn run_case(status: u16, body: Vec<u8>) -> Result<Outcomes, TestCaseError> {
    let _serial = serial();
    let h = harness();
    *h.answer
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = (status, body);
    let (jdy_name, shoubei_name) = (&*jdy_service().name, &*shoubei_service().name);

    let recharge = jdy::MallRechargeRequest::new(
        Amount::from(Decimal::new(100, 2)),
        "M1",
        jdy::RechargeSource::Isv,
        "B1",
    );
    let recharge = h.rt.block_on(h.jdy.mall_recharge(&recharge));
    check(jdy_name, &recharge)?;
    let refund = jdy::RefundSaveRequest::new(None, "c", "m", "r", None, "s", "ip", "t");
    check(jdy_name, &h.rt.block_on(h.jdy.refund_save(&refund)))?;
    let write_off = shoubei::CouponWriteOffRequest::new("1", "2", "3", "20260101000000", "4");
    check(
        shoubei_name,
        &h.rt.block_on(h.shoubei.coupon_write_off(&write_off)),
    )?;

    let (jdy, sb) = (h.jdy.runtime(), h.shoubei.runtime());
    let jdy_op = &jdy::endpoints::MALL_RECHARGE;
    let sb_op = &shoubei::endpoints::COUPON_WRITE_OFF;
    let request = json!({"bill_no": "B1", "amount": "1.00"});
    let jdy_value = h.rt.block_on(jdy.call_value(jdy_op, request.clone()));
    check(jdy_name, &jdy_value)?;
    let jdy_query = h.rt.block_on(jdy.call_value(jdy_query(), request.clone()));
    check(jdy_name, &jdy_query)?;
    check(
        jdy_name,
        &h.rt.block_on(jdy.call::<_, Loose>(jdy_op, &request)),
    )?;
    check(
        jdy_name,
        &h.rt.block_on(jdy.call::<_, Strict>(jdy_op, &request)),
    )?;
    check(
        jdy_name,
        &h.rt.block_on(jdy.call::<_, Vec<Item>>(jdy_op, &request)),
    )?;
    let shoubei_value = h.rt.block_on(sb.call_value(sb_op, request.clone()));
    check(shoubei_name, &shoubei_value)?;
    check(
        shoubei_name,
        &h.rt.block_on(sb.call::<_, Loose>(sb_op, &request)),
    )?;
    check(
        shoubei_name,
        &h.rt.block_on(sb.call::<_, Strict>(sb_op, &request)),
    )?;
    Ok(Outcomes {
        recharge,
        jdy_value,
        jdy_query,
        shoubei_value,
    })
}

/// Keys that the envelopes, the signature and the response types look at, plus random ones.
fn key() -> impl Strategy<Value = String> {
    let (jdy, sb) = (&jdy_service().envelope, &shoubei_service().envelope);
    let mut known = vec![
        jdy.code_field.as_ref(),
        jdy.message_field.as_ref(),
        gateway().gateway_message_cn_field.as_ref(),
        sb.code_field.as_ref(),
        sb.message_field.as_ref(),
        md5_scheme().field.as_ref(),
        "bill_no",
        "count",
        "items",
        "code",
        "amt",
    ];
    known.extend(jdy.data_field.as_deref());
    known.extend(sb.result.as_ref().map(|r| r.field.as_ref()));
    let known: Vec<String> = known.into_iter().map(str::to_owned).collect();
    prop_oneof![prop::sample::select(known), "[a-z_]{1,8}"]
}

/// Any JSON value, floats included over their whole range.
fn json_value() -> BoxedStrategy<Value> {
    json_value_with(any::<f64>().boxed())
}

/// JSON whose floats survive a text round trip through serde_json exactly: decimal amounts
/// with two places. Without serde_json's `float_roundtrip` feature, parsing a float with 17
/// significant digits can land one ULP off, so exact-equality oracles (and Shoubei signatures,
/// which re-serialise parsed numbers) need floats as vendors actually send them.
fn exact_json_value() -> BoxedStrategy<Value> {
    json_value_with(
        (-100_000_000i64..100_000_000)
            .prop_map(|cents| cents as f64 / 100.0)
            .boxed(),
    )
}

fn json_value_with(float: BoxedStrategy<f64>) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        float.prop_map(Value::from),
        "[a-z_0-9 .\u{4e00}-\u{4e10}]{0,16}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        4 => Just(200u16),
        2 => Just(gateway().gateway_status),
        1 => Just(500),
        1 => Just(503),
        1 => Just(429),
        1 => Just(404),
        2 => 200u16..600,
    ]
}

/// The codes a service's spec documents.
fn documented(service: &'static ServiceDescriptor) -> Vec<&'static str> {
    service.errors.iter().map(|e| e.code.as_ref()).collect()
}

/// A JDY code: success, one the spec documents (some change the client's behaviour: token
/// refresh, reauthorisation, retry classification), anything else, or not an integer.
fn jdy_code() -> impl Strategy<Value = Value> {
    let codes: Vec<Value> = documented(jdy_service())
        .into_iter()
        .map(|code| code.parse::<i64>().map_or(json!(code), Value::from))
        .collect();
    prop_oneof![
        3 => Just(json!(0)),
        1 => Just(json!("0")),
        2 => prop::sample::select(codes),
        1 => any::<i64>().prop_map(Value::from),
        1 => exact_json_value(),
    ]
}

/// A Shoubei status: success, a plain failure, a code the spec documents, or any JSON.
fn shoubei_code() -> impl Strategy<Value = Value> {
    let success = match &shoubei_service().envelope.success_code {
        Code::Str(text) => json!(text.as_ref()),
        Code::Int(n) => json!(n),
    };
    let codes: Vec<Value> = documented(shoubei_service())
        .into_iter()
        .map(Value::from)
        .collect();
    prop_oneof![
        4 => Just(success),
        1 => Just(json!("FAIL")),
        1 => prop::sample::select(codes),
        1 => exact_json_value(),
    ]
}

/// Whether the JDY envelope reads `code` as its (integer) success code: a number, or text
/// that reads as that integer.
fn jdy_success(code: &Value) -> bool {
    let Code::Int(success) = jdy_service().envelope.success_code else {
        panic!("the JDY envelope's success code is an integer");
    };
    let text = match code {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return false,
    };
    text.trim().parse::<i64>() == Ok(success)
}

/// A JDY envelope with this code, message and (when present) data.
fn jdy_envelope(code: Value, message: Value, data: Option<Value>) -> Value {
    let envelope = &jdy_service().envelope;
    let mut body = Map::new();
    body.insert(envelope.code_field.to_string(), code);
    body.insert(envelope.message_field.to_string(), message);
    if let (Some(field), Some(data)) = (&envelope.data_field, data) {
        body.insert(field.to_string(), data);
    }
    Value::Object(body)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn arbitrary_bytes_never_panic(
        status in status(),
        body in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        run_case(status, body)?;
    }

    #[test]
    fn arbitrary_utf8_text_never_panics(status in status(), text in "\\PC{0,700}") {
        run_case(status, text.into_bytes())?;
    }

    #[test]
    fn arbitrary_json_never_panics(status in status(), value in json_value()) {
        run_case(status, serde_json::to_vec(&value).unwrap_or_default())?;
    }

    /// JDY envelopes whose payload is any JSON, floats over their whole range included.
    #[test]
    fn jdy_envelopes_with_any_data_never_panic(
        code in prop_oneof![Just(json!(0)), any::<i64>().prop_map(Value::from)],
        data in json_value(),
    ) {
        let body = jdy_envelope(code, json!("x"), Some(data));
        run_case(200, serde_json::to_vec(&body).unwrap_or_default())?;
    }

    /// Well-formed JDY envelopes (and gateway rejections) with arbitrary codes and payloads.
    /// A success code returns exactly `data` (absent `data` is null).
    #[test]
    fn jdy_envelopes_decode(
        status in prop_oneof![4 => Just(200u16), 1 => Just(gateway().gateway_status)],
        code in jdy_code(),
        message in exact_json_value(),
        data in proptest::option::of(exact_json_value()),
    ) {
        let body = jdy_envelope(code.clone(), message, data.clone());
        let outcomes = run_case(status, body.to_string().into_bytes())?;
        if status == 200 && jdy_success(&code) {
            let expected = data.unwrap_or(Value::Null);
            prop_assert_eq!(outcomes.jdy_value.as_ref().ok(), Some(&expected));
            prop_assert_eq!(outcomes.jdy_query.as_ref().ok(), Some(&expected));
        } else {
            prop_assert!(outcomes.jdy_value.is_err(), "{:?}", outcomes.jdy_value);
        }
    }

    /// Shoubei bodies signed with the client's key: verification passes, so the envelope
    /// and the decoders see arbitrary content. Success returns the whole body.
    #[test]
    fn signed_shoubei_bodies_decode(
        fields in prop::collection::btree_map(key(), exact_json_value(), 0..8),
        return_code in shoubei_code(),
        result_code in proptest::option::of(shoubei_code()),
    ) {
        let envelope = &shoubei_service().envelope;
        let result = envelope.result.as_ref().expect("the Shoubei envelope has a result field");
        let scheme = md5_scheme();
        let mut body: Map<String, Value> = fields.into_iter().collect();
        body.insert(envelope.code_field.to_string(), return_code.clone());
        match &result_code {
            Some(code) => body.insert(result.field.to_string(), code.clone()),
            None => body.remove(result.field.as_ref()),
        };
        // Arrays and objects have no agreed signature: such an answer cannot be verified,
        // whatever `sign` it carries.
        let signable = match signing::sign(scheme, &body, SB_KEY) {
            Ok(sign) => {
                body.insert(scheme.field.to_string(), Value::from(sign));
                true
            }
            Err(_) => {
                body.insert(scheme.field.to_string(), Value::from("0".repeat(32)));
                false
            }
        };
        let outcomes = run_case(200, Value::Object(body.clone()).to_string().into_bytes())?;
        if !signable {
            prop_assert!(
                matches!(outcomes.shoubei_value.as_ref().map_err(Error::underlying),
                    Err(Error::Decode { message, .. })
                    if message.contains("signature cannot be checked")),
                "{:?}",
                outcomes.shoubei_value
            );
            return Ok(());
        }
        // The result field counts only as text or a number; otherwise it is as if absent,
        // which the envelope accepts (vendors send it only alongside a success code).
        let result_ok = match &result_code {
            Some(Value::String(s)) => *s == *result.success,
            Some(Value::Number(_)) => false,
            _ => true,
        };
        let success = match &envelope.success_code {
            Code::Str(text) => return_code == json!(text.as_ref()),
            Code::Int(n) => return_code == json!(n),
        };
        if success && result_ok {
            prop_assert_eq!(outcomes.shoubei_value.as_ref().ok(), Some(&Value::Object(body)));
        } else {
            // A code that is neither text nor a number is no status field at all.
            prop_assert!(
                matches!(
                    outcomes.shoubei_value.as_ref().map_err(Error::underlying),
                    Err(Error::Business { .. } | Error::Decode { .. })
                ),
                "{:?}",
                outcomes.shoubei_value
            );
        }
    }
}

/// The harness reaches the decoders: a well-formed answer decodes (typed, with the
/// undocumented rest kept, and untyped), an unsigned Shoubei answer is a signature mismatch,
/// HTML is a `Decode` error that leaves a recharge's outcome unknown, and an oversized body
/// is `TooLarge`.
#[test]
fn harness_reaches_the_decoders() {
    let data = json!({"bill_no": "B-9", "count": "3", "x": 1});
    let body = jdy_envelope(json!(0), json!("success"), Some(data.clone()));
    let outcomes = run_case(200, body.to_string().into_bytes()).expect("checks pass");
    let bill = outcomes.recharge.expect("typed decode");
    assert_eq!(bill.bill_no.as_deref(), Some("B-9"));
    assert_eq!(bill.extra.get("x"), Some(&json!(1)));
    assert_eq!(outcomes.jdy_value.expect("decodes"), data);
    assert!(matches!(
        outcomes.shoubei_value.as_ref().map_err(Error::underlying),
        Err(Error::SignatureMismatch { .. })
    ));

    let html = run_case(200, b"<html>oops</html>".to_vec()).expect("checks pass");
    assert!(
        matches!(
            html.jdy_value.as_ref().map_err(Error::underlying),
            Err(Error::Decode { .. })
        ),
        "{:?}",
        html.jdy_value
    );
    let error = html.recharge.expect_err("HTML");
    // An unreadable answer to a recharge leaves open whether it was applied.
    assert!(error.outcome_unknown(), "{error:?}");
    assert!(
        matches!(error.underlying(), Error::Decode { .. }),
        "{error:?}"
    );

    let huge = run_case(200, vec![b' '; MAX_BODY + 1]).expect("checks pass");
    assert!(
        matches!(
            huge.jdy_value.as_ref().map_err(Error::underlying),
            Err(Error::TooLarge { .. })
        ),
        "{:?}",
        huge.jdy_value
    );
}
