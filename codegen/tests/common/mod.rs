//! Shared by the emitter tests that compile generated code.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
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
             [workspace]\n"
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
#[allow(dead_code)]
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
