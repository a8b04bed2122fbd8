//! `/_sandbox/state`: members and balances, bills, refunds, coupons, tokens and queued
//! faults, as one JSON document taken under one lock.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::coupon_state::CouponState;
use crate::shared::Shared;

pub(crate) fn snapshot(shared: &Shared) -> Value {
    let state = shared.lock();
    let now_ms = state.now_ms();
    let balances: BTreeMap<&str, String> = state
        .balances
        .iter()
        .map(|(member, amount)| (member.as_str(), amount.to_string()))
        .collect();
    let bills = |applied: &std::collections::HashMap<String, Value>| {
        let sorted: BTreeMap<&String, &Value> = applied.iter().collect();
        sorted
            .into_iter()
            .map(|(key, data)| json!({ "src_bill_id": key, "status": "applied", "data": data }))
            .collect::<Vec<_>>()
    };
    let refunds: BTreeMap<&String, &Value> = state.refunds.iter().collect();
    let coupons: BTreeMap<&String, _> = state.coupons.iter().collect();
    let coupons: Vec<Value> = coupons
        .into_iter()
        .map(|(code, coupon)| {
            let (status, order_no) = match &coupon.state {
                CouponState::Available => ("available", None),
                CouponState::WrittenOff { order_no } => ("written_off", Some(order_no)),
                CouponState::Refunded => ("refunded", None),
            };
            json!({
                "code": code,
                "status": status,
                "order_no": order_no,
                "amount_cents": coupon.amount_cents,
                "settle_amount_cents": coupon.settle_amount_cents,
            })
        })
        .collect();
    let faults: BTreeMap<&String, usize> = state
        .faults
        .iter()
        .filter(|(_, queue)| !queue.is_empty())
        .map(|(operation, queue)| (operation, queue.len()))
        .collect();
    let live_tokens = state
        .tokens
        .values()
        .filter(|token| !token.is_expired(now_ms))
        .count();
    json!({
        "clock_ms": now_ms,
        "clock_skew_ms": state.clock_skew_ms,
        "tolerant": shared.config.tolerant,
        "operations": shared.routes.operation_ids(),
        "members": balances
            .into_iter()
            .map(|(member, balance)| json!({ "member_id": member, "balance": balance }))
            .collect::<Vec<_>>(),
        "recharges": bills(&state.recharges),
        "cancels": bills(&state.cancels),
        "refunds": refunds
            .into_iter()
            .map(|(refund_no, record)| json!({ "refund_no": refund_no, "record": record }))
            .collect::<Vec<_>>(),
        "coupons": coupons,
        "tokens": { "issued": state.token_fetches, "live": live_tokens },
        "pending_faults": faults,
    })
}
