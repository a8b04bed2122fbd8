//! What `service.yaml` declares: base URL, auth scheme and its parameters, envelope,
//! error codes, and the service's documentation; then its endpoints and types.

use super::{endpoints, opt, types, Item, Out};
use crate::diff::ChangeKind;
use crate::model::{
    AuthScheme, AuthorizeEndpoint, Code, ErrorCodeInfo, KingdeeGatewayScheme, Service, SourceRef,
};

/// Compares two versions of one service.
pub(super) fn compare(out: &mut Out, old: &Service, new: &Service) {
    let item = Item::service(&new.name);
    let at = |s: &'_ Service, key: &str| -> SourceRef {
        s.spans
            .get(key)
            .cloned()
            .unwrap_or_else(|| s.origin.clone())
    };
    if old.base_url != new.base_url {
        out.push(
            &item,
            ChangeKind::BaseUrlChanged,
            Some(&at(old, "base_url")),
            Some(&at(new, "base_url")),
            format!("base_url `{}` → `{}`", old.base_url, new.base_url),
        );
    }
    auth(out, &item, old, new);
    envelope(out, &item, old, new);
    errors(out, &item, old, new);
    let (o, n) = (&at(old, "title"), &at(new, "title"));
    out.doc(&item, "title", (&old.title, &new.title), (o, n));
    let (o, n) = (&at(old, "description"), &at(new, "description"));
    out.doc(
        &item,
        "description",
        (&old.description, &new.description),
        (o, n),
    );
    let (o, n) = (&at(old, "headers"), &at(new, "headers"));
    out.doc(
        &item,
        "documented headers",
        (&old.headers, &new.headers),
        (o, n),
    );
    let (o, n) = (&at(old, "pages"), &at(new, "pages"));
    out.doc(&item, "pages", (&old.pages, &new.pages), (o, n));
    let (o, n) = (&at(old, "quirks"), &at(new, "quirks"));
    out.quirks(&item, (&old.quirks, &new.quirks), (o, n));

    let pairs = endpoints::pair(old, new);
    let renames = types::renames(old, new, &pairs);
    endpoints::compare(out, old, new, &pairs, &renames);
    types::compare(out, old, new, &renames);
}

/// The parameters of a scheme as (key under `auth`, value text), in spec order.
fn auth_params(auth: &AuthScheme) -> Vec<(&'static str, String)> {
    match auth {
        AuthScheme::KingdeeGateway(k) => vec![
            ("auth_version", k.auth_version.to_string()),
            ("sign_headers", k.sign_headers.to_string()),
            ("timestamp_window_ms", k.timestamp_window_ms.to_string()),
            ("token.method", k.token.method.as_str().to_owned()),
            ("token.path", k.token.path.to_string()),
            ("token.token_field", k.token.token_field.to_string()),
            ("token.ttl_secs", k.token.ttl_secs.to_string()),
            // An absent endpoint compares as empty values, so adding or removing it is
            // a change of each of its keys.
            (
                "authorize.method",
                authorize(k, |a| a.method.as_str().to_owned()),
            ),
            ("authorize.path", authorize(k, |a| a.path.to_string())),
            (
                "authorize.instance_param",
                authorize(k, |a| a.instance_param.to_string()),
            ),
            (
                "authorize.app_key_field",
                authorize(k, |a| a.app_key_field.to_string()),
            ),
            (
                "authorize.app_secret_field",
                authorize(k, |a| a.app_secret_field.to_string()),
            ),
            (
                "authorize.domain_field",
                authorize(k, |a| a.domain_field.to_string()),
            ),
            ("gateway_status", k.gateway_status.to_string()),
            ("gateway_code_field", k.gateway_code_field.to_string()),
            ("gateway_message_field", k.gateway_message_field.to_string()),
            (
                "gateway_message_cn_field",
                k.gateway_message_cn_field.to_string(),
            ),
        ],
        AuthScheme::Md5BodySign(m) => vec![
            ("field", m.field.to_string()),
            ("skip_null", m.skip_null.to_string()),
            ("skip_empty", m.skip_empty.to_string()),
            ("pair_separator", m.pair_separator.to_string()),
            ("kv_separator", m.kv_separator.to_string()),
            ("secret_suffix", m.secret_suffix.to_string()),
            ("uppercase", m.uppercase.to_string()),
            ("verify_response", m.verify_response.to_string()),
        ],
        AuthScheme::StaticBearer(b) => vec![
            ("header", b.header.to_string()),
            ("prefix", b.prefix.to_string()),
        ],
    }
}

/// One value of the `authorize` endpoint, empty when the spec declares none.
fn authorize(k: &KingdeeGatewayScheme, value: impl Fn(&AuthorizeEndpoint) -> String) -> String {
    k.authorize.as_ref().map(value).unwrap_or_default()
}

fn auth(out: &mut Out, item: &Item, old: &Service, new: &Service) {
    let at = |s: &Service, key: &str| {
        s.spans
            .get(&format!("auth.{key}"))
            .or_else(|| s.spans.get("auth"))
            .cloned()
            .unwrap_or_else(|| s.origin.clone())
    };
    if old.auth.name() != new.auth.name() {
        out.push(
            item,
            ChangeKind::AuthSchemeChanged,
            Some(&at(old, "scheme")),
            Some(&at(new, "scheme")),
            format!("auth.scheme `{}` → `{}`", old.auth.name(), new.auth.name()),
        );
        return;
    }
    for ((key, o), (_, n)) in auth_params(&old.auth)
        .into_iter()
        .zip(auth_params(&new.auth))
    {
        if o != n {
            out.push(
                item,
                ChangeKind::SigningParameterChanged,
                Some(&at(old, key)),
                Some(&at(new, key)),
                format!("auth.{key} `{o}` → `{n}`"),
            );
        }
    }
}

