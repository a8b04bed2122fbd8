//! Response envelopes, driven by [`EnvelopeDescriptor`]: status code check, business
//! errors with their descriptor entries, and payload decoding.

use std::ops::Range;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::descriptor::{Code, EnvelopeDescriptor, ErrorCodeInfo, ServiceDescriptor};
use crate::error::{snippet, Error};
use crate::raw_object::{self, Kind, RawObject};
use crate::transport::{CallInfo, Response};

/// A code value as text: strings as they are, numbers as JSON text.
pub(crate) fn code_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The descriptor entry of `code` as received with HTTP `status`: an entry declared
/// for that status (no status meaning 200) wins over one declared for another status.
pub(crate) fn known_error(
    service: &'static ServiceDescriptor,
    code: &str,
    status: u16,
) -> Option<&'static ErrorCodeInfo> {
    let declared = if status == 200 { None } else { Some(status) };
    service
        .errors
        .iter()
        .find(|e| e.code == code && e.http_status.filter(|s| *s != 200) == declared)
        .or_else(|| service.error(code, None))
}

fn code_matches(expected: &Code, actual: &str) -> bool {
    match expected {
        // Compare as numbers so `0` and `"0"` both count as success.
        Code::Int(n) => actual.trim().parse::<i64>() == Ok(*n),
        Code::Str(s) => actual == s.as_ref(),
    }
}

fn text_field(body: &Map<String, Value>, field: &str) -> String {
    match body.get(field) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// [`code_text`] of a raw value: the same text as from the `Value` it holds.
fn raw_code_text(value: &RawValue) -> Option<String> {
    match raw_object::kind(value) {
        Kind::String => raw_object::string(value).map(Into::into),
        Kind::Number => Some(raw_object::json_text(value).into_owned()),
        _ => None,
    }
}

/// [`text_field`] of a raw object.
fn raw_text_field(body: &RawObject<'_>, field: &str) -> String {
    match body.get(field) {
        None => String::new(),
        Some(value) => match raw_object::kind(value) {
            Kind::Null => String::new(),
            Kind::String => raw_object::string(value)
                .map(Into::into)
                .unwrap_or_default(),
            _ => raw_object::json_text(value).into_owned(),
        },
    }
}

/// Reads a body as a JSON object, or a [`Error::Decode`] with a bounded snippet.
pub(crate) fn parse_object<'a>(call: &CallInfo, body: &'a [u8]) -> Result<RawObject<'a>, Error> {
    RawObject::parse(body).map_err(|e| decode_error(call, &e.to_string(), body))
}

pub(crate) fn decode_error(call: &CallInfo, message: &str, body: &[u8]) -> Error {
    Error::Decode {
        service: call.service,
        operation: call.operation,
        message: message.to_owned(),
        snippet: snippet(body),
    }
}

/// Checks the status code (and the result check, if any) of a 2xx body.
///
/// A failing body becomes [`Error::Business`]: the code is the status code, or the
/// result field's value when only the result check failed. A missing result field is
/// accepted, as the vendor sends it only alongside a successful status code.
pub(crate) fn check(
    service: &'static ServiceDescriptor,
    call: &CallInfo,
    body: &RawObject<'_>,
    raw: &[u8],
) -> Result<(), Error> {
    let envelope = &service.envelope;
    let Some(code) = body.get(&envelope.code_field).and_then(raw_code_text) else {
        return Err(decode_error(
            call,
            &format!("missing status field `{}`", envelope.code_field),
            raw,
        ));
    };
    let failed_code = if !code_matches(&envelope.success_code, &code) {
        Some(code)
    } else {
        envelope.result.as_ref().and_then(|check| {
            body.get(&check.field)
                .and_then(raw_code_text)
                .filter(|value| value.as_str() != check.success)
        })
    };
    match failed_code {
        None => Ok(()),
        Some(code) => Err(Error::Business {
            service: call.service,
            operation: call.operation,
            known: known_error(service, &code, 200),
            message: raw_text_field(body, &envelope.message_field),
            code,
        }),
    }
}

/// The JSON of a successful answer's payload: the envelope's data field, or the whole
/// body for flat envelopes. Kept as the body's bytes, so the caller's type decodes
/// straight from them.
#[derive(Clone)]
pub struct Payload {
    body: Vec<u8>,
    /// Where the payload is in `body`; `None` when the data field is absent.
    data: Option<Range<usize>>,
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A token response's payload holds the token.
        f.debug_struct("Payload")
            .field("bytes", &self.json().len())
            .finish()
    }
}

impl Payload {
    pub(crate) fn new(body: Vec<u8>, data: Option<Range<usize>>) -> Payload {
        Payload { body, data }
    }

    /// The payload's JSON text; `null` when the data field is absent.
    pub fn json(&self) -> &[u8] {
        match &self.data {
            Some(range) => self.body.get(range.clone()).unwrap_or(b"null"),
            None => b"null",
        }
    }
}

