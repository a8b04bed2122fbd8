//! Shoubei (收呗) open payment API: MD5 body signature and the client.

mod client;
mod config;
pub mod signing;

pub use client::ShoubeiClient;
pub use config::ShoubeiConfig;
