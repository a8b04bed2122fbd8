//! Shoubei MD5 body signature (`sign`), parameterised by the spec's [`Md5SignScheme`].
//!
//! The vendor page does not state the algorithm; the scheme's parameters carry the
//! documentation family's convention so a correction needs no code change.

use std::borrow::Cow;
use std::fmt;

use md5::{Digest, Md5};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use crate::descriptor::Md5SignScheme;
use crate::raw_object::{self, Kind, RawObject};

/// A body field the scheme cannot sign. Arrays and objects have no text form that the
/// documentation family agrees on (one of its clients refuses them outright), so a
/// signature over them would be invented and the server would reject it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}` is {kind}: the MD5 signature covers only strings, numbers and booleans")]
pub struct UnsignableField {
    /// Name of the field.
    pub field: String,
    /// `an array` or `an object`.
    pub kind: &'static str,
}

/// The text form of a value in the signed string: strings as they are, numbers and
/// booleans as JSON text. `Ok(None)` means "left out".
fn sign_value<'a>(
    scheme: &Md5SignScheme,
    field: &str,
    value: &'a Value,
) -> Result<Option<Cow<'a, str>>, UnsignableField> {
    Ok(match value {
        Value::Null if scheme.skip_null => None,
        Value::Null => Some(Cow::Borrowed("null")),
        Value::String(s) if s.is_empty() && scheme.skip_empty => None,
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Bool(true) => Some(Cow::Borrowed("true")),
        Value::Bool(false) => Some(Cow::Borrowed("false")),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Array(_) => return Err(unsignable(field, "an array")),
        Value::Object(_) => return Err(unsignable(field, "an object")),
    })
}

/// [`sign_value`] of a raw JSON value: the same text as from the `Value` it holds.
fn sign_raw_value<'a>(
    scheme: &Md5SignScheme,
    field: &str,
    value: &'a RawValue,
) -> Result<Option<Cow<'a, str>>, UnsignableField> {
    Ok(match raw_object::kind(value) {
        Kind::Null if scheme.skip_null => None,
        Kind::String => match raw_object::string(value) {
            Some(s) if s.is_empty() && scheme.skip_empty => None,
            Some(s) => Some(s),
            // Unreachable for text that parsed as a string.
            None => Some(raw_object::json_text(value)),
        },
        Kind::Null | Kind::Bool | Kind::Number => Some(raw_object::json_text(value)),
        Kind::Array => return Err(unsignable(field, "an array")),
        Kind::Object => return Err(unsignable(field, "an object")),
    })
}

fn unsignable(field: &str, kind: &'static str) -> UnsignableField {
    UnsignableField {
        field: field.to_owned(),
        kind,
    }
}

/// The signed fields of one body as (key, text), sorted by key: every field but the
/// signature itself, the left-out values dropped.
struct Pairs<'a>(Vec<(&'a str, Cow<'a, str>)>);

impl<'a> Pairs<'a> {
    fn of_map(scheme: &Md5SignScheme, body: &'a Map<String, Value>) -> Result<Self, UnsignableField> {
        let mut fields: Vec<(&str, &Value)> = body
            .iter()
            .filter(|(k, _)| k.as_str() != scheme.field)
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        // The map may preserve insertion order, so sort explicitly; sorted before the
        // values are read, so an unsignable field is reported in key order.
        fields.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut pairs = Vec::with_capacity(fields.len());
        for (k, v) in fields {
            if let Some(text) = sign_value(scheme, k, v)? {
                pairs.push((k, text));
            }
        }
        Ok(Pairs(pairs))
    }

    fn of_raw(scheme: &Md5SignScheme, body: &'a RawObject<'_>) -> Result<Self, UnsignableField> {
        // A `RawObject` is sorted by key already.
        let mut pairs = Vec::with_capacity(body.len());
        for (k, v) in body.iter().filter(|(k, _)| *k != scheme.field) {
            if let Some(text) = sign_raw_value(scheme, k, v)? {
                pairs.push((k, text));
            }
        }
        Ok(Pairs(pairs))
    }

