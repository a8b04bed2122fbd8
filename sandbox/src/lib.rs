//! A local gateway that serves every endpoint of the retail-apis specs, for tests and
//! demos, with no credentials and no internet.
//!
//! Kingdee JDY services get the gateway's checks (timestamp window, signing headers,
//! HMAC signature over method, path and query, nonce replay, app-token, tenant routing),
//! the token endpoint and the `{errcode, description, data}` envelope; Shoubei services
//! get the MD5 body `sign` check and flat, signed answers. Request bodies are validated
//! against the spec's request types. A few operations keep realistic state (balances,
//! idempotent bills, one-time coupons); every other endpoint answers synthesised data,
//! so a new endpoint file is served without code changes.
//!
//! ```no_run
//! # async fn demo(specs: retail_apis_codegen::model::SpecSet) -> Result<(), retail_apis_sandbox::SandboxError> {
//! use retail_apis_sandbox::{Fault, Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::new(specs, SandboxConfig::default())
//!     .start("127.0.0.1:0".parse().expect("literal address"))
//!     .await?;
//! sandbox.faults().inject("jdy.mall_recharge", Fault::service_unavailable())?;
//! // ... point a client at sandbox.base_url() with the credentials in `config` ...
//! assert_eq!(sandbox.request_count("jdy.mall_recharge"), 0);
//! sandbox.shutdown().await?;
//! # Ok(()) }
//! ```
//!
//! See the crate's README for the checks, the state rules and the codes it answers.

mod amount;
mod bearer;
pub mod config;
mod connections;
mod content_type;
mod control;
mod envelope;
mod error;
mod faults;
mod incoming;
mod jdy;
mod memory;
mod reply;
mod routes;
mod schemes;
mod server;
mod shared;
mod shoubei;
mod signing;
mod state;
mod synth;
mod validate;
mod write_deadline;

pub use amount::Amount;
pub use config::{ExpiredTokenAnswer, SandboxConfig, SandboxCredentials, SeedCoupon};
pub use control::SandboxControl;
pub use error::SandboxError;
pub use faults::{Fault, Faults};
pub use jdy::TOKEN_OPERATION;
pub use server::{serve, Sandbox, SandboxHandle};
pub use state::CouponState;

/// What `serve` prints: the credentials to configure a client with. `{base_url}` is
/// replaced by the listening address.
fn banner(config: &SandboxConfig) -> String {
    let c = &config.credentials;
    format!(
        "Sandbox credentials (fixed, not secrets):\n\
         \x20 JDY_BASE_URL={{base_url}}\n\
         \x20 JDY_CLIENT_ID={}\n\
         \x20 JDY_CLIENT_SECRET={}\n\
         \x20 JDY_APP_KEY={}\n\
         \x20 JDY_APP_SECRET={}\n\
         \x20 JDY_DOMAIN={}\n\
         \x20 SHOUBEI_BASE_URL={{base_url}}\n\
         \x20 SHOUBEI_INST_NO={}\n\
         \x20 SHOUBEI_KEY={}",
        c.client_id,
        c.client_secret,
        c.app_key,
        c.app_secret,
        c.domain,
        c.shoubei_inst_no,
        c.shoubei_key
    )
}

#[cfg(test)]
mod tests {
    use super::config;

    #[test]
    fn the_banner_names_every_credential() {
        let banner = super::banner(&super::SandboxConfig::default());
        for value in [
            config::CLIENT_ID,
            config::CLIENT_SECRET,
            config::APP_KEY,
            config::APP_SECRET,
            config::DOMAIN,
            config::SHOUBEI_INST_NO,
            config::SHOUBEI_KEY,
        ] {
            assert!(banner.contains(value), "{value} missing from {banner}");
        }
        assert!(banner.contains("JDY_BASE_URL={base_url}"));
    }
}
