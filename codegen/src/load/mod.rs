//! Parsing, validation and resolution of YAML specs into the [`crate::model`].
//!
//! A spec root holds one directory per service: `<service>/service.yaml` and one
//! `<service>/endpoints/<operation>.yaml` per operation (the format is documented in
//! `spec/README.md`). Loading reports every problem it finds, each with file, line and
//! column, and never panics on malformed input.

mod citations;
mod de;
mod diagnostic;
mod endpoint_file;
pub(crate) mod ident;
mod named_types;
mod paths;
pub(crate) mod raw;
mod resolve;
mod service_file;
mod signed_fields;
mod source;
pub(crate) mod text;
mod type_expr;
mod yaml;

use std::collections::BTreeMap;
use std::path::Path;

pub(crate) use citations::cited_page;
pub use diagnostic::{Diagnostic, DiagnosticKind, Diagnostics, Severity};
pub use source::{read_sources, SourceFile, MAX_SPEC_FILE_BYTES};

use crate::model::SpecSet;
use de::Checked;
use ident::is_snake_case;
use paths::{check_file_name, file_role, FileRole};
use raw::{OneOrMany, Opt};
use resolve::{resolve, ServiceDraft};
use yaml::Cx;

/// Reads, validates and resolves every spec file under `root`.
///
/// Diagnostic file names are relative to `root`; use [`Diagnostics::with_root`] to print
/// them relative to the current directory instead.
/// Files that cannot be read are reported together with the problems of the others.
pub fn load(root: &Path) -> Result<SpecSet, Diagnostics> {
    load_with_warnings(root).map(|(set, _)| set)
}

/// [`load`], also returning the warnings (`review:` marks) of a spec that loads. A spec
/// that does not load reports its warnings among the errors.
pub fn load_with_warnings(root: &Path) -> Result<(SpecSet, Diagnostics), Diagnostics> {
    let (files, mut unreadable) = source::read_readable(root);
    match load_sources_with_warnings(&files) {
        Ok(loaded) if unreadable.is_empty() => Ok(loaded),
        Ok((_, warnings)) => {
            unreadable.0.extend(warnings.0);
            unreadable.sort();
            Err(unreadable)
        }
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
    load_sources_with_warnings(sources).map(|(set, _)| set)
}

/// [`load_sources`], also returning the warnings (`review:` marks) of a spec that loads.
pub fn load_sources_with_warnings(
    sources: &[SourceFile],
) -> Result<(SpecSet, Diagnostics), Diagnostics> {
    let mut diags = Vec::new();
    let mut drafts: BTreeMap<&str, ServiceDraft> = BTreeMap::new();
    // Reading the YAML of one file needs nothing from the others, and is most of the work.
    let parsed = crate::par::map_ordered(sources, crate::par::workers(), parse_source);
    for (src, parsed) in sources.iter().zip(parsed) {
        read_source(src, parsed, &mut diags, &mut drafts);
    }
    let mut services = Vec::new();
    for (name, draft) in drafts {
        let Some(file) = draft.service_file.clone() else {
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
        };
        let mut cx = Cx {
            file: &file,
            diags: &mut diags,
        };
        services.extend(resolve(&mut cx, name, draft));
    }
    let mut d = Diagnostics(diags);
    d.sort();
    if d.has_errors() {
        Err(d)
    } else {
        // BTreeMap iteration already yields services sorted by name.
        Ok((SpecSet { services }, d))
    }
}

/// A file's text checked and read into its raw shape, before anything is known of the
/// other files.
struct ParsedSource {
    /// The problems found so far, reported only when the file's place is valid.
    diags: Vec<Diagnostic>,
    /// The file's contents, when its text is acceptable and parsed.
    raw: Option<RawFile>,
    /// Where the file's keys were written (see [`crate::model::KeySpans`]).
    spans: crate::model::KeySpans,
}

/// The raw contents of a file, by its role.
enum RawFile {
    Service(Box<Checked<raw::service::ServiceFile>>),
    Endpoint(Box<Checked<raw::endpoint::EndpointFile>>),
}

fn parse_source(src: &SourceFile) -> ParsedSource {
    let (file, text) = (src.path.as_str(), src.text.as_str());
    let mut diags = Vec::new();
    // A file too large, or in no place a spec file goes, is refused before its text is
    // looked at.
    let role = file_role(file);
    if text.len() > MAX_SPEC_FILE_BYTES
        || matches!(role, FileRole::Misplaced)
        || !text::check_raw(file, text, &mut diags)
    {
        return ParsedSource {
            diags,
            raw: None,
            spans: Default::default(),
        };
    }
    let root = match yaml::parse(file, text) {
        Ok(root) => root,
        Err(d) => {
            diags.push(d);
            return ParsedSource {
                diags,
                raw: None,
                spans: Default::default(),
            };
        }
    };
    let cx = &mut Cx {
        file,
        diags: &mut diags,
    };
    text::check_values(cx, &root);
    // Service files are few and small: every key. Endpoint files, of which there may be
    // thousands, only their top-level keys; their fields and types have origins.
    let spans = match role {
        FileRole::Service { .. } => yaml::key_spans(cx, &root, yaml::MAX_NESTING, &["types"]),
        _ => yaml::key_spans(cx, &root, 1, &[]),
    };
    let raw = match role {
        FileRole::Service { .. } => RawFile::Service(Box::new(de::from_root(cx, &root, raw::noun))),
        _ => RawFile::Endpoint(Box::new(de::from_root(cx, &root, raw::noun))),
    };
    ParsedSource {
        diags,
        raw: Some(raw),
        spans,
    }
}

/// Reads one spec file into the draft of its service.
fn read_source<'s>(
    src: &'s SourceFile,
    parsed: ParsedSource,
    diags: &mut Vec<Diagnostic>,
    drafts: &mut BTreeMap<&'s str, ServiceDraft>,
) {
    let (file, text) = (src.path.as_str(), src.text.as_str());
    let cx = &mut Cx { file, diags };
    let Some((service, role)) = place_file(cx, file, text.len()) else {
        return;
    };
    let draft = drafts.entry(service).or_default();
    if let FileRole::Service { .. } = role {
        if !register_service_file(cx, service, draft) {
            return;
        }
    } else {
        draft.endpoint_files.push(file.to_string());
    }
    cx.diags.extend(parsed.diags);
    match parsed.raw {
        None => {}
        Some(RawFile::Service(raw)) => {
            draft.head = service_file::check_service(cx, *raw, &mut draft.types, &mut draft.refs)
                .map(|head| service_file::ServiceHead {
                    spans: parsed.spans,
                    ..head
                });
        }
        Some(RawFile::Endpoint(raw)) => {
            let endpoint = endpoint_file::check_endpoint(
                cx,
                *raw,
                &mut draft.types,
                &mut draft.refs,
                &mut draft.response_at,
            );
            draft
                .endpoints
                .extend(endpoint.map(|e| crate::model::Endpoint {
                    spans: parsed.spans,
                    ..e
                }));
        }
    }
}

