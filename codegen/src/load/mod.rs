//! Parsing, validation and resolution of YAML specs into the [`crate::model`].
//!
//! A spec root holds one directory per service: `<service>/service.yaml` and one
//! `<service>/endpoints/<operation>.yaml` per operation (the format is documented in
//! `spec/README.md`). Loading reports every problem it finds, each with file, line and
//! column, and never panics on malformed input.

mod de;
mod diagnostic;
mod endpoint_file;
mod ident;
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

use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroUsize;
use std::path::Path;

pub use diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
pub use source::{read_sources, SourceFile, MAX_SPEC_FILE_BYTES};

use crate::model::{Endpoint, NamedType, SourceRef, SpecSet};
use ident::is_snake_case;
use named_types::TypeRef;
use paths::{check_file_name, file_role, FileRole};
use raw::{OneOrMany, Opt};
use resolve::{resolve, ServiceDraft};
use service_file::ServiceHead;
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
    load_sources_on(sources, crate::parallel::default_workers(), FILES_PER_BATCH)
}

/// [`load_sources`] with the files read in batches of `files_per_batch` on up to `workers`
/// threads. Each file is read on its own and the results are combined in path order, so
/// the model and the diagnostics depend neither on the number of workers nor on the
/// batch size.
pub(crate) fn load_sources_on(
    sources: &[SourceFile],
    workers: NonZeroUsize,
    files_per_batch: usize,
) -> Result<SpecSet, Diagnostics> {
    let batches: Vec<&[SourceFile]> = sources.chunks(files_per_batch.max(1)).collect();
    let read = crate::parallel::map_ordered(&batches, workers, |batch| read_batch(batch));
    let mut diags = Vec::new();
    let mut drafts: BTreeMap<&str, ServiceDraft> = BTreeMap::new();
    for (batch, reading) in batches.iter().zip(read) {
        add_batch(batch, reading, &mut diags, &mut drafts);
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
    if diags.is_empty() {
        // BTreeMap iteration already yields services sorted by name.
        Ok(SpecSet { services })
    } else {
        let mut d = Diagnostics(diags);
        d.sort();
        Err(d)
    }
}

/// Spec files read together by one worker. Each batch collects the types and references
/// of its files in one vector, rather than one small vector per file: thousands of
/// per-file vectors freed after the merge leave the heap so fragmented that the emitter
/// afterwards runs markedly slower.
const FILES_PER_BATCH: usize = 32;

/// What a run of consecutive spec files contributes to their services, each file worked
/// out without looking at any other (so batches can be read in parallel).
struct BatchReading<'s> {
    files: Vec<FileReading<'s>>,
    /// Types the files declare and type references they make, in file order; each file
    /// says how many are its own.
    types: Vec<NamedType>,
    refs: Vec<TypeRef>,
    /// Where each endpoint file's `response` key was written, keyed by file.
    response_at: HashMap<String, SourceRef>,
}

/// What one spec file contributes to its service.
struct FileReading<'s> {
    /// Problems found in the file, in the order they were found.
    diags: Vec<Diagnostic>,
    /// The file's service and role; `None` when it is too large, badly named or misplaced,
    /// and only its problems count.
    place: Option<(&'s str, FileRole<'s>)>,
    /// The parsed service head (service file) or endpoint (endpoint file).
    head: Option<ServiceHead>,
    endpoint: Option<Endpoint>,
    /// How many of the batch's types and references come from this file.
    types: usize,
    refs: usize,
}

fn read_batch(batch: &[SourceFile]) -> BatchReading<'_> {
    let mut reading = BatchReading {
        files: Vec::with_capacity(batch.len()),
        types: Vec::new(),
        refs: Vec::new(),
        response_at: HashMap::new(),
    };
    for src in batch {
        let (types, refs) = (reading.types.len(), reading.refs.len());
        let mut file = read_source(src, &mut reading);
        file.types = reading.types.len() - types;
        file.refs = reading.refs.len() - refs;
        reading.files.push(file);
    }
    reading
}

