//! Vendor envelopes and error codes, read from the spec: success and error bodies for any
//! service, whatever its field names and code types.

use retail_apis_codegen::model::{Code, EnvelopeDescriptor, Service};
use serde_json::{Map, Value};

/// A business error to answer: spec error name, fallback code when the spec lacks that
/// name, and a detail appended to the spec's description.
#[derive(Debug)]
pub(crate) struct BusinessError {
    pub name: &'static str,
    pub fallback_code: &'static str,
    pub fallback_description: &'static str,
    pub detail: Option<String>,
}

impl BusinessError {
    /// The spec's `invalid_parameter` error, naming the offending field.
    pub fn invalid_parameter(detail: String) -> BusinessError {
        BusinessError {
            name: "invalid_parameter",
            // The documented system error: the only code every JDY page lists.
            fallback_code: "2000002000",
            fallback_description: "invalid parameter",
            detail: Some(detail),
        }
    }
}

/// Code and description of the error named `name` in the service's `errors`, or the
/// fallback.
pub(crate) fn lookup(
    service: &Service,
    name: &str,
    fallback_code: &str,
    fallback_description: &str,
) -> (String, String) {
    match service.errors.iter().find(|e| e.name == name) {
        Some(e) => (e.code.to_string(), e.description.to_string()),
        None => (fallback_code.to_owned(), fallback_description.to_owned()),
    }
}

/// The success code as JSON.
pub(crate) fn success_code(envelope: &EnvelopeDescriptor) -> Value {
    match &envelope.success_code {
        Code::Int(n) => Value::from(*n),
        Code::Str(s) => Value::from(s.as_ref()),
    }
}

/// An error code in the envelope's code type: integer codes for integer envelopes
/// (`2000002000`), strings otherwise (`"0205"`, leading zero kept).
pub(crate) fn code_value(envelope: &EnvelopeDescriptor, code: &str) -> Value {
    match envelope.success_code {
        Code::Int(_) => code
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(code)),
        Code::Str(_) => Value::from(code),
    }
}

/// Whether a full response body reports success.
pub(crate) fn is_success(envelope: &EnvelopeDescriptor, body: &Value) -> bool {
    let code_ok = match (
        &envelope.success_code,
        body.get(envelope.code_field.as_ref()),
    ) {
        (Code::Int(n), Some(v)) => v.as_i64() == Some(*n),
        (Code::Str(s), Some(v)) => v.as_str() == Some(s.as_ref()),
        (_, None) => false,
    };
    let result_ok = match &envelope.result {
        Some(check) => match body.get(check.field.as_ref()) {
            Some(v) => v.as_str() == Some(check.success.as_ref()),
            None => true,
        },
        None => true,
    };
    code_ok && result_ok
}

/// The payload of a full success body: `data` for wrapped envelopes, the body itself for
/// flat ones.
pub(crate) fn payload_of(envelope: &EnvelopeDescriptor, body: &Value) -> Option<Value> {
    match &envelope.data_field {
        Some(field) => body.get(field.as_ref()).cloned(),
        None => Some(body.clone()),
    }
}

/// A success body around `payload`. Flat envelopes merge the status fields into the
/// payload object.
pub(crate) fn success_body(envelope: &EnvelopeDescriptor, message: &str, payload: Value) -> Value {
    let mut body = match &envelope.data_field {
        Some(field) => {
            let mut body = Map::new();
            body.insert(field.to_string(), payload);
            body
        }
        None => match payload {
            Value::Object(map) => map,
            _ => Map::new(),
        },
    };
    body.insert(envelope.code_field.to_string(), success_code(envelope));
    body.insert(envelope.message_field.to_string(), Value::from(message));
    if let Some(check) = &envelope.result {
        body.insert(check.field.to_string(), Value::from(check.success.as_ref()));
    }
    Value::Object(body)
}

/// An error body with `code` and `message`; flat envelopes also say the business result
/// failed (`result_code: FAIL`), as the vendor's own failure example does.
pub(crate) fn error_body(
    envelope: &EnvelopeDescriptor,
    code: &str,
    message: &str,
) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert(envelope.code_field.to_string(), code_value(envelope, code));
    body.insert(envelope.message_field.to_string(), Value::from(message));
    if let Some(check) = &envelope.result {
        body.insert(check.field.to_string(), Value::from("FAIL"));
    }
    body
}

/// The error body of a [`BusinessError`].
pub(crate) fn business_error_body(service: &Service, error: &BusinessError) -> Map<String, Value> {
    let (code, description) = lookup(
        service,
        error.name,
        error.fallback_code,
        error.fallback_description,
    );
    let message = match &error.detail {
        Some(detail) => format!("{description}: {detail}"),
        None => description,
    };
    error_body(&service.envelope, &code, &message)
}
