//! `openapi_document_in`: the real spec as an OpenAPI 3.0.3 document that an OpenAPI 3.0
//! reader accepts, with every endpoint and named type of the spec in it, read from the spec;
//! and the 3.1 form of what 3.0 says differently. (`export_validates.rs` checks both
//! versions against the official schemas.)

mod common;

use std::collections::BTreeSet;

use common::{edited, minimal, real_spec, with_file};
use openapiv3::{OpenAPI, ReferenceOr};
use retail_apis_codegen::model::{
    EnumRepr, HttpMethod, Service, SpecSet, StructType, TypeExpr, TypeKind,
};
use retail_apis_codegen::{
    load_sources, openapi_document_in, openapi_text_in, ExportError, OpenApiVersion,
};
use serde_json::{json, Value};

fn spec() -> SpecSet {
    load_sources(&real_spec()).expect("spec/ loads")
}

fn schema_ref(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

/// The JSON schema the export gives a value of `ty`.
fn expected_schema(ty: &TypeExpr) -> Value {
    match ty {
        TypeExpr::String { max_len: Some(n) } => json!({"type": "string", "maxLength": n}),
        TypeExpr::String { max_len: None } => json!({"type": "string"}),
        TypeExpr::Integer => json!({"type": "integer", "format": "int64"}),
        TypeExpr::Number => json!({"type": "number", "format": "double"}),
        TypeExpr::Boolean => json!({"type": "boolean"}),
        TypeExpr::Json => json!({}),
        TypeExpr::Amount { max_len } => {
            let mut schema = json!({
                "type": "string",
                "format": "decimal",
                "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
            });
            if let Some(n) = max_len {
                schema["maxLength"] = json!(n);
            }
            schema
        }
        TypeExpr::List(inner) => json!({"type": "array", "items": expected_schema(inner)}),
        TypeExpr::Map(inner) => {
            json!({"type": "object", "additionalProperties": expected_schema(inner)})
        }
        TypeExpr::Named(name) => json!({"$ref": schema_ref(name)}),
    }
}

#[test]
fn the_real_spec_is_an_openapi_3_0_document_with_every_endpoint() {
    let spec = spec();
    let text = openapi_text_in(&spec, OpenApiVersion::V3_0).expect("exports");
    assert_eq!(
        text,
        openapi_text_in(&spec, OpenApiVersion::V3_0).expect("exports"),
        "not deterministic"
    );
    let document: OpenAPI = serde_json::from_str(&text).expect("an OpenAPI 3.0 document");
    assert_eq!(document.openapi, "3.0.3");

    let mut operations = 0;
    for service in &spec.services {
        for endpoint in &service.endpoints {
            operations += 1;
            let item = match document.paths.paths.get(&endpoint.path) {
                Some(ReferenceOr::Item(item)) => item,
                other => panic!("{}: path item {other:?}", endpoint.path),
            };
            let operation = match endpoint.method {
                HttpMethod::Get => item.get.as_ref(),
                HttpMethod::Post => item.post.as_ref(),
            }
            .unwrap_or_else(|| panic!("{} has no {:?}", endpoint.path, endpoint.method));
            assert_eq!(
                operation.operation_id.as_deref(),
                Some(&*endpoint.operation)
            );
            assert_eq!(operation.summary.as_deref(), Some(&*endpoint.summary));
            assert_eq!(operation.tags, std::slice::from_ref(&service.name));
            let servers: Vec<&str> = operation.servers.iter().map(|s| s.url.as_str()).collect();
            assert_eq!(
                servers,
                [service.base_url.as_str()],
                "{}",
                endpoint.operation
            );
        }
    }
    let exported = document
        .paths
        .paths
        .values()
        .filter_map(|item| item.as_item())
        .map(|item| item.iter().count())
        .sum::<usize>();
    assert_eq!(exported, operations, "operations the spec does not have");
}

#[test]
fn requests_and_responses_use_the_spec_types_inside_the_envelope() {
    let spec = spec();
    let document = openapi_document_in(&spec, OpenApiVersion::V3_0).expect("exports");
    for service in &spec.services {
        for endpoint in &service.endpoints {
            let method = match endpoint.method {
                HttpMethod::Get => "get",
                HttpMethod::Post => "post",
            };
            let operation = &document["paths"][&endpoint.path][method];
            if endpoint.method == HttpMethod::Post {
                assert_eq!(
                    operation["requestBody"]["content"]["application/json"]["schema"],
                    json!({"$ref": schema_ref(&endpoint.request)}),
                );
            }
            let response = &operation["responses"]["200"]["content"]["application/json"]["schema"];
            let payload = match &service.envelope.data_field {
                Some(data) => {
                    let name = response["$ref"]
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                        .unwrap_or_else(|| panic!("{}: envelope {response}", endpoint.operation));
                    let envelope = &document["components"]["schemas"][name];
                    let code = &*service.envelope.code_field;
                    assert_eq!(envelope["required"], json!([code]));
                    assert!(envelope["properties"][code]["type"].is_string());
                    let message = &*service.envelope.message_field;
                    assert_eq!(envelope["properties"][message], json!({"type": "string"}));
                    envelope["properties"][&**data].clone()
                }
                None => response.clone(),
            };
            assert_eq!(
                payload,
                expected_schema(&endpoint.response),
                "{}",
                endpoint.operation
            );
        }
    }
}

/// Each struct's properties, required list and limits, field by field from the spec.
fn check_struct(service: &Service, name: &str, s: &StructType, schema: &Value) {
    let properties = schema["properties"].as_object().expect("properties");
    let wire: BTreeSet<&str> = s.fields.iter().map(|f| f.wire_name.as_str()).collect();
    assert_eq!(
        properties
            .keys()
            .map(String::as_str)
            .collect::<BTreeSet<_>>(),
        wire,
        "{name}"
    );
    let required: Vec<&str> = s
        .fields
        .iter()
        .filter(|f| f.required && !f.computed)
        .map(|f| f.wire_name.as_str())
        .collect();
    let listed: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(listed, required, "{}.{name}", service.name);
    for field in &s.fields {
        let property = &properties[&field.wire_name];
        let context = format!("{name}.{}", field.wire_name);
        let shape = match property.get("allOf") {
            Some(all_of) => all_of[0].clone(),
            None => {
                let mut bare = property.clone();
                if let Some(map) = bare.as_object_mut() {
                    map.retain(|key, _| {
                        !matches!(
                            key.as_str(),
                            "description" | "nullable" | "x-aliases" | "x-quirks"
                        )
                    });
                }
                bare
            }
        };
        assert_eq!(shape, expected_schema(&field.ty), "{context}");
        assert_eq!(
            property["nullable"].as_bool().unwrap_or(false),
            field.nullable,
            "{context}"
        );
        if let Some(description) = &field.description {
            let text = property["description"].as_str().unwrap_or_default();
            assert!(text.starts_with(description.as_str()), "{context}: {text}");
        }
        let aliases: Vec<&str> = property["x-aliases"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(aliases, field.aliases, "{context}");
    }
    assert_eq!(
        schema["additionalProperties"].as_bool().unwrap_or(false),
        service.named_type(name).is_some_and(|t| t.in_response),
        "{name}: response types keep undocumented fields"
    );
}

#[test]
fn every_named_type_is_a_component_schema() {
    let spec = spec();
    let document = openapi_document_in(&spec, OpenApiVersion::V3_0).expect("exports");
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    for service in &spec.services {
        for ty in &service.types {
            let schema = schemas
                .get(&ty.name)
                .unwrap_or_else(|| panic!("no schema {}", ty.name));
            if let Some(description) = &ty.description {
                let text = schema["description"].as_str().unwrap_or_default();
                assert!(
                    text.starts_with(description.trim_end()),
                    "{}: {text}",
                    ty.name
                );
            }
            match &ty.kind {
                TypeKind::Struct(s) => check_struct(service, &ty.name, s, schema),
                TypeKind::Enum(e) => {
                    let values: Vec<Value> = e
                        .variants
                        .iter()
                        .map(|v| match e.repr {
                            EnumRepr::Integer => json!(v.value.parse::<i64>().expect("integer")),
                            EnumRepr::String { .. } => json!(v.value),
                        })
                        .collect();
                    assert_eq!(schema["enum"], Value::Array(values), "{}", ty.name);
                    if let EnumRepr::String { max_len: Some(n) } = e.repr {
                        assert_eq!(schema["maxLength"], json!(n), "{}", ty.name);
                    }
                }
            }
        }
    }
}

/// Collects every `$ref` below `value`.
fn references<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("$ref", Value::String(target)) => out.push(target),
                    _ => references(inner, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    let document = openapi_document_in(&spec(), OpenApiVersion::V3_0).expect("exports");
    let mut found = Vec::new();
    references(&document, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("reference outside the schemas: {target}"));
        assert!(
            document["components"]["schemas"].get(name).is_some(),
            "{target} is dangling"
        );
    }
}

#[test]
fn a_get_endpoint_sends_its_fields_as_query_parameters() {
    let files = edited(
        minimal(),
        "svc/endpoints/ping.yaml",
        "method: POST",
        "method: GET",
    );
    let spec = load_sources(&files).expect("loads");
    let document = openapi_document_in(&spec, OpenApiVersion::V3_0).expect("exports");
    let operation = &document["paths"]["/ping"]["get"];
    assert!(operation.get("requestBody").is_none(), "{operation}");
    let parameters = operation["parameters"].as_array().expect("parameters");
    let described: Vec<(&str, &str, bool)> = parameters
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default(),
                p["in"].as_str().unwrap_or_default(),
                p["required"].as_bool().unwrap_or_default(),
            )
        })
        .collect();
    // `sign` is the scheme's computed field: the client fills it in, the caller does not.
    assert_eq!(described, [("id", "query", true), ("sign", "query", false)]);
    let document: OpenAPI = serde_json::from_value(document).expect("OpenAPI");
    assert!(document.paths.paths.contains_key("/ping"));
}

