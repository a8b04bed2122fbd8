//! Answers for operations without built-in business logic: the endpoint's own success
//! example when it has one, otherwise data synthesised from the response type.

use retail_apis_codegen::model::{Endpoint, EnumRepr, Service, TypeExpr, TypeKind};
use retail_apis_runtime::check_decimal_text;
use serde_json::{Map, Value};

use crate::envelope;

/// Named types can be recursive; beyond this depth structs are empty and lists empty.
const MAX_DEPTH: usize = 6;

/// The success payload of `endpoint` (the content of `data`, or the whole flat body
/// without status fields being meaningful yet).
pub(crate) fn payload(service: &Service, endpoint: &Endpoint) -> Value {
    example_payload(service, endpoint)
        .unwrap_or_else(|| value_of(service, &endpoint.response, None, 0))
}

/// The payload of the first example response that reports success. Examples that show a
/// failure (Shoubei's page example answers `0205`) are skipped.
fn example_payload(service: &Service, endpoint: &Endpoint) -> Option<Value> {
    endpoint.examples.iter().find_map(|example| {
        let body: Value = serde_json::from_str(example.response.as_deref()?).ok()?;
        if !envelope::is_success(&service.envelope, &body) {
            return None;
        }
        envelope::payload_of(&service.envelope, &body)
    })
}

fn truncate_chars(text: &str, max_len: Option<u32>) -> String {
    match max_len {
        Some(max) => text.chars().take(max as usize).collect(),
        None => text.to_owned(),
    }
}

/// A plausible value of type `ty`, using the field's example text where it fits.
fn value_of(service: &Service, ty: &TypeExpr, example: Option<&str>, depth: usize) -> Value {
    match ty {
        TypeExpr::String { max_len } => {
            Value::from(truncate_chars(example.unwrap_or("sandbox"), *max_len))
        }
        TypeExpr::Amount { max_len } => {
            let text = example
                .filter(|e| check_decimal_text(e).is_ok())
                .unwrap_or("100");
            Value::from(truncate_chars(text, *max_len))
        }
        TypeExpr::Integer => Value::from(example.and_then(|e| e.parse::<i64>().ok()).unwrap_or(0)),
        TypeExpr::Number => example
            .and_then(|e| e.parse::<f64>().ok())
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::from(0), Value::Number),
        TypeExpr::Boolean => Value::from(example == Some("true")),
        TypeExpr::Json => example
            .and_then(|e| serde_json::from_str(e).ok())
            .unwrap_or_else(|| Value::Object(Map::new())),
        TypeExpr::List(inner) => {
            if depth >= MAX_DEPTH {
                Value::Array(Vec::new())
            } else {
                Value::Array(vec![value_of(service, inner, None, depth + 1)])
            }
        }
        TypeExpr::Map(inner) => {
            let mut object = Map::new();
            if depth < MAX_DEPTH {
                object.insert("key".to_owned(), value_of(service, inner, None, depth + 1));
            }
            Value::Object(object)
        }
        TypeExpr::Named(name) => named_value(service, name, example, depth),
    }
}

fn named_value(service: &Service, name: &str, example: Option<&str>, depth: usize) -> Value {
    match service.named_type(name).map(|t| &t.kind) {
        Some(TypeKind::Struct(st)) => {
            let mut object = Map::new();
            if depth < MAX_DEPTH {
                for field in &st.fields {
                    let value = value_of(service, &field.ty, field.example.as_deref(), depth + 1);
                    object.insert(field.wire_name.clone(), value);
                }
            }
            Value::Object(object)
        }
        Some(TypeKind::Enum(en)) => {
            let text = example
                .or_else(|| en.variants.first().map(|v| v.value.as_str()))
                .unwrap_or_default();
            match en.repr {
                EnumRepr::Integer => Value::from(text.parse::<i64>().unwrap_or(0)),
                EnumRepr::String { max_len } => Value::from(truncate_chars(text, max_len)),
            }
        }
        None => Value::Null,
    }
}
