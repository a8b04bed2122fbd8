//! The sandbox's modules depend on each other in one direction: a circle (config reading
//! state, state reading faults, faults reading the shared state) makes every one of them
//! impossible to change or test without the others. This reads `src/` as text and fails
//! when a module outside the one known circle (the scheme dispatch) imports itself
//! through others.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module of each source file (`jdy/token.rs` belongs to `jdy`); the crate root
/// re-exports everything, so it is left out.
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_owned())
}

/// Every top-level module named after `crate::` in `text`.
fn crate_paths(text: &str) -> BTreeSet<String> {
    text.match_indices("crate::")
        .map(|(at, prefix)| {
            text[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .collect()
}

fn source_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src/") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// module → the other top-level modules it names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src/");
        let Some(module) = module_of(relative) else {
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read source");
        let entry = graph.entry(module.clone()).or_default();
        entry.extend(crate_paths(&text).into_iter().filter(|m| *m != module));
    }
    // Names that are not modules (items of the crate root) are not edges.
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for deps in graph.values_mut() {
        deps.retain(|m| modules.contains(m));
    }
    graph
}

/// Whether `to` can be reached from `from` through one import or more.
fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut next: Vec<&str> = graph
        .get(from)
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    while let Some(module) = next.pop() {
        if module == to {
            return true;
        }
        if seen.insert(module) {
            next.extend(graph.get(module).into_iter().flatten().map(String::as_str));
        }
    }
    false
}

/// The modules that import themselves through others.
fn modules_in_circles(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<String> {
    graph
        .keys()
        .filter(|m| reaches(graph, m, m))
        .cloned()
        .collect()
}

#[test]
fn no_module_is_in_a_circle() {
    let graph = graph();
    assert!(graph.contains_key("config") && graph.contains_key("state"));
    let outside: Vec<String> = modules_in_circles(&graph).into_iter().collect();
    assert!(
        outside.is_empty(),
        "these modules import themselves through others: {outside:?} ({graph:?})"
    );
}

#[test]
fn the_plain_data_types_import_nothing_of_the_crate() {
    let graph = graph();
    for leaf in ["amount", "coupon_state", "error", "faults"] {
        assert_eq!(graph[leaf], BTreeSet::new(), "{leaf} imports crate modules");
    }
}

#[test]
fn the_configuration_knows_nothing_of_the_running_sandbox() {
    let graph = graph();
    let config = &graph["config"];
    for running in ["state", "shared", "faults", "control", "schemes", "server"] {
        assert!(
            !config.contains(running),
            "config imports {running}: {config:?}"
        );
    }
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", &["b"][..]),
        ("b", &["c"][..]),
        ("c", &["a"][..]),
        ("d", &["a"][..]),
    ]
    .into_iter()
    .map(|(m, deps)| (m.to_owned(), deps.iter().map(|d| (*d).to_owned()).collect()))
    .collect();
    let circled: Vec<String> = modules_in_circles(&graph).into_iter().collect();
    assert_eq!(circled, ["a", "b", "c"]);
}
