//! `<service>/service.yaml`: what every endpoint of a service shares.

use std::collections::HashMap;

use marked_yaml::Node;

use super::diagnostic::DiagnosticKind;
use super::ident::is_snake_case;
use super::named_types::{parse_types_section, TypeRef};
use super::paths::{check_http_path, parse_method};
use super::yaml::{Cx, Obj};
use crate::model::{
    AuthScheme, Code, EnvelopeDescriptor, ErrorAction, ErrorCodeInfo, HeaderSpec,
    KingdeeGatewayScheme, Md5SignScheme, NamedType, Processed, ResultCheck, SourceRef,
    TokenEndpoint,
};

const SERVICE_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "auth",
    "headers",
    "envelope",
    "errors",
    "types",
    "quirks",
];
const SERVICE_REQUIRED: &[&str] = &["title", "base_url", "auth", "envelope"];
const KINGDEE_KEYS: &[&str] = &[
    "scheme",
    "auth_version",
    "sign_headers",
    "timestamp_window_ms",
    "token",
    "gateway_status",
    "gateway_code_field",
    "gateway_message_field",
    "gateway_message_cn_field",
];
const MD5_KEYS: &[&str] = &[
    "scheme",
    "field",
    "skip_null",
    "skip_empty",
    "pair_separator",
    "kv_separator",
    "secret_suffix",
    "uppercase",
    "verify_response",
];
const TOKEN_KEYS: &[&str] = &["method", "path", "token_field", "ttl_secs"];
const HEADER_KEYS: &[&str] = &["name", "value", "required", "doc"];
const ENVELOPE_KEYS: &[&str] = &[
    "code_field",
    "success_code",
    "message_field",
    "data_field",
    "result",
];
const ENVELOPE_REQUIRED: &[&str] = &["code_field", "success_code", "message_field"];
const RESULT_KEYS: &[&str] = &["field", "success"];
const ERROR_KEYS: &[&str] = &[
    "code",
    "http_status",
    "name",
    "description",
    "action",
    "retryable",
    "processed",
    "note",
];
const ERROR_REQUIRED: &[&str] = &["code", "name", "description"];

/// Everything `service.yaml` declares, before endpoints are attached.
pub(crate) struct ServiceHead {
    pub title: String,
    pub description: Option<String>,
    pub base_url: String,
    pub auth: AuthScheme,
    pub headers: Vec<HeaderSpec>,
    pub envelope: EnvelopeDescriptor,
    pub errors: Vec<ErrorCodeInfo>,
    pub quirks: Vec<String>,
    pub origin: SourceRef,
}

/// Parses a service file. Types are returned even when the head is unusable, so that
/// references to them from endpoint files do not cascade into spurious errors.
pub(crate) fn parse_service(
    cx: &mut Cx<'_>,
    root: &Node,
    types: &mut Vec<NamedType>,
    refs: &mut Vec<TypeRef>,
) -> Option<ServiceHead> {
    let obj = cx.object(root, "the service file", SERVICE_KEYS, SERVICE_REQUIRED)?;
    if let Some(t) = obj.get("types") {
        types.extend(parse_types_section(cx, t, refs));
    }
    let title = cx.req_str(&obj, "title").map(|s| s.text);
    let description = cx.opt_str(&obj, "description").map(|s| s.text);
    let base_url = cx.req_str(&obj, "base_url").and_then(|s| {
        let ok = (s.text.starts_with("https://") || s.text.starts_with("http://"))
            && !s.text.ends_with('/')
            && !s.text.contains(char::is_whitespace);
        if !ok {
            cx.error(
                &s.span,
                DiagnosticKind::InvalidValue,
                format!(
                    "base_url `{}` must be an http(s) URL without spaces or a trailing slash",
                    s.text
                ),
            );
        }
        ok.then_some(s.text)
    });
    let auth = obj.get("auth").and_then(|n| parse_auth(cx, n));
    let headers = parse_headers(cx, &obj);
    let envelope = obj.get("envelope").and_then(|n| parse_envelope(cx, n));
    let errors = parse_errors(cx, &obj);
    let quirks = cx
        .str_list(&obj, "quirks")
        .into_iter()
        .map(|s| s.text)
        .collect();
    Some(ServiceHead {
        title: title?,
        description,
        base_url: base_url?,
        auth: auth?,
        headers,
        envelope: envelope?,
        errors,
        quirks,
        origin: cx.at(&obj.span()),
    })
}

