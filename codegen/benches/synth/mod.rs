//! Synthetic spec sets for the codegen benchmark, made from the shapes of the seed endpoints.
//!
//! The sets are built from the seed spec only: the four endpoints transcribed from the vendor
//! pages and their two `service.yaml` files, named in [`SEED_FILES`]. Endpoint files added to
//! `spec/` later are left out, so benchmark figures stay comparable as the spec grows.
//!
//! Endpoint `i` is a copy of one of the four seed endpoint files (taken in turn: the three
//! JDY endpoints, then the Shoubei one) placed in the JDY service, with its operation, path
//! and type names suffixed by `i`. Every copy keeps the nested types, lists, enums, aliases,
//! `rust_name`s, `string(N)` lengths, nullable and computed fields, quirks and examples of its
//! original while no two names clash, so the load and emit work per endpoint is the same as
//! for the seed spec.
//!
//! The Shoubei endpoint refers to types declared in `shoubei/service.yaml` (`ReturnCode`,
//! `ResultCode`); its copies carry those declarations in their own `types:` block, because
//! types resolve only within one service.
//!
//! Shared by the benchmark, the `synth_specs` example and the `synth_specs` test through
//! `#[path]`.

use std::path::{Path, PathBuf};

use retail_apis_codegen::{load_sources, SourceFile};

mod words;

use words::replace_word;

/// The real spec tree of the workspace (`spec/`).
pub fn spec_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// The seed spec, relative to the spec root: the endpoints transcribed from the vendor pages
/// and their services' files, in path order (the order `read_sources` gives).
pub const SEED_FILES: [&str; 6] = [
    "jdy/endpoints/mall_pre_write_off_cancel.yaml",
    "jdy/endpoints/mall_recharge.yaml",
    "jdy/endpoints/refund_save.yaml",
    "jdy/service.yaml",
    "shoubei/endpoints/coupon_write_off.yaml",
    "shoubei/service.yaml",
];

/// The service the synthetic endpoints are added to.
const TARGET_SERVICE: &str = "jdy";

/// One seed endpoint file, ready to be copied into the target service.
struct Template {
    /// The endpoint file's text; for a foreign service's endpoint, with that service's named
    /// types added to its `types:` block.
    text: String,
    /// The seed `operation`.
    operation: String,
    /// The seed `path`.
    path: String,
    /// Named types declared in `text` (renamed per copy, whole words only).
    types: Vec<String>,
}

/// The seed spec ([`SEED_FILES`] of `spec/`) when `endpoints` is 4 (the seed spec has four
/// endpoints). Otherwise the seed `service.yaml` files and the seed Shoubei endpoint, plus
/// `endpoints` synthetic JDY endpoints in place of the three seed ones, so the set has
/// `endpoints + 1` endpoints.
///
/// Panics if the seed spec does not read or load: the benchmark is meaningless without it.
pub fn synth_sources(endpoints: usize) -> Vec<SourceFile> {
    synth_sources_in(&spec_root(), endpoints)
}

