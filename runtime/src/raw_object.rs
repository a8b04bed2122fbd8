//! The top-level fields of a JSON object, read without building a `serde_json::Value`:
//! keys decoded, values kept as their raw JSON text. Requests are signed and queries
//! built from it, and responses checked and decoded from it, so a call never converts
//! its body to a `Value` and back.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

/// A JSON object's top-level fields, sorted by key (byte order). A key given twice keeps
/// its last value, as parsing into a `serde_json::Map` does, so everything read from here
/// reads what the `Value` of the same text would hold.
pub struct RawObject<'a> {
    fields: Vec<(Cow<'a, str>, &'a RawValue)>,
}

impl fmt::Debug for RawObject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values can hold credentials (a token response): keys only.
        f.debug_list()
            .entries(self.fields.iter().map(|(k, _)| k))
            .finish()
    }
}

/// Why a text is not a [`RawObject`]; the text is what a decode error says.
#[derive(Debug, thiserror::Error)]
pub enum NotAnObject {
    /// Valid JSON, but not an object.
    #[error("expected a JSON object")]
    OtherValue,
    /// Not valid JSON.
    #[error("not valid JSON: {0}")]
    Invalid(serde_json::Error),
}

impl<'a> RawObject<'a> {
    /// The object `json` holds.
    pub fn parse(json: &'a [u8]) -> Result<RawObject<'a>, NotAnObject> {
        match serde_json::from_slice::<Fields<'a>>(json) {
            Ok(Fields(mut fields)) => {
                // Stable, so equal keys stay in arrival order and the last one wins.
                fields.sort_by(|a, b| a.0.cmp(&b.0));
                dedup_keep_last(&mut fields);
                Ok(RawObject { fields })
            }
            // A type mismatch may hide a syntax error further on (`[1,`): tell the two
            // apart as parsing the whole text would.
            Err(error) if error.is_data() => {
                match serde_json::from_slice::<serde::de::IgnoredAny>(json) {
                    Ok(_) => Err(NotAnObject::OtherValue),
                    Err(error) => Err(NotAnObject::Invalid(error)),
                }
            }
            Err(error) => Err(NotAnObject::Invalid(error)),
        }
    }

    /// The raw value of `key`.
    pub fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.fields
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
            .ok()
            .map(|at| self.fields[at].1)
    }

    /// Every field, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &'a RawValue)> + '_ {
        self.fields.iter().map(|(k, v)| (k.as_ref(), *v))
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

fn dedup_keep_last<K: PartialEq, V>(fields: &mut Vec<(K, V)>) {
    if fields.windows(2).all(|w| w[0].0 != w[1].0) {
        return;
    }
    let mut kept: Vec<(K, V)> = Vec::with_capacity(fields.len());
    for field in fields.drain(..) {
        match kept.last_mut() {
            Some(last) if last.0 == field.0 => *last = field,
            _ => kept.push(field),
        }
    }
    *fields = kept;
}

/// The kind of JSON value a raw value holds, read from its first byte (serde_json
/// leaves no whitespace in front of a raw value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

pub(crate) fn kind(raw: &RawValue) -> Kind {
    match raw.get().as_bytes().first() {
        Some(b'n') => Kind::Null,
        Some(b't' | b'f') => Kind::Bool,
        Some(b'"') => Kind::String,
        Some(b'[') => Kind::Array,
        Some(b'{') => Kind::Object,
        _ => Kind::Number,
    }
}

/// The text of a raw JSON string, unescaped; borrowed when it has no escapes. `None`
/// when `raw` is not a string.
pub(crate) fn string(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get();
    if kind(raw) != Kind::String {
        return None;
    }
    // Valid JSON without a backslash: the text between the quotes is the string.
    if !text.contains('\\') {
        return text.get(1..text.len() - 1).map(Cow::Borrowed);
    }
    match serde_json::from_str::<&str>(text) {
        Ok(text) => Some(Cow::Borrowed(text)),
        // Escapes need an owned copy.
        Err(_) => serde_json::from_str::<String>(raw.get())
            .ok()
            .map(Cow::Owned),
    }
}

/// A raw scalar as `Value::to_string` renders it: numbers through `serde_json::Number`
/// (so `1E2` reads as `100.0`, as from a `Value`), `true`, `false`, `null` as they are.
/// Arrays and objects go through a `Value`, whose maps sort their keys.
pub(crate) fn json_text(raw: &RawValue) -> Cow<'_, str> {
    match kind(raw) {
        Kind::Null | Kind::Bool => Cow::Borrowed(raw.get()),
        Kind::Number if is_plain_integer(raw.get()) => Cow::Borrowed(raw.get()),
        Kind::Number => match serde_json::from_str::<serde_json::Number>(raw.get()) {
            Ok(number) if number.to_string() == raw.get() => Cow::Borrowed(raw.get()),
            Ok(number) => Cow::Owned(number.to_string()),
            Err(_) => Cow::Borrowed(raw.get()),
        },
        Kind::String | Kind::Array | Kind::Object => {
            match serde_json::from_str::<Value>(raw.get()) {
                Ok(value) => Cow::Owned(value.to_string()),
                Err(_) => Cow::Borrowed(raw.get()),
            }
        }
    }
}

