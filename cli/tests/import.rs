//! `retail-apis import` on the seed pages (copied into codegen's fixtures) into a
//! temporary copy of spec/, then `retail-apis lint` on the result.

mod common;

use std::path::{Path, PathBuf};

use common::{copy_tree, one_json_document, run_cli, workspace_root};

fn page(name: &str) -> PathBuf {
    workspace_root()
        .join("codegen/tests/fixtures/pages")
        .join(name)
}

fn s(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// A copy of spec/ without the endpoint transcribed from the page.
fn spec_without(file: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&workspace_root().join("spec"), dir.path());
    std::fs::remove_file(dir.path().join(file)).expect("remove the committed endpoint");
    dir
}

#[test]
fn imported_pages_lint_with_only_review_warnings() {
    let dir = spec_without("jdy/endpoints/mall_recharge.yaml");
    std::fs::remove_file(dir.path().join("shoubei/endpoints/coupon_write_off.yaml"))
        .expect("remove the committed endpoint");
    let spec = dir.path();
    for (page_name, service) in [
        ("001_381c52f1f9cdd22d.txt", "jdy"),
        ("002_a53efbcfc7cd4844.txt", "shoubei"),
    ] {
        let page = page(page_name);
        let run = run_cli(
            &[
                "import",
                s(&page),
                "--service",
                service,
                "--spec",
                s(spec),
                "--out",
                s(spec),
            ],
            &[],
        );
        assert_eq!(run.code, Some(0), "{run:?}");
        assert!(run.stderr.contains("review: "), "{run:?}");
    }
    let draft = std::fs::read_to_string(spec.join("jdy/endpoints/mall_recharge.yaml"))
        .expect("the draft is written where the operation says");
    assert!(draft.contains("review:"), "{draft}");
    assert!(spec.join("shoubei/endpoints/coupon_wf.yaml").is_file());

    let lint = run_cli(&["lint", "--spec", s(spec)], &[]);
    assert_eq!(lint.code, Some(0), "{lint:?}");
    assert!(lint.stdout.contains("warning[review]"), "{lint:?}");
    assert!(!lint.stdout.contains("error["), "{lint:?}");
    assert!(
        lint.stdout.contains("review mark(s) to resolve"),
        "{lint:?}"
    );

    let json = run_cli(&["lint", "--spec", s(spec), "--output", "json"], &[]);
    assert_eq!(json.code, Some(0), "{json:?}");
    let report = one_json_document(&json.stdout);
    assert_eq!(report["ok"], true);
    let warnings = report["warnings"].as_array().expect("warnings");
    assert!(!warnings.is_empty());
    assert!(
        warnings.iter().all(|w| w["kind"] == "review"),
        "{warnings:?}"
    );
}

#[test]
fn an_existing_endpoint_is_overwritten_only_with_force() {
    let dir = spec_without("jdy/endpoints/refund_save.yaml");
    let spec = dir.path();
    let page = page("003_5bfa149578f5c20b.txt");
    let args = [
        "import",
        s(&page),
        "--service",
        "jdy",
        "--spec",
        s(spec),
        "--out",
        s(spec),
    ];
    assert_eq!(run_cli(&args, &[]).code, Some(0));
    let target = spec.join("jdy/endpoints/refund_save.yaml");
    let edited = std::fs::read_to_string(&target).expect("read") + "# edited by hand\n";
    std::fs::write(&target, &edited).expect("edit the draft");
    let again = run_cli(&args, &[]);
    assert_eq!(again.code, Some(8), "{again:?}");
    assert!(again.stderr.contains("--force"), "{again:?}");
    assert_eq!(std::fs::read_to_string(&target).expect("read"), edited);
    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(run_cli(&forced, &[]).code, Some(0));
    let rewritten = std::fs::read_to_string(&target).expect("read");
    assert!(rewritten.contains("operation: refund_save") && !rewritten.contains("edited by hand"));
}

#[test]
fn without_out_the_draft_is_printed_and_nothing_written() {
    let dir = spec_without("jdy/endpoints/mall_pre_write_off_cancel.yaml");
    let spec = dir.path();
    let page = page("000_02ae261432214172.txt");
    let run = run_cli(
        &[
            "import",
            s(&page),
            "--service",
            "jdy",
            "--spec",
            s(spec),
            "--output",
            "json",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let report = one_json_document(&run.stdout);
    let draft = &report["drafts"][0];
    assert_eq!(
        draft["file"],
        "jdy/endpoints/mall_pre_write_off_cancel.yaml"
    );
    assert!(draft["yaml"]
        .as_str()
        .expect("yaml")
        .contains("response:\n  type: json"));
    assert_eq!(draft["differences"], serde_json::json!([]));
    assert!(!spec
        .join("jdy/endpoints/mall_pre_write_off_cancel.yaml")
        .exists());
}

#[test]
fn a_page_in_an_unknown_format_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("notes.txt");
    std::fs::write(&page, "Just some notes about an API.\n").expect("write");
    let spec = workspace_root().join("spec");
    let run = run_cli(
        &["import", s(&page), "--service", "jdy", "--spec", s(&spec)],
        &[],
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("notes.txt"), "{run:?}");
    assert!(run.stderr.contains("neither YAML front matter"), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[test]
fn a_page_service_yaml_does_not_declare_is_declared_with_its_title_and_url() {
    let dir = spec_without("jdy/endpoints/refund_save.yaml");
    let spec = dir.path();
    let service = spec.join("jdy/service.yaml");
    let text = std::fs::read_to_string(&service).expect("read");
    let declared = "  003_5bfa149578f5c20b.txt:\n    title: 零售退款保存\n    url: https://open.jdy.com/#/files/api/detail?index=3&categrayId=&id=9d79ff9a712511eda0b3070175881e95\n";
    assert!(text.contains(declared));
    std::fs::write(&service, text.replace(declared, "")).expect("undeclare the page");
    let page = page("003_5bfa149578f5c20b.txt");
    let run = run_cli(
        &[
            "import",
            s(&page),
            "--service",
            "jdy",
            "--spec",
            s(spec),
            "--out",
            s(spec),
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("is not declared"), "{run:?}");
    let after = std::fs::read_to_string(&service).expect("read");
    assert!(after.contains("\"003_5bfa149578f5c20b.txt\":\n    title: 零售退款保存\n    url: https://open.jdy.com/"), "{after}");
    let lint = run_cli(&["lint", "--spec", s(spec)], &[]);
    assert_eq!(lint.code, Some(0), "{lint:?}");
    assert!(!lint.stdout.contains("error["), "{lint:?}");
}
