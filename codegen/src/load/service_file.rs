//! Checks of `<service>/service.yaml` ([`raw::ServiceFile`]) and what it becomes
//! in the model.

use std::collections::{BTreeMap, HashSet};

use super::diagnostic::DiagnosticKind;
use super::ident::is_snake_case;
use super::named_types::{check_types_section, TypeRef};
use super::paths::{check_http_path, http_method};
use super::raw::service as raw;
use super::raw::{Checked, Code, Entries, Opt};
use super::yaml::{Cx, Pos};
use super::{quirks, value};
use crate::model::{
    AuthScheme, AuthorizeEndpoint, BearerScheme, Code as CodeValue, EnvelopeDescriptor,
    ErrorAction, ErrorCodeInfo, HeaderSpec, KingdeeGatewayScheme, Md5SignScheme, NamedType,
    Processed, ResultCheck, SourceRef, TokenEndpoint, VendorPage,
};

/// Headers a `kingdee_gateway` signature can cover: those the client sends on every
/// request (the runtime's `SignableHeader`; `tests/sign_headers_lint.rs` keeps the two
/// in step). `app-token` and the signature headers themselves are not among them.
pub(crate) const KINGDEE_SIGN_HEADERS: &[&str] = &[
    "X-Api-Nonce",
    "X-Api-TimeStamp",
    "X-Api-ClientID",
    "X-Api-Auth-Version",
    "X-GW-Router-Addr",
    "Content-Type",
];

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
    pub pages: BTreeMap<String, VendorPage>,
    pub origin: SourceRef,
    pub spans: crate::model::KeySpans,
}

/// Checks a service file. Types are returned even when the head is unusable, so that
/// references to them from endpoint files do not cascade into spurious errors.
pub(crate) fn check_service(
    cx: &mut Cx<'_>,
    file: Checked<raw::ServiceFile>,
    types: &mut Vec<NamedType>,
    refs: &mut Vec<TypeRef>,
) -> Option<ServiceHead> {
    let origin = cx.at(file.span);
    let raw = file.value?;
    if let Some(t) = raw.types.and_then(|t| t.value) {
        types.extend(check_types_section(cx, t, refs));
    }
    let base_url = raw.base_url.value.and_then(|url| {
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && !url.ends_with('/')
            && !url.contains(char::is_whitespace);
        if !ok {
            cx.error(
                raw.base_url.span,
                DiagnosticKind::InvalidValue,
                format!(
                    "base_url `{url}` must be an http(s) URL without spaces or a trailing slash"
                ),
            );
        }
        ok.then_some(url)
    });
    let auth = raw.auth.value.and_then(|a| check_auth(cx, a));
    let headers = check_headers(cx, raw.headers);
    let envelope = raw.envelope.value.and_then(check_envelope);
    let errors = check_errors(cx, raw.errors);
    let pages = check_pages(cx, raw.pages);
    Some(ServiceHead {
        title: raw.title.value?,
        description: value(raw.description),
        base_url: base_url?,
        auth: auth?,
        headers,
        envelope: envelope?,
        errors,
        quirks: quirks(raw.quirks),
        pages,
        origin,
        spans: Default::default(),
    })
}

/// The vendor pages, by the name quirks cite them with. A name is cited as `<name>: …`, so
/// it has no spaces or colons; a URL becomes a rustdoc link, so it is a plain http(s) URL.
fn check_pages(cx: &mut Cx<'_>, pages: Opt<Entries<raw::Page>>) -> BTreeMap<String, VendorPage> {
    let mut out = BTreeMap::new();
    for (key, page) in value(pages).map(|p| p.0).unwrap_or_default() {
        let (Some(name), Some(page)) = (key.value, page.value) else {
            continue;
        };
        if name.is_empty()
            || name.contains(|c: char| c.is_whitespace() || c == ':' || c.is_control())
        {
            cx.error(
                key.span,
                DiagnosticKind::InvalidValue,
                format!("page name `{name}` must be non-empty, without spaces or colons (quirks cite it as `{name}: …`)"),
            );
            continue;
        }
        let url_span = page.url.as_ref().map(|u| u.span);
        let url = value(page.url).and_then(|url| {
            let ok = (url.starts_with("https://") || url.starts_with("http://"))
                && !url.contains(|c: char| {
                    c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '`' | '\\')
                });
            if !ok {
                cx.error(
                    url_span.unwrap_or(page.title.span),
                    DiagnosticKind::InvalidValue,
                    format!("page url `{url}` must be an http(s) URL without spaces, quotes, backticks, backslashes or angle brackets"),
                );
            }
            ok.then_some(url)
        });
        let Some(title) = page.title.value.filter(|t| !t.trim().is_empty()) else {
            cx.error(
                page.title.span,
                DiagnosticKind::InvalidValue,
                format!("page `{name}` needs a title"),
            );
            continue;
        };
        out.insert(
            name,
            VendorPage {
                title: title.trim().to_owned(),
                url,
            },
        );
    }
    out
}

