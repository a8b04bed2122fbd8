//! `review:` marks: warnings that leave a spec loadable and generatable, reported at the
//! key, and an error when they give no reason.

mod common;

use common::{edited, errors, find, real_spec};
use retail_apis_codegen::{
    generate, load_sources, load_sources_with_warnings, DiagnosticKind, Severity,
};

const FILE: &str = "jdy/endpoints/mall_recharge.yaml";

#[test]
fn marks_on_endpoints_types_and_fields_are_warnings_at_their_keys() {
    let files = edited(
        real_spec(),
        FILE,
        "summary: 会员充值\n",
        "summary: 会员充值\nreview: name the operation\n",
    );
    let files = edited(
        files,
        FILE,
        "    member_id:\n",
        "    member_id:\n      review: is it the card or the member?\n",
    );
    let files = edited(
        files,
        FILE,
        "  PayType:\n",
        "  PayType:\n    review: variant names\n",
    );
    let (set, warnings) =
        load_sources_with_warnings(&files).expect("a spec with review marks loads");
    assert_eq!(warnings.len(), 3, "{warnings}");
    for w in &warnings {
        assert_eq!(w.kind, DiagnosticKind::Review);
        assert_eq!(w.kind.severity(), Severity::Warning);
        assert!(
            w.to_string()
                .contains(": warning[review]: marked for review: "),
            "{w}"
        );
    }
    let text = std::fs::read_to_string(common::workspace().join("spec").join(FILE)).expect("read");
    let line_of = |needle: &str| text.lines().position(|l| l == needle).expect("line") + 1;
    // Each edit inserted one line before the next one's place in the file.
    find(
        &warnings,
        DiagnosticKind::Review,
        FILE,
        line_of("summary: 会员充值") + 1,
        1,
    );
    find(
        &warnings,
        DiagnosticKind::Review,
        FILE,
        line_of("    member_id:") + 2,
        7,
    );
    find(
        &warnings,
        DiagnosticKind::Review,
        FILE,
        line_of("  PayType:") + 3,
        5,
    );
    // `generate` (and so build.rs) goes on: a warning is not an error.
    assert!(load_sources(&files).is_ok());
    assert!(generate(&set).is_ok());
}

#[test]
fn a_blank_mark_is_an_error_and_warnings_show_among_errors() {
    let files = edited(
        real_spec(),
        FILE,
        "summary: 会员充值\n",
        "summary: 会员充值\nreview: \"  \"\n",
    );
    let d = errors(&files);
    assert_eq!(d.len(), 1, "{d}");
    assert_eq!(
        d.iter().next().map(|x| x.kind),
        Some(DiagnosticKind::InvalidValue)
    );

    let files = edited(
        real_spec(),
        FILE,
        "summary: 会员充值\n",
        "summary: 会员充值\nreview: later\n",
    );
    let files = edited(files, FILE, "method: POST\n", "method: PUT\n");
    let d = errors(&files);
    assert!(d.has_errors());
    assert!(d.iter().any(|x| x.kind == DiagnosticKind::Review), "{d}");
    assert!(
        d.iter().any(|x| x.kind == DiagnosticKind::InvalidValue),
        "{d}"
    );
}
