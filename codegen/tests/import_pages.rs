//! The importer against the committed specs: each seed page imported in place of the
//! endpoint a person transcribed from it, and the two compared in the model. What differs
//! must be exactly the decisions listed here, each with the reason a person made it.
//!
//! Compared per endpoint: operation, method, path, summary, source page, idempotency and
//! `safe`; every field reachable from the request and the response (wire name, type,
//! required, nullable, computed, aliases, Rust name, description, example, whether it has
//! quirks); every named type reached (struct fields, enum repr, values and variant names,
//! whether it has quirks); whether the endpoint has quirks; the examples as parsed JSON.
//! Not compared: prose a person writes (the endpoint's description, named types' docs
//! and the wording of quirks), which the model keeps but no decision rests on.

mod common;

use std::collections::BTreeSet;

use common::{real_spec, with_file};
use retail_apis_codegen::import::import_page;
use retail_apis_codegen::model::{Endpoint, Field, Service, SpecSet, TypeExpr, TypeKind};
use retail_apis_codegen::{load_sources, load_sources_with_warnings, SourceFile};

/// The seed pages, copied into the repository (CI clones only the repository).
fn page(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pages")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The facts of one endpoint the comparison looks at, one line each.
fn facts(service: &Service, e: &Endpoint) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    out.insert(format!("operation {}", e.operation));
    out.insert(format!("method {:?}", e.method));
    out.insert(format!("path {}", e.path));
    out.insert(format!("summary {}", e.summary));
    out.insert(format!("source_page {:?}", e.source_page));
    out.insert(format!("idempotency_key {:?}", e.idempotency_key));
    out.insert(format!(
        "idempotency_evidence {}",
        e.idempotency_evidence.is_some()
    ));
    out.insert(format!("safe {}", e.safe));
    out.insert(format!("endpoint has quirks {}", !e.quirks.is_empty()));
    for (i, x) in e.examples.iter().enumerate() {
        let json = |t: &Option<String>| {
            t.as_deref().map(|t| {
                serde_json::from_str::<serde_json::Value>(t)
                    .expect("example JSON")
                    .to_string()
            })
        };
        out.insert(format!("example {i} request {:?}", json(&x.request)));
        out.insert(format!("example {i} response {:?}", json(&x.response)));
    }
    let mut seen = BTreeSet::new();
    struct_facts(service, "request", &e.request, &mut seen, &mut out);
    match &e.response {
        TypeExpr::Named(name) if is_struct(service, name) => {
            struct_facts(service, "response", name, &mut seen, &mut out)
        }
        other => {
            out.insert(format!("response type {}", ty(other)));
            type_facts(service, other, &mut seen, &mut out);
        }
    }
    out
}

fn is_struct(service: &Service, name: &str) -> bool {
    service
        .named_type(name)
        .is_some_and(|t| matches!(t.kind, TypeKind::Struct(_)))
}

/// The facts of a struct under `label` (`request`, `response` or its type name).
fn struct_facts(
    service: &Service,
    label: &str,
    name: &str,
    seen: &mut BTreeSet<String>,
    out: &mut BTreeSet<String>,
) {
    let t = service.named_type(name).expect("declared type");
    out.insert(format!("{label} has quirks {}", !t.quirks.is_empty()));
    let TypeKind::Struct(s) = &t.kind else {
        panic!("{name} is not a struct")
    };
    for f in &s.fields {
        field_facts(label, f, out);
        type_facts(service, &f.ty, seen, out);
    }
}

fn field_facts(label: &str, f: &Field, out: &mut BTreeSet<String>) {
    let at = format!("{label}.{}", f.wire_name);
    out.insert(format!("{at} type {}", ty(&f.ty)));
    out.insert(format!("{at} required {}", f.required));
    out.insert(format!("{at} nullable {}", f.nullable));
    out.insert(format!("{at} computed {}", f.computed));
    out.insert(format!("{at} aliases {:?}", f.aliases));
    out.insert(format!("{at} rust_name {}", f.name));
    out.insert(format!("{at} doc {:?}", f.description));
    out.insert(format!("{at} example {:?}", f.example));
    out.insert(format!("{at} has quirks {}", !f.quirks.is_empty()));
}

