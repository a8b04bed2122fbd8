//! Signing and transport for the generated retail-apis clients.
//!
//! - [`jdy`]: Kingdee JDY gateway signature, app-token cache, [`jdy::JdyClient`].
//! - [`shoubei`]: Shoubei MD5 body signature, [`shoubei::ShoubeiClient`].
//! - [`Error`]: the one error type; [`Secret`]: credentials that never print.
//! - [`Amount`]: decimal amounts, sent as the vendors' JSON strings.
//! - [`TransportConfig`]: timeouts, retries, the call deadline and limits; [`RateLimit`]
//!   and [`RateLimiter`]: client-side rate limits, per process or shared through Redis.
//! - [`Client`]: the one client skeleton (transport, retries, envelope, interceptors),
//!   generic over a [`Scheme`]; [`schemes`] lists the schemes by their spec names.
//!
//! Everything service-specific (envelopes, error codes, signing parameters) comes from
//! the static [`ServiceDescriptor`]s that generated code declares.

mod amount;
mod base_url;
pub mod bearer;
pub mod client;
pub mod codec;
pub mod descriptor;
mod env;
mod envelope;
mod error;
mod hash_writer;
mod hex;
pub mod jdy;
mod ratelimit;
mod raw_object;
mod secret;
pub mod shoubei;
pub mod tls;
mod transport;

pub mod schemes;

pub use amount::{Amount, AmountError, Decimal};
pub use client::{
    CallInfo, Client, ClientConfig, Interceptor, Recovery, Request, Response, Scheme,
};
pub use descriptor::*;
pub use error::{snippet, Error, Waiting, SNIPPET_LIMIT};
#[cfg(feature = "redis")]
pub use ratelimit::RedisRateLimiter;
pub use ratelimit::{LocalRateLimiter, RateLimit, RateLimiter, Reservation, ReserveFuture};
pub use raw_object::{NotAnObject, RawObject};
pub use secret::Secret;
pub use transport::{TransportConfig, MAX_RETRY_AFTER};

/// The HTTP client library the runtime is built on, at the version it uses: for
/// [`TransportConfig::http_client`] and for downcasting a transport error's source.
pub use reqwest;
