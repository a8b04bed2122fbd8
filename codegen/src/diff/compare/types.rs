//! Named types, their fields and enum values.
//!
//! Types are matched by name, or recognised as renamed: the request and response types of
//! an endpoint matched across a rename, and otherwise a type that disappeared and one that
//! appeared with the same non-empty contents. Fields are matched by wire name (a new
//! `rust_name` is then a Rust rename), and a field whose wire name changed under the same
//! Rust name is a wire rename. Enum values are matched by value, then by variant name.

use std::collections::{BTreeMap, BTreeSet};

use super::endpoints::Pairs;
use super::{type_text, users, Item, Out};
use crate::diff::{ChangeKind, Direction};
use crate::model::{
    EnumRepr, EnumType, EnumVariant, Field, NamedType, Service, StructType, TypeExpr, TypeKind,
};

/// Old type name → new type name, for types that were renamed.
pub(super) fn renames(old: &Service, new: &Service, pairs: &Pairs) -> BTreeMap<String, String> {
    let mut renames = BTreeMap::new();
    let only_old: BTreeSet<&str> = old
        .types
        .iter()
        .map(|t| t.name.as_str())
        .filter(|n| new.named_type(n).is_none())
        .collect();
    let mut only_new: BTreeSet<&str> = new
        .types
        .iter()
        .map(|t| t.name.as_str())
        .filter(|n| old.named_type(n).is_none())
        .collect();
    // The messages of an endpoint that kept its identity are the same messages, whatever
    // their contents became.
    for &(i, j) in &pairs.both {
        let (o, n) = (&old.endpoints[i], &new.endpoints[j]);
        let messages = [
            (Some(o.request.as_str()), Some(n.request.as_str())),
            (o.response.named(), n.response.named()),
        ];
        for (a, b) in messages {
            if let (Some(a), Some(b)) = (a, b) {
                if only_old.contains(a) && only_new.remove(b) && !renames.contains_key(a) {
                    renames.insert(a.to_owned(), b.to_owned());
                }
            }
        }
    }
    for a in only_old {
        if renames.contains_key(a) {
            continue;
        }
        let Some(o) = old.named_type(a) else { continue };
        if is_empty(o) {
            continue;
        }
        let same = only_new
            .iter()
            .copied()
            .find(|b| new.named_type(b).is_some_and(|n| same_contents(o, n)));
        if let Some(b) = same {
            only_new.remove(b);
            renames.insert(a.to_owned(), b.to_owned());
        }
    }
    renames
}

/// A type without fields or values says nothing about which type it was.
fn is_empty(t: &NamedType) -> bool {
    match &t.kind {
        TypeKind::Struct(s) => s.fields.is_empty(),
        TypeKind::Enum(e) => e.variants.is_empty(),
    }
}

/// Equal contents, positions and documentation aside.
fn same_contents(a: &NamedType, b: &NamedType) -> bool {
    match (&a.kind, &b.kind) {
        (TypeKind::Struct(x), TypeKind::Struct(y)) => {
            x.fields.len() == y.fields.len()
                && x.fields.iter().zip(&y.fields).all(|(f, g)| {
                    (
                        &f.name,
                        &f.wire_name,
                        &f.ty,
                        f.required,
                        f.nullable,
                        f.computed,
                    ) == (
                        &g.name,
                        &g.wire_name,
                        &g.ty,
                        g.required,
                        g.nullable,
                        g.computed,
                    )
                })
        }
        (TypeKind::Enum(x), TypeKind::Enum(y)) => {
            x.repr == y.repr
                && x.variants.len() == y.variants.len()
                && x.variants
                    .iter()
                    .zip(&y.variants)
                    .all(|(v, w)| v.name == w.name && v.value == w.value)
        }
        _ => false,
    }
}

/// How two type expressions differ.
enum TyDiff {
    Same,
    /// Only a maximum length, old and new.
    Lengths(Option<u32>, Option<u32>),
    Different,
}

