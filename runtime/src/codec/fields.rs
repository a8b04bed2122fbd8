//! Decoding a JSON object into a generated struct, field by field.
//!
//! A derived `Deserialize` is a visitor, a field-name enum and their match arms for every
//! struct: for a client with hundreds of types that code dominates the crate's compile
//! time. Generated structs instead read their members from a [`Fields`]: one short
//! function per struct, the decoding logic compiled once here.

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::Deserialize as _;
use serde_json::{Map, Value};

/// The members of a JSON object that a generated struct takes one by one; what no field
/// takes is left for the struct's catch-all map ([`Fields::rest`]).
///
/// It decodes as a derived `Deserialize` with serde's `alias` and `default` would: a
/// missing required member is serde's `missing field` error, an optional member that is
/// absent or null is `None`, and other members are ignored unless the struct keeps them.
/// Unlike a derived one it accepts only an object (not an array of the fields in order),
/// and when a member appears under two of its names the primary name wins.
#[derive(Debug)]
pub struct Fields {
    members: Map<String, Value>,
}

impl Fields {
    /// Reads the object.
    pub fn new<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(|members| Fields { members })
    }

    /// Takes the member `name` (or the first of `aliases` present); every alias is
    /// removed, so none of them ends up in [`Fields::rest`].
    fn take(&mut self, name: &str, aliases: &[&str]) -> Option<Value> {
        let primary = self.members.remove(name);
        aliases.iter().fold(primary, |found, alias| {
            let other = self.members.remove(*alias);
            found.or(other)
        })
    }

    /// A member that must be present.
    pub fn required<T: DeserializeOwned, E: de::Error>(
        &mut self,
        name: &'static str,
        aliases: &[&str],
    ) -> Result<T, E> {
        match self.take(name, aliases) {
            Some(value) => decode(name, value),
            None => Err(E::missing_field(name)),
        }
    }

    /// A member that may be absent or null.
    pub fn optional<T: DeserializeOwned, E: de::Error>(
        &mut self,
        name: &str,
        aliases: &[&str],
    ) -> Result<Option<T>, E> {
        match self.take(name, aliases) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => decode(name, value).map(Some),
        }
    }

    /// The members no field took, for a struct that keeps undocumented fields.
    pub fn rest(self) -> Map<String, Value> {
        self.members
    }
}

/// Decodes one member; the error names it, since the object has no line numbers left.
fn decode<T: DeserializeOwned, E: de::Error>(name: &str, value: Value) -> Result<T, E> {
    T::deserialize(value).map_err(|e| E::custom(format_args!("field `{name}`: {e}")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Decodes like a generated response struct: `id` required (alias `ID`), `note`
    /// optional, the rest kept.
    #[derive(Debug, PartialEq)]
    struct Sample {
        id: String,
        note: Option<i64>,
        extra: Map<String, Value>,
    }

    impl<'de> serde::Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let mut fields = Fields::new(deserializer)?;
            Ok(Sample {
                id: fields.required("id", &["ID"])?,
                note: fields.optional("note", &[])?,
                extra: fields.rest(),
            })
        }
    }

    fn sample(text: &str) -> Result<Sample, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn takes_named_members_and_keeps_the_rest() {
        let decoded = sample(r#"{"ID": "7", "note": 3, "more": [1]}"#).expect("decodes");
        assert_eq!(decoded.id, "7");
        assert_eq!(decoded.note, Some(3));
        assert_eq!(Value::Object(decoded.extra), json!({"more": [1]}));
        let decoded = sample(r#"{"id": "1", "ID": "2", "note": null}"#).expect("decodes");
        assert_eq!((decoded.id.as_str(), decoded.note), ("1", None));
        assert!(decoded.extra.is_empty(), "an alias is not an extra member");
    }

    #[test]
    fn errors_name_the_member() {
        let missing = sample(r#"{"note": 1}"#).expect_err("missing id");
        assert!(missing.contains("missing field `id`"), "{missing}");
        let wrong = sample(r#"{"id": "1", "note": "x"}"#).expect_err("a string note");
        assert!(wrong.contains("field `note`"), "{wrong}");
        let null = sample(r#"{"id": null}"#).expect_err("a null id");
        assert!(null.contains("field `id`"), "{null}");
        assert!(sample("[\"1\", 2]").is_err(), "only objects");
    }
}
