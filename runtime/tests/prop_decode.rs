//! Response decoding never panics and always ends in `Ok` or a typed error.
//!
//! The runtime's clients are driven against one tiny loopback server whose next answer
//! (status, body) each case sets through shared state. Bodies are arbitrary bytes, arbitrary
//! JSON, JDY envelopes with arbitrary payloads, and Shoubei bodies that carry a *correct*
//! signature, so that envelope checks and payload decoding run after verification instead of
//! every case stopping at `SignatureMismatch`.
//!
//! Besides "no panic", every error must be one a response can cause (never a transport,
//! configuration or encoding error, which would mean the harness broke and the properties
//! were vacuous), and quoted body snippets stay within [`SNIPPET_LIMIT`]. Where the envelope
//! says success, the untyped call must return exactly the payload that was sent.
//!
//! Sign/verify round trips are covered by the unit tests in `src/shoubei/signing.rs`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use proptest::prelude::*;
use retail_apis_runtime::jdy::JdyClient;
use retail_apis_runtime::jdy::JdyConfig;
use retail_apis_runtime::shoubei::{signing, ShoubeiClient, ShoubeiConfig};
use retail_apis_runtime::{
    AuthScheme, Code, EndpointDescriptor, EnvelopeDescriptor, Error, ErrorAction, ErrorCodeInfo,
    HttpMethod, KingdeeGatewayScheme, List, Md5SignScheme, Processed, ResultCheck, Secret,
    ServiceDescriptor, Text, TokenEndpoint, TransportConfig, SNIPPET_LIMIT,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// The app-token the server hands out. Upper case and `-` never occur in generated strings,
/// so finding it in an error message means the client leaked it.
const TOKEN: &str = "TOKEN-Zq9";
const SB_KEY: &str = "prop-shoubei-key";
/// Response limit of the clients; arbitrary bodies go beyond it, to reach `TooLarge`.
const MAX_BODY: usize = 1536;

const TOKEN_PATH: &str = "/auth/token";

const GATEWAY: KingdeeGatewayScheme = KingdeeGatewayScheme {
    auth_version: Text::Borrowed("2.0"),
    sign_headers: Text::Borrowed("X-Api-TimeStamp,X-Api-Nonce"),
    timestamp_window_ms: 300_000,
    token: TokenEndpoint {
        method: HttpMethod::Get,
        path: Text::Borrowed(TOKEN_PATH),
        token_field: Text::Borrowed("app-token"),
        ttl_secs: 86_400,
    },
    gateway_status: 519,
    gateway_code_field: Text::Borrowed("errcode"),
    gateway_message_field: Text::Borrowed("description"),
    gateway_message_cn_field: Text::Borrowed("descriptionCn"),
};

const fn error(
    code: &'static str,
    http_status: Option<u16>,
    action: ErrorAction,
    retryable: bool,
    processed: Processed,
) -> ErrorCodeInfo {
    ErrorCodeInfo {
        code: Text::Borrowed(code),
        http_status,
        name: Text::Borrowed("known"),
        description: Text::Borrowed(""),
        action,
        retryable,
        processed,
    }
}

/// The JDY codes that change the client's behaviour (token refresh, retry classification).
const JDY_ERRORS: &[ErrorCodeInfo] = &[
    error(
        "1000202001",
        None,
        ErrorAction::RefreshToken,
        false,
        Processed::Never,
    ),
    error(
        "1030002006",
        None,
        ErrorAction::Reauthorize,
        false,
        Processed::Never,
    ),
    error(
        "2000002000",
        None,
        ErrorAction::None,
        false,
        Processed::Maybe,
    ),
    error(
        "4011",
        Some(519),
        ErrorAction::RefreshToken,
        false,
        Processed::Never,
    ),
    error("5003", Some(519), ErrorAction::None, true, Processed::Maybe),
];

const JDY_OP: EndpointDescriptor = EndpointDescriptor {
    service: Text::Borrowed("jdy"),
    operation: Text::Borrowed("op"),
    method: HttpMethod::Post,
    path: Text::Borrowed("/jdy/op"),
    idempotency_key: Some(Text::Borrowed("bill_no")),
    idempotency_evidence: None,
    safe: false,
};

const JDY_QUERY: EndpointDescriptor = EndpointDescriptor {
    service: Text::Borrowed("jdy"),
    operation: Text::Borrowed("query"),
    method: HttpMethod::Get,
    path: Text::Borrowed("/jdy/query"),
    idempotency_key: None,
    idempotency_evidence: None,
    safe: true,
};

/// Shaped like spec/jdy: `{errcode, description, data}`.
const JDY_ENDPOINTS: &[EndpointDescriptor] = &[JDY_OP, JDY_QUERY];

static JDY: ServiceDescriptor = ServiceDescriptor {
    name: Text::Borrowed("jdy"),
    base_url: Text::Borrowed("https://api.kingdee.com"),
    auth: AuthScheme::KingdeeGateway(GATEWAY),
    envelope: EnvelopeDescriptor {
        code_field: Text::Borrowed("errcode"),
        success_code: Code::Int(0),
        message_field: Text::Borrowed("description"),
        data_field: Some(Text::Borrowed("data")),
        result: None,
    },
    errors: List::Borrowed(JDY_ERRORS),
    endpoints: List::Borrowed(JDY_ENDPOINTS),
};

const MD5: Md5SignScheme = Md5SignScheme {
    field: Text::Borrowed("sign"),
    skip_null: true,
    skip_empty: false,
    pair_separator: Text::Borrowed("&"),
    kv_separator: Text::Borrowed("="),
    secret_suffix: Text::Borrowed("&key={key}"),
    uppercase: false,
    verify_response: true,
};

const SB_OP: EndpointDescriptor = EndpointDescriptor {
    service: Text::Borrowed("shoubei"),
    operation: Text::Borrowed("write_off"),
    method: HttpMethod::Post,
    path: Text::Borrowed("/openpay/op"),
    idempotency_key: None,
    idempotency_evidence: None,
    safe: false,
};

/// Shaped like spec/shoubei: a flat, signed body with `return_code` and `result_code`.
const SB_ERRORS: &[ErrorCodeInfo] = &[
    error("0205", None, ErrorAction::None, false, Processed::Never),
    error("0001", None, ErrorAction::None, false, Processed::Never),
];
const SB_ENDPOINTS: &[EndpointDescriptor] = &[SB_OP];

static SHOUBEI: ServiceDescriptor = ServiceDescriptor {
    name: Text::Borrowed("shoubei"),
    base_url: Text::Borrowed("https://example.invalid"),
    auth: AuthScheme::Md5BodySign(MD5),
    envelope: EnvelopeDescriptor {
        code_field: Text::Borrowed("return_code"),
        success_code: Code::Str(Text::Borrowed("SUCCESS")),
        message_field: Text::Borrowed("return_msg"),
        data_field: None,
        result: Some(ResultCheck {
            field: Text::Borrowed("result_code"),
            success: Text::Borrowed("SUCCESS"),
        }),
    },
    errors: List::Borrowed(SB_ERRORS),
    endpoints: List::Borrowed(SB_ENDPOINTS),
};

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
    #[serde(deserialize_with = "retail_apis_runtime::codec::string_or_number")]
    code: String,
    amt: Option<f64>,
}