fn ty_diff(old: &TypeExpr, new: &TypeExpr, renames: &BTreeMap<String, String>) -> TyDiff {
    match (old, new) {
        (TypeExpr::String { max_len: a }, TypeExpr::String { max_len: b }) if a != b => {
            TyDiff::Lengths(*a, *b)
        }
        (TypeExpr::Amount { max_len: a }, TypeExpr::Amount { max_len: b }) if a != b => {
            TyDiff::Lengths(*a, *b)
        }
        (TypeExpr::List(a), TypeExpr::List(b)) | (TypeExpr::Map(a), TypeExpr::Map(b)) => {
            ty_diff(a, b, renames)
        }
        (TypeExpr::Named(a), TypeExpr::Named(b)) => {
            if renames.get(a).unwrap_or(a) == b {
                TyDiff::Same
            } else {
                TyDiff::Different
            }
        }
        (a, b) if a == b => TyDiff::Same,
        _ => TyDiff::Different,
    }
}

/// Whether two type expressions are the same Rust type (lengths aside), through renames.
pub(super) fn same_type(
    old: &TypeExpr,
    new: &TypeExpr,
    renames: &BTreeMap<String, String>,
) -> bool {
    !matches!(ty_diff(old, new, renames), TyDiff::Different)
}

/// Compares the named types of two versions of a service.
pub(super) fn compare(
    out: &mut Out,
    old: &Service,
    new: &Service,
    renames: &BTreeMap<String, String>,
) {
    let (old_users, new_users) = (users(old), users(new));
    let item = |name_old: &str, name_new: &str, direction| {
        let used_by: Vec<String> = old_users
            .get(name_old)
            .into_iter()
            .chain(new_users.get(name_new))
            .flatten()
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        Item {
            service: new.name.clone(),
            endpoint: match used_by.as_slice() {
                [only] => Some(only.clone()),
                _ => None,
            },
            type_name: Some(name_new.to_owned()),
            member: None,
            used_by,
            direction,
        }
    };
    let direction = |t: &NamedType| Direction::of(t.in_request, t.in_response);
    let targets: BTreeSet<&String> = renames.values().collect();
    for o in &old.types {
        let new_name = renames.get(&o.name).unwrap_or(&o.name);
        match new.named_type(new_name) {
            None => out.push(
                &item(&o.name, &o.name, direction(o)),
                ChangeKind::TypeRemoved,
                Some(&o.origin),
                None,
                format!("type `{}` removed", o.name),
            ),
            Some(n) => {
                let it = item(
                    &o.name,
                    &n.name,
                    Direction::union(direction(o), direction(n)),
                );
                if o.name != n.name {
                    out.push(
                        &Item {
                            direction: None,
                            ..it.clone()
                        },
                        ChangeKind::TypeRenamed,
                        Some(&o.origin),
                        Some(&n.origin),
                        format!("type `{}` → `{}`", o.name, n.name),
                    );
                }
                named_type(out, &it, o, n, renames);
            }
        }
    }
    for n in &new.types {
        if old.named_type(&n.name).is_none() && !targets.contains(&n.name) {
            out.push(
                &item(&n.name, &n.name, direction(n)),
                ChangeKind::TypeAdded,
                None,
                Some(&n.origin),
                format!("type `{}` added", n.name),
            );
        }
    }
}

fn named_type(
    out: &mut Out,
    item: &Item,
    o: &NamedType,
    n: &NamedType,
    renames: &BTreeMap<String, String>,
) {
    let at = (&o.origin, &n.origin);
    let undirected = Item {
        direction: None,
        ..item.clone()
    };
    let uses = |t: &NamedType| match (t.in_request, t.in_response) {
        (true, true) => "requests and responses",
        (true, false) => "requests",
        (false, true) => "responses",
        (false, false) => "no message",
    };
    let lost = (o.in_request && !n.in_request) || (o.in_response && !n.in_response);
    let gained = (!o.in_request && n.in_request) || (!o.in_response && n.in_response);
    if lost || gained {
        out.push(
            &undirected,
            if lost {
                ChangeKind::TypeUsageNarrowed
            } else {
                ChangeKind::TypeUsageWidened
            },
            Some(at.0),
            Some(at.1),
            format!("used in {} → {}", uses(o), uses(n)),
        );
    }
    out.doc(&undirected, "doc", (&o.description, &n.description), at);
    out.quirks(&undirected, (&o.quirks, &n.quirks), at);
    match (&o.kind, &n.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => {
            struct_fields(out, item, (o, a), (n, b), renames)
        }
        (TypeKind::Enum(a), TypeKind::Enum(b)) => enum_values(out, item, (o, a), (n, b)),
        _ => out.push(
            &undirected,
            ChangeKind::TypeKindChanged,
            Some(at.0),
            Some(at.1),
            format!("{} → {}", kind_name(&o.kind), kind_name(&n.kind)),
        ),
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
    }
}

