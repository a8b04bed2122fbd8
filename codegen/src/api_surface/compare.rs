//! What changed between two surfaces, and whether callers' code still compiles.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use super::item::{ApiSurface, Item, ItemKey, ItemKind, Location};

/// How an item changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only in the new surface.
    Added,
    /// Only in the old surface.
    Removed,
    /// In both, with a different signature or wire form.
    Changed,
    /// In both, differing only in its doc comment: never breaking, listed apart.
    DocsChanged,
}

impl ChangeKind {
    /// The word a listing shows (`added`, `docs`).
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::DocsChanged => "docs",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One side of a change: the item as it reads in one surface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemSide {
    /// The item's signature (see [`Item::signature`]).
    pub signature: String,
    /// Its short form after the path (see [`Item::brief`]).
    pub brief: String,
    /// Its wire form (see [`Item::wire`]).
    pub wire: Option<String>,
    /// Where it is declared.
    pub location: Location,
}

impl From<&Item> for ItemSide {
    fn from(item: &Item) -> Self {
        ItemSide {
            signature: item.signature.clone(),
            brief: item.brief.clone(),
            wire: item.wire.clone(),
            location: item.location.clone(),
        }
    }
}

/// One public item added, removed or altered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// The item's path (`jdy::RefundSaveRequest::refund_amount`).
    pub path: String,
    /// Added, removed, changed, or docs only.
    pub kind: ChangeKind,
    /// What the path names.
    pub item_kind: ItemKind,
    /// The item before, unless added.
    pub old: Option<ItemSide>,
    /// The item after, unless removed.
    pub new: Option<ItemSide>,
    /// Whether code using the old item may stop compiling.
    pub breaking: bool,
    /// Whether the wire form changed (a wire name, alias, presence, enum value or constant).
    pub wire: bool,
    /// Why the change breaks callers, or what kind of change it is (`field type changed`).
    pub reason: String,
    /// Members added or removed with this item and not listed on their own (the fields,
    /// methods and impls of an added struct).
    pub members: usize,
}

impl ItemChange {
    /// The side to show: the new item, or the old one for a removal.
    pub fn shown(&self) -> Option<&ItemSide> {
        self.new.as_ref().or(self.old.as_ref())
    }
}

/// Every difference between `old` and `new`, ordered by path, then item kind.
///
/// An item added or removed together with its container (a field of a new struct, the
/// items of a removed module) is counted in the container's
/// [`members`](ItemChange::members) instead of listed, so that a new endpoint reads as its
/// client method, descriptor and types, not as every setter of them.
pub fn compare(old: &ApiSurface, new: &ApiSurface) -> Vec<ItemChange> {
    let keys: BTreeSet<&ItemKey> = old.items.keys().chain(new.items.keys()).collect();
    let mut changes = Vec::new();
    let mut folded: Vec<(ChangeKind, String)> = Vec::new();
    for key in keys {
        let change = match (old.items.get(key), new.items.get(key)) {
            (Some(before), Some(after)) => altered(before, after),
            (None, Some(after)) => {
                if let Some(owner) = folding_container(after, new, old) {
                    folded.push((ChangeKind::Added, owner));
                    continue;
                }
                Some(added(after, new))
            }
            (Some(before), None) => {
                if let Some(owner) = folding_container(before, old, new) {
                    folded.push((ChangeKind::Removed, owner));
                    continue;
                }
                Some(removed(before))
            }
            (None, None) => None,
        };
        changes.extend(change);
    }
    for (kind, owner) in folded {
        if let Some(change) = changes
            .iter_mut()
            .find(|c| c.kind == kind && c.path == owner && c.item_kind.is_container())
        {
            change.members += 1;
        }
    }
    note_renames(&mut changes);
    changes
}

/// Splits a member path into its owner and name (`jdy::T::f` → `jdy::T`, `f`).
fn split(path: &str) -> (&str, &str) {
    path.rsplit_once("::").unwrap_or(("", path))
}

/// A field removed and one added in the same type with the same type and wire form is a
/// Rust rename (a new `rust_name`): both say so, and so do their setters.
fn note_renames(changes: &mut [ItemChange]) {
    let wire_of = |c: &ItemChange| {
        c.shown()
            .and_then(|s| s.wire.clone().map(|w| (w, s.brief.clone())))
    };
    let mut renames = Vec::new();
    for removed in changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Removed && c.item_kind == ItemKind::Field)
    {
        let Some(facts) = wire_of(removed) else {
            continue;
        };
        let (owner, from) = split(&removed.path);
        let twin = changes.iter().find(|c| {
            c.kind == ChangeKind::Added
                && c.item_kind == ItemKind::Field
                && split(&c.path).0 == owner
                && wire_of(c).as_ref() == Some(&facts)
        });
        if let Some(added) = twin {
            renames.push((
                owner.to_owned(),
                from.to_owned(),
                split(&added.path).1.to_owned(),
            ));
        }
    }
    for (owner, from, to) in renames {
        for change in changes.iter_mut() {
            if !matches!(change.item_kind, ItemKind::Field | ItemKind::Method) {
                continue;
            }
            let (at, name) = split(&change.path);
            if at != owner {
                continue;
            }
            if change.kind == ChangeKind::Removed && name == from {
                change.reason = format!(
                    "renamed to `{to}`, same wire form: code naming `{from}` stops compiling"
                );
            } else if change.kind == ChangeKind::Added && name == to {
                change.reason = format!("renamed from `{from}`, same wire form");
            }
        }
    }
}