/// An integer whose text a `serde_json::Number` keeps as it is: digits that fit an
/// `i64` or `u64` (at most 18), no `-0` (which reads as the float `-0.0`).
fn is_plain_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.len() <= 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !(text.starts_with('-') && digits.bytes().all(|b| b == b'0'))
}

/// The fields in arrival order.
struct Fields<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;

        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    fields.push((key.0, map.next_value::<&'de RawValue>()?));
                }
                Ok(Fields(fields))
            }
        }

        deserializer.deserialize_map(FieldsVisitor)
    }
}

/// A key, borrowed from the text unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Map;

    fn parsed(text: &str) -> RawObject<'_> {
        match RawObject::parse(text.as_bytes()) {
            Ok(object) => object,
            Err(e) => panic!("{text}: {e:?}"),
        }
    }

    #[test]
    fn keys_sorted_last_duplicate_wins() {
        let text = r#"{"b":1,"a\u0041":"x","a":null,"b":[2]}"#;
        let object = parsed(text);
        let fields: Vec<(&str, &str)> = object.iter().map(|(k, v)| (k, v.get())).collect();
        assert_eq!(fields, vec![("a", "null"), ("aA", "\"x\""), ("b", "[2]")]);
        assert_eq!(object.get("b").map(RawValue::get), Some("[2]"));
        assert!(object.get("c").is_none());
    }

    #[test]
    fn non_objects_and_invalid_text() {
        assert!(matches!(
            RawObject::parse(b"[1]"),
            Err(NotAnObject::OtherValue)
        ));
        assert!(matches!(
            RawObject::parse(b"null"),
            Err(NotAnObject::OtherValue)
        ));
        assert!(matches!(
            RawObject::parse(b"[1,"),
            Err(NotAnObject::Invalid(_))
        ));
        assert!(matches!(
            RawObject::parse(b"{\"a\":"),
            Err(NotAnObject::Invalid(_))
        ));
        assert!(matches!(
            RawObject::parse(b"{} x"),
            Err(NotAnObject::Invalid(_))
        ));
    }

    #[test]
    fn scalars_render_as_from_a_value() {
        let object = parsed(
            r#"{"z":-0,"big":18446744073709551616,"e":1E2,"f":-0.50,"i":-7,"s":"q\"\u00e9","t":true,"o":{"b":1,"a":2}}"#,
        );
        let text = |k: &str| object.get(k).map(|v| json_text(v).into_owned());
        assert_eq!(text("e").as_deref(), Some("100.0"));
        assert_eq!(text("z").as_deref(), Some("-0.0"));
        assert_eq!(text("big").as_deref(), Some("1.8446744073709552e+19"));
        assert_eq!(text("f").as_deref(), Some("-0.5"));
        assert_eq!(text("i").as_deref(), Some("-7"));
        assert_eq!(text("t").as_deref(), Some("true"));
        assert_eq!(text("o").as_deref(), Some(r#"{"a":2,"b":1}"#));
        let s = object.get("s").and_then(string).map(Cow::into_owned);
        assert_eq!(s.as_deref(), Some("q\"é"));
        assert!(object.get("i").and_then(string).is_none());
    }

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,10}".prop_map(Value::String),
            "[\"\\\\\n\t\u{1}a-z]{0,6}".prop_map(Value::String),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("\\PC{0,4}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Every field reads as the `Value` of the same text holds it.
        #[test]
        fn reads_what_a_value_holds(
            map in prop::collection::btree_map("\\PC{0,6}", value(), 0..8),
        ) {
            let map: Map<String, Value> = map.into_iter().collect();
            let text = serde_json::to_vec(&map).expect("a map serialises");
            let object = RawObject::parse(&text).expect("an object");
            prop_assert_eq!(object.len(), map.len());
            for ((key, raw), (expected_key, expected)) in object.iter().zip(&map) {
                prop_assert_eq!(key, expected_key.as_str());
                let reparsed: Value = serde_json::from_str(raw.get()).expect("raw JSON");
                prop_assert_eq!(&reparsed, expected);
                match expected {
                    Value::String(s) => {
                        let text = string(raw);
                        prop_assert_eq!(text.as_deref(), Some(s.as_str()));
                    }
                    other => prop_assert_eq!(json_text(raw), other.to_string()),
                }
            }
        }
    }
}
