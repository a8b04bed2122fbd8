//! The exports are checked by a real JSON Schema validator against the official schemas:
//! the OpenAPI documents (3.1 and 3.0) of the committed and fixture specs, the schemas inside
//! them against JSON Schema itself, and the spec format's own schema, which every committed
//! spec file must satisfy. The specs are read, not restated: an added endpoint is checked too.

use std::path::Path;

use retail_apis_codegen::{load, openapi_document_in, OpenApiVersion};
use serde_json::{json, Value};

fn schema(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("schema readable"))
        .expect("schema is JSON")
}

fn spec_dirs() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    vec![root.join("../spec"), root.join("tests/golden/spec")]
}

/// Every error the validator finds, one per line.
fn problems(validator: &jsonschema::Validator, instance: &Value) -> String {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn openapi_exports_validate_against_the_official_schemas() {
    let v31 = jsonschema::validator_for(&schema("openapi-3.1.json")).expect("3.1 schema compiles");
    let v30 = jsonschema::validator_for(&schema("openapi-3.0.json")).expect("3.0 schema compiles");
    for dir in spec_dirs() {
        let set = load(&dir).unwrap_or_else(|d| panic!("{d}"));
        for service in &set.services {
            // One document per service, as a user exports one API at a time, and the whole set.
            let one = retail_apis_codegen::model::SpecSet {
                services: vec![service.clone()],
            };
            for (version, validator) in [(OpenApiVersion::V3_1, &v31), (OpenApiVersion::V3_0, &v30)]
            {
                let document = openapi_document_in(&one, version).expect("exports");
                let found = problems(validator, &document);
                assert!(found.is_empty(), "{} ({version:?}):\n{found}", service.name);
            }
            // The component schemas of 3.1 are JSON Schema 2020-12 themselves.
            let document = openapi_document_in(&one, OpenApiVersion::V3_1).expect("exports");
            let schemas = document["components"]["schemas"]
                .as_object()
                .expect("schemas");
            for (name, component) in schemas {
                let mut standalone = component.clone();
                standalone["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
                assert!(
                    jsonschema::meta::validate(&standalone).is_ok(),
                    "{}: schema {name} is not valid JSON Schema 2020-12",
                    service.name
                );
            }
        }
    }
}

/// The validator is not vacuous: a document missing what OpenAPI requires is refused.
#[test]
fn the_validator_refuses_a_broken_document() {
    let set = load(&spec_dirs()[0]).unwrap_or_else(|d| panic!("{d}"));
    let v31 = jsonschema::validator_for(&schema("openapi-3.1.json")).expect("3.1 schema compiles");
    let mut document = openapi_document_in(&set, OpenApiVersion::V3_1).expect("exports");
    assert!(v31.is_valid(&document));
    document.as_object_mut().expect("object").remove("info");
    assert!(!v31.is_valid(&document));
    let mut document = openapi_document_in(&set, OpenApiVersion::V3_1).expect("exports");
    document["openapi"] = json!("3.0.3");
    assert!(!v31.is_valid(&document));
}

#[test]
fn signing_schemes_are_security_schemes_or_described_on_every_operation() {
    let set = load(&spec_dirs()[0]).unwrap_or_else(|d| panic!("{d}"));
    let document = openapi_document_in(&set, OpenApiVersion::V3_1).expect("exports");
    let declared = document["components"]["securitySchemes"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let operations: Vec<&Value> = document["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.values()))
        .collect();
    assert_eq!(
        operations.len(),
        set.services
            .iter()
            .map(|s| s.endpoints.len())
            .sum::<usize>()
    );
    for op in operations {
        let service = op["tags"][0].as_str().expect("tagged with its service");
        let auth = &op["x-retail-apis-auth"];
        let scheme = set.service(service).expect("service").auth.name();
        assert_eq!(auth["scheme"], json!(scheme), "{op}");
        // Every requirement names a declared scheme of the same service.
        for requirement in op["security"].as_array().into_iter().flatten() {
            for name in requirement.as_object().expect("requirement").keys() {
                assert!(declared.contains_key(name), "{name} is not declared");
                assert!(name.starts_with(&format!("{service}_")), "{name}");
            }
        }
        if scheme == "kingdee_gateway" {
            let names: Vec<&str> = declared
                .iter()
                .filter(|(name, _)| name.starts_with(&format!("{service}_")))
                .filter_map(|(_, s)| s["name"].as_str())
                .collect();
            assert!(
                names.contains(&"app-token") && names.contains(&"X-Api-Signature"),
                "{names:?}"
            );
            assert!(op["security"].is_array(), "{op}");
        }
    }
}

/// A YAML document as the JSON value a schema validator sees.
fn yaml_to_json(yaml: &yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match yaml {
        Yaml::Real(text) => text
            .parse::<f64>()
            .map_or_else(|_| json!(text), |n| json!(n)),
        Yaml::Integer(n) => json!(n),
        Yaml::String(s) => json!(s),
        Yaml::Boolean(b) => json!(b),
        Yaml::Array(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        Yaml::Hash(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Yaml::String(s) => s.clone(),
                        Yaml::Integer(n) => n.to_string(),
                        other => format!("{other:?}"),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Yaml::Null => Value::Null,
        other => panic!("unexpected YAML node {other:?}"),
    }
}

#[test]
fn the_spec_format_schema_is_valid_json_schema_and_every_spec_file_satisfies_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("../spec/schema.json")).expect("spec/schema.json"),
    )
    .expect("JSON");
    if let Err(e) = jsonschema::meta::validate(&committed) {
        panic!("spec/schema.json is not a valid JSON Schema: {e}");
    }
    let validator = jsonschema::validator_for(&committed).expect("compiles");
    let mut checked = 0;
    for dir in spec_dirs() {
        for source in retail_apis_codegen::read_sources(&dir).unwrap_or_else(|d| panic!("{d}")) {
            let docs = yaml_rust2::YamlLoader::load_from_str(&source.text).expect("YAML");
            let instance = yaml_to_json(&docs[0]);
            let found = problems(&validator, &instance);
            assert!(found.is_empty(), "{}:\n{found}", source.path);
            checked += 1;
        }
    }
    assert!(checked > 6, "only {checked} spec files");
    // Not vacuous: a misspelt key is refused.
    let wrong = json!({"operation": "x", "summry": "typo"});
    assert!(!validator.is_valid(&wrong));
}
