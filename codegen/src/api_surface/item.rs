//! The public items of generated code, as a reviewer names them.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// What kind of item a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// `pub mod jdy`.
    Module,
    /// `pub struct RefundSaveRequest`.
    Struct,
    /// `pub union`.
    Union,
    /// `pub enum PayType`.
    Enum,
    /// `pub trait`.
    Trait,
    /// `pub type`, free or associated.
    TypeAlias,
    /// `pub const`, free or associated (endpoint descriptors).
    Const,
    /// `pub static`.
    Static,
    /// A public field of a struct.
    Field,
    /// A variant of an enum.
    Variant,
    /// A free `pub fn`.
    Fn,
    /// A `pub fn` of an inherent impl or a trait: setters, constructors, client calls.
    Method,
    /// A trait implemented for a type, derived or written out (`Default`, `Serialize`,
    /// `From<&str>`).
    TraitImpl,
    /// `pub use`.
    Use,
}

impl ItemKind {
    /// The word a listing shows before the path (`fn`, `field`, `impl`).
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Module => "mod",
            ItemKind::Struct => "struct",
            ItemKind::Union => "union",
            ItemKind::Enum => "enum",
            ItemKind::Trait => "trait",
            ItemKind::TypeAlias => "type",
            ItemKind::Const => "const",
            ItemKind::Static => "static",
            ItemKind::Fn | ItemKind::Method => "fn",
            ItemKind::Field => "field",
            ItemKind::Variant => "variant",
            ItemKind::TraitImpl => "impl",
            ItemKind::Use => "use",
        }
    }

    /// Whether items of this kind hold other items (fields, variants, methods, impls).
    pub fn is_container(self) -> bool {
        matches!(
            self,
            ItemKind::Module
                | ItemKind::Struct
                | ItemKind::Union
                | ItemKind::Enum
                | ItemKind::Trait
        )
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where an item is declared: a generated file (as [`GeneratedFile::path`] names it) and a
/// 1-based line.
///
/// [`GeneratedFile::path`]: crate::GeneratedFile::path
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// Path relative to the output directory (`jdy.rs`).
    pub file: String,
    /// 1-based line of the item's name (of the `impl` keyword or the derive, for trait impls).
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One public item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Path from the generated crate's root (`jdy::RefundSaveRequest::refund_amount`); a
    /// trait impl is named after its type (`jdy::PayType::<impl From<&str>>`).
    pub path: String,
    /// What it is.
    pub kind: ItemKind,
    /// What callers compile against, as one line of normalised tokens, attributes that
    /// matter to them included (`#[non_exhaustive] pub struct RefundSaveRequest`,
    /// `pub refund_amount: Option<String>`,
    /// `pub fn refund_amount(self, value: impl Into<String>) -> Self`).
    pub signature: String,
    /// The short form a listing shows after the path: types only, no parameter names
    /// (`(self, impl Into<String>) -> Self`, `: Option<String>`).
    pub brief: String,
    /// What reaches the wire: a field's wire name, aliases and presence, a variant's wire
    /// value, serde attributes, a constant's value (endpoint paths and methods).
    pub wire: Option<String>,
    /// The doc comment, lines joined by `\n`.
    pub docs: String,
    /// Where it is declared.
    pub location: Location,
    /// The item holding it: the type of a field, variant, method or trait impl, the module
    /// of anything else (`None` at the root).
    pub parent: Option<String>,
    /// Facts the compatibility rules read.
    pub facts: Facts,
}

/// Facts of an item that decide whether a change to it breaks callers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    /// `#[non_exhaustive]`: fields or variants may be added without breaking callers.
    pub non_exhaustive: bool,
    /// A struct with fields callers cannot see, so they cannot write a struct literal.
    pub private_fields: bool,
    /// The `#[cfg(...)]` it sits behind, as text.
    pub cfg: Option<String>,
    /// Types of the parameters and the return type, for methods and fns: a change here
    /// breaks calls, a change of parameter names alone does not.
    pub callable: Option<String>,
    /// Number of parameters, `self` included, for methods and fns.
    pub params: usize,
}

/// The key of an item: a path may name a field and a setter of the same name, so the kind
/// is part of it.
pub type ItemKey = (String, ItemKind);

/// Every public item of a generated crate, by path and kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiSurface {
    pub(super) items: BTreeMap<ItemKey, Item>,
}

impl ApiSurface {
    /// The items, ordered by path, then kind.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.items.values()
    }

    /// The item of `kind` at `path`.
    pub fn get(&self, path: &str, kind: ItemKind) -> Option<&Item> {
        self.items.get(&(path.to_owned(), kind))
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no public items at all.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The container (module, struct, enum, union or trait) at `path`.
    pub(super) fn container(&self, path: &str) -> Option<&Item> {
        [
            ItemKind::Module,
            ItemKind::Struct,
            ItemKind::Enum,
            ItemKind::Union,
            ItemKind::Trait,
        ]
        .into_iter()
        .find_map(|kind| self.get(path, kind))
    }
}

impl Serialize for ApiSurface {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.items.values())
    }
}
