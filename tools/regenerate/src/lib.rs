//! Turns on the `regenerate` feature of `retail-apis` for builds inside its repository.
//!
//! The workspace lists this crate among its default members, so `cargo build`, `cargo test
//! --workspace` and the other commands that build it resolve `retail-apis` with `regenerate`,
//! and the build script rewrites `generated/` when a spec changed. A crate that depends on
//! `retail-apis` (by path, git or registry) never builds this one: it compiles no code
//! generator, and the build script writes nothing into the dependency's source.
