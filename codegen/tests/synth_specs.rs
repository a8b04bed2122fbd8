//! The synthetic spec sets measured by the codegen benchmark are valid, have the asked size,
//! keep the shapes of the seed endpoints and generate one client method per endpoint, and do
//! not change when endpoints are added to the spec.

mod common;
#[path = "../benches/synth/mod.rs"]
mod synth;

use common::write_sources;
use retail_apis_codegen::model::{SpecSet, TypeExpr, TypeKind};
use retail_apis_codegen::{generate, load, load_sources, read_sources};

fn load_synth(n: usize) -> SpecSet {
    load_sources(&synth::synth_sources(n)).unwrap_or_else(|d| panic!("synthetic spec {n}:\n{d}"))
}

/// The synthetic spec of `n` endpoints, written to a temporary directory as files.
fn written(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write_sources(dir.path(), &synth::synth_sources(n));
    dir
}

#[test]
fn four_endpoints_is_the_seed_spec() {
    // The seed files as the loader reads them from `spec/`, whatever else is there.
    let real = read_sources(&synth::spec_root()).expect("reads");
    let seed: Vec<_> = real
        .into_iter()
        .filter(|f| synth::SEED_FILES.contains(&f.path.as_str()))
        .collect();
    let synth = synth::synth_sources(4);
    let paths = |s: &[retail_apis_codegen::SourceFile]| -> Vec<(String, String)> {
        s.iter().map(|f| (f.path.clone(), f.text.clone())).collect()
    };
    assert_eq!(paths(&synth), paths(&seed));
    assert_eq!(synth.len(), synth::SEED_FILES.len());
    let set = load_synth(4);
    let operations: Vec<&str> = set
        .services
        .iter()
        .flat_map(|s| s.endpoints.iter().map(|e| e.operation.as_str()))
        .collect();
    assert_eq!(operations.len(), 4, "{operations:?}");
}

#[test]
fn endpoints_added_to_the_spec_are_left_out() {
    // A copy of the seed files plus a user's own endpoint in each service.
    let dir = written(4);
    let extra = "summary: s\nmethod: POST\nresponse: {type: json}\n";
    for (file, op) in [
        ("jdy/endpoints/member_query.yaml", "member_query"),
        ("shoubei/endpoints/coupon_query.yaml", "coupon_query"),
    ] {
        let text = format!("operation: {op}\npath: /{op}\n{extra}");
        std::fs::write(dir.path().join(file), text).expect("write");
    }
    load(dir.path()).unwrap_or_else(|d| panic!("the grown spec loads:\n{d}"));

    assert_eq!(
        synth::synth_sources_in(dir.path(), 4),
        synth::synth_sources(4)
    );
    assert_eq!(
        synth::synth_sources_in(dir.path(), 12),
        synth::synth_sources(12)
    );
}

#[test]
fn hundred_synthetic_endpoints_load_and_generate_a_method_each() {
    let set = load_synth(100);
    let jdy = set.service("jdy").expect("jdy");
    assert_eq!(jdy.endpoints.len(), 100);
    assert_eq!(set.service("shoubei").expect("shoubei").endpoints.len(), 1);

    // Every seed endpoint is copied 25 times.
    for original in [
        "mall_pre_write_off_cancel",
        "mall_recharge",
        "refund_save",
        "coupon_write_off",
    ] {
        let copies = jdy
            .endpoints
            .iter()
            .filter(|e| e.operation.rsplit_once('_').map(|(o, _)| o) == Some(original))
            .count();
        assert_eq!(copies, 25, "copies of {original}");
    }

    // The copies keep the seed shapes: aliases, rust_names, nullable and computed fields,
    // enums, lists, string lengths and examples.
    let fields: Vec<_> = jdy
        .types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Struct(s) => Some(&s.fields),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(fields.iter().filter(|f| !f.aliases.is_empty()).count(), 50);
    assert!(fields.iter().any(|f| f.name != f.wire_name));
    assert!(fields.iter().any(|f| f.nullable));
    assert!(fields.iter().any(|f| f.computed));
    assert!(fields.iter().any(|f| matches!(f.ty, TypeExpr::List(_))));
    assert!(fields
        .iter()
        .any(|f| matches!(f.ty, TypeExpr::String { max_len: Some(_) })));
    let enums = jdy
        .types
        .iter()
        .filter(|t| matches!(t.kind, TypeKind::Enum(_)))
        .count();
    // mall_recharge: PayType, RechargeSource; coupon_write_off: ChannelType,
    // ExcDiscountFlag, ReturnCode, ResultCode.
    assert_eq!(enums, 25 * 2 + 25 * 4);
    assert!(jdy.endpoints.iter().all(|e| !e.examples.is_empty()));

    let files = generate(&set).expect("generates");
    let jdy_rs = &files
        .iter()
        .find(|f| f.path == "jdy.rs")
        .expect("jdy.rs")
        .contents;
    assert_eq!(jdy_rs.matches("pub async fn ").count(), 100);
}

#[test]
fn written_tree_loads_from_disk() {
    let dir = written(12);
    let set = load(dir.path()).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(set.service("jdy").expect("jdy").endpoints.len(), 12);
}