/// The outermost container of `item` that is itself only in `side`, so that `item` is
/// added or removed with it.
fn folding_container(item: &Item, side: &ApiSurface, other: &ApiSurface) -> Option<String> {
    let mut outermost = None;
    let mut parent = item.parent.clone();
    while let Some(path) = parent {
        let Some(container) = side.container(&path) else {
            break;
        };
        if other.get(&path, container.kind).is_some() {
            break;
        }
        outermost = Some(path);
        parent = container.parent.clone();
    }
    outermost
}

fn change(
    item: &Item,
    kind: ChangeKind,
    old: Option<&Item>,
    new: Option<&Item>,
    breaking: bool,
    wire: bool,
    reason: &str,
) -> ItemChange {
    ItemChange {
        path: item.path.clone(),
        kind,
        item_kind: item.kind,
        old: old.map(ItemSide::from),
        new: new.map(ItemSide::from),
        breaking,
        wire,
        reason: reason.to_owned(),
        members: 0,
    }
}

fn removed(before: &Item) -> ItemChange {
    let reason = match before.kind {
        ItemKind::TraitImpl => "trait impl removed: code relying on it stops compiling",
        _ => "removed: code naming it stops compiling",
    };
    change(
        before,
        ChangeKind::Removed,
        Some(before),
        None,
        true,
        before.wire.is_some(),
        reason,
    )
}

fn added(after: &Item, new: &ApiSurface) -> ItemChange {
    let parent = after.parent.as_deref().and_then(|p| new.container(p));
    let exhaustive_parent = parent.is_some_and(|p| !p.facts.non_exhaustive);
    let (breaking, reason) = match after.kind {
        ItemKind::Field if exhaustive_parent && parent.is_some_and(|p| !p.facts.private_fields) => {
            (
                true,
                "new field of an exhaustive struct: struct literals and patterns stop compiling",
            )
        }
        ItemKind::Variant if exhaustive_parent => (
            true,
            "new variant of an exhaustive enum: exhaustive matches stop compiling",
        ),
        ItemKind::Field | ItemKind::Variant => (false, "added to a #[non_exhaustive] type"),
        _ => (false, "added"),
    };
    change(
        after,
        ChangeKind::Added,
        None,
        Some(after),
        breaking,
        after.wire.is_some(),
        reason,
    )
}

fn altered(before: &Item, after: &Item) -> Option<ItemChange> {
    let signature_changed = before.signature != after.signature;
    let wire_changed = before.wire != after.wire;
    if !signature_changed && !wire_changed {
        if before.docs == after.docs {
            return None;
        }
        return Some(change(
            after,
            ChangeKind::DocsChanged,
            Some(before),
            Some(after),
            false,
            false,
            "doc comment changed",
        ));
    }
    let (breaking, reason) = if signature_changed {
        signature_change(before, after)
    } else {
        (false, wire_reason(after.kind))
    };
    Some(change(
        after,
        ChangeKind::Changed,
        Some(before),
        Some(after),
        breaking,
        wire_changed,
        reason,
    ))
}

fn wire_reason(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Field => "wire name, aliases or presence changed",
        ItemKind::Variant => "wire value changed",
        ItemKind::Const | ItemKind::Static => "value changed",
        _ => "serde attributes changed",
    }
}

/// Whether a change of signature breaks callers, and why.
fn signature_change(before: &Item, after: &Item) -> (bool, &'static str) {
    let (b, a) = (&before.facts, &after.facts);
    if b.cfg != a.cfg {
        return if a.cfg.is_none() {
            (false, "no longer behind a cfg")
        } else {
            (
                true,
                "now behind another cfg: builds without it lose the item",
            )
        };
    }
    match after.kind {
        ItemKind::Struct | ItemKind::Enum | ItemKind::Union => {
            if a.non_exhaustive && !b.non_exhaustive {
                (
                    true,
                    "now #[non_exhaustive]: struct literals and exhaustive matches stop compiling",
                )
            } else if b.non_exhaustive && !a.non_exhaustive {
                (
                    true,
                    "no longer #[non_exhaustive]: the fields or variants it gains later break callers",
                )
            } else {
                (true, "declaration changed")
            }
        }
        ItemKind::Fn | ItemKind::Method => {
            if b.callable == a.callable {
                (false, "parameter names changed")
            } else if a.params > b.params {
                (true, "new parameter: calls stop compiling")
            } else if a.params < b.params {
                (true, "parameter removed: calls stop compiling")
            } else {
                (true, "signature changed")
            }
        }
        ItemKind::Field => (true, "field type changed"),
        ItemKind::Variant => (true, "variant payload changed"),
        ItemKind::Const | ItemKind::Static => (true, "type changed"),
        _ => (true, "signature changed"),
    }
}
