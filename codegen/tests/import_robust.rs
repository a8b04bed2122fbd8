//! The importer on pages it was not written for: arbitrary text, the seed pages mutated,
//! pages in no known format. It never panics, refuses what it cannot read with a reason,
//! and what it does import loads as a spec.

mod common;

use common::{real_spec, with_file};
use proptest::prelude::*;
use retail_apis_codegen::import::{detect_format, import_page, ImportError};
use retail_apis_codegen::load_sources;
use retail_apis_codegen::model::SpecSet;

const PAGES: [(&str, &str, &str); 4] = [
    (
        "000_02ae261432214172.txt",
        "jdy",
        "jdy/endpoints/mall_pre_write_off_cancel.yaml",
    ),
    (
        "001_381c52f1f9cdd22d.txt",
        "jdy",
        "jdy/endpoints/mall_recharge.yaml",
    ),
    (
        "002_a53efbcfc7cd4844.txt",
        "shoubei",
        "shoubei/endpoints/coupon_write_off.yaml",
    ),
    (
        "003_5bfa149578f5c20b.txt",
        "jdy",
        "jdy/endpoints/refund_save.yaml",
    ),
];

fn page(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/pages")
            .join(name),
    )
    .expect("seed page")
}

fn specs() -> SpecSet {
    load_sources(&real_spec()).expect("spec loads")
}

/// Text that page parsers treat specially.
const TRICKY: &[&str] = &[
    "|",
    "\\",
    "**",
    "```",
    "---\n",
    "<",
    ">",
    "</table>",
    "<td>",
    "&amp;",
    "&quot;",
    "'",
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "、",
    "List <",
    "string(",
    "\t",
    "\n",
    "\u{202e}",
    "\u{0}",
    "是",
    "null",
    "--data-row '",
    "1-",
    "é",
    "",
];

#[test]
fn a_page_in_no_known_format_is_refused_with_the_reason() {
    let set = specs();
    for text in [
        "",
        "just text",
        "---\ntitle: x\n---\nno tables here\n",
        "<p>no table</p>",
    ] {
        match import_page("notes.txt", text, &set, "jdy") {
            Err(ImportError::UnknownFormat { page, reason }) => {
                assert_eq!(page, "notes.txt");
                assert!(!reason.is_empty());
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
    let err = import_page("notes.txt", "just text", &set, "jdy").expect_err("refused");
    assert!(
        err.to_string()
            .starts_with("notes.txt: not a page the importer reads: it has neither"),
        "{err}"
    );
    assert_eq!(
        import_page("p.txt", &page(PAGES[0].0), &set, "nope").expect_err("no service"),
        ImportError::UnknownService("nope".into())
    );
    assert!(detect_format(&"x".repeat(2 * 1024 * 1024)).is_err());
}

#[test]
fn importing_is_deterministic() {
    let set = specs();
    for (name, service, _) in PAGES {
        let a = import_page(name, &page(name), &set, service).expect("imports");
        let b = import_page(name, &page(name), &set, service).expect("imports");
        assert_eq!(a.yaml, b.yaml);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>(), html in "[<>/a-z &;|*`\n-]{0,300}") {
        let set = specs();
        for t in [&text, &html, &format!("---\ntitle: x\n---\n{text}"), &format!("<table>{html}</table>")] {
            for service in ["jdy", "shoubei"] {
                let _ = import_page("p.txt", t, &set, service);
            }
        }
    }

    /// Mutated seed pages: nothing panics, and every draft the importer returns loads as a
    /// spec in place of the committed endpoint (at most with review warnings).
    #[test]
    fn mutated_pages_import_to_drafts_that_load(
        which in 0usize..PAGES.len(),
        edits in proptest::collection::vec((any::<usize>(), 0u8..3, any::<usize>(), 0usize..TRICKY.len()), 1..6),
    ) {
        let (name, service, committed) = PAGES[which];
        let mut text = page(name);
        for (at, op, len, word) in &edits {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) { at -= 1; }
            let mut end = (at + len % 40).min(text.len());
            while !text.is_char_boundary(end) { end -= 1; }
            match op {
                0 => text.insert_str(at, TRICKY[*word]),
                1 => text.replace_range(at..end, ""),
                _ => text.replace_range(at..end, TRICKY[*word]),
            }
        }
        let without: Vec<_> = real_spec().into_iter().filter(|f| f.path != committed).collect();
        let context = load_sources(&without).expect("spec without the endpoint loads");
        if let Ok(imported) = import_page(name, &text, &context, service) {
            let files = with_file(without, &imported.file, &imported.yaml);
            if let Err(d) = load_sources(&files) {
                panic!("the draft does not load:\n{d}\n---\n{}", imported.yaml);
            }
        }
    }
}

#[test]
fn differences_from_the_service_file_are_reported_not_written() {
    let set = specs();
    let name = "001_381c52f1f9cdd22d.txt";
    let text = page(name)
        .replace(
            "| Content-Type | application/json | true |",
            "| Content-Type | text/plain | true |",
        )
        .replace(
            "| X-GW-Router-Addr | https://tf.jdy.com | true | IDC域名，获取appKey返回消息体内的domain字段 |\n",
            "| X-Extra | 1 | false | 新头 |\n",
        )
        .replace(
            "https://api.kingdee.com/jdy/v2/ls/mall\\_recharge",
            "https://api.example.com/jdy/v2/ls/mall\\_recharge",
        );
    let imported = import_page(name, &text, &set, "jdy").expect("imports");
    let has = |needle: &str| imported.differences.iter().any(|d| d.contains(needle));
    assert!(
        has("header `Content-Type`: the page says `text/plain`"),
        "{:?}",
        imported.differences
    );
    assert!(has(
        "header `X-Extra` is on the page but not in service.yaml"
    ));
    assert!(has(
        "header `X-GW-Router-Addr` is in service.yaml but not on the page"
    ));
    assert!(has(
        "is not below the service's base_url https://api.kingdee.com"
    ));
    assert!(imported.yaml.contains("path: /jdy/v2/ls/mall_recharge\n"));
    assert!(imported
        .reviews
        .iter()
        .any(|r| r.contains("not below base_url")));
    assert!(!imported.yaml.contains("X-Extra"));
    assert_eq!(imported.page_declaration, None);
}

#[test]
fn a_required_cell_in_no_known_notation_is_marked_for_review() {
    let set = specs();
    let (name, service, _) = PAGES[1];
    let text = page(name);
    // The first required string parameter (the header table lists none), its required
    // cell in a notation no page uses.
    let row = text
        .lines()
        .find(|l| l.starts_with('|') && l.contains("| string | true |"))
        .expect("a required row");
    let field = row
        .trim_start_matches('|')
        .split('|')
        .next()
        .expect("a name cell")
        .trim()
        .replace("\\_", "_");
    let mutated = text.replacen(
        row,
        &row.replacen("| string | true |", "| string | 需要 |", 1),
        1,
    );
    let imported = import_page(name, &mutated, &set, service).expect("imports");
    assert!(
        imported
            .reviews
            .iter()
            .any(|r| r.contains(&field) && r.contains("`需要`") && r.contains("is a guess")),
        "{field}: {:?}",
        imported.reviews
    );
    let clean = import_page(name, &text, &set, service).expect("imports");
    assert!(clean.reviews.iter().all(|r| !r.contains("required column")));
    let files = with_file(real_spec(), &imported.file, &imported.yaml);
    load_sources(&files).unwrap_or_else(|d| panic!("{d}"));
}
