//! Every operation through the typed clients against the sandbox over loopback HTTP:
//! effects on the sandbox state, idempotency, one-time coupons, business errors, and the
//! page examples of the specs decoding into the generated types.

mod common;

use std::path::Path;

use common::{
    bounded, decimal, jdy_client, recharge, refund, shoubei_client, start_sandbox, write_off,
};
use retail_apis::runtime::{self, Error};
use retail_apis::{jdy, shoubei};
use retail_apis_sandbox::{Amount, CouponState};
use serde_json::{json, Value};

fn cents(amount: Amount) -> i64 {
    amount.cents()
}

/// Code, message and descriptor name of a business error, or a panic naming what came.
fn business<T: std::fmt::Debug>(
    result: Result<T, Error>,
) -> (String, String, Option<&'static str>) {
    match result {
        Err(Error::Business {
            code,
            message,
            known,
            ..
        }) => (code, message, known.map(|k| k.name.as_ref())),
        other => panic!("expected a business error, got {other:?}"),
    }
}

#[tokio::test]
async fn mall_recharge_credits_the_member_and_answers_a_bill() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        assert_eq!(cents(sandbox.member_balance("M-1")), 0);

        let bill = client
            .mall_recharge(&recharge("100.50", "M-1", "MALL-1"))
            .await
            .expect("recharge succeeds");

        assert!(bill.bill_no.as_deref().is_some_and(|b| !b.is_empty()));
        assert!(bill.id.as_deref().is_some_and(|id| !id.is_empty()));
        assert_eq!(cents(sandbox.member_balance("M-1")), 10050);
        assert_eq!(sandbox.applied_recharges(), 1);
        // The first call fetched the app-token; client and gateway agree on that.
        assert_eq!(client.runtime().token_fetches(), 1);
        assert_eq!(sandbox.token_fetch_count(), 1);
        assert_eq!(sandbox.request_count("jdy.mall_recharge"), 1);
    })
    .await;
}

#[tokio::test]
async fn a_repeated_src_bill_id_is_applied_once_and_answers_the_same_bill() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());

        let first = client
            .mall_recharge(&recharge("30.00", "M-2", "MALL-2"))
            .await
            .expect("first recharge");
        let again = client
            .mall_recharge(&recharge("30.00", "M-2", "MALL-2"))
            .await
            .expect("repeated recharge");
        // Another amount under the same key is still the same bill: the key alone decides.
        let different_body = client
            .mall_recharge(&recharge("999.00", "M-2", "MALL-2"))
            .await
            .expect("repeat with another amount");

        assert_eq!(again, first);
        assert_eq!(different_body, first);
        assert_eq!(cents(sandbox.member_balance("M-2")), 3000);
        assert_eq!(sandbox.applied_recharges(), 1);
        assert_eq!(sandbox.request_count("jdy.mall_recharge"), 3);

        // A new key is a new bill.
        let other = client
            .mall_recharge(&recharge("0.01", "M-2", "MALL-3"))
            .await
            .expect("second bill");
        assert_ne!(other.bill_no, first.bill_no);
        assert_eq!(cents(sandbox.member_balance("M-2")), 3001);
        assert_eq!(sandbox.applied_recharges(), 2);
        // Clones share the token, so four calls needed one fetch.
        assert_eq!(client.runtime().token_fetches(), 1);
    })
    .await;
}

#[tokio::test]
async fn mall_pre_write_off_cancel_gives_the_consumption_back_once() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        client
            .mall_recharge(&recharge("100.00", "M-3", "MALL-4"))
            .await
            .expect("recharge");

        let cancel = jdy::MallPreWriteOffCancelRequest::new("M-3", "PRE-1").member_deals(
            jdy::MemberDeals::new()
                .recharge_consume(jdy::RechargeConsume::new().amt(decimal("20.00"))),
        );
        let data = client
            .mall_pre_write_off_cancel(&cancel)
            .await
            .expect("cancel succeeds");
        // The page answers an empty object.
        assert_eq!(data, json!({}));
        assert_eq!(cents(sandbox.member_balance("M-3")), 12000);
        assert_eq!(sandbox.applied_cancels(), 1);

        let again = client
            .mall_pre_write_off_cancel(&cancel)
            .await
            .expect("repeated cancel");
        assert_eq!(again, json!({}));
        assert_eq!(cents(sandbox.member_balance("M-3")), 12000);
        assert_eq!(sandbox.applied_cancels(), 1);
    })
    .await;
}

