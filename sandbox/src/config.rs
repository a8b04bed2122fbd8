//! Sandbox configuration, the fixed, documented sandbox credentials and the banner that
//! prints them.

use std::time::Duration;

use crate::amount::Amount;
use crate::coupon_state::CouponState;

/// A JDY client configuration with the sandbox's credentials, for a sandbox at `base_url`.
pub fn jdy_client_config(base_url: impl Into<String>) -> retail_apis_runtime::jdy::JdyConfig {
    retail_apis_runtime::jdy::JdyConfig::new(CLIENT_ID, CLIENT_SECRET, APP_KEY, APP_SECRET, DOMAIN)
        .base_url(base_url)
}

/// `X-Api-ClientID` the sandbox accepts (the page examples use the same id).
pub const CLIENT_ID: &str = "205022";
/// HMAC key of the gateway signature.
pub const CLIENT_SECRET: &str = "sandbox-client-secret";
/// `app_key` accepted by the token endpoint.
pub const APP_KEY: &str = "sandbox-app-key";
/// Secret behind `app_signature`.
pub const APP_SECRET: &str = "sandbox-app-secret";
/// Tenant domain: the `X-GW-Router-Addr` the default tenant's tokens are accepted with
/// (the page examples use the same value).
pub const DOMAIN: &str = "https://tf.jdy.com";
/// `outerInstanceId` of the default tenant, for `push_app_authorize`.
pub const OUTER_INSTANCE_ID: &str = "sandbox-instance";
/// Shoubei institution number (`inst_no`), as in the page's parameter table.
pub const SHOUBEI_INST_NO: &str = "900024";
/// Shoubei institution key for the MD5 `sign`.
pub const SHOUBEI_KEY: &str = "sandbox-shoubei-key";
/// Token of static bearer services.
pub const BEARER_TOKEN: &str = "sandbox-bearer-token";

/// Default request body limit (1 MiB); larger bodies get HTTP 413.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// Default [`SandboxConfig::header_read_timeout`]: 10 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default [`SandboxConfig::body_read_timeout`]: 30 s, ample for a 1 MiB body.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default [`SandboxConfig::write_timeout`]: 30 s.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Default [`SandboxConfig::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Default [`SandboxConfig::request_log_capacity`].
pub const DEFAULT_REQUEST_LOG_CAPACITY: usize = 200;

/// Credentials the sandbox accepts. These are not secrets: they only open the sandbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxCredentials {
    /// JDY `X-Api-ClientID`.
    pub client_id: String,
    /// JDY gateway HMAC key.
    pub client_secret: String,
    /// JDY `app_key`.
    pub app_key: String,
    /// JDY `app_secret`.
    pub app_secret: String,
    /// JDY tenant domain (`X-GW-Router-Addr`).
    pub domain: String,
    /// JDY `outerInstanceId` of the tenant above, for `push_app_authorize`.
    pub outer_instance_id: String,
    /// Shoubei `inst_no`.
    pub shoubei_inst_no: String,
    /// Shoubei MD5 key.
    pub shoubei_key: String,
    /// Token of static bearer services.
    pub bearer_token: String,
}

impl Default for SandboxCredentials {
    fn default() -> Self {
        SandboxCredentials {
            client_id: CLIENT_ID.to_owned(),
            client_secret: CLIENT_SECRET.to_owned(),
            app_key: APP_KEY.to_owned(),
            app_secret: APP_SECRET.to_owned(),
            domain: DOMAIN.to_owned(),
            outer_instance_id: OUTER_INSTANCE_ID.to_owned(),
            shoubei_inst_no: SHOUBEI_INST_NO.to_owned(),
            shoubei_key: SHOUBEI_KEY.to_owned(),
            bearer_token: BEARER_TOKEN.to_owned(),
        }
    }
}

impl SandboxCredentials {
    /// The JDY tenant these credentials name (the default tenant).
    pub fn default_tenant(&self) -> SandboxTenant {
        SandboxTenant::new(
            &self.outer_instance_id,
            &self.app_key,
            &self.app_secret,
            &self.domain,
        )
    }
}

/// A JDY tenant (one shop of the ISV): its app credentials and domain, under the ISV's
/// client id and secret. Not secrets: they only open the sandbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxTenant {
    /// `outerInstanceId` that `push_app_authorize` answers for.
    pub outer_instance_id: String,
    /// `app_key` of the token request.
    pub app_key: String,
    /// Secret behind `app_signature`.
    pub app_secret: String,
    /// The `X-GW-Router-Addr` the tenant's tokens are accepted with.
    pub domain: String,
}

impl SandboxTenant {
    /// A tenant with these values.
    pub fn new(outer_instance_id: &str, app_key: &str, app_secret: &str, domain: &str) -> Self {
        SandboxTenant {
            outer_instance_id: outer_instance_id.to_owned(),
            app_key: app_key.to_owned(),
            app_secret: app_secret.to_owned(),
            domain: domain.to_owned(),
        }
    }
}

/// How a JDY call with an expired app-token is answered. The real platform has been seen
/// doing both, and clients must handle both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExpiredTokenAnswer {
    /// Gateway rejection: HTTP 519 with the spec's `token_expired` code (4011).
    #[default]
    Gateway,
    /// Business error: HTTP 200 with the spec's `jwt_token_expired` code (1000202001).
    Business,
}

