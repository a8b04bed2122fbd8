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
use crate::hash_writer::HashWriter;
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

/// The signed fields of one body, every one checked signable: every field but the
/// signature itself, in key order, the left-out values dropped when written.
enum Pairs<'a> {
    /// A map that iterates in key order (`serde_json`'s default map), read in place.
    Map(&'a Map<String, Value>),
    /// A raw object, sorted by key already, read in place.
    Raw(&'a RawObject<'a>),
    /// A map in another order: its texts, sorted.
    Sorted(Vec<(&'a str, Cow<'a, str>)>),
}

impl<'a> Pairs<'a> {
    fn of_map(
        scheme: &Md5SignScheme,
        body: &'a Map<String, Value>,
    ) -> Result<Self, UnsignableField> {
        // Of several unsignable fields, the first in key order is reported, whatever
        // order the map keeps.
        let mut refused: Option<UnsignableField> = None;
        let mut previous: Option<&str> = None;
        let mut in_order = true;
        for (k, v) in body {
            in_order &= previous.is_none_or(|p| p < k.as_str());
            previous = Some(k);
            if k.as_str() == scheme.field {
                continue;
            }
            if let Err(error) = sign_value(scheme, k, v) {
                if refused.as_ref().is_none_or(|r| error.field < r.field) {
                    refused = Some(error);
                }
            }
        }
        if let Some(error) = refused {
            return Err(error);
        }
        if in_order && map_iterates_sorted() {
            return Ok(Pairs::Map(body));
        }
        let mut pairs = Vec::with_capacity(body.len());
        for (k, v) in body.iter().filter(|(k, _)| k.as_str() != scheme.field) {
            if let Some(text) = sign_value(scheme, k, v)? {
                pairs.push((k.as_str(), text));
            }
        }
        pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
        Ok(Pairs::Sorted(pairs))
    }

    fn of_raw(scheme: &Md5SignScheme, body: &'a RawObject<'a>) -> Result<Self, UnsignableField> {
        for (k, v) in body.iter().filter(|(k, _)| *k != scheme.field) {
            sign_raw_value(scheme, k, v)?;
        }
        Ok(Pairs::Raw(body))
    }

    /// Writes the text to sign to `out`, with `key` where the suffix says `{key}`.
    fn write_to(&self, scheme: &Md5SignScheme, key: &str, out: &mut impl Sink) {
        // Every value was checked signable when `self` was made.
        let _ = match self {
            Pairs::Map(body) => write_fields(scheme, map_fields(body), sign_value, key, out),
            Pairs::Raw(body) => write_fields(scheme, body.iter(), sign_raw_value, key, out),
            Pairs::Sorted(pairs) => {
                let texts = pairs.iter().map(|(k, v)| (*k, v.as_ref()));
                write_fields(
                    scheme,
                    texts,
                    |_, _, v| Ok(Some(Cow::Borrowed(v))),
                    key,
                    out,
                )
            }
        };
    }

    fn sign(&self, scheme: &Md5SignScheme, key: &str) -> String {
        let mut hex = [0u8; 32];
        let written: Result<_, std::convert::Infallible> = md5_hex(scheme, &mut hex, |out| {
            self.write_to(scheme, key, out);
            Ok(())
        });
        written.map(hex_string).unwrap_or_default()
    }

    /// Constant-time, case-sensitive comparison of `given` with the signature.
    fn matches(&self, scheme: &Md5SignScheme, key: &str, given: &str) -> bool {
        let mut hex = [0u8; 32];
        let written: Result<_, std::convert::Infallible> = md5_hex(scheme, &mut hex, |out| {
            self.write_to(scheme, key, out);
            Ok(())
        });
        written.is_ok_and(|expected| same(given, expected))
    }
}

/// The fields of a map as (key, value).
fn map_fields(body: &Map<String, Value>) -> impl Iterator<Item = (&str, &Value)> {
    body.iter().map(|(k, v)| (k.as_str(), v))
}

/// Whether `serde_json::Map` iterates in key order, as it does unless a crate in the
/// build enables its `preserve_order` feature; then every map is sorted before signing.
fn map_iterates_sorted() -> bool {
    static SORTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SORTED.get_or_init(|| {
        let mut probe = Map::new();
        probe.insert("b".to_owned(), Value::Null);
        probe.insert("a".to_owned(), Value::Null);
        probe.keys().next().map(String::as_str) == Some("a")
    })
}

/// Writes the text to sign of `fields`, given in key order, to `out` in one pass: each
/// field but the signature as `k{kv_separator}text` joined with `pair_separator`, the
/// left-out values dropped, then the suffix with `key`. Stops at the first field that
/// cannot be signed, which is the first in key order.
fn write_fields<'v, V, I, F>(
    scheme: &Md5SignScheme,
    fields: I,
    text: F,
    key: &str,
    out: &mut impl Sink,
) -> Result<(), UnsignableField>
where
    V: ?Sized + 'v,
    I: Iterator<Item = (&'v str, &'v V)>,
    F: Fn(&Md5SignScheme, &str, &'v V) -> Result<Option<Cow<'v, str>>, UnsignableField>,
{
    let mut first = true;
    for (k, v) in fields {
        if k == scheme.field {
            continue;
        }
        let Some(v) = text(scheme, k, v)? else {
            continue;
        };
        if !first {
            out.put(&scheme.pair_separator);
        }
        first = false;
        out.put(k);
        out.put(&scheme.kv_separator);
        out.put(&v);
    }
    // As `secret_suffix.replace("{key}", key)`, without building it.
    let mut rest: &str = &scheme.secret_suffix;
    while let Some(at) = rest.find('{') {
        let (before, from) = rest.split_at(at);
        match from.strip_prefix("{key}") {
            Some(after) => {
                out.put(before);
                out.put(key);
                rest = after;
            }
            None => {
                out.put(&rest[..at + 1]);
                rest = &rest[at + 1..];
            }
        }
    }
    out.put(rest);
    Ok(())
}

/// The MD5 of what `write` writes, as hex in the scheme's case, into `out`.
fn md5_hex<'b, E>(
    scheme: &Md5SignScheme,
    out: &'b mut [u8; 32],
    write: impl FnOnce(&mut HashWriter<Md5>) -> Result<(), E>,
) -> Result<&'b [u8], E> {
    let mut md5 = HashWriter::new(Md5::new());
    write(&mut md5)?;
    Ok(crate::hex::encode_into(
        &md5.finish().finalize(),
        scheme.uppercase,
        out,
    ))
}

