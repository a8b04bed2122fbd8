//! `diff`: one case per kind of change, each a small edit of a copy of the committed
//! spec, checked for its kind, class, names and the file:line on both sides; then
//! properties over random edits (a spec diffed with itself is empty, and a diff read
//! backwards swaps additions and removals).
//!
//! The edits find the lines they change by their key, never by their value, and the
//! expected lines are looked up in the edited text, so the cases hold as the spec grows.

mod common;

use common::{file_mut, real_spec};
use proptest::prelude::*;
use retail_apis_codegen::diff::{diff, Change, ChangeKind, Class, Direction, Report};
use retail_apis_codegen::{load_sources, SourceFile};

const JDY: &str = "jdy/service.yaml";
const RECHARGE: &str = "jdy/endpoints/mall_recharge.yaml";
const SHOUBEI: &str = "shoubei/service.yaml";
const WRITE_OFF: &str = "shoubei/endpoints/coupon_write_off.yaml";

/// Index of the first line of `text` starting with `prefix`, after line `from`.
#[track_caller]
fn find_line(text: &str, prefix: &str, from: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| l.starts_with(prefix))
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no line starting with {prefix:?}"))
}

/// The 1-based line of the first line of `path` starting with `prefix` (after the first
/// line starting with `after`, when given).
#[track_caller]
fn line_of(files: &[SourceFile], path: &str, after: Option<&str>, prefix: &str) -> usize {
    let text = &files.iter().find(|f| f.path == path).expect("file").text;
    let from = after.map_or(0, |a| find_line(text, a, 0));
    find_line(text, prefix, from) + 1
}

/// Rewrites the lines of `path` with `edit`, which gets them and returns them changed.
fn with_lines(
    mut files: Vec<SourceFile>,
    path: &str,
    edit: impl FnOnce(&mut Vec<String>),
) -> Vec<SourceFile> {
    let file = file_mut(&mut files, path);
    let mut lines: Vec<String> = file.text.lines().map(str::to_owned).collect();
    edit(&mut lines);
    file.text = lines.join("\n") + "\n";
    files
}

/// Replaces the first line starting with `prefix` (after `after`) by `f(line)`, which
/// may hold several lines.
#[track_caller]
fn edit_line(
    files: Vec<SourceFile>,
    path: &str,
    after: Option<&str>,
    prefix: &str,
    f: impl FnOnce(&str) -> String,
) -> Vec<SourceFile> {
    with_lines(files, path, |lines| {
        let text = lines.join("\n");
        let from = after.map_or(0, |a| find_line(&text, a, 0));
        let i = find_line(&text, prefix, from);
        lines[i] = f(&lines[i]);
    })
}

/// Inserts `new` after the first line starting with `prefix` (after `after`).
#[track_caller]
fn insert_after(
    files: Vec<SourceFile>,
    path: &str,
    after: Option<&str>,
    prefix: &str,
    new: &str,
) -> Vec<SourceFile> {
    edit_line(files, path, after, prefix, |l| format!("{l}\n{new}"))
}

/// The block of the first line starting with `prefix` (after `after`): the line and the
/// more indented lines under it. Returns (start, end) line indices.
fn block(lines: &[String], after: Option<&str>, prefix: &str) -> (usize, usize) {
    let text = lines.join("\n");
    let from = after.map_or(0, |a| find_line(&text, a, 0));
    let start = find_line(&text, prefix, from);
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = indent(&lines[start]);
    let end = (start + 1..lines.len())
        .find(|&i| !lines[i].trim().is_empty() && indent(&lines[i]) <= own)
        .unwrap_or(lines.len());
    (start, end)
}

/// Removes the block of the first line starting with `prefix` (after `after`).
fn remove_block(
    files: Vec<SourceFile>,
    path: &str,
    after: Option<&str>,
    prefix: &str,
) -> Vec<SourceFile> {
    with_lines(files, path, |lines| {
        let (start, end) = block(lines, after, prefix);
        lines.drain(start..end);
    })
}

/// The value after `key: ` on a line.
fn value_of(line: &str) -> String {
    line.split_once(": ")
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .unwrap_or_default()
}

fn load(files: &[SourceFile]) -> retail_apis_codegen::model::SpecSet {
    load_sources(files).unwrap_or_else(|d| panic!("the edited spec must load:\n{d}"))
}

fn diff_of(old: &[SourceFile], new: &[SourceFile]) -> Report {
    diff(&load(old), &load(new))
}

/// The one change of `kind` in the report.
#[track_caller]
fn only(report: &Report, kind: ChangeKind) -> &Change {
    let found: Vec<&Change> = report.changes.iter().filter(|c| c.kind == kind).collect();
    assert_eq!(
        found.len(),
        1,
        "one {kind:?} expected in:\n{}",
        report.text()
    );
    found[0]
}

/// Checks a change's class and its file:line on each side (`None`: no such side).
#[track_caller]
fn sites(change: &Change, class: Class, old: Option<(&str, usize)>, new: Option<(&str, usize)>) {
    assert_eq!(change.class, class, "{change:?}");
    let at =
        |s: &Option<retail_apis_codegen::diff::Site>| s.as_ref().map(|s| (s.file.clone(), s.line));
    assert_eq!(
        at(&change.old),
        old.map(|(f, l)| (f.to_owned(), l)),
        "old side of {change:?}"
    );
    assert_eq!(
        at(&change.new),
        new.map(|(f, l)| (f.to_owned(), l)),
        "new side of {change:?}"
    );
}

/// One change: the kind, class, endpoint, type, member and both sites.
#[allow(clippy::too_many_arguments)]
#[track_caller]
fn expect(
    old: &[SourceFile],
    new: &[SourceFile],
    kind: ChangeKind,
    class: Class,
    names: (Option<&str>, Option<&str>, Option<&str>),
    old_at: Option<(&str, usize)>,
    new_at: Option<(&str, usize)>,
) -> Change {
    let report = diff_of(old, new);
    let change = only(&report, kind).clone();
    sites(&change, class, old_at, new_at);
    assert_eq!(
        (
            change.endpoint.as_deref(),
            change.type_name.as_deref(),
            change.member.as_deref()
        ),
        names,
        "names of {change:?}"
    );
    change
}

// ---------------------------------------------------------------- service.yaml

