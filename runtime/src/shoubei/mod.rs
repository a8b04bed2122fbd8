//! Shoubei (收呗) open payment API: the MD5 body signature and the [`Md5BodySign`]
//! scheme of [`ShoubeiClient`].

mod config;
mod md5;
pub mod signing;

pub use config::ShoubeiConfig;
pub use md5::{Md5BodySign, ShoubeiClient};
