//! The comparisons, one module per level of the model: services (service.yaml),
//! endpoints, and named types with their fields and enum values.

mod endpoints;
mod services;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, ChangeKind, Direction, Site};
use crate::model::{Service, SourceRef, SpecSet, TypeExpr};

/// Every change between two spec sets, unordered.
pub(super) fn spec_sets(old: &SpecSet, new: &SpecSet) -> Vec<Change> {
    let mut out = Out::default();
    for o in &old.services {
        match new.service(&o.name) {
            Some(n) => services::compare(&mut out, o, n),
            None => out.push(
                &Item::service(&o.name),
                ChangeKind::ServiceRemoved,
                Some(&o.origin),
                None,
                format!("service `{}` removed", o.name),
            ),
        }
    }
    for n in &new.services {
        if old.service(&n.name).is_none() {
            out.push(
                &Item::service(&n.name),
                ChangeKind::ServiceAdded,
                None,
                Some(&n.origin),
                format!("service `{}` added", n.name),
            );
        }
    }
    out.changes
}

/// The changes found so far.
#[derive(Default)]
pub(super) struct Out {
    changes: Vec<Change>,
}

/// What a change is about: where in the model, and in which messages.
#[derive(Clone, Debug, Default)]
pub(super) struct Item {
    service: String,
    endpoint: Option<String>,
    type_name: Option<String>,
    member: Option<String>,
    used_by: Vec<String>,
    direction: Option<Direction>,
}

impl Item {
    fn service(name: &str) -> Item {
        Item {
            service: name.to_owned(),
            ..Item::default()
        }
    }

    fn endpoint(service: &str, operation: &str) -> Item {
        Item {
            endpoint: Some(operation.to_owned()),
            ..Item::service(service)
        }
    }

    fn member(&self, name: &str) -> Item {
        Item {
            member: Some(name.to_owned()),
            ..self.clone()
        }
    }
}

impl Out {
    fn push(
        &mut self,
        item: &Item,
        kind: ChangeKind,
        old: Option<&SourceRef>,
        new: Option<&SourceRef>,
        detail: String,
    ) {
        self.changes.push(Change {
            kind,
            class: kind.class(item.direction),
            direction: item.direction,
            service: item.service.clone(),
            endpoint: item.endpoint.clone(),
            type_name: item.type_name.clone(),
            member: item.member.clone(),
            used_by: item.used_by.clone(),
            old: old.map(Site::from),
            new: new.map(Site::from),
            detail,
            why: kind.why(),
        });
    }

    /// A documentation change when `old != new`; `what` names the key (`description`).
    fn doc<T: PartialEq>(
        &mut self,
        item: &Item,
        what: &str,
        (old, new): (&T, &T),
        (old_at, new_at): (&SourceRef, &SourceRef),
    ) {
        if old != new {
            self.push(
                item,
                ChangeKind::DocChanged,
                Some(old_at),
                Some(new_at),
                format!("{what} changed"),
            );
        }
    }

    /// A quirks change when the lists differ.
    fn quirks(
        &mut self,
        item: &Item,
        (old, new): (&[String], &[String]),
        (old_at, new_at): (&SourceRef, &SourceRef),
    ) {
        if old != new {
            self.push(
                item,
                ChangeKind::QuirksChanged,
                Some(old_at),
                Some(new_at),
                format!("quirks changed ({} → {})", old.len(), new.len()),
            );
        }
    }
}

/// For each named type of a service, the endpoints whose request or response reaches it.
pub(super) fn users(service: &Service) -> BTreeMap<String, BTreeSet<String>> {
    service
        .type_users()
        .into_iter()
        .map(|(name, operations)| {
            let operations = operations.into_iter().map(str::to_owned).collect();
            (name.to_owned(), operations)
        })
        .collect()
}

/// A type expression as the spec writes it (`list<string(16)>`).
pub(super) fn type_text(ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::String { max_len: Some(n) } => format!("string({n})"),
        TypeExpr::String { max_len: None } => "string".to_owned(),
        TypeExpr::Integer => "integer".to_owned(),
        TypeExpr::Number => "number".to_owned(),
        TypeExpr::Boolean => "boolean".to_owned(),
        TypeExpr::Json => "json".to_owned(),
        TypeExpr::Amount { max_len: Some(n) } => format!("amount({n})"),
        TypeExpr::Amount { max_len: None } => "amount".to_owned(),
        TypeExpr::List(inner) => format!("list<{}>", type_text(inner)),
        TypeExpr::Map(inner) => format!("map<string, {}>", type_text(inner)),
        TypeExpr::Named(name) => name.clone(),
    }
}

/// `a` or `none`, for details.
fn opt(value: Option<&str>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| format!("`{v}`"))
}
