//! Adding an endpoint is one YAML file: copy the real spec tree, add a JDY endpoint with a
//! nested type, an enum and a list, regenerate, and check the new method and types appear,
//! the other services are untouched, and the result compiles with `-D warnings` (and passes
//! clippy when it is installed), together with the golden fixture's expected output.

mod common;

use std::fs;
use std::path::Path;

use common::{compiles_cleanly, workspace};
use retail_apis_codegen::{generate, load, write_changed};

/// The new endpoint; `{n}` makes its names ones the real spec does not use (see
/// [`fresh_names`]), so the test keeps passing whatever endpoints the spec gains, and
/// `{page}` is a page the service declares.
const NEW_ENDPOINT: &str = r#"
operation: member_query_probe{n}
summary: 会员查询
source_page: {page}
method: POST
path: /jdy/v2/ls/member_query_probe{n}
idempotency_key: member_id
request:
  fields:
    member_id: {type: string, required: true, doc: 会员ID}
    levels: {type: list<MemberLevelProbe{n}>, doc: 等级过滤}
response:
  fields:
    member: {type: MemberInfoProbe{n}, doc: 会员}
    cards: {type: list<MemberCardProbe{n}>, doc: 会员卡}
types:
  MemberInfoProbe{n}:
    doc: 会员信息
    fields:
      name: {type: string, required: true, doc: 姓名}
      level: {type: MemberLevelProbe{n}, doc: 等级}
  MemberCardProbe{n}:
    doc: 会员卡
    fields:
      card_no: {type: string, required: true, doc: 卡号}
      balance: {type: string, doc: 余额}
  MemberLevelProbe{n}:
    doc: 会员等级
    enum:
      repr: string
      values:
        - {value: "1", name: Normal, doc: 普通}
        - {value: "2", name: Gold, doc: 金卡}
"#;

/// A number `n` such that no spec file mentions `probe{n}` in any case: every name the new
/// endpoint declares (operation, path, types) carries it, so none clashes with the spec.
fn fresh_names(spec: &Path) -> String {
    let mut text = String::new();
    collect_text(spec, &mut text);
    let text = text.to_lowercase();
    (1u32..)
        .map(|n| n.to_string())
        .find(|n| !text.contains(&format!("probe{n}")))
        .expect("some number is unused")
}

fn collect_text(dir: &Path, text: &mut String) {
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            collect_text(&path, text);
        } else {
            text.push_str(&fs::read_to_string(&path).unwrap_or_default());
        }
    }
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
    let loaded = load(&spec).expect("copied spec loads");
    let before = generate(&loaded).expect("generates");
    let page = loaded
        .service("jdy")
        .and_then(|jdy| jdy.pages.keys().next())
        .expect("jdy declares a page")
        .clone();
    write_changed(&out, &before).expect("write");

    let n = fresh_names(&spec);
    let file = format!("member_query_probe{n}.yaml");
    fs::write(
        spec.join("jdy/endpoints").join(&file),
        NEW_ENDPOINT.replace("{n}", &n).replace("{page}", &page),
    )
    .expect("add endpoint");
    let after = generate(&load(&spec).expect("spec with new endpoint loads")).expect("generates");
    let report = write_changed(&out, &after).expect("write");

    // Only the JDY module and the index (which embeds the new spec file) change.
    assert_eq!(report.written, ["jdy.rs", "mod.rs"]);
    assert_eq!(report.unchanged, ["shoubei.rs"]);
    let jdy = fs::read_to_string(out.join("jdy.rs")).expect("read jdy.rs");
    for needle in [
        format!("pub async fn member_query_probe{n}("),
        format!("request: &MemberQueryProbe{n}Request,"),
        format!(") -> Result<MemberQueryProbe{n}Response, rt::Error>"),
        format!("pub const MEMBER_QUERY_PROBE{n}: rt::EndpointDescriptor"),
        format!("path: rt::Text::Borrowed(\"/jdy/v2/ls/member_query_probe{n}\")"),
        format!("pub struct MemberInfoProbe{n} {{"),
        format!("pub cards: Option<Vec<MemberCardProbe{n}>>,"),
        format!("pub enum MemberLevelProbe{n} {{"),
        format!("spec/jdy/endpoints/{file}"),
    ] {
        assert!(jdy.contains(&needle), "jdy.rs lacks {needle}");
    }
    let index = fs::read_to_string(out.join("mod.rs")).expect("read mod.rs");
    assert!(index.contains(&format!("jdy/endpoints/{file}")));

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
