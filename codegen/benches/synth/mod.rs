//! Synthetic spec sets for codegen benchmarks, made from the shapes of the real endpoints.
//!
//! Endpoint `i` is a copy of one of the real JDY endpoint files (taken in turn) with its
//! operation, path and endpoint-level type names suffixed by `i`, so every copy keeps the
//! nested types, lists, enums, aliases, nullable fields and examples of its original while
//! no two names clash.

use std::path::Path;

use retail_apis_codegen::{load_sources, read_sources, SourceFile};

/// The real spec (`spec/` of the workspace) when `endpoints` is 4, otherwise the real
/// service files plus `endpoints` synthetic JDY endpoints (the Shoubei service keeps its
/// one real endpoint, so the total is `endpoints + 1`).
pub fn synth_sources(spec_root: &Path, endpoints: usize) -> Vec<SourceFile> {
    let real = read_sources(spec_root).expect("the real spec reads");
    if endpoints == 4 {
        return real;
    }
    let set = load_sources(&real).expect("the real spec loads");
    let jdy = set.service("jdy").expect("a jdy service");
    let templates: Vec<(&SourceFile, Vec<String>, String)> = jdy
        .endpoints
        .iter()
        .map(|ep| {
            let source = real
                .iter()
                .find(|s| s.path == ep.origin.file)
                .expect("endpoint source");
            let types = jdy
                .types
                .iter()
                .filter(|t| t.origin.file == ep.origin.file)
                .map(|t| t.name.clone())
                .collect();
            (source, types, ep.operation.clone())
        })
        .collect();

    let mut out: Vec<SourceFile> = real
        .iter()
        .filter(|s| !s.path.starts_with("jdy/endpoints/"))
        .cloned()
        .collect();
    for i in 0..endpoints {
        let (source, types, operation) = &templates[i % templates.len()];
        let mut text = source.text.clone();
        for ty in types {
            text = replace_word(&text, ty, &format!("{ty}N{i}"));
        }
        let new_op = format!("{operation}_{i}");
        text = text.replace(
            &format!("operation: {operation}"),
            &format!("operation: {new_op}"),
        );
        text = text.replace("path: /jdy/v2/ls/", &format!("path: /jdy/v2/ls/n{i}/"));
        out.push(SourceFile {
            path: format!("jdy/endpoints/{new_op}.yaml"),
            text,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Replaces whole-word occurrences of `word` (identifier characters on neither side).
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(word) {
        let before = rest[..pos].chars().next_back();
        let after = rest[pos + word.len()..].chars().next();
        out.push_str(&rest[..pos]);
        if before.is_some_and(is_ident) || after.is_some_and(is_ident) {
            out.push_str(word);
        } else {
            out.push_str(with);
        }
        rest = &rest[pos + word.len()..];
    }
    out.push_str(rest);
    out
}