/// Where the payload of a successful `body` (read from `raw`) is in `raw`: the data
/// field (`None` when absent), or the whole body for flat envelopes.
pub(crate) fn payload_range(
    envelope: &EnvelopeDescriptor,
    body: &RawObject<'_>,
    raw: &[u8],
) -> Option<Range<usize>> {
    match &envelope.data_field {
        Some(field) => body.get(field).and_then(|data| range_in(raw, data.get())),
        None => Some(0..raw.len()),
    }
}

/// The place of `part` in `whole`, when `part` is a slice of it (a raw value borrowed
/// from the body it was read from).
fn range_in(whole: &[u8], part: &str) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len()).then_some(start..end)
}

/// The error for a non-2xx status other than a gateway rejection: a business error when
/// the body is an envelope whose code the descriptor lists with this status, otherwise
/// [`Error::HttpStatus`] with a snippet.
pub(crate) fn status_error(
    service: &'static ServiceDescriptor,
    call: &CallInfo,
    raw: &Response,
) -> Error {
    let envelope = &service.envelope;
    if let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&raw.body) {
        if let Some(code) = body.get(envelope.code_field.as_ref()).and_then(code_text) {
            if let Some(known) = service.error(&code, Some(raw.status)) {
                return Error::Business {
                    service: call.service,
                    operation: call.operation,
                    message: text_field(&body, &envelope.message_field),
                    code,
                    known: Some(known),
                };
            }
        }
    }
    Error::HttpStatus {
        service: call.service,
        operation: call.operation,
        status: raw.status,
        snippet: snippet(&raw.body),
        retry_after: crate::transport::retry_after::from_headers(&raw.headers),
    }
}

/// The request as JSON bytes, or an `Encode` error naming the call.
pub(crate) fn encode_request<Req: serde::Serialize + ?Sized>(
    call: &CallInfo,
    request: &Req,
) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(request).map_err(|e| Error::Encode {
        service: call.service,
        operation: call.operation,
        message: e.to_string(),
    })
}

/// Decodes a payload into the caller's type. A `null` (or absent) payload that the type
/// does not accept is retried as `{}`, so response structs whose fields are all optional
/// decode from an empty `data`.
///
/// The vendor reported success, so a write was applied even when its answer does not fit
/// the type: that failure is an unknown outcome to the caller, never a plain error that
/// invites a repeat.
pub(crate) fn decode_payload<T: DeserializeOwned>(
    call: &CallInfo,
    payload: &Payload,
) -> Result<T, Error> {
    decode_json(call, payload.json()).map_err(|e| call.outcome_unknown(e))
}

/// Decodes `json` straight from its bytes. Decoding means what it meant when it went
/// through a `Value` (a repeated key keeps its last value, an error reads the same), so
/// whatever the bytes do not decode to is decided by the `Value` of the same text.
fn decode_json<T: DeserializeOwned>(call: &CallInfo, json: &[u8]) -> Result<T, Error> {
    if let Ok(value) = serde_json::from_slice::<T>(json) {
        return Ok(value);
    }
    match serde_json::from_slice::<Value>(json) {
        Ok(payload) => decode_value(call, payload),
        Err(e) => Err(decode_error(call, &e.to_string(), json)),
    }
}

