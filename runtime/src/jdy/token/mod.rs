//! The app-token of a Kingdee tenant: a per-process copy in front of a [`TokenStore`]
//! (the process itself by default, or Redis shared by many processes), one fetch at a
//! time, and a backoff after failed fetches.

mod backoff;
mod cache;
mod key;
mod lease;
mod store;

#[cfg(feature = "redis")]
mod redis;

pub(crate) use cache::TokenCache;
pub(crate) use key::token_key;
pub use key::TokenKey;
pub use lease::Lease;
pub(crate) use store::store_from_env;
pub use store::{InProcessTokenStore, StoreFuture, StoredToken, TokenFetch, TokenStore};

#[cfg(feature = "redis")]
pub use self::redis::RedisTokenStore;
