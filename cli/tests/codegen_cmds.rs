//! `retail-apis lint` and `retail-apis check` on temporary copies of spec/ and of the
//! generated source; the real spec/ and generated/ are only read.

mod common;

use std::path::Path;

use common::{copy_tree, json_error, one_json_document, run_cli, workspace_root};
use serde_json::{json, Value};

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// Replaces the first line equal to `from` with `to` in `file`, and returns the
/// 1-based `line:column` of the replaced value (`value` within `to`).
fn break_line(file: &Path, from: &str, to: &str, value: &str) -> String {
    let text = std::fs::read_to_string(file).expect("read the spec copy");
    let mut position = None;
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if position.is_none() && line == from {
                let column = to.find(value).expect("value is part of the new line") + 1;
                position = Some(format!("{}:{column}", i + 1));
                to.to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect();
    let position = position.unwrap_or_else(|| panic!("`{from}` not found in {}", file.display()));
    std::fs::write(file, lines.join("\n") + "\n").expect("write the spec copy");
    position
}

#[test]
fn lint_accepts_the_committed_specs() {
    let spec = workspace_root().join("spec");
    let run = run_cli(&["lint", "--spec", path_str(&spec)], &[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("no problems"), "{}", run.stdout);
}

#[test]
fn lint_reports_every_problem_with_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("spec");
    copy_tree(&workspace_root().join("spec"), &spec);
    let file = spec.join("jdy/endpoints/mall_recharge.yaml");
    let method = break_line(&file, "method: POST", "method: PATCH", "PATCH");
    let ty = break_line(
        &file,
        "      type: RechargeSource",
        "      type: RechargeSorce",
        "RechargeSorce",
    );

    let run = run_cli(&["lint", "--spec", path_str(&spec)], &[]);

    assert_eq!(run.code, Some(1), "{run:?}");
    // Loading does not stop at the first problem: both are reported, each located.
    let at_method = format!("jdy/endpoints/mall_recharge.yaml:{method}: ");
    let at_type = format!("jdy/endpoints/mall_recharge.yaml:{ty}: ");
    assert!(
        run.stderr.contains(&at_method),
        "{at_method} in {}",
        run.stderr
    );
    assert!(run.stderr.contains(&at_type), "{at_type} in {}", run.stderr);
    assert!(run.stderr.contains("PATCH"), "{}", run.stderr);
    // A near miss gets a suggestion.
    assert!(run.stderr.contains("RechargeSource"), "{}", run.stderr);
    assert!(run.stderr.contains("2 problem(s)"), "{}", run.stderr);
}

#[test]
fn check_passes_on_fresh_output_and_fails_with_a_diff_on_an_edit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("spec");
    let out = dir.path().join("generated");
    copy_tree(&workspace_root().join("spec"), &spec);
    // Generate the baseline from the same spec copy, so the test does not depend on
    // whether the working tree's generated/ is current.
    let generated = run_cli(
        &[
            "generate",
            "--spec",
            path_str(&spec),
            "--out",
            path_str(&out),
        ],
        &[],
    );
    assert_eq!(generated.code, Some(0), "{generated:?}");

    let args = ["check", "--spec", path_str(&spec), "--out", path_str(&out)];
    let fresh = run_cli(&args, &[]);
    assert_eq!(fresh.code, Some(0), "{fresh:?}");
    assert!(fresh.stdout.contains("up to date"), "{}", fresh.stdout);

    // A hand edit of generated code is what `check` exists to catch in CI.
    let file = out.join("jdy.rs");
    let text = std::fs::read_to_string(&file).expect("generated jdy.rs");
    let edited = text.replacen(
        "pub struct MallRechargeRequest {",
        "pub struct MallRechargeRequest {\n    pub edited_by_hand: bool,",
        1,
    );
    assert_ne!(edited, text, "the edit applies");
    std::fs::write(&file, edited).expect("edit the copy");

    let stale = run_cli(&args, &[]);
    assert_eq!(stale.code, Some(1), "{stale:?}");
    assert!(stale.stdout.contains("jdy.rs"), "{}", stale.stdout);
    assert!(
        stale.stdout.lines().any(
            |line| line.starts_with('-') && line.contains("edited_by_hand")
                || line.starts_with('+') && line.contains("edited_by_hand")
        ),
        "the diff shows the edited line:\n{}",
        stale.stdout
    );
    assert!(stale.stderr.contains("stale"), "{}", stale.stderr);
    // Only the copy was touched.
    let committed = std::fs::read_to_string(workspace_root().join("generated/jdy.rs"))
        .expect("committed jdy.rs");
    assert!(!committed.contains("edited_by_hand"));
}

