//! Kingdee JDY retail cloud: gateway signing, app-token lifecycle, and the
//! [`KingdeeGateway`] scheme of [`JdyClient`].

mod config;
mod gateway;
pub mod signing;
mod token;

pub use config::JdyConfig;
pub use gateway::{JdyClient, KingdeeGateway};
pub use token::Lease;
