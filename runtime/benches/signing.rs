//! Per-call signing cost against its floor: the bare HMAC-SHA256 (JDY) or MD5 (Shoubei) of
//! the same string, hex- and base64-encoded as the scheme requires. The difference is what
//! producing the canonical string costs (the signers feed it to the hash piece by piece).
//! `sign_object` and `verify_object` also read the body's fields from its JSON text, as
//! the client does; that parse is not part of the floor.
//!
//! `cargo bench -p retail-apis-runtime --bench signing`

// criterion_group! declares an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine;
use criterion::{criterion_group, Criterion};
use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use retail_apis_runtime::jdy::headers::{X_API_NONCE, X_API_TIMESTAMP};
use retail_apis_runtime::jdy::signing::{app_signature, gateway_signature, CanonicalRequest};
use retail_apis_runtime::shoubei::signing;
use retail_apis_runtime::{HttpMethod, RawObject};
use sha2::Sha256;

#[path = "../tests/common/md5_scheme.rs"]
mod md5_scheme;
use md5_scheme::MD5 as SCHEME;

/// Table-driven hex, as fast as hex gets, so the floor is a real floor.
fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// The HMAC → lower hex → base64 chain alone, on an already built string.
fn hmac_floor(secret: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(lower_hex(&mac.finalize().into_bytes()))
}

fn jdy(c: &mut Criterion) {
    // PROTOCOL.md vector 3.
    let (path, ts, secret) = ("/jdy/v2/ls/mall_recharge", "1655775240000", "abc123");
    let request = |path, ts| CanonicalRequest {
        method: HttpMethod::Post,
        path,
        query: &[],
        headers: vec![(X_API_TIMESTAMP, ts), (X_API_NONCE, ts)],
    };
    let canonical = request(path, ts).to_string();
    let mut group = c.benchmark_group("jdy_signing");
    group.bench_function("gateway_signature", |b| {
        b.iter(|| gateway_signature(&request(black_box(path), black_box(ts)), black_box(secret)))
    });
    group.bench_function("floor_hmac_hex_base64", |b| {
        b.iter(|| hmac_floor(black_box(secret), black_box(&canonical)))
    });
    // PROTOCOL.md vector 2; its floor is the same chain over the (short) app key.
    group.bench_function("app_signature", |b| {
        b.iter(|| app_signature(black_box("abc"), black_box("abc123")))
    });
    group.bench_function("floor_app_hmac_hex_base64", |b| {
        b.iter(|| hmac_floor(black_box("abc123"), black_box("abc")))
    });
    group.finish();
}

/// The PROTOCOL.md example body.
fn example_body() -> serde_json::Map<String, serde_json::Value> {
    serde_json::from_str(
        r#"{"channel_type":"1","coupon_code":"1234567890","inst_no":"900024",
            "merchant_no":"851811130002","shop_no":"862010110001","ts":"20240101120000",
            "wf_trace_no":"T0001"}"#,
    )
    .expect("valid JSON")
}

/// The exact text of that body (the runtime only shows it masked).
fn shoubei_text() -> &'static str {
    "channel_type=1&coupon_code=1234567890&inst_no=900024&merchant_no=851811130002&shop_no=862010110001&ts=20240101120000&wf_trace_no=T0001&key=TESTKEY"
}

/// The example body with its `sign`.
fn signed_body() -> serde_json::Map<String, serde_json::Value> {
    let body = example_body();
    let mut signed = body.clone();
    signed.insert(
        "sign".to_owned(),
        signing::sign(&SCHEME, &body, "TESTKEY")
            .expect("signable body")
            .into(),
    );
    signed
}

fn shoubei(c: &mut Criterion) {
    let body = example_body();
    let canonical = shoubei_text();
    let signed = signed_body();
    let mut group = c.benchmark_group("shoubei_signing");
    group.bench_function("sign", |b| {
        b.iter(|| signing::sign(&SCHEME, black_box(&body), black_box("TESTKEY")))
    });
    group.bench_function("verify", |b| {
        b.iter(|| signing::verify(&SCHEME, black_box(&signed), black_box("TESTKEY")))
    });
    // What the client does: sign the fields of the body's JSON text, verify a response's.
    let text = serde_json::to_vec(&body).expect("serialises");
    let signed_text = serde_json::to_vec(&signed).expect("serialises");
    group.bench_function("sign_object", |b| {
        b.iter(|| {
            let object = RawObject::parse(black_box(&text)).expect("an object");
            signing::sign_object(&SCHEME, &object, black_box("TESTKEY"))
        })
    });
    group.bench_function("verify_object", |b| {
        b.iter(|| {
            let object = RawObject::parse(black_box(&signed_text)).expect("an object");
            signing::verify_object(&SCHEME, &object, black_box("TESTKEY"))
        })
    });
    group.bench_function("floor_md5_hex", |b| {
        b.iter(|| lower_hex(&Md5::digest(black_box(canonical.as_bytes()))))
    });
    group.finish();
}