/// What a hostile spec tree does to `lint`: a FIFO does not block it, and invisible
/// characters are reported at their place and shown escaped, never raw on the terminal.
#[cfg(unix)]
#[test]
fn lint_refuses_fifos_and_invisible_characters_without_hanging() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("spec");
    copy_tree(&workspace_root().join("spec"), &spec);
    let status = std::process::Command::new("mkfifo")
        .arg(spec.join("jdy/endpoints/pipe.yaml"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let file = spec.join("jdy/endpoints/mall_recharge.yaml");
    let text = std::fs::read_to_string(&file).expect("read the spec copy");
    std::fs::write(&file, format!("\u{feff}{text}")).expect("write the spec copy");
    let file = spec.join("jdy/endpoints/refund_save.yaml");
    let text = std::fs::read_to_string(&file).expect("read the spec copy");
    let (line, _) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("summary: "))
        .expect("a summary line");
    let edited: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == line {
                l.replacen("summary: ", "summary: \u{202e}", 1)
            } else {
                l.to_owned()
            }
        })
        .collect();
    std::fs::write(&file, edited.join("\n") + "\n").expect("write the spec copy");

    let run = run_cli(&["lint", "--spec", path_str(&spec)], &[]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr
            .contains("jdy/endpoints/pipe.yaml:1:1: error[io]: not a regular file"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "jdy/endpoints/mall_recharge.yaml:1:1: error[invalid-character]: the file starts \
             with a byte-order mark"
        ),
        "{}",
        run.stderr
    );
    let at = format!(
        "jdy/endpoints/refund_save.yaml:{}:10: error[invalid-character]: U+202E",
        line + 1
    );
    assert!(run.stderr.contains(&at), "{at} in {}", run.stderr);
    assert!(!run.stderr.contains('\u{202e}'), "{}", run.stderr);
}