/// The facts of the named types a type expression reaches.
fn type_facts(
    service: &Service,
    t: &TypeExpr,
    seen: &mut BTreeSet<String>,
    out: &mut BTreeSet<String>,
) {
    match t {
        TypeExpr::List(inner) | TypeExpr::Map(inner) => type_facts(service, inner, seen, out),
        TypeExpr::Named(name) if seen.insert(name.clone()) => {
            let nt = service.named_type(name).expect("declared type");
            match &nt.kind {
                TypeKind::Struct(_) => struct_facts(service, name, name, seen, out),
                TypeKind::Enum(e) => {
                    out.insert(format!("enum {name} has quirks {}", !nt.quirks.is_empty()));
                    out.insert(format!("enum {name} repr {:?}", e.repr));
                    for v in &e.variants {
                        out.insert(format!("enum {name} value {:?}", v.value));
                        out.insert(format!("enum {name} value {:?} named {}", v.value, v.name));
                        out.insert(format!(
                            "enum {name} value {:?} doc {:?}",
                            v.value, v.description
                        ));
                    }
                }
            }
        }
        _ => {}
    }
}

fn ty(t: &TypeExpr) -> String {
    match t {
        TypeExpr::String { max_len: None } => "string".into(),
        TypeExpr::String { max_len: Some(n) } => format!("string({n})"),
        TypeExpr::Amount { max_len: None } => "amount".into(),
        TypeExpr::Amount { max_len: Some(n) } => format!("amount({n})"),
        TypeExpr::Integer => "integer".into(),
        TypeExpr::Number => "number".into(),
        TypeExpr::Boolean => "boolean".into(),
        TypeExpr::Json => "json".into(),
        TypeExpr::List(inner) => format!("list<{}>", ty(inner)),
        TypeExpr::Map(inner) => format!("map<string, {}>", ty(inner)),
        TypeExpr::Named(n) => n.clone(),
    }
}

/// Imports `page_name` in place of `committed_file`, and returns the facts only the
/// committed spec has (`-`) and only the import has (`+`).
fn differences(page_name: &str, service: &str, committed_file: &str) -> BTreeSet<String> {
    let all = real_spec();
    let committed = load_sources(&all).expect("committed spec loads");
    let without: Vec<SourceFile> = all
        .iter()
        .filter(|f| f.path != committed_file)
        .cloned()
        .collect();
    let context = load_sources(&without).expect("spec without the endpoint loads");
    let imported = import_page(page_name, &page(page_name), &context, service).expect("imports");
    let files = with_file(without, &imported.file, &imported.yaml);
    let (set, warnings) = load_sources_with_warnings(&files)
        .unwrap_or_else(|d| panic!("the draft must load:\n{d}\n{}", imported.yaml));
    assert!(
        !warnings.is_empty(),
        "a draft always leaves decisions to review"
    );
    let ours = endpoint_facts(&set, service, &imported.file);
    let theirs = endpoint_facts(&committed, service, committed_file);
    let mut out = BTreeSet::new();
    out.extend(theirs.difference(&ours).map(|f| format!("- {f}")));
    out.extend(ours.difference(&theirs).map(|f| format!("+ {f}")));
    out
}

fn endpoint_facts(set: &SpecSet, service: &str, file: &str) -> BTreeSet<String> {
    let service = set.service(service).expect("service");
    let endpoint = service
        .endpoints
        .iter()
        .find(|e| e.origin.file == file)
        .expect("endpoint of the file");
    facts(service, endpoint)
}

