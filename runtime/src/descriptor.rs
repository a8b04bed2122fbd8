//! The service descriptors generated code declares as `const` items, re-exported from
//! `retail-apis-descriptor` so generated code needs only this crate. The transport reads
//! them at call time, so everything a spec says about a service (envelope, error codes,
//! signing parameters) reaches the runtime without hand-written Rust.

pub use retail_apis_descriptor::*;