#[tokio::test]
async fn refund_save_records_the_refund_idempotently() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        let request = refund("R-0001", "5000")
            .shop_id("S0002")
            .refund_desc("客户退货。发起部分退款。");

        let refund = client.refund_save(&request).await.expect("refund saved");
        assert_eq!(refund.refund_status.as_deref(), Some("SUCCESS"));
        assert_eq!(refund.refund_no.as_deref(), Some("R-0001"));
        assert_eq!(refund.mch_id.as_deref(), Some("M1001"));
        assert_eq!(refund.shop_id.as_deref(), Some("S0002"));
        assert_eq!(
            refund.refund_amount.as_ref().map(runtime::Amount::as_str),
            Some("5000")
        );
        assert!(refund.in_refund_no.is_some() && refund.trans_no.is_some());
        // finish_time is China time, `YYYY-MM-DD HH:MM:SS`.
        let finish = refund.finish_time.clone().expect("finish_time");
        assert_eq!(finish.len(), 19, "{finish}");
        // What the client decoded is what the sandbox recorded.
        let recorded = sandbox.refund("R-0001").expect("refund recorded");
        assert_eq!(
            recorded["in_refund_no"].as_str(),
            refund.in_refund_no.as_deref()
        );
        assert_eq!(sandbox.refund_count(), 1);

        let again = client.refund_save(&request).await.expect("repeat");
        assert_eq!(again, refund);
        assert_eq!(sandbox.refund_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_coupon_is_written_off_once() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = shoubei_client(&sandbox.base_url());
        assert_eq!(
            sandbox.coupon_state(common::COUPON_A),
            Some(CouponState::Available)
        );

        let written = client
            .coupon_write_off(&write_off(common::COUPON_A))
            .await
            .expect("first write-off succeeds");
        assert_eq!(written.return_code, shoubei::ReturnCode::Success);
        assert_eq!(written.result_code, Some(shoubei::ResultCode::Success));
        assert_eq!(written.codes, common::COUPON_A);
        assert_eq!(
            written.amount.as_ref().map(runtime::Amount::as_str),
            Some("1000")
        );
        assert_eq!(
            written.settle_amount.as_ref().map(runtime::Amount::as_str),
            Some("950")
        );
        assert_eq!(written.wf_trace_no.as_deref(), Some("T-679533922928"));
        let order_no = written.order_no.clone().expect("order_no");
        assert_eq!(order_no.len(), 24, "{order_no}");
        assert!(!written.sign.is_empty());
        assert_eq!(
            sandbox.coupon_state(common::COUPON_A),
            Some(CouponState::WrittenOff {
                order_no: order_no.clone()
            })
        );

        let (code, message, name) =
            business(client.coupon_write_off(&write_off(common::COUPON_A)).await);
        assert_eq!(code, "0203");
        assert_eq!(name, Some("coupon_already_written_off"));
        assert_eq!(message, "券码已核销");
        // The failed repeat left the first write-off untouched.
        assert_eq!(
            sandbox.coupon_state(common::COUPON_A),
            Some(CouponState::WrittenOff { order_no })
        );
        // Another coupon is unaffected.
        assert_eq!(
            sandbox.coupon_state(common::COUPON_B),
            Some(CouponState::Available)
        );
    })
    .await;
}

#[tokio::test]
async fn refunded_and_unknown_coupons_are_business_errors() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = shoubei_client(&sandbox.base_url());

        let (code, message, name) = business(
            client
                .coupon_write_off(&write_off(common::COUPON_REFUNDED))
                .await,
        );
        assert_eq!(code, "0205");
        assert_eq!(name, Some("coupon_refunded"));
        assert_eq!(message, "券码已退款");
        assert_eq!(
            sandbox.coupon_state(common::COUPON_REFUNDED),
            Some(CouponState::Refunded)
        );

        // The spec has no "not found" code, so the sandbox answers plain FAIL.
        let (code, message, name) =
            business(client.coupon_write_off(&write_off("000000000000")).await);
        assert_eq!(code, "FAIL");
        assert_eq!(message, "券码不存在");
        assert_eq!(name, None);
        assert_eq!(sandbox.coupon_state("000000000000"), None);
    })
    .await;
}