    /// Writes the text to sign to `out`, with `key` where the suffix says `{key}`.
    fn write_to(&self, scheme: &Md5SignScheme, key: &str, out: &mut impl Sink) {
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.put(&scheme.pair_separator);
            }
            out.put(k);
            out.put(&scheme.kv_separator);
            out.put(v);
        }
        // As `secret_suffix.replace("{key}", key)`, without building it.
        for (i, part) in scheme.secret_suffix.split("{key}").enumerate() {
            if i > 0 {
                out.put(key);
            }
            out.put(part);
        }
    }

    /// The MD5 of the text to sign as hex, case per the scheme, written into `out`.
    fn digest_hex<'b>(&self, scheme: &Md5SignScheme, key: &str, out: &'b mut [u8; 32]) -> &'b [u8] {
        let mut md5 = Md5::new();
        self.write_to(scheme, key, &mut md5);
        crate::hex::encode_into(&md5.finalize(), scheme.uppercase, out)
    }

    fn sign(&self, scheme: &Md5SignScheme, key: &str) -> String {
        let mut hex = [0u8; 32];
        let hex = self.digest_hex(scheme, key, &mut hex);
        // Hex digits are ASCII.
        hex.iter().copied().map(char::from).collect()
    }

    /// Constant-time, case-sensitive comparison of `given` with the signature.
    fn matches(&self, scheme: &Md5SignScheme, key: &str, given: &str) -> bool {
        let mut hex = [0u8; 32];
        let expected = self.digest_hex(scheme, key, &mut hex);
        given.as_bytes().ct_eq(expected).into()
    }
}

/// Where the text to sign goes: the hash directly, or a string to show.
trait Sink {
    fn put(&mut self, text: &str);
}

impl Sink for Md5 {
    fn put(&mut self, text: &str) {
        self.update(text.as_bytes());
    }
}

impl Sink for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }
}

/// What a masked key renders as.
const MASK: &str = "***";

/// The text an MD5 `sign` covers, for one body: every body field except `scheme.field`,
/// sorted by key (byte order, so case-sensitive ASCII order), joined as
/// `k{kv_separator}v` with `pair_separator`, followed by `secret_suffix` with `{key}`
/// replaced by the secret. Values are neither encoded nor trimmed.
///
/// The text holds the institution key, so it only ever renders masked
/// ([`masked`](Self::masked), `Display`, `Debug`: `&key=***`); the exact text is only
/// ever fed to the hash.
pub struct StringToSign<'a> {
    scheme: &'a Md5SignScheme,
    pairs: Pairs<'a>,
    key: &'a str,
}

impl<'a> StringToSign<'a> {
    /// The text `body` is signed over with `key`; arrays and objects cannot be signed.
    pub fn new(
        scheme: &'a Md5SignScheme,
        body: &'a Map<String, Value>,
        key: &'a str,
    ) -> Result<StringToSign<'a>, UnsignableField> {
        let pairs = Pairs::of_map(scheme, body)?;
        Ok(StringToSign { scheme, pairs, key })
    }

    /// [`new`](Self::new) for a body read as a [`RawObject`]: the same text as for the
    /// `Value` of the same JSON.
    pub fn of_object(
        scheme: &'a Md5SignScheme,
        body: &'a RawObject<'_>,
        key: &'a str,
    ) -> Result<StringToSign<'a>, UnsignableField> {
        let pairs = Pairs::of_raw(scheme, body)?;
        Ok(StringToSign { scheme, pairs, key })
    }

    /// The text with the key written as `***`, for showing what was signed.
    pub fn masked(&self) -> String {
        let mut out = String::new();
        self.pairs.write_to(self.scheme, MASK, &mut out);
        out
    }

    /// The signature: MD5 of the exact text as 32 hex characters, case per the scheme.
    pub fn sign(&self) -> String {
        self.pairs.sign(self.scheme, self.key)
    }

    /// The exact text, key included.
    #[cfg(test)]
    fn exact(&self) -> String {
        let mut out = String::new();
        self.pairs.write_to(self.scheme, self.key, &mut out);
        out
    }
}

impl fmt::Display for StringToSign<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for StringToSign<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StringToSign").field(&self.masked()).finish()
    }
}

/// The signature of `body`: MD5 of its [`StringToSign`] as 32 hex characters, case per
/// the scheme.
pub fn sign(
    scheme: &Md5SignScheme,
    body: &Map<String, Value>,
    key: &str,
) -> Result<String, UnsignableField> {
    Ok(Pairs::of_map(scheme, body)?.sign(scheme, key))
}

/// [`sign`] of a body read as a [`RawObject`] (from the JSON bytes, without a `Value`):
/// the same signature as for the `Value` of the same JSON.
pub fn sign_object(
    scheme: &Md5SignScheme,
    body: &RawObject<'_>,
    key: &str,
) -> Result<String, UnsignableField> {
    Ok(Pairs::of_raw(scheme, body)?.sign(scheme, key))
}