fn decode_value<T: DeserializeOwned>(call: &CallInfo, payload: Value) -> Result<T, Error> {
    let is_null = payload.is_null();
    match T::deserialize(&payload) {
        Ok(value) => Ok(value),
        Err(_) if is_null => T::deserialize(&Value::Object(Map::new()))
            .map_err(|e| decode_error(call, &e.to_string(), b"null")),
        Err(e) => Err(decode_error(
            call,
            &e.to_string(),
            payload.to_string().as_bytes(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{AuthScheme, ErrorAction, ErrorCodeInfo, Processed, ResultCheck};
    use crate::descriptor::{List, Text};
    use serde_json::json;

    const INFO: CallInfo = CallInfo {
        service: "svc",
        operation: "op",
        idempotent: false,
        write: false,
        key: None,
    };

    const ERRORS: &[ErrorCodeInfo] = &[
        ErrorCodeInfo {
            code: Text::Borrowed("1000202001"),
            http_status: None,
            name: Text::Borrowed("jwt_token_expired"),
            description: Text::Borrowed("JWT token has expired"),
            action: ErrorAction::RefreshToken,
            retryable: false,
            processed: Processed::Never,
        },
        ErrorCodeInfo {
            code: Text::Borrowed("40101"),
            http_status: Some(401),
            name: Text::Borrowed("unauthorized"),
            description: Text::Borrowed(""),
            action: ErrorAction::None,
            retryable: false,
            processed: Processed::Never,
        },
    ];

    use crate::shoubei::signing::tests::SCHEME;

    const WRAPPED: ServiceDescriptor = ServiceDescriptor {
        name: Text::Borrowed("svc"),
        base_url: Text::Borrowed("http://localhost"),
        auth: AuthScheme::Md5BodySign(SCHEME),
        envelope: EnvelopeDescriptor {
            code_field: Text::Borrowed("errcode"),
            success_code: Code::Int(0),
            message_field: Text::Borrowed("description"),
            data_field: Some(Text::Borrowed("data")),
            result: None,
        },
        errors: List::Borrowed(ERRORS),
        endpoints: List::Borrowed(&[]),
    };

    const FLAT: ServiceDescriptor = ServiceDescriptor {
        envelope: EnvelopeDescriptor {
            code_field: Text::Borrowed("return_code"),
            success_code: Code::Str(Text::Borrowed("SUCCESS")),
            message_field: Text::Borrowed("return_msg"),
            data_field: None,
            result: Some(ResultCheck {
                field: Text::Borrowed("result_code"),
                success: Text::Borrowed("SUCCESS"),
            }),
        },
        name: Text::Borrowed("svc"),
        base_url: Text::Borrowed("http://localhost"),
        auth: AuthScheme::Md5BodySign(SCHEME),
        errors: List::Borrowed(ERRORS),
        endpoints: List::Borrowed(&[]),
    };

    /// [`check`] of `body` as it arrives: JSON text read as a raw object.
    fn check_value(
        service: &'static ServiceDescriptor,
        body: &Value,
        raw: &[u8],
    ) -> Result<(), Error> {
        let text = serde_json::to_vec(body).expect("a value serialises");
        let object = RawObject::parse(&text).expect("an object");
        check(service, &INFO, &object, raw)
    }

    /// The payload of a successful `body` under `envelope`, as the client reads it.
    fn payload(envelope: &EnvelopeDescriptor, body: Value) -> Value {
        let text = serde_json::to_vec(&body).expect("a value serialises");
        let object = RawObject::parse(&text).expect("an object");
        let range = payload_range(envelope, &object, &text);
        let payload = Payload::new(text.clone(), range);
        serde_json::from_slice(payload.json()).expect("payload JSON")
    }

    fn payload_of(json: Value) -> Payload {
        let text = serde_json::to_vec(&json).expect("a value serialises");
        let len = text.len();
        Payload::new(text, Some(0..len))
    }

    #[test]
    fn integer_success_code_accepts_number_and_string() {
        for body in [json!({"errcode": 0}), json!({"errcode": "0"})] {
            assert!(check_value(&WRAPPED, &body, b"").is_ok());
        }
    }

    #[test]
    fn business_error_carries_known_entry() {
        let body = json!({"errcode": 1000202001, "description": "JWT token has expired"});
        match check_value(&WRAPPED, &body, b"") {
            Err(Error::Business {
                code,
                message,
                known,
                ..
            }) => {
                assert_eq!(code, "1000202001");
                assert_eq!(message, "JWT token has expired");
                assert_eq!(known.map(|k| k.action), Some(ErrorAction::RefreshToken));
            }
            other => panic!("unexpected {other:?}"),
        }
        let unknown = json!({"errcode": 7, "description": null});
        match check_value(&WRAPPED, &unknown, b"") {
            Err(Error::Business {
                code,
                known,
                message,
                ..
            }) => {
                assert_eq!(code, "7");
                assert!(known.is_none());
                assert_eq!(message, "");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn missing_code_is_a_decode_error() {
        let body = json!({"data": {}});
        assert!(matches!(
            check_value(&WRAPPED, &body, b"{\"data\":{}}"),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn flat_envelope_result_check() {
        let ok = json!({"return_code": "SUCCESS", "result_code": "SUCCESS"});
        assert!(check_value(&FLAT, &ok, b"").is_ok());
        let no_result = json!({"return_code": "SUCCESS"});
        assert!(check_value(&FLAT, &no_result, b"").is_ok());
        let refunded =
            json!({"return_code": "0205", "return_msg": "券码已退款", "result_code": "FAIL"});
        match check_value(&FLAT, &refunded, b"") {
            Err(Error::Business { code, message, .. }) => {
                assert_eq!(code, "0205");
                assert_eq!(message, "券码已退款");
            }
            other => panic!("unexpected {other:?}"),
        }
        let failed = json!({"return_code": "SUCCESS", "return_msg": "no", "result_code": "FAIL"});
        assert_eq!(
            check_value(&FLAT, &failed, b"")
                .err()
                .and_then(|e| e.code().map(str::to_owned)),
            Some("FAIL".to_owned())
        );
    }

    #[test]
    fn payload_selection() {
        let body = json!({"errcode": 0, "data": {"a": 1}});
        assert_eq!(payload(&WRAPPED.envelope, body), json!({"a": 1}));
        assert_eq!(
            payload(&WRAPPED.envelope, json!({"errcode": 0})),
            Value::Null
        );
        let flat = json!({"return_code": "SUCCESS", "x": 1});
        assert_eq!(payload(&FLAT.envelope, flat.clone()), flat);
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct AllOptional {
        id: Option<String>,
    }

    #[derive(serde::Deserialize, Debug)]
    struct Required {
        #[allow(dead_code)]
        id: String,
    }

    #[test]
    fn null_payload_decoding() {
        assert!(decode_payload::<()>(&INFO, &payload_of(Value::Null)).is_ok());
        assert_eq!(
            decode_payload::<Value>(&INFO, &payload_of(Value::Null)).ok(),
            Some(Value::Null)
        );
        assert_eq!(
            decode_payload::<AllOptional>(&INFO, &payload_of(Value::Null)).ok(),
            Some(AllOptional { id: None })
        );
        assert_eq!(
            decode_payload::<Option<AllOptional>>(&INFO, &payload_of(Value::Null)).ok(),
            Some(None)
        );
        assert!(matches!(
            decode_payload::<Required>(&INFO, &payload_of(Value::Null)),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(
            decode_payload::<Required>(&INFO, &payload_of(json!({"id": 5}))),
            Err(Error::Decode { .. })
        ));
    }

    fn raw_payload(text: &str) -> Payload {
        Payload::new(text.as_bytes().to_vec(), Some(0..text.len()))
    }

    #[test]
    fn bytes_decode_as_their_value_does() {
        // A repeated key keeps its last value, as in a `Value`.
        assert_eq!(
            decode_payload::<AllOptional>(&INFO, &raw_payload(r#"{"id":"a","id":"b"}"#)).ok(),
            Some(AllOptional {
                id: Some("b".to_owned())
            })
        );
        // An error names what the `Value` shows, keys sorted, whitespace gone.
        match decode_payload::<Required>(&INFO, &raw_payload(r#"{ "z": 1, "id": 5 }"#)) {
            Err(Error::Decode {
                message, snippet, ..
            }) => {
                assert_eq!(message, "invalid type: integer `5`, expected a string");
                assert_eq!(snippet, r#"{"id":5,"z":1}"#);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(decode_payload::<Value>(&INFO, &raw_payload("[1, 2]")).is_ok());
    }

    #[test]
    fn non_2xx_bodies() {
        let raw = Response {
            status: 401,
            headers: Default::default(),
            body: br#"{"errcode": 40101, "description": "nope"}"#.to_vec(),
        };
        assert!(matches!(
            status_error(&WRAPPED, &INFO, &raw),
            Error::Business { .. }
        ));
        let html = Response {
            status: 502,
            headers: Default::default(),
            body: b"<html>bad gateway</html>".to_vec(),
        };
        match status_error(&WRAPPED, &INFO, &html) {
            Error::HttpStatus {
                status, snippet, ..
            } => {
                assert_eq!(status, 502);
                assert_eq!(snippet, "<html>bad gateway</html>");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn known_error_prefers_the_status_it_arrived_with() {
        const SAME_CODE: &[ErrorCodeInfo] = &[
            ErrorCodeInfo {
                code: Text::Borrowed("4008"),
                http_status: Some(519),
                name: Text::Borrowed("gateway_signature_invalid"),
                description: Text::Borrowed(""),
                action: ErrorAction::None,
                retryable: false,
                processed: Processed::Never,
            },
            ErrorCodeInfo {
                code: Text::Borrowed("4008"),
                http_status: None,
                name: Text::Borrowed("business_4008"),
                description: Text::Borrowed(""),
                action: ErrorAction::None,
                retryable: false,
                processed: Processed::Never,
            },
        ];
        static SERVICE: ServiceDescriptor = ServiceDescriptor {
            name: Text::Borrowed("svc"),
            base_url: Text::Borrowed("http://localhost"),
            auth: AuthScheme::Md5BodySign(SCHEME),
            envelope: WRAPPED.envelope,
            errors: List::Borrowed(SAME_CODE),
            endpoints: List::Borrowed(&[]),
        };
        let name = |status| known_error(&SERVICE, "4008", status).map(|k| k.name.as_ref());
        assert_eq!(name(519), Some("gateway_signature_invalid"));
        assert_eq!(name(200), Some("business_4008"));
        assert_eq!(known_error(&SERVICE, "9999", 200), None);
    }

    #[test]
    fn non_object_bodies() {
        assert!(matches!(
            parse_object(&INFO, b"[1]"),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(
            parse_object(&INFO, b"{\"a\":"),
            Err(Error::Decode { .. })
        ));
        assert!(parse_object(&INFO, b"{}").is_ok());
    }
}