/// A response type with a required field, which most payloads do not satisfy.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Strict {
    bill_no: String,
    #[serde(deserialize_with = "retail_apis_runtime::codec::integer_or_string")]
    count: i64,
}

type Answer = Arc<Mutex<(u16, Vec<u8>)>>;

struct Harness {
    rt: tokio::runtime::Runtime,
    answer: Answer,
    jdy: JdyClient,
    shoubei: ShoubeiClient,
}

async fn token() -> impl IntoResponse {
    (
        [("content-type", "application/json")],
        json!({"errcode": 0, "description": "success", "data": {"app-token": TOKEN}}).to_string(),
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
            .route(TOKEN_PATH, get(token))
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
        let transport = TransportConfig {
            max_retries: 0,
            timeout: Duration::from_secs(10),
            max_body_bytes: MAX_BODY,
            ..TransportConfig::default()
        };
        let jdy = JdyClient::new(
            &JDY,
            JdyConfig {
                base_url: Some(base_url.clone()),
                client_id: "client".to_owned(),
                client_secret: Secret::new("client-secret"),
                app_key: "app".to_owned(),
                app_secret: Secret::new("app-secret"),
                domain: "tenant.example".to_owned(),
                transport: transport.clone(),
            },
        )
        .expect("jdy client");
        let shoubei = ShoubeiClient::new(
            &SHOUBEI,
            ShoubeiConfig {
                base_url: Some(base_url),
                key: Secret::new(SB_KEY),
                transport,
            },
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
        Error::Gateway { status, .. } => prop_assert_eq!(*status, GATEWAY.gateway_status),
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

/// Outcomes of one server answer, as each client and response type sees it.
struct Outcomes {
    jdy_value: Result<Value, Error>,
    jdy_query: Result<Value, Error>,
    shoubei_value: Result<Value, Error>,
}

/// Sets the server's answer, then makes every kind of call against it.
fn run_case(status: u16, body: Vec<u8>) -> Result<Outcomes, TestCaseError> {
    let _serial = serial();
    let h = harness();
    *h.answer
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = (status, body);
    let request = json!({"bill_no": "B1", "amount": "1.00"});
    let jdy_value = h.rt.block_on(h.jdy.call_value(&JDY_OP, request.clone()));
    check("jdy", &jdy_value)?;
    let jdy_query = h.rt.block_on(h.jdy.call_value(&JDY_QUERY, request.clone()));
    check("jdy", &jdy_query)?;
    check(
        "jdy",
        &h.rt.block_on(h.jdy.call::<_, Loose>(&JDY_OP, &request)),
    )?;
    check(
        "jdy",
        &h.rt.block_on(h.jdy.call::<_, Strict>(&JDY_OP, &request)),
    )?;
    check(
        "jdy",
        &h.rt.block_on(h.jdy.call::<_, Vec<Item>>(&JDY_OP, &request)),
    )?;
    let shoubei_value = h.rt.block_on(h.shoubei.call_value(&SB_OP, request.clone()));
    check("shoubei", &shoubei_value)?;
    check(
        "shoubei",
        &h.rt.block_on(h.shoubei.call::<_, Loose>(&SB_OP, &request)),
    )?;
    check(
        "shoubei",
        &h.rt.block_on(h.shoubei.call::<_, Strict>(&SB_OP, &request)),
    )?;
    Ok(Outcomes {
        jdy_value,
        jdy_query,
        shoubei_value,
    })
}

/// Keys that the envelopes and the response types look at, plus random ones.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("errcode".to_owned()),
        Just("description".to_owned()),
        Just("descriptionCn".to_owned()),
        Just("data".to_owned()),
        Just("return_code".to_owned()),
        Just("return_msg".to_owned()),
        Just("result_code".to_owned()),
        Just("sign".to_owned()),
        Just("bill_no".to_owned()),
        Just("count".to_owned()),
        Just("items".to_owned()),
        Just("code".to_owned()),
        Just("amt".to_owned()),
        "[a-z_]{1,8}",
    ]
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
        2 => Just(519),
        1 => Just(500),
        1 => Just(503),
        1 => Just(429),
        1 => Just(404),
        2 => 200u16..600,
    ]
}