/// How the generated code declares a field (the emitter's roles).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    /// `T`, an argument of `new`.
    Required,
    /// `Option<T>`, an argument of `new`, sent as null when `None`.
    Nullable,
    /// `Option<T>` with a setter.
    Optional,
    /// `Option<T>` the runtime fills.
    Computed,
}

fn role(f: &Field) -> Role {
    match (f.computed, f.required, f.nullable) {
        (true, _, _) => Role::Computed,
        (false, true, true) => Role::Nullable,
        (false, true, false) => Role::Required,
        (false, false, _) => Role::Optional,
    }
}

fn struct_fields(
    out: &mut Out,
    item: &Item,
    (ot, o): (&NamedType, &StructType),
    (nt, n): (&NamedType, &StructType),
    renames: &BTreeMap<String, String>,
) {
    // Pairs (old index, new index): by wire name, then by Rust name.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut taken = vec![false; n.fields.len()];
    let mut removed = Vec::new();
    for (i, f) in o.fields.iter().enumerate() {
        match n.fields.iter().position(|g| g.wire_name == f.wire_name) {
            Some(j) => {
                taken[j] = true;
                pairs.push((i, j));
            }
            None => removed.push(i),
        }
    }
    removed.retain(|&i| {
        let f = &o.fields[i];
        match (0..n.fields.len()).find(|&j| !taken[j] && n.fields[j].name == f.name) {
            Some(j) => {
                taken[j] = true;
                pairs.push((i, j));
                false
            }
            None => true,
        }
    });
    for i in removed {
        let f = &o.fields[i];
        out.push(
            &item.member(&f.name),
            ChangeKind::FieldRemoved,
            Some(&f.origin),
            None,
            format!("field `{}` ({}) removed", f.wire_name, type_text(&f.ty)),
        );
    }
    for (_, g) in n.fields.iter().enumerate().filter(|(j, _)| !taken[*j]) {
        let required = matches!(role(g), Role::Required | Role::Nullable);
        out.push(
            &item.member(&g.name),
            if required {
                ChangeKind::RequiredFieldAdded
            } else {
                ChangeKind::FieldAdded
            },
            None,
            Some(&g.origin),
            format!(
                "{} field `{}` ({}) added",
                if required { "required" } else { "optional" },
                g.wire_name,
                type_text(&g.ty)
            ),
        );
    }
    pairs.sort_unstable();
    for &(i, j) in &pairs {
        field(out, item, &o.fields[i], &n.fields[j], renames);
    }
    if ot.in_request && nt.in_request {
        constructor_order(out, item, (ot, o), (nt, n), &pairs);
    }
}

