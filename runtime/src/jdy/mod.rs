//! Kingdee JDY retail cloud: gateway signing, app-token lifecycle and the client.

mod client;
mod config;
pub mod headers;
mod sign_headers;
pub mod signing;
mod token;

pub use client::JdyClient;
pub use config::JdyConfig;
