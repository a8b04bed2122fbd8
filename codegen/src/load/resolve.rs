//! Cross-file checks of one service and assembly of the resolved [`Service`]: unique
//! names, type references, signed fields, computed fields, reachability and ordering.

use std::collections::HashMap;

use super::citations::check_citations;
use super::diagnostic::DiagnosticKind;
use super::ident::closest;
use super::named_types::TypeRef;
use super::service_file::ServiceHead;
use super::signed_fields::check_signed_fields;
use super::yaml::Cx;
use crate::model::{AuthScheme, Endpoint, NamedType, Service, SourceRef, TypeKind};

/// Everything collected for one service directory.
#[derive(Default)]
pub(crate) struct ServiceDraft {
    /// Parsed `service.yaml`, when it parsed cleanly.
    pub head: Option<ServiceHead>,
    /// Path of the service file, when there is one.
    pub service_file: Option<String>,
    /// Endpoint files, in path order.
    pub endpoint_files: Vec<String>,
    /// Parsed endpoints.
    pub endpoints: Vec<Endpoint>,
    /// Every declared named type, in file order.
    pub types: Vec<NamedType>,
    /// Every named-type reference, checked here.
    pub refs: Vec<TypeRef>,
    /// Where each endpoint file's `response` key was written, keyed by file.
    pub response_at: HashMap<String, SourceRef>,
}

/// Checks a service across its files and builds it. Problems go to `cx.diags`; the
/// service is returned only when its own file was usable.
pub(crate) fn resolve(cx: &mut Cx<'_>, name: &str, draft: ServiceDraft) -> Option<Service> {
    let ServiceDraft {
        head,
        service_file,
        endpoint_files,
        mut endpoints,
        mut types,
        refs,
        response_at,
    } = draft;

    let index = index_types(cx, name, &types);
    check_operations(cx, name, &endpoints);
    check_refs(cx, name, &refs, &index);
    check_reserved_types(cx, &types);
    check_containment(cx, &types, &index);

    if let Some((AuthScheme::Md5BodySign(scheme), envelope)) =
        head.as_ref().map(|h| (&h.auth, &h.envelope))
    {
        check_signed_fields(
            cx,
            scheme,
            envelope,
            &endpoints,
            &types,
            &index,
            &response_at,
        );
        mark_computed(&scheme.field, &endpoints, &mut types, &index);
    }

    mark_reachable(
        &mut types,
        &index,
        endpoints.iter().map(|e| e.request.as_str()),
        true,
    );
    let response_roots: Vec<String> = endpoints
        .iter()
        .filter_map(|e| e.response.named().map(str::to_string))
        .collect();
    mark_reachable(
        &mut types,
        &index,
        response_roots.iter().map(String::as_str),
        false,
    );

    let head = head?;
    types.sort_by(|a, b| a.name.cmp(&b.name));
    types.dedup_by(|a, b| a.name == b.name);
    endpoints.sort_by(|a, b| a.operation.cmp(&b.operation));
    let mut files: Vec<String> = service_file.into_iter().chain(endpoint_files).collect();
    files.sort();
    let service = Service {
        name: name.to_string(),
        title: head.title,
        description: head.description,
        files,
        base_url: head.base_url,
        auth: head.auth,
        headers: head.headers,
        envelope: head.envelope,
        errors: head.errors,
        types,
        endpoints,
        quirks: head.quirks,
        pages: head.pages,
        origin: head.origin,
        spans: head.spans,
    };
    check_citations(cx, &service);
    Some(service)
}

/// Type names are one namespace per service: the index of each name's first declaration.
fn index_types(cx: &mut Cx<'_>, service: &str, types: &[NamedType]) -> HashMap<String, usize> {
    let mut index: HashMap<String, usize> = HashMap::with_capacity(types.len());
    for (i, t) in types.iter().enumerate() {
        if let Some(&first) = index.get(&t.name) {
            let prev = types
                .get(first)
                .map(|p| describe(&p.origin))
                .unwrap_or_default();
            cx.error_at(
                &t.origin,
                DiagnosticKind::DuplicateName,
                format!(
                    "type `{}` is already defined in service `{service}` ({prev})",
                    t.name
                ),
            );
        } else {
            index.insert(t.name.clone(), i);
        }
    }
    index
}

/// Operations become client methods, and a (method, path) pair names one route.
fn check_operations(cx: &mut Cx<'_>, service: &str, endpoints: &[Endpoint]) {
    let mut ops: HashMap<&str, &SourceRef> = HashMap::with_capacity(endpoints.len());
    let mut routes: HashMap<(crate::model::HttpMethod, &str), &str> = HashMap::new();
    for e in endpoints {
        if let Some(prev) = ops.insert(&e.operation, &e.origin) {
            cx.error_at(
                &e.origin,
                DiagnosticKind::DuplicateName,
                format!(
                    "operation `{}` is already defined in service `{service}` ({})",
                    e.operation,
                    describe(prev)
                ),
            );
        }
        if let Some(prev) = routes.insert((e.method, &e.path), &e.operation) {
            cx.error_at(
                &e.origin,
                DiagnosticKind::DuplicateName,
                format!(
                    "operation `{}` has the same method and path as `{prev}` ({:?} {})",
                    e.operation, e.method, e.path
                ),
            );
        }
    }
}

