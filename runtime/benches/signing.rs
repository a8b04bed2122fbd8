//! Per-call signing cost against its floor: the bare HMAC-SHA256 (JDY) or MD5 (Shoubei) of
//! the same string, hex- and base64-encoded as the scheme requires. The difference is what
//! building the canonical string costs.
//!
//! `cargo bench -p retail-apis-runtime --bench signing`

// criterion_group! declares an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use base64::Engine;
use criterion::{criterion_group, criterion_main, Criterion};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use retail_apis_runtime::jdy::headers::{X_API_NONCE, X_API_TIMESTAMP};
use retail_apis_runtime::jdy::signing::{app_signature, gateway_signature, CanonicalRequest};
use retail_apis_runtime::shoubei::signing;
use retail_apis_runtime::HttpMethod;
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

fn shoubei(c: &mut Criterion) {
    // The PROTOCOL.md example body.
    let body: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
        r#"{"channel_type":"1","coupon_code":"1234567890","inst_no":"900024",
            "merchant_no":"851811130002","shop_no":"862010110001","ts":"20240101120000",
            "wf_trace_no":"T0001"}"#,
    )
    .expect("valid JSON");
    // The exact text of that body (the runtime only shows it masked).
    let canonical = "channel_type=1&coupon_code=1234567890&inst_no=900024&merchant_no=851811130002&shop_no=862010110001&ts=20240101120000&wf_trace_no=T0001&key=TESTKEY";
    let mut signed = body.clone();
    signed.insert(
        "sign".to_owned(),
        signing::sign(&SCHEME, &body, "TESTKEY")
            .expect("signable body")
            .into(),
    );
    let mut group = c.benchmark_group("shoubei_signing");
    group.bench_function("sign", |b| {
        b.iter(|| signing::sign(&SCHEME, black_box(&body), black_box("TESTKEY")))
    });
    group.bench_function("verify", |b| {
        b.iter(|| signing::verify(&SCHEME, black_box(&signed), black_box("TESTKEY")))
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

criterion_group! {
    name = benches;
    config = config();
    targets = jdy, shoubei
}
criterion_main!(benches);
