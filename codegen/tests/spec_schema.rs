//! The JSON Schema of spec files is derived from the structs the loader reads specs
//! into; `spec/schema.json` is the committed copy editors use. These tests keep the copy,
//! the loader and the documented format from drifting apart.

use std::path::PathBuf;

use retail_apis_codegen::{spec_schema, spec_schema_text};
use serde_json::Value;

fn spec_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

#[test]
fn the_committed_schema_is_the_one_the_loader_derives() {
    let committed =
        std::fs::read_to_string(spec_root().join("schema.json")).expect("spec/schema.json");
    assert!(
        committed == spec_schema_text(),
        "spec/schema.json is stale: run `cargo run -p retail-apis-cli -- export schema --out \
         spec/schema.json` and commit the result"
    );
}

/// The properties the object schema at `pointer` allows (and it allows no others).
fn properties<'a>(schema: &'a Value, pointer: &str) -> Vec<&'a str> {
    let def = schema
        .pointer(pointer)
        .unwrap_or_else(|| panic!("schema has {pointer}"));
    assert_eq!(def["additionalProperties"], Value::Bool(false), "{pointer}");
    def["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{pointer} has properties"))
        .keys()
        .map(String::as_str)
        .collect()
}

/// Every key that `spec/README.md` lists in a table of a part of the format.
fn documented_keys(section: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(spec_root().join("README.md")).expect("README");
    let start = readme
        .find(section)
        .unwrap_or_else(|| panic!("README has {section}"));
    readme[start..]
        .lines()
        .skip_while(|l| !l.starts_with("| `"))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_schema_declares_exactly_the_documented_keys() {
    let schema = spec_schema();
    for (pointer, section) in [
        ("/$defs/ServiceFile", "## `service.yaml`"),
        ("/$defs/EndpointFile", "## Endpoint files"),
        ("/$defs/FieldDecl", "## Fields"),
        ("/$defs/ErrorCode", "### `errors`"),
        ("/$defs/Envelope", "### `envelope`"),
        ("/$defs/Auth/oneOf/0", "`scheme: kingdee_gateway`"),
        ("/$defs/Auth/oneOf/1", "`scheme: md5_body_sign`"),
        ("/$defs/Auth/oneOf/2", "`scheme: static_bearer`"),
    ] {
        let mut declared = properties(&schema, pointer);
        let mut documented = documented_keys(section);
        // The scheme tables list the parameters; `scheme` itself selects the table.
        if pointer.starts_with("/$defs/Auth") {
            documented.push("scheme".to_string());
        }
        declared.sort_unstable();
        documented.sort_unstable();
        assert_eq!(declared, documented, "{pointer} vs {section}");
    }
}

#[test]
fn required_keys_are_the_ones_the_loader_requires() {
    let schema = spec_schema();
    let required = |definition: &str| -> Vec<String> {
        let mut r: Vec<String> = schema["$defs"][definition]["required"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        r.sort();
        r
    };
    assert_eq!(
        required("ServiceFile"),
        ["auth", "base_url", "envelope", "title"]
    );
    assert_eq!(
        required("EndpointFile"),
        ["method", "operation", "path", "response", "summary"]
    );
    assert_eq!(required("FieldDecl"), ["type"]);
    assert_eq!(required("ErrorCode"), ["code", "description", "name"]);
}

/// Every scheme the runtime implements (the descriptor's list) is one the spec format
/// declares, and no other.
#[test]
fn the_schema_offers_every_auth_scheme_and_no_other() {
    let schema = spec_schema();
    let offered: Vec<&str> = schema["$defs"]["Auth"]["oneOf"]
        .as_array()
        .expect("Auth is a oneOf")
        .iter()
        .filter_map(|variant| variant["properties"]["scheme"]["const"].as_str())
        .collect();
    assert_eq!(offered, retail_apis_codegen::model::AuthScheme::NAMES);
}