#[tokio::test]
async fn an_invalid_amount_is_a_business_error_naming_the_field() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());

        // The typed request cannot carry it: the text is refused before anything is sent.
        assert!("abc".parse::<runtime::Amount>().is_err());
        // Sent anyway, as untyped JSON, the sandbox refuses it by the field's type.
        let result = client
            .runtime()
            .call_value(
                &jdy::endpoints::MALL_RECHARGE,
                json!({"bal_amount": "abc", "member_id": "M-4", "source": 9, "src_bill_id": "MALL-5"}),
            )
            .await;
        assert_eq!(sandbox.request_count("jdy.mall_recharge"), 1);
        let error = result.as_ref().err().map(ToString::to_string);
        let (code, message, name) = business(result);
        assert_eq!(code, "1000000400");
        assert_eq!(name, Some("invalid_parameter"));
        assert!(message.contains("bal_amount"), "{message}");
        // The Display form names service, operation and code for logs.
        let text = error.unwrap_or_default();
        assert!(
            text.contains("jdy.mall_recharge") && text.contains("1000000400"),
            "{text}"
        );
        // Nothing was applied, and the failed key can still be used for a valid recharge.
        assert_eq!(cents(sandbox.member_balance("M-4")), 0);
        assert_eq!(sandbox.applied_recharges(), 0);
        client
            .mall_recharge(&recharge("1.00", "M-4", "MALL-5"))
            .await
            .expect("the key was not consumed by the rejected request");
        assert_eq!(cents(sandbox.member_balance("M-4")), 100);

        // More than two decimals would be rounded money: rejected as well.
        let (code, message, _) = business(
            client
                .mall_recharge(&recharge("1.234", "M-4", "MALL-6"))
                .await,
        );
        assert_eq!(code, "1000000400");
        assert!(message.contains("bal_amount"), "{message}");
    })
    .await;
}

#[tokio::test]
async fn a_missing_required_field_is_a_business_error_naming_the_field() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        // The typed request cannot omit a required field, so send untyped JSON.
        let result = client
            .runtime()
            .call_value(
                &jdy::endpoints::MALL_RECHARGE,
                json!({"bal_amount": "10.00", "source": 9, "src_bill_id": "MALL-7"}),
            )
            .await;
        let (code, message, _) = business(result);
        assert_eq!(code, "1000000400");
        assert!(message.contains("member_id"), "{message}");

        // `source` is an integer on the wire; the string "9" is a type error.
        let result = client
            .runtime()
            .call_value(
                &jdy::endpoints::MALL_RECHARGE,
                json!({"bal_amount": "10.00", "member_id": "M-5", "source": "9", "src_bill_id": "MALL-8"}),
            )
            .await;
        let (code, message, _) = business(result);
        assert_eq!(code, "1000000400");
        assert!(message.contains("source"), "{message}");
        assert_eq!(sandbox.applied_recharges(), 0);
    })
    .await;
}

/// The page examples of every endpoint, by operation: `(operation, request, response)`.
fn spec_examples() -> Vec<(String, Option<Value>, Option<Value>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec");
    let specs =
        retail_apis_codegen::load(&root).unwrap_or_else(|d| panic!("spec/ does not load:\n{d}"));
    let parse = |text: &Option<String>| {
        text.as_deref()
            .map(|t| serde_json::from_str::<Value>(t).expect("examples are valid JSON"))
    };
    specs
        .services
        .iter()
        .flat_map(|service| {
            service.endpoints.iter().flat_map(move |endpoint| {
                endpoint.examples.iter().map(move |example| {
                    (
                        format!("{}.{}", service.name, endpoint.operation),
                        parse(&example.request),
                        parse(&example.response),
                    )
                })
            })
        })
        .collect()
}

