//! `retail-apis diff`: what changed between two spec trees and whom it breaks, as text or
//! JSON, with an exit code for CI (`--fail-on`).

use std::path::{Path, PathBuf};

use retail_apis_codegen::api_surface::{self, ItemChange};
use retail_apis_codegen::diff::{self, Class, Report};
use retail_apis_codegen::model::SpecSet;
use retail_apis_codegen::Diagnostics;
use serde_json::json;

use crate::exit;
use crate::failure::Failure;
use crate::git_spec::{GitError, Repo};
use crate::output::{self, Output};

/// The least severe class that makes `diff` exit with [`exit::CHANGES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Anything that breaks: compile breaks and wire breaks.
    Breaking,
    /// Only wire breaks (the compiler cannot see them).
    Wire,
    /// Any change at all, documentation included.
    Any,
}

impl FailOn {
    fn threshold(self) -> Class {
        match self {
            FailOn::Breaking => Class::Breaking,
            FailOn::Wire => Class::Wire,
            FailOn::Any => Class::Compatible,
        }
    }

    fn name(self) -> &'static str {
        match self {
            FailOn::Breaking => "breaking",
            FailOn::Wire => "wire",
            FailOn::Any => "any",
        }
    }
}

/// Where the old spec comes from.
pub enum OldSide {
    /// A git revision (`None`: the default base).
    Revision(Option<String>),
    /// A directory.
    Dir(PathBuf),
}

/// One side as the report names it.
struct Side {
    /// `HEAD~1:spec` or the directory.
    label: String,
    /// The commit, for a revision.
    commit: Option<String>,
    /// What the files of its sites are prefixed with.
    root: String,
    spec: SpecSet,
}

/// `retail-apis diff`
pub fn run(
    old: OldSide,
    new: &Path,
    format: Output,
    fail_on: Option<FailOn>,
    generated: bool,
) -> Result<u8, Failure> {
    let new_side = Side {
        label: new.display().to_string(),
        commit: None,
        root: new.display().to_string(),
        spec: load_dir(new, "new")?,
    };
    let old_side = match old {
        OldSide::Dir(dir) => Side {
            label: dir.display().to_string(),
            commit: None,
            root: dir.display().to_string(),
            spec: load_dir(&dir, "old")?,
        },
        OldSide::Revision(revision) => load_revision(new, revision)?,
    };
    let report =
        diff::diff(&old_side.spec, &new_side.spec).with_roots(&old_side.root, &new_side.root);
    let failed = fail_on.filter(|f| report.highest().is_some_and(|c| c >= f.threshold()));
    let items = match generated {
        true => Some(generated_changes(&old_side, &new_side)?),
        false => None,
    };
    match format {
        Output::Text => {
            let mut out = text(&report, &old_side, &new_side, fail_on);
            if let Some(items) = &items {
                out.push_str("\nPublic items of the generated client (generated/):\n");
                out.push_str(&api_surface::render(items, "generated"));
            }
            output::stdout(&output::visible(&out))?
        }
        Output::Json => {
            let mut document = serde_json::to_value(&report)
                .map_err(|e| Failure::io(format!("cannot encode the report: {e}")))?;
            if let Some(object) = document.as_object_mut() {
                object.insert("old".into(), side_json(&old_side));
                object.insert("new".into(), side_json(&new_side));
                object.insert("fail_on".into(), json!(fail_on.map(FailOn::name)));
                object.insert("failed".into(), json!(failed.is_some()));
                if let Some(items) = &items {
                    let items = serde_json::to_value(items)
                        .map_err(|e| Failure::io(format!("cannot encode the report: {e}")))?;
                    object.insert("generated".into(), items);
                }
            }
            output::json(&document)?;
        }
    }
    if let Some(f) = failed {
        if format == Output::Text {
            eprintln!(
                "changes at or above `{}` found (exit {})",
                f.name(),
                exit::CHANGES
            );
        }
        return Ok(exit::CHANGES);
    }
    Ok(exit::SUCCESS)
}

/// The public items of the generated client that differ between the two sides: both are
/// generated in memory from their spec, as `retail-apis generate` would write them.
fn generated_changes(old: &Side, new: &Side) -> Result<Vec<ItemChange>, Failure> {
    let surface = |side: &Side| {
        let files = retail_apis_codegen::generate(&side.spec).map_err(|e| {
            Failure::spec(format!("code generation failed for {}: {e}", side.label))
        })?;
        api_surface::surface(&files).map_err(|e| {
            Failure::spec(format!(
                "the code generated for {} does not parse: {e}",
                side.label
            ))
        })
    };
    Ok(api_surface::compare(&surface(old)?, &surface(new)?))
}

fn side_json(side: &Side) -> serde_json::Value {
    json!({ "spec": side.label, "commit": side.commit })
}

fn text(report: &Report, old: &Side, new: &Side, fail_on: Option<FailOn>) -> String {
    let commit = old
        .commit
        .as_deref()
        .map(|c| c.get(..12).unwrap_or(c))
        .filter(|c| !old.label.starts_with(c))
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let mut out = format!("Comparing {}{commit} → {}\n", old.label, new.label);
    out.push_str(&report.text());
    if let Some(f) = fail_on {
        out.push_str(&format!("--fail-on {}: ", f.name()));
        out.push_str(if report.highest().is_some_and(|c| c >= f.threshold()) {
            "failed\n"
        } else {
            "passed\n"
        });
    }
    out
}

/// Loads a spec directory; problems are reported naming the side.
fn load_dir(dir: &Path, side: &str) -> Result<SpecSet, Failure> {
    retail_apis_codegen::load(dir).map_err(|d| side_problems(dir, side, d))
}

fn side_problems(spec: &Path, side: &str, diagnostics: Diagnostics) -> Failure {
    Failure::problems(spec, diagnostics.with_root(spec))
        .with_message_prefix(&format!("the {side} spec does not load: "))
}

fn load_revision(new: &Path, revision: Option<String>) -> Result<Side, Failure> {
    let repo = Repo::of(new).map_err(git_failure)?;
    let revision = match revision {
        Some(r) => r,
        None => repo.default_base().map_err(git_failure)?,
    };
    let read = repo.read(&revision).map_err(git_failure)?;
    // A merge base is a bare commit id: its first 12 digits name it well enough.
    let shown = if read.revision == read.commit {
        read.commit.get(..12).unwrap_or(&read.commit)
    } else {
        &read.revision
    };
    let label = format!("{shown}:{}", repo.spec_path);
    let root = repo.spec_path.clone();
    let spec = match retail_apis_codegen::load_sources(&read.files) {
        Ok(spec) if read.problems.is_empty() => spec,
        loaded => {
            let mut problems = read.problems;
            if let Err(d) = loaded {
                problems.extend(d);
            }
            return Err(side_problems(
                Path::new(&label),
                "old",
                Diagnostics(problems),
            ));
        }
    };
    Ok(Side {
        label,
        commit: Some(read.commit),
        root,
        spec,
    })
}

fn git_failure(error: GitError) -> Failure {
    Failure::base(error.to_string())
}
