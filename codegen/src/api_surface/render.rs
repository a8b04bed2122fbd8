//! The changes as a short list for a reviewer, grouped by the module or type that holds
//! them, with doc-only changes apart at the end.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use super::compare::{ChangeKind, ItemChange, ItemSide};
use super::item::ItemKind;

/// How many doc-only changes [`render`] lists by path before it only counts them.
const DOCS_LISTED: usize = 20;

/// The changes as text, one item per line, grouped by owner (`jdy::RefundSaveRequest`),
/// each with its file and line; `files_under` is put before file paths (`generated`), or
/// nothing when empty. Doc-only changes follow as a count and a list of paths.
///
/// ```text
/// jdy::RefundSaveRequest
///   - removed  field jdy::RefundSaveRequest::refund_amount: Option<String>   (generated/jdy.rs:1380)  BREAKING: removed: code naming it stops compiling
/// ```
pub fn render(changes: &[ItemChange], files_under: &str) -> String {
    let mut groups: BTreeMap<String, Vec<&ItemChange>> = BTreeMap::new();
    let mut docs = Vec::new();
    for change in changes {
        if change.kind == ChangeKind::DocsChanged {
            docs.push(change);
            continue;
        }
        groups
            .entry(owner(&change.path, change.item_kind))
            .or_default()
            .push(change);
    }
    let mut out = String::new();
    if groups.is_empty() && docs.is_empty() {
        out.push_str("no public item changed\n");
        return out;
    }
    for (owner, changes) in &groups {
        let _ = writeln!(
            out,
            "{}",
            if owner.is_empty() {
                "(crate root)"
            } else {
                owner
            }
        );
        for change in changes {
            let _ = writeln!(
                out,
                "  {}",
                Line {
                    change,
                    files_under
                }
            );
        }
    }
    if !docs.is_empty() {
        let _ = writeln!(out, "docs changed: {} item(s), nothing else", docs.len());
        for change in docs.iter().take(DOCS_LISTED) {
            let at = change.shown().map(|side| at(&side.location, files_under));
            let _ = writeln!(
                out,
                "  {} {}   ({})",
                change.item_kind,
                change.path,
                at.unwrap_or_default()
            );
        }
        if docs.len() > DOCS_LISTED {
            let _ = writeln!(out, "  … and {} more", docs.len() - DOCS_LISTED);
        }
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let _ = writeln!(
        out,
        "{} item(s) changed, {breaking} breaking; docs only: {}",
        changes.len() - docs.len(),
        docs.len()
    );
    out
}

/// The module or type a change is listed under: the path without its last segment (a
/// trait impl `jdy::PayType::<impl From<&str>>` goes under `jdy::PayType`).
fn owner(path: &str, kind: ItemKind) -> String {
    let cut = if kind == ItemKind::TraitImpl {
        path.rfind("::<impl ")
    } else {
        path.rfind("::")
    };
    cut.map_or_else(String::new, |at| path[..at].to_owned())
}

fn at(location: &super::item::Location, files_under: &str) -> String {
    if files_under.is_empty() {
        location.to_string()
    } else {
        format!("{}/{location}", files_under.trim_end_matches('/'))
    }
}

/// One change as one line (two for a change of signature: before and after).
struct Line<'a> {
    change: &'a ItemChange,
    files_under: &'a str,
}

impl Line<'_> {
    fn item(&self, side: &ItemSide) -> String {
        let change = self.change;
        let word = if change.item_kind.label() == "fn" && side.signature.contains("async fn ") {
            "async fn"
        } else {
            change.item_kind.label()
        };
        let mut text = if change.item_kind == ItemKind::TraitImpl {
            let ty = owner(&change.path, ItemKind::TraitImpl);
            format!("impl {} for {ty}", side.brief)
        } else {
            format!("{word} {}{}", change.path, side.brief)
        };
        if let Some(wire) = &side.wire {
            // Constant values can be long; their change is flagged, the diff shows them.
            if !matches!(change.item_kind, ItemKind::Const | ItemKind::Static) {
                let _ = write!(text, "  [{wire}]");
            }
        }
        let _ = write!(text, "   ({})", at(&side.location, self.files_under));
        text
    }
}

impl fmt::Display for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let change = self.change;
        let marker = match change.kind {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed | ChangeKind::DocsChanged => '~',
        };
        let Some(shown) = change.shown() else {
            return Ok(());
        };
        write!(
            f,
            "{marker} {:<8} {}",
            change.kind.label(),
            self.item(shown)
        )?;
        if change.members > 0 {
            write!(f, "  (with {} member item(s))", change.members)?;
        }
        if change.breaking {
            write!(f, "  BREAKING: {}", change.reason)?;
        } else if change.kind == ChangeKind::Changed || change.reason.starts_with("renamed") {
            write!(f, "  ({})", change.reason)?;
        }
        if change.kind == ChangeKind::Changed {
            if let Some(old) = &change.old {
                write!(f, "\n             was: {}", self.item(old))?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for ItemChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Line {
            change: self,
            files_under: "",
        }
        .fmt(f)
    }
}
