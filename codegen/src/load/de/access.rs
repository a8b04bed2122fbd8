//! How [`De`] hands mappings, lists, positions and variants to serde visitors.

use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode, MarkedSequenceNode};
use marked_yaml::{Node, Span};
use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, IntoDeserializer};

use super::{De, Error, Owner, Place, Src};
use crate::load::diagnostic::DiagnosticKind;
use crate::load::ident::closest;
use crate::load::yaml::{is_null, mapping_start, Pos};

type Key<'n> = BorrowedStrDeserializer<'n, Error>;

/// The fields of a raw struct: known keys with non-null values, then every field the
/// mapping lacks as an absent value (so a missing required key is reported by name, and
/// all of them, not just the first). Unknown keys are reported and skipped.
pub(super) struct StructAccess<'n, 'p, I> {
    de: De<'n, 'p>,
    entries: I,
    fields: &'static [&'static str],
    /// Fields the mapping has (bit per index of `fields`; raw structs have fewer than 64).
    seen: u64,
    /// Next field to consider once the mapping's own entries are exhausted.
    next_absent: usize,
    /// The raw struct's Rust name.
    name: &'static str,
    at: Span,
    value: Option<(&'n str, Src<'n>, Option<Span>)>,
}

impl<'n, 'p> StructAccess<'n, 'p, ()> {
    pub(super) fn new(
        de: De<'n, 'p>,
        map: &'n MarkedMappingNode,
        name: &'static str,
        fields: &'static [&'static str],
    ) -> StructAccess<'n, 'p, impl Iterator<Item = (&'n MarkedScalarNode, &'n Node)>> {
        StructAccess {
            de,
            entries: map.iter(),
            fields,
            seen: 0,
            next_absent: 0,
            name,
            at: mapping_start(map),
            value: None,
        }
    }
}

impl<I> StructAccess<'_, '_, I> {
    fn unknown(&self, key: &MarkedScalarNode) {
        let k = key.as_str();
        let allowed: Vec<&str> = self
            .de
            .skip
            .into_iter()
            .chain(self.fields.iter().copied())
            .collect();
        let hint = match closest(k, allowed.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? "),
            // `{type: map<string, T>}`: the comma ended the value and ` T>` became a key.
            None if k.ends_with('>') => "it looks like the rest of a type split at a comma \
                                         inside `{…}`; quote the type: \
                                         `{type: \"map<string, T>\"}`; "
                .to_owned(),
            None => String::new(),
        };
        let noun = (self.de.sink.noun)(self.name, self.de.place.entry);
        self.de.sink.push(
            key.span(),
            DiagnosticKind::UnknownKey,
            format!(
                "unknown key `{k}` in {noun} ({hint}expected one of: {})",
                allowed.join(", ")
            ),
        );
    }
}

impl<'n, I: Iterator<Item = (&'n MarkedScalarNode, &'n Node)>> de::MapAccess<'n>
    for StructAccess<'n, '_, I>
{
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'n>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        while let Some((key, value)) = self.entries.next() {
            let k = key.as_str();
            if self.de.skip == Some(k) {
                continue;
            }
            let Some(i) = self.fields.iter().position(|f| *f == k) else {
                self.unknown(key);
                continue;
            };
            // A null value counts as absent: it is handed over below, with the others.
            if matches!(value, Node::Scalar(s) if is_null(s)) {
                continue;
            }
            self.seen |= 1u64.checked_shl(i as u32).unwrap_or(0);
            self.value = Some((k, Src::Node(value), Some(*key.span())));
            return seed.deserialize(Key::new(k)).map(Some);
        }
        while let Some(&field) = self.fields.get(self.next_absent) {
            let bit = 1u64.checked_shl(self.next_absent as u32).unwrap_or(0);
            let seen = self.seen & bit != 0;
            self.next_absent += 1;
            if !seen {
                self.value = Some((field, Src::Absent, None));
                return seed.deserialize(Key::new(field)).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'n>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, src, key_at)) = self.value.take() else {
            return Err(Error::Other("a value was asked for before its key".into()));
        };
        let de = De {
            src,
            sink: self.de.sink,
            place: Place {
                owner: Owner::Struct(self.name, self.de.place.entry),
                owner_at: self.at,
                key,
                key_at: Some(key_at.unwrap_or(self.at)),
                item: false,
                entry: self.de.place.entry,
            },
            skip: None,
        };
        seed.deserialize(de)
    }
}

/// A mapping from names to values (`types:`, `fields:`): keys are handed over as
/// mapping keys, so their positions are kept, and the key names the entry in messages.
pub(super) struct MapEntries<'n, 'p, I> {
    de: De<'n, 'p>,
    entries: I,
    value: Option<(&'n MarkedScalarNode, &'n Node)>,
}

impl<'n, 'p> MapEntries<'n, 'p, ()> {
    pub(super) fn new(
        de: De<'n, 'p>,
        map: &'n MarkedMappingNode,
    ) -> MapEntries<'n, 'p, impl Iterator<Item = (&'n MarkedScalarNode, &'n Node)>> {
        MapEntries {
            de,
            entries: map.iter(),
            value: None,
        }
    }
}

