//! `generate`, `check`, `lint`, `export schema`, `export openapi` and `sandbox`: the commands that read specs
//! (or describe their format).

use std::net::SocketAddr;
use std::path::Path;

use retail_apis_codegen::model::SpecSet;
use retail_apis_codegen::SourceFile;
use serde_json::json;

use crate::exit;
use crate::failure::{problem_count, Failure};
use crate::output::{self, Output};

/// Loads specs; a spec that does not load is a failure carrying every diagnostic.
fn load(spec: &Path) -> Result<SpecSet, Failure> {
    retail_apis_codegen::load(spec).map_err(|diagnostics| Failure::problems(spec, diagnostics))
}

fn generated_files(spec: &Path) -> Result<Vec<retail_apis_codegen::GeneratedFile>, Failure> {
    let set = load(spec)?;
    retail_apis_codegen::generate(&set)
        .map_err(|e| Failure::spec(format!("code generation failed: {e}")))
}

/// `retail-apis generate`
pub fn generate(spec: &Path, out: &Path, mode: Output) -> Result<u8, Failure> {
    let files = generated_files(spec)?;
    let report = retail_apis_codegen::write_changed(out, &files)
        .map_err(|e| Failure::io(format!("cannot write {}: {e}", out.display())))?;
    match mode {
        Output::Text => output::stdout(&format!("{report}\n"))?,
        Output::Json => output::json(&json!({
            "out": out.display().to_string(),
            "written": report.written,
            "unchanged": report.unchanged,
            "removed": report.removed,
        }))?,
    }
    Ok(exit::SUCCESS)
}

/// `retail-apis check`
pub fn check(spec: &Path, out: &Path, mode: Output) -> Result<u8, Failure> {
    let files = generated_files(spec)?;
    let report = retail_apis_codegen::check(out, &files)
        .map_err(|e| Failure::io(format!("cannot read {}: {e}", out.display())))?;
    let fresh = report.is_fresh();
    match mode {
        Output::Text if fresh => output::stdout(&format!(
            "{} is up to date with {}\n",
            out.display(),
            spec.display()
        ))?,
        Output::Text => {
            output::stdout(&format!("{report}\n"))?;
            eprintln!(
                "{} is stale: run `retail-apis generate` and commit the result",
                out.display()
            );
        }
        Output::Json => {
            let stale: Vec<_> = report
                .stale
                .iter()
                .map(|(file, diff)| json!({ "file": file, "diff": diff }))
                .collect();
            output::json(&json!({
                "fresh": fresh,
                "spec": spec.display().to_string(),
                "out": out.display().to_string(),
                "stale": stale,
                "missing": report.missing,
                "extra": report.extra,
            }))?;
        }
    }
    Ok(if fresh { exit::SUCCESS } else { exit::PROBLEMS })
}

/// `retail-apis lint`: the problems are the result, so in JSON form they go to standard
/// output with `ok: false` and exit 1, not as an error.
pub fn lint(spec: &Path, mode: Output) -> Result<u8, Failure> {
    let loaded = retail_apis_codegen::load_with_warnings(spec);
    let code = if loaded.is_ok() {
        exit::SUCCESS
    } else {
        exit::PROBLEMS
    };
    match (mode, loaded) {
        (Output::Text, Ok((set, warnings))) => {
            let endpoints: usize = set.services.iter().map(|s| s.endpoints.len()).sum();
            let mut text = String::new();
            for warning in warnings.clone().with_root(spec).iter() {
                text.push_str(&format!("{warning}\n"));
            }
            let problems = if warnings.is_empty() {
                "no problems".to_string()
            } else {
                format!("no errors, {} review mark(s) to resolve", warnings.len())
            };
            text.push_str(&format!(
                "{}: {} service(s), {} endpoint(s), {problems}\n",
                spec.display(),
                set.services.len(),
                endpoints
            ));
            output::stdout(&output::visible(&text))?;
        }
        (Output::Text, Err(diagnostics)) => Failure::problems(spec, diagnostics).report(mode),
        (Output::Json, Ok((set, warnings))) => output::json(&json!({
            "ok": true,
            "spec": spec.display().to_string(),
            "services": set.services.len(),
            "endpoints": set.services.iter().map(|s| s.endpoints.len()).sum::<usize>(),
            "problems": [],
            "warnings": output::problems_json(&warnings),
        }))?,
        (Output::Json, Err(diagnostics)) => output::json(&json!({
            "ok": false,
            "spec": spec.display().to_string(),
            "summary": problem_count(spec, &diagnostics),
            "problems": output::problems_json(&diagnostics),
        }))?,
    }
    Ok(code)
}

