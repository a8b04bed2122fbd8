//! Shoubei MD5 body signature (`sign`), parameterised by the spec's [`Md5SignScheme`].
//!
//! The vendor page does not state the algorithm; the scheme's parameters carry the
//! documentation family's convention so a correction needs no code change.

use std::fmt;

use md5::{Digest, Md5};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use crate::descriptor::Md5SignScheme;

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
fn sign_value(
    scheme: &Md5SignScheme,
    field: &str,
    value: &Value,
) -> Result<Option<String>, UnsignableField> {
    let unsignable = |kind| UnsignableField {
        field: field.to_owned(),
        kind,
    };
    Ok(match value {
        Value::Null if scheme.skip_null => None,
        Value::Null => Some(String::from("null")),
        Value::String(s) if s.is_empty() && scheme.skip_empty => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(value.to_string()),
        Value::Array(_) => return Err(unsignable("an array")),
        Value::Object(_) => return Err(unsignable("an object")),
    })
}

/// What a masked key renders as.
const MASK: &str = "***";

/// The text an MD5 `sign` covers, for one body: every body field except `scheme.field`,
/// sorted by key (byte order, so case-sensitive ASCII order), joined as
/// `k{kv_separator}v` with `pair_separator`, followed by `secret_suffix` with `{key}`
/// replaced by the secret. Values are neither encoded nor trimmed.
///
/// The text holds the institution key, so it only ever renders masked
/// ([`masked`](Self::masked), `Display`, `Debug`: `&key=***`); the exact text exists only
/// while it is hashed.
pub struct StringToSign<'a> {
    scheme: &'a Md5SignScheme,
    /// The joined pairs, without the secret suffix.
    pairs: String,
    key: &'a str,
}

impl<'a> StringToSign<'a> {
    /// The text `body` is signed over with `key`; arrays and objects cannot be signed.
    pub fn new(
        scheme: &'a Md5SignScheme,
        body: &Map<String, Value>,
        key: &'a str,
    ) -> Result<StringToSign<'a>, UnsignableField> {
        let mut pairs: Vec<(&str, String)> = Vec::with_capacity(body.len());
        for (k, v) in body.iter().filter(|(k, _)| k.as_str() != scheme.field) {
            if let Some(v) = sign_value(scheme, k, v)? {
                pairs.push((k.as_str(), v));
            }
        }
        // The map may preserve insertion order, so sort explicitly.
        pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let pairs = pairs
            .iter()
            .map(|(k, v)| format!("{k}{}{v}", scheme.kv_separator))
            .collect::<Vec<_>>()
            .join(&scheme.pair_separator);
        Ok(StringToSign { scheme, pairs, key })
    }

    /// The text with the key written as `***`, for showing what was signed.
    pub fn masked(&self) -> String {
        self.with_key(MASK)
    }

    /// The signature: MD5 of the exact text as 32 hex characters, case per the scheme.
    pub fn sign(&self) -> String {
        let digest = Md5::digest(self.exact().as_bytes());
        crate::hex::encode(&digest, self.scheme.uppercase)
    }

    /// The exact text, key included.
    fn exact(&self) -> String {
        self.with_key(self.key)
    }

    fn with_key(&self, key: &str) -> String {
        let mut out = self.pairs.clone();
        out.push_str(&self.scheme.secret_suffix.replace("{key}", key));
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
    Ok(StringToSign::new(scheme, body, key)?.sign())
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
    let expected = sign(scheme, body, key)?;
    Ok(given.as_bytes().ct_eq(expected.as_bytes()).into())
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
