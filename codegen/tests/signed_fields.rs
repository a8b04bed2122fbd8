//! An `md5_body_sign` body can only hold fields the signature writes as text (strings,
//! numbers, booleans, enums of those): lists, structs and `json` are refused by the loader,
//! at the field, instead of generating a client that fails at call time.
//!
//! The service file is the real Shoubei one, so the tests follow its auth and envelope.

mod common;

use common::{edited, errors, find, real_spec, with_file};
use retail_apis_codegen::{load_sources, Diagnostic, DiagnosticKind, Diagnostics, SourceFile};

const SERVICE: &str = "shoubei/service.yaml";
const PROBE: &str = "shoubei/endpoints/probe.yaml";

/// The real spec with `from` replaced by `to` in the Shoubei service file.
fn with_service_edit(from: &str, to: &str) -> Vec<SourceFile> {
    edited(real_spec(), SERVICE, from, to)
}

/// 1-based line and column of the key `key:` in `text`, found by its indentation.
fn position(text: &str, key: &str) -> (usize, usize) {
    text.lines()
        .enumerate()
        .find_map(|(i, line)| {
            let body = line.trim_start();
            body.starts_with(&format!("{key}:"))
                .then(|| (i + 1, line.len() - body.len() + 1))
        })
        .unwrap_or_else(|| panic!("no `{key}:` in\n{text}"))
}

#[track_caller]
fn expect_at(d: &Diagnostics, file: &str, (line, column): (usize, usize)) -> Diagnostic {
    find(d, DiagnosticKind::InvalidValue, file, line, column).clone()
}

/// An endpoint with one field of each type in `request` and `response` (wire name →
/// type), plus a nested struct and an integer enum it may refer to.
fn probe(request: &[(&str, &str)], response: &[(&str, &str)]) -> String {
    let fields = |list: &[(&str, &str)]| -> String {
        list.iter()
            .map(|(name, ty)| format!("    {name}: {{type: \"{ty}\"}}\n"))
            .collect()
    };
    format!(
        "operation: probe\nsummary: probe\nmethod: POST\npath: /probe\n\
         request:\n  fields:\n{}\
         response:\n  fields:\n    return_code: {{type: ReturnCode, required: true}}\n{}\
         types:\n  Goods:\n    fields:\n      sku: {{type: string}}\n  \
         Level:\n    enum:\n      repr: integer\n      values:\n        \
         - {{value: \"1\", name: Low}}\n",
        fields(request),
        fields(response)
    )
}

const REFUSED: &[(&str, &str, &str)] = &[
    ("goods", "list<string>", "is a list"),
    ("detail", "Goods", "is the struct `Goods`"),
    ("extra", "json", "is `json`"),
    ("nested", "list<Goods>", "is a list"),
];

const SIGNABLE: &[(&str, &str)] = &[
    ("text", "string"),
    ("short", "string(8)"),
    ("count", "integer"),
    ("ratio", "number"),
    ("flag", "boolean"),
    ("channel", "ChannelType"),
    ("level", "Level"),
];

#[test]
fn lists_structs_and_json_in_a_signed_request_are_refused_at_the_field() {
    let request: Vec<(&str, &str)> = REFUSED.iter().map(|(n, t, _)| (*n, *t)).collect();
    let text = probe(&request, &[]);
    let d = errors(&with_file(real_spec(), PROBE, &text));
    for (name, _, what) in REFUSED {
        let e = expect_at(&d, PROBE, position(&text, name));
        for part in [
            format!("field `{name}` of an md5_body_sign request {what}"),
            "no text form for lists or objects".to_owned(),
            "fail".to_owned(),
        ] {
            assert!(e.message.contains(&part), "{part}: {e}");
        }
    }
    assert_eq!(d.len(), REFUSED.len(), "{d}");
}

#[test]
fn lists_structs_and_json_in_a_verified_flat_response_are_refused_at_the_field() {
    let response: Vec<(&str, &str)> = REFUSED.iter().map(|(n, t, _)| (*n, *t)).collect();
    let text = probe(&[], &response);
    let d = errors(&with_file(real_spec(), PROBE, &text));
    for (name, _, what) in REFUSED {
        let e = expect_at(&d, PROBE, position(&text, name));
        assert!(
            e.message.contains(&format!(
                "field `{name}` of an md5_body_sign response {what}"
            )),
            "{e}"
        );
        assert!(e.message.contains("never be verified"), "{e}");
    }
    assert_eq!(d.len(), REFUSED.len(), "{d}");
}

