//! Adding an endpoint is one YAML file: copy the real spec tree, add a JDY endpoint with a
//! nested type, an enum and a list, regenerate, and check the new method and types appear,
//! the other services are untouched, and the result compiles with `-D warnings` (and passes
//! clippy when it is installed), together with the golden fixture's expected output.

mod common;

use std::fs;
use std::path::Path;

use common::{compiles_cleanly, workspace};
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

    // The golden fixture's expected output is compiled alongside, since no other crate
    // compiles it; its `mod.rs` embeds `../spec/…`, the fixture spec next to it.
    compiles_cleanly(
        tmp.path(),
        "generated-check",
        &[
            ("generated", out.join("mod.rs")),
            (
                "golden",
                workspace().join("codegen/tests/golden/expected/mod.rs"),
            ),
        ],
    );
}
