//! Kingdee JDY retail cloud: gateway signing, app-token lifecycle, and the
//! [`KingdeeGateway`] scheme of [`JdyClient`].

mod authorize;
mod config;
mod gateway;
pub mod headers;
mod sign_headers;
pub mod signing;
mod tenant;
mod token;
mod unquoted;

pub use config::JdyConfig;
pub use gateway::{JdyClient, KingdeeGateway};
pub use tenant::JdyTenant;
#[cfg(feature = "redis")]
pub use token::RedisTokenStore;
pub use token::{
    InProcessTokenStore, Lease, StoreFuture, StoredToken, TokenFetch, TokenKey, TokenStore,
};
