//! Checks of `<service>/endpoints/<operation>.yaml` ([`raw::EndpointFile`]):
//! one operation, its request and response types.

use std::collections::{HashMap, HashSet};

use super::diagnostic::DiagnosticKind;
use super::ident::{is_snake_case, to_snake_case, to_upper_camel};
use super::named_types::{
    check_message_struct, check_type_value, check_types_section, MessageStruct, TypeRef,
};
use super::paths::{check_http_path, http_method};
use super::raw::endpoint::{self as raw, IdempotencyKey};
use super::raw::{Checked, Opt};
use super::yaml::{Cx, Pos};
use super::{quirks, value};
use crate::model::{
    Endpoint, Evidence, Example, NamedType, SourceRef, StructType, TypeExpr, TypeKind,
};

/// Checks an endpoint file. Its types (request and response structs included) are added
/// to `types` even when the endpoint itself is unusable, so that one broken key does not
/// turn every reference into an "undefined type" error as well. Where the `response` key
/// was written goes to `response_at`, keyed by file, for checks that concern the response
/// type as a whole.
pub(crate) fn check_endpoint(
    cx: &mut Cx<'_>,
    file: Checked<raw::EndpointFile>,
    types: &mut Vec<NamedType>,
    refs: &mut Vec<TypeRef>,
    response_at: &mut HashMap<String, SourceRef>,
) -> Option<Endpoint> {
    let origin_span = file.span;
    let raw = file.value?;
    cx.review(raw.review);
    if let Some(t) = value(raw.types) {
        types.extend(check_types_section(cx, t, refs));
    }
    check_operation(cx, &raw.operation);
    let op_camel = to_upper_camel(raw.operation.get().map_or("", String::as_str));
    let path = check_http_path(cx, raw.path);
    let request = check_request(cx, raw.request, &op_camel, &origin_span, refs);
    let request_name = request.as_ref().map(|r| r.name.clone());
    let (idempotency_key, idempotency_evidence) = match raw.idempotency_key {
        Some(key) => check_idempotency_key(cx, key, request.as_ref()),
        None => (None, None),
    };
    types.extend(request);
    let response_key = raw.response.key_span;
    let response = check_response(cx, raw.response, &op_camel, types, refs);
    response_at.insert(cx.file.to_string(), cx.at(response_key));
    let examples = check_examples(cx, raw.examples);
    Some(Endpoint {
        operation: raw.operation.value?,
        summary: raw.summary.value?,
        description: value(raw.description),
        source_page: value(raw.source_page),
        method: http_method(raw.method.value?),
        path: path?,
        idempotency_key,
        idempotency_evidence,
        safe: value(raw.safe).unwrap_or(false),
        request: request_name?,
        response: response?,
        examples,
        quirks: quirks(raw.quirks),
        origin: cx.at(origin_span),
        spans: Default::default(),
    })
}

/// The operation becomes a method of the generated `Client`.
fn check_operation(cx: &mut Cx<'_>, operation: &Checked<String>) {
    let Some(op) = operation.get() else { return };
    if !is_snake_case(op) {
        cx.error(
            operation.span,
            DiagnosticKind::InvalidIdentifier,
            format!(
                "operation `{op}` is not a snake_case Rust identifier (try `{}`)",
                to_snake_case(op)
            ),
        );
    } else if crate::reserved::OPERATIONS.contains(&op.as_str()) {
        cx.error(
            operation.span,
            DiagnosticKind::InvalidIdentifier,
            format!(
                "operation `{op}` is reserved: every generated `Client` has a method of that \
                 name"
            ),
        );
    }
}

fn check_request(
    cx: &mut Cx<'_>,
    request: Opt<raw::Request>,
    op_camel: &str,
    file_at: &Pos,
    refs: &mut Vec<TypeRef>,
) -> Option<NamedType> {
    let name = format!("{op_camel}Request");
    match request {
        Some(Checked { span, value, .. }) => {
            let r = value?;
            let body = MessageStruct {
                name: r.name,
                doc: r.doc,
                fields: r.fields,
                quirks: r.quirks,
            };
            Some(check_message_struct(cx, body, name, &span, refs))
        }
        // A request without parameters is still a (empty) struct, so every client method
        // has the same shape.
        None => Some(NamedType {
            name,
            description: None,
            kind: TypeKind::Struct(StructType { fields: Vec::new() }),
            in_response: false,
            in_request: false,
            quirks: Vec::new(),
            origin: cx.at(file_at),
        }),
    }
}