fn code_text(code: &Code) -> String {
    match code {
        Code::Int(n) => n.to_string(),
        Code::Str(s) => format!("\"{s}\""),
    }
}

fn envelope(out: &mut Out, item: &Item, old: &Service, new: &Service) {
    let fields = |s: &Service| {
        let e = &s.envelope;
        vec![
            ("code_field", Some(e.code_field.to_string())),
            ("success_code", Some(code_text(&e.success_code))),
            ("message_field", Some(e.message_field.to_string())),
            ("data_field", e.data_field.as_ref().map(ToString::to_string)),
            (
                "result.field",
                e.result.as_ref().map(|r| r.field.to_string()),
            ),
            (
                "result.success",
                e.result.as_ref().map(|r| r.success.to_string()),
            ),
        ]
    };
    let at = |s: &Service, key: &str| {
        s.spans
            .get(&format!("envelope.{key}"))
            .or_else(|| s.spans.get("envelope"))
            .cloned()
            .unwrap_or_else(|| s.origin.clone())
    };
    for ((key, o), (_, n)) in fields(old).into_iter().zip(fields(new)) {
        if o != n {
            out.push(
                item,
                ChangeKind::EnvelopeChanged,
                Some(&at(old, key)),
                Some(&at(new, key)),
                format!(
                    "envelope.{key} {} → {}",
                    opt(o.as_deref()),
                    opt(n.as_deref())
                ),
            );
        }
    }
}

/// Error codes are matched by (code, HTTP status), the pair the loader keeps unique; a
/// code whose value changed under the same name is a change, not a removal and an addition.
fn errors(out: &mut Out, item: &Item, old: &Service, new: &Service) {
    let at = |s: &Service, i: usize| {
        s.spans
            .get(&format!("errors.{i}"))
            .cloned()
            .unwrap_or_else(|| s.origin.clone())
    };
    let key = |e: &ErrorCodeInfo| (e.code.to_string(), e.http_status);
    let mut unmatched_old = Vec::new();
    let mut matched_new = vec![false; new.errors.len()];
    for (i, o) in old.errors.iter().enumerate() {
        match new.errors.iter().position(|n| key(n) == key(o)) {
            Some(j) => {
                matched_new[j] = true;
                error_code(out, item, (o, &at(old, i)), (&new.errors[j], &at(new, j)));
            }
            None => unmatched_old.push(i),
        }
    }
    let mut unmatched_new: Vec<usize> =
        (0..new.errors.len()).filter(|j| !matched_new[*j]).collect();
    for i in unmatched_old {
        let o = &old.errors[i];
        if let Some(pos) = unmatched_new
            .iter()
            .position(|j| new.errors[*j].name == o.name)
        {
            let j = unmatched_new.remove(pos);
            let n = &new.errors[j];
            out.push(
                &item.member(&o.name),
                ChangeKind::ErrorCodeChanged,
                Some(&at(old, i)),
                Some(&at(new, j)),
                format!(
                    "code `{}` → `{}` (HTTP {} → {})",
                    o.code,
                    n.code,
                    status(o.http_status),
                    status(n.http_status)
                ),
            );
            error_code(out, item, (o, &at(old, i)), (n, &at(new, j)));
        } else {
            out.push(
                &item.member(&o.name),
                ChangeKind::ErrorCodeRemoved,
                Some(&at(old, i)),
                None,
                format!("error code `{}` removed", o.code),
            );
        }
    }
    for j in unmatched_new {
        let n = &new.errors[j];
        out.push(
            &item.member(&n.name),
            ChangeKind::ErrorCodeAdded,
            None,
            Some(&at(new, j)),
            format!("error code `{}` added", n.code),
        );
    }
}

fn status(s: Option<u16>) -> String {
    s.map_or_else(|| "200".to_owned(), |s| s.to_string())
}

/// Compares what one error code means to the client; `old`'s code and status equal
/// `new`'s, or their change is already reported.
fn error_code(
    out: &mut Out,
    item: &Item,
    (o, o_at): (&ErrorCodeInfo, &SourceRef),
    (n, n_at): (&ErrorCodeInfo, &SourceRef),
) {
    let item = item.member(&n.name);
    if o.name != n.name && o.code == n.code {
        out.push(
            &item,
            ChangeKind::ErrorCodeChanged,
            Some(o_at),
            Some(n_at),
            format!("code `{}`: name `{}` → `{}`", n.code, o.name, n.name),
        );
    }
    let handling = |e: &ErrorCodeInfo| {
        format!(
            "action {:?}, retryable {}, processed {:?}",
            e.action, e.retryable, e.processed
        )
    };
    if handling(o) != handling(n) {
        out.push(
            &item,
            ChangeKind::ErrorHandlingChanged,
            Some(o_at),
            Some(n_at),
            format!("code `{}`: {} → {}", n.code, handling(o), handling(n)),
        );
    }
    if o.description != n.description {
        out.push(
            &item,
            ChangeKind::DocChanged,
            Some(o_at),
            Some(n_at),
            format!("code `{}`: description changed", n.code),
        );
    }
}