/// Short runs: a signature takes microseconds, so 20 samples over 2 s are plenty, and the
/// bench stays cheap on a 2-core machine.
fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
}

/// A name, the operation and its floor.
type Comparison<'a> = (&'static str, &'a dyn Fn(), &'a dyn Fn());

/// Each operation against its floor, interleaved: rounds of one batch each, the order
/// rotated every round (round 0 runs the operation first); the median over rounds of
/// the per-round ratio operation / floor is printed.
fn interleaved() {
    let (path, ts, secret) = ("/jdy/v2/ls/mall_recharge", "1655775240000", "abc123");
    let request = |path, ts| CanonicalRequest {
        method: HttpMethod::Post,
        path,
        query: &[],
        headers: vec![(X_API_TIMESTAMP, ts), (X_API_NONCE, ts)],
    };
    let canonical = request(path, ts).to_string();
    let body = example_body();
    let text = shoubei_text();
    let signed = signed_body();
    let signed_json = serde_json::to_vec(&signed).expect("serialises");
    let json = serde_json::to_vec(&body).expect("serialises");
    let gateway = || {
        drop(black_box(gateway_signature(
            &request(black_box(path), black_box(ts)),
            black_box(secret),
        )))
    };
    let hmac = || {
        drop(black_box(hmac_floor(
            black_box(secret),
            black_box(&canonical),
        )))
    };
    let app = || {
        drop(black_box(app_signature(
            black_box("abc"),
            black_box("abc123"),
        )))
    };
    let app_floor = || drop(black_box(hmac_floor(black_box("abc123"), black_box("abc"))));
    let sign = || {
        drop(black_box(signing::sign(
            &SCHEME,
            black_box(&body),
            black_box("TESTKEY"),
        )))
    };
    let verify = || {
        drop(black_box(signing::verify(
            &SCHEME,
            black_box(&signed),
            black_box("TESTKEY"),
        )))
    };
    let sign_object = || {
        let object = RawObject::parse(black_box(&json)).expect("an object");
        drop(black_box(signing::sign_object(
            &SCHEME,
            &object,
            black_box("TESTKEY"),
        )));
    };
    let verify_object = || {
        let object = RawObject::parse(black_box(&signed_json)).expect("an object");
        drop(black_box(signing::verify_object(
            &SCHEME,
            &object,
            black_box("TESTKEY"),
        )));
    };
    let md5 = || {
        drop(black_box(lower_hex(&Md5::digest(black_box(
            text.as_bytes(),
        )))))
    };
    let pairs: [Comparison; 6] = [
        ("JDY gateway_signature / floor", &gateway, &hmac),
        ("JDY app_signature / floor", &app, &app_floor),
        ("Shoubei sign / floor", &sign, &md5),
        ("Shoubei verify / floor", &verify, &md5),
        (
            "Shoubei sign_object (parse + sign) / floor",
            &sign_object,
            &md5,
        ),
        (
            "Shoubei verify_object (parse + verify) / floor",
            &verify_object,
            &md5,
        ),
    ];
    println!(
        "interleaved, median of 101 rounds of 2000 calls per side; load average {}",
        load_average()
    );
    for (name, op, floor) in pairs {
        let timed = |f: &dyn Fn()| {
            let start = Instant::now();
            for _ in 0..2000 {
                f();
            }
            start.elapsed().as_secs_f64() / 2000.0
        };
        timed(op);
        timed(floor);
        let mut ratios = Vec::new();
        let mut op_times = Vec::new();
        let mut floor_times = Vec::new();
        for round in 0..101 {
            let (a, b) = if round % 2 == 0 {
                let a = timed(op);
                (a, timed(floor))
            } else {
                let b = timed(floor);
                (timed(op), b)
            };
            op_times.push(a);
            floor_times.push(b);
            ratios.push(a / b);
        }
        println!(
            "  {name}: {:.2} ({:.0} ns vs {:.0} ns)",
            median(&mut ratios),
            median(&mut op_times) * 1e9,
            median(&mut floor_times) * 1e9
        );
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| String::from("unknown"))
}

criterion_group! {
    name = benches;
    config = config();
    targets = jdy, shoubei
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    interleaved();
}
