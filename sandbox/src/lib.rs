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
//! Every exchange is recorded, secrets masked, in a bounded request log: a page at the
//! sandbox root shows it (headers, body, the string to sign with the expected and received
//! signature, the first failed check, the answer), `/_sandbox/requests` serves it as JSON
//! and [`SandboxControl::requests`] returns it. [`SandboxConfig::tolerant`] accepts, with a
//! warning, what other Kingdee SDKs send where the signed bytes are unambiguous.
//!
//! See the crate's README for the checks, the state rules and the codes it answers.
//!
//! # Module dependencies
//!
//! Each module uses only modules on the lines below its own, so the configuration and the
//! plain data types can be read (and changed) without the state or the server; a test fails
//! on any import circle.
//!
//! ```text
//! server          accept loop, routing, applying faults, recording each exchange
//! inspector       the request log page, the state page and their JSON API
//! control         SandboxControl and Faults: inspecting and steering a running sandbox
//! recording       one answered request as a request log entry, secrets masked
//! shared          the specs, config, route table, scheme servers, request log and
//!                 locked state
//! routes          the route table (scheme_server, target)
//! schemes         the one choice of a scheme server per service
//! jdy, shoubei, bearer
//!                 each scheme's checks and business logic, given a scheme_server::Context
//! scheme_server   the SchemeServer trait and its Context (config, state)
//! state           the mutable world: clock, tokens, nonces, balances, bills, queued faults
//! tenants         the JDY tenants: app credentials and domains (config)
//! connections     (config, memory, write_deadline)
//! config          SandboxConfig, credentials, seed coupons (amount, coupon_state)
//! synth (envelope), content_type (reply)
//! journal         the ring of recorded requests (trace)
//! incoming, reply, content_type, signing (trace)
//! leaves: amount, coupon_state, faults, error, envelope, signing, target, trace,
//!         validate, memory, write_deadline
//! ```

mod amount;
mod bearer;
pub mod config;
mod connections;
mod content_type;
mod control;
mod coupon_state;
mod envelope;
mod error;
mod faults;
mod incoming;
mod inspector;
mod jdy;
mod journal;
mod memory;
mod recording;
mod reply;
mod routes;
mod scheme_server;
mod schemes;
mod server;
mod shared;
mod shoubei;
mod signing;
mod state;
mod synth;
mod target;
mod tenants;
mod trace;
mod validate;
mod write_deadline;

pub use amount::Amount;
pub use config::{
    ExpiredTokenAnswer, SandboxConfig, SandboxCredentials, SandboxTenant, SeedCoupon,
};
pub use control::{Faults, SandboxControl};
pub use coupon_state::CouponState;
pub use error::SandboxError;
pub use faults::Fault;
pub use inspector::PREFIX as INSPECTOR_PREFIX;
pub use jdy::{AUTHORIZE_OPERATION, TOKEN_OPERATION};
pub use journal::{RecordedBody, RecordedRequest, RecordedResponse, Verdict, RECORDED_BODY_BYTES};
pub use server::{serve, Sandbox, SandboxHandle};
pub use trace::{Check, SignatureEvidence};

// `server` prints the banner as `crate::banner`.
use config::banner;
