//! A serde deserializer over the parsed YAML tree that reports every problem it meets and
//! keeps going.
//!
//! The spec format is declared once, as the structs in [`super::raw`]. Deserializing them
//! with a plain serde deserializer would stop at the first problem of a file; this one
//! records each problem (with file, line, column and a hint) where it finds it, and the
//! [`Checked`] wrapper around every value turns a value that had a problem into a hole,
//! so the rest of the file is still read and checked. Unknown keys are reported and
//! skipped, and every required key that is absent is reported, not only the first.
//!
//! Conventions the raw structs rely on (see `spec/README.md`, "YAML rules"):
//! - a key with a null value counts as absent;
//! - nothing is coerced: strings are the text as written, and integers and booleans must
//!   be written plain (`519`, `true`), not quoted;
//! - an enum named [`BY_SHAPE`] picks its `scalar` or `mapping` variant by the value's
//!   shape; an enum named `TAG_PREFIX + key` picks its variant by the value of `key` in
//!   the mapping (like serde's internally tagged enums, which would lose positions).

mod access;
mod wrappers;

use std::cell::RefCell;

use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode, MarkedSequenceNode};
use marked_yaml::{Node, Span};
use serde::de::{self, Visitor};

use super::diagnostic::{Diagnostic, DiagnosticKind};
use super::ident::closest;
use super::yaml::{is_null, mapping_start, Cx, Pos};
use access::{CheckedAccess, Items, MapEntries, ShapeAccess, StructAccess, TagAccess};
pub(crate) use wrappers::{Checked, Code, Entries, OneOrMany, Opt};

/// Name of an enum whose variant is chosen by the shape of the value (`scalar`/`mapping`).
pub(crate) const BY_SHAPE: &str = "$by_shape";
/// Prefix of an enum name whose variant is chosen by the value of a key of the mapping.
pub(crate) const TAG_PREFIX: &str = "$tag:";
/// Tuple struct name [`Checked`] asks for: the value together with its position.
const CHECKED: &str = "$checked";
/// Struct name [`OneOrMany`] asks for: a string or a list of strings.
const ONE_OR_MANY: &str = "$one_or_many";

/// Deserializes `T` from a file's root node, recording every problem in `cx`.
pub(crate) fn from_root<'n, T: de::Deserialize<'n>>(
    cx: &mut Cx<'_>,
    root: &'n Node,
    noun: fn(&str, &str) -> String,
) -> Checked<T> {
    let sink = Sink {
        file: cx.file,
        diags: RefCell::new(Vec::new()),
        noun,
    };
    let place = Place {
        owner: Owner::File,
        owner_at: Span::new_blank(),
        key: "",
        key_at: None,
        item: false,
        entry: "",
    };
    let de = De {
        src: Src::Node(root),
        sink: &sink,
        place,
        skip: None,
    };
    // Every problem is already in the sink: an error here only means "nothing usable".
    let value = Checked::<T>::deserialize_from(de);
    cx.diags.extend(sink.diags.into_inner());
    value
}

/// Where problems go while one file is deserialized.
struct Sink<'f> {
    file: &'f str,
    diags: RefCell<Vec<Diagnostic>>,
    /// How a raw struct is named in messages, from its Rust name and the name of the
    /// entry (type, field) it belongs to.
    noun: fn(&str, &str) -> String,
}

impl Sink<'_> {
    fn push(&self, at: &Span, kind: DiagnosticKind, message: String) -> Error {
        let Pos { line, column } = at.into();
        self.diags.borrow_mut().push(Diagnostic {
            file: self.file.to_string(),
            line: line as usize,
            column: column as usize,
            kind,
            message,
        });
        Error::Reported
    }
}

/// The mapping a value sits in, named in messages only when there is a problem.
#[derive(Clone, Copy)]
enum Owner<'p> {
    /// The file itself.
    File,
    /// A raw struct (its Rust name) and the `types:` / `fields:` entry it belongs to.
    Struct(&'static str, &'p str),
    /// The value of a key, named by the key.
    Key(&'p str),
}

/// What messages about a value say about where it sits.
#[derive(Clone, Copy)]
struct Place<'p> {
    /// The mapping holding the value (`field \`bal_amount\``).
    owner: Owner<'p>,
    /// Where that mapping starts; absent keys are reported there.
    owner_at: Span,
    /// The key the value sits under (for list items: the list's key).
    key: &'p str,
    /// Where that key was written, when the value is under a key of its own.
    key_at: Option<Span>,
    /// Whether the value is an item of the list under `key`.
    item: bool,
    /// Name of the nearest enclosing `types:` or `fields:` entry.
    entry: &'p str,
}

