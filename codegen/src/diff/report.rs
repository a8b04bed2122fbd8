//! The report's forms: counts, the order of changes, and the human text grouped by
//! endpoint. The JSON form is the [`Report`]'s serde serialisation.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Change, Class, Effect, Report};

/// How many changes of each class and effect a report holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Changes that break the wire.
    pub wire: usize,
    /// Changes that break Rust callers at compile time.
    pub breaking: usize,
    /// Changes that break nobody.
    pub compatible: usize,
    /// Items only the new side has.
    pub added: usize,
    /// Items only the old side has.
    pub removed: usize,
    /// Items both sides have, different.
    pub changed: usize,
}

impl Summary {
    pub(super) fn of(changes: &[Change]) -> Summary {
        let mut s = Summary::default();
        for c in changes {
            match c.class {
                Class::Wire => s.wire += 1,
                Class::Breaking => s.breaking += 1,
                Class::Compatible => s.compatible += 1,
            }
            match c.kind.effect() {
                Effect::Added => s.added += 1,
                Effect::Removed => s.removed += 1,
                Effect::Changed => s.changed += 1,
            }
        }
        s
    }
}

/// The group a change is listed under: the service, then its endpoint, or the shared
/// type, or the service as a whole.
fn group(change: &Change) -> String {
    match (&change.endpoint, &change.type_name) {
        (Some(endpoint), _) => format!("{}.{endpoint}", change.service),
        (None, Some(ty)) if change.used_by.is_empty() => {
            format!("{}: type {ty} (used by no endpoint)", change.service)
        }
        (None, Some(ty)) => format!(
            "{}: type {ty} (used by {})",
            change.service,
            change.used_by.join(", ")
        ),
        (None, None) => format!("{} (service)", change.service),
    }
}

/// Sort key: by group, most severe first within it, then by item and rule.
pub(super) fn order(change: &Change) -> impl Ord {
    (
        change.service.clone(),
        change.endpoint.is_none(),
        group(change),
        std::cmp::Reverse(change.class),
        change.type_name.clone(),
        change.member.clone(),
        change.kind,
        change.detail.clone(),
    )
}

impl Report {
    /// The report for people: the verdict, then each group's changes with their class,
    /// rule, detail and where they are written on both sides.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let s = &self.summary;
        if self.changes.is_empty() {
            out.push_str("No API changes.\n");
            return out;
        }
        let _ = writeln!(
            out,
            "{} change(s): {} wire, {} breaking, {} compatible ({} added, {} removed, {} changed). \
             Semver: {}.",
            self.changes.len(),
            s.wire,
            s.breaking,
            s.compatible,
            s.added,
            s.removed,
            s.changed,
            self.semver.name()
        );
        let mut current = None;
        for change in &self.changes {
            let g = group(change);
            if current.as_ref() != Some(&g) {
                let _ = writeln!(out, "\n{g}");
                current = Some(g);
            }
            let what = match (&change.type_name, &change.member) {
                (Some(ty), Some(member)) => format!(" {ty}.{member}:"),
                (Some(ty), None) => format!(" {ty}:"),
                (None, Some(member)) => format!(" {member}:"),
                (None, None) => String::new(),
            };
            let direction = change
                .direction
                .map(|d| format!(" [{}]", d.name()))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<10} {}{what} {}{direction}",
                change.class.name(),
                change.kind.rule(),
                change.detail
            );
            let site = |s: &Option<super::Site>| {
                s.as_ref()
                    .map_or_else(|| "-".to_owned(), ToString::to_string)
            };
            let _ = writeln!(
                out,
                "             old {}  new {}",
                site(&change.old),
                site(&change.new)
            );
            let _ = writeln!(out, "             why: {}", change.why);
        }
        out
    }
}
