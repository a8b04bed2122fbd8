//! `retail-apis diff` on a throwaway git repository of its own (two commits of a copy of
//! the committed spec), so nothing depends on this repository's history or on a full
//! clone: `--base`, the default base, JSON, `--fail-on` exit codes, a first commit, and a
//! side that does not load.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{copy_tree, one_json_document, workspace_root, Run, RUN_LIMIT};
use serde_json::Value;
use wait_timeout::ChildExt;

const RECHARGE: &str = "spec/jdy/endpoints/mall_recharge.yaml";

/// Runs `git` in `dir` with a fixed identity and no user or system configuration.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .stdout(Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// A repository holding a copy of the committed spec in one commit.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    git(dir.path(), &["init", "-q"]);
    copy_tree(&workspace_root().join("spec"), &dir.path().join("spec"));
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "spec"]);
    dir
}

/// Replaces the first line of `file` starting with `prefix` by `f(line)`.
fn edit(dir: &Path, file: &str, prefix: &str, f: impl FnOnce(&str) -> String) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("spec file");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in {file}"));
    lines[i] = f(&lines[i]);
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
}

/// The 1-based line of the first line of `file` starting with `prefix`.
fn line_of(dir: &Path, file: &str, prefix: &str) -> usize {
    let text = std::fs::read_to_string(dir.join(file)).expect("spec file");
    text.lines()
        .position(|l| l.starts_with(prefix))
        .expect("line")
        + 1
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["commit", "-q", "-a", "-m", message]);
}

/// Runs the binary in `dir` with only PATH (for `git`) and a HOME without configuration.
fn run_in(dir: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_retail-apis"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // Drain both pipes while waiting, so a large report cannot block the child.
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let Some(status) = child.wait_timeout(RUN_LIMIT).expect("wait") else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("`retail-apis {}` did not finish", args.join(" "));
    };
    Run {
        code: status.code(),
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
    }
}

/// A repository whose second commit changes mall_recharge's path (a wire break).
fn repo_with_path_change() -> (tempfile::TempDir, usize) {
    let dir = repo();
    edit(dir.path(), RECHARGE, "path: ", |l| format!("{l}_v2"));
    commit(dir.path(), "path");
    let line = line_of(dir.path(), RECHARGE, "path: ");
    (dir, line)
}