fn parse_auth(cx: &mut Cx<'_>, node: &Node) -> Option<AuthScheme> {
    let scheme = node
        .as_mapping()
        .and_then(|m| m.get_scalar("scheme"))
        .map(|s| s.as_str().to_string());
    match scheme.as_deref() {
        Some("kingdee_gateway") => {
            let obj = cx.object(node, "auth (kingdee_gateway)", KINGDEE_KEYS, KINGDEE_KEYS)?;
            let auth_version = cx.req_str(&obj, "auth_version").map(|s| s.text);
            let sign_headers = cx.req_str(&obj, "sign_headers").map(|s| s.text);
            let window = cx.opt_uint::<u64>(&obj, "timestamp_window_ms");
            let token = obj.get("token").and_then(|t| parse_token(cx, t));
            let status = cx.opt_uint::<u16>(&obj, "gateway_status");
            let code = cx.req_str(&obj, "gateway_code_field").map(|s| s.text);
            let msg = cx.req_str(&obj, "gateway_message_field").map(|s| s.text);
            let msg_cn = cx.req_str(&obj, "gateway_message_cn_field").map(|s| s.text);
            Some(AuthScheme::KingdeeGateway(KingdeeGatewayScheme {
                auth_version: auth_version?.into(),
                sign_headers: sign_headers?.into(),
                timestamp_window_ms: window?,
                token: token?,
                gateway_status: status?,
                gateway_code_field: code?.into(),
                gateway_message_field: msg?.into(),
                gateway_message_cn_field: msg_cn?.into(),
            }))
        }
        Some("md5_body_sign") => {
            let obj = cx.object(node, "auth (md5_body_sign)", MD5_KEYS, MD5_KEYS)?;
            let field = cx.req_str(&obj, "field").map(|s| s.text);
            let skip_null = cx.bool_or(&obj, "skip_null", true);
            let skip_empty = cx.bool_or(&obj, "skip_empty", false);
            let pair = cx.req_str(&obj, "pair_separator").map(|s| s.text);
            let kv = cx.req_str(&obj, "kv_separator").map(|s| s.text);
            let suffix = cx.req_str(&obj, "secret_suffix").and_then(|s| {
                if s.text.contains("{key}") {
                    Some(s.text)
                } else {
                    cx.error(
                        &s.span,
                        DiagnosticKind::InvalidValue,
                        format!(
                            "secret_suffix `{}` must contain `{{key}}`, where the secret goes",
                            s.text
                        ),
                    );
                    None
                }
            });
            let uppercase = cx.bool_or(&obj, "uppercase", false);
            let verify_response = cx.bool_or(&obj, "verify_response", false);
            Some(AuthScheme::Md5BodySign(Md5SignScheme {
                field: field?.into(),
                skip_null,
                skip_empty,
                pair_separator: pair?.into(),
                kv_separator: kv?.into(),
                secret_suffix: suffix?.into(),
                uppercase,
                verify_response,
            }))
        }
        other => {
            let (span, msg) = match (other, node.as_mapping()) {
                (Some(s), Some(m)) => (
                    m.get_node("scheme").map_or(*node.span(), |n| *n.span()),
                    format!(
                        "unknown auth scheme `{s}` (expected kingdee_gateway or md5_body_sign)"
                    ),
                ),
                (None, Some(m)) if m.get_node("scheme").is_none() => {
                    cx.error(
                        node.span(),
                        DiagnosticKind::MissingKey,
                        "auth is missing the required key `scheme` (kingdee_gateway or md5_body_sign)",
                    );
                    return None;
                }
                (None, Some(m)) => (
                    m.get_node("scheme").map_or(*node.span(), |n| *n.span()),
                    "auth `scheme` must be kingdee_gateway or md5_body_sign".to_string(),
                ),
                (_, None) => {
                    cx.error(
                        node.span(),
                        DiagnosticKind::WrongShape,
                        "auth must be a mapping with a `scheme` key",
                    );
                    return None;
                }
            };
            cx.error(&span, DiagnosticKind::InvalidValue, msg);
            None
        }
    }
}

fn parse_token(cx: &mut Cx<'_>, node: &Node) -> Option<TokenEndpoint> {
    let obj = cx.object(node, "auth token", TOKEN_KEYS, TOKEN_KEYS)?;
    let method = cx
        .req_str(&obj, "method")
        .and_then(|s| parse_method(cx, &s));
    let path = cx
        .req_str(&obj, "path")
        .and_then(|s| check_http_path(cx, &s));
    let token_field = cx.req_str(&obj, "token_field").map(|s| s.text);
    let ttl = cx.opt_uint::<u64>(&obj, "ttl_secs");
    Some(TokenEndpoint {
        method: method?,
        path: path?.into(),
        token_field: token_field?.into(),
        ttl_secs: ttl?,
    })
}

fn parse_headers(cx: &mut Cx<'_>, obj: &Obj<'_>) -> Vec<HeaderSpec> {
    let mut out = Vec::new();
    let Some(seq) = cx.opt_seq(obj, "headers") else {
        return out;
    };
    let mut seen: HashMap<String, ()> = HashMap::new();
    for item in seq.iter() {
        let Some(h) = cx.object(item, "a header", HEADER_KEYS, &["name"]) else {
            continue;
        };
        let Some(name) = cx.req_str(&h, "name") else {
            continue;
        };
        if seen.insert(name.text.to_ascii_lowercase(), ()).is_some() {
            cx.error(
                &name.span,
                DiagnosticKind::DuplicateName,
                format!("header `{}` is listed twice", name.text),
            );
        }
        out.push(HeaderSpec {
            value: cx.opt_str(&h, "value").map(|s| s.text),
            required: cx.bool_or(&h, "required", false),
            description: cx.opt_str(&h, "doc").map(|s| s.text),
            name: name.text,
        });
    }
    out
}