fn field(out: &mut Out, item: &Item, o: &Field, n: &Field, renames: &BTreeMap<String, String>) {
    let it = item.member(&n.name);
    let at = (Some(&o.origin), Some(&n.origin));
    if o.wire_name != n.wire_name {
        out.push(
            &it,
            ChangeKind::WireNameChanged,
            at.0,
            at.1,
            format!("wire name `{}` → `{}`", o.wire_name, n.wire_name),
        );
    } else if o.name != n.name {
        out.push(
            &it,
            ChangeKind::RustNameChanged,
            at.0,
            at.1,
            format!(
                "rust_name `{}` → `{}` (wire `{}`)",
                o.name, n.name, n.wire_name
            ),
        );
    }
    match ty_diff(&o.ty, &n.ty, renames) {
        TyDiff::Same => {}
        TyDiff::Different => out.push(
            &it,
            ChangeKind::FieldTypeChanged,
            at.0,
            at.1,
            format!("type {} → {}", type_text(&o.ty), type_text(&n.ty)),
        ),
        TyDiff::Lengths(a, b) => out.push(
            &it,
            length_kind(a, b),
            at.0,
            at.1,
            format!("type {} → {}", type_text(&o.ty), type_text(&n.ty)),
        ),
    }
    let (ro, rn) = (role(o), role(n));
    let kind = match (ro, rn) {
        _ if ro == rn => None,
        (Role::Computed, _) | (_, Role::Computed) => Some(ChangeKind::FieldComputedChanged),
        (Role::Optional, _) => Some(ChangeKind::FieldBecameRequired),
        (_, Role::Optional) => Some(ChangeKind::FieldBecameOptional),
        _ => Some(ChangeKind::FieldNullableChanged),
    };
    if let Some(kind) = kind {
        out.push(
            &it,
            kind,
            at.0,
            at.1,
            format!("{ro:?} → {rn:?}").to_lowercase(),
        );
    }
    for alias in o.aliases.iter().filter(|a| !n.aliases.contains(a)) {
        out.push(
            &it,
            ChangeKind::AliasRemoved,
            at.0,
            at.1,
            format!("alias `{alias}` removed"),
        );
    }
    for alias in n.aliases.iter().filter(|a| !o.aliases.contains(a)) {
        out.push(
            &it,
            ChangeKind::AliasAdded,
            at.0,
            at.1,
            format!("alias `{alias}` added"),
        );
    }
    let doc_item = Item {
        direction: None,
        ..it.clone()
    };
    let at = (&o.origin, &n.origin);
    out.doc(&doc_item, "doc", (&o.description, &n.description), at);
    out.doc(&doc_item, "example", (&o.example, &n.example), at);
    if ro == Role::Optional && rn == Role::Optional {
        out.doc(&doc_item, "nullable", (&o.nullable, &n.nullable), at);
    }
    out.quirks(&doc_item, (&o.quirks, &n.quirks), at);
}

/// A lower or new limit is a tightening; a higher or dropped one a loosening.
fn length_kind(old: Option<u32>, new: Option<u32>) -> ChangeKind {
    match (old, new) {
        (None, Some(_)) => ChangeKind::MaxLengthTightened,
        (Some(a), Some(b)) if b < a => ChangeKind::MaxLengthTightened,
        _ => ChangeKind::MaxLengthLoosened,
    }
}

/// The arguments of a request's `new` are its required fields in spec order: fields that
/// kept their place in `new` but not their order move callers' values. When the argument
/// types still line up, the calls compile and send each value in another field.
fn constructor_order(
    out: &mut Out,
    item: &Item,
    (ot, o): (&NamedType, &StructType),
    (nt, n): (&NamedType, &StructType),
    pairs: &[(usize, usize)],
) {
    let is_arg = |f: &Field| matches!(role(f), Role::Required | Role::Nullable);
    let common: Vec<(usize, usize)> = pairs
        .iter()
        .copied()
        .filter(|&(i, j)| is_arg(&o.fields[i]) && is_arg(&n.fields[j]))
        .collect();
    let mut by_new = common.clone();
    by_new.sort_by_key(|&(_, j)| j);
    let mut by_old = common;
    by_old.sort_by_key(|&(i, _)| i);
    if by_old == by_new {
        return;
    }
    let arg_types = |s: &StructType| -> Vec<String> {
        s.fields
            .iter()
            .filter(|f| is_arg(f))
            .map(|f| format!("{}{}", rust_shape(&f.ty), if f.nullable { "?" } else { "" }))
            .collect()
    };
    let names = |s: &StructType| -> String {
        s.fields
            .iter()
            .filter(|f| is_arg(f))
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let kind = if arg_types(o) == arg_types(n) {
        ChangeKind::ConstructorArgumentsSwapped
    } else {
        ChangeKind::ConstructorArgumentsReordered
    };
    out.push(
        &Item {
            direction: Some(Direction::Request),
            ..item.clone()
        },
        kind,
        Some(&ot.origin),
        Some(&nt.origin),
        format!("new({}) → new({})", names(o), names(n)),
    );
}

/// The Rust type a type expression becomes, lengths aside.
fn rust_shape(ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::String { .. } => "String".to_owned(),
        TypeExpr::Amount { .. } => "Amount".to_owned(),
        TypeExpr::List(inner) => format!("Vec<{}>", rust_shape(inner)),
        TypeExpr::Map(inner) => format!("Map<{}>", rust_shape(inner)),
        other => type_text(other),
    }
}

