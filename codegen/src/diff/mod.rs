//! A semantic diff of two spec sets: every change between the models, classified by whom
//! it breaks (Rust callers, the wire, nobody), located on both sides, with the version
//! bump the client crate needs.
//!
//! ```no_run
//! let old = retail_apis_codegen::load(std::path::Path::new("old/spec")).expect("loads");
//! let new = retail_apis_codegen::load(std::path::Path::new("spec")).expect("loads");
//! let report = retail_apis_codegen::diff::diff(&old, &new);
//! print!("{}", report.text());
//! ```
//!
//! The models are compared, not the text: reordering keys or reformatting YAML changes
//! nothing, and a renamed field, type or endpoint is recognised as a rename (see
//! `docs/api-diff.md` for every kind and its class).

mod compare;
mod kinds;
mod report;
mod semver;

use serde::Serialize;

pub use kinds::{Bump, ChangeKind, Class, Direction, Effect};
pub use report::Summary;

use crate::model::{SourceRef, SpecSet};

/// Where an item is written on one side: the spec file (relative to that side's spec
/// root until [`Report::with_roots`] prefixes it) and the 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Site {
    /// Spec file, with `/` separators.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl From<&SourceRef> for Site {
    fn from(at: &SourceRef) -> Self {
        Site {
            file: at.file.clone(),
            line: at.line,
            column: at.column,
        }
    }
}

impl std::fmt::Display for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One change between the two sides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What changed (serialised as its rule id, `field-removed`).
    #[serde(rename = "rule")]
    pub kind: ChangeKind,
    /// Whom it breaks, given its direction.
    pub class: Class,
    /// The messages the changed type travels in, for changes to types and fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// Service (generated module).
    pub service: String,
    /// The endpoint (operation) concerned: the endpoint changed, or the only endpoint that
    /// uses the changed type. `None` for service-wide changes and shared types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The named type concerned.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// The field (its Rust name) or enum variant concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// Every endpoint whose request or response reaches the changed type.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub used_by: Vec<String>,
    /// Where the item is written on the old side (absent for an addition).
    pub old: Option<Site>,
    /// Where the item is written on the new side (absent for a removal).
    pub new: Option<Site>,
    /// What changed, old → new, in a few words.
    pub detail: String,
    /// Why the change has its class.
    pub why: &'static str,
}

/// Everything that changed between two spec sets.
///
/// `#[non_exhaustive]` so that sections can be added (such as the public Rust items a
/// change adds or removes, skipped when empty) without breaking readers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// The version bump the client crate needs.
    pub semver: Bump,
    /// Counts by class and effect.
    pub summary: Summary,
    /// Every change, grouped by service and endpoint, in a stable order.
    pub changes: Vec<Change>,
}

/// Compares two spec sets (`old` before, `new` after).
pub fn diff(old: &SpecSet, new: &SpecSet) -> Report {
    let mut changes = compare::spec_sets(old, new);
    changes.sort_by_key(report::order);
    Report::new(changes)
}

impl Report {
    fn new(changes: Vec<Change>) -> Report {
        Report {
            semver: semver::bump(&changes),
            summary: Summary::of(&changes),
            changes,
        }
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The most severe class among the changes, `None` when there are none.
    pub fn highest(&self) -> Option<Class> {
        self.changes.iter().map(|c| c.class).max()
    }

    /// Prefixes the files of the old and new sites with the spec roots they were loaded
    /// from, as a reader finds them (`spec/jdy/service.yaml`).
    pub fn with_roots(mut self, old_root: &str, new_root: &str) -> Report {
        let prefix = |root: &str, site: &mut Site| {
            let root = root.trim_end_matches('/');
            if !root.is_empty() && root != "." {
                site.file = format!("{root}/{}", site.file);
            }
        };
        for change in &mut self.changes {
            if let Some(site) = &mut change.old {
                prefix(old_root, site);
            }
            if let Some(site) = &mut change.new {
                prefix(new_root, site);
            }
        }
        self
    }
}