#[test]
fn base_url_changed_is_wire() {
    let old = real_spec();
    let new = edit_line(old.clone(), JDY, None, "base_url: ", |l| format!("{l}/v2"));
    let line = line_of(&old, JDY, None, "base_url: ");
    expect(
        &old,
        &new,
        ChangeKind::BaseUrlChanged,
        Class::Wire,
        (None, None, None),
        Some((JDY, line)),
        Some((JDY, line)),
    );
}

#[test]
fn a_signing_parameter_changed_is_wire() {
    let old = real_spec();
    let new = edit_line(old.clone(), JDY, None, "  timestamp_window_ms: ", |_| {
        "  timestamp_window_ms: 60000".into()
    });
    let line = line_of(&old, JDY, None, "  timestamp_window_ms: ");
    let c = expect(
        &old,
        &new,
        ChangeKind::SigningParameterChanged,
        Class::Wire,
        (None, None, None),
        Some((JDY, line)),
        Some((JDY, line)),
    );
    assert!(
        c.detail.contains("auth.timestamp_window_ms"),
        "{}",
        c.detail
    );
}

#[test]
fn an_auth_token_parameter_is_located_at_its_key() {
    let old = real_spec();
    let new = edit_line(old.clone(), JDY, Some("  token:"), "    path: ", |l| {
        format!("{l}_v2")
    });
    let line = line_of(&old, JDY, Some("  token:"), "    path: ");
    let c = expect(
        &old,
        &new,
        ChangeKind::SigningParameterChanged,
        Class::Wire,
        (None, None, None),
        Some((JDY, line)),
        Some((JDY, line)),
    );
    assert!(c.detail.contains("auth.token.path"), "{}", c.detail);
}

#[test]
fn an_authorize_path_changed_is_wire_at_its_key() {
    let old = real_spec();
    let new = edit_line(old.clone(), JDY, Some("  authorize:"), "    path: ", |l| {
        format!("{l}_v2")
    });
    let line = line_of(&old, JDY, Some("  authorize:"), "    path: ");
    let c = expect(
        &old,
        &new,
        ChangeKind::SigningParameterChanged,
        Class::Wire,
        (None, None, None),
        Some((JDY, line)),
        Some((JDY, line)),
    );
    assert!(c.detail.contains("auth.authorize.path"), "{}", c.detail);
}

#[test]
fn an_envelope_field_changed_is_wire() {
    let old = real_spec();
    let new = edit_line(
        old.clone(),
        JDY,
        Some("envelope:"),
        "  message_field: ",
        |_| "  message_field: msg".into(),
    );
    let line = line_of(&old, JDY, Some("envelope:"), "  message_field: ");
    expect(
        &old,
        &new,
        ChangeKind::EnvelopeChanged,
        Class::Wire,
        (None, None, None),
        Some((JDY, line)),
        Some((JDY, line)),
    );
}

/// The first error code of jdy: its name and the line its entry starts on.
fn first_error(files: &[SourceFile]) -> (String, usize) {
    let line = line_of(files, JDY, Some("errors:"), "  - code: ");
    let text = &files.iter().find(|f| f.path == JDY).expect("jdy").text;
    let name = text
        .lines()
        .skip(line)
        .find(|l| l.starts_with("    name: "))
        .map(value_of)
        .expect("name");
    (name, line)
}

#[test]
fn an_error_code_removed_is_wire_and_added_is_compatible() {
    let old = real_spec();
    let (name, line) = first_error(&old);
    let new = remove_block(old.clone(), JDY, Some("errors:"), "  - code: ");
    expect(
        &old,
        &new,
        ChangeKind::ErrorCodeRemoved,
        Class::Wire,
        (None, None, Some(&name)),
        Some((JDY, line)),
        None,
    );
    expect(
        &new,
        &old,
        ChangeKind::ErrorCodeAdded,
        Class::Compatible,
        (None, None, Some(&name)),
        None,
        Some((JDY, line)),
    );
}

#[test]
fn an_error_code_value_changed_is_wire() {
    let old = real_spec();
    let (name, line) = first_error(&old);
    let new = edit_line(old.clone(), JDY, Some("errors:"), "  - code: ", |_| {
        "  - code: \"99999\"".into()
    });
    let c = expect(
        &old,
        &new,
        ChangeKind::ErrorCodeChanged,
        Class::Wire,
        (None, None, Some(&name)),
        Some((JDY, line)),
        Some((JDY, line)),
    );
    assert!(c.detail.contains("`99999`"), "{}", c.detail);
}

#[test]
fn an_error_code_handling_changed_is_wire() {
    let old = real_spec();
    let (name, line) = first_error(&old);
    let new = insert_after(
        old.clone(),
        JDY,
        Some("errors:"),
        "  - code: ",
        "    retryable: true",
    );
    let report = diff_of(&old, &new);
    let c = only(&report, ChangeKind::ErrorHandlingChanged);
    sites(c, Class::Wire, Some((JDY, line)), Some((JDY, line)));
    assert_eq!(c.member.as_deref(), Some(name.as_str()));
}

// ---------------------------------------------------------------- endpoints

#[test]
fn an_endpoint_removed_breaks_callers_and_added_is_compatible() {
    let old = real_spec();
    let mut new = old.clone();
    new.retain(|f| f.path != RECHARGE);
    let line = line_of(&old, RECHARGE, None, "operation: ");
    let c = expect(
        &old,
        &new,
        ChangeKind::EndpointRemoved,
        Class::Breaking,
        (Some("mall_recharge"), None, None),
        Some((RECHARGE, line)),
        None,
    );
    assert!(c.detail.contains("POST"), "{}", c.detail);
    expect(
        &new,
        &old,
        ChangeKind::EndpointAdded,
        Class::Compatible,
        (Some("mall_recharge"), None, None),
        None,
        Some((RECHARGE, line)),
    );
    // Its request and response types go with it.
    let report = diff_of(&old, &new);
    assert!(report
        .changes
        .iter()
        .any(|c| c.kind == ChangeKind::TypeRemoved
            && c.type_name.as_deref() == Some("MallRechargeRequest")));
}