fn check_auth(cx: &mut Cx<'_>, auth: raw::Auth) -> Option<AuthScheme> {
    match auth {
        raw::Auth::KingdeeGateway(k) => {
            check_sign_headers(cx, &k.sign_headers);
            let token = k.token.value.and_then(|t| check_token(cx, t));
            let authorize = k
                .authorize
                .and_then(|a| a.value)
                .map(|a| check_authorize(cx, a, token.as_ref()));
            Some(AuthScheme::KingdeeGateway(KingdeeGatewayScheme {
                auth_version: k.auth_version.value?.into(),
                sign_headers: k.sign_headers.value?.into(),
                timestamp_window_ms: k.timestamp_window_ms.value?,
                token: token?,
                // Declared but wrong: reported already, and no scheme.
                authorize: match authorize {
                    None => None,
                    Some(checked) => Some(checked?),
                },
                gateway_status: k.gateway_status.value?,
                gateway_code_field: k.gateway_code_field.value?.into(),
                gateway_message_field: k.gateway_message_field.value?.into(),
                gateway_message_cn_field: k.gateway_message_cn_field.value?.into(),
            }))
        }
        raw::Auth::Md5BodySign(m) => {
            let suffix = m.secret_suffix.value.and_then(|s| {
                if s.contains("{key}") {
                    return Some(s);
                }
                cx.error(
                    m.secret_suffix.span,
                    DiagnosticKind::InvalidValue,
                    format!("secret_suffix `{s}` must contain `{{key}}`, where the secret goes"),
                );
                None
            });
            Some(AuthScheme::Md5BodySign(Md5SignScheme {
                field: m.field.value?.into(),
                skip_null: m.skip_null.value?,
                skip_empty: m.skip_empty.value?,
                pair_separator: m.pair_separator.value?.into(),
                kv_separator: m.kv_separator.value?.into(),
                secret_suffix: suffix?.into(),
                uppercase: m.uppercase.value?,
                verify_response: m.verify_response.value?,
            }))
        }
        raw::Auth::StaticBearer(b) => {
            let header = b.header.value.and_then(|h| {
                let token_char =
                    |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
                if !h.is_empty() && h.chars().all(token_char) {
                    return Some(h);
                }
                cx.error(
                    b.header.span,
                    DiagnosticKind::InvalidValue,
                    format!("`{h}` is not an HTTP header name"),
                );
                None
            });
            Some(AuthScheme::StaticBearer(BearerScheme {
                header: header?.into(),
                prefix: value(b.prefix).unwrap_or_default().into(),
            }))
        }
    }
}

/// `sign_headers` is what the gateway signature covers (and, sent as `X-Api-SignHeaders`,
/// what the gateway checks): comma-separated header names (spaces around them are
/// ignored), each one the client can sign, each once. The runtime refuses anything else
/// when a client is built; `lint` says so first, at the value.
fn check_sign_headers(cx: &mut Cx<'_>, value: &Checked<String>) {
    let Some(text) = value.get() else { return };
    let names: Vec<&str> = text.split(',').map(str::trim).collect();
    let problem = if names.iter().any(|n| n.is_empty()) {
        Some("has an empty entry".to_string())
    } else if let Some(n) = names.iter().find(|n| {
        !KINGDEE_SIGN_HEADERS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(n))
    }) {
        Some(format!("names `{n}`, which the client cannot sign"))
    } else {
        names
            .iter()
            .enumerate()
            .find(|(i, n)| names[..*i].iter().any(|m| m.eq_ignore_ascii_case(n)))
            .map(|(_, n)| format!("names `{n}` twice"))
    };
    if let Some(problem) = problem {
        cx.error(
            value.span,
            DiagnosticKind::InvalidValue,
            format!(
                "sign_headers `{text}` {problem}; list one or more of {}, separated by \
                 commas (the pages send `X-Api-TimeStamp,X-Api-Nonce`)",
                KINGDEE_SIGN_HEADERS.join(", ")
            ),
        );
    }
}

fn check_token(cx: &mut Cx<'_>, t: raw::TokenEndpoint) -> Option<TokenEndpoint> {
    let path = check_http_path(cx, t.path);
    Some(TokenEndpoint {
        method: http_method(t.method.value?),
        path: path?.into(),
        token_field: t.token_field.value?.into(),
        ttl_secs: t.ttl_secs.value?,
    })
}