/// A Shoubei coupon known to the sandbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedCoupon {
    /// Coupon code (`coupon_code`).
    pub code: String,
    /// Face value in cents (`amount` of the answer).
    pub amount_cents: u64,
    /// What the merchant receives, in cents (`settle_amount`).
    pub settle_amount_cents: u64,
    /// Initial state.
    pub state: CouponState,
}

impl SeedCoupon {
    /// An available coupon.
    pub fn available(code: &str, amount_cents: u64, settle_amount_cents: u64) -> SeedCoupon {
        SeedCoupon {
            code: code.to_owned(),
            amount_cents,
            settle_amount_cents,
            state: CouponState::Available,
        }
    }
}

/// The coupons of [`SandboxConfig::default`]: the page's example code and a few more.
/// `679533922931` starts refunded, so its write-off fails like the page's example (0205).
pub fn default_coupons() -> Vec<SeedCoupon> {
    vec![
        SeedCoupon::available("679533922928", 1000, 950),
        SeedCoupon::available("679533922929", 500, 475),
        SeedCoupon::available("679533922930", 2000, 1900),
        SeedCoupon {
            state: CouponState::Refunded,
            ..SeedCoupon::available("679533922931", 1000, 950)
        },
    ]
}

/// Everything configurable about a sandbox.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Accepted credentials.
    pub credentials: SandboxCredentials,
    /// JDY tenants besides the default one of `credentials`, known from the start; more
    /// can be added while the sandbox runs (`SandboxControl::add_tenant`).
    pub tenants: Vec<SandboxTenant>,
    /// Lifetime of issued app-tokens; `None` uses the spec's `ttl_secs`.
    pub token_ttl: Option<Duration>,
    /// How an expired app-token is answered.
    pub expired_token_answer: ExpiredTokenAnswer,
    /// Shoubei coupons.
    pub coupons: Vec<SeedCoupon>,
    /// Initial member balances (`member_id`, amount); unknown members start at zero.
    pub balances: Vec<(String, Amount)>,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// How long a client has to send a request line and its headers, counted from the
    /// connection's start or from the previous answer. A connection that misses it is
    /// closed, so this is also how long an idle keep-alive connection stays open.
    pub header_read_timeout: Duration,
    /// How long a client has, once the headers arrived, to send the whole body. A late body
    /// is answered HTTP 408 and the connection closed.
    pub body_read_timeout: Duration,
    /// How long writing an answer may make no progress because the client does not read
    /// it; the connection is then closed.
    pub write_timeout: Duration,
    /// Most connections served at once. Further connections wait in the listen backlog
    /// and are accepted as served ones close; 0 counts as 1.
    pub max_connections: usize,
    /// Accept, with a warning in the request log, what other Kingdee SDKs send where the
    /// signed bytes stay unambiguous: `X-Api-SignHeaders` in another order, case or
    /// spacing, a charset on `Content-Type`, no `X-GW-Router-Addr`. Off: the pages are
    /// enforced. A timestamp in seconds is refused either way.
    pub tolerant: bool,
    /// How many recent requests the request log keeps (the inspector page and
    /// `/_sandbox/requests`); 0 records none.
    pub request_log_capacity: usize,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            credentials: SandboxCredentials::default(),
            tenants: Vec::new(),
            token_ttl: None,
            expired_token_answer: ExpiredTokenAnswer::default(),
            coupons: default_coupons(),
            balances: Vec::new(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            tolerant: false,
            request_log_capacity: DEFAULT_REQUEST_LOG_CAPACITY,
        }
    }
}

/// What `serve` prints: the credentials to configure a client with. `{base_url}` is
/// replaced by the listening address.
pub(crate) fn banner(config: &SandboxConfig) -> String {
    let c = &config.credentials;
    format!(
        "Sandbox credentials (fixed, not secrets):\n\
         \x20 JDY_BASE_URL={{base_url}}\n\
         \x20 JDY_CLIENT_ID={}\n\
         \x20 JDY_CLIENT_SECRET={}\n\
         \x20 JDY_APP_KEY={}\n\
         \x20 JDY_APP_SECRET={}\n\
         \x20 JDY_DOMAIN={}\n\
         \x20 JDY_OUTER_INSTANCE_ID={}\n\
         \x20 SHOUBEI_BASE_URL={{base_url}}\n\
         \x20 SHOUBEI_INST_NO={}\n\
         \x20 SHOUBEI_KEY={}",
        c.client_id,
        c.client_secret,
        c.app_key,
        c.app_secret,
        c.domain,
        c.outer_instance_id,
        c.shoubei_inst_no,
        c.shoubei_key
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_banner_names_every_credential() {
        let banner = super::banner(&super::SandboxConfig::default());
        for value in [
            super::CLIENT_ID,
            super::CLIENT_SECRET,
            super::APP_KEY,
            super::APP_SECRET,
            super::DOMAIN,
            super::OUTER_INSTANCE_ID,
            super::SHOUBEI_INST_NO,
            super::SHOUBEI_KEY,
        ] {
            assert!(banner.contains(value), "{value} missing from {banner}");
        }
        assert!(banner.contains("JDY_BASE_URL={base_url}"));
    }
}
