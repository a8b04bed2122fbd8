//! Request body validation against the endpoint's request struct from the spec.
//!
//! Checked: required fields present and non-null (unless nullable), JSON types, string
//! lengths in characters, nested structs and lists, and the wire form of enums. Unknown
//! enum values and undocumented fields are accepted, because the vendors accept them too.

use retail_apis_codegen::model::{EnumRepr, Service, StructType, TypeExpr, TypeKind};
use retail_apis_runtime::check_decimal_text;
use serde_json::{Map, Value};

/// The first problem found, with the path of the offending value
/// (`settle_entries[0].pay_type`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub path: String,
    pub problem: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.path, self.problem)
    }
}

/// Path used when the body as a whole is wrong.
pub(crate) const BODY_PATH: &str = "body";

/// Parses a request body as a JSON object.
pub(crate) fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Invalid> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Invalid {
            path: BODY_PATH.to_owned(),
            problem: "must be a JSON object".to_owned(),
        }),
        Err(e) => Err(Invalid {
            path: BODY_PATH.to_owned(),
            problem: format!("is not valid JSON ({e})"),
        }),
    }
}

/// Validates `body` against the named request struct. A name the spec does not resolve to
/// a struct validates nothing (the loader guarantees it does).
pub(crate) fn validate_request(
    service: &Service,
    type_name: &str,
    body: &Map<String, Value>,
) -> Result<(), Invalid> {
    match service.named_type(type_name).map(|t| &t.kind) {
        Some(TypeKind::Struct(st)) => check_struct(service, st, body, ""),
        _ => Ok(()),
    }
}

/// Finds a field's value under its wire name or one of its aliases, with the name used.
pub(crate) fn field_value<'v>(
    object: &'v Map<String, Value>,
    wire_name: &str,
    aliases: &[String],
) -> Option<(&'v str, &'v Value)> {
    std::iter::once(wire_name)
        .chain(aliases.iter().map(String::as_str))
        .find_map(|name| object.get_key_value(name))
        .map(|(name, value)| (name.as_str(), value))
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

fn invalid(path: &str, problem: impl Into<String>) -> Invalid {
    Invalid {
        path: if path.is_empty() {
            BODY_PATH.to_owned()
        } else {
            path.to_owned()
        },
        problem: problem.into(),
    }
}

fn check_struct(
    service: &Service,
    st: &StructType,
    object: &Map<String, Value>,
    prefix: &str,
) -> Result<(), Invalid> {
    for field in &st.fields {
        match field_value(object, &field.wire_name, &field.aliases) {
            None if field.required => {
                return Err(invalid(&join(prefix, &field.wire_name), "is required"));
            }
            Some((name, Value::Null)) if field.required && !field.nullable => {
                return Err(invalid(&join(prefix, name), "must not be null"));
            }
            // Optional fields may be null: absent and null mean the same to the vendors.
            None | Some((_, Value::Null)) => {}
            Some((name, value)) => check_value(service, &field.ty, value, &join(prefix, name))?,
        }
    }
    Ok(())
}

fn check_string(value: &Value, max_len: Option<u32>, path: &str) -> Result<(), Invalid> {
    let Some(text) = value.as_str() else {
        return Err(invalid(path, "must be a string"));
    };
    if let Some(max) = max_len {
        let len = text.chars().count();
        if len > max as usize {
            return Err(invalid(
                path,
                format!("must be at most {max} characters (got {len})"),
            ));
        }
    }
    Ok(())
}

fn check_value(service: &Service, ty: &TypeExpr, value: &Value, path: &str) -> Result<(), Invalid> {
    match ty {
        TypeExpr::String { max_len } => check_string(value, *max_len, path),
        TypeExpr::Integer => match value.is_i64() {
            true => Ok(()),
            false => Err(invalid(path, "must be an integer")),
        },
        TypeExpr::Number => match value.is_number() {
            true => Ok(()),
            false => Err(invalid(path, "must be a number")),
        },
        TypeExpr::Boolean => match value.is_boolean() {
            true => Ok(()),
            false => Err(invalid(path, "must be a boolean")),
        },
        TypeExpr::Amount { max_len } => {
            check_string(value, *max_len, path)?;
            let text = value.as_str().unwrap_or_default();
            check_decimal_text(text).map_err(|problem| invalid(path, format!("{problem}")))
        }
        TypeExpr::Json => Ok(()),
        TypeExpr::Map(inner) => {
            let Some(members) = value.as_object() else {
                return Err(invalid(path, "must be an object"));
            };
            for (key, member) in members {
                let member_path = format!("{path}.{key}");
                if member.is_null() {
                    return Err(invalid(&member_path, "must not be null"));
                }
                check_value(service, inner, member, &member_path)?;
            }
            Ok(())
        }
        TypeExpr::List(inner) => {
            let Some(items) = value.as_array() else {
                return Err(invalid(path, "must be an array"));
            };
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                if item.is_null() {
                    return Err(invalid(&item_path, "must not be null"));
                }
                check_value(service, inner, item, &item_path)?;
            }
            Ok(())
        }
        TypeExpr::Named(name) => match service.named_type(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(st)) => match value.as_object() {
                Some(object) => check_struct(service, st, object, path),
                None => Err(invalid(path, "must be an object")),
            },
            Some(TypeKind::Enum(en)) => match &en.repr {
                // Unknown values are accepted: only the wire form is checked.
                EnumRepr::String { max_len } => check_string(value, *max_len, path),
                EnumRepr::Integer => match value.is_i64() {
                    true => Ok(()),
                    false => Err(invalid(path, "must be an integer")),
                },
            },
            None => Ok(()),
        },
    }
}

