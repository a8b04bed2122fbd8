//! The version bump of the client crate a set of changes needs.
//!
//! Anything that breaks, whether the compiler sees it or only the wire does, needs a major
//! version: a dependent must decide to take it. New API needs a minor version; changes that
//! only touch rustdoc (docs, quirks, examples, lengths that validate nothing) a patch.

use super::{Bump, Change};

/// The largest bump any of `changes` needs ([`Bump::None`] for none).
pub(super) fn bump(changes: &[Change]) -> Bump {
    changes
        .iter()
        .map(|c| c.kind.bump(c.direction))
        .max()
        .unwrap_or(Bump::None)
}
