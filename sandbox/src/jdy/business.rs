//! JDY operations with state: member recharge, pre-write-off cancel and refund save. Each
//! is idempotent on the endpoint's `idempotency_key`: a repeat answers the first `data`
//! again and changes nothing. That is kinder than the vendor promises (only the cancel's page
//! says repeats are ignored), so tests count requests to see a client's retries. Other
//! operations answer synthesised data.

use retail_apis_codegen::model::{Endpoint, Service};
use serde_json::{json, Map, Value};

use crate::amount::Amount;
use crate::envelope::BusinessError;
use crate::state::{format_cst, State};
use crate::synth;

type Body = Map<String, Value>;

pub(crate) fn run(
    service: &Service,
    endpoint: &Endpoint,
    body: &Body,
    state: &mut State,
    now_ms: i64,
) -> Result<Value, BusinessError> {
    let key = endpoint.idempotency_key.as_deref();
    match endpoint.operation.as_str() {
        "mall_recharge" => recharge(body, key.unwrap_or("src_bill_id"), state),
        "mall_pre_write_off_cancel" => cancel(body, key.unwrap_or("src_bill_id"), state),
        "refund_save" => refund(body, key.unwrap_or("refund_no"), state, now_ms),
        _ => Ok(synth::payload(service, endpoint)),
    }
}

fn required_str<'a>(body: &'a Body, name: &str) -> Result<&'a str, BusinessError> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| BusinessError::invalid_parameter(format!("{name} is required")))
}

fn optional_str<'a>(body: &'a Body, name: &str) -> &'a str {
    body.get(name).and_then(Value::as_str).unwrap_or_default()
}

fn amount(text: &str, path: &str) -> Result<Amount, BusinessError> {
    Amount::parse(text).ok_or_else(|| {
        BusinessError::invalid_parameter(format!(
            "{path} must be a decimal amount with at most two decimals"
        ))
    })
}

fn credit(
    state: &mut State,
    member_id: &str,
    amount: Amount,
    path: &str,
) -> Result<(), BusinessError> {
    let balance = state.balances.get(member_id).copied().unwrap_or_default();
    let updated = balance
        .checked_add(amount)
        .ok_or_else(|| BusinessError::invalid_parameter(format!("{path} is too large")))?;
    state.balances.insert(member_id.to_owned(), updated);
    Ok(())
}

/// 会员充值: credits `bal_amount` to the member.
fn recharge(body: &Body, key: &str, state: &mut State) -> Result<Value, BusinessError> {
    let bill_id = required_str(body, key)?;
    if let Some(first) = state.recharges.get(bill_id) {
        return Ok(first.clone());
    }
    let member_id = required_str(body, "member_id")?;
    let value = amount(required_str(body, "bal_amount")?, "bal_amount")?;
    if value <= Amount::ZERO {
        return Err(BusinessError::invalid_parameter(
            "bal_amount must be positive".to_owned(),
        ));
    }
    credit(state, member_id, value, "bal_amount")?;
    let seq = state.next_sequence();
    let id = format!("{}", 900_000_000_000_000_000u64 + seq);
    let data = json!({
        "bill_no": format!("CZ{seq:08}"),
        "id": id,
        "inner_no": id,
    });
    state.recharges.insert(bill_id.to_owned(), data.clone());
    Ok(data)
}

/// 反预核销: gives a pre-written-off member consumption (`recharge_consume.amt`) back to
/// the member's balance.
fn cancel(body: &Body, key: &str, state: &mut State) -> Result<Value, BusinessError> {
    let bill_id = required_str(body, key)?;
    if let Some(first) = state.cancels.get(bill_id) {
        return Ok(first.clone());
    }
    let member_id = required_str(body, "member_id")?;
    const PATH: &str = "member_deals.recharge_consume.amt";
    let consumed = body
        .get("member_deals")
        .and_then(|d| d.get("recharge_consume"))
        .and_then(|c| c.get("amt"))
        .and_then(Value::as_str);
    if let Some(text) = consumed {
        let value = amount(text, PATH)?;
        if value < Amount::ZERO {
            return Err(BusinessError::invalid_parameter(format!(
                "{PATH} must not be negative"
            )));
        }
        credit(state, member_id, value, PATH)?;
    }
    // The page's example answers an empty object.
    let data = Value::Object(Map::new());
    state.cancels.insert(bill_id.to_owned(), data.clone());
    Ok(data)
}

/// 零售退款保存: records a refund that succeeds at once.
fn refund(body: &Body, key: &str, state: &mut State, now_ms: i64) -> Result<Value, BusinessError> {
    let refund_no = required_str(body, key)?;
    if let Some(first) = state.refunds.get(refund_no) {
        return Ok(first.clone());
    }
    let refund_amount = optional_str(body, "refund_amount");
    if !refund_amount.is_empty() {
        amount(refund_amount, "refund_amount")?;
    }
    let seq = state.next_sequence();
    let data = json!({
        "channel_refund_no": format!("P{seq:011}"),
        "err": "",
        "finish_time": format_cst(now_ms),
        "in_refund_no": format!("{}", 10_000_000 + seq),
        "mch_id": optional_str(body, "mch_id"),
        "msg": "success",
        "refund_amount": refund_amount,
        "refund_no": refund_no,
        "refund_status": "SUCCESS",
        "shop_id": optional_str(body, "shop_id"),
        "trans_no": format!("{now_ms}{seq:07}"),
    });
    state.refunds.insert(refund_no.to_owned(), data.clone());
    Ok(data)
}