/// Whether `body[scheme.field]` is the correct signature of the rest of the body.
/// A missing or non-string field is `Ok(false)`; a body the scheme cannot sign is an
/// error, not a mismatch. The comparison is constant-time and case-sensitive in the
/// scheme's case.
pub fn verify(
    scheme: &Md5SignScheme,
    body: &Map<String, Value>,
    key: &str,
) -> Result<bool, UnsignableField> {
    let Some(Value::String(given)) = body.get(scheme.field.as_ref()) else {
        return Ok(false);
    };
    Ok(Pairs::of_map(scheme, body)?.matches(scheme, key, given))
}

/// [`verify`] of a body read as a [`RawObject`]: the same answer as for the `Value` of
/// the same JSON.
pub fn verify_object(
    scheme: &Md5SignScheme,
    body: &RawObject<'_>,
    key: &str,
) -> Result<bool, UnsignableField> {
    let Some(given) = body.get(&scheme.field).and_then(raw_object::string) else {
        return Ok(false);
    };
    Ok(Pairs::of_raw(scheme, body)?.matches(scheme, key, &given))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::descriptor::Text;
    use proptest::prelude::*;
    use serde_json::json;

    /// The convention `spec/shoubei/service.yaml` declares (PROTOCOL.md).
    pub(crate) const SCHEME: Md5SignScheme = Md5SignScheme {
        field: Text::Borrowed("sign"),
        skip_null: true,
        skip_empty: false,
        pair_separator: Text::Borrowed("&"),
        kv_separator: Text::Borrowed("="),
        secret_suffix: Text::Borrowed("&key={key}"),
        uppercase: false,
        verify_response: true,
    };

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    fn example_body() -> Map<String, Value> {
        object(json!({
            "ts": "20240101120000",
            "merchant_no": "851811130002",
            "inst_no": "900024",
            "wf_trace_no": "T0001",
            "shop_no": "862010110001",
            "coupon_code": "1234567890",
            "channel_type": "1",
            "sign": "ignored",
            "remark": null,
        }))
    }

    fn signed_string(body: &Map<String, Value>, key: &str) -> String {
        exact(&SCHEME, body, key).expect("signable body")
    }

    fn exact(
        scheme: &Md5SignScheme,
        body: &Map<String, Value>,
        key: &str,
    ) -> Result<String, UnsignableField> {
        StringToSign::new(scheme, body, key).map(|s| s.exact())
    }

    fn signature(scheme: &Md5SignScheme, body: &Map<String, Value>, key: &str) -> String {
        sign(scheme, body, key).expect("signable body")
    }

    fn verified(body: &Map<String, Value>, key: &str) -> bool {
        verify(&SCHEME, body, key).expect("signable body")
    }

    #[test]
    fn protocol_example() {
        let body = example_body();
        assert_eq!(
            signed_string(&body, "TESTKEY"),
            "channel_type=1&coupon_code=1234567890&inst_no=900024&merchant_no=851811130002&shop_no=862010110001&ts=20240101120000&wf_trace_no=T0001&key=TESTKEY"
        );
        assert_eq!(
            signature(&SCHEME, &body, "TESTKEY"),
            "78ab35f49453f019e0ac126addf01165"
        );
    }

    #[test]
    fn the_key_only_ever_renders_masked() {
        let body = example_body();
        let text = StringToSign::new(&SCHEME, &body, "TESTKEY").expect("signable body");
        let masked = "channel_type=1&coupon_code=1234567890&inst_no=900024&merchant_no=851811130002&shop_no=862010110001&ts=20240101120000&wf_trace_no=T0001&key=***";
        assert_eq!(text.masked(), masked);
        assert_eq!(text.to_string(), masked);
        let debug = format!("{text:?}");
        assert!(
            debug.contains(masked) && !debug.contains("TESTKEY"),
            "{debug}"
        );
        // The signature is still over the exact text.
        assert_eq!(text.sign(), "78ab35f49453f019e0ac126addf01165");
        assert_eq!(
            sign(&SCHEME, &body, "TESTKEY").as_deref(),
            Ok(text.sign().as_str())
        );
    }

    /// The two published vectors of the sibling "openpay" platform (PROTOCOL.md).
    #[test]
    fn sibling_platform_vectors() {
        let first = object(json!({
            "mch_no": "MCH_TEST_001",
            "inst_no": "INST_TEST",
            "total_amount": "100",
            "empty": "",
            "ignored": null,
            "sign": "ffffffffffffffffffffffffffffffff",
        }));
        assert_eq!(
            signed_string(&first, "TEST_ONLY_KEY_123"),
            "empty=&inst_no=INST_TEST&mch_no=MCH_TEST_001&total_amount=100&key=TEST_ONLY_KEY_123"
        );
        assert_eq!(
            signature(&SCHEME, &first, "TEST_ONLY_KEY_123"),
            "182a863b3fdb32adb2991e78f67ab151"
        );
        let second = object(json!({"b": "last", "a_": "underscore", "a": "lower", "A": "upper"}));
        assert_eq!(
            signed_string(&second, "TEST_ONLY_KEY_123"),
            "A=upper&a=lower&a_=underscore&b=last&key=TEST_ONLY_KEY_123"
        );
        assert_eq!(
            signature(&SCHEME, &second, "TEST_ONLY_KEY_123"),
            "e3e0d39008adae0e930fcd521622a6cd"
        );
    }

    #[test]
    fn numbers_and_booleans_as_json_text() {
        let body = object(json!({
            "channel_type": 1,
            "ok": true,
            "empty": "",
            "amount": 12.5,
        }));
        assert_eq!(
            signed_string(&body, "K"),
            "amount=12.5&channel_type=1&empty=&ok=true&key=K"
        );
    }

    #[test]
    fn arrays_and_objects_are_refused_by_name() {
        let list = object(json!({"a": "x", "goods": [1, "a"]}));
        let error = sign(&SCHEME, &list, "K").err();
        assert_eq!(
            error,
            Some(UnsignableField {
                field: Text::Borrowed("goods").into(),
                kind: "an array"
            })
        );
        let nested = object(json!({"detail": {"b": 2}, "sign": "x"}));
        let error = verify(&SCHEME, &nested, "K").err();
        assert_eq!(error.as_ref().map(|e| e.kind), Some("an object"));
        let text = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            text.contains("`detail`") && text.contains("object"),
            "{text}"
        );
        // The signature field itself is never signed, whatever it holds.
        let odd_sign = object(json!({"a": "x", "sign": ["y"]}));
        assert_eq!(verify(&SCHEME, &odd_sign, "K"), Ok(false));
    }

    #[test]
    fn scheme_parameters_apply() {
        let scheme = Md5SignScheme {
            skip_null: false,
            skip_empty: true,
            uppercase: true,
            pair_separator: Text::Borrowed("|"),
            kv_separator: Text::Borrowed(":"),
            secret_suffix: Text::Borrowed("{key}"),
            ..SCHEME
        };
        let body = object(json!({"a": null, "b": "", "c": "x"}));
        assert_eq!(exact(&scheme, &body, "S").as_deref(), Ok("a:null|c:xS"));
        let signature = signature(&scheme, &body, "S");
        assert_eq!(signature, signature.to_uppercase());
        assert_eq!(signature.len(), 32);
    }

    #[test]
    fn verify_checks_field_and_case() {
        let mut body = example_body();
        assert!(!verified(&body, "TESTKEY"), "wrong value");
        body.insert("sign".into(), json!("78ab35f49453f019e0ac126addf01165"));
        assert!(verified(&body, "TESTKEY"));
        assert!(!verified(&body, "OTHER"));
        body.insert("sign".into(), json!("78AB35F49453F019E0AC126ADDF01165"));
        assert!(!verified(&body, "TESTKEY"), "case is part of the scheme");
        body.remove("sign");
        assert!(!verified(&body, "TESTKEY"), "missing sign");
        body.insert("sign".into(), json!(12));
        assert!(!verified(&body, "TESTKEY"), "non-string sign");
    }

    /// Signs and verifies `body` from its JSON text, as the client does.
    fn from_json(
        scheme: &Md5SignScheme,
        body: &Map<String, Value>,
        key: &str,
    ) -> (Result<String, UnsignableField>, Result<bool, UnsignableField>, Result<String, UnsignableField>) {
        let text = serde_json::to_vec(body).expect("a map serialises");
        let object = RawObject::parse(&text).expect("an object");
        let masked = StringToSign::of_object(scheme, &object, key).map(|s| s.masked());
        (sign_object(scheme, &object, key), verify_object(scheme, &object, key), masked)
    }

    fn from_value(
        scheme: &Md5SignScheme,
        body: &Map<String, Value>,
        key: &str,
    ) -> (Result<String, UnsignableField>, Result<bool, UnsignableField>, Result<String, UnsignableField>) {
        let masked = StringToSign::new(scheme, body, key).map(|s| s.masked());
        (sign(scheme, body, key), verify(scheme, body, key), masked)
    }

    #[test]
    fn json_text_signs_as_its_value() {
        let awkward = [
            example_body(),
            object(json!({"é": "零售 \"q\"\\\n\u{1}", "A": "😀", "a": ""})),
            object(json!({"n": 12.5, "big": 18446744073709551615u64, "neg": -3, "f": 1e300, "t": false})),
            object(json!({"null": null, "s": "x", "sign": {"nested": [1]}})),
            object(json!({"z": "1", "detail": {"b": 2, "a": null}, "list": [1]})),
            object(json!({"sign": "78ab35f49453f019e0ac126addf01165", "ts": "1"})),
            Map::new(),
        ];
        let other = Md5SignScheme {
            skip_null: false,
            skip_empty: true,
            uppercase: true,
            secret_suffix: Text::Borrowed("{key}|{key}"),
            ..SCHEME
        };
        for body in &awkward {
            for scheme in [&SCHEME, &other] {
                assert_eq!(from_json(scheme, body, "K"), from_value(scheme, body, "K"), "{body:?}");
            }
        }
        // A signed body verifies from its text.
        let mut signed = example_body();
        signed.insert("sign".into(), json!("78ab35f49453f019e0ac126addf01165"));
        assert_eq!(from_json(&SCHEME, &signed, "TESTKEY").1, Ok(true));
        // Non-canonical number text signs as the number it is.
        let odd = br#"{"a":1E2,"b":-0,"c":"\u0041"}"#;
        let object = RawObject::parse(odd).expect("an object");
        let value: Map<String, Value> = serde_json::from_slice(odd).expect("an object");
        assert_eq!(sign_object(&SCHEME, &object, "K"), sign(&SCHEME, &value, "K"));
        assert_eq!(
            StringToSign::of_object(&SCHEME, &object, "K").map(|s| s.masked()),
            Ok("a=100.0&b=-0.0&c=A&key=***".to_owned())
        );
    }

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ]
    }

    fn nested() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::btree_map("[a-z]{1,4}", inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn body() -> impl Strategy<Value = Map<String, Value>> {
        prop::collection::btree_map("[a-zA-Z_]{1,8}", leaf(), 0..8)
            .prop_map(|m| m.into_iter().collect())
    }

    proptest! {
        /// Signing the JSON text equals signing its `Value`, for any body, signable or not.
        #[test]
        fn json_text_and_value_sign_alike(
            body in prop::collection::btree_map("\\PC{0,6}", prop_oneof![leaf(), nested(), any::<f64>().prop_map(Value::from)], 0..8),
            key in "\\PC{0,8}",
        ) {
            let body: Map<String, Value> = body.into_iter().collect();
            prop_assert_eq!(from_json(&SCHEME, &body, &key), from_value(&SCHEME, &body, &key));
        }

        #[test]
        fn sign_then_verify_round_trips(mut body in body(), key in "[ -~]{0,16}") {
            let signature = signature(&SCHEME, &body, &key);
            body.insert("sign".into(), Value::String(signature));
            prop_assert!(verified(&body, &key));
        }

        #[test]
        fn any_array_or_object_is_refused(
            mut body in body(),
            key in "[ -~]{0,16}",
            field in "[a-zA-Z_]{1,8}",
            value in nested(),
        ) {
            prop_assume!(field != "sign");
            let container = value.is_array() || value.is_object();
            body.insert(field.clone(), value);
            let signed = sign(&SCHEME, &body, &key);
            prop_assert_eq!(signed.is_err(), container);
            if let Err(error) = signed {
                prop_assert_eq!(error.field, field);
                body.insert("sign".into(), Value::from("0".repeat(32)));
                prop_assert!(verify(&SCHEME, &body, &key).is_err());
            }
        }

        #[test]
        fn any_single_byte_change_fails(
            mut body in body(),
            key in "[ -~]{1,16}",
            index in any::<prop::sample::Index>(),
            replacement in any::<u8>(),
        ) {
            let signature = signature(&SCHEME, &body, &key);
            let mut bytes = signature.into_bytes();
            let at = index.index(bytes.len());
            prop_assume!(bytes[at] != replacement);
            bytes[at] = replacement;
            let tampered = String::from_utf8_lossy(&bytes).into_owned();
            body.insert("sign".into(), Value::String(tampered));
            prop_assert!(!verified(&body, &key));
        }

        #[test]
        fn changing_a_signed_string_value_fails(
            mut body in body(),
            key in "[ -~]{1,16}",
            field in "[a-z]{1,6}",
            original in "[a-z0-9]{0,8}",
        ) {
            body.insert(field.clone(), Value::String(original.clone()));
            let signature = signature(&SCHEME, &body, &key);
            body.insert("sign".into(), Value::String(signature));
            body.insert(field, Value::String(format!("{original}x")));
            prop_assert!(!verified(&body, &key));
        }
    }
}
