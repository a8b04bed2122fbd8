//! Fields covered by an MD5 body signature must have a text form in the signed string.
//!
//! The `md5_body_sign` scheme hashes every top-level body field as `key=value`, and the
//! vendor's convention writes only strings, numbers and booleans that way; the runtime
//! refuses arrays and objects instead of inventing a form the server would reject. A spec
//! that declares such a field would therefore generate a client that can only fail at
//! call time, so the loader refuses it here, where `lint` sees it.

use std::collections::{HashMap, HashSet};

use super::diagnostic::DiagnosticKind;
use super::yaml::Cx;
use crate::model::{
    Endpoint, EnvelopeDescriptor, Md5SignScheme, NamedType, SourceRef, TypeExpr, TypeKind,
};

/// Which body a struct is signed in, for messages.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Side {
    Request,
    Response,
}

impl Side {
    fn word(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
        }
    }

    /// What goes wrong at run time when the field carries a value.
    fn consequence(self) -> &'static str {
        match self {
            Side::Request => "a call that sets it could only fail before it is sent",
            Side::Response => "a response carrying it could never be verified",
        }
    }
}

/// Checks the signed set of every endpoint of an `md5_body_sign` service.
///
/// Requests are always signed: every top-level field of the request struct is checked.
/// Responses are signed only with `verify_response`. With a flat envelope (no
/// `data_field`) the response struct's top-level fields, status fields included, are the
/// signed set. With a `data_field` the signed set is the envelope's fields plus the data
/// field, whose value is the whole response type, so that type itself must be a scalar.
/// The signature field is left out of the signed string; it only has to be a string,
/// since it carries the hex digest.
///
/// `response_at` locates each endpoint file's `response` key. Each struct is checked once
/// per side, so a type shared by several endpoints is reported once.
pub(crate) fn check_signed_fields(
    cx: &mut Cx<'_>,
    scheme: &Md5SignScheme,
    envelope: &EnvelopeDescriptor,
    endpoints: &[Endpoint],
    types: &[NamedType],
    index: &HashMap<String, usize>,
    response_at: &HashMap<String, SourceRef>,
) {
    let lookup = |name: &str| index.get(name).and_then(|&i| types.get(i));
    let mut checked: HashSet<(&str, Side)> = HashSet::new();
    let mut roots: Vec<(&str, Side)> = Vec::new();
    for e in endpoints {
        roots.push((e.request.as_str(), Side::Request));
        if !scheme.verify_response {
            continue;
        }
        match (&envelope.data_field, &e.response) {
            (None, TypeExpr::Named(name)) => roots.push((name.as_str(), Side::Response)),
            // The body itself decodes into an untyped value: no declared field to check.
            (None, _) => {}
            (Some(data), ty) => {
                if let (Some(what), Some(at)) =
                    (unsignable(ty, &lookup), response_at.get(&e.origin.file))
                {
                    cx.error_at(
                        at,
                        DiagnosticKind::InvalidValue,
                        format!(
                            "the response of `{}` is {what}, and with `data_field: {data}` it \
                             is the value of `{data}`, a field of the signed response body; \
                             the signature scheme defines no text form for lists or objects, \
                             so {}; use a flat envelope (no `data_field`) or \
                             `verify_response: false`",
                            e.operation,
                            Side::Response.consequence()
                        ),
                    );
                }
            }
        }
    }
    for (name, side) in roots {
        if !checked.insert((name, side)) {
            continue;
        }
        let Some(TypeKind::Struct(s)) = lookup(name).map(|t| &t.kind) else {
            continue;
        };
        for f in &s.fields {
            let problem = if f.wire_name == scheme.field {
                (!matches!(f.ty, TypeExpr::String { .. })).then(|| {
                    format!(
                        "field `{}` of an md5_body_sign {} carries the signature, a hex \
                         string; declare it `string`",
                        f.wire_name,
                        side.word()
                    )
                })
            } else {
                unsignable(&f.ty, &lookup).map(|what| {
                    format!(
                        "field `{}` of an md5_body_sign {} is {what}; the signature scheme \
                         defines no text form for lists or objects, so {}; declare a \
                         string, integer, number, boolean or enum",
                        f.wire_name,
                        side.word(),
                        side.consequence()
                    )
                })
            };
            if let Some(message) = problem {
                cx.error_at(&f.origin, DiagnosticKind::InvalidValue, message);
            }
        }
    }
}

/// How `ty` is described when the signed string cannot hold it; `None` for scalars and
/// enums (and for undefined names, which are reported as such).
fn unsignable<'a>(
    ty: &TypeExpr,
    lookup: &impl Fn(&str) -> Option<&'a NamedType>,
) -> Option<String> {
    match ty {
        TypeExpr::String { .. }
        | TypeExpr::Amount { .. }
        | TypeExpr::Integer
        | TypeExpr::Number
        | TypeExpr::Boolean => None,
        TypeExpr::Json => Some("`json`, which may hold a list or an object".to_owned()),
        TypeExpr::List(_) => Some("a list".to_owned()),
        TypeExpr::Map(_) => Some("a map (an object)".to_owned()),
        TypeExpr::Named(name) => match lookup(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(_)) => Some(format!("the struct `{name}` (an object)")),
            Some(TypeKind::Enum(_)) | None => None,
        },
    }
}