/// For GET endpoints, whose parameters arrive as query text: required top-level fields
/// must be present, and each parameter's text must be what the client writes for a value
/// of the field's type: strings (and string enums, amounts) as they are, every other value
/// as its JSON text (`7`, `true`, `["a"]`), as `Request::query_of` in the runtime writes them.
pub(crate) fn validate_query(
    service: &Service,
    type_name: &str,
    query: &[(String, String)],
) -> Result<(), Invalid> {
    let Some(TypeKind::Struct(st)) = service.named_type(type_name).map(|t| &t.kind) else {
        return Ok(());
    };
    for field in &st.fields {
        let mut names = std::iter::once(&field.wire_name).chain(&field.aliases);
        let value = names.find_map(|name| query.iter().find(|(k, _)| k == name));
        match value {
            Some((name, text)) => check_query_text(service, &field.ty, text, name)?,
            None if field.required && !field.nullable => {
                return Err(invalid(&field.wire_name, "is required"));
            }
            None => {}
        }
    }
    Ok(())
}

/// Checks the query text of one parameter of type `ty`.
fn check_query_text(
    service: &Service,
    ty: &TypeExpr,
    text: &str,
    path: &str,
) -> Result<(), Invalid> {
    let as_string = match ty {
        TypeExpr::String { .. } | TypeExpr::Amount { .. } => true,
        TypeExpr::Named(name) => matches!(
            service.named_type(name).map(|t| &t.kind),
            Some(TypeKind::Enum(en)) if matches!(en.repr, EnumRepr::String { .. })
        ),
        _ => false,
    };
    if as_string {
        return check_value(service, ty, &Value::from(text), path);
    }
    match serde_json::from_str::<Value>(text) {
        Ok(value) => check_value(service, ty, &value, path),
        Err(_) => Err(invalid(
            path,
            format!(
                "must be {} written as JSON text in the query",
                match ty {
                    TypeExpr::Integer => "an integer",
                    TypeExpr::Number => "a number",
                    TypeExpr::Boolean => "`true` or `false`",
                    TypeExpr::List(_) => "a list",
                    _ => "a value",
                }
            ),
        )),
    }
}
