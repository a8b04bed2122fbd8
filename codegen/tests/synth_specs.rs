//! The synthetic spec sets used by the codegen benchmark are valid and scale as asked.

#[path = "../benches/synth/mod.rs"]
mod synth;

use std::path::PathBuf;

use retail_apis_codegen::{generate, load_sources};

#[test]
fn hundred_synthetic_endpoints_load_and_generate_a_method_each() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let sources = synth::synth_sources(&root, 100);
    let set = load_sources(&sources).unwrap_or_else(|d| panic!("synthetic spec:\n{d}"));
    let jdy = set.service("jdy").expect("jdy");
    assert_eq!(jdy.endpoints.len(), 100);
    let files = generate(&set).expect("generates");
    let jdy_rs = &files
        .iter()
        .find(|f| f.path == "jdy.rs")
        .expect("jdy.rs")
        .contents;
    assert_eq!(jdy_rs.matches("pub async fn ").count(), 100);
}
