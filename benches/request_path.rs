//! The per-call cost of the generated client apart from the network: build the request,
//! sign it, serialise the body to bytes, up to a `reqwest::Request` ready to send. The
//! hand-written side does the same work the way a careful user would with reqwest: the
//! same signing functions, the same headers, the body serialised with
//! `serde_json::to_vec` from the same typed struct.
//!
//! - JDY `refund_save`: a fresh nonce and timestamp, the gateway signature, nine headers.
//! - Shoubei `coupon_write_off`: the MD5 `sign` of the body fields, written into the body.
//!
//! Two measurements in one run. First a criterion group per operation with both sides
//! (generated client first, then hand-written). Then both sides interleaved: 101 rounds of
//! 5 000 requests per side, the order rotated every round (round 0 runs the generated
//! client first); the median over rounds of the per-round ratio is printed.
//!
//! `cargo bench -p retail-apis --bench request_path`

// criterion's macros and the shared module declare undocumented public items.
#![allow(missing_docs)]

mod hand_written;
mod interleave;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use interleave::{interleave, report, Side};
use retail_apis::runtime::jdy::headers::{CONTENT_TYPE, JSON};
use retail_apis::runtime::jdy::Lease;
use retail_apis::runtime::shoubei::signing::sign_object;
use retail_apis::runtime::shoubei::ShoubeiConfig;
use retail_apis::runtime::{AuthScheme, Md5SignScheme, RawObject, Secret, ServiceDescriptor};
use retail_apis::{jdy, shoubei};
use retail_apis_sandbox::config as creds;

/// Nothing listens here: no request is sent.
const BASE_URL: &str = "http://127.0.0.1:9";
const TOKEN: &str = "app-token-of-the-benchmark";

fn refund() -> jdy::RefundSaveRequest {
    jdy::RefundSaveRequest::new(
        None,
        "pay.refund",
        "M1001",
        "BENCH-REFUND-0001",
        None,
        "1",
        "127.0.0.1",
        "0002",
    )
    .refund_amount(100)
}

fn write_off() -> shoubei::CouponWriteOffRequest {
    shoubei::CouponWriteOffRequest::new(
        creds::SHOUBEI_INST_NO,
        "851811130002",
        "862010110001",
        "20240101120000",
        "1234567890",
    )
    .wf_trace_no("T0001")
}

fn jdy_client() -> jdy::Client {
    jdy::Client::new(creds::jdy_client_config(BASE_URL)).expect("client")
}

fn shoubei_client() -> shoubei::Client {
    shoubei::Client::new(ShoubeiConfig::new(creds::SHOUBEI_KEY).base_url(BASE_URL)).expect("client")
}

/// The JDY request built by hand.
fn jdy_by_hand(http: &reqwest::Client, body: &jdy::RefundSaveRequest) -> reqwest::Request {
    hand_written::jdy_refund_save(http, BASE_URL, TOKEN, body)
        .build()
        .expect("request")
}

/// The Shoubei request built by hand: the body serialised once, signed from its bytes,
/// and the signature appended to it.
fn shoubei_by_hand(
    http: &reqwest::Client,
    body: &shoubei::CouponWriteOffRequest,
) -> reqwest::Request {
    let path: &str = &shoubei::endpoints::COUPON_WRITE_OFF.path;
    let mut json = serde_json::to_vec(body).expect("serialises");
    let fields = RawObject::parse(&json).expect("an object");
    let sign = sign_object(md5_scheme(), &fields, creds::SHOUBEI_KEY).expect("signable");
    json.pop();
    json.extend_from_slice(b",\"sign\":\"");
    json.extend_from_slice(sign.as_bytes());
    json.extend_from_slice(b"\"}");
    http.post(format!("{BASE_URL}{path}"))
        .header(CONTENT_TYPE, JSON)
        .body(json)
        .build()
        .expect("request")
}

/// The signing parameters the Shoubei spec declares.
fn md5_scheme() -> &'static Md5SignScheme {
    static SERVICE: ServiceDescriptor = shoubei::SERVICE;
    match &SERVICE.auth {
        AuthScheme::Md5BodySign(scheme) => scheme,
        other => panic!("the Shoubei spec declares {}", other.name()),
    }
}

fn criterion_groups(c: &mut Criterion) {
    let http = reqwest::Client::new();
    let (jdy, shoubei) = (jdy_client(), shoubei_client());
    let lease = Lease::unmanaged(Secret::new(TOKEN));
    let (refund, write_off) = (refund(), write_off());

    let mut group = c.benchmark_group("request_path_jdy_refund_save");
    group.bench_function("generated_client", |b| {
        b.iter(|| {
            jdy.runtime()
                .signed_request(&jdy::endpoints::REFUND_SAVE, black_box(&refund), &lease)
                .expect("request")
        })
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| jdy_by_hand(&http, black_box(&refund)))
    });
    group.finish();

    let mut group = c.benchmark_group("request_path_shoubei_coupon_write_off");
    group.bench_function("generated_client", |b| {
        b.iter(|| {
            shoubei
                .runtime()
                .signed_request(
                    &shoubei::endpoints::COUPON_WRITE_OFF,
                    black_box(&write_off),
                    &(),
                )
                .expect("request")
        })
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| shoubei_by_hand(&http, black_box(&write_off)))
    });
    group.finish();
}

fn timed(n: u32, mut op: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        op();
    }
    start.elapsed()
}

fn interleaved() {
    let http = reqwest::Client::new();
    let (jdy, shoubei) = (jdy_client(), shoubei_client());
    let lease = Lease::unmanaged(Secret::new(TOKEN));
    let (refund, write_off) = (refund(), write_off());
    let (rounds, batch) = (101, 5_000);

    let mut sides = [
        Side {
            name: "generated client",
            run: Box::new(|n| {
                timed(n, || {
                    black_box(
                        jdy.runtime()
                            .signed_request(
                                &jdy::endpoints::REFUND_SAVE,
                                black_box(&refund),
                                &lease,
                            )
                            .expect("request"),
                    );
                })
            }),
        },
        Side {
            name: "hand-written",
            run: Box::new(|n| {
                timed(n, || {
                    drop(black_box(jdy_by_hand(&http, black_box(&refund))))
                })
            }),
        },
    ];
    let outcome = interleave(&mut sides, rounds, batch);
    report("request path, JDY refund_save", &sides, &outcome);

    let mut sides = [
        Side {
            name: "generated client",
            run: Box::new(|n| {
                timed(n, || {
                    black_box(
                        shoubei
                            .runtime()
                            .signed_request(
                                &shoubei::endpoints::COUPON_WRITE_OFF,
                                black_box(&write_off),
                                &(),
                            )
                            .expect("request"),
                    );
                })
            }),
        },
        Side {
            name: "hand-written",
            run: Box::new(|n| {
                timed(n, || {
                    drop(black_box(shoubei_by_hand(&http, black_box(&write_off))))
                })
            }),
        },
    ];
    let outcome = interleave(&mut sides, rounds, batch);
    report("request path, Shoubei coupon_write_off", &sides, &outcome);
}

fn main() {
    let mut criterion = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    criterion_groups(&mut criterion);
    criterion.final_summary();
    interleaved();
}