/// `push_app_authorize`: a path of its own (the sandbox and the route table tell the
/// endpoints apart by method and path), a query parameter name and three distinct,
/// non-empty response fields. `None` (with an error at the value) when one is wrong.
fn check_authorize(
    cx: &mut Cx<'_>,
    a: raw::AuthorizeEndpoint,
    token: Option<&TokenEndpoint>,
) -> Option<AuthorizeEndpoint> {
    let method = a.method.value.map(http_method);
    let path_span = a.path.span;
    let path = check_http_path(cx, a.path).and_then(|path| {
        let clash = token.is_some_and(|t| Some(t.method) == method && t.path == path);
        if !clash {
            return Some(path);
        }
        cx.error(
            path_span,
            DiagnosticKind::InvalidValue,
            format!("authorize path `{path}` is the token endpoint's; give each its own"),
        );
        None
    });
    let instance_param = a.instance_param.value.and_then(|name| {
        // Written into the query unencoded by neither side: a name that needs no
        // percent-encoding keeps the signed query and the sent one the same.
        let plain = |c: char| c.is_ascii_alphanumeric() || "-_.~".contains(c);
        if !name.is_empty() && name.chars().all(plain) {
            return Some(name);
        }
        cx.error(
            a.instance_param.span,
            DiagnosticKind::InvalidValue,
            format!(
                "instance_param `{name}` must be a query parameter name of letters, digits,                  `-`, `_`, `.` or `~`"
            ),
        );
        None
    });
    let mut seen: Vec<String> = Vec::new();
    let mut field = |key: &str, value: Checked<String>| {
        let name = value.value?;
        let problem = if name.trim().is_empty() {
            Some(format!("{key} must name a field of the response data"))
        } else if seen.contains(&name) {
            Some(format!(
                "{key} `{name}` is already the field of another credential"
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            cx.error(value.span, DiagnosticKind::InvalidValue, problem);
            return None;
        }
        seen.push(name.clone());
        Some(name)
    };
    let app_key_field = field("app_key_field", a.app_key_field);
    let app_secret_field = field("app_secret_field", a.app_secret_field);
    let domain_field = field("domain_field", a.domain_field);
    Some(AuthorizeEndpoint {
        method: method?,
        path: path?.into(),
        instance_param: instance_param?.into(),
        app_key_field: app_key_field?.into(),
        app_secret_field: app_secret_field?.into(),
        domain_field: domain_field?.into(),
    })
}

fn check_headers(cx: &mut Cx<'_>, headers: Opt<Vec<Checked<raw::Header>>>) -> Vec<HeaderSpec> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for h in value(headers).into_iter().flatten().filter_map(|h| h.value) {
        let Some(name) = h.name.value else { continue };
        if !seen.insert(name.to_ascii_lowercase()) {
            cx.error(
                h.name.span,
                DiagnosticKind::DuplicateName,
                format!("header `{name}` is listed twice"),
            );
        }
        out.push(HeaderSpec {
            value: value(h.value),
            required: value(h.required).unwrap_or(false),
            description: value(h.doc),
            name,
        });
    }
    out
}

fn check_envelope(e: raw::Envelope) -> Option<EnvelopeDescriptor> {
    let result = match e.result {
        Some(r) => {
            let r = r.value?;
            Some(ResultCheck {
                field: r.field.value?.into(),
                success: r.success.value?.into(),
            })
        }
        None => None,
    };
    Some(EnvelopeDescriptor {
        code_field: e.code_field.value?.into(),
        success_code: match e.success_code.value? {
            Code::Int(n) => CodeValue::Int(n),
            Code::Text(s) => CodeValue::Str(s.into()),
        },
        message_field: e.message_field.value?.into(),
        data_field: value(e.data_field).map(Into::into),
        result,
    })
}

fn check_errors(cx: &mut Cx<'_>, errors: Opt<Vec<Checked<raw::ErrorCode>>>) -> Vec<ErrorCodeInfo> {
    let mut out = Vec::new();
    let mut names = HashSet::new();
    let mut codes = HashSet::new();
    for e in value(errors).into_iter().flatten().filter_map(|e| e.value) {
        let http_status = value(e.http_status);
        let (Some(code), Some(name), Some(description)) =
            (e.code.value, e.name.value, e.description.value)
        else {
            continue;
        };
        check_error_name(cx, &name, &e.name.span, &mut names);
        if !codes.insert((code.clone(), http_status)) {
            cx.error(
                e.code.span,
                DiagnosticKind::DuplicateName,
                format!("error code `{code}` is listed twice"),
            );
        }
        out.push(ErrorCodeInfo {
            code: code.into(),
            http_status,
            name: name.into(),
            description: description.into(),
            action: match value(e.action) {
                None | Some(raw::ErrorAction::None) => ErrorAction::None,
                Some(raw::ErrorAction::RefreshToken) => ErrorAction::RefreshToken,
                Some(raw::ErrorAction::Reauthorize) => ErrorAction::Reauthorize,
            },
            retryable: value(e.retryable).unwrap_or(false),
            // Unclassified codes may come after the work was done: only `never` licenses
            // a repeat of a call without vendor-documented idempotency.
            processed: match value(e.processed) {
                Some(raw::Processed::Never) => Processed::Never,
                None | Some(raw::Processed::Maybe) => Processed::Maybe,
            },
        });
    }
    out
}

fn check_error_name(cx: &mut Cx<'_>, name: &str, span: &Pos, names: &mut HashSet<String>) {
    if !is_snake_case(name) {
        cx.error(
            span,
            DiagnosticKind::InvalidIdentifier,
            format!("error name `{name}` is not a snake_case identifier"),
        );
    }
    if !names.insert(name.to_string()) {
        cx.error(
            span,
            DiagnosticKind::DuplicateName,
            format!("error name `{name}` is used twice"),
        );
    }
}