/// The service a file belongs to and its role, unless the file is too large or in a
/// place (or with a name) the layout does not allow.
fn place_file<'s>(cx: &mut Cx<'_>, file: &'s str, len: usize) -> Option<(&'s str, FileRole<'s>)> {
    if len > MAX_SPEC_FILE_BYTES {
        cx.error_at(&whole_file(file), DiagnosticKind::Io, source::too_large());
        return None;
    }
    // The path is printed into generated code (as a comment and a string), so it must
    // have the documented shape before anything else is looked at.
    if let Some(problem) = check_file_name(file) {
        cx.error_at(&whole_file(file), DiagnosticKind::InvalidPath, problem);
        return None;
    }
    let role = file_role(file);
    match role {
        FileRole::Service { service } | FileRole::Endpoint { service } => Some((service, role)),
        FileRole::Misplaced => {
            cx.error_at(
                &whole_file(file),
                DiagnosticKind::InvalidPath,
                format!(
                    "`{file}` is not where spec files go: use `<service>/service.yaml` or \
                     `<service>/endpoints/<operation>.yaml`"
                ),
            );
            None
        }
    }
}

/// Records the service file of `service`; false when it has one already. The directory
/// name becomes a Rust module, so it is checked here.
fn register_service_file(cx: &mut Cx<'_>, service: &str, draft: &mut ServiceDraft) -> bool {
    let file = cx.file;
    if let Some(prev) = &draft.service_file {
        cx.error_at(
            &whole_file(file),
            DiagnosticKind::DuplicateName,
            format!("service `{service}` already has a service file `{prev}`"),
        );
        return false;
    }
    draft.service_file = Some(file.to_string());
    if !is_snake_case(service) {
        cx.error_at(
            &whole_file(file),
            DiagnosticKind::InvalidIdentifier,
            format!(
                "service directory `{service}` becomes a Rust module name and must be snake_case"
            ),
        );
    } else if crate::reserved::SERVICES.contains(&service) {
        cx.error_at(
            &whole_file(file),
            DiagnosticKind::InvalidIdentifier,
            format!(
                "service directory `{service}` is reserved: the generated crate already uses \
                 that name ({}); rename the directory",
                crate::reserved::SERVICES.join(", ")
            ),
        );
    }
    true
}

/// The value of an optional key, unless it is absent or had a problem.
fn value<T>(key: Opt<T>) -> Option<T> {
    key.and_then(|c| c.value)
}

/// The quirks under an optional key.
fn quirks(key: Opt<OneOrMany>) -> Vec<String> {
    value(key).map(|q| q.0).unwrap_or_default()
}

/// The JSON Schema of spec files, derived from the same structs the loader reads them
/// into (`spec/schema.json` is a copy, written by `retail-apis export schema`).
pub fn spec_schema() -> serde_json::Value {
    raw::schema()
}

/// [`spec_schema`] as pretty JSON with a final newline: the text of `spec/schema.json`.
pub fn spec_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&raw::schema()).unwrap_or_default();
    text.push('\n');
    text
}

fn whole_file(file: &str) -> crate::model::SourceRef {
    crate::model::SourceRef {
        file: file.to_string(),
        line: 1,
        column: 1,
    }
}