/// The value being deserialized.
#[derive(Clone, Copy)]
enum Src<'n> {
    Node(&'n Node),
    /// A mapping key (type names and wire names are keys).
    Key(&'n MarkedScalarNode),
    /// A key of a struct that the mapping does not have (or has with a null value).
    Absent,
}

/// A value as the deserializer sees it.
enum View<'n> {
    Scalar(&'n MarkedScalarNode),
    Null,
    Map(&'n MarkedMappingNode),
    Seq(&'n MarkedSequenceNode),
    Absent,
}

/// The deserializer for one value.
#[derive(Clone, Copy)]
struct De<'n, 'p> {
    src: Src<'n>,
    sink: &'p Sink<'p>,
    place: Place<'p>,
    /// A key of this mapping that selected the variant and is not a field.
    skip: Option<&'p str>,
}

/// Errors of [`De`]. Problems are recorded when found, so an error only tells the
/// enclosing [`Checked`] that the value is unusable.
#[derive(Debug)]
pub(crate) enum Error {
    /// Already recorded.
    Reported,
    /// Raised by a serde visitor; recorded by the deserializer that sees it first,
    /// which knows the position.
    UnknownVariant(String, &'static [&'static str]),
    /// A visitor was given a shape it does not take; says what it expected.
    WrongType(String),
    /// Any other visitor error.
    Other(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Reported => f.write_str("the problem was reported"),
            Error::UnknownVariant(v, expected) => {
                write!(f, "`{v}` is not one of {}", one_of(expected))
            }
            Error::WrongType(expected) => write!(f, "expected {expected}"),
            Error::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error::Other(msg.to_string())
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error::UnknownVariant(variant.to_string(), expected)
    }

    fn invalid_type(_: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Error::WrongType(expected.to_string())
    }
}

/// `a, b or c`.
fn one_of(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// How a shape is named in messages.
fn shape(view: &View<'_>) -> &'static str {
    match view {
        View::Scalar(_) => "a single value",
        View::Null => "null",
        View::Map(_) => "a mapping",
        View::Seq(_) => "a list",
        View::Absent => "nothing",
    }
}

impl<'n, 'p> De<'n, 'p> {
    fn view(&self) -> View<'n> {
        match self.src {
            Src::Absent => View::Absent,
            Src::Key(k) => View::Scalar(k),
            Src::Node(Node::Scalar(s)) if is_null(s) => View::Null,
            Src::Node(Node::Scalar(s)) => View::Scalar(s),
            Src::Node(Node::Mapping(m)) => View::Map(m),
            Src::Node(Node::Sequence(s)) => View::Seq(s),
        }
    }

    /// Where the value starts (a mapping: its first key; absent: the enclosing mapping).
    fn at(&self) -> Span {
        match self.src {
            Src::Absent => self.place.owner_at,
            Src::Key(k) => *k.span(),
            Src::Node(Node::Mapping(m)) => mapping_start(m),
            Src::Node(n) => *n.span(),
        }
    }

    /// How the mapping holding the value is named.
    fn owner(&self) -> String {
        match self.place.owner {
            Owner::File => "the file".to_string(),
            Owner::Struct(name, entry) => (self.sink.noun)(name, entry),
            Owner::Key(key) => format!("`{key}`"),
        }
    }

    /// How the value is named: `` `key` in owner `` or `` items of `key` in owner ``.
    fn named(&self) -> String {
        let Place { key, item, .. } = self.place;
        match (item, key.is_empty()) {
            (_, true) => "the file".to_string(),
            (true, false) => format!("items of `{key}` in {}", self.owner()),
            (false, false) => format!("`{key}` in {}", self.owner()),
        }
    }

    /// Records that the value does not have the expected shape.
    fn wrong_shape(&self, expected: &str) -> Error {
        let view = self.view();
        if let View::Absent = view {
            return self.missing();
        }
        let message = match (self.place.item, expected) {
            (true, "a single value") => format!("{} must be strings", self.named()),
            _ => format!(
                "{} must be {expected}, found {}",
                self.named(),
                shape(&view)
            ),
        };
        self.sink
            .push(&self.shape_at(), DiagnosticKind::WrongShape, message)
    }

    /// Where a value of the wrong shape is reported: where the parser says it starts.
    /// A null has no text of its own (the parser puts it wherever the next token is), so
    /// it is reported at its key.
    fn shape_at(&self) -> Span {
        match (self.view(), self.src, self.place.key_at) {
            (View::Null, _, Some(key_at)) => key_at,
            (_, Src::Node(n), _) => *n.span(),
            _ => self.at(),
        }
    }

    /// Records that a required key is absent.
    fn missing(&self) -> Error {
        let message = format!(
            "{} is missing the required key `{}`",
            self.owner(),
            self.place.key
        );
        self.sink
            .push(&self.place.owner_at, DiagnosticKind::MissingKey, message)
    }

    /// Records an error raised by a visitor at this value, unless it was recorded already.
    fn settle<T>(self, at: Span, result: Result<T, Error>) -> Result<T, Error> {
        result.map_err(|e| match e {
            Error::Reported => Error::Reported,
            Error::UnknownVariant(value, expected) => {
                let hint = expected
                    .iter()
                    .find(|v| v.eq_ignore_ascii_case(&value))
                    .map(|v| format!(" (write it `{v}`)"))
                    .or_else(|| {
                        closest(&value, expected.iter().copied())
                            .map(|v| format!(" (did you mean `{v}`?)"))
                    })
                    .unwrap_or_default();
                let message = format!(
                    "{} must be {}, found `{value}`{hint}",
                    self.named(),
                    one_of(expected)
                );
                self.sink.push(&at, DiagnosticKind::InvalidValue, message)
            }
            Error::WrongType(expected) => {
                let message = format!(
                    "{} must be {expected}, found {}",
                    self.named(),
                    shape(&self.view())
                );
                self.sink
                    .push(&self.shape_at(), DiagnosticKind::WrongShape, message)
            }
            Error::Other(m) => {
                let message = format!("{}: {m}", self.named());
                self.sink.push(&at, DiagnosticKind::InvalidValue, message)
            }
        })
    }

    /// A plain (unquoted) scalar parsed as a number.
    fn number<T: std::str::FromStr>(&self, what: &str) -> Result<T, Error> {
        match self.view() {
            View::Scalar(s) if s.may_coerce() => {
                s.as_str().parse().map_err(|_| self.wrong_value(what))
            }
            View::Scalar(_) => Err(self.wrong_value(what)),
            _ => Err(self.wrong_shape(what)),
        }
    }

    fn wrong_value(&self, what: &str) -> Error {
        let message = format!("{} must be {what}", self.named());
        self.sink
            .push(&self.at(), DiagnosticKind::WrongShape, message)
    }

    fn child(&self, src: Src<'n>) -> De<'n, 'p> {
        De {
            src,
            skip: None,
            ..*self
        }
    }
}

macro_rules! numbers {
    ($($method:ident $visit:ident $ty:ty, $what:literal;)*) => {
        $(
            fn $method<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
                let at = self.at();
                let n: $ty = self.number($what)?;
                self.settle(at, visitor.$visit(n))
            }
        )*
    };
}

impl<'n> de::Deserializer<'n> for De<'n, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        let at = self.at();
        let result = match self.view() {
            View::Absent => return Err(self.missing()),
            View::Null => visitor.visit_unit(),
            View::Scalar(s) => match s.as_str().parse::<i64>() {
                Ok(n) if s.may_coerce() => visitor.visit_i64(n),
                _ => visitor.visit_borrowed_str(s.as_str()),
            },
            View::Map(m) => visitor.visit_map(MapEntries::new(self, m)),
            View::Seq(s) => visitor.visit_seq(Items::new(self, s)),
        };
        self.settle(at, result)
    }

    fn deserialize_bool<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        let at = self.at();
        match self.view() {
            View::Scalar(s) => match s.as_bool() {
                Some(b) => self.settle(at, visitor.visit_bool(b)),
                None => Err(self.wrong_value("true or false")),
            },
            _ => Err(self.wrong_shape("true or false")),
        }
    }

    numbers! {
        deserialize_u8 visit_u8 u8, "an unsigned integer within range";
        deserialize_u16 visit_u16 u16, "an unsigned integer within range";
        deserialize_u32 visit_u32 u32, "an unsigned integer within range";
        deserialize_u64 visit_u64 u64, "an unsigned integer within range";
        deserialize_i8 visit_i8 i8, "an integer within range";
        deserialize_i16 visit_i16 i16, "an integer within range";
        deserialize_i32 visit_i32 i32, "an integer within range";
        deserialize_i64 visit_i64 i64, "an integer within range";
        deserialize_f32 visit_f32 f32, "a number";
        deserialize_f64 visit_f64 f64, "a number";
    }

    fn deserialize_str<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        let at = self.at();
        match self.view() {
            View::Scalar(s) => self.settle(at, visitor.visit_borrowed_str(s.as_str())),
            _ => Err(self.wrong_shape("a single value")),
        }
    }

    fn deserialize_string<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        let at = self.at();
        match self.view() {
            View::Absent | View::Null => self.settle(at, visitor.visit_none()),
            _ => self.settle(at, visitor.visit_some(self)),
        }
    }

    fn deserialize_unit<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        let at = self.at();
        match self.view() {
            View::Null => self.settle(at, visitor.visit_unit()),
            _ => Err(self.wrong_shape("null")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'n>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'n>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let at = self.at();
        self.settle(at, visitor.visit_newtype_struct(self))
    }

    fn deserialize_seq<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        let at = self.at();
        match self.view() {
            View::Seq(s) => self.settle(at, visitor.visit_seq(Items::new(self, s))),
            _ => Err(self.wrong_shape("a list")),
        }
    }

    fn deserialize_tuple<V: Visitor<'n>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'n>>(
        self,
        name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == CHECKED {
            return visitor.visit_seq(CheckedAccess::new(self));
        }
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        let at = self.at();
        match self.view() {
            View::Map(m) => self.settle(at, visitor.visit_map(MapEntries::new(self, m))),
            _ => Err(self.wrong_shape("a mapping")),
        }
    }

    fn deserialize_struct<V: Visitor<'n>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let at = self.at();
        match (name, self.view()) {
            (ONE_OR_MANY, View::Scalar(_)) => self.settle(at, visitor.visit_seq(Items::one(self))),
            (ONE_OR_MANY, View::Seq(s)) => self.settle(at, visitor.visit_seq(Items::new(self, s))),
            (ONE_OR_MANY, _) => Err(self.wrong_shape("a string or a list of strings")),
            (_, View::Map(m)) => {
                let access = StructAccess::new(self, m, name, fields);
                self.settle(at, visitor.visit_map(access))
            }
            (_, View::Absent) => Err(self.missing()),
            (_, view) => {
                let noun = (self.sink.noun)(name, self.place.entry);
                let message = format!("{noun} must be a mapping, found {}", shape(&view));
                Err(self
                    .sink
                    .push(&self.shape_at(), DiagnosticKind::WrongShape, message))
            }
        }
    }

    fn deserialize_enum<V: Visitor<'n>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let at = self.at();
        match (name, self.view()) {
            (_, View::Absent) => Err(self.missing()),
            (BY_SHAPE, View::Scalar(_)) => {
                self.settle(at, visitor.visit_enum(ShapeAccess::new(self, "scalar")))
            }
            (BY_SHAPE, View::Map(_)) => {
                self.settle(at, visitor.visit_enum(ShapeAccess::new(self, "mapping")))
            }
            (BY_SHAPE, _) => Err(self.wrong_shape("a mapping (or a single value)")),
            (_, View::Map(m)) if name.starts_with(TAG_PREFIX) => {
                let tag = name.trim_start_matches(TAG_PREFIX);
                match TagAccess::new(self, m, tag) {
                    Some(access) => self.settle(at, visitor.visit_enum(access)),
                    None => Err(self.sink.push(
                        &at,
                        DiagnosticKind::MissingKey,
                        format!(
                            "{} is missing the required key `{tag}` ({})",
                            self.named(),
                            one_of(variants)
                        ),
                    )),
                }
            }
            (_, View::Scalar(s)) if !name.starts_with(TAG_PREFIX) => {
                let access = de::IntoDeserializer::into_deserializer(s.as_str());
                self.settle(
                    at,
                    visitor.visit_enum::<de::value::StrDeserializer<Error>>(access),
                )
            }
            (_, _) if name.starts_with(TAG_PREFIX) => Err(self.wrong_shape("a mapping")),
            (_, _) => Err(self.wrong_shape("a single value")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}
