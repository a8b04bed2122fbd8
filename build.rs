//! Regenerates `generated/` from `spec/` when a spec changes, in builds inside this repository.
//!
//! Only with the `regenerate` feature, which the workspace's `tools/regenerate` member turns
//! on: a crate that depends on `retail-apis` compiles the committed `generated/` as it is, with
//! no code generator, and nothing is written into its copy of the sources.
//!
//! Files are written only when their bytes change, so an unchanged spec never touches
//! `generated/` and cargo does not rebuild. With `RETAIL_APIS_VERIFY_GENERATED=1` (CI) nothing
//! is written: the build fails with a diff when `generated/` does not match `spec/`, so what
//! is compiled is exactly what was reviewed.

#[cfg(not(feature = "regenerate"))]
fn main() {
    // Nothing to do, and nothing that could change: never run again.
    println!("cargo:rerun-if-changed=build.rs");
}

#[cfg(feature = "regenerate")]
fn main() -> std::process::ExitCode {
    regenerate::main()
}

#[cfg(feature = "regenerate")]
mod regenerate {
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    pub fn main() -> ExitCode {
        let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
        let spec_dir = root.join("spec");
        let out_dir = root.join("generated");
        println!("cargo:rerun-if-env-changed=RETAIL_APIS_VERIFY_GENERATED");
        println!("cargo:rerun-if-changed={}", spec_dir.display());
        match run(&spec_dir, &out_dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                for line in message.lines() {
                    println!("cargo:warning={line}");
                }
                eprintln!("{message}");
                ExitCode::FAILURE
            }
        }
    }

    fn run(spec_dir: &Path, out_dir: &Path) -> Result<(), String> {
        let sources = retail_apis_codegen::read_sources(spec_dir)
            .map_err(|d| format!("cannot read specs:\n{}", d.with_root(Path::new("spec"))))?;
        let spec = retail_apis_codegen::load_sources(&sources).map_err(|d| {
            format!(
                "spec/ has {} problem(s):\n{}",
                d.0.len(),
                d.with_root(Path::new("spec"))
            )
        })?;
        // Directory mtimes miss edits inside files, so every spec file is listed too. Only
        // after loading: the loader has checked every path against the file-name pattern, so
        // no name can carry a line break that cargo would read as another build directive.
        // (A failed build script is rerun anyway.)
        for source in &sources {
            println!(
                "cargo:rerun-if-changed={}",
                spec_dir.join(&source.path).display()
            );
        }
        let files =
            retail_apis_codegen::generate(&spec).map_err(|e| format!("code generation: {e}"))?;
        for file in &files {
            println!(
                "cargo:rerun-if-changed={}",
                out_dir.join(&file.path).display()
            );
        }
        if std::env::var("RETAIL_APIS_VERIFY_GENERATED").as_deref() == Ok("1") {
            let report = retail_apis_codegen::check(out_dir, &files)
                .map_err(|e| format!("cannot read generated/: {e}"))?;
            if !report.is_fresh() {
                return Err(format!(
                    "generated/ does not match spec/ (run `cargo run -p retail-apis-cli -- generate` and commit):\n{report}"
                ));
            }
            return Ok(());
        }
        retail_apis_codegen::write_changed(out_dir, &files)
            .map_err(|e| format!("cannot write generated/: {e}"))?;
        Ok(())
    }
}
