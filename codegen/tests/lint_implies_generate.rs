//! What `retail-apis lint` accepts, `generate` turns into code that compiles: a property
//! test over mutations of the real specs, and hostile but valid specs compiled with every
//! warning an error and their doctests run.

mod common;
#[path = "../benches/synth/words.rs"]
mod words;

use std::sync::LazyLock;

use common::{compiles_cleanly, doctests_pass, real_spec, write_sources, RESERVED_TYPE_NAMES};
use proptest::prelude::*;
use retail_apis_codegen::{generate, load_sources, write_changed, SourceFile};
use words::replace_word;

/// Replacements that stress the name rules: keywords, prelude and generated item names,
/// case variants, digits, numbers with leading zeros, and non-ASCII.
static TRICKY: LazyLock<Vec<&str>> = LazyLock::new(|| {
    let others = [
        "type",
        "Self",
        "self",
        "new",
        "from_env",
        "runtime",
        "client",
        "Unknown",
        "D",
        "rt",
        "serde",
        "std",
        "endpoints",
        "extra",
        "gen",
        "async",
        "r#type",
        "1",
        "01",
        "-0",
        "0",
        "9223372036854775808",
        "x1",
        "A",
        "Ab",
        "AB",
        "a_b",
        "a__b",
        "_a",
        "a_",
        "券码",
        "Ω",
        "list<Item>",
        "json",
        "string(0)",
        "Item",
        "generated",
        "with_new",
        "value",
        "as_str",
        "inner",
    ];
    RESERVED_TYPE_NAMES.iter().copied().chain(others).collect()
});

/// Byte ranges of the words of `text` that become names or values in the model: mapping
/// keys and the values of `operation`, `name`, `value`, `type`, `rust_name` and `repr`.
fn name_positions(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches([' ', '-']);
        let start = offset + (line.len() - body.len());
        let word_len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        if word_len > 0 && body[word_len..].starts_with(':') {
            out.push((start, start + word_len));
            let key = &body[..word_len];
            let rest = &body[word_len + 1..];
            let value = rest.trim_start_matches([' ', '"']);
            let value_start = start + word_len + 1 + (rest.len() - value.len());
            let value_len = value
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(value.len());
            let named = ["operation", "name", "value", "type", "rust_name", "repr"];
            if value_len > 0 && named.contains(&key) {
                out.push((value_start, value_start + value_len));
            }
        }
        offset += line.len();
    }
    out
}

/// Replaces the `nth` name position of `text` (see [`name_positions`]) with `with`.
fn replace_name(text: &str, nth: usize, with: &str) -> String {
    let positions = name_positions(text);
    if positions.is_empty() {
        return text.to_owned();
    }
    let (s, e) = positions[nth % positions.len()];
    format!("{}{with}{}", &text[..s], &text[e..])
}

/// Deletes or duplicates line `nth` of `text`.
fn edit_line(text: &str, nth: usize, duplicate: bool) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return text.to_owned();
    }
    let at = nth % lines.len();
    if duplicate {
        lines.insert(at, lines[at]);
    } else {
        lines.remove(at);
    }
    lines.join("\n") + "\n"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Lint clean ⇒ generate succeeds ⇒ every generated file parses as Rust.
    #[test]
    fn lint_clean_mutations_of_the_real_specs_generate(
        edits in proptest::collection::vec(
            (any::<usize>(), 0u8..5, any::<usize>(), 0usize..TRICKY.len()),
            1..4,
        ),
    ) {
        let mut files = real_spec();
        for (file, op, at, word) in &edits {
            let n = files.len();
            let with = TRICKY[*word];
            if *op <= 1 {
                // A rename across every file keeps references consistent, so the result
                // often still lints clean: the case that matters.
                let text = &files[file % n].text;
                // Type and variant names and the values that name things, not format keys.
                let positions: Vec<(usize, usize)> = name_positions(text)
                    .into_iter()
                    .filter(|&(s, e)| {
                        text[s..e].starts_with(|c: char| c.is_ascii_uppercase())
                            || !text[e..].starts_with(':')
                    })
                    .collect();
                if let Some(&(s, e)) = positions.get(*at % positions.len().max(1)) {
                    let from = text[s..e].to_owned();
                    for f in &mut files {
                        f.text = replace_word(&f.text, &from, with);
                    }
                }
                continue;
            }
            let target = &mut files[file % n];
            target.text = match op {
                2 => replace_name(&target.text, *at, with),
                3 => edit_line(&target.text, *at, false),
                _ => edit_line(&target.text, *at, true),
            };
        }
        if let Ok(set) = load_sources(&files) {
            let generated = generate(&set);
            prop_assert!(generated.is_ok(), "lint clean, generate failed: {:?}", generated.err());
            for file in generated.unwrap_or_default() {
                let parsed = syn::parse_file(&file.contents);
                prop_assert!(parsed.is_ok(), "{} does not parse: {:?}", file.path, parsed.err());
            }
        }
    }
}

/// Vendor text that would run as a doctest if any of it became a Rust code block.
const RUN_ME: &str = "compile_error!(\"vendor text ran as a doctest\");";

fn hostile_docs() -> String {
    [
        format!("```ignore-windows\n{RUN_ME}\n```"),
        format!("```edition2021\n{RUN_ME}\n```"),
        format!("```should_panic\n{RUN_ME}\n```"),
        format!("~~~\n{RUN_ME}\n~~~"),
        format!("```\n````rust\n{RUN_ME}\n```"),
        format!("1.     {RUN_ME}"),
        format!("-\t\t{RUN_ME}"),
        format!("- ```rust\n  {RUN_ME}\n  ```"),
        format!("text\n\n        {RUN_ME}"),
    ]
    .join("\n\n")
}