/// Human decisions: the facts they change (`-` committed, `+` imported) and why a
/// person, not the importer, makes them.
type Decisions<'a> = &'a [(&'a [&'a str], &'a str)];

/// Asserts that the differences are exactly the facts of `decisions`.
fn assert_only_decisions(page_name: &str, service: &str, file: &str, decisions: Decisions<'_>) {
    let actual = differences(page_name, service, file);
    let expected: BTreeSet<String> = decisions
        .iter()
        .flat_map(|(facts, _)| facts.iter().map(|f| f.to_string()))
        .collect();
    let unexpected: Vec<&String> = actual.difference(&expected).collect();
    let missing: Vec<&String> = expected.difference(&actual).collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "{page_name}: differences that are not listed decisions:\n{}\nlisted decisions that \
         no longer differ:\n{}",
        unexpected
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        missing
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    for (_, reason) in decisions {
        assert!(!reason.trim().is_empty());
    }
}

/// Facts every imported write differs in: the importer never claims idempotency.
const NO_KEY: &str = "+ idempotency_key None";

#[test]
fn mall_pre_write_off_cancel() {
    assert_only_decisions(
        "000_02ae261432214172.txt",
        "jdy",
        "jdy/endpoints/mall_pre_write_off_cancel.yaml",
        &[
            (
                &[
                    "- idempotency_key Some(\"src_bill_id\")",
                    NO_KEY,
                    "- idempotency_evidence true",
                    "+ idempotency_evidence false",
                ],
                "idempotency: a person judged that the src_bill_id row's sentence (否则会当成已经处理，\
                 直接返回) is the vendor's promise to ignore repeats; a wrong licence repeats money \
                 movements, so the importer never infers one",
            ),
            (
                &[
                    "+ MemberDeals.write_off_coupons has quirks true",
                    "- MemberDeals.write_off_coupons has quirks false",
                    "+ RechargeReturn.amt has quirks true",
                    "- RechargeReturn.amt has quirks false",
                ],
                "a copied description: the page cannot say which of two fields sharing one \
                 text is the copy; a person judged integral_now (points) and \
                 ConsumeReturn.return_amt (a goods return) to be, from what they hold, so the \
                 importer marks both sides for review",
            ),
            (
                &["- request.src_bill_id has quirks true", "+ request.src_bill_id has quirks false"],
                "reading meaning: the description of this cancel speaks of 每次预核销 (each \
                 pre-write-off), which only a reader of the sentence notices",
            ),
        ],
    );
}

#[test]
fn mall_recharge() {
    assert_only_decisions(
        "001_381c52f1f9cdd22d.txt",
        "jdy",
        "jdy/endpoints/mall_recharge.yaml",
        &[
            (
                &["- idempotency_key Some(\"src_bill_id\")", NO_KEY],
                "idempotency_key: choosing the field that identifies a recharge (the mall's \
                 bill id, 商城单据内码) is a judgement the page does not state",
            ),
            (
                &[
                    "- enum PayType value \"1\" named Wechat",
                    "+ enum PayType value \"1\" named V1",
                    "- enum PayType value \"2\" named Alipay",
                    "+ enum PayType value \"2\" named V2",
                    "- enum PayType value \"90\" named MemberCard",
                    "+ enum PayType value \"90\" named V90",
                ],
                "enum variant names: English names for 微信, 支付宝, 会员卡(储值) are a \
                 translation; the draft has placeholders and a review mark",
            ),
            (
                &[
                    "- request.source type RechargeSource",
                    "+ request.source type integer",
                    "- enum RechargeSource has quirks true",
                    "- enum RechargeSource repr Integer",
                    "- enum RechargeSource value \"9\"",
                    "- enum RechargeSource value \"9\" doc Some(\"ISV\")",
                    "- enum RechargeSource value \"9\" named Isv",
                ],
                "a one-value enum read from prose (来源 ISV都填写9, \"ISVs all fill in 9\"): \
                 no value list, so the importer keeps the page's integer",
            ),
            (
                &[
                    "- enum PayType has quirks true",
                    "+ enum PayType has quirks false",
                    "- request.bal_amount has quirks true",
                    "+ request.bal_amount has quirks false",
                    "- response.inner_no has quirks true",
                    "+ response.inner_no has quirks false",
                ],
                "notes on meaning, not contradictions the page's structure shows: the wire form \
                 of numeric-looking values, an amount written \"001\", an inner number whose \
                 example is a store type (普通门店)",
            ),
        ],
    );
}

#[test]
fn coupon_write_off() {
    let channel_names = [
        ("10001", "Dongfu"),
        ("10002", "Koubei"),
        ("10003", "Douyin"),
        ("10004", "Meituan"),
        ("10005", "SudaYouxuan"),
        ("10006", "XiongmaoYoufu"),
        ("10007", "PinnuoFuli"),
        ("10008", "ZhongpiaoYoupin"),
        ("10009", "Keban"),
        ("10013", "Huimatong"),
    ];
    let mut names: Vec<String> = Vec::new();
    for (value, name) in channel_names {
        names.push(format!("- enum ChannelType value \"{value}\" named {name}"));
        names.push(format!(
            "+ enum ChannelType value \"{value}\" named V{value}"
        ));
    }
    for (value, name) in [("0", "No"), ("1", "Yes")] {
        names.push(format!(
            "- enum ExcDiscountFlag value \"{value}\" named {name}"
        ));
        names.push(format!(
            "+ enum ExcDiscountFlag value \"{value}\" named V{value}"
        ));
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_only_decisions(
        "002_a53efbcfc7cd4844.txt",
        "shoubei",
        "shoubei/endpoints/coupon_write_off.yaml",
        &[
            (
                &names,
                "enum variant names: pinyin or English names for 东福, 口碑, 是, 否 … are a \
                 person's choice; the draft has placeholders and a review mark",
            ),
            (
                &["- operation coupon_write_off", "+ operation coupon_wf"],
                "the operation name: `wf` is the vendor's abbreviation of write-off (核销), \
                 which only a reader of the page can expand",
            ),
            (
                &[
                    "- request.writeOff_tyep rust_name write_off_type",
                    "+ request.writeOff_tyep rust_name write_off_tyep",
                ],
                "a chosen rust_name: a person read `tyep` as a typo of `type`; the importer \
                 keeps the wire spelling and marks the field for review",
            ),
            (
                &[
                    "- response.result_code required false",
                    "+ response.result_code required true",
                ],
                "required from prose: the table marks result_code 必含, but its description says \
                 it is only returned when return_code is SUCCESS; a person weighed the sentence \
                 over the flag",
            ),
            (
                &[
                    "- response.result_code has quirks true",
                    "+ response.result_code has quirks false",
                    "- request.inst_no has quirks true",
                    "+ request.inst_no has quirks false",
                    "- request.amount has quirks true",
                    "+ request.amount has quirks false",
                ],
                "quirks placed by judgement: the result_code decision above; a table example \
                 that differs from the request example (the importer keeps the table's and \
                 does not flag values that naturally vary, such as ts and sign); the example \
                 value borrowed for amount",
            ),
        ],
    );
}

#[test]
fn refund_save() {
    assert_only_decisions(
        "003_5bfa149578f5c20b.txt",
        "jdy",
        "jdy/endpoints/refund_save.yaml",
        &[
            (
                &["- idempotency_key Some(\"refund_no\")", NO_KEY],
                "idempotency_key: choosing the refund order number as the call's identity is a \
                 judgement the page does not state",
            ),
            (
                &[
                    "- request.cmd has quirks true",
                    "+ request.cmd has quirks false",
                    "- request.sign_msg has quirks true",
                    "+ request.sign_msg has quirks false",
                    "- response.err has quirks true",
                    "+ response.err has quirks false",
                    "- response.refund_no has quirks true",
                    "+ response.refund_no has quirks false",
                    "- response.refund_status has quirks true",
                    "+ response.refund_status has quirks false",
                ],
                "notes on meaning: a save whose example sends a query command, a signature \
                 field the page never explains, a code field whose example is a message, one \
                 name for two different numbers, a garbled status; none is visible in the \
                 page's structure",
            ),
        ],
    );
}