fn hex_string(hex: &[u8]) -> String {
    // Hex digits are ASCII.
    std::str::from_utf8(hex).unwrap_or_default().to_owned()
}

/// Constant-time, case-sensitive comparison; the length is not secret. Compared a word
/// at a time: a signature is 32 bytes.
fn same(given: &str, expected: &[u8]) -> bool {
    let given = given.as_bytes();
    if given.len() != expected.len() {
        return false;
    }
    let word = |chunk: &[u8]| {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        u64::from_le_bytes(word)
    };
    let mut equal = subtle::Choice::from(1);
    for (a, b) in given.chunks(8).zip(expected.chunks(8)) {
        equal &= word(a).ct_eq(&word(b));
    }
    equal.into()
}

/// Where the text to sign goes: the hash directly, or a string to show.
trait Sink {
    fn put(&mut self, text: &str);
}

impl Sink for HashWriter<Md5> {
    #[inline]
    fn put(&mut self, text: &str) {
        HashWriter::put(self, text.as_bytes());
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
        body: &'a RawObject<'a>,
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
    if !map_iterates_sorted() {
        return Ok(Pairs::of_map(scheme, body)?.sign(scheme, key));
    }
    let mut hex = [0u8; 32];
    md5_hex(scheme, &mut hex, |out| {
        write_fields(scheme, map_fields(body), sign_value, key, out)
    })
    .map(hex_string)
}

/// [`sign`] of a body read as a [`RawObject`] (from the JSON bytes, without a `Value`):
/// the same signature as for the `Value` of the same JSON.
pub fn sign_object(
    scheme: &Md5SignScheme,
    body: &RawObject<'_>,
    key: &str,
) -> Result<String, UnsignableField> {
    let mut hex = [0u8; 32];
    md5_hex(scheme, &mut hex, |out| {
        write_fields(scheme, body.iter(), sign_raw_value, key, out)
    })
    .map(hex_string)
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
    if !map_iterates_sorted() {
        return Ok(Pairs::of_map(scheme, body)?.matches(scheme, key, given));
    }
    let mut hex = [0u8; 32];
    md5_hex(scheme, &mut hex, |out| {
        write_fields(scheme, map_fields(body), sign_value, key, out)
    })
    .map(|expected| same(given, expected))
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
    let mut hex = [0u8; 32];
    md5_hex(scheme, &mut hex, |out| {
        write_fields(scheme, body.iter(), sign_raw_value, key, out)
    })
    .map(|expected| same(&given, expected))
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
    fn the_suffix_replaces_every_key_placeholder() {
        let body = object(json!({"a": "1"}));
        for suffix in [
            "",
            "{key}",
            "&key={key}",
            "{key}{key}",
            "{ke{key}}{",
            "{",
            "{{key}",
            "k}{",
        ] {
            let scheme = Md5SignScheme {
                secret_suffix: Text::Borrowed(suffix),
                ..SCHEME
            };
            let expected = format!("a=1{}", suffix.replace("{key}", "K{key}"));
            assert_eq!(
                exact(&scheme, &body, "K{key}").as_deref(),
                Ok(expected.as_str()),
                "{suffix}"
            );
        }
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
        for length in [
            "78ab35f49453f019e0ac126addf0116",
            "78ab35f49453f019e0ac126addf011650",
            "",
        ] {
            body.insert("sign".into(), json!(length));
            assert!(!verified(&body, "TESTKEY"), "length {}", length.len());
        }
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
    ) -> (
        Result<String, UnsignableField>,
        Result<bool, UnsignableField>,
        Result<String, UnsignableField>,
    ) {
        let text = serde_json::to_vec(body).expect("a map serialises");
        let object = RawObject::parse(&text).expect("an object");
        let masked = StringToSign::of_object(scheme, &object, key).map(|s| s.masked());
        (
            sign_object(scheme, &object, key),
            verify_object(scheme, &object, key),
            masked,
        )
    }

    fn from_value(
        scheme: &Md5SignScheme,
        body: &Map<String, Value>,
        key: &str,
    ) -> (
        Result<String, UnsignableField>,
        Result<bool, UnsignableField>,
        Result<String, UnsignableField>,
    ) {
        let masked = StringToSign::new(scheme, body, key).map(|s| s.masked());
        (sign(scheme, body, key), verify(scheme, body, key), masked)
    }

    #[test]
    fn json_text_signs_as_its_value() {
        let awkward = [
            example_body(),
            object(json!({"é": "零售 \"q\"\\\n\u{1}", "A": "😀", "a": ""})),
            object(
                json!({"n": 12.5, "big": 18446744073709551615u64, "neg": -3, "f": 1e300, "t": false}),
            ),
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
                assert_eq!(
                    from_json(scheme, body, "K"),
                    from_value(scheme, body, "K"),
                    "{body:?}"
                );
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
        assert_eq!(
            sign_object(&SCHEME, &object, "K"),
            sign(&SCHEME, &value, "K")
        );
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
