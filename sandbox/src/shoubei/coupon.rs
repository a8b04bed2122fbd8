//! 核销接口: a coupon can be written off once. Repeats fail with the spec's
//! `coupon_already_written_off` code, refunded coupons with `coupon_refunded`, and unknown
//! codes with `coupon_not_found` (or plain FAIL when the spec has no such code).

use retail_apis_codegen::model::{Endpoint, Service, TypeKind};
use serde_json::{Map, Value};

use super::{failure, success, Body};
use crate::coupon_state::CouponState;
use crate::envelope::BusinessError;
use crate::state::State;
use crate::validate;

/// The coupon code, under its wire name or an alias the spec declares (`couponCode`).
fn coupon_code<'a>(service: &Service, endpoint: &Endpoint, body: &'a Body) -> Option<&'a str> {
    let aliases = match service.named_type(&endpoint.request).map(|t| &t.kind) {
        Some(TypeKind::Struct(st)) => st
            .fields
            .iter()
            .find(|f| f.wire_name == "coupon_code")
            .map(|f| f.aliases.as_slice())
            .unwrap_or_default(),
        _ => &[],
    };
    validate::field_value(body, "coupon_code", aliases).and_then(|(_, v)| v.as_str())
}

fn coupon_failure(service: &Service, code: &str, error: BusinessError) -> Body {
    let mut body = failure(service, &error);
    body.insert("order_no".to_owned(), Value::Null);
    body.insert("codes".to_owned(), Value::from(code));
    body
}

pub(super) fn write_off(
    service: &Service,
    endpoint: &Endpoint,
    body: &Body,
    state: &mut State,
    now_ms: i64,
) -> Result<Body, Body> {
    let Some(code) = coupon_code(service, endpoint, body) else {
        return Err(failure(
            service,
            &BusinessError::invalid_parameter("coupon_code is required".to_owned()),
        ));
    };
    let seq = state.next_sequence();
    let Some(coupon) = state.coupons.get_mut(code) else {
        return Err(coupon_failure(
            service,
            code,
            BusinessError {
                name: "coupon_not_found",
                fallback_code: "FAIL",
                fallback_description: "券码不存在",
                detail: None,
            },
        ));
    };
    let name = match &coupon.state {
        CouponState::Available => None,
        CouponState::WrittenOff { .. } => Some(("coupon_already_written_off", "券码已核销")),
        CouponState::Refunded => Some(("coupon_refunded", "券码已退款")),
    };
    if let Some((name, description)) = name {
        return Err(coupon_failure(
            service,
            code,
            BusinessError {
                name,
                fallback_code: "FAIL",
                fallback_description: description,
                detail: None,
            },
        ));
    }
    // 24 digits like the page's example (516375643352141195430506).
    let order_no = format!("51{:013}{seq:09}", now_ms.rem_euclid(10_i64.pow(13)));
    coupon.state = CouponState::WrittenOff {
        order_no: order_no.clone(),
    };
    let mut payload = Map::new();
    payload.insert("order_no".to_owned(), Value::from(order_no));
    if let Some(trace) = body.get("wf_trace_no").and_then(Value::as_str) {
        payload.insert("wf_trace_no".to_owned(), Value::from(trace));
    }
    payload.insert("codes".to_owned(), Value::from(code));
    payload.insert(
        "amount".to_owned(),
        Value::from(coupon.amount_cents.to_string()),
    );
    payload.insert(
        "settle_amount".to_owned(),
        Value::from(coupon.settle_amount_cents.to_string()),
    );
    Ok(success(service, Value::Object(payload)))
}