#[test]
fn a_name_two_services_declare_is_refused() {
    let mut files = minimal();
    for file in minimal() {
        files = with_file(files, &file.path.replacen("svc/", "other/", 1), &file.text);
    }
    let spec = load_sources(&files).expect("loads");
    assert_eq!(
        openapi_document_in(&spec, OpenApiVersion::V3_0).expect_err("a clash"),
        ExportError::Clash {
            what: "schema",
            name: "Item".to_owned(),
            first: "other".to_owned(),
            second: "svc".to_owned(),
        }
    );
}

/// What 3.1 says differently: `null` is a type (no `nullable`), and a reference carries its
/// description beside it instead of inside an `allOf`.
#[test]
fn openapi_3_1_writes_null_as_a_type_and_references_with_siblings() {
    let spec = spec();
    let document = openapi_document_in(&spec, OpenApiVersion::V3_1).expect("exports");
    assert_eq!(document["openapi"], "3.1.0");
    let mut nullable_seen = 0;
    for service in &spec.services {
        for ty in &service.types {
            let TypeKind::Struct(s) = &ty.kind else {
                continue;
            };
            let properties = &document["components"]["schemas"][&ty.name]["properties"];
            for field in &s.fields {
                let property = &properties[&field.wire_name];
                let context = format!("{}.{}", ty.name, field.wire_name);
                assert!(property.get("nullable").is_none(), "{context}: {property}");
                let allows_null = property["type"]
                    .as_array()
                    .is_some_and(|types| types.contains(&json!("null")))
                    || property["anyOf"]
                        .as_array()
                        .is_some_and(|any| any.contains(&json!({"type": "null"})));
                // `json` accepts any value, null included, without saying so.
                if !matches!(field.ty, TypeExpr::Json) {
                    assert_eq!(allows_null, field.nullable, "{context}: {property}");
                }
                nullable_seen += usize::from(field.nullable);
                if matches!(field.ty, TypeExpr::Named(_)) && !field.nullable {
                    assert!(property.get("allOf").is_none(), "{context}: {property}");
                    assert!(property.get("$ref").is_some(), "{context}: {property}");
                }
            }
        }
    }
    assert!(nullable_seen > 0, "the spec has no nullable field to check");
}