#[test]
fn an_operation_renamed_on_the_same_route_is_an_endpoint_rename() {
    let old = real_spec();
    let new = edit_line(old.clone(), RECHARGE, None, "operation: ", |_| {
        "operation: member_recharge".into()
    });
    let line = line_of(&old, RECHARGE, None, "operation: ");
    let c = expect(
        &old,
        &new,
        ChangeKind::EndpointRenamed,
        Class::Breaking,
        (Some("member_recharge"), None, None),
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
    assert!(
        c.detail.contains("`mall_recharge` → `member_recharge`"),
        "{}",
        c.detail
    );
    let report = diff_of(&old, &new);
    // The request type follows the operation's name: a rename, with no field reported
    // as removed or added.
    assert!(report
        .changes
        .iter()
        .any(|c| c.kind == ChangeKind::TypeRenamed
            && c.detail.contains("MallRechargeRequest")
            && c.detail.contains("MemberRechargeRequest")));
    assert!(
        !report.changes.iter().any(|c| matches!(
            c.kind,
            ChangeKind::EndpointAdded
                | ChangeKind::EndpointRemoved
                | ChangeKind::FieldRemoved
                | ChangeKind::FieldAdded
        )),
        "{}",
        report.text()
    );
}

#[test]
fn a_path_changed_is_wire() {
    let old = real_spec();
    let new = edit_line(old.clone(), RECHARGE, None, "path: ", |l| format!("{l}_v2"));
    let line = line_of(&old, RECHARGE, None, "path: ");
    expect(
        &old,
        &new,
        ChangeKind::PathChanged,
        Class::Wire,
        (Some("mall_recharge"), None, None),
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
}

#[test]
fn a_method_changed_is_wire() {
    let old = real_spec();
    let new = edit_line(old.clone(), RECHARGE, None, "method: ", |l| {
        if value_of(l) == "POST" {
            "method: GET".into()
        } else {
            "method: POST".into()
        }
    });
    let line = line_of(&old, RECHARGE, None, "method: ");
    expect(
        &old,
        &new,
        ChangeKind::MethodChanged,
        Class::Wire,
        (Some("mall_recharge"), None, None),
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
}

#[test]
fn an_idempotency_key_changed_is_wire() {
    let old = real_spec();
    let new = edit_line(old.clone(), RECHARGE, None, "idempotency_key: ", |_| {
        "idempotency_key: member_id".into()
    });
    let line = line_of(&old, RECHARGE, None, "idempotency_key: ");
    expect(
        &old,
        &new,
        ChangeKind::IdempotencyKeyChanged,
        Class::Wire,
        (Some("mall_recharge"), None, None),
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
}

#[test]
fn retry_evidence_added_is_wire() {
    let old = real_spec();
    let new = edit_line(old.clone(), RECHARGE, None, "idempotency_key: ", |l| {
        format!(
            "idempotency_key:\n  field: {}\n  evidence:\n    page: 001_381c52f1f9cdd22d.txt\n    quote: q",
            value_of(l)
        )
    });
    let line = line_of(&old, RECHARGE, None, "idempotency_key: ");
    let report = diff_of(&old, &new);
    sites(
        only(&report, ChangeKind::RetryEvidenceChanged),
        Class::Wire,
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
    assert!(!report
        .changes
        .iter()
        .any(|c| c.kind == ChangeKind::IdempotencyKeyChanged));
}

#[test]
fn safe_changed_is_wire() {
    let old = real_spec();
    let new = insert_after(old.clone(), RECHARGE, None, "path: ", "safe: true");
    let line = line_of(&new, RECHARGE, None, "safe: ");
    // The old side has no `safe` key: the endpoint itself is named.
    let old_line = line_of(&old, RECHARGE, None, "operation: ");
    let c = expect(
        &old,
        &new,
        ChangeKind::SafeChanged,
        Class::Wire,
        (Some("mall_recharge"), None, None),
        Some((RECHARGE, old_line)),
        Some((RECHARGE, line)),
    );
    assert_eq!(c.detail, "safe false → true");
}

#[test]
fn a_response_type_changed_breaks_callers() {
    let old = real_spec();
    let new = with_lines(old.clone(), RECHARGE, |lines| {
        let (start, end) = block(lines, None, "response:");
        lines.splice(start..end, ["response: {type: json}".to_owned()]);
    });
    let line = line_of(&old, RECHARGE, None, "response:");
    let report = diff_of(&old, &new);
    let c = only(&report, ChangeKind::ResponseTypeChanged);
    sites(
        c,
        Class::Breaking,
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
    assert!(
        c.detail.contains("`MallRechargeResponse` → `json`"),
        "{}",
        c.detail
    );
    let removed = only(&report, ChangeKind::TypeRemoved);
    assert_eq!(removed.type_name.as_deref(), Some("MallRechargeResponse"));
}

#[test]
fn doc_quirk_and_example_edits_are_compatible() {
    let old = real_spec();
    let new = edit_line(old.clone(), RECHARGE, None, "summary: ", |l| {
        format!("{l} (v2)")
    });
    let new = edit_line(new, RECHARGE, Some("quirks:"), "  - ", |l| {
        format!("{l}\n  - \"001_381c52f1f9cdd22d.txt: one more.\"")
    });
    let new = edit_line(new, RECHARGE, Some("examples:"), "  - name: ", |_| {
        "  - name: renamed".into()
    });
    let report = diff_of(&old, &new);
    let line = line_of(&old, RECHARGE, None, "summary: ");
    sites(
        only(&report, ChangeKind::DocChanged),
        Class::Compatible,
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
    let line = line_of(&old, RECHARGE, None, "quirks:");
    sites(
        only(&report, ChangeKind::QuirksChanged),
        Class::Compatible,
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
    let line = line_of(&old, RECHARGE, None, "examples:");
    sites(
        only(&report, ChangeKind::ExamplesChanged),
        Class::Compatible,
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
    assert_eq!(report.semver, retail_apis_codegen::diff::Bump::Patch);
}

#[test]
fn requests_swapping_their_types_change_both_methods() {
    const REFUND: &str = "jdy/endpoints/refund_save.yaml";
    let old = real_spec();
    let new = insert_after(
        old.clone(),
        RECHARGE,
        None,
        "request:",
        "  name: RefundSaveRequest",
    );
    let new = insert_after(new, REFUND, None, "request:", "  name: MallRechargeRequest");
    let report = diff_of(&old, &new);
    let changed: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::RequestTypeChanged)
        .collect();
    assert_eq!(changed.len(), 2, "{}", report.text());
    let recharge = changed
        .iter()
        .find(|c| c.endpoint.as_deref() == Some("mall_recharge"))
        .expect("mall_recharge");
    let line = line_of(&old, RECHARGE, None, "request:");
    sites(
        recharge,
        Class::Breaking,
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
    assert!(
        recharge
            .detail
            .contains("`MallRechargeRequest` → `RefundSaveRequest`"),
        "{}",
        recharge.detail
    );
}

#[test]
fn an_auth_scheme_changed_breaks_callers() {
    let old = real_spec();
    let new = with_lines(old.clone(), SHOUBEI, |lines| {
        let (start, end) = block(lines, None, "auth:");
        lines.splice(
            start..end,
            [
                "auth:",
                "  scheme: static_bearer",
                "  header: Authorization",
            ]
            .map(str::to_owned),
        );
    });
    let old_line = line_of(&old, SHOUBEI, Some("auth:"), "  scheme: ");
    let new_line = line_of(&new, SHOUBEI, Some("auth:"), "  scheme: ");
    let report = diff_of(&old, &new);
    let c = only(&report, ChangeKind::AuthSchemeChanged);
    sites(
        c,
        Class::Breaking,
        Some((SHOUBEI, old_line)),
        Some((SHOUBEI, new_line)),
    );
    assert!(
        c.detail.contains("`md5_body_sign` → `static_bearer`"),
        "{}",
        c.detail
    );
    // The parameters of different schemes are not compared one by one.
    assert!(!report
        .changes
        .iter()
        .any(|c| c.kind == ChangeKind::SigningParameterChanged));
}

#[test]
fn a_named_type_added_is_compatible() {
    let old = real_spec();
    let new = insert_after(
        old.clone(),
        RECHARGE,
        None,
        "types:",
        "  Remark:\n    fields:\n      text: {type: string}",
    );
    let line = line_of(&new, RECHARGE, Some("types:"), "  Remark:");
    expect(
        &old,
        &new,
        ChangeKind::TypeAdded,
        Class::Compatible,
        (None, Some("Remark"), None),
        None,
        Some((RECHARGE, line)),
    );
    expect(
        &new,
        &old,
        ChangeKind::TypeRemoved,
        Class::Breaking,
        (None, Some("Remark"), None),
        Some((RECHARGE, line)),
        None,
    );
}

// ---------------------------------------------------------------- fields

/// The request field block `name` of mall_recharge: (line of its key).
fn request_field(files: &[SourceFile], name: &str) -> usize {
    line_of(files, RECHARGE, Some("request:"), &format!("    {name}:"))
}

#[test]
fn an_optional_request_field_added_is_compatible() {
    let old = real_spec();
    let new = insert_after(
        old.clone(),
        RECHARGE,
        Some("request:"),
        "  fields:",
        "    remark: {type: string, doc: 备注}",
    );
    let line = request_field(&new, "remark");
    expect(
        &old,
        &new,
        ChangeKind::FieldAdded,
        Class::Compatible,
        (
            Some("mall_recharge"),
            Some("MallRechargeRequest"),
            Some("remark"),
        ),
        None,
        Some((RECHARGE, line)),
    );
}

#[test]
fn a_required_field_added_breaks_requests_and_narrows_what_answers_decode() {
    let old = real_spec();
    let new = insert_after(
        old.clone(),
        RECHARGE,
        Some("request:"),
        "  fields:",
        "    remark: {type: string, required: true}",
    );
    let line = request_field(&new, "remark");
    let c = expect(
        &old,
        &new,
        ChangeKind::RequiredFieldAdded,
        Class::Breaking,
        (
            Some("mall_recharge"),
            Some("MallRechargeRequest"),
            Some("remark"),
        ),
        None,
        Some((RECHARGE, line)),
    );
    assert_eq!(c.direction, Some(Direction::Request));

    let new = insert_after(
        old.clone(),
        RECHARGE,
        Some("response:"),
        "  fields:",
        "    remark: {type: string, required: true}",
    );
    let line = line_of(&new, RECHARGE, Some("response:"), "    remark:");
    // Answers without it decoded before and now fail: nothing a compiler sees.
    let c = expect(
        &old,
        &new,
        ChangeKind::RequiredFieldAdded,
        Class::Wire,
        (
            Some("mall_recharge"),
            Some("MallRechargeResponse"),
            Some("remark"),
        ),
        None,
        Some((RECHARGE, line)),
    );
    assert_eq!(c.direction, Some(Direction::Response));
}

#[test]
fn a_field_removed_breaks_callers() {
    let old = real_spec();
    let line = request_field(&old, "store_id");
    let new = remove_block(old.clone(), RECHARGE, Some("request:"), "    store_id:");
    expect(
        &old,
        &new,
        ChangeKind::FieldRemoved,
        Class::Breaking,
        (
            Some("mall_recharge"),
            Some("MallRechargeRequest"),
            Some("store_id"),
        ),
        Some((RECHARGE, line)),
        None,
    );
}

#[test]
fn a_new_rust_name_on_the_same_wire_name_is_a_rust_rename() {
    let old = real_spec();
    let new = insert_after(
        old.clone(),
        RECHARGE,
        Some("request:"),
        "    store_id:",
        "      rust_name: shop_id",
    );
    let line = request_field(&old, "store_id");
    let c = expect(
        &old,
        &new,
        ChangeKind::RustNameChanged,
        Class::Breaking,
        (
            Some("mall_recharge"),
            Some("MallRechargeRequest"),
            Some("shop_id"),
        ),
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
    assert!(c.detail.contains("`store_id` → `shop_id`"), "{}", c.detail);
    let report = diff_of(&old, &new);
    assert!(!report
        .changes
        .iter()
        .any(|c| matches!(c.kind, ChangeKind::FieldAdded | ChangeKind::FieldRemoved)));
}

#[test]
fn a_new_wire_name_under_the_same_rust_name_is_a_wire_rename() {
    let old = real_spec();
    let new = edit_line(
        old.clone(),
        RECHARGE,
        Some("request:"),
        "    store_id:",
        |_| "    storeId:\n      rust_name: store_id".into(),
    );
    let line = request_field(&old, "store_id");
    let c = expect(
        &old,
        &new,
        ChangeKind::WireNameChanged,
        Class::Wire,
        (
            Some("mall_recharge"),
            Some("MallRechargeRequest"),
            Some("store_id"),
        ),
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
    assert!(c.detail.contains("`store_id` → `storeId`"), "{}", c.detail);
    let report = diff_of(&old, &new);
    assert!(!report
        .changes
        .iter()
        .any(|c| matches!(c.kind, ChangeKind::FieldAdded | ChangeKind::FieldRemoved)));
}

#[test]
fn a_field_type_changed_breaks_callers() {
    let old = real_spec();
    let new = edit_line(
        old.clone(),
        RECHARGE,
        Some("    store_id:"),
        "      type: ",
        |_| "      type: integer".into(),
    );
    let line = request_field(&old, "store_id");
    let c = expect(
        &old,
        &new,
        ChangeKind::FieldTypeChanged,
        Class::Breaking,
        (
            Some("mall_recharge"),
            Some("MallRechargeRequest"),
            Some("store_id"),
        ),
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
    assert!(c.detail.ends_with("→ integer"), "{}", c.detail);
}

/// A request field of coupon_write_off typed `string(N)`: its name, N and line.
fn limited_request_field(files: &[SourceFile]) -> (String, u32, usize) {
    let text = &files
        .iter()
        .find(|f| f.path == WRITE_OFF)
        .expect("write-off")
        .text;
    let lines: Vec<&str> = text.lines().collect();
    let start = find_line(text, "request:", 0);
    for i in start..lines.len() {
        if let Some(n) = lines[i]
            .trim()
            .strip_prefix("type: string(")
            .and_then(|r| r.strip_suffix(')'))
        {
            let key = (start..i)
                .rev()
                .find(|&k| lines[k].starts_with("    ") && !lines[k].starts_with("     "))
                .expect("key");
            let name = lines[key].trim().trim_end_matches(':').to_owned();
            return (name, n.parse().expect("N"), key + 1);
        }
    }
    panic!("no string(N) request field");
}

#[test]
fn a_max_length_tightened_breaks_requests_on_the_wire() {
    let old = real_spec();
    let (name, n, line) = limited_request_field(&old);
    let new = edit_line(
        old.clone(),
        WRITE_OFF,
        Some(&format!("    {name}:")),
        "      type: ",
        |_| format!("      type: string({})", n - 1),
    );
    let c = expect(
        &old,
        &new,
        ChangeKind::MaxLengthTightened,
        Class::Wire,
        (
            Some("coupon_write_off"),
            Some("CouponWriteOffRequest"),
            Some(name.as_str()),
        ),
        Some((WRITE_OFF, line)),
        Some((WRITE_OFF, line)),
    );
    assert_eq!(c.direction, Some(Direction::Request));
    // Read backwards, the limit is loosened: compatible.
    expect(
        &new,
        &old,
        ChangeKind::MaxLengthLoosened,
        Class::Compatible,
        (
            Some("coupon_write_off"),
            Some("CouponWriteOffRequest"),
            Some(name.as_str()),
        ),
        Some((WRITE_OFF, line)),
        Some((WRITE_OFF, line)),
    );
}

#[test]
fn a_max_length_tightened_in_a_response_is_compatible() {
    let old = real_spec();
    let new = edit_line(
        old.clone(),
        WRITE_OFF,
        Some("response:"),
        "      type: string(",
        |_| "      type: string(1)".into(),
    );
    let report = diff_of(&old, &new);
    let c = only(&report, ChangeKind::MaxLengthTightened);
    assert_eq!(
        (c.class, c.direction),
        (Class::Compatible, Some(Direction::Response))
    );
}

#[test]
fn an_amount_given_a_maximum_length_is_tightened() {
    let old = real_spec();
    let new = edit_line(
        old.clone(),
        RECHARGE,
        Some("request:"),
        "      type: amount",
        |l| format!("{l}(8)"),
    );
    let report = diff_of(&old, &new);
    let c = only(&report, ChangeKind::MaxLengthTightened);
    assert_eq!(
        (c.class, c.direction),
        (Class::Wire, Some(Direction::Request))
    );
    assert!(c.detail.ends_with("→ amount(8)"), "{}", c.detail);
    assert!(!report
        .changes
        .iter()
        .any(|c| c.kind == ChangeKind::FieldTypeChanged));
}

#[test]
fn optional_to_required_and_back_break_callers() {
    let old = real_spec();
    let new = insert_after(
        old.clone(),
        RECHARGE,
        Some("request:"),
        "    store_id:",
        "      required: true",
    );
    let line = request_field(&old, "store_id");
    let names = (
        Some("mall_recharge"),
        Some("MallRechargeRequest"),
        Some("store_id"),
    );
    expect(
        &old,
        &new,
        ChangeKind::FieldBecameRequired,
        Class::Breaking,
        names,
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
    expect(
        &new,
        &old,
        ChangeKind::FieldBecameOptional,
        Class::Breaking,
        names,
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
}

#[test]
fn a_required_field_made_nullable_breaks_callers() {
    let old = real_spec();
    let new = insert_after(
        old.clone(),
        RECHARGE,
        Some("request:"),
        "    member_id:",
        "      nullable: true",
    );
    let line = request_field(&old, "member_id");
    expect(
        &old,
        &new,
        ChangeKind::FieldNullableChanged,
        Class::Breaking,
        (
            Some("mall_recharge"),
            Some("MallRechargeRequest"),
            Some("member_id"),
        ),
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
}

#[test]
fn a_field_made_computed_breaks_callers() {
    let old = real_spec();
    let new = insert_after(
        old.clone(),
        RECHARGE,
        Some("request:"),
        "    store_id:",
        "      computed: true",
    );
    let line = request_field(&old, "store_id");
    expect(
        &old,
        &new,
        ChangeKind::FieldComputedChanged,
        Class::Breaking,
        (
            Some("mall_recharge"),
            Some("MallRechargeRequest"),
            Some("store_id"),
        ),
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
}

/// The first two required request fields of mall_recharge typed `string`.
fn two_required_strings(files: &[SourceFile]) -> (String, String) {
    let load = load(files);
    let recharge = load
        .service("jdy")
        .and_then(|s| s.named_type("MallRechargeRequest"))
        .expect("request");
    let retail_apis_codegen::model::TypeKind::Struct(s) = &recharge.kind else {
        panic!("struct")
    };
    let names: Vec<String> = s
        .fields
        .iter()
        .filter(|f| {
            f.required
                && !f.nullable
                && matches!(f.ty, retail_apis_codegen::model::TypeExpr::String { .. })
        })
        .map(|f| f.wire_name.clone())
        .take(2)
        .collect();
    (names[0].clone(), names[1].clone())
}

#[test]
fn required_fields_swapped_compile_and_move_values_on_the_wire() {
    let old = real_spec();
    let (a, b) = two_required_strings(&old);
    // The two blocks change places, whatever lies between them.
    let new = with_lines(old.clone(), RECHARGE, |lines| {
        let (a_start, a_end) = block(lines, Some("request:"), &format!("    {a}:"));
        let (b_start, b_end) = block(lines, Some("request:"), &format!("    {b}:"));
        assert!(a_end <= b_start, "{a} comes before {b}");
        let mut swapped = lines[..a_start].to_vec();
        swapped.extend_from_slice(&lines[b_start..b_end]);
        swapped.extend_from_slice(&lines[a_end..b_start]);
        swapped.extend_from_slice(&lines[a_start..a_end]);
        swapped.extend_from_slice(&lines[b_end..]);
        *lines = swapped;
    });
    // A request struct is located at its first key.
    let line_old = line_of(&old, RECHARGE, Some("request:"), "  fields:");
    let report = diff_of(&old, &new);
    let c = only(&report, ChangeKind::ConstructorArgumentsSwapped);
    assert_eq!(c.class, Class::Wire);
    assert_eq!(c.old.as_ref().map(|s| s.line), Some(line_old), "{c:?}");
    assert!(
        c.detail.contains(&format!("{a}, ")) && c.detail.contains("→ new("),
        "{}",
        c.detail
    );
    let (before, after) = c.detail.split_once(" → ").expect("old → new");
    assert!(
        before.find(a.as_str()) < before.find(b.as_str()),
        "{}",
        c.detail
    );
    assert!(
        after.find(b.as_str()) < after.find(a.as_str()),
        "{}",
        c.detail
    );
}

#[test]
fn required_fields_reordered_with_other_types_break_compiling() {
    let old = real_spec();
    // `source` is an enum argument: moving it last changes the argument types' order.
    let new = with_lines(old.clone(), RECHARGE, |lines| {
        let (start, end) = block(lines, Some("request:"), "    source:");
        let moved: Vec<String> = lines.drain(start..end).collect();
        let (_, fields_end) = block(lines, Some("request:"), "  fields:");
        for (k, l) in moved.into_iter().enumerate() {
            lines.insert(fields_end + k, l);
        }
    });
    let report = diff_of(&old, &new);
    assert_eq!(
        only(&report, ChangeKind::ConstructorArgumentsReordered).class,
        Class::Breaking
    );
}

#[test]
fn an_alias_removed_from_a_response_field_is_wire() {
    let old = real_spec();
    let new = edit_line(
        old.clone(),
        WRITE_OFF,
        Some("response:"),
        "      aliases: ",
        |_| String::new(),
    );
    let report = diff_of(&old, &new);
    let c = only(&report, ChangeKind::AliasRemoved);
    assert_eq!(
        (c.class, c.direction),
        (Class::Wire, Some(Direction::Response))
    );
    assert_eq!(c.type_name.as_deref(), Some("CouponWriteOffResponse"));
    let back = diff_of(&new, &old);
    assert_eq!(only(&back, ChangeKind::AliasAdded).class, Class::Compatible);
}

#[test]
fn an_alias_removed_from_a_request_field_is_compatible() {
    let old = real_spec();
    let new = edit_line(
        old.clone(),
        WRITE_OFF,
        Some("request:"),
        "      aliases: ",
        |_| String::new(),
    );
    let report = diff_of(&old, &new);
    let c = only(&report, ChangeKind::AliasRemoved);
    assert_eq!(
        (c.class, c.direction),
        (Class::Compatible, Some(Direction::Request))
    );
}

// ---------------------------------------------------------------- types and enums

/// The first value line of enum `name` in `path`, and its variant name.
fn first_value(files: &[SourceFile], path: &str, name: &str) -> (usize, String) {
    let line = line_of(
        files,
        path,
        Some(&format!("  {name}:")),
        "        - {value: ",
    );
    let text = &files.iter().find(|f| f.path == path).expect("file").text;
    let l = text.lines().nth(line - 1).expect("line");
    let variant = l
        .split("name: ")
        .nth(1)
        .and_then(|r| r.split([',', '}']).next())
        .expect("name")
        .trim()
        .to_owned();
    (line, variant)
}

#[test]
fn an_enum_value_added_is_compatible_and_removed_breaks_callers() {
    let old = real_spec();
    let new = insert_after(
        old.clone(),
        RECHARGE,
        Some("  PayType:"),
        "      values:",
        "        - {value: \"77\", name: DiffTest}",
    );
    let line = line_of(
        &new,
        RECHARGE,
        Some("  PayType:"),
        "        - {value: \"77\"",
    );
    let users = c_endpoint(&old, "PayType");
    let names = (users.as_deref(), Some("PayType"), Some("DiffTest"));
    let c = expect(
        &old,
        &new,
        ChangeKind::VariantAdded,
        Class::Compatible,
        names,
        None,
        Some((RECHARGE, line)),
    );
    assert!(c.used_by.contains(&"mall_recharge".to_owned()), "{c:?}");
    expect(
        &new,
        &old,
        ChangeKind::VariantRemoved,
        Class::Breaking,
        names,
        Some((RECHARGE, line)),
        None,
    );
}

#[test]
fn an_enum_value_under_a_new_name_is_a_variant_rename() {
    let old = real_spec();
    let (line, variant) = first_value(&old, RECHARGE, "PayType");
    let new = edit_line(
        old.clone(),
        RECHARGE,
        Some("  PayType:"),
        "        - {value: ",
        |l| l.replace(&format!("name: {variant}"), "name: Renamed"),
    );
    let c = expect(
        &old,
        &new,
        ChangeKind::VariantRenamed,
        Class::Breaking,
        (
            c_endpoint(&old, "PayType").as_deref(),
            Some("PayType"),
            Some("Renamed"),
        ),
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
    assert!(
        c.detail.contains(&format!("`{variant}` → `Renamed`")),
        "{}",
        c.detail
    );
}

/// The only endpoint using `ty`, as the report names it.
fn c_endpoint(files: &[SourceFile], ty: &str) -> Option<String> {
    let spec = load(files);
    let users: Vec<&str> = spec
        .services
        .iter()
        .flat_map(|s| s.endpoints.iter().filter(move |e| reaches(s, e, ty)))
        .map(|e| e.operation.as_str())
        .collect();
    match users.as_slice() {
        [only] => Some((*only).to_owned()),
        _ => None,
    }
}

fn reaches(
    s: &retail_apis_codegen::model::Service,
    e: &retail_apis_codegen::model::Endpoint,
    ty: &str,
) -> bool {
    use retail_apis_codegen::model::{TypeExpr, TypeKind};
    fn named(t: &TypeExpr) -> Option<&str> {
        match t {
            TypeExpr::Named(n) => Some(n),
            TypeExpr::List(i) | TypeExpr::Map(i) => named(i),
            _ => None,
        }
    }
    let mut todo: Vec<String> = vec![e.request.clone()];
    todo.extend(named(&e.response).map(str::to_owned));
    let mut seen = std::collections::HashSet::new();
    while let Some(n) = todo.pop() {
        if n == ty {
            return true;
        }
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(TypeKind::Struct(st)) = s.named_type(&n).map(|t| &t.kind) {
            todo.extend(
                st.fields
                    .iter()
                    .filter_map(|f| named(&f.ty))
                    .map(str::to_owned),
            );
        }
    }
    false
}

#[test]
fn an_enum_variant_with_a_new_value_is_wire() {
    let old = real_spec();
    let (line, variant) = first_value(&old, RECHARGE, "PayType");
    let new = edit_line(
        old.clone(),
        RECHARGE,
        Some("  PayType:"),
        "        - {value: ",
        |l| {
            let rest = l.split_once(", name:").map(|(_, r)| r).expect("name");
            format!("        - {{value: \"771\", name:{rest}")
        },
    );
    expect(
        &old,
        &new,
        ChangeKind::VariantValueChanged,
        Class::Wire,
        (
            c_endpoint(&old, "PayType").as_deref(),
            Some("PayType"),
            Some(variant.as_str()),
        ),
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
}

#[test]
fn an_enum_repr_changed_breaks_callers() {
    let old = real_spec();
    let new = edit_line(
        old.clone(),
        RECHARGE,
        Some("  PayType:"),
        "      repr: ",
        |_| "      repr: integer".into(),
    );
    let line = line_of(&old, RECHARGE, None, "  PayType:");
    expect(
        &old,
        &new,
        ChangeKind::EnumReprChanged,
        Class::Breaking,
        (
            c_endpoint(&old, "PayType").as_deref(),
            Some("PayType"),
            None,
        ),
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
}

#[test]
fn a_type_renamed_with_its_uses_is_one_rename() {
    let old = real_spec();
    let new = edit_line(
        old.clone(),
        RECHARGE,
        Some("types:"),
        "  SettleEntries:",
        |_| "  SettlementEntries:".into(),
    );
    let new = edit_line(
        new,
        RECHARGE,
        None,
        "      type: list<SettleEntries>",
        |l| l.replace("SettleEntries", "SettlementEntries"),
    );
    let line = line_of(&old, RECHARGE, Some("types:"), "  SettleEntries:");
    let report = diff_of(&old, &new);
    let c = only(&report, ChangeKind::TypeRenamed);
    sites(
        c,
        Class::Breaking,
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
    assert!(
        c.detail.contains("`SettleEntries` → `SettlementEntries`"),
        "{}",
        c.detail
    );
    // Other services' or endpoints' uses of the old name, if any, are type changes; the
    // renamed field of mall_recharge is not.
    assert!(
        !report
            .changes
            .iter()
            .any(|c| c.kind == ChangeKind::FieldTypeChanged
                && c.type_name.as_deref() == Some("MallRechargeRequest")),
        "{}",
        report.text()
    );
    assert!(
        !report
            .changes
            .iter()
            .any(|c| matches!(c.kind, ChangeKind::TypeAdded | ChangeKind::TypeRemoved)),
        "{}",
        report.text()
    );
}

#[test]
fn a_struct_turned_enum_breaks_callers() {
    let old = real_spec();
    let new = with_lines(old.clone(), RECHARGE, |lines| {
        let (start, end) = block(lines, Some("types:"), "  SettleEntries:");
        lines.splice(
            start..end,
            [
                "  SettleEntries:".to_owned(),
                "    enum:".to_owned(),
                "      repr: string".to_owned(),
                "      values:".to_owned(),
                "        - {value: a, name: A}".to_owned(),
            ],
        );
    });
    let line = line_of(&old, RECHARGE, Some("types:"), "  SettleEntries:");
    let report = diff_of(&old, &new);
    sites(
        only(&report, ChangeKind::TypeKindChanged),
        Class::Breaking,
        Some((RECHARGE, line)),
        Some((RECHARGE, line)),
    );
}

#[test]
fn a_type_used_in_a_response_as_well_is_widened_and_back_narrowed() {
    let old = real_spec();
    let new = insert_after(
        old.clone(),
        RECHARGE,
        Some("response:"),
        "  fields:",
        "    entries: {type: list<SettleEntries>}",
    );
    let of = |report: &Report, kind| -> Class {
        let found: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| c.kind == kind && c.type_name.as_deref() == Some("SettleEntries"))
            .collect();
        assert_eq!(found.len(), 1, "{}", report.text());
        found[0].class
    };
    assert_eq!(
        of(&diff_of(&old, &new), ChangeKind::TypeUsageWidened),
        Class::Compatible
    );
    assert_eq!(
        of(&diff_of(&new, &old), ChangeKind::TypeUsageNarrowed),
        Class::Breaking
    );
}

#[test]
fn a_service_removed_breaks_callers_and_added_is_compatible() {
    let old = real_spec();
    let mut new = old.clone();
    new.retain(|f| !f.path.starts_with("shoubei/"));
    let line = line_of(&old, SHOUBEI, None, "title: ");
    expect(
        &old,
        &new,
        ChangeKind::ServiceRemoved,
        Class::Breaking,
        (None, None, None),
        Some((SHOUBEI, line)),
        None,
    );
    let back = diff_of(&new, &old);
    assert_eq!(
        only(&back, ChangeKind::ServiceAdded).class,
        Class::Compatible
    );
    // Nothing inside an added or removed service is reported separately.
    assert_eq!(back.changes.len(), 1, "{}", back.text());
}

// ---------------------------------------------------------------- the report

#[test]
fn the_semver_bump_follows_the_worst_change() {
    use retail_apis_codegen::diff::Bump;
    let old = real_spec();
    assert_eq!(diff_of(&old, &old).semver, Bump::None);
    let added = insert_after(
        old.clone(),
        RECHARGE,
        Some("request:"),
        "  fields:",
        "    remark: {type: string}",
    );
    assert_eq!(diff_of(&old, &added).semver, Bump::Minor);
    let wire = edit_line(old.clone(), RECHARGE, None, "path: ", |l| format!("{l}_v2"));
    assert_eq!(diff_of(&old, &wire).semver, Bump::Major);
}

#[test]
fn json_names_every_change_with_its_rule_class_and_sites() {
    let old = real_spec();
    let new = edit_line(old.clone(), RECHARGE, None, "path: ", |l| format!("{l}_v2"));
    let json = serde_json::to_value(diff_of(&old, &new)).expect("serialises");
    let line = line_of(&old, RECHARGE, None, "path: ");
    assert_eq!(json["semver"], "major");
    assert_eq!(json["summary"]["wire"], 1);
    let change = &json["changes"][0];
    assert_eq!(change["rule"], "path-changed");
    assert_eq!(change["class"], "wire");
    assert_eq!(change["service"], "jdy");
    assert_eq!(change["endpoint"], "mall_recharge");
    assert_eq!(change["old"]["file"], RECHARGE);
    assert_eq!(change["old"]["line"], line);
    assert_eq!(change["new"]["line"], line);
}

#[test]
fn the_text_groups_changes_by_endpoint_with_both_sites() {
    let old = real_spec();
    let new = edit_line(old.clone(), RECHARGE, None, "path: ", |l| format!("{l}_v2"));
    let new = remove_block(new, RECHARGE, Some("request:"), "    store_id:");
    let text = diff_of(&old, &new).text();
    let path_line = line_of(&old, RECHARGE, None, "path: ");
    assert!(
        text.starts_with("2 change(s): 1 wire, 1 breaking, 0 compatible"),
        "{text}"
    );
    assert!(text.contains("\njdy.mall_recharge\n"), "{text}");
    assert!(
        text.contains(&format!(
            "old {RECHARGE}:{path_line}  new {RECHARGE}:{path_line}"
        )),
        "{text}"
    );
    assert_eq!(text.matches("jdy.mall_recharge").count(), 1, "{text}");
}

#[test]
fn the_kinds_table_documents_every_rule() {
    let doc = std::fs::read_to_string(common::workspace().join("docs/api-diff.md"))
        .expect("docs/api-diff.md");
    for kind in ChangeKind::ALL {
        let (req, resp) = kind.classes();
        let row = format!("| `{}` | {} | {} |", kind.rule(), req.name(), resp.name());
        assert!(
            doc.contains(&row),
            "docs/api-diff.md lacks the row starting {row}"
        );
    }
}

// ---------------------------------------------------------------- properties

/// A random edit of the committed spec that keeps it loadable: each picks a line by key
/// and changes it the way a reviewer might.
fn mutate(files: &[SourceFile], which: usize, n: usize) -> Vec<SourceFile> {
    let files = files.to_vec();
    let has = |path: &str, after: Option<&str>, prefix: &str| {
        files.iter().find(|f| f.path == path).is_some_and(|f| {
            let from = match after {
                None => Some(0),
                Some(a) => f.text.lines().position(|l| l.starts_with(a)),
            };
            from.is_some_and(|from| f.text.lines().skip(from).any(|l| l.starts_with(prefix)))
        })
    };
    let target = match which % 8 {
        0 | 1 | 3 | 4 | 6 => has(RECHARGE, None, "path: "),
        2 | 7 => has(RECHARGE, Some("request:"), "    store_id:"),
        _ => has(JDY, Some("errors:"), "  - code: "),
    };
    if !target {
        return files;
    }
    match which % 8 {
        0 => insert_after(
            files,
            RECHARGE,
            Some("request:"),
            "  fields:",
            &format!("    extra_{n}: {{type: string}}"),
        ),
        1 => insert_after(
            files,
            RECHARGE,
            Some("response:"),
            "  fields:",
            &format!("    extra_{n}: {{type: integer, required: true}}"),
        ),
        2 => remove_block(files, RECHARGE, Some("request:"), "    store_id:"),
        3 => insert_after(
            files,
            RECHARGE,
            Some("  PayType:"),
            "      values:",
            &format!("        - {{value: \"{}\", name: Extra{n}}}", 1000 + n),
        ),
        4 => edit_line(files, RECHARGE, None, "path: ", |l| format!("{l}_{n}")),
        5 => remove_block(files, JDY, Some("errors:"), "  - code: "),
        6 => {
            let mut files = files;
            files.retain(|f| f.path != RECHARGE);
            files
        }
        _ => edit_line(files, RECHARGE, Some("request:"), "    store_id:", |_| {
            format!("    store_{n}:\n      rust_name: store_id")
        }),
    }
}

fn counts(report: &Report) -> (usize, usize, usize) {
    (
        report.summary.added,
        report.summary.removed,
        report.summary.changed,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// A spec compared with itself has no changes, whatever was edited into it.
    #[test]
    fn a_spec_diffed_with_itself_is_empty(edits in proptest::collection::vec((0usize..8, 0usize..50), 0..4)) {
        let mut files = real_spec();
        for (step, (which, n)) in edits.into_iter().enumerate() {
            files = mutate(&files, which, n + 100 * step);
        }
        let spec = load(&files);
        let report = diff(&spec, &spec);
        prop_assert!(report.is_empty(), "{}", report.text());
        prop_assert_eq!(report.semver, retail_apis_codegen::diff::Bump::None);
    }

    /// What a diff adds, the reverse diff removes, and the same number of items change.
    #[test]
    fn a_diff_backwards_swaps_added_and_removed(edits in proptest::collection::vec((0usize..8, 0usize..50), 1..4)) {
        let old = real_spec();
        let mut new = old.clone();
        for (step, (which, n)) in edits.into_iter().enumerate() {
            new = mutate(&new, which, n + 100 * step);
        }
        let (a, b) = (load(&old), load(&new));
        let (forward, backward) = (diff(&a, &b), diff(&b, &a));
        let (fa, fr, fc) = counts(&forward);
        let (ba, br, bc) = counts(&backward);
        prop_assert_eq!((fa, fr, fc), (br, ba, bc), "forward:\n{}\nbackward:\n{}", forward.text(), backward.text());
        prop_assert!(!forward.is_empty());
    }
}
