//! Decoding helpers used by generated code: lenient enums, and [`Fields`] for structs.
//!
//! Vendor pages and vendor servers disagree on whether codes are JSON strings or numbers
//! (JDY documents `pay_type` as a string but lists numeric values; `source` is an integer
//! that some clients send quoted), so generated enums accept both spellings on input and
//! always emit the documented one.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

mod fields;

pub use fields::Fields;

/// Reads a JSON string, or a JSON number rendered as its decimal text.
pub fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(StringOrNumber)
}

/// Reads a JSON integer, or a JSON string holding a decimal integer.
pub fn integer_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(IntegerOrString)
}

struct StringOrNumber;

impl Visitor<'_> for StringOrNumber {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

struct IntegerOrString;

impl Visitor<'_> for IntegerOrString {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a string holding an integer")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format!("integer {v} is out of range")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::custom(format!("`{v}` is not an integer")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct S {
        #[serde(deserialize_with = "string_or_number")]
        s: String,
        #[serde(deserialize_with = "integer_or_string")]
        i: i64,
    }

    #[test]
    fn accepts_both_spellings() {
        let a: S = serde_json::from_str(r#"{"s": 90, "i": "9"}"#).unwrap();
        assert_eq!((a.s.as_str(), a.i), ("90", 9));
        let b: S = serde_json::from_str(r#"{"s": "90", "i": 9}"#).unwrap();
        assert_eq!((b.s.as_str(), b.i), ("90", 9));
    }

    #[test]
    fn rejects_other_shapes() {
        assert!(serde_json::from_str::<S>(r#"{"s": true, "i": 9}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"s": "1", "i": "nine"}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"s": "1", "i": 18446744073709551615}"#).is_err());
    }
}