fn parse_envelope(cx: &mut Cx<'_>, node: &Node) -> Option<EnvelopeDescriptor> {
    let obj = cx.object(node, "envelope", ENVELOPE_KEYS, ENVELOPE_REQUIRED)?;
    let code_field = cx.req_str(&obj, "code_field").map(|s| s.text);
    // A plain integer is an integer code (JDY `errcode: 0`); anything else, including a
    // quoted number, is compared as a string (Shoubei `SUCCESS`).
    let success_code = cx
        .req_str(&obj, "success_code")
        .map(|s| match s.text.parse::<i64>() {
            Ok(n) if s.plain => Code::Int(n),
            _ => Code::Str(s.text.into()),
        });
    let message_field = cx.req_str(&obj, "message_field").map(|s| s.text);
    let data_field = cx.opt_str(&obj, "data_field").map(|s| s.text);
    let result = match obj.get("result") {
        Some(r) => cx
            .object(r, "envelope result", RESULT_KEYS, RESULT_KEYS)
            .and_then(|ro| {
                let field = cx.req_str(&ro, "field").map(|s| s.text);
                let success = cx.req_str(&ro, "success").map(|s| s.text);
                Some(ResultCheck {
                    field: field?.into(),
                    success: success?.into(),
                })
            }),
        None => None,
    };
    Some(EnvelopeDescriptor {
        code_field: code_field?.into(),
        success_code: success_code?,
        message_field: message_field?.into(),
        data_field: data_field.map(Into::into),
        result,
    })
}

fn parse_errors(cx: &mut Cx<'_>, obj: &Obj<'_>) -> Vec<ErrorCodeInfo> {
    let mut out = Vec::new();
    let Some(seq) = cx.opt_seq(obj, "errors") else {
        return out;
    };
    let mut names: HashMap<String, ()> = HashMap::new();
    let mut codes: HashMap<(String, Option<u16>), ()> = HashMap::new();
    for item in seq.iter() {
        let Some(e) = cx.object(item, "an error code", ERROR_KEYS, ERROR_REQUIRED) else {
            continue;
        };
        let code = cx.req_str(&e, "code");
        let name = cx.req_str(&e, "name");
        let description = cx.req_str(&e, "description").map(|s| s.text);
        let http_status = cx.opt_uint::<u16>(&e, "http_status");
        let retryable = cx.bool_or(&e, "retryable", false);
        // Unclassified codes may come after the work was done: only `never` licenses a
        // repeat of a call without vendor-documented idempotency.
        let processed = match cx.opt_str(&e, "processed") {
            None => Processed::Maybe,
            Some(p) => match p.text.as_str() {
                "never" => Processed::Never,
                "maybe" => Processed::Maybe,
                other => {
                    cx.error(
                        &p.span,
                        DiagnosticKind::InvalidValue,
                        format!("unknown `processed` value `{other}` (expected never or maybe)"),
                    );
                    Processed::Maybe
                }
            },
        };
        // `note` documents where a code comes from; it is for readers of the spec only.
        let _ = cx.opt_str(&e, "note");
        let action = match cx.opt_str(&e, "action") {
            None => ErrorAction::None,
            Some(a) => match a.text.as_str() {
                "none" => ErrorAction::None,
                "refresh_token" => ErrorAction::RefreshToken,
                "reauthorize" => ErrorAction::Reauthorize,
                other => {
                    cx.error(
                        &a.span,
                        DiagnosticKind::InvalidValue,
                        format!(
                            "unknown error action `{other}` (expected none, refresh_token or \
                             reauthorize)"
                        ),
                    );
                    ErrorAction::None
                }
            },
        };
        let (Some(code), Some(name), Some(description)) = (code, name, description) else {
            continue;
        };
        if !is_snake_case(&name.text) {
            cx.error(
                &name.span,
                DiagnosticKind::InvalidIdentifier,
                format!("error name `{}` is not a snake_case identifier", name.text),
            );
        }
        if names.insert(name.text.clone(), ()).is_some() {
            cx.error(
                &name.span,
                DiagnosticKind::DuplicateName,
                format!("error name `{}` is used twice", name.text),
            );
        }
        if codes.insert((code.text.clone(), http_status), ()).is_some() {
            cx.error(
                &code.span,
                DiagnosticKind::DuplicateName,
                format!("error code `{}` is listed twice", code.text),
            );
        }
        out.push(ErrorCodeInfo {
            code: code.text.into(),
            http_status,
            name: name.text.into(),
            description: description.into(),
            action,
            retryable,
            processed,
        });
    }
    out
}
