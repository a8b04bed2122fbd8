//! The life of a Shoubei coupon. Plain data with no crate imports, so the configuration
//! can seed coupons without knowing the state that later changes them.

/// State of a Shoubei coupon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CouponState {
    /// Can be written off.
    Available,
    /// Written off once; `order_no` is the write-off record number that was answered.
    WrittenOff {
        /// Write-off record number (`order_no`).
        order_no: String,
    },
    /// Refunded by the channel; a write-off fails with the spec's `coupon_refunded` code.
    Refunded,
}
