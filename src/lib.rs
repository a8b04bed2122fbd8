//! Typed clients for the Kingdee JDY (金蝶精斗云) retail cloud and Shoubei (收呗) payment
//! open APIs, generated from the reviewed specs in `spec/`.
//!
//! - [`jdy`]: Kingdee JDY retail cloud (gateway HMAC signature + app-token).
//! - [`shoubei`]: Shoubei open payment API (MD5 body `sign`).
//! - [`runtime`]: configuration, transport and the [`runtime::Error`] every call returns.
//!
//! The modules are the committed source in `generated/`, rewritten by the build script only
//! when a spec changes, so what compiles is exactly what was reviewed.

pub use retail_apis_runtime as runtime;

// prettyplease, not rustfmt, formats generated code; skipping keeps `cargo fmt` from
// rewriting files that only the generator may write.
#[rustfmt::skip]
#[path = "../generated/mod.rs"]
mod generated;

pub use generated::*;

/// Compiles the README's Rust example as a doctest, so the documented API stays real.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
