//! `<service>/endpoints/<operation>.yaml`: one operation, its request and response types.

use std::collections::HashMap;

use marked_yaml::Node;

use super::diagnostic::DiagnosticKind;
use super::ident::{is_snake_case, to_snake_case, to_upper_camel};
use super::named_types::{parse_message_struct, parse_type_value, parse_types_section, TypeRef};
use super::paths::{check_http_path, parse_method};
use super::yaml::{Cx, Obj, Scalar};
use crate::model::{
    Endpoint, Evidence, Example, NamedType, SourceRef, StructType, TypeExpr, TypeKind,
};

const ENDPOINT_KEYS: &[&str] = &[
    "operation",
    "summary",
    "description",
    "source_page",
    "method",
    "path",
    "idempotency_key",
    "safe",
    "request",
    "response",
    "types",
    "examples",
    "quirks",
];
const ENDPOINT_REQUIRED: &[&str] = &["operation", "summary", "method", "path", "response"];
const REQUEST_KEYS: &[&str] = &["name", "doc", "fields", "quirks"];
const RESPONSE_KEYS: &[&str] = &["name", "doc", "fields", "type", "quirks"];
const EXAMPLE_KEYS: &[&str] = &["name", "request", "response"];
const KEY_KEYS: &[&str] = &["field", "evidence"];
const EVIDENCE_KEYS: &[&str] = &["page", "quote"];

/// Parses an endpoint file. Its types (request and response structs included) are added
/// to `types` even when the endpoint itself is unusable, so that one broken key does not
/// turn every reference into an "undefined type" error as well. Where the `response` key
/// was written goes to `response_at`, keyed by file, for checks that concern the response
/// type as a whole.
pub(crate) fn parse_endpoint(
    cx: &mut Cx<'_>,
    root: &Node,
    types: &mut Vec<NamedType>,
    refs: &mut Vec<TypeRef>,
    response_at: &mut HashMap<String, SourceRef>,
) -> Option<Endpoint> {
    let obj = cx.object(root, "the endpoint file", ENDPOINT_KEYS, ENDPOINT_REQUIRED)?;
    if let Some(t) = obj.get("types") {
        types.extend(parse_types_section(cx, t, refs));
    }
    let operation = cx.req_str(&obj, "operation");
    if let Some(op) = &operation {
        if !is_snake_case(&op.text) {
            cx.error(
                &op.span,
                DiagnosticKind::InvalidIdentifier,
                format!(
                    "operation `{}` is not a snake_case Rust identifier (try `{}`)",
                    op.text,
                    to_snake_case(&op.text)
                ),
            );
        } else if crate::reserved::OPERATIONS.contains(&op.text.as_str()) {
            cx.error(
                &op.span,
                DiagnosticKind::InvalidIdentifier,
                format!(
                    "operation `{}` is reserved: every generated `Client` has a method of that \
                     name",
                    op.text
                ),
            );
        }
    }
    let op_camel = to_upper_camel(operation.as_ref().map_or("", |s| s.text.as_str()));
    let summary = cx.req_str(&obj, "summary").map(|s| s.text);
    let description = cx.opt_str(&obj, "description").map(|s| s.text);
    let source_page = cx.opt_str(&obj, "source_page").map(|s| s.text);
    let method = cx
        .req_str(&obj, "method")
        .and_then(|s| parse_method(cx, &s));
    let path = cx
        .req_str(&obj, "path")
        .and_then(|s| check_http_path(cx, &s));

    let request = match obj.get("request") {
        Some(node) => cx
            .object(node, "request", REQUEST_KEYS, &[])
            .map(|r| parse_message_struct(cx, &r, format!("{op_camel}Request"), refs)),
        // A request without parameters is still a (empty) struct, so every client method
        // has the same shape.
        None => Some(NamedType {
            name: format!("{op_camel}Request"),
            description: None,
            kind: TypeKind::Struct(StructType { fields: Vec::new() }),
            in_response: false,
            in_request: false,
            quirks: Vec::new(),
            origin: cx.at(&obj.span()),
        }),
    };
    let request_name = request.as_ref().map(|r| r.name.clone());

    let (idempotency_key, idempotency_evidence) = parse_idempotency_key(cx, &obj);
    let safe = cx.bool_or(&obj, "safe", false);
    if let (Some(key), Some(req)) = (&idempotency_key, &request) {
        check_idempotency_key(cx, key, req);
    }
    if let Some(r) = request {
        types.push(r);
    }

    let response = obj.get("response").and_then(|node| {
        let r = cx.object(node, "response", RESPONSE_KEYS, &[])?;
        match (r.has("type"), r.has("fields")) {
            (true, true) => {
                cx.error(
                    &r.span(),
                    DiagnosticKind::WrongShape,
                    "response has both `type` and `fields`; use `type` for a plain type or \
                     `fields` for a struct",
                );
                None
            }
            (true, false) => {
                for extra in ["name", "doc", "quirks"] {
                    if let Some(n) = r.get(extra) {
                        cx.error(
                            n.span(),
                            DiagnosticKind::WrongShape,
                            format!(
                                "`{extra}` describes a response struct and cannot be combined \
                                 with `type`"
                            ),
                        );
                    }
                }
                parse_type_value(cx, &r, "type", refs)
            }
            (false, true) => {
                let t = parse_message_struct(cx, &r, format!("{op_camel}Response"), refs);
                let name = t.name.clone();
                types.push(t);
                Some(TypeExpr::Named(name))
            }
            (false, false) => {
                cx.error(
                    &r.span(),
                    DiagnosticKind::MissingKey,
                    "response needs `fields` (a struct) or `type` (e.g. `type: json`)",
                );
                None
            }
        }
    });

    let examples = parse_examples(cx, &obj);
    let quirks = cx
        .str_list(&obj, "quirks")
        .into_iter()
        .map(|s| s.text)
        .collect();
    if let Some(key) = obj.map.keys().find(|k| k.as_str() == "response") {
        response_at.insert(cx.file.to_string(), cx.at(key.span()));
    }
    Some(Endpoint {
        operation: operation?.text,
        summary: summary?,
        description,
        source_page,
        method: method?,
        path: path?,
        idempotency_key: idempotency_key.map(|s| s.text),
        idempotency_evidence,
        safe,
        request: request_name?,
        response: response?,
        examples,
        quirks,
        origin: cx.at(&obj.span()),
    })
}