/// `retail-apis export schema`: the JSON Schema of spec files, as pretty JSON with a
/// final newline (the form committed as `spec/schema.json`).
pub fn export_schema(out: Option<&Path>, mode: Output) -> Result<u8, Failure> {
    write_export(&retail_apis_codegen::spec_schema_text(), out, mode)
}

/// `retail-apis export openapi`: the specs as one OpenAPI document (3.1, or 3.0.3).
pub fn export_openapi(
    spec: &Path,
    out: Option<&Path>,
    version: retail_apis_codegen::OpenApiVersion,
    mode: Output,
) -> Result<u8, Failure> {
    let set = load(spec)?;
    let text = retail_apis_codegen::openapi_text_in(&set, version)
        .map_err(|e| Failure::spec(format!("export failed: {e}")))?;
    write_export(&text, out, mode)
}

/// Writes an exported document to `out`, or to standard output. The document is JSON
/// already, so in JSON form only a write to a file adds a confirmation.
fn write_export(text: &str, out: Option<&Path>, mode: Output) -> Result<u8, Failure> {
    match out {
        Some(path) => {
            std::fs::write(path, text)
                .map_err(|e| Failure::io(format!("cannot write {}: {e}", path.display())))?;
            if mode == Output::Json {
                output::json(&json!({
                    "written": path.display().to_string(),
                    "bytes": text.len(),
                }))?;
            }
        }
        None => output::stdout(text)?,
    }
    Ok(exit::SUCCESS)
}

/// `retail-apis sandbox`. In text form the sandbox prints its own banner; in JSON form the
/// one line printed says where it listens.
pub async fn sandbox(
    listen: SocketAddr,
    spec: Option<&Path>,
    config: retail_apis_sandbox::SandboxConfig,
    mode: Output,
) -> Result<u8, Failure> {
    let set = match spec {
        // Specs the sandbox is told to serve are part of its configuration.
        Some(dir) => load(dir).map_err(Failure::into_config)?,
        None => {
            let sources: Vec<SourceFile> = retail_apis::SPEC_FILES
                .iter()
                .map(|(path, text)| SourceFile {
                    path: (*path).to_owned(),
                    text: (*text).to_owned(),
                })
                .collect();
            retail_apis_codegen::load_sources(&sources)
                .map_err(|d| Failure::spec(format!("the embedded specs do not load:\n{d}")))?
        }
    };
    match mode {
        Output::Text => retail_apis_sandbox::serve(set, config, listen)
            .await
            .map_err(sandbox_failure)?,
        Output::Json => {
            let handle = retail_apis_sandbox::Sandbox::new(set, config)
                .start(listen)
                .await
                .map_err(sandbox_failure)?;
            output::json(&json!({
                "listening": handle.local_addr().to_string(),
                "base_url": handle.base_url(),
            }))?;
            let stop = tokio::signal::ctrl_c().await;
            handle.shutdown().await.map_err(sandbox_failure)?;
            stop.map_err(|e| Failure::io(format!("sandbox: cannot listen for Ctrl-C: {e}")))?;
        }
    }
    Ok(exit::SUCCESS)
}

/// An address that cannot be listened on is configuration; a server that stops on an
/// I/O error is I/O.
fn sandbox_failure(error: retail_apis_sandbox::SandboxError) -> Failure {
    match error {
        retail_apis_sandbox::SandboxError::Bind { .. } => {
            Failure::config(format!("sandbox: {error}"))
        }
        other => Failure::io(format!("sandbox: {other}")),
    }
}