fn decode<T: serde::de::DeserializeOwned>(what: &str, value: &Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{what} does not decode: {e}\n{value:#}"))
}

/// The `data` of a JDY example response, after checking its envelope says success.
fn jdy_data(response: &Value) -> &Value {
    assert_eq!(response["errcode"], json!(0), "{response}");
    &response["data"]
}

#[test]
fn page_examples_decode_into_the_generated_types() {
    let mut seen = Vec::new();
    for (operation, request, response) in spec_examples() {
        let request = request.as_ref();
        let response = response.as_ref();
        match operation.as_str() {
            "jdy.mall_recharge" => {
                let req = request.expect("request example");
                let typed: jdy::MallRechargeRequest = decode(&operation, req);
                assert_eq!(typed.source, jdy::RechargeSource::Isv);
                assert_eq!(
                    typed.settle_entries.as_ref().map(|e| e[0].pay_type.clone()),
                    Some(jdy::PayType::MemberCard)
                );
                // The JDY types keep every field, so the example survives a round trip.
                assert_eq!(&serde_json::to_value(&typed).expect("encodes"), req);
                let data: jdy::MallRechargeResponse =
                    decode(&operation, jdy_data(response.expect("response example")));
                assert_eq!(data.bill_no.as_deref(), Some("001"));
                assert_eq!(data.inner_no.as_deref(), Some("普通门店"));
                assert!(data.extra.is_empty());
            }
            "jdy.mall_pre_write_off_cancel" => {
                let req = request.expect("request example");
                let typed: jdy::MallPreWriteOffCancelRequest = decode(&operation, req);
                let deals = typed.member_deals.clone().expect("member_deals");
                assert_eq!(
                    deals
                        .recharge_consume
                        .and_then(|c| c.amt)
                        .as_ref()
                        .map(runtime::Amount::as_str),
                    Some("30")
                );
                assert_eq!(
                    deals
                        .write_off_coupons
                        .and_then(|w| w.coupon_list)
                        .map(|l| l.len()),
                    Some(1)
                );
                assert_eq!(&serde_json::to_value(&typed).expect("encodes"), req);
                let data = jdy_data(response.expect("response example"));
                assert_eq!(data, &json!({}));
            }
            "jdy.refund_save" => {
                let req = request.expect("request example");
                let typed: jdy::RefundSaveRequest = decode(&operation, req);
                assert_eq!(typed.channel_order_no, None);
                assert_eq!(typed.service_group_name, None);
                assert_eq!(typed.refund_no, "10029");
                assert_eq!(&serde_json::to_value(&typed).expect("encodes"), req);
                let data: jdy::RefundSaveResponse =
                    decode(&operation, jdy_data(response.expect("response example")));
                assert_eq!(data.refund_no.as_deref(), Some("R10029"));
                assert_eq!(data.refund_status.as_deref(), Some("1SUCCESSd=false"));
            }
            "shoubei.coupon_write_off" => {
                let typed: shoubei::CouponWriteOffRequest =
                    decode(&operation, request.expect("request example"));
                // The page sends `couponCode` and the misspelt `writeOff_tyep`.
                assert_eq!(typed.coupon_code, "679533922928");
                assert_eq!(typed.write_off_type.as_deref(), Some("0"));
                assert_eq!(typed.channel_type, Some(shoubei::ChannelType::Dongfu));
                assert_eq!(
                    typed.sign.as_deref(),
                    Some("be7e74eef4015f9e87a3e5c480dc0c12")
                );
                let typed: shoubei::CouponWriteOffResponse =
                    decode(&operation, response.expect("response example"));
                // Documented as SUCCESS/FAIL, but the page's own example says "0205".
                assert_eq!(
                    typed.return_code,
                    shoubei::ReturnCode::Unknown("0205".to_owned())
                );
                assert_eq!(typed.result_code, Some(shoubei::ResultCode::Fail));
                assert_eq!(typed.return_msg, "券码已退款");
                assert_eq!(typed.order_no, None);
                assert_eq!(typed.settle_amount, None);
                assert_eq!(typed.codes, "679533922928");
                assert!(typed.extra.is_empty(), "{:?}", typed.extra);
            }
            // Endpoints added later have no typed assertions here; their examples were
            // still parsed as JSON above.
            _ => continue,
        }
        seen.push(operation);
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "jdy.mall_pre_write_off_cancel",
            "jdy.mall_recharge",
            "jdy.refund_save",
            "shoubei.coupon_write_off"
        ]
    );
}

#[tokio::test]
async fn the_jdy_page_examples_are_accepted_by_the_sandbox() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = jdy_client(&sandbox.base_url());
        for (operation, request, _) in spec_examples() {
            let Some(request) = request else { continue };
            match operation.as_str() {
                "jdy.mall_recharge" => {
                    let typed: jdy::MallRechargeRequest = decode(&operation, &request);
                    client
                        .mall_recharge(&typed)
                        .await
                        .expect("mall_recharge example");
                }
                "jdy.mall_pre_write_off_cancel" => {
                    let typed: jdy::MallPreWriteOffCancelRequest = decode(&operation, &request);
                    client
                        .mall_pre_write_off_cancel(&typed)
                        .await
                        .expect("mall_pre_write_off_cancel example");
                }
                "jdy.refund_save" => {
                    let typed: jdy::RefundSaveRequest = decode(&operation, &request);
                    client
                        .refund_save(&typed)
                        .await
                        .expect("refund_save example");
                }
                _ => {}
            }
        }
        // mall_recharge's example recharges "001" (1.00) to member "10"; the cancel example
        // gives 30 back to member "1333333333".
        assert_eq!(cents(sandbox.member_balance("10")), 100);
        assert_eq!(cents(sandbox.member_balance("1333333333")), 3000);
        assert_eq!(sandbox.refund_count(), 1);
    })
    .await;
}
