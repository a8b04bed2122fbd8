//! A tour of the generated clients against the local sandbox gateway: no credentials, no
//! internet. Starts the sandbox in-process on a free loopback port, then calls every
//! operation of both services through the typed clients, printing each step.
//!
//! Run with `cargo run --example tour`.

use std::net::SocketAddr;

use retail_apis::runtime::jdy::JdyConfig;
use retail_apis::runtime::shoubei::ShoubeiConfig;
use retail_apis::runtime::{Error, Secret, TransportConfig};
use retail_apis::{jdy, shoubei};
use retail_apis_sandbox::{config as sandbox_creds, Sandbox, SandboxConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::from_files(retail_apis::SPEC_FILES, SandboxConfig::default())?;
    let handle = sandbox.start(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let base_url = handle.base_url();
    println!("1. sandbox gateway listening on {base_url}");
    println!("   operations: {}", handle.operations().join(", "));

    let jdy = jdy::Client::new(JdyConfig {
        base_url: Some(base_url.clone()),
        client_id: sandbox_creds::CLIENT_ID.to_owned(),
        client_secret: Secret::new(sandbox_creds::CLIENT_SECRET),
        app_key: sandbox_creds::APP_KEY.to_owned(),
        app_secret: Secret::new(sandbox_creds::APP_SECRET),
        domain: sandbox_creds::DOMAIN.to_owned(),
        transport: TransportConfig::default(),
    })?;
    let shoubei = shoubei::Client::new(ShoubeiConfig {
        base_url: Some(base_url.clone()),
        key: Secret::new(sandbox_creds::SHOUBEI_KEY),
        transport: TransportConfig::default(),
    })?;
    println!("2. clients ready (secrets print as {:?})", Secret::new("x"));

    // 会员充值: the first call also fetches the app-token.
    let member = "M-10001";
    let recharge =
        jdy::MallRechargeRequest::new("100.50", member, jdy::RechargeSource::Isv, "MALL-0001")
            .store_id("850693217107061760")
            .settle_entries(vec![jdy::SettleEntries::new(
                jdy::PayType::Wechat,
                "100.50",
            )]);
    let bill = jdy.mall_recharge(&recharge).await?;
    println!(
        "3. jdy.mall_recharge → bill_no {:?}, id {:?}; balance of {member} is now {}",
        bill.bill_no,
        bill.id,
        handle.member_balance(member)
    );
    let again = jdy.mall_recharge(&recharge).await?;
    println!(
        "   same src_bill_id again → bill_no {:?} (the sandbox answers from the first); balance still {}, token fetches: {}",
        again.bill_no,
        handle.member_balance(member),
        jdy.runtime().token_fetches()
    );

    // 反预核销: give back a stored-value consumption.
    let cancel = jdy::MallPreWriteOffCancelRequest::new(member, "PRE-0001").member_deals(
        jdy::MemberDeals::new().recharge_consume(jdy::RechargeConsume::new().amt("20.00")),
    );
    let data = jdy.mall_pre_write_off_cancel(&cancel).await?;
    println!(
        "4. jdy.mall_pre_write_off_cancel → data {data}; balance of {member} is now {}",
        handle.member_balance(member)
    );

    // 零售退款保存: the page marks channel_order_no required but its example sends null.
    let refund = jdy::RefundSaveRequest::new(
        None,
        "pay.refund",
        "M1001",
        "R-0001",
        None,
        "1",
        "127.0.0.1",
        "0002",
    )
    .refund_amount("5000")
    .refund_desc("客户退货。发起部分退款。");
    let refunded = jdy.refund_save(&refund).await?;
    println!(
        "5. jdy.refund_save → refund_no {:?}, status {:?}",
        refunded.refund_no, refunded.refund_status
    );

    // 核销: the client fills in and verifies the MD5 `sign`.
    let write_off = shoubei::CouponWriteOffRequest::new(
        sandbox_creds::SHOUBEI_INST_NO,
        "851811130002",
        "862010110001",
        "20261125120000",
        "679533922928",
    )
    .wf_trace_no("T-0001")
    .channel_type(shoubei::ChannelType::Dongfu);
    let written = shoubei.coupon_write_off(&write_off).await?;
    println!(
        "6. shoubei.coupon_write_off → order_no {:?}, amount {:?}, settle_amount {:?}",
        written.order_no, written.amount, written.settle_amount
    );
    match shoubei.coupon_write_off(&write_off).await {
        Err(Error::Business { code, message, .. }) => {
            println!("   the same coupon again → business error {code}: {message}")
        }
        other => return Err(format!("a coupon was written off twice: {other:?}").into()),
    }

    // A wrong client secret is caught by the gateway with a typed error.
    let wrong = jdy::Client::new(JdyConfig {
        base_url: Some(base_url),
        client_id: sandbox_creds::CLIENT_ID.to_owned(),
        client_secret: Secret::new("not-the-secret"),
        app_key: sandbox_creds::APP_KEY.to_owned(),
        app_secret: Secret::new(sandbox_creds::APP_SECRET),
        domain: sandbox_creds::DOMAIN.to_owned(),
        transport: TransportConfig::default(),
    })?;
    match wrong.mall_recharge(&recharge).await {
        Err(error @ Error::Gateway { .. }) => println!("7. wrong client secret → {error}"),
        other => return Err(format!("expected a gateway rejection, got {other:?}").into()),
    }

    handle.shutdown().await?;
    println!("8. sandbox stopped; tour complete");
    Ok(())
}
