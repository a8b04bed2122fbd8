//! Names the generated code declares or relies on, which names from a spec must not take.
//! The loader refuses them with a located diagnostic and the emitter refuses them in
//! hand-built models, both from these lists, so that a spec that lints clean generates.

/// Type names a spec may not declare: the items every service module declares besides its
/// named types, the names of the Rust prelude (the generated code uses `String`, `Option`,
/// `Vec`, `Result`, `Into`, `From`, `ToOwned`, … unqualified, and a type of the same name
/// would shadow them), the generic parameters of the generated impls, and the roots of the
/// paths the module uses.
pub(crate) const TYPE_NAMES: &[&str] = &[
    // Items of every service module.
    "Client",
    "SERVICE",
    "ERRORS",
    "ENDPOINTS",
    // The Rust prelude (2021 edition).
    "AsMut",
    "AsRef",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Hash",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
    // Generic parameters of the generated serde impls.
    "S",
    "D",
    // Path roots (not UpperCamelCase, so only hand-built models can use them).
    "rt",
    "serde",
    "serde_json",
    "std",
    "endpoints",
];

/// Methods every generated `Client` has besides one per operation.
pub(crate) const OPERATIONS: &[&str] = &["new", "from_env", "runtime"];

/// Module names a service cannot take: the root crate re-exports the runtime as `runtime`
/// next to the glob re-export of the generated module (`generated`), and the generated
/// code names the crates below by path.
pub(crate) const SERVICES: &[&str] = &[
    "runtime",
    "generated",
    "rt",
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
    "retail_apis",
    "retail_apis_runtime",
];

/// Endpoint paths under this prefix belong to the sandbox's request inspector (its page,
/// assets and JSON API), so a spec may not declare one: the loader refuses it.
pub const SANDBOX_PATH_PREFIX: &str = "/_sandbox";
