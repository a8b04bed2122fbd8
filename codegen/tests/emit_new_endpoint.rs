//! Adding an endpoint is one YAML file: copy the real spec tree, add a JDY endpoint with a
//! nested type, an enum and a list, regenerate, and check the new method and types appear,
//! the other services are untouched, and the result compiles with `-D warnings` (and passes
//! clippy when it is installed), together with the golden fixture's expected output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use retail_apis_codegen::{generate, load, write_changed};

const NEW_ENDPOINT: &str = r#"
operation: member_query
summary: 会员查询
source_page: example.txt
method: POST
path: /jdy/v2/ls/member_query
idempotency_key: member_id
request:
  fields:
    member_id: {type: string, required: true, doc: 会员ID}
    levels: {type: list<MemberLevel>, doc: 等级过滤}
response:
  fields:
    member: {type: MemberInfo, doc: 会员}
    cards: {type: list<MemberCard>, doc: 会员卡}
types:
  MemberInfo:
    doc: 会员信息
    fields:
      name: {type: string, required: true, doc: 姓名}
      level: {type: MemberLevel, doc: 等级}
  MemberCard:
    doc: 会员卡
    fields:
      card_no: {type: string, required: true, doc: 卡号}
      balance: {type: string, doc: 余额}
  MemberLevel:
    doc: 会员等级
    enum:
      repr: string
      values:
        - {value: "1", name: Normal, doc: 普通}
        - {value: "2", name: Gold, doc: 金卡}
"#;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

#[test]
fn one_yaml_file_adds_a_typed_method() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let spec = tmp.path().join("spec");
    let out = tmp.path().join("generated");
    copy_tree(&workspace().join("spec"), &spec);
    let before = generate(&load(&spec).expect("copied spec loads")).expect("generates");
    write_changed(&out, &before).expect("write");

    fs::write(spec.join("jdy/endpoints/member_query.yaml"), NEW_ENDPOINT).expect("add endpoint");
    let after = generate(&load(&spec).expect("spec with new endpoint loads")).expect("generates");
    let report = write_changed(&out, &after).expect("write");

    // Only the JDY module and the index (which embeds the new spec file) change.
    assert_eq!(report.written, ["jdy.rs", "mod.rs"]);
    assert_eq!(report.unchanged, ["shoubei.rs"]);
    let jdy = fs::read_to_string(out.join("jdy.rs")).expect("read jdy.rs");
    for needle in [
        "pub async fn member_query(",
        "request: &MemberQueryRequest,",
        ") -> Result<MemberQueryResponse, rt::Error>",
        "pub const MEMBER_QUERY: rt::EndpointDescriptor",
        "path: \"/jdy/v2/ls/member_query\"",
        "pub struct MemberInfo {",
        "pub cards: Option<Vec<MemberCard>>,",
        "pub enum MemberLevel {",
        "spec/jdy/endpoints/member_query.yaml",
    ] {
        assert!(jdy.contains(needle), "jdy.rs lacks {needle}");
    }
    let index = fs::read_to_string(out.join("mod.rs")).expect("read mod.rs");
    assert!(index.contains("jdy/endpoints/member_query.yaml"));

    compiles_with_deny_warnings(tmp.path(), &out);
}

/// Builds the generated code in a throwaway crate that depends on the runtime, with every
/// warning an error, the way the root crate's CI build treats it. The golden fixture's
/// expected output is compiled alongside, since no other crate compiles it; its `mod.rs`
/// embeds `../spec/…`, which resolves to the fixture spec next to it.
fn compiles_with_deny_warnings(dir: &Path, generated: &Path) {
    let krate = dir.join("check-crate");
    fs::create_dir_all(krate.join("src")).expect("crate dir");
    let runtime = workspace().join("runtime");
    fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"generated-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nretail-apis-runtime = {{ path = {runtime:?} }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n\n\
             [workspace]\n"
        ),
    )
    .expect("manifest");
    fs::copy(workspace().join("Cargo.lock"), krate.join("Cargo.lock")).expect("lock file");
    fs::write(
        krate.join("src/lib.rs"),
        format!(
            "#![deny(warnings)]\n//! Compile check.\n#[path = {:?}]\npub mod generated;\n\
             #[path = {:?}]\npub mod golden;\n",
            generated.join("mod.rs"),
            workspace().join("codegen/tests/golden/expected/mod.rs"),
        ),
    )
    .expect("lib.rs");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // Clippy is a superset of `check`; it is optional in a toolchain, so fall back to check.
    let has_clippy = Command::new(&cargo)
        .args(["clippy", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    let args: &[&str] = if has_clippy {
        &["clippy", "--offline", "--quiet", "--", "-D", "warnings"]
    } else {
        &["check", "--offline", "--quiet"]
    };
    let output = Command::new(&cargo)
        .args(args)
        .current_dir(&krate)
        .env(
            "CARGO_TARGET_DIR",
            workspace().join("target/codegen-compile-test"),
        )
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo check");
    assert!(
        output.status.success(),
        "generated code does not compile cleanly:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
