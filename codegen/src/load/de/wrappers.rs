//! Value types the raw spec structs are built from: a value with its position that
//! becomes a hole when it had a problem, name-keyed mappings, "string or list" values and
//! status codes. Each also says how it appears in the JSON Schema.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{CHECKED, ONE_OR_MANY};
use crate::load::yaml::Pos;

/// A value and where it was written. `value` is `None` when the value had a problem,
/// which the loader has already reported; checks skip such holes, so one mistake is
/// reported once and does not hide the others.
#[derive(Debug)]
pub(crate) struct Checked<T> {
    /// Where the value starts (a mapping: its first key; an absent value: the mapping
    /// that lacks it).
    pub span: Pos,
    /// Where the key holding the value was written (the value's own position for list
    /// items and file roots).
    pub key_span: Pos,
    /// The value, unless it had a problem.
    pub value: Option<T>,
}

/// An optional key: absent (or null) is `None`.
pub(crate) type Opt<T> = Option<Checked<T>>;

impl<T> Checked<T> {
    /// The value, unless it had a problem.
    pub fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }
}

impl<'de, T: Deserialize<'de>> Checked<T> {
    /// Deserializes with the loader's deserializer; a failure leaves a hole.
    pub(super) fn deserialize_from<D: Deserializer<'de>>(d: D) -> Self {
        Self::deserialize(d).unwrap_or(Checked {
            span: Pos::default(),
            key_span: Pos::default(),
            value: None,
        })
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Checked<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Checked<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value with its position")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked<T>, A::Error> {
                let at = seq
                    .next_element::<u64>()?
                    .map_or_else(Pos::default, Pos::unpack);
                let key_at = seq.next_element::<u64>()?.map_or(at, Pos::unpack);
                // The problem is recorded where it was found; here it becomes a hole.
                let value = seq.next_element::<T>().ok().flatten();
                Ok(Checked {
                    span: at,
                    key_span: key_at,
                    value,
                })
            }
        }
        d.deserialize_tuple_struct(CHECKED, 3, V(PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for Checked<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        generator.subschema_for::<T>()
    }
}

/// A mapping from names to declarations, in file order (`types:`, `fields:`). The names
/// keep their positions: they are what the declarations are reported at.
#[derive(Debug)]
pub(crate) struct Entries<T>(pub Vec<(Checked<String>, Checked<T>)>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Entries<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<T>, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(key) = map.next_key::<Checked<String>>()? {
                    out.push((key, map.next_value::<Checked<T>>()?));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for Entries<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("Map_of_{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "additionalProperties": generator.subschema_for::<T>(),
        })
    }
}

/// A single string or a list of strings (`quirks`, `aliases`).
#[derive(Debug, Default)]
pub(crate) struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(OneOrMany(out))
            }
        }
        d.deserialize_struct(ONE_OR_MANY, &[], V)
    }
}

impl JsonSchema for OneOrMany {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "OneOrMany".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}},
            ]
        })
    }
}

/// A status code: written plain, an integer (`0`) is an integer code; anything else,
/// including a quoted number, is text (`SUCCESS`, `"0"`).
#[derive(Debug)]
pub(crate) enum Code {
    /// An unquoted integer.
    Int(i64),
    /// Anything else.
    Text(String),
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Code;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a single value")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Code, E> {
                Ok(Code::Int(n))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Code, E> {
                Ok(Code::Text(s.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Code {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Code".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["integer", "string"]})
    }
}
