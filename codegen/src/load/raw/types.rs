//! Named types (structs and enums) and fields.

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Checked, Entries, OneOrMany, Opt};

/// A named type: a struct (`fields`) or an enum (`enum`), exactly one of them.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TypeDecl {
    /// Description.
    pub doc: Opt<String>,
    /// Struct fields keyed by wire name, in page order.
    pub fields: Opt<Entries<FieldDecl>>,
    /// Enum values and their wire form.
    #[serde(rename = "enum")]
    pub enumeration: Opt<EnumDecl>,
    /// Documentation quirks.
    pub quirks: Opt<OneOrMany>,
    /// Something a person still has to decide about the type (variant names of an
    /// imported enum); `lint` reports it as a warning until the key is removed.
    pub review: Opt<String>,
}

/// An enum's wire form and values.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnumDecl {
    /// Wire form: `string`, `string(N)` or `integer`.
    pub repr: Checked<String>,
    /// Known values; the generated enum also keeps unknown ones.
    pub values: Checked<Vec<Checked<EnumValue>>>,
}

/// One known value of an enum.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EnumValue {
    /// Value on the wire, matching the repr.
    pub value: Checked<String>,
    /// UpperCamelCase variant name (not `Unknown`).
    pub name: Checked<String>,
    /// Description from the page.
    pub doc: Opt<String>,
}

/// A struct field, keyed by its wire name.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldDecl {
    /// Value type: `string`, `string(N)`, `amount`, `amount(N)`, `integer`, `number`,
    /// `boolean`, `json`, `list<T>`, `map<string, T>` or an UpperCamelCase named type.
    #[serde(rename = "type")]
    pub ty: Checked<String>,
    /// The page marks it required (default `false`).
    pub required: Opt<bool>,
    /// The value may be null even though it is required (default `false`).
    pub nullable: Opt<bool>,
    /// Filled in by the runtime, not the caller (default `false`).
    pub computed: Opt<bool>,
    /// snake_case Rust field name (default: the wire name).
    pub rust_name: Opt<String>,
    /// Other wire names accepted when decoding.
    pub aliases: Opt<OneOrMany>,
    /// Description from the page, verbatim.
    pub doc: Opt<String>,
    /// Example value from the page, as text.
    pub example: Opt<String>,
    /// Documentation quirks of this field.
    pub quirks: Opt<OneOrMany>,
    /// Something a person still has to decide about the field; `lint` reports it as a
    /// warning until the key is removed.
    pub review: Opt<String>,
}
