//! A tour of the generated clients against the local sandbox gateway: no credentials, no
//! internet. Starts the sandbox in-process on a free loopback port, then calls every
//! operation of both services through the typed clients, printing each step.
//!
//! Run with `cargo run --example tour`.

use std::net::SocketAddr;

use retail_apis::runtime::jdy::JdyConfig;
use retail_apis::runtime::shoubei::ShoubeiConfig;
use retail_apis::runtime::{Amount, Error, Secret};
use retail_apis::{jdy, shoubei};
use retail_apis_sandbox::{config as sandbox_creds, Sandbox, SandboxConfig, SandboxHandle};

/// The member whose balance the JDY steps change.
const MEMBER: &str = "M-10001";

/// Every step's failure ends the tour with its message.
type Tour<T = ()> = Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> Tour {
    let sandbox = Sandbox::from_files(retail_apis::SPEC_FILES, SandboxConfig::default())?;
    let handle = sandbox.start(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let base_url = handle.base_url();
    println!("1. sandbox gateway listening on {base_url}");
    println!("   operations: {}", handle.operations().join(", "));

    let jdy = jdy::Client::new(jdy_config(&base_url, sandbox_creds::CLIENT_SECRET))?;
    let shoubei =
        shoubei::Client::new(ShoubeiConfig::new(sandbox_creds::SHOUBEI_KEY).base_url(&base_url))?;
    println!("2. clients ready (secrets print as {:?})", Secret::new("x"));

    let recharge = recharge_twice(&jdy, &handle).await?;
    cancel_pre_write_off(&jdy, &handle).await?;
    save_refund(&jdy).await?;
    write_off_coupon_twice(&shoubei).await?;
    wrong_client_secret(&base_url, &recharge).await?;

    handle.shutdown().await?;
    println!("8. sandbox stopped; tour complete");
    Ok(())
}

/// The JDY configuration the sandbox accepts, with `client_secret`.
fn jdy_config(base_url: &str, client_secret: &str) -> JdyConfig {
    JdyConfig::new(
        sandbox_creds::CLIENT_ID,
        client_secret,
        sandbox_creds::APP_KEY,
        sandbox_creds::APP_SECRET,
        sandbox_creds::DOMAIN,
    )
    .base_url(base_url)
}

/// 会员充值, twice with the same `src_bill_id`: the first call also fetches the
/// app-token, the second is answered from the first.
async fn recharge_twice(
    jdy: &jdy::Client,
    handle: &SandboxHandle,
) -> Tour<jdy::MallRechargeRequest> {
    let member = MEMBER;
    // Amounts are decimals sent as the vendor's strings; text is parsed, and refused
    // here, before anything is sent.
    let amount: Amount = "100.50".parse()?;
    let recharge = jdy::MallRechargeRequest::new(
        amount.clone(),
        member,
        jdy::RechargeSource::Isv,
        "MALL-0001",
    )
    .store_id("850693217107061760")
    .settle_entries(vec![jdy::SettleEntries::new(jdy::PayType::Wechat, amount)]);
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
    Ok(recharge)
}

/// 反预核销: give back a stored-value consumption.
async fn cancel_pre_write_off(jdy: &jdy::Client, handle: &SandboxHandle) -> Tour {
    let member = MEMBER;
    let cancel = jdy::MallPreWriteOffCancelRequest::new(member, "PRE-0001").member_deals(
        jdy::MemberDeals::new()
            .recharge_consume(jdy::RechargeConsume::new().amt("20.00".parse::<Amount>()?)),
    );
    let data = jdy.mall_pre_write_off_cancel(&cancel).await?;
    println!(
        "4. jdy.mall_pre_write_off_cancel → data {data}; balance of {member} is now {}",
        handle.member_balance(member)
    );
    Ok(())
}

/// 零售退款保存: the page marks channel_order_no required but its example sends null.
async fn save_refund(jdy: &jdy::Client) -> Tour {
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
    .refund_amount(5000)
    .refund_desc("客户退货。发起部分退款。");
    let refunded = jdy.refund_save(&refund).await?;
    println!(
        "5. jdy.refund_save → refund_no {:?}, status {:?}",
        refunded.refund_no, refunded.refund_status
    );
    Ok(())
}

/// 核销: the client fills in and verifies the MD5 `sign`; a coupon is written off once.
async fn write_off_coupon_twice(shoubei: &shoubei::Client) -> Tour {
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
            println!("   the same coupon again → business error {code}: {message}");
            Ok(())
        }
        other => Err(format!("a coupon was written off twice: {other:?}").into()),
    }
}

/// A wrong client secret is caught by the gateway with a typed error.
async fn wrong_client_secret(base_url: &str, recharge: &jdy::MallRechargeRequest) -> Tour {
    let wrong = jdy::Client::new(jdy_config(base_url, "not-the-secret"))?;
    match wrong.mall_recharge(recharge).await {
        Err(error @ Error::Gateway { .. }) => {
            println!("7. wrong client secret → {error}");
            Ok(())
        }
        other => Err(format!("expected a gateway rejection, got {other:?}").into()),
    }
}