impl<'n, I: Iterator<Item = (&'n MarkedScalarNode, &'n Node)>> de::MapAccess<'n>
    for MapEntries<'n, '_, I>
{
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'n>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some((key, value));
        seed.deserialize(self.de.child(Src::Key(key))).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'n>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.value.take() else {
            return Err(Error::Other("a value was asked for before its key".into()));
        };
        let de = De {
            src: Src::Node(value),
            place: Place {
                key: key.as_str(),
                key_at: Some(*key.span()),
                item: false,
                entry: key.as_str(),
                ..self.de.place
            },
            ..self.de
        };
        seed.deserialize(de)
    }
}

/// The items of a list (or a single scalar standing for a one-item list).
pub(super) struct Items<'n, 'p> {
    de: De<'n, 'p>,
    items: std::slice::Iter<'n, Node>,
    single: Option<&'n Node>,
}

impl<'n, 'p> Items<'n, 'p> {
    pub(super) fn new(de: De<'n, 'p>, seq: &'n MarkedSequenceNode) -> Self {
        Items {
            de,
            items: seq.as_slice().iter(),
            single: None,
        }
    }

    /// The scalar `de` stands for, as a list of one.
    pub(super) fn one(de: De<'n, 'p>) -> Self {
        let single = match de.src {
            Src::Node(n) => Some(n),
            _ => None,
        };
        Items {
            de,
            items: [].iter(),
            single,
        }
    }
}

impl<'n> de::SeqAccess<'n> for Items<'n, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'n>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(node) = self.single.take().or_else(|| self.items.next()) else {
            return Ok(None);
        };
        let de = De {
            src: Src::Node(node),
            place: Place {
                item: true,
                key_at: None,
                ..self.de.place
            },
            skip: None,
            ..self.de
        };
        seed.deserialize(de).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() + usize::from(self.single.is_some()))
    }
}

/// A value with its position, for [`super::Checked`]: where it starts and where its key
/// is (packed positions), then the value.
pub(super) struct CheckedAccess<'n, 'p> {
    de: De<'n, 'p>,
    step: u8,
    at: Pos,
    key_at: Pos,
}

impl<'n, 'p> CheckedAccess<'n, 'p> {
    pub(super) fn new(de: De<'n, 'p>) -> Self {
        let at = de.at();
        let key_at = de.place.key_at.as_ref().unwrap_or(&at).into();
        CheckedAccess {
            de,
            step: 0,
            at: (&at).into(),
            key_at,
        }
    }
}

impl<'n> de::SeqAccess<'n> for CheckedAccess<'n, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'n>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.step += 1;
        match self.step {
            1 => seed
                .deserialize(self.at.packed().into_deserializer())
                .map(Some),
            2 => seed
                .deserialize(self.key_at.packed().into_deserializer())
                .map(Some),
            3 => seed.deserialize(self.de).map(Some),
            _ => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(3usize.saturating_sub(usize::from(self.step)))
    }
}

/// An enum variant chosen by the value's shape; the value itself is the variant's content.
pub(super) struct ShapeAccess<'n, 'p> {
    de: De<'n, 'p>,
    variant: &'static str,
}

impl<'n, 'p> ShapeAccess<'n, 'p> {
    pub(super) fn new(de: De<'n, 'p>, variant: &'static str) -> Self {
        ShapeAccess { de, variant }
    }
}

impl<'n, 'p> de::EnumAccess<'n> for ShapeAccess<'n, 'p> {
    type Error = Error;
    type Variant = Content<'n, 'p>;

    fn variant_seed<V: DeserializeSeed<'n>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Error> {
        let v = seed.deserialize(Key::new(self.variant))?;
        Ok((v, Content(self.de)))
    }
}

/// An enum variant chosen by the value of one key of the mapping; the rest of the
/// mapping is the variant's content.
pub(super) struct TagAccess<'n, 'p> {
    de: De<'n, 'p>,
    tag: &'p str,
    tag_value: &'n Node,
    tag_key: &'n MarkedScalarNode,
}

impl<'n, 'p> TagAccess<'n, 'p> {
    /// `None` when the mapping lacks the tag.
    pub(super) fn new(de: De<'n, 'p>, map: &'n MarkedMappingNode, tag: &'p str) -> Option<Self> {
        let (tag_key, tag_value) = map
            .iter()
            .find(|(k, v)| k.as_str() == tag && !matches!(v, Node::Scalar(s) if is_null(s)))?;
        Some(TagAccess {
            de,
            tag,
            tag_value,
            tag_key,
        })
    }
}

impl<'n, 'p> de::EnumAccess<'n> for TagAccess<'n, 'p> {
    type Error = Error;
    type Variant = Content<'n, 'p>;

    fn variant_seed<V: DeserializeSeed<'n>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Error> {
        let tag_de = De {
            src: Src::Node(self.tag_value),
            place: Place {
                owner: Owner::Key(self.de.place.key),
                key: self.tag,
                key_at: Some(*self.tag_key.span()),
                item: false,
                owner_at: *self.tag_key.span(),
                ..self.de.place
            },
            skip: None,
            ..self.de
        };
        let v = seed.deserialize(tag_de)?;
        let content = De {
            skip: Some(self.tag),
            ..self.de
        };
        Ok((v, Content(content)))
    }
}

/// The content of a chosen variant.
pub(super) struct Content<'n, 'p>(De<'n, 'p>);

impl<'n> de::VariantAccess<'n> for Content<'n, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'n>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self.0)
    }

    fn tuple_variant<V: de::Visitor<'n>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(self.0, visitor)
    }

    fn struct_variant<V: de::Visitor<'n>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_struct(self.0, "", fields, visitor)
    }
}