#[test]
fn export_schema_writes_the_committed_schema() {
    let committed = std::fs::read_to_string(workspace_root().join("spec/schema.json"))
        .expect("spec/schema.json");
    let run = run_cli(&["export", "schema"], &[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout == committed,
        "stdout differs from spec/schema.json"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("schema.json");
    let run = run_cli(&["export", "schema", "--out", path_str(&out)], &[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    let written = std::fs::read_to_string(&out).expect("written schema");
    assert!(written == committed, "--out differs from spec/schema.json");
    let schema: serde_json::Value = serde_json::from_str(&written).expect("JSON");
    assert!(schema["$defs"]["EndpointFile"]["properties"]["operation"].is_object());

    // A file that cannot be written is an error naming it, not a partial success.
    let bad = dir.path().join("missing-dir/schema.json");
    let run = run_cli(&["export", "schema", "--out", path_str(&bad)], &[]);
    assert_eq!(run.code, Some(8), "{run:?}");
    assert!(run.stderr.contains("missing-dir"), "{run:?}");
}

#[test]
fn export_openapi_writes_every_endpoint_of_the_spec() {
    let spec_dir = workspace_root().join("spec");
    let spec = retail_apis_codegen::load(&spec_dir).expect("spec/ loads");
    let expected = retail_apis_codegen::openapi_text(&spec).expect("exports");

    let run = run_cli(&["export", "openapi", "--spec", path_str(&spec_dir)], &[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout == expected,
        "stdout differs from the library's export"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("openapi.json");
    let run = run_cli(
        &[
            "export",
            "openapi",
            "--openapi-version",
            "3.0",
            "--spec",
            path_str(&spec_dir),
            "--out",
            path_str(&out),
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("written")).expect("JSON");
    assert_eq!(document["openapi"], "3.0.3");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&expected).expect("JSON")["openapi"],
        "3.1.0",
        "3.1 is the default"
    );
    let mut operation_ids: Vec<&str> = document["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("path item").values())
        .filter_map(|operation| operation["operationId"].as_str())
        .collect();
    operation_ids.sort_unstable();
    let mut operations: Vec<&str> = spec
        .services
        .iter()
        .flat_map(|s| s.endpoints.iter().map(|e| e.operation.as_str()))
        .collect();
    operations.sort_unstable();
    assert_eq!(operation_ids, operations);

    // A spec that does not load prints its diagnostics and writes nothing.
    let broken = dir.path().join("spec");
    copy_tree(&spec_dir, &broken);
    let service = broken.join("jdy/service.yaml");
    let text = std::fs::read_to_string(&service).expect("service.yaml");
    std::fs::write(&service, text.replacen("base_url:", "base_urll:", 1)).expect("break it");
    let failed = dir.path().join("failed.json");
    let run = run_cli(
        &[
            "export",
            "openapi",
            "--spec",
            path_str(&broken),
            "--out",
            path_str(&failed),
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("jdy/service.yaml"), "{run:?}");
    assert!(!failed.exists(), "a document was written for a broken spec");
}

#[test]
fn lint_json_reports_the_committed_specs_clean() {
    let spec_dir = workspace_root().join("spec");
    let set = retail_apis_codegen::load(&spec_dir).expect("spec/ loads");
    let run = run_cli(
        &["--output", "json", "lint", "--spec", path_str(&spec_dir)],
        &[],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.is_empty(), "{run:?}");
    let document = one_json_document(&run.stdout);
    assert_eq!(document["ok"], true);
    assert_eq!(document["problems"], json!([]));
    assert_eq!(document["services"], set.services.len());
    let endpoints: usize = set.services.iter().map(|s| s.endpoints.len()).sum();
    assert_eq!(document["endpoints"], endpoints);
}

#[test]
fn lint_json_lists_every_problem_located_with_invisible_characters_escaped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("spec");
    copy_tree(&workspace_root().join("spec"), &spec);
    let file = spec.join("jdy/endpoints/mall_recharge.yaml");
    let method = break_line(&file, "method: POST", "method: PATCH", "PATCH");
    let file = spec.join("jdy/endpoints/refund_save.yaml");
    let text = std::fs::read_to_string(&file).expect("read the spec copy");
    std::fs::write(&file, text.replacen("summary: ", "summary: \u{202e}", 1))
        .expect("write the spec copy");
    // A file name is quoted as it is, in `file` and in the message.
    let hostile_name = "jdy/endpoints/refund\u{202e}.yaml";
    std::fs::write(spec.join(hostile_name), &text).expect("write the spec copy");
    let expected = retail_apis_codegen::load(&spec).expect_err("the copy is broken");

    let run = run_cli(
        &["--output", "json", "lint", "--spec", path_str(&spec)],
        &[],
    );

    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.is_empty(), "{run:?}");
    // The override character travels escaped: it cannot reorder a terminal's text.
    assert!(!run.stdout.contains('\u{202e}'), "{}", run.stdout);
    let document = one_json_document(&run.stdout);
    assert_eq!(document["ok"], false);
    let problems = document["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), expected.len(), "{problems:?}");
    for (problem, diagnostic) in problems.iter().zip(expected.iter()) {
        assert_eq!(problem["file"], diagnostic.file.as_str());
        assert_eq!(problem["line"], diagnostic.line);
        assert_eq!(problem["column"], diagnostic.column);
        assert_eq!(problem["kind"], diagnostic.kind.code());
        assert_eq!(problem["message"], diagnostic.message.as_str());
    }
    let (line, column) = method.split_once(':').expect("line:column");
    let (line, column): (usize, usize) = (
        line.parse().expect("a line"),
        column.parse().expect("a column"),
    );
    assert!(
        problems
            .iter()
            .any(|p| p["file"] == "jdy/endpoints/mall_recharge.yaml"
                && p["line"] == line
                && p["column"] == column
                && p["message"].as_str().is_some_and(|m| m.contains("PATCH"))),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p["file"] == "jdy/endpoints/refund_save.yaml"
                && p["kind"] == "invalid-character"),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p["file"] == hostile_name),
        "{problems:?}"
    );
}

#[test]
fn generate_and_check_report_their_files_as_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("spec");
    let out = dir.path().join("generated");
    copy_tree(&workspace_root().join("spec"), &spec);
    let set = retail_apis_codegen::load(&spec).expect("the copy loads");
    let mut files: Vec<String> = retail_apis_codegen::generate(&set)
        .expect("generates")
        .into_iter()
        .map(|f| f.path)
        .collect();
    files.sort();
    let sorted = |value: &Value| {
        let mut names: Vec<String> = value
            .as_array()
            .expect("a list of files")
            .iter()
            .map(|v| v.as_str().expect("a file name").to_owned())
            .collect();
        names.sort();
        names
    };
    let generate = [
        "--output",
        "json",
        "generate",
        "--spec",
        path_str(&spec),
        "--out",
        path_str(&out),
    ];

    let first = run_cli(&generate, &[]);
    assert_eq!(first.code, Some(0), "{first:?}");
    let report = one_json_document(&first.stdout);
    assert_eq!(sorted(&report["written"]), files);
    assert_eq!(report["unchanged"], json!([]));
    assert_eq!(report["removed"], json!([]));
    let again = run_cli(&generate, &[]);
    let report = one_json_document(&again.stdout);
    assert_eq!(report["written"], json!([]));
    assert_eq!(sorted(&report["unchanged"]), files);

    let check = [
        "--output",
        "json",
        "check",
        "--spec",
        path_str(&spec),
        "--out",
        path_str(&out),
    ];
    let fresh = run_cli(&check, &[]);
    assert_eq!(fresh.code, Some(0), "{fresh:?}");
    let report = one_json_document(&fresh.stdout);
    assert_eq!(report["fresh"], true);
    assert_eq!(report["stale"], json!([]));

    let file = out.join("jdy.rs");
    let text = std::fs::read_to_string(&file).expect("generated jdy.rs");
    std::fs::write(&file, format!("{text}// edited_by_hand\n")).expect("edit the copy");
    let stale = run_cli(&check, &[]);
    assert_eq!(stale.code, Some(1), "{stale:?}");
    assert!(stale.stderr.is_empty(), "{stale:?}");
    let report = one_json_document(&stale.stdout);
    assert_eq!(report["fresh"], false);
    let stale_files = report["stale"].as_array().expect("stale files");
    assert_eq!(stale_files.len(), 1, "{report}");
    assert_eq!(stale_files[0]["file"], "jdy.rs");
    let diff = stale_files[0]["diff"].as_str().expect("a diff");
    assert!(
        diff.lines()
            .any(|l| l.starts_with('-') && l.contains("edited_by_hand")),
        "{diff}"
    );

    // Specs that do not load: the problems come as the error object, exit 1.
    let service = spec.join("jdy/service.yaml");
    let text = std::fs::read_to_string(&service).expect("service.yaml");
    std::fs::write(&service, text.replacen("base_url:", "base_urll:", 1)).expect("break it");
    let hostile_name = "jdy/endpoints/x\u{202e}.yaml";
    std::fs::write(spec.join(hostile_name), "").expect("write the spec copy");
    let broken = run_cli(&generate, &[]);
    assert_eq!(broken.code, Some(1), "{broken:?}");
    assert!(!broken.stderr.contains('\u{202e}'), "{broken:?}");
    let error = json_error(&broken);
    assert_eq!(error["kind"], "spec");
    let problems = error["problems"].as_array().expect("problems");
    assert!(
        problems.iter().any(|p| p["file"] == "jdy/service.yaml"),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p["file"] == hostile_name),
        "{problems:?}"
    );
}

#[test]
fn export_json_confirms_a_written_file_and_reports_an_unwritable_one() {
    let committed = std::fs::read_to_string(workspace_root().join("spec/schema.json"))
        .expect("spec/schema.json");
    // To standard output the document is the result, as in text form.
    let run = run_cli(&["--output", "json", "export", "schema"], &[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout == committed,
        "stdout differs from spec/schema.json"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("schema.json");
    // `--output` is global: it may follow the subcommand too.
    let run = run_cli(
        &[
            "export",
            "schema",
            "--out",
            path_str(&out),
            "--output",
            "json",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let confirmation = one_json_document(&run.stdout);
    assert_eq!(confirmation["written"], path_str(&out));
    assert_eq!(confirmation["bytes"], committed.len());
    assert!(std::fs::read_to_string(&out).expect("written") == committed);

    let bad = dir.path().join("missing-dir/schema.json");
    let run = run_cli(
        &[
            "--output",
            "json",
            "export",
            "schema",
            "--out",
            path_str(&bad),
        ],
        &[],
    );
    assert_eq!(run.code, Some(8), "{run:?}");
    let error = json_error(&run);
    assert_eq!(error["kind"], "io");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("missing-dir")),
        "{error}"
    );
}
