//! Decoding a JSON object into a generated struct, field by field.
//!
//! A derived `Deserialize` is a visitor, a field-name enum and their match arms for every
//! struct: for a client with hundreds of types that code dominates the crate's compile
//! time. Generated structs instead read their members from a [`Fields`]: one short
//! function per struct, the decoding logic compiled once here.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

/// The members of a JSON object that a generated struct takes one by one; what no field
/// takes is left for the struct's catch-all map ([`Fields::rest`]).
///
/// It decodes as a derived `Deserialize` with serde's `alias` and `default` would: a
/// missing required member is serde's `missing field` error, an optional member that is
/// absent or null is `None`, and other members are ignored unless the struct keeps them.
/// One addition: an optional member sent as an empty string (`"refund_amount": ""`, the
/// way vendor servers often write "no value") is `None` when its type cannot read an
/// empty string (an amount, a number); a string field keeps `Some("")`.
/// Unlike a derived one it accepts only an object (not an array of the fields in order),
/// and when a member appears under two of its names the primary name wins. A name sent
/// twice keeps its last value, as reading the object into a map does.
#[derive(Debug)]
pub struct Fields<'de> {
    /// The members sorted by name, equal names in the order they came; the value is
    /// `None` once a field took it. Names are borrowed from the input where it allows,
    /// and the members are looked up by binary search rather than kept in a map.
    members: Vec<Member<'de>>,
}

#[derive(Debug)]
struct Member<'de> {
    name: Cow<'de, str>,
    /// Position in the object, to keep [`Fields::rest`] in the order a map gives.
    arrival: usize,
    value: Option<Value>,
}

/// Room for the members of most vendor objects, so reading them does not regrow.
const USUAL_MEMBERS: usize = 16;

impl<'de> Fields<'de> {
    /// Reads the object.
    pub fn new<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut members = deserializer.deserialize_map(MembersVisitor)?;
        // Stable, so a name sent twice keeps its arrival order and the last one wins.
        members.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Fields { members })
    }

    /// Takes the member `name`: the last value sent under it. Every member of that name
    /// is taken, so none of them ends up in [`Fields::rest`].
    fn take_named(&mut self, name: &str) -> Option<Value> {
        let start = self.members.partition_point(|m| m.name.as_ref() < name);
        let mut found = None;
        for member in self.members[start..]
            .iter_mut()
            .take_while(|m| m.name.as_ref() == name)
        {
            if let Some(value) = member.value.take() {
                found = Some(value);
            }
        }
        found
    }

    /// Takes the member `name` (or the first of `aliases` present); every alias is
    /// removed, so none of them ends up in [`Fields::rest`].
    fn take(&mut self, name: &str, aliases: &[&str]) -> Option<Value> {
        let primary = self.take_named(name);
        aliases.iter().fold(primary, |found, alias| {
            let other = self.take_named(alias);
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
            Some(Value::String(text)) if text.is_empty() => {
                Ok(decode::<T, E>(name, Value::String(text)).ok())
            }
            Some(value) => decode(name, value).map(Some),
        }
    }

    /// The members no field took, for a struct that keeps undocumented fields.
    pub fn rest(self) -> Map<String, Value> {
        let mut left: Vec<Member<'de>> = self
            .members
            .into_iter()
            .filter(|m| m.value.is_some())
            .collect();
        // In arrival order, so a name sent twice keeps its last value.
        left.sort_by_key(|m| m.arrival);
        let mut rest = Map::new();
        for member in left {
            if let Some(value) = member.value {
                rest.insert(member.name.into_owned(), value);
            }
        }
        rest
    }
}

/// Reads an object's members in arrival order.
struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Vec<Member<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(USUAL_MEMBERS);
        while let Some(Name(name)) = map.next_key()? {
            let value: Value = map.next_value()?;
            members.push(Member {
                name,
                arrival: members.len(),
                value: Some(value),
            });
        }
        Ok(members)
    }
}

/// A member name, borrowed from the input when it has no escapes.
struct Name<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(NameVisitor)
    }
}

struct NameVisitor;

impl<'de> Visitor<'de> for NameVisitor {
    type Value = Name<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Name(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Name(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Name(Cow::Owned(v)))
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
    fn an_empty_string_is_absent_only_where_its_type_cannot_read_it() {
        let decoded = sample(r#"{"id": "", "note": ""}"#).expect("decodes");
        assert_eq!((decoded.id.as_str(), decoded.note), ("", None));
        let wrong = sample(r#"{"id": "1", "note": " "}"#).expect_err("a blank is text");
        assert!(wrong.contains("field `note`"), "{wrong}");
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

    /// What the fields of `text` decode to when the object is first read into a map, as
    /// `Fields` did before it kept members in a sorted list: the reference it must equal.
    fn through_a_map(text: &str) -> Result<Sample, String> {
        let mut map: Map<String, Value> = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let id = map.remove("id");
        let alias = map.remove("ID");
        let id = match id.or(alias) {
            Some(value) => serde_json::from_value(value).map_err(|e| e.to_string())?,
            None => return Err(String::from("missing field `id`")),
        };
        let note = match map.remove("note") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if text.is_empty() => None,
            Some(value) => Some(serde_json::from_value(value).map_err(|e| e.to_string())?),
        };
        Ok(Sample {
            id,
            note,
            extra: map,
        })
    }

    #[test]
    fn a_name_sent_twice_keeps_its_last_value() {
        let text = r#"{"id": "1", "x": 1, "id": "2", "x": 2, "ID": "3", "n\u006fte": 4}"#;
        let decoded = sample(text).expect("decodes");
        assert_eq!(decoded.id, "2");
        assert_eq!(decoded.note, Some(4), "an escaped name is the same name");
        assert_eq!(Value::Object(decoded.extra.clone()), json!({"x": 2}));
        assert_eq!(Ok(decoded), through_a_map(text));
    }

    #[test]
    fn decoding_from_a_value_equals_decoding_from_text() {
        let text = r#"{"ID": "7", "note": 3, "more": [1], "more": {"a": null}}"#;
        let value: Value = serde_json::from_str(text).expect("JSON");
        let from_value = Sample::deserialize(&value).map_err(|e| e.to_string());
        assert_eq!(from_value, sample(text));
        let owned = serde_json::from_value::<Sample>(value).map_err(|e| e.to_string());
        assert_eq!(owned, sample(text));
    }

    fn member() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let name = prop_oneof![
            Just("id"),
            Just("ID"),
            Just("note"),
            Just("n\\u006fte"),
            Just("x"),
            Just("y"),
        ];
        let value = prop_oneof![
            Just("null"),
            Just("1"),
            Just("\"s\""),
            Just("[1, {\"a\": 2}]"),
            Just("{\"id\": \"inner\"}"),
        ];
        (name, value).prop_map(|(name, value)| format!("\"{name}\": {value}"))
    }

    proptest::proptest! {
        /// Whatever members an object has, in whatever order and however often, the
        /// fields decode as reading the object into a map first gives.
        #[test]
        fn fields_decode_as_a_map_of_the_object_does(
            members in proptest::collection::vec(member(), 0..8),
        ) {
            let text = format!("{{{}}}", members.join(", "));
            // Error texts differ (a map has no line numbers); which objects fail does not.
            proptest::prop_assert_eq!(sample(&text).ok(), through_a_map(&text).ok(), "{}", text);
        }
    }
}