/// A YAML block scalar (`|`) holding `text`, its lines indented by `indent` spaces.
fn block(indent: usize, text: &str) -> String {
    let mut out = String::from("|\n");
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// A small service with [`hostile_docs`] in every kind of vendor text, and names right
/// next to the reserved ones.
fn hostile_but_valid() -> Vec<SourceFile> {
    let docs = hostile_docs();
    let d = |indent| block(indent, &docs);
    let service = format!(
        "title: Hostile\n\
         description: {top}\
         base_url: https://example.com\n\
         auth:\n  scheme: kingdee_gateway\n  auth_version: \"2.0\"\n  \
         sign_headers: X-Api-TimeStamp,X-Api-Nonce\n  timestamp_window_ms: 300000\n  \
         token:\n    method: GET\n    path: /auth/token\n    token_field: app-token\n    \
         ttl_secs: 86400\n  gateway_status: 519\n  gateway_code_field: errcode\n  \
         gateway_message_field: description\n  gateway_message_cn_field: descriptionCn\n\
         envelope:\n  code_field: code\n  success_code: 0\n  message_field: msg\n  data_field: data\n\
         errors:\n  - code: \"1\"\n    name: failed\n    description: {e}\
         quirks: {top}\
         types:\n  \
         Boxed:\n    doc: {t}    quirks:\n      - {q}    fields:\n      \
         new:\n        type: string\n        doc: {f}      \
         extra:\n        type: list<Boxed>\n      \
         a:\n        type: Unknown\n      b:\n        type: Value\n      c:\n        type: Map\n      \
         d:\n        type: Error\n      e:\n        type: Display\n      f:\n        type: Serializer\n      \
         g:\n        type: Tier\n      h:\n        type: Status\n      \
         client:\n        type: Level\n        quirks: {f}  \
         Level:\n    enum:\n      repr: integer\n      values:\n        \
         - value: \"007\"\n          name: Seven\n          doc: {v}        \
         - value: \"-0\"\n          name: Zero\n  \
         Unknown: {{fields: {{x: {{type: string}}}}}}\n  Value: {{fields: {{x: {{type: string}}}}}}\n  \
         Map: {{fields: {{x: {{type: string}}}}}}\n  Error: {{fields: {{x: {{type: string}}}}}}\n  \
         Display: {{fields: {{x: {{type: string}}}}}}\n  Serializer: {{fields: {{x: {{type: string}}}}}}\n  \
         Tier: {{enum: {{repr: string, values: [{{value: a, name: TierOne}}, {{value: b, name: TierTwo}}, {{value: c, name: TierThree}}]}}}}\n  \
         Status: {{enum: {{repr: string, values: [{{value: a, name: UnknownA}}, {{value: b, name: UnknownB}}, {{value: c, name: UnknownC}}]}}}}\n",
        top = d(2),
        e = d(6),
        t = d(6),
        q = d(8),
        f = d(10),
        v = d(12),
    );
    let endpoint = format!(
        "operation: client\nsummary: {top}description: {top}method: POST\npath: /client\n\
         request:\n  fields:\n    sign:\n      type: string\n    \
         boxed:\n      type: Boxed\n      doc: {f}\
         response:\n  doc: {r}  fields:\n    ok:\n      type: boolean\n\
         quirks:\n  - {q}",
        top = d(2),
        f = d(8),
        r = d(4),
        q = d(4),
    );
    let mut files = vec![
        SourceFile {
            path: "svc/endpoints/client.yaml".to_owned(),
            text: endpoint,
        },
        SourceFile {
            path: "svc/service.yaml".to_owned(),
            text: service,
        },
    ];
    // Operations named like trait methods clippy knows, next to the reserved ones.
    for op in TRAIT_LIKE_OPERATIONS {
        files.push(SourceFile {
            path: format!("svc/endpoints/{op}.yaml"),
            text: format!(
                "operation: {op}\nsummary: s\nmethod: POST\npath: /{op}\nresponse:\n  type: json\n"
            ),
        });
    }
    files
}

const TRAIT_LIKE_OPERATIONS: &[&str] = &[
    "eq",
    "cmp",
    "partial_cmp",
    "hash",
    "next",
    "clone",
    "fmt",
    "add",
    "index",
    "deref",
    "as_ref",
    "default",
    "from_str",
    "into_iter",
    "borrow",
    "drop",
    "hash_value",
    "value",
];

#[test]
fn hostile_but_valid_specs_compile_cleanly_and_run_no_vendor_doctest() {
    let sources = hostile_but_valid();
    let set = load_sources(&sources).unwrap_or_else(|d| panic!("{d}"));
    let files = generate(&set).expect("generates");
    // The hostile text is in the docs (so the doctest run below is not vacuous).
    let module = &files[0].contents;
    assert!(
        module.matches("vendor text ran as a doctest").count() >= 9 * 8,
        "{module}"
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("generated");
    write_changed(&out, &files).expect("write");
    write_sources(&tmp.path().join("spec"), &sources);
    compiles_cleanly(
        tmp.path(),
        "generated-hostile-check",
        &[("generated", out.join("mod.rs"))],
    );
    let report = doctests_pass(tmp.path());
    assert!(report.contains("running 0 tests"), "{report}");
}
