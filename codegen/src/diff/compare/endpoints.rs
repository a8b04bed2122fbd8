//! Endpoints: matched by operation, or, when an operation disappears and another appears
//! on the same method and path, recognised as a rename of the client method.

use std::collections::BTreeMap;

use super::types::same_type;
use super::{opt, type_text, Item, Out};
use crate::diff::ChangeKind;
use crate::model::{Endpoint, Service, SourceRef};

/// Which old endpoint became which new one (by index), and the endpoints on one side only.
pub(super) struct Pairs {
    /// (old, new) pairs: same operation, or same route under another operation.
    pub both: Vec<(usize, usize)>,
    /// Old endpoints with no counterpart.
    pub removed: Vec<usize>,
    /// New endpoints with no counterpart.
    pub added: Vec<usize>,
}

/// Pairs the endpoints of two versions of a service.
pub(super) fn pair(old: &Service, new: &Service) -> Pairs {
    let mut both = Vec::new();
    let mut removed = Vec::new();
    let mut taken = vec![false; new.endpoints.len()];
    for (i, o) in old.endpoints.iter().enumerate() {
        match new
            .endpoints
            .iter()
            .position(|n| n.operation == o.operation)
        {
            Some(j) => {
                taken[j] = true;
                both.push((i, j));
            }
            None => removed.push(i),
        }
    }
    // (method, path) is unique within a service, so a route names at most one endpoint on
    // each side.
    removed.retain(|&i| {
        let o = &old.endpoints[i];
        let same_route = new
            .endpoints
            .iter()
            .enumerate()
            .position(|(j, n)| !taken[j] && n.method == o.method && n.path == o.path);
        match same_route {
            Some(j) => {
                taken[j] = true;
                both.push((i, j));
                false
            }
            None => true,
        }
    });
    let added = (0..new.endpoints.len()).filter(|j| !taken[*j]).collect();
    Pairs {
        both,
        removed,
        added,
    }
}

/// Where `key` of an endpoint file was written, or the endpoint itself.
fn at(e: &Endpoint, key: &str) -> SourceRef {
    e.spans
        .get(key)
        .cloned()
        .unwrap_or_else(|| e.origin.clone())
}

/// Compares the paired endpoints and reports the unpaired ones.
pub(super) fn compare(
    out: &mut Out,
    old: &Service,
    new: &Service,
    pairs: &Pairs,
    renames: &BTreeMap<String, String>,
) {
    for &i in &pairs.removed {
        let o = &old.endpoints[i];
        out.push(
            &Item::endpoint(&old.name, &o.operation),
            ChangeKind::EndpointRemoved,
            Some(&o.origin),
            None,
            format!("{} {} removed", o.method.as_str(), o.path),
        );
    }
    for &j in &pairs.added {
        let n = &new.endpoints[j];
        out.push(
            &Item::endpoint(&new.name, &n.operation),
            ChangeKind::EndpointAdded,
            None,
            Some(&n.origin),
            format!("{} {} added", n.method.as_str(), n.path),
        );
    }
    for &(i, j) in &pairs.both {
        endpoint(
            out,
            &new.name,
            &old.endpoints[i],
            &new.endpoints[j],
            renames,
        );
    }
}

fn endpoint(
    out: &mut Out,
    service: &str,
    o: &Endpoint,
    n: &Endpoint,
    renames: &BTreeMap<String, String>,
) {
    let item = Item::endpoint(service, &n.operation);
    let mut push = |kind, key: &str, detail: String| {
        out.push(&item, kind, Some(&at(o, key)), Some(&at(n, key)), detail);
    };
    if o.operation != n.operation {
        push(
            ChangeKind::EndpointRenamed,
            "operation",
            format!("operation `{}` → `{}`", o.operation, n.operation),
        );
    }
    if o.method != n.method {
        push(
            ChangeKind::MethodChanged,
            "method",
            format!("method {} → {}", o.method.as_str(), n.method.as_str()),
        );
    }
    if o.path != n.path {
        push(
            ChangeKind::PathChanged,
            "path",
            format!("path `{}` → `{}`", o.path, n.path),
        );
    }
    if o.idempotency_key != n.idempotency_key {
        push(
            ChangeKind::IdempotencyKeyChanged,
            "idempotency_key",
            format!(
                "idempotency_key {} → {}",
                opt(o.idempotency_key.as_deref()),
                opt(n.idempotency_key.as_deref())
            ),
        );
    }
    match (&o.idempotency_evidence, &n.idempotency_evidence) {
        (Some(_), None) | (None, Some(_)) => push(
            ChangeKind::RetryEvidenceChanged,
            "idempotency_key",
            format!(
                "repeats-ignored evidence {} → {}",
                if o.idempotency_evidence.is_some() {
                    "given"
                } else {
                    "none"
                },
                if n.idempotency_evidence.is_some() {
                    "given"
                } else {
                    "none"
                }
            ),
        ),
        (Some(a), Some(b)) if a != b => push(
            ChangeKind::DocChanged,
            "idempotency_key",
            "idempotency evidence (page or quote) changed".to_owned(),
        ),
        _ => {}
    }
    if o.safe != n.safe {
        push(
            ChangeKind::SafeChanged,
            "safe",
            format!("safe {} → {}", o.safe, n.safe),
        );
    }
    let request = renames.get(&o.request).unwrap_or(&o.request);
    if *request != n.request {
        push(
            ChangeKind::RequestTypeChanged,
            "request",
            format!("request `{}` → `{}`", o.request, n.request),
        );
    }
    if !same_type(&o.response, &n.response, renames) {
        push(
            ChangeKind::ResponseTypeChanged,
            "response",
            format!(
                "response `{}` → `{}`",
                type_text(&o.response),
                type_text(&n.response)
            ),
        );
    }
    for (what, key, changed) in [
        ("summary", "summary", o.summary != n.summary),
        ("description", "description", o.description != n.description),
        ("source_page", "source_page", o.source_page != n.source_page),
    ] {
        if changed {
            push(ChangeKind::DocChanged, key, format!("{what} changed"));
        }
    }
    if o.quirks != n.quirks {
        push(
            ChangeKind::QuirksChanged,
            "quirks",
            format!("quirks changed ({} → {})", o.quirks.len(), n.quirks.len()),
        );
    }
    if o.examples != n.examples {
        push(
            ChangeKind::ExamplesChanged,
            "examples",
            format!(
                "examples changed ({} → {})",
                o.examples.len(),
                n.examples.len()
            ),
        );
    }
}
