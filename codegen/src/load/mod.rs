//! Parsing, validation and resolution of YAML specs into the [`crate::model`].
//!
//! A spec root holds one directory per service: `<service>/service.yaml` and one
//! `<service>/endpoints/<operation>.yaml` per operation (the format is documented in
//! `spec/README.md`). Loading reports every problem it finds, each with file, line and
//! column, and never panics on malformed input.

mod diagnostic;
mod endpoint_file;
mod ident;
mod named_types;
mod paths;
mod resolve;
mod service_file;
mod signed_fields;
mod source;
pub(crate) mod text;
mod type_expr;
mod yaml;

use std::collections::BTreeMap;
use std::path::Path;

pub use diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
pub use source::{read_sources, SourceFile, MAX_SPEC_FILE_BYTES};

use crate::model::SpecSet;
use ident::is_snake_case;
use paths::{check_file_name, file_role, FileRole};
use resolve::{resolve, ServiceDraft};
use yaml::Cx;

/// Reads, validates and resolves every spec file under `root`.
///
/// Diagnostic file names are relative to `root`; use [`Diagnostics::with_root`] to print
/// them relative to the current directory instead.
/// Files that cannot be read are reported together with the problems of the others.
pub fn load(root: &Path) -> Result<SpecSet, Diagnostics> {
    let (files, mut unreadable) = source::read_readable(root);
    match load_sources(&files) {
        Ok(set) if unreadable.is_empty() => Ok(set),
        Ok(_) => Err(unreadable),
        Err(found) => {
            unreadable.0.extend(found.0);
            unreadable.sort();
            Err(unreadable)
        }
    }
}

/// Validates and resolves spec files already in memory (paths relative to the spec root).
///
/// Every problem is reported, not just the first; the model is returned only when there
/// are none. The work is linear in the total size of the files.
pub fn load_sources(sources: &[SourceFile]) -> Result<SpecSet, Diagnostics> {
    let mut diags = Vec::new();
    let mut drafts: BTreeMap<&str, ServiceDraft> = BTreeMap::new();
    for src in sources {
        let file = src.path.as_str();
        let mut cx = Cx {
            file,
            diags: &mut diags,
        };
        if src.text.len() > MAX_SPEC_FILE_BYTES {
            cx.error_at(&whole_file(file), DiagnosticKind::Io, source::too_large());
            continue;
        }
        // The path is printed into generated code (as a comment and a string), so it must
        // have the documented shape before anything else is looked at.
        if let Some(problem) = check_file_name(file) {
            cx.error_at(&whole_file(file), DiagnosticKind::InvalidPath, problem);
            continue;
        }
        let role = file_role(file);
        let service = match role {
            FileRole::Service { service } | FileRole::Endpoint { service } => service,
            FileRole::Misplaced => {
                cx.error_at(
                    &whole_file(file),
                    DiagnosticKind::InvalidPath,
                    format!(
                        "`{file}` is not where spec files go: use `<service>/service.yaml` or \
                         `<service>/endpoints/<operation>.yaml`"
                    ),
                );
                continue;
            }
        };
        let draft = drafts.entry(service).or_default();
        if let FileRole::Service { .. } = role {
            if let Some(prev) = &draft.service_file {
                cx.error_at(
                    &whole_file(file),
                    DiagnosticKind::DuplicateName,
                    format!("service `{service}` already has a service file `{prev}`"),
                );
                continue;
            }
            draft.service_file = Some(file.to_string());
            if !is_snake_case(service) {
                cx.error_at(
                    &whole_file(file),
                    DiagnosticKind::InvalidIdentifier,
                    format!(
                        "service directory `{service}` becomes a Rust module name and must be \
                         snake_case"
                    ),
                );
            } else if crate::reserved::SERVICES.contains(&service) {
                cx.error_at(
                    &whole_file(file),
                    DiagnosticKind::InvalidIdentifier,
                    format!(
                        "service directory `{service}` is reserved: the generated crate already \
                         uses that name ({}); rename the directory",
                        crate::reserved::SERVICES.join(", ")
                    ),
                );
            }
        } else {
            draft.endpoint_files.push(file.to_string());
        }
        if !text::check_raw(file, &src.text, cx.diags) {
            continue;
        }
        let root = match yaml::parse(file, &src.text) {
            Ok(root) => root,
            Err(d) => {
                cx.diags.push(d);
                continue;
            }
        };
        text::check_values(&mut cx, &root);
        match role {
            FileRole::Service { .. } => {
                draft.head =
                    service_file::parse_service(&mut cx, &root, &mut draft.types, &mut draft.refs);
            }
            _ => {
                if let Some(e) = endpoint_file::parse_endpoint(
                    &mut cx,
                    &root,
                    &mut draft.types,
                    &mut draft.refs,
                    &mut draft.response_at,
                ) {
                    draft.endpoints.push(e);
                }
            }
        }
    }

    let mut services = Vec::new();
    for (name, draft) in drafts {
        if draft.service_file.is_none() {
            for f in &draft.endpoint_files {
                diags.push(Diagnostic {
                    file: f.clone(),
                    line: 1,
                    column: 1,
                    kind: DiagnosticKind::InvalidPath,
                    message: format!(
                        "endpoint file for unknown service `{name}`: `{name}/service.yaml` \
                         does not exist"
                    ),
                });
            }
            continue;
        }
        let file = draft.service_file.clone().unwrap_or_default();
        let mut cx = Cx {
            file: &file,
            diags: &mut diags,
        };
        if let Some(s) = resolve(&mut cx, name, draft) {
            services.push(s);
        }
    }

    if diags.is_empty() {
        // BTreeMap iteration already yields services sorted by name.
        Ok(SpecSet { services })
    } else {
        let mut d = Diagnostics(diags);
        d.sort();
        Err(d)
    }
}

fn whole_file(file: &str) -> crate::model::SourceRef {
    crate::model::SourceRef {
        file: file.to_string(),
        line: 1,
        column: 1,
    }
}