#[test]
fn scalars_and_enums_of_both_reprs_are_signable_on_both_sides() {
    let text = probe(SIGNABLE, SIGNABLE);
    let set = load_sources(&with_file(real_spec(), PROBE, &text)).unwrap_or_else(|d| panic!("{d}"));
    let probe = set
        .service("shoubei")
        .and_then(|s| s.endpoint("probe"))
        .expect("probe endpoint");
    assert_eq!(probe.request, "ProbeRequest");
}

#[test]
fn the_real_spec_loads() {
    load_sources(&real_spec()).unwrap_or_else(|d| panic!("{d}"));
}

#[test]
fn a_struct_used_only_below_the_top_level_is_not_a_signed_field() {
    // The struct itself may hold anything: it is refused where a signed body holds it,
    // once, not at its own fields.
    let text = probe(&[("detail", "Goods")], &[]).replace(
        "      sku: {type: string}\n",
        "      sku: {type: string}\n      tags: {type: list<string>}\n",
    );
    let d = errors(&with_file(real_spec(), PROBE, &text));
    expect_at(&d, PROBE, position(&text, "detail"));
    assert_eq!(d.len(), 1, "{d}");
}

#[test]
fn the_signature_field_must_be_a_string() {
    let text = probe(&[("sign", "integer")], &[("sign", "list<string>")]);
    let d = errors(&with_file(real_spec(), PROBE, &text));
    assert_eq!(d.len(), 2, "{d}");
    for e in d.iter() {
        assert!(
            e.message.contains("field `sign` of an md5_body_sign")
                && e.message.contains("carries the signature"),
            "{e}"
        );
    }
    // A string sign field is left out of the signed string and filled in by the client.
    let text = probe(&[("sign", "string(32)")], &[("sign", "string")]);
    load_sources(&with_file(real_spec(), PROBE, &text)).unwrap_or_else(|d| panic!("{d}"));
}

#[test]
fn unverified_responses_may_hold_anything_but_requests_are_still_signed() {
    let files = with_service_edit("verify_response: true", "verify_response: false");
    let fields: Vec<(&str, &str)> = REFUSED.iter().map(|(n, t, _)| (*n, *t)).collect();
    let text = probe(&[], &fields);
    load_sources(&with_file(files.clone(), PROBE, &text)).unwrap_or_else(|d| panic!("{d}"));
    let text = probe(&fields, &[]);
    let d = errors(&with_file(files, PROBE, &text));
    assert_eq!(d.len(), REFUSED.len(), "{d}");
}

/// With a `data_field`, the signed response body is the status fields plus the data
/// field, whose value is the whole response type.
#[test]
fn with_a_data_field_the_response_type_itself_is_the_signed_value() {
    let mut files = with_service_edit(
        "  message_field: return_msg\n",
        "  message_field: return_msg\n  data_field: data\n",
    );
    // The real endpoints answer flat bodies; only the probe is under test here.
    files.retain(|f| !f.path.starts_with("shoubei/endpoints/"));
    let object = probe(&[], &[("total", "integer")]);
    let d = errors(&with_file(files.clone(), PROBE, &object));
    let e = expect_at(&d, PROBE, position(&object, "response"));
    assert!(
        e.message
            .contains("the response of `probe` is the struct `ProbeResponse`")
            && e.message.contains("`data_field: data`"),
        "{e}"
    );
    assert_eq!(d.len(), 1, "{d}");

    for ty in ["json", "list<string>", "Goods"] {
        let typed = format!(
            "operation: probe\nsummary: probe\nmethod: POST\npath: /probe\n\
             response:\n  type: \"{ty}\"\n\
             types:\n  Goods:\n    fields:\n      sku: {{type: string}}\n"
        );
        let d = errors(&with_file(files.clone(), PROBE, &typed));
        assert_eq!(d.len(), 1, "{ty}: {d}");
        let e = expect_at(&d, PROBE, position(&typed, "response"));
        assert!(e.message.contains("the response of `probe` is"), "{e}");
    }
    for ty in ["string", "integer", "ReturnCode"] {
        let typed = format!(
            "operation: probe\nsummary: probe\nmethod: POST\npath: /probe\n\
             response:\n  type: \"{ty}\"\n"
        );
        load_sources(&with_file(files.clone(), PROBE, &typed))
            .unwrap_or_else(|d| panic!("{ty}: {d}"));
    }
}

#[test]
fn a_field_with_a_bad_type_is_reported_once() {
    let text = probe(&[("bad", "strin")], &[]);
    let d = errors(&with_file(real_spec(), PROBE, &text));
    assert_eq!(d.len(), 1, "{d}");
    assert!(
        d.iter().all(|e| e.message.contains("unknown type `strin`")),
        "{d}"
    );
}