/// A response is a struct (`fields`, with `name`, `doc`, `quirks`) or any type (`type`).
fn check_response(
    cx: &mut Cx<'_>,
    response: Checked<raw::Response>,
    op_camel: &str,
    types: &mut Vec<NamedType>,
    refs: &mut Vec<TypeRef>,
) -> Option<TypeExpr> {
    let at = response.span;
    let r = response.value?;
    match (r.ty, r.fields.is_some()) {
        (Some(_), true) => {
            cx.error(
                at,
                DiagnosticKind::WrongShape,
                "response has both `type` and `fields`; use `type` for a plain type or \
                 `fields` for a struct",
            );
            None
        }
        (Some(ty), false) => {
            for (key, extra) in [
                ("name", r.name.map(|c| c.span)),
                ("doc", r.doc.map(|c| c.span)),
                ("quirks", r.quirks.map(|c| c.span)),
            ] {
                if let Some(span) = extra {
                    cx.error(
                        span,
                        DiagnosticKind::WrongShape,
                        format!(
                            "`{key}` describes a response struct and cannot be combined with \
                             `type`"
                        ),
                    );
                }
            }
            check_type_value(cx, ty, "response", refs)
        }
        (None, true) => {
            let body = MessageStruct {
                name: r.name,
                doc: r.doc,
                fields: r.fields,
                quirks: r.quirks,
            };
            let t = check_message_struct(cx, body, format!("{op_camel}Response"), &at, refs);
            let name = t.name.clone();
            types.push(t);
            Some(TypeExpr::Named(name))
        }
        (None, false) => {
            cx.error(
                at,
                DiagnosticKind::MissingKey,
                "response needs `fields` (a struct) or `type` (e.g. `type: json`)",
            );
            None
        }
    }
}

/// `idempotency_key: wire_name` (documentation only) or
/// `idempotency_key: {field: wire_name, evidence: {page: .., quote: ..}}`. Evidence is what
/// lets the runtime repeat a call that may have been applied, so it must name the page and
/// carry its sentence; the loader cannot read the pages, reviewers compare the quote.
fn check_idempotency_key(
    cx: &mut Cx<'_>,
    key: Checked<IdempotencyKey>,
    request: Option<&NamedType>,
) -> (Option<String>, Option<Evidence>) {
    let (field, evidence) = match key.value {
        None => return (None, None),
        Some(IdempotencyKey::Field(f)) => (
            Checked {
                span: key.span,
                key_span: key.key_span,
                value: Some(f),
            },
            None,
        ),
        Some(IdempotencyKey::WithEvidence(k)) => {
            let evidence = value(k.evidence).and_then(|e| {
                let page = non_blank(cx, e.page, "page", "the page file (or URL) that states it");
                let quote = non_blank(
                    cx,
                    e.quote,
                    "quote",
                    "the sentence copied verbatim from the page",
                );
                Some(Evidence {
                    page: page?,
                    quote: quote?,
                })
            });
            (k.field, evidence)
        }
    };
    if let (Some(f), Some(req)) = (field.get(), request) {
        check_key_field(cx, f, &field.span, req);
    }
    (field.value, evidence)
}

/// A required evidence value that says something (not only whitespace).
fn non_blank(cx: &mut Cx<'_>, value: Checked<String>, key: &str, what: &str) -> Option<String> {
    let text = value.value?;
    if text.trim().is_empty() {
        cx.error(
            value.span,
            DiagnosticKind::InvalidValue,
            format!("evidence `{key}` is empty; it must be {what}"),
        );
        return None;
    }
    Some(text)
}

/// The key must be a top-level request field, named by its wire name: that is the value
/// the vendor deduplicates on, and what the runtime reads when deciding to retry.
fn check_key_field(cx: &mut Cx<'_>, key: &str, at: &Pos, request: &NamedType) {
    let TypeKind::Struct(s) = &request.kind else {
        return;
    };
    if s.fields.iter().any(|f| f.wire_name == key) {
        return;
    }
    let hint = s
        .fields
        .iter()
        .find(|f| f.name == key)
        .map(|f| format!(" (use the wire name `{}`)", f.wire_name))
        .unwrap_or_default();
    cx.error(
        at,
        DiagnosticKind::InvalidValue,
        format!(
            "idempotency_key `{key}` is not a field of the request `{}`{hint}",
            request.name
        ),
    );
}

fn check_examples(cx: &mut Cx<'_>, examples: Opt<Vec<Checked<raw::Example>>>) -> Vec<Example> {
    let mut out = Vec::new();
    let mut names = HashSet::new();
    for e in value(examples).into_iter().flatten() {
        let at = e.span;
        let Some(e) = e.value else { continue };
        let (name, name_at) = match e.name {
            Some(Checked {
                span,
                value: Some(n),
                ..
            }) => (n, span),
            _ => ("default".to_string(), at),
        };
        if !names.insert(name.clone()) {
            cx.error(
                name_at,
                DiagnosticKind::DuplicateName,
                format!("two examples are named `{name}` (unnamed examples are `default`)"),
            );
        }
        out.push(Example {
            name,
            request: e.request.and_then(|s| json_text(cx, s, "request")),
            response: e.response.and_then(|s| json_text(cx, s, "response")),
        });
    }
    out
}

fn json_text(cx: &mut Cx<'_>, s: Checked<String>, which: &str) -> Option<String> {
    let text = s.value?;
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
        cx.error(
            s.span,
            DiagnosticKind::InvalidValue,
            format!(
                "example {which} is not valid JSON: {e} (line {} of the example text)",
                e.line()
            ),
        );
    }
    Some(text.trim_end().to_string())
}