/// Every named type used must be declared somewhere in the service.
fn check_refs(cx: &mut Cx<'_>, service: &str, refs: &[TypeRef], index: &HashMap<String, usize>) {
    for r in refs {
        if !index.contains_key(&r.name) {
            let hint = closest(&r.name, index.keys().map(String::as_str))
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            cx.error_at(
                &r.at,
                DiagnosticKind::UndefinedType,
                format!(
                    "type `{}` is not defined in service `{service}`{hint}; declare it under \
                     `types:` in the service file or the endpoint file",
                    r.name
                ),
            );
        }
    }
}

fn check_reserved_types(cx: &mut Cx<'_>, types: &[NamedType]) {
    for t in types {
        if crate::reserved::TYPE_NAMES.contains(&t.name.as_str()) {
            cx.error_at(
                &t.origin,
                DiagnosticKind::InvalidIdentifier,
                format!(
                    "type name `{}` is reserved: the generated module declares or uses it \
                     unqualified (generated items, Rust prelude names); rename it (e.g. `{}Info`)",
                    t.name, t.name
                ),
            );
        }
    }
}

/// The signature field is filled in by the runtime after the caller builds the request,
/// so the generated builder must not ask for it.
fn mark_computed(
    sign_field: &str,
    endpoints: &[Endpoint],
    types: &mut [NamedType],
    index: &HashMap<String, usize>,
) {
    for e in endpoints {
        if let Some(t) = index.get(&e.request).and_then(|&i| types.get_mut(i)) {
            if let TypeKind::Struct(s) = &mut t.kind {
                for f in &mut s.fields {
                    if f.wire_name == sign_field {
                        f.computed = true;
                    }
                }
            }
        }
    }
}

/// Marks every type reachable from `roots` as used in requests (or responses). Each type
/// is visited once, so the walk is linear in the number of fields.
fn mark_reachable<'a>(
    types: &mut [NamedType],
    index: &HashMap<String, usize>,
    roots: impl Iterator<Item = &'a str>,
    request: bool,
) {
    let mut stack: Vec<usize> = roots.filter_map(|r| index.get(r).copied()).collect();
    let mut seen = vec![false; types.len()];
    while let Some(i) = stack.pop() {
        let Some(t) = types.get_mut(i) else { continue };
        if seen.get(i).copied().unwrap_or(true) {
            continue;
        }
        if let Some(s) = seen.get_mut(i) {
            *s = true;
        }
        if request {
            t.in_request = true;
        } else {
            t.in_response = true;
        }
        if let TypeKind::Struct(s) = &t.kind {
            for f in &s.fields {
                if let Some(&j) = f.ty.named().and_then(|n| index.get(n)) {
                    stack.push(j);
                }
            }
        }
    }
}

/// Refuses structs that contain themselves by value, directly or through other structs:
/// such a type has infinite size and does not compile. Containment through a list is
/// fine (`Vec` holds its items on the heap). The search is an iterative depth-first walk,
/// linear in the number of fields, reporting each cycle once at the field that closes it.
fn check_containment(cx: &mut Cx<'_>, types: &[NamedType], index: &HashMap<String, usize>) {
    // edges[i]: (struct j held by value, the field holding it)
    let edges: Vec<Vec<(usize, &crate::model::Field)>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .filter_map(|f| match &f.ty {
                    crate::model::TypeExpr::Named(n) => index
                        .get(n)
                        .filter(|&&j| {
                            types
                                .get(j)
                                .is_some_and(|u| matches!(u.kind, TypeKind::Struct(_)))
                        })
                        .map(|&j| (j, f)),
                    _ => None,
                })
                .collect(),
            TypeKind::Enum(_) => Vec::new(),
        })
        .collect();
    // 0: not visited, 1: on the current path, 2: done.
    let mut state = vec![0u8; types.len()];
    for root in 0..types.len() {
        if state[root] != 0 {
            continue;
        }
        let mut path: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            let Some(&(to, field)) = edges[node].get(*next) else {
                state[node] = 2;
                path.pop();
                continue;
            };
            *next += 1;
            match state[to] {
                0 => {
                    state[to] = 1;
                    path.push((to, 0));
                }
                1 => {
                    let start = path.iter().position(|&(n, _)| n == to).unwrap_or(0);
                    let names: Vec<&str> = path[start..]
                        .iter()
                        .map(|&(n, _)| types[n].name.as_str())
                        .chain(std::iter::once(types[to].name.as_str()))
                        .collect();
                    cx.error_at(
                        &field.origin,
                        DiagnosticKind::InvalidValue,
                        format!(
                            "type `{}` contains itself ({}) without a list in between, so it \
                             would have infinite size; make one of these fields a `list<…>`",
                            types[to].name,
                            names.join(" → ")
                        ),
                    );
                }
                _ => {}
            }
        }
    }
}

fn describe(at: &SourceRef) -> String {
    format!("first at {}:{}:{}", at.file, at.line, at.column)
}
