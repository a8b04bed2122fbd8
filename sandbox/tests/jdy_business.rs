//! JDY body validation and the stateful operations, over real HTTP.

mod common;

use common::*;
use retail_apis_runtime::HttpMethod;
use retail_apis_sandbox::{Amount, SandboxConfig};
use serde_json::{json, Value};

const INVALID_PARAMETER: i64 = 1_000_000_400;

fn assert_invalid(status: u16, body: &Value, path: &str) {
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["errcode"], INVALID_PARAMETER, "{body}");
    let description = body["description"].as_str().unwrap_or_default();
    assert!(description.contains(path), "`{path}` not named in {body}");
}

async fn setup() -> (retail_apis_sandbox::SandboxHandle, Jdy, String) {
    let sandbox = start(SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;
    (sandbox, jdy, token)
}

#[tokio::test]
async fn bodies_are_validated_against_the_request_type() {
    let (_sandbox, jdy, token) = setup().await;

    let mut missing = recharge_body("M1", "1.00", "B1");
    missing.as_object_mut().expect("object").remove("member_id");
    let (status, body) = jdy.post(RECHARGE_PATH, &token, &missing).await;
    assert_invalid(status, &body, "member_id");

    let mut null = recharge_body("M1", "1.00", "B1");
    null["member_id"] = Value::Null;
    let (status, body) = jdy.post(RECHARGE_PATH, &token, &null).await;
    assert_invalid(status, &body, "member_id");

    let mut wrong_type = recharge_body("M1", "1.00", "B1");
    wrong_type["source"] = json!("9");
    let (status, body) = jdy.post(RECHARGE_PATH, &token, &wrong_type).await;
    assert_invalid(status, &body, "source");

    let mut nested = recharge_body("M1", "1.00", "B1");
    nested["settle_entries"] =
        json!([{"pay_type": "90", "settle_amt": "1.00"}, {"pay_type": 90, "settle_amt": "1"}]);
    let (status, body) = jdy.post(RECHARGE_PATH, &token, &nested).await;
    assert_invalid(status, &body, "settle_entries[1].pay_type");

    let mut nested_missing = recharge_body("M1", "1.00", "B1");
    nested_missing["settle_entries"] = json!([{"pay_type": "90"}]);
    let (status, body) = jdy.post(RECHARGE_PATH, &token, &nested_missing).await;
    assert_invalid(status, &body, "settle_entries[0].settle_amt");

    let mut not_a_list = recharge_body("M1", "1.00", "B1");
    not_a_list["settle_entries"] = json!({"pay_type": "90"});
    let (status, body) = jdy.post(RECHARGE_PATH, &token, &not_a_list).await;
    assert_invalid(status, &body, "settle_entries");

    let (status, body) = jdy
        .send(
            HttpMethod::Post,
            RECHARGE_PATH,
            &[],
            &GatewayHeaders::new(Some(&token)),
            Some("{\"bal_amount\": ".to_owned()),
        )
        .await;
    assert_invalid(status, &body, "body");

    let (status, body) = jdy.post(RECHARGE_PATH, &token, &json!([1, 2])).await;
    assert_invalid(status, &body, "body");

    let mut nested_cancel = json!({"member_id": "M1", "src_bill_id": "C1",
        "member_deals": {"write_off_coupons": {"coupon_list": [{"money": 3}]}}});
    let (status, body) = jdy.post(CANCEL_PATH, &token, &nested_cancel).await;
    assert_invalid(
        status,
        &body,
        "member_deals.write_off_coupons.coupon_list[0].money",
    );
    nested_cancel["member_deals"] = json!({"write_off_coupons": {"coupon_list": [{"money": "3"}]}});
    let (status, body) = jdy.post(CANCEL_PATH, &token, &nested_cancel).await;
    assert_eq!((status, &body["errcode"]), (200, &json!(0)), "{body}");
}

#[tokio::test]
async fn unknown_enum_values_and_nullable_fields_are_accepted() {
    let (_sandbox, jdy, token) = setup().await;
    let mut unknown_pay_type = recharge_body("M1", "1.00", "B-enum");
    unknown_pay_type["settle_entries"] = json!([{"pay_type": "77", "settle_amt": "1.00"}]);
    let (status, body) = jdy.post(RECHARGE_PATH, &token, &unknown_pay_type).await;
    assert_eq!((status, &body["errcode"]), (200, &json!(0)), "{body}");

    let mut unknown_source = recharge_body("M1", "1.00", "B-source");
    unknown_source["source"] = json!(3);
    let (status, body) = jdy.post(RECHARGE_PATH, &token, &unknown_source).await;
    assert_eq!((status, &body["errcode"]), (200, &json!(0)), "{body}");

    // The page's own refundSave example sends null for two required, nullable fields.
    let refund = refund_body("R-null");
    let (status, body) = jdy.post(REFUND_PATH, &token, &refund).await;
    assert_eq!((status, &body["errcode"]), (200, &json!(0)), "{body}");

    let mut required_null = refund_body("R-null-2");
    required_null["terminal_ip"] = Value::Null;
    let (status, body) = jdy.post(REFUND_PATH, &token, &required_null).await;
    assert_invalid(status, &body, "terminal_ip");
}

fn refund_body(refund_no: &str) -> Value {
    json!({
        "channel_order_no": null,
        "cmd": "pay.refund.query",
        "mch_id": "M1001",
        "order_no": "10029",
        "refund_amount": "5000",
        "refund_desc": "客户退货。发起部分退款。",
        "refund_no": refund_no,
        "service_group_name": null,
        "shop_id": "S0002",
        "sign_msg": "1",
        "terminal_ip": "192.168.1.2",
        "terminal_no": "0002"
    })
}

#[tokio::test]
async fn recharge_adds_exact_cents_once_per_src_bill_id() {
    let config = SandboxConfig {
        balances: vec![("M7".to_owned(), Amount::from_cents(1_000))],
        ..SandboxConfig::default()
    };
    let sandbox = start(config).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;
    assert_eq!(sandbox.member_balance("M7").to_string(), "10.00");

    let (status, first) = jdy
        .post(
            RECHARGE_PATH,
            &token,
            &recharge_body("M7", "100.10", "BILL-1"),
        )
        .await;
    assert_eq!((status, &first["errcode"]), (200, &json!(0)), "{first}");
    for field in ["bill_no", "id", "inner_no"] {
        assert!(first["data"][field].is_string(), "{first}");
    }
    assert_eq!(sandbox.member_balance("M7").to_string(), "110.10");

    let (_, second) = jdy
        .post(RECHARGE_PATH, &token, &recharge_body("M7", "0.2", "BILL-2"))
        .await;
    assert_ne!(second["data"]["bill_no"], first["data"]["bill_no"]);
    assert_eq!(sandbox.member_balance("M7"), Amount::from_cents(11_030));

    // A repeat answers the first bill and changes nothing.
    let (_, repeat) = jdy
        .post(
            RECHARGE_PATH,
            &token,
            &recharge_body("M7", "100.10", "BILL-1"),
        )
        .await;
    assert_eq!(repeat, first);
    assert_eq!(sandbox.member_balance("M7"), Amount::from_cents(11_030));
    assert_eq!(sandbox.applied_recharges(), 2);
    assert_eq!(sandbox.request_count("jdy.mall_recharge"), 3);
    assert_eq!(sandbox.request_count("mall_recharge"), 3);
}

#[tokio::test]
async fn recharge_rejects_amounts_that_are_not_decimal() {
    let (sandbox, jdy, token) = setup().await;
    for bad in ["abc", "1.234", "1e3", "", "-5", "0"] {
        let (status, body) = jdy
            .post(
                RECHARGE_PATH,
                &token,
                &recharge_body("M1", bad, &format!("BAD-{bad}")),
            )
            .await;
        assert_invalid(status, &body, "bal_amount");
    }
    assert_eq!(sandbox.member_balance("M1"), Amount::ZERO);
    assert_eq!(sandbox.applied_recharges(), 0);
    // The page example's "001" is one unit.
    jdy.post(RECHARGE_PATH, &token, &recharge_body("M1", "001", "OK"))
        .await;
    assert_eq!(sandbox.member_balance("M1").to_string(), "1.00");
}

#[tokio::test]
async fn pre_write_off_cancel_gives_the_consumption_back_once() {
    let (sandbox, jdy, token) = setup().await;
    jdy.post(RECHARGE_PATH, &token, &recharge_body("M2", "50.00", "R1"))
        .await;
    let cancel = json!({
        "member_id": "M2",
        "src_bill_id": "PW-1",
        "member_deals": {"recharge_consume": {"amt": "30", "member_card_id": "C1"}},
    });
    let (status, first) = jdy.post(CANCEL_PATH, &token, &cancel).await;
    assert_eq!((status, &first["errcode"]), (200, &json!(0)), "{first}");
    assert_eq!(first["data"], json!({}));
    assert_eq!(sandbox.member_balance("M2").to_string(), "80.00");

    let (_, repeat) = jdy.post(CANCEL_PATH, &token, &cancel).await;
    assert_eq!(repeat, first);
    assert_eq!(sandbox.member_balance("M2").to_string(), "80.00");
    assert_eq!(sandbox.applied_cancels(), 1);

    let bad = json!({
        "member_id": "M2",
        "src_bill_id": "PW-2",
        "member_deals": {"recharge_consume": {"amt": "thirty"}},
    });
    let (status, body) = jdy.post(CANCEL_PATH, &token, &bad).await;
    assert_invalid(status, &body, "member_deals.recharge_consume.amt");
    assert_eq!(sandbox.applied_cancels(), 1);
}

#[tokio::test]
async fn refund_save_is_idempotent_by_refund_no() {
    let (sandbox, jdy, token) = setup().await;
    let (status, first) = jdy.post(REFUND_PATH, &token, &refund_body("RF-1")).await;
    assert_eq!((status, &first["errcode"]), (200, &json!(0)), "{first}");
    assert_eq!(first["data"]["refund_status"], "SUCCESS");
    assert_eq!(first["data"]["refund_no"], "RF-1");
    assert_eq!(first["data"]["refund_amount"], "5000");
    assert_eq!(first["data"]["mch_id"], "M1001");

    let (_, repeat) = jdy.post(REFUND_PATH, &token, &refund_body("RF-1")).await;
    assert_eq!(repeat, first);
    assert_eq!(sandbox.refund_count(), 1);
    assert_eq!(
        sandbox.refund("RF-1").map(|r| r["in_refund_no"].clone()),
        Some(first["data"]["in_refund_no"].clone())
    );
}
