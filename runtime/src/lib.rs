//! Signing and transport for the generated retail-apis clients.

pub mod descriptor;
pub use descriptor::*;
