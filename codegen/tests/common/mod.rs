//! Shared by the codegen tests: spec trees read and edited in memory, diagnostics looked
//! up by position, and generated code compiled in a throwaway crate.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use retail_apis_codegen::{generate, load_sources, read_sources, Diagnostic, DiagnosticKind};
use retail_apis_codegen::{Diagnostics, SourceFile};

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Type names the generated modules declare or take from the Rust prelude, which a spec
/// may not declare (a sample of the loader's list).
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Box",
    "Client",
    "SERVICE",
    "ERRORS",
    "ENDPOINTS",
    "Option",
    "Result",
    "String",
    "Vec",
    "Some",
    "None",
    "Ok",
    "Err",
    "Into",
    "From",
    "ToOwned",
    "Default",
    "S",
];

/// The committed specs (`spec/`).
pub fn real_spec() -> Vec<SourceFile> {
    read_sources(&workspace().join("spec")).expect("spec/")
}

/// The directory of the loader's fixture specs.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The `minimal` fixture: one service with one endpoint.
pub fn minimal() -> Vec<SourceFile> {
    read_sources(&fixtures().join("minimal")).expect("minimal fixture")
}

/// `files` with `text` added as `path` (or replacing it), in path order as `read_sources`
/// gives them.
pub fn with_file(mut files: Vec<SourceFile>, path: &str, text: &str) -> Vec<SourceFile> {
    files.retain(|f| f.path != path);
    files.push(SourceFile {
        path: path.to_owned(),
        text: text.to_owned(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Writes `files` below `root` as a spec tree.
pub fn write_sources(root: &Path, files: &[SourceFile]) {
    for file in files {
        let path = root.join(&file.path);
        fs::create_dir_all(path.parent().expect("parent")).expect("spec dir");
        fs::write(&path, &file.text).expect("spec file");
    }
}

/// The file `path` of `files`.
#[track_caller]
pub fn file_mut<'a>(files: &'a mut [SourceFile], path: &str) -> &'a mut SourceFile {
    files
        .iter_mut()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path} in the spec"))
}

/// `files` with the first `from` in file `path` replaced by `to`.
#[track_caller]
pub fn edited(mut files: Vec<SourceFile>, path: &str, from: &str, to: &str) -> Vec<SourceFile> {
    let file = file_mut(&mut files, path);
    assert!(file.text.contains(from), "`{from}` not in {path}");
    file.text = file.text.replacen(from, to, 1);
    files
}

/// The diagnostics of a spec the loader must refuse.
#[track_caller]
pub fn errors(files: &[SourceFile]) -> Diagnostics {
    match load_sources(files) {
        Ok(set) => panic!(
            "accepted; generate gives {:?}",
            generate(&set).map(|f| f.len())
        ),
        Err(d) => d,
    }
}

/// The diagnostic of `kind` at `file`, `line`, `column` (1-based).
#[track_caller]
pub fn find<'a>(
    d: &'a Diagnostics,
    kind: DiagnosticKind,
    file: &str,
    line: usize,
    column: usize,
) -> &'a Diagnostic {
    d.iter()
        .find(|x| x.kind == kind && x.file == file && x.line == line && x.column == column)
        .unwrap_or_else(|| panic!("no {kind} at {file}:{line}:{column}; got:\n{d}"))
}

/// Builds generated code in a throwaway crate `name` (under `dir`) that depends on the
/// runtime, with every warning an error (clippy's too, when it is installed), the way the
/// root crate's CI build treats it. `modules` are `(module name, path of its mod.rs)`.
/// All such crates share one target directory so dependencies are built once.
pub fn compiles_cleanly(dir: &Path, name: &str, modules: &[(&str, PathBuf)]) {
    let krate = dir.join("check-crate");
    fs::create_dir_all(krate.join("src")).expect("crate dir");
    let runtime = workspace().join("runtime");
    fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nretail-apis-runtime = {{ path = {runtime:?} }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n\n\
             [features]\nfull-serde = []\n\n[workspace]\n"
        ),
    )
    .expect("manifest");
    fs::copy(workspace().join("Cargo.lock"), krate.join("Cargo.lock")).expect("lock file");
    let mut lib = String::from("#![deny(warnings)]\n//! Compile check.\n");
    for (module, path) in modules {
        lib.push_str(&format!("#[path = {path:?}]\npub mod {module};\n"));
    }
    fs::write(krate.join("src/lib.rs"), lib).expect("lib.rs");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // Clippy is a superset of `check`; it is optional in a toolchain, so fall back to check.
    let has_clippy = Command::new(&cargo)
        .args(["clippy", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    let args: &[&str] = if has_clippy {
        &["clippy", "--offline", "--quiet", "--", "-D", "warnings"]
    } else {
        &["check", "--offline", "--quiet"]
    };
    let output = Command::new(&cargo)
        .args(args)
        .current_dir(&krate)
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target/codegen-compile-test"),
        )
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "generated code does not compile cleanly:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `cargo test --doc` on the crate [`compiles_cleanly`] built under `dir` and returns
/// its output; panics when a doctest fails to compile or run.
pub fn doctests_pass(dir: &Path) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(&cargo)
        .args(["test", "--doc", "--offline"])
        .current_dir(dir.join("check-crate"))
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target/codegen-compile-test"),
        )
        .env_remove("RUSTFLAGS")
        .env_remove("RUSTDOCFLAGS")
        .output()
        .expect("run cargo test --doc");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "doctests of the generated code failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}
