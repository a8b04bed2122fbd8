//! Shoubei MD5 body signature (`sign`), parameterised by the spec's [`Md5SignScheme`].
//!
//! The vendor page does not state the algorithm; the scheme's parameters carry the
//! documentation family's convention so a correction needs no code change.

use md5::{Digest, Md5};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use crate::descriptor::Md5SignScheme;

/// The text form of a value in the signed string: strings as they are, numbers and
/// booleans as JSON text, objects and arrays as compact JSON. `None` means "left out".
fn sign_value(scheme: &Md5SignScheme, value: &Value) -> Option<String> {
    match value {
        Value::Null if scheme.skip_null => None,
        Value::Null => Some(String::from("null")),
        Value::String(s) if s.is_empty() && scheme.skip_empty => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The string that is hashed: every body field except `scheme.field`, sorted by key
/// (byte order), joined as `k{kv_separator}v` with `pair_separator`, followed by
/// `secret_suffix` with `{key}` replaced by the secret.
pub fn string_to_sign(scheme: &Md5SignScheme, body: &Map<String, Value>, key: &str) -> String {
    let mut pairs: Vec<(&str, String)> = body
        .iter()
        .filter(|(k, _)| k.as_str() != scheme.field)
        .filter_map(|(k, v)| sign_value(scheme, v).map(|v| (k.as_str(), v)))
        .collect();
    // The map may preserve insertion order, so sort explicitly.
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = pairs
        .iter()
        .map(|(k, v)| format!("{k}{}{v}", scheme.kv_separator))
        .collect::<Vec<_>>()
        .join(scheme.pair_separator);
    out.push_str(&scheme.secret_suffix.replace("{key}", key));
    out
}

/// The signature: MD5 of [`string_to_sign`] as 32 hex characters, case per the scheme.
pub fn sign(scheme: &Md5SignScheme, body: &Map<String, Value>, key: &str) -> String {
    let digest = Md5::digest(string_to_sign(scheme, body, key).as_bytes());
    crate::hex::encode(&digest, scheme.uppercase)
}

/// Whether `body[scheme.field]` is the correct signature of the rest of the body.
/// A missing or non-string field fails. The comparison is constant-time and
/// case-sensitive in the scheme's case.
pub fn verify(scheme: &Md5SignScheme, body: &Map<String, Value>, key: &str) -> bool {
    let Some(Value::String(given)) = body.get(scheme.field) else {
        return false;
    };
    let expected = sign(scheme, body, key);
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    const SCHEME: Md5SignScheme = Md5SignScheme {
        field: "sign",
        skip_null: true,
        skip_empty: false,
        pair_separator: "&",
        kv_separator: "=",
        secret_suffix: "&key={key}",
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

    #[test]
    fn protocol_example() {
        let body = example_body();
        assert_eq!(
            string_to_sign(&SCHEME, &body, "TESTKEY"),
            "channel_type=1&coupon_code=1234567890&inst_no=900024&merchant_no=851811130002&shop_no=862010110001&ts=20240101120000&wf_trace_no=T0001&key=TESTKEY"
        );
        assert_eq!(
            sign(&SCHEME, &body, "TESTKEY"),
            "78ab35f49453f019e0ac126addf01165"
        );
    }

    #[test]
    fn non_string_values_as_json_text() {
        let body = object(json!({
            "channel_type": 1,
            "ok": true,
            "list": [1, "a"],
            "obj": {"b": 2, "a": "x"},
            "empty": "",
            "amount": 12.5,
        }));
        // serde_json keeps object keys sorted unless `preserve_order` is on.
        let nested = json!({"b": 2, "a": "x"}).to_string();
        assert_eq!(
            string_to_sign(&SCHEME, &body, "K"),
            format!("amount=12.5&channel_type=1&empty=&list=[1,\"a\"]&obj={nested}&ok=true&key=K")
        );
    }

    #[test]
    fn scheme_parameters_apply() {
        let scheme = Md5SignScheme {
            skip_null: false,
            skip_empty: true,
            uppercase: true,
            pair_separator: "|",
            kv_separator: ":",
            secret_suffix: "{key}",
            ..SCHEME
        };
        let body = object(json!({"a": null, "b": "", "c": "x"}));
        assert_eq!(string_to_sign(&scheme, &body, "S"), "a:null|c:xS");
        let signature = sign(&scheme, &body, "S");
        assert_eq!(signature, signature.to_uppercase());
        assert_eq!(signature.len(), 32);
    }

    #[test]
    fn verify_checks_field_and_case() {
        let mut body = example_body();
        assert!(!verify(&SCHEME, &body, "TESTKEY"), "wrong value");
        body.insert("sign".into(), json!("78ab35f49453f019e0ac126addf01165"));
        assert!(verify(&SCHEME, &body, "TESTKEY"));
        assert!(!verify(&SCHEME, &body, "OTHER"));
        body.insert("sign".into(), json!("78AB35F49453F019E0AC126ADDF01165"));
        assert!(
            !verify(&SCHEME, &body, "TESTKEY"),
            "case is part of the scheme"
        );
        body.remove("sign");
        assert!(!verify(&SCHEME, &body, "TESTKEY"), "missing sign");
        body.insert("sign".into(), json!(12));
        assert!(!verify(&SCHEME, &body, "TESTKEY"), "non-string sign");
    }

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::btree_map("[a-z]{1,4}", inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn body() -> impl Strategy<Value = Map<String, Value>> {
        prop::collection::btree_map("[a-zA-Z_]{1,8}", value(), 0..8)
            .prop_map(|m| m.into_iter().collect())
    }

    proptest! {
        #[test]
        fn sign_then_verify_round_trips(mut body in body(), key in "[ -~]{0,16}") {
            let signature = sign(&SCHEME, &body, &key);
            body.insert("sign".into(), Value::String(signature));
            prop_assert!(verify(&SCHEME, &body, &key));
        }

        #[test]
        fn any_single_byte_change_fails(
            mut body in body(),
            key in "[ -~]{1,16}",
            index in any::<prop::sample::Index>(),
            replacement in any::<u8>(),
        ) {
            let signature = sign(&SCHEME, &body, &key);
            let mut bytes = signature.into_bytes();
            let at = index.index(bytes.len());
            prop_assume!(bytes[at] != replacement);
            bytes[at] = replacement;
            let tampered = String::from_utf8_lossy(&bytes).into_owned();
            body.insert("sign".into(), Value::String(tampered));
            prop_assert!(!verify(&SCHEME, &body, &key));
        }

        #[test]
        fn changing_a_signed_string_value_fails(
            mut body in body(),
            key in "[ -~]{1,16}",
            field in "[a-z]{1,6}",
            original in "[a-z0-9]{0,8}",
        ) {
            body.insert(field.clone(), Value::String(original.clone()));
            let signature = sign(&SCHEME, &body, &key);
            body.insert("sign".into(), Value::String(signature));
            body.insert(field, Value::String(format!("{original}x")));
            prop_assert!(!verify(&SCHEME, &body, &key));
        }
    }
}