/// The value an enum variant is matched by: integers as numbers (`01` is `1`).
fn value_key(repr: &EnumRepr, v: &EnumVariant) -> String {
    match repr {
        EnumRepr::Integer => v
            .value
            .parse::<i64>()
            .map_or_else(|_| v.value.clone(), |n| n.to_string()),
        EnumRepr::String { .. } => v.value.clone(),
    }
}

fn enum_values(
    out: &mut Out,
    item: &Item,
    (ot, o): (&NamedType, &EnumType),
    (nt, n): (&NamedType, &EnumType),
) {
    let at = (Some(&ot.origin), Some(&nt.origin));
    match (&o.repr, &n.repr) {
        (EnumRepr::String { max_len: a }, EnumRepr::String { max_len: b }) if a != b => {
            out.push(
                item,
                length_kind(*a, *b),
                at.0,
                at.1,
                format!("repr {} → {}", repr_text(&o.repr), repr_text(&n.repr)),
            );
        }
        (EnumRepr::Integer, EnumRepr::String { .. })
        | (EnumRepr::String { .. }, EnumRepr::Integer) => {
            out.push(
                &Item {
                    direction: None,
                    ..item.clone()
                },
                ChangeKind::EnumReprChanged,
                at.0,
                at.1,
                format!("repr {} → {}", repr_text(&o.repr), repr_text(&n.repr)),
            );
        }
        _ => {}
    }
    let mut taken = vec![false; n.variants.len()];
    let mut removed = Vec::new();
    let mut pairs = Vec::new();
    for (i, v) in o.variants.iter().enumerate() {
        let key = value_key(&o.repr, v);
        match (0..n.variants.len())
            .find(|&j| !taken[j] && value_key(&n.repr, &n.variants[j]) == key)
        {
            Some(j) => {
                taken[j] = true;
                pairs.push((i, j));
            }
            None => removed.push(i),
        }
    }
    for i in removed {
        let v = &o.variants[i];
        match (0..n.variants.len()).find(|&j| !taken[j] && n.variants[j].name == v.name) {
            Some(j) => {
                taken[j] = true;
                let w = &n.variants[j];
                out.push(
                    &item.member(&w.name),
                    ChangeKind::VariantValueChanged,
                    Some(&v.origin),
                    Some(&w.origin),
                    format!("value `{}` → `{}`", v.value, w.value),
                );
            }
            None => out.push(
                &item.member(&v.name),
                ChangeKind::VariantRemoved,
                Some(&v.origin),
                None,
                format!("value `{}` removed", v.value),
            ),
        }
    }
    for (j, w) in n.variants.iter().enumerate() {
        if !taken[j] {
            out.push(
                &item.member(&w.name),
                ChangeKind::VariantAdded,
                None,
                Some(&w.origin),
                format!("value `{}` added", w.value),
            );
        }
    }
    for (i, j) in pairs {
        let (v, w) = (&o.variants[i], &n.variants[j]);
        if v.name != w.name {
            out.push(
                &item.member(&w.name),
                ChangeKind::VariantRenamed,
                Some(&v.origin),
                Some(&w.origin),
                format!("value `{}`: variant `{}` → `{}`", w.value, v.name, w.name),
            );
        }
        out.doc(
            &Item {
                direction: None,
                ..item.member(&w.name)
            },
            "doc",
            (&v.description, &w.description),
            (&v.origin, &w.origin),
        );
    }
}

fn repr_text(repr: &EnumRepr) -> String {
    match repr {
        EnumRepr::Integer => "integer".to_owned(),
        EnumRepr::String { max_len: Some(n) } => format!("string({n})"),
        EnumRepr::String { max_len: None } => "string".to_owned(),
    }
}