/// `idempotency_key: wire_name` (documentation only) or
/// `idempotency_key: {field: wire_name, evidence: {page: .., quote: ..}}`. Evidence is what
/// lets the runtime repeat a call that may have been applied, so it must name the page and
/// carry its sentence; the loader cannot read the pages, reviewers compare the quote.
fn parse_idempotency_key(cx: &mut Cx<'_>, obj: &Obj<'_>) -> (Option<Scalar>, Option<Evidence>) {
    let Some(node) = obj.get("idempotency_key") else {
        return (None, None);
    };
    if node.as_scalar().is_some() {
        return (cx.opt_str(obj, "idempotency_key"), None);
    }
    let Some(key) = cx.object(node, "idempotency_key", KEY_KEYS, &["field"]) else {
        return (None, None);
    };
    let field = cx.req_str(&key, "field");
    let evidence = key.get("evidence").and_then(|node| {
        let e = cx.object(
            node,
            "idempotency_key evidence",
            EVIDENCE_KEYS,
            EVIDENCE_KEYS,
        )?;
        let page = non_blank(cx, &e, "page", "the page file (or URL) that states it");
        let quote = non_blank(
            cx,
            &e,
            "quote",
            "the sentence copied verbatim from the page",
        );
        Some(Evidence {
            page: page?,
            quote: quote?,
        })
    });
    (field, evidence)
}

/// A required evidence value that says something (not only whitespace).
fn non_blank(cx: &mut Cx<'_>, obj: &Obj<'_>, key: &str, what: &str) -> Option<String> {
    let value = cx.req_str(obj, key)?;
    if value.text.trim().is_empty() {
        cx.error(
            &value.span,
            DiagnosticKind::InvalidValue,
            format!("evidence `{key}` is empty; it must be {what}"),
        );
        return None;
    }
    Some(value.text)
}

/// The key must be a top-level request field, named by its wire name: that is the value
/// the vendor deduplicates on, and what the runtime reads when deciding to retry.
fn check_idempotency_key(cx: &mut Cx<'_>, key: &Scalar, request: &NamedType) {
    let TypeKind::Struct(s) = &request.kind else {
        return;
    };
    if s.fields.iter().any(|f| f.wire_name == key.text) {
        return;
    }
    let hint = s
        .fields
        .iter()
        .find(|f| f.name == key.text)
        .map(|f| format!(" (use the wire name `{}`)", f.wire_name))
        .unwrap_or_default();
    cx.error(
        &key.span,
        DiagnosticKind::InvalidValue,
        format!(
            "idempotency_key `{}` is not a field of the request `{}`{hint}",
            key.text, request.name
        ),
    );
}

fn parse_examples(cx: &mut Cx<'_>, obj: &super::yaml::Obj<'_>) -> Vec<Example> {
    let mut out = Vec::new();
    let Some(seq) = cx.opt_seq(obj, "examples") else {
        return out;
    };
    let mut names: HashMap<String, ()> = HashMap::new();
    for item in seq.iter() {
        let Some(e) = cx.object(item, "an example", EXAMPLE_KEYS, &[]) else {
            continue;
        };
        let name = cx.opt_str(&e, "name");
        let name_text = name
            .as_ref()
            .map_or_else(|| "default".to_string(), |n| n.text.clone());
        if names.insert(name_text.clone(), ()).is_some() {
            let span = name.as_ref().map_or(e.span(), |n| n.span);
            cx.error(
                &span,
                DiagnosticKind::DuplicateName,
                format!("two examples are named `{name_text}` (unnamed examples are `default`)"),
            );
        }
        let request = cx
            .opt_str(&e, "request")
            .map(|s| json_text(cx, s, "request"));
        let response = cx
            .opt_str(&e, "response")
            .map(|s| json_text(cx, s, "response"));
        out.push(Example {
            name: name_text,
            request,
            response,
        });
    }
    out
}

fn json_text(cx: &mut Cx<'_>, s: Scalar, which: &str) -> String {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&s.text) {
        cx.error(
            &s.span,
            DiagnosticKind::InvalidValue,
            format!(
                "example {which} is not valid JSON: {e} (line {} of the example text)",
                e.line()
            ),
        );
    }
    s.text.trim_end().to_string()
}