/// A JDY `errcode`: success, the codes with client behaviour, anything else, or not an
/// integer at all.
fn jdy_code() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => Just(json!(0)),
        1 => Just(json!("0")),
        1 => prop::sample::select(vec![1_000_202_001i64, 1_030_002_006, 2_000_002_000])
            .prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => exact_json_value(),
    ]
}

fn shoubei_code() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => Just(json!("SUCCESS")),
        1 => Just(json!("FAIL")),
        1 => Just(json!("0205")),
        1 => exact_json_value(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

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

    /// Well-formed JDY envelopes (and 519 rejections) with arbitrary codes and payloads.
    /// A success code returns exactly `data` (absent `data` is null).
    #[test]
    fn jdy_envelopes_decode(
        status in prop_oneof![4 => Just(200u16), 1 => Just(519)],
        code in jdy_code(),
        message in exact_json_value(),
        data in proptest::option::of(exact_json_value()),
    ) {
        let mut body = Map::new();
        body.insert("errcode".to_owned(), code.clone());
        body.insert("description".to_owned(), message);
        if let Some(data) = &data {
            body.insert("data".to_owned(), data.clone());
        }
        let outcomes = run_case(status, Value::Object(body).to_string().into_bytes())?;
        // `0` and `"0"` (any text that reads as the integer 0) both mean success.
        let code_text = match &code {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let success =
            status == 200 && code_text.is_some_and(|t| t.trim().parse::<i64>() == Ok(0));
        if success {
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
        let mut body: Map<String, Value> = fields.into_iter().collect();
        body.insert("return_code".to_owned(), return_code.clone());
        match &result_code {
            Some(code) => body.insert("result_code".to_owned(), code.clone()),
            None => body.remove("result_code"),
        };
        // Arrays and objects have no agreed signature: such an answer cannot be verified,
        // whatever `sign` it carries.
        let signable = match signing::sign(&MD5, &body, SB_KEY) {
            Ok(sign) => {
                body.insert("sign".to_owned(), Value::from(sign));
                true
            }
            Err(_) => {
                body.insert("sign".to_owned(), Value::from("0".repeat(32)));
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
            Some(Value::String(s)) => s == "SUCCESS",
            Some(Value::Number(_)) => false,
            _ => true,
        };
        if return_code == json!("SUCCESS") && result_ok {
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

/// The harness reaches the decoders: a well-formed answer decodes, an unsigned Shoubei answer
/// is a signature mismatch, HTML is a `Decode` error, and an oversized body is `TooLarge`.
#[test]
fn harness_reaches_the_decoders() {
    let outcomes = run_case(
        200,
        br#"{"errcode":0,"description":"success","data":{"bill_no":"B-9","count":"3"}}"#.to_vec(),
    )
    .expect("checks pass");
    assert_eq!(
        outcomes.jdy_value.expect("decodes"),
        json!({"bill_no": "B-9", "count": "3"})
    );
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
