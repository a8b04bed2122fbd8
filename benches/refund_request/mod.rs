//! The request the round-trip benches send: a `refund_save` with a refund number of its
//! own, so that the sandbox applies every call instead of answering a repeat.

use std::sync::atomic::{AtomicU64, Ordering};

use retail_apis::jdy;

static SEQ: AtomicU64 = AtomicU64::new(0);

/// A refund not sent before in this process.
pub fn request() -> jdy::RefundSaveRequest {
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    jdy::RefundSaveRequest::new(
        None,
        "pay.refund",
        "M1001",
        format!("BENCH-{n}"),
        None,
        "1",
        "127.0.0.1",
        "0002",
    )
    .refund_amount(100)
}
