//! The generated clients send the `Content-Type` the specs require; the sandbox, which
//! refuses bodies of another type, accepts their calls.

mod common;

use common::{bounded, jdy_client, recharge, shoubei_client, start_sandbox, write_off};
use retail_apis::shoubei;
use retail_apis_sandbox::CouponState;

#[tokio::test]
async fn the_real_clients_pass_the_content_type_check() {
    bounded(async {
        let sandbox = start_sandbox().await;

        // The same sandbox refuses an untyped body on the path the Shoubei client uses.
        let untyped = common::http()
            .post(format!(
                "{}{}",
                sandbox.base_url(),
                shoubei::endpoints::COUPON_WRITE_OFF.path
            ))
            .body("{}")
            .send()
            .await
            .expect("loopback request");
        assert_eq!(untyped.status().as_u16(), 415);

        jdy_client(&sandbox.base_url())
            .mall_recharge(&recharge("1.00", "M-CT", "CT-1"))
            .await
            .expect("the JDY client's recharge is accepted");
        assert_eq!(sandbox.applied_recharges(), 1);

        let written = shoubei_client(&sandbox.base_url())
            .coupon_write_off(&write_off(common::COUPON_B))
            .await
            .expect("the Shoubei client's write-off is accepted");
        assert_eq!(written.return_code, shoubei::ReturnCode::Success);
        assert!(matches!(
            sandbox.coupon_state(common::COUPON_B),
            Some(CouponState::WrittenOff { .. })
        ));
    })
    .await;
}
