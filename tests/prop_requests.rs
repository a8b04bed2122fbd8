//! Generated request types serialise to JSON the sandbox accepts: random values within
//! the spec's types and lengths, sent through the generated clients, pass the sandbox's
//! validation of the body against the same spec.

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use retail_apis::runtime::{Amount, Error};
use retail_apis::{jdy, shoubei};
use retail_apis_sandbox::SandboxHandle;

struct Harness {
    rt: tokio::runtime::Runtime,
    sandbox: SandboxHandle,
    jdy: jdy::Client,
    shoubei: shoubei::Client,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
        let sandbox = rt.block_on(common::start_sandbox());
        let jdy = common::jdy_client(&sandbox.base_url());
        let shoubei = common::shoubei_client(&sandbox.base_url());
        Harness {
            rt,
            sandbox,
            jdy,
            shoubei,
        }
    })
}

/// Text as vendors send it: ASCII, Chinese and punctuation.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[a-zA-Z0-9\u{4e00}-\u{4e50} _.:/-]{{1,{max}}}"))
        .expect("valid regex")
}

fn amount() -> impl Strategy<Value = Amount> {
    (1u32..1_000_000, 0u32..100).prop_map(|(whole, cents)| {
        Amount::new(format!("{whole}.{cents:02}")).expect("a decimal amount")
    })
}

/// Whole amounts of up to `digits` digits, leading zeros included (`"007"`).
fn whole_amount(digits: &'static str) -> impl Strategy<Value = Amount> {
    digits.prop_map(|text| Amount::new(text).expect("digits are an amount"))
}

fn pay_type() -> impl Strategy<Value = jdy::PayType> {
    prop_oneof![
        Just(jdy::PayType::Wechat),
        Just(jdy::PayType::Alipay),
        Just(jdy::PayType::MemberCard),
        "[3-8][0-9]".prop_map(jdy::PayType::Unknown),
    ]
}

prop_compose! {
    fn recharge()(
        amount in amount(),
        member in text(24),
        bill in "[A-Z0-9]{8,20}",
        store in proptest::option::of("[0-9]{1,18}"),
        date in proptest::option::of(Just("2026-11-25 10:00:00".to_owned())),
        entries in proptest::option::of(prop::collection::vec((pay_type(), amount()), 0..4)),
    ) -> jdy::MallRechargeRequest {
        let mut request = jdy::MallRechargeRequest::new(amount, member, jdy::RechargeSource::Isv, bill);
        if let Some(store) = store { request = request.store_id(store); }
        if let Some(date) = date { request = request.bill_date(date); }
        if let Some(entries) = entries {
            request = request.settle_entries(
                entries.into_iter().map(|(t, a)| jdy::SettleEntries::new(t, a)).collect(),
            );
        }
        request
    }
}

prop_compose! {
    fn refund()(
        channel in proptest::option::of(text(32)),
        cmd in text(20),
        mch in text(16),
        no in "[A-Z0-9]{8,24}",
        group in proptest::option::of(text(16)),
        desc in proptest::option::of(text(60)),
        amount in proptest::option::of(whole_amount("[0-9]{1,8}")),
    ) -> jdy::RefundSaveRequest {
        let mut request = jdy::RefundSaveRequest::new(channel, cmd, mch, no, group, "1", "10.0.0.1", "T1");
        if let Some(desc) = desc { request = request.refund_desc(desc); }
        if let Some(amount) = amount { request = request.refund_amount(amount); }
        request
    }
}

prop_compose! {
    fn write_off()(
        merchant in "[0-9]{1,32}",
        shop in "[0-9]{1,32}",
        code in "[0-9]{6,16}",
        trace in proptest::option::of("[a-f0-9]{1,32}"),
        channel in proptest::option::of(prop_oneof![
            Just(shoubei::ChannelType::Dongfu),
            Just(shoubei::ChannelType::Meituan),
            "1[0-9]{4}".prop_map(shoubei::ChannelType::Unknown),
        ]),
        real in proptest::option::of(whole_amount("[0-9]{1,16}")),
    ) -> shoubei::CouponWriteOffRequest {
        let mut request = shoubei::CouponWriteOffRequest::new(
            retail_apis_sandbox::config::SHOUBEI_INST_NO, merchant, shop, "20261125120000", code,
        );
        if let Some(trace) = trace { request = request.wf_trace_no(trace); }
        if let Some(channel) = channel { request = request.channel_type(channel); }
        if let Some(real) = real { request = request.real_amount(real); }
        request
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn recharges_are_accepted(request in recharge()) {
        let h = harness();
        let before = h.sandbox.member_balance(&request.member_id);
        let result = h.rt.block_on(h.jdy.mall_recharge(&request));
        prop_assert!(result.is_ok(), "{request:?} → {result:?}");
        prop_assert!(h.sandbox.member_balance(&request.member_id) >= before);
    }

    #[test]
    fn refunds_are_accepted(request in refund()) {
        let h = harness();
        let result = h.rt.block_on(h.jdy.refund_save(&request));
        prop_assert!(result.is_ok(), "{request:?} → {result:?}");
    }

    #[test]
    fn write_offs_pass_body_validation(request in write_off()) {
        let h = harness();
        // Random coupon codes are unknown to the sandbox, so the business answer may be a
        // failure; what must never happen is a rejection of the body itself.
        match h.rt.block_on(h.shoubei.coupon_write_off(&request)) {
            Ok(_) => {}
            Err(Error::Business { code, message, .. }) => {
                prop_assert_ne!(code.as_str(), "0001", "body rejected: {}", message);
            }
            Err(other) => prop_assert!(false, "{request:?} → {other:?}"),
        }
    }
}
