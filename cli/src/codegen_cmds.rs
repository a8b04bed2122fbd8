//! `generate`, `check`, `lint`, `export schema`, `export openapi` and `sandbox`: the commands that read specs
//! (or describe their format).

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use retail_apis_codegen::model::SpecSet;
use retail_apis_codegen::SourceFile;

/// Loads specs, printing every diagnostic; `None` when there were any.
fn load_reporting(spec: &Path) -> Option<SpecSet> {
    match retail_apis_codegen::load(spec) {
        Ok(set) => Some(set),
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            eprintln!("{} problem(s) in {}", diagnostics.0.len(), spec.display());
            None
        }
    }
}

fn generated_files(spec: &Path) -> Result<Option<Vec<retail_apis_codegen::GeneratedFile>>, String> {
    let Some(set) = load_reporting(spec) else {
        return Ok(None);
    };
    retail_apis_codegen::generate(&set)
        .map(Some)
        .map_err(|e| format!("code generation failed: {e}"))
}

/// `retail-apis generate`
pub fn generate(spec: &Path, out: &Path) -> Result<ExitCode, String> {
    let Some(files) = generated_files(spec)? else {
        return Ok(ExitCode::FAILURE);
    };
    let report = retail_apis_codegen::write_changed(out, &files)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// `retail-apis check`
pub fn check(spec: &Path, out: &Path) -> Result<ExitCode, String> {
    let Some(files) = generated_files(spec)? else {
        return Ok(ExitCode::FAILURE);
    };
    let report = retail_apis_codegen::check(out, &files)
        .map_err(|e| format!("cannot read {}: {e}", out.display()))?;
    if report.is_fresh() {
        println!("{} is up to date with {}", out.display(), spec.display());
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{report}");
        eprintln!(
            "{} is stale: run `retail-apis generate` and commit the result",
            out.display()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// `retail-apis lint`
pub fn lint(spec: &Path) -> Result<ExitCode, String> {
    match load_reporting(spec) {
        Some(set) => {
            let endpoints: usize = set.services.iter().map(|s| s.endpoints.len()).sum();
            println!(
                "{}: {} service(s), {} endpoint(s), no problems",
                spec.display(),
                set.services.len(),
                endpoints
            );
            Ok(ExitCode::SUCCESS)
        }
        None => Ok(ExitCode::FAILURE),
    }
}

/// `retail-apis export schema`: the JSON Schema of spec files, as pretty JSON with a
/// final newline (the form committed as `spec/schema.json`).
pub fn export_schema(out: Option<&Path>) -> Result<ExitCode, String> {
    write_export(&retail_apis_codegen::spec_schema_text(), out, "the schema")?;
    Ok(ExitCode::SUCCESS)
}

/// `retail-apis export openapi`: the specs as one OpenAPI 3.0.3 document.
pub fn export_openapi(spec: &Path, out: Option<&Path>) -> Result<ExitCode, String> {
    let Some(set) = load_reporting(spec) else {
        return Ok(ExitCode::FAILURE);
    };
    let text =
        retail_apis_codegen::openapi_text(&set).map_err(|e| format!("export failed: {e}"))?;
    write_export(&text, out, "the document")?;
    Ok(ExitCode::SUCCESS)
}

/// Writes an exported text to `out`, or to standard output.
fn write_export(text: &str, out: Option<&Path>, what: &str) -> Result<(), String> {
    match out {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        // A closed pipe (`| head`) is an error to report, not a panic.
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())
            .map_err(|e| format!("cannot write {what}: {e}")),
    }
}

/// `retail-apis sandbox`
pub async fn sandbox(
    listen: SocketAddr,
    spec: Option<&Path>,
    config: retail_apis_sandbox::SandboxConfig,
) -> Result<ExitCode, String> {
    let set = match spec {
        Some(dir) => match load_reporting(dir) {
            Some(set) => set,
            None => return Ok(ExitCode::FAILURE),
        },
        None => {
            let sources: Vec<SourceFile> = retail_apis::SPEC_FILES
                .iter()
                .map(|(path, text)| SourceFile {
                    path: (*path).to_owned(),
                    text: (*text).to_owned(),
                })
                .collect();
            retail_apis_codegen::load_sources(&sources)
                .map_err(|d| format!("the embedded specs do not load:\n{d}"))?
        }
    };
    retail_apis_sandbox::serve(set, config, listen)
        .await
        .map_err(|e| format!("sandbox: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