#[test]
fn base_revision_text_names_both_sides_as_the_repository_does() {
    let (dir, line) = repo_with_path_change();
    let run = run_in(dir.path(), &["diff", "--base", "HEAD~1"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout.starts_with("Comparing HEAD~1:spec ("),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\njdy.mall_recharge\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("wire       path-changed"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("old {RECHARGE}:{line}  new {RECHARGE}:{line}")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Semver: major."), "{}", run.stdout);
}

#[test]
fn the_default_base_is_the_previous_commit_without_origin_main() {
    let (dir, _) = repo_with_path_change();
    let run = run_in(dir.path(), &["diff"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout.starts_with("Comparing HEAD~1:spec"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("path-changed"), "{}", run.stdout);
}

#[test]
fn the_default_base_is_the_merge_base_with_origin_main() {
    let (dir, _) = repo_with_path_change();
    // origin/main at the first commit; two commits on top of it.
    git(
        dir.path(),
        &["update-ref", "refs/remotes/origin/main", "HEAD~1"],
    );
    edit(dir.path(), RECHARGE, "summary: ", |l| format!("{l} (v2)"));
    commit(dir.path(), "doc");
    let run = run_in(dir.path(), &["diff", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let report = one_json_document(&run.stdout);
    let rules: Vec<&str> = report["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["rule"].as_str())
        .collect();
    assert!(
        rules.contains(&"path-changed") && rules.contains(&"doc-changed"),
        "{rules:?}"
    );
    // The base is named by its commit: 12 digits, and the full id in JSON.
    let commit = report["old"]["commit"].as_str().expect("commit").to_owned();
    assert_eq!(report["old"]["spec"], format!("{}:spec", &commit[..12]));
    let text = run_in(dir.path(), &["diff"]);
    assert!(
        text.stdout
            .starts_with(&format!("Comparing {}:spec → spec\n", &commit[..12])),
        "{}",
        text.stdout
    );
}

#[test]
fn json_reports_each_change_with_rule_class_and_sites() {
    let (dir, line) = repo_with_path_change();
    let run = run_in(
        dir.path(),
        &["diff", "--base", "HEAD~1", "--format", "json"],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let report: Value = one_json_document(&run.stdout);
    assert_eq!(report["semver"], "major");
    assert_eq!(report["summary"]["wire"], 1);
    assert_eq!(report["old"]["spec"], "HEAD~1:spec");
    assert_eq!(report["new"]["spec"], "spec");
    assert_eq!(report["failed"], false);
    let change = &report["changes"][0];
    assert_eq!(change["rule"], "path-changed");
    assert_eq!(change["class"], "wire");
    assert_eq!(change["endpoint"], "mall_recharge");
    assert_eq!(change["old"]["file"], RECHARGE);
    assert_eq!(change["old"]["line"], line);
    assert_eq!(change["new"]["file"], RECHARGE);
    assert_eq!(change["new"]["line"], line);
}

#[test]
fn fail_on_sets_the_exit_code_by_class() {
    // A wire break fails `breaking` and `wire`.
    let (dir, _) = repo_with_path_change();
    for (fail_on, code) in [("breaking", 9), ("wire", 9), ("any", 9)] {
        let run = run_in(
            dir.path(),
            &["diff", "--base", "HEAD~1", "--fail-on", fail_on],
        );
        assert_eq!(run.code, Some(code), "--fail-on {fail_on}: {run:?}");
    }
    // A field removed breaks compiling, not the wire.
    let dir = repo();
    let text = std::fs::read_to_string(dir.path().join(RECHARGE)).expect("spec");
    let kept: Vec<&str> = {
        let lines: Vec<&str> = text.lines().collect();
        let start = lines
            .iter()
            .position(|l| l.starts_with("    store_id:"))
            .expect("store_id");
        let end = (start + 1..lines.len())
            .find(|&i| !lines[i].starts_with("      "))
            .unwrap_or(lines.len());
        lines[..start]
            .iter()
            .chain(&lines[end..])
            .copied()
            .collect()
    };
    std::fs::write(dir.path().join(RECHARGE), kept.join("\n") + "\n").expect("write");
    commit(dir.path(), "remove a field");
    for (fail_on, code) in [("breaking", 9), ("wire", 0), ("any", 9)] {
        let run = run_in(
            dir.path(),
            &["diff", "--base", "HEAD~1", "--fail-on", fail_on],
        );
        assert_eq!(run.code, Some(code), "--fail-on {fail_on}: {run:?}");
    }
    let json = run_in(
        dir.path(),
        &[
            "diff",
            "--base",
            "HEAD~1",
            "--fail-on",
            "breaking",
            "--format",
            "json",
        ],
    );
    assert_eq!(json.code, Some(9));
    assert_eq!(one_json_document(&json.stdout)["failed"], true);
    // A doc edit fails only `any`.
    edit(dir.path(), RECHARGE, "summary: ", |l| format!("{l} (v2)"));
    commit(dir.path(), "doc");
    for (fail_on, code) in [("breaking", 0), ("wire", 0), ("any", 9)] {
        let run = run_in(
            dir.path(),
            &["diff", "--base", "HEAD~1", "--fail-on", fail_on],
        );
        assert_eq!(run.code, Some(code), "--fail-on {fail_on}: {run:?}");
    }
}

#[test]
fn a_first_commit_has_no_base_and_says_so() {
    let dir = repo();
    let run = run_in(dir.path(), &["diff"]);
    assert_eq!(run.code, Some(10), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(run.stderr.contains("`HEAD~1`"), "{}", run.stderr);
    assert!(run.stderr.contains("first commit"), "{}", run.stderr);
    let json = run_in(dir.path(), &["diff", "--format", "json"]);
    assert_eq!(json.code, Some(10));
    let error = one_json_document(&json.stderr);
    assert_eq!(error["error"]["kind"], "base");
    assert_eq!(error["error"]["exit_code"], 10);
}

#[test]
fn an_option_given_as_revision_is_refused() {
    let dir = repo();
    let run = run_in(dir.path(), &["diff", "--base=--output=/tmp/x"]);
    assert_eq!(run.code, Some(10), "{run:?}");
    assert!(
        run.stderr.contains("cannot be empty or start with `-`"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_old_side_that_does_not_load_is_reported_with_its_side() {
    let dir = repo();
    edit(dir.path(), RECHARGE, "method: ", |_| {
        "method: FETCH".to_owned()
    });
    commit(dir.path(), "broken");
    edit(dir.path(), RECHARGE, "method: ", |_| {
        "method: POST".to_owned()
    });
    commit(dir.path(), "fixed");
    let line = line_of(dir.path(), RECHARGE, "method: ");
    let run = run_in(dir.path(), &["diff", "--base", "HEAD~1"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr.contains("the old spec does not load"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "HEAD~1:spec/jdy/endpoints/mall_recharge.yaml:{line}:"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn directories_compare_without_git() {
    let old = tempfile::tempdir().expect("temp dir");
    let new = tempfile::tempdir().expect("temp dir");
    copy_tree(&workspace_root().join("spec"), old.path());
    copy_tree(&workspace_root().join("spec"), new.path());
    let same = run_in(
        new.path(),
        &[
            "diff",
            "--old",
            &old.path().display().to_string(),
            "--new",
            ".",
        ],
    );
    assert_eq!(same.code, Some(0), "{same:?}");
    assert!(same.stdout.contains("No API changes."), "{}", same.stdout);
    let file = "jdy/endpoints/mall_recharge.yaml";
    edit(new.path(), file, "path: ", |l| format!("{l}_v2"));
    let run = run_in(
        new.path(),
        &[
            "diff",
            "--old",
            &old.path().display().to_string(),
            "--new",
            ".",
            "--fail-on",
            "wire",
        ],
    );
    assert_eq!(run.code, Some(9), "{run:?}");
    let line = line_of(new.path(), file, "path: ");
    assert!(
        run.stdout
            .contains(&format!("old {}/{file}:{line}", old.path().display())),
        "{}",
        run.stdout
    );
}

#[test]
fn a_new_side_that_does_not_load_is_reported_with_its_side() {
    let old = tempfile::tempdir().expect("temp dir");
    let new = tempfile::tempdir().expect("temp dir");
    copy_tree(&workspace_root().join("spec"), old.path());
    copy_tree(&workspace_root().join("spec"), new.path());
    let file = "jdy/endpoints/mall_recharge.yaml";
    edit(new.path(), file, "method: ", |_| "method: FETCH".to_owned());
    let line = line_of(new.path(), file, "method: ");
    let old_dir = old.path().display().to_string();
    let run = run_in(new.path(), &["diff", "--old", &old_dir, "--new", "."]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(
        run.stderr.contains("the new spec does not load"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("{file}:{line}:")),
        "{}",
        run.stderr
    );
    let json = run_in(
        new.path(),
        &["diff", "--old", &old_dir, "--new", ".", "--format", "json"],
    );
    assert_eq!(json.code, Some(1), "{json:?}");
    let error = one_json_document(&json.stderr);
    assert_eq!(error["error"]["kind"], "spec");
    assert!(error["error"]["problems"][0]["file"]
        .as_str()
        .is_some_and(|f| f.ends_with(file)));
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_the_base_revision_is_not_followed() {
    let dir = repo();
    let link = dir.path().join("spec/jdy/endpoints/linked.yaml");
    std::os::unix::fs::symlink("/etc/passwd", &link).expect("symlink");
    git(dir.path(), &["add", "-A"]);
    commit(dir.path(), "a link out of the tree");
    std::fs::remove_file(&link).expect("remove the link");
    let run = run_in(dir.path(), &["diff", "--base", "HEAD"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr.contains("the old spec does not load"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("HEAD:spec/jdy/endpoints/linked.yaml:1:1: error[io]: not a regular file"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("root:"), "{}", run.stderr);
}

#[test]
fn generated_lists_the_public_items_a_change_adds() {
    let old = tempfile::tempdir().expect("temp dir");
    let new = tempfile::tempdir().expect("temp dir");
    copy_tree(&workspace_root().join("spec"), old.path());
    copy_tree(&workspace_root().join("spec"), new.path());
    // A name no spec uses: `zz` plus the digits of the temp dir's name.
    let suffix: String = new
        .path()
        .display()
        .to_string()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    let operation = format!("zz_probe_{suffix}");
    std::fs::write(
        new.path().join(format!("jdy/endpoints/{operation}.yaml")),
        format!(
            "operation: {operation}\nsummary: 探针\nmethod: POST\npath: /jdy/v2/ls/{operation}\n\
             request:\n  fields:\n    id: {{type: string, required: true}}\n\
             response:\n  fields:\n    ok: {{type: boolean}}\n"
        ),
    )
    .expect("write endpoint");
    let old_dir = old.path().display().to_string();
    let run = run_in(
        new.path(),
        &[
            "diff",
            "--old",
            &old_dir,
            "--new",
            ".",
            "--format",
            "json",
            "--generated",
        ],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let items = report["generated"].as_array().expect("a generated section");
    let method = format!("jdy::Client::{operation}");
    let added = items
        .iter()
        .find(|i| i["path"] == method.as_str())
        .unwrap_or_else(|| panic!("{method} not listed: {items:?}"));
    assert_eq!(added["kind"], "added");
    assert_eq!(added["breaking"], false);
    let line = added["new"]["location"]["line"].as_u64().expect("a line");
    assert!(line > 0);
    // Without the flag the section is left out, and the text form names the method.
    let plain = run_in(
        new.path(),
        &["diff", "--old", &old_dir, "--new", ".", "--format", "json"],
    );
    let plain: serde_json::Value = serde_json::from_str(&plain.stdout).expect("JSON report");
    assert!(plain.get("generated").is_none());
    let text = run_in(
        new.path(),
        &["diff", "--old", &old_dir, "--new", ".", "--generated"],
    );
    assert!(text.stdout.contains(&method), "{}", text.stdout);
}
