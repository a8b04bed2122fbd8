//! `<service>/endpoints/<operation>.yaml`: one operation.

use schemars::JsonSchema;
use serde::Deserialize;

use super::service::Method;
use super::types::{FieldDecl, TypeDecl};
use super::{Checked, Entries, OneOrMany, Opt};

/// `<service>/endpoints/<operation>.yaml`: one operation, its request and response types.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EndpointFile {
    /// Client method name (snake_case), unique in the service.
    pub operation: Checked<String>,
    /// One line, as on the page.
    pub summary: Checked<String>,
    /// Longer description.
    pub description: Opt<String>,
    /// The seed file (or URL) the endpoint was transcribed from.
    pub source_page: Opt<String>,
    /// HTTP method, upper case.
    pub method: Checked<Method>,
    /// Path below `base_url`: starts with `/`; no whitespace, query, fragment, `.`/`..`
    /// or empty segments.
    pub path: Checked<String>,
    /// The top-level request field (by wire name) that identifies the operation, and
    /// optionally the vendor's evidence that repeats of it are ignored.
    pub idempotency_key: Opt<IdempotencyKey>,
    /// `true`: the operation only reads, so the runtime repeats it after any transient
    /// failure (default `false`: a write).
    pub safe: Opt<bool>,
    /// The request body struct (default: an empty struct).
    pub request: Opt<Request>,
    /// The success payload.
    pub response: Checked<Response>,
    /// Named types of this endpoint, keyed by UpperCamelCase name.
    pub types: Opt<Entries<TypeDecl>>,
    /// Example exchanges from the page.
    pub examples: Opt<Vec<Checked<Example>>>,
    /// Documentation quirks of the page.
    pub quirks: Opt<OneOrMany>,
    /// Something a person still has to decide about the endpoint (operation name,
    /// idempotency, a page that differs from the service); `lint` reports it as a warning
    /// until the key is removed.
    pub review: Opt<String>,
}

/// A wire name (documentation only), or a mapping with the field and the vendor's evidence.
#[derive(Deserialize, JsonSchema)]
#[serde(rename = "$by_shape")]
#[schemars(rename = "IdempotencyKey", untagged)]
pub(crate) enum IdempotencyKey {
    /// The wire name of the request field.
    #[serde(rename = "scalar")]
    Field(String),
    /// The field, with the vendor's evidence that repeats are ignored.
    #[serde(rename = "mapping")]
    WithEvidence(Box<KeyWithEvidence>),
}

/// `idempotency_key` as a mapping.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct KeyWithEvidence {
    /// The wire name of the request field.
    pub field: Checked<String>,
    /// Where the vendor says repeats of the key are ignored.
    pub evidence: Opt<Evidence>,
}

/// A vendor statement: the page and its sentence, verbatim.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Evidence {
    /// Seed file name or URL of the page.
    pub page: Checked<String>,
    /// The sentence copied from the page.
    pub quote: Checked<String>,
}

/// The request body struct.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Request {
    /// Rust type name (default `<Operation>Request`).
    pub name: Opt<String>,
    /// Description.
    pub doc: Opt<String>,
    /// Fields keyed by wire name, in page order.
    pub fields: Opt<Entries<FieldDecl>>,
    /// Quirks of the type.
    pub quirks: Opt<OneOrMany>,
}

/// The success payload: a struct (`fields`, with `name`, `doc`, `quirks`) or any type
/// (`type`, alone).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Response {
    /// Rust type name of the struct (default `<Operation>Response`).
    pub name: Opt<String>,
    /// Description of the struct.
    pub doc: Opt<String>,
    /// Fields keyed by wire name, in page order.
    pub fields: Opt<Entries<FieldDecl>>,
    /// Instead of a struct: a type (`json`, `SomeNamedType`, `list<Item>`).
    #[serde(rename = "type")]
    pub ty: Opt<String>,
    /// Quirks of the struct.
    pub quirks: Opt<OneOrMany>,
}

/// An example exchange from the page.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Example {
    /// Short name, unique per endpoint (default `default`).
    pub name: Opt<String>,
    /// Request body, JSON text.
    pub request: Opt<String>,
    /// Response body (envelope included), JSON text.
    pub response: Opt<String>,
}