/// Reads one spec file: its place in the layout, its text, YAML and contents.
fn read_source<'s>(src: &'s SourceFile, batch: &mut BatchReading<'_>) -> FileReading<'s> {
    let (file, text) = (src.path.as_str(), src.text.as_str());
    let mut reading = FileReading {
        diags: Vec::new(),
        place: None,
        head: None,
        endpoint: None,
        types: 0,
        refs: 0,
    };
    let cx = &mut Cx {
        file,
        diags: &mut reading.diags,
    };
    reading.place = place_file(cx, file, text.len());
    let Some((_, role)) = &reading.place else {
        return reading;
    };
    if !text::check_raw(file, text, cx.diags) {
        return reading;
    }
    let root = match yaml::parse(file, text) {
        Ok(root) => root,
        Err(d) => {
            cx.diags.push(d);
            return reading;
        }
    };
    text::check_values(cx, &root);
    if let FileRole::Service { .. } = role {
        let parsed = de::from_root(cx, &root, raw::noun);
        reading.head = service_file::check_service(cx, parsed, &mut batch.types, &mut batch.refs);
    } else {
        let parsed = de::from_root(cx, &root, raw::noun);
        reading.endpoint = endpoint_file::check_endpoint(
            cx,
            parsed,
            &mut batch.types,
            &mut batch.refs,
            &mut batch.response_at,
        );
    }
    reading
}

/// Adds what was read from a batch of files to the drafts of their services. Files are
/// added in path order, which is the order a one-file-at-a-time reading would have found
/// everything in.
fn add_batch<'s>(
    batch: &'s [SourceFile],
    reading: BatchReading<'s>,
    diags: &mut Vec<Diagnostic>,
    drafts: &mut BTreeMap<&'s str, ServiceDraft>,
) {
    let BatchReading {
        files,
        types,
        refs,
        mut response_at,
    } = reading;
    let (mut types, mut refs) = (types.into_iter(), refs.into_iter());
    for (src, file) in batch.iter().zip(files) {
        let file_types = types.by_ref().take(file.types);
        let file_refs = refs.by_ref().take(file.refs);
        let Some((service, role)) = file.place else {
            diags.extend(file.diags);
            continue;
        };
        let draft = drafts.entry(service).or_default();
        if let FileRole::Service { .. } = role {
            let cx = &mut Cx {
                file: src.path.as_str(),
                diags,
            };
            // A second service file is refused before anything in it is looked at.
            if !register_service_file(cx, service, draft) {
                file_types.for_each(drop);
                file_refs.for_each(drop);
                continue;
            }
            draft.head = file.head;
        } else {
            draft.endpoint_files.push(src.path.clone());
            draft.endpoints.extend(file.endpoint);
            if let Some(at) = response_at.remove(src.path.as_str()) {
                draft.response_at.insert(src.path.clone(), at);
            }
        }
        diags.extend(file.diags);
        draft.types.extend(file_types);
        draft.refs.extend(file_refs);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The real spec, every error fixture, and all of them in one tree with a second
    /// service file, a misplaced file and a file too large to read: reading the files in
    /// batches on several threads gives the model, or the diagnostics in their order, of
    /// reading them one by one on one thread.
    #[test]
    fn files_read_on_threads_load_as_on_one_thread() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let real = read_sources(&manifest.join("../spec")).expect("the spec reads");
        let minimal_service =
            std::fs::read_to_string(manifest.join("tests/fixtures/minimal/svc/service.yaml"))
                .expect("minimal service file");
        let mut fixtures: Vec<_> = std::fs::read_dir(manifest.join("tests/fixtures"))
            .expect("fixtures")
            .map(|e| e.expect("fixture entry").path())
            .collect();
        fixtures.sort();

        let mut cases = vec![real.clone()];
        let mut combined = real;
        for dir in &fixtures {
            let name = dir
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let sources = source::read_readable(dir).0;
            for src in &sources {
                let path = src.path.replacen("svc/", &format!("{name}/"), 1);
                combined.push(SourceFile {
                    path,
                    ..src.clone()
                });
            }
            combined.push(SourceFile {
                path: format!("{name}/service.yml"),
                text: minimal_service.clone(),
            });
            cases.push(sources);
        }
        combined.push(SourceFile {
            path: "stray.yaml".to_owned(),
            text: "title: stray\n".to_owned(),
        });
        combined.push(SourceFile {
            path: "jdy/endpoints/huge.yaml".to_owned(),
            text: " ".repeat(MAX_SPEC_FILE_BYTES + 1),
        });
        combined.sort_by(|a, b| a.path.cmp(&b.path));
        cases.push(combined);

        for sources in &cases {
            // One file at a time, on one thread: the order everything is found in.
            let one = load_sources_on(sources, NonZeroUsize::MIN, 1);
            for workers in [1, 2, 3, 8] {
                let workers = NonZeroUsize::new(workers).expect("non-zero");
                for batch in [1, 3, FILES_PER_BATCH] {
                    assert_eq!(load_sources_on(sources, workers, batch), one);
                }
            }
        }
        let combined = load_sources_on(cases.last().expect("combined"), NonZeroUsize::MIN, 1);
        let problems = combined.expect_err("the combined tree has problems").0;
        assert!(problems.len() > 20, "{} problems", problems.len());
    }
}