/// [`synth_sources`] with the seed files read from the spec tree at `root`; any other file
/// there is ignored.
pub fn synth_sources_in(root: &Path, endpoints: usize) -> Vec<SourceFile> {
    let seed: Vec<SourceFile> = SEED_FILES
        .iter()
        .map(|path| SourceFile {
            path: (*path).to_owned(),
            text: std::fs::read_to_string(root.join(path))
                .unwrap_or_else(|e| panic!("the seed file {path} reads: {e}")),
        })
        .collect();
    if endpoints == 4 {
        return seed;
    }
    let templates = templates(&seed);
    let target_endpoints = format!("{TARGET_SERVICE}/endpoints/");
    let mut out: Vec<SourceFile> = seed
        .iter()
        .filter(|s| !s.path.starts_with(&target_endpoints))
        .cloned()
        .collect();
    for i in 0..endpoints {
        let t = &templates[i % templates.len()];
        let mut text = t.text.clone();
        for ty in &t.types {
            text = replace_word(&text, ty, &format!("{ty}N{i}"));
        }
        let operation = format!("{}_{i}", t.operation);
        text = replace_line(&text, "operation: ", &t.operation, &operation);
        // `/jdy/v2/ls/mall_recharge` → `/jdy/v2/ls/n7/mall_recharge`: unique per copy, same
        // shape (and depth + 1) as the original.
        let (dir, last) = t.path.rsplit_once('/').expect("paths start with /");
        text = replace_line(&text, "path: ", &t.path, &format!("{dir}/n{i}/{last}"));
        out.push(SourceFile {
            path: format!("{target_endpoints}{operation}.yaml"),
            text,
        });
    }
    declare_foreign_pages(&seed, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Copies of another service's endpoints cite that service's pages, which quirks may cite
/// only where their service declares them: the target service's file declares them too.
fn declare_foreign_pages(seed: &[SourceFile], out: &mut [SourceFile]) {
    let set = load_sources(seed).unwrap_or_else(|d| panic!("the seed spec loads:\n{d}"));
    let mut entries = String::new();
    for service in set.services.iter().filter(|s| s.name != TARGET_SERVICE) {
        for (name, page) in &service.pages {
            // JSON strings are YAML double-quoted scalars.
            let quote = |text: &str| serde_json::to_string(text).expect("a string serialises");
            entries.push_str(&format!(
                "  {}:\n    title: {}\n",
                quote(name),
                quote(&page.title)
            ));
            if let Some(url) = &page.url {
                entries.push_str(&format!("    url: {}\n", quote(url)));
            }
        }
    }
    let file = format!("{TARGET_SERVICE}/service.yaml");
    let target = out
        .iter_mut()
        .find(|s| s.path == file)
        .unwrap_or_else(|| panic!("{file} is a seed file"));
    match target.text.find("\npages:\n") {
        Some(at) => target.text.insert_str(at + "\npages:\n".len(), &entries),
        None if !entries.is_empty() => target.text.push_str(&format!("\npages:\n{entries}")),
        None => {}
    }
}

/// The four seed endpoints, in service order (JDY first), as templates for the target
/// service. Uses the loaded model to learn which named types each file declares.
fn templates(seed: &[SourceFile]) -> Vec<Template> {
    let set = load_sources(seed).unwrap_or_else(|d| panic!("the seed spec loads:\n{d}"));
    let text_of = |file: &str| -> &str {
        &seed
            .iter()
            .find(|s| s.path == file)
            .unwrap_or_else(|| panic!("source {file}"))
            .text
    };
    let mut services: Vec<_> = set.services.iter().collect();
    services.sort_by_key(|s| s.name != TARGET_SERVICE);
    let mut templates = Vec::new();
    for service in services {
        let declared_in = |file: &str| -> Vec<String> {
            service
                .types
                .iter()
                .filter(|t| t.origin.file == file)
                .map(|t| t.name.clone())
                .collect()
        };
        for ep in &service.endpoints {
            let mut text = text_of(&ep.origin.file).to_owned();
            let mut types = declared_in(&ep.origin.file);
            if service.name != TARGET_SERVICE {
                let shared = declared_in(&service.origin.file);
                if !shared.is_empty() {
                    let block = types_block(text_of(&service.origin.file))
                        .expect("a service with types has a `types:` block");
                    text = add_types(&text, &block);
                    types.extend(shared);
                }
            }
            templates.push(Template {
                text,
                operation: ep.operation.clone(),
                path: ep.path.clone(),
                types,
            });
        }
    }
    assert_eq!(templates.len(), 4, "the seed spec has four endpoints");
    templates
}

/// The body of the top-level `types:` mapping of a YAML text: the indented lines after
/// `types:` up to the next top-level key, trailing blank lines dropped.
fn types_block(yaml: &str) -> Option<String> {
    let mut lines = yaml.lines().skip_while(|l| *l != "types:");
    lines.next()?;
    let mut body: Vec<&str> = lines
        .take_while(|l| l.is_empty() || l.starts_with(' ') || l.starts_with('#'))
        .collect();
    while body.last().is_some_and(|l| l.trim().is_empty()) {
        body.pop();
    }
    Some(body.iter().map(|l| format!("{l}\n")).collect())
}

/// `yaml` with `block` (indented mapping entries) added to its top-level `types:` mapping,
/// or appended as a new `types:` mapping when it has none.
fn add_types(yaml: &str, block: &str) -> String {
    match yaml.find("\ntypes:\n") {
        Some(at) => {
            let split = at + "\ntypes:\n".len();
            format!("{}{block}{}", &yaml[..split], &yaml[split..])
        }
        None => format!("{}\ntypes:\n{block}", yaml.trim_end()),
    }
}

/// Replaces the top-level line `{key}{old}` by `{key}{new}`; panics if it is missing, so a
/// change to the seed spec's layout fails loudly instead of producing duplicate names.
fn replace_line(yaml: &str, key: &str, old: &str, new: &str) -> String {
    let line = format!("\n{key}{old}\n");
    assert!(yaml.contains(&line), "no line `{key}{old}`");
    yaml.replacen(&line, &format!("\n{key}{new}\n"), 1)
}
