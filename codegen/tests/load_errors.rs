//! Broken specs are rejected with every problem located precisely.

mod common;

use common::{file_mut, find, fixtures, minimal, real_spec, with_file};
use proptest::prelude::*;
use retail_apis_codegen::{
    load, load_sources, read_sources, Diagnostic, DiagnosticKind, Diagnostics, SourceFile,
};

/// The `minimal` spec with the files of fixture `name` added or replacing its own.
fn sources_with(name: &str) -> Vec<SourceFile> {
    read_sources(&fixtures().join(name))
        .expect("fixture readable")
        .iter()
        .fold(minimal(), |files, f| with_file(files, &f.path, &f.text))
}

fn errors_of(name: &str) -> Diagnostics {
    match load_sources(&sources_with(name)) {
        Ok(_) => panic!("fixture {name} loaded without errors"),
        Err(d) => d,
    }
}

/// The one diagnostic fixture `name` gives, which must be of `kind` at `line`, `column` of
/// the ping endpoint.
#[track_caller]
fn only_error(name: &str, kind: DiagnosticKind, line: usize, column: usize) -> Diagnostic {
    let d = errors_of(name);
    assert_eq!(d.len(), 1, "{d}");
    find(&d, kind, PING, line, column).clone()
}

const PING: &str = "svc/endpoints/ping.yaml";

#[test]
fn minimal_fixture_is_valid() {
    let set = load(&fixtures().join("minimal")).unwrap_or_else(|d| panic!("{d}"));
    let svc = set.service("svc").unwrap();
    assert_eq!(svc.endpoints.len(), 1);
    // The MD5 scheme's field is filled in by the runtime.
    let req = svc.named_type("PingRequest").unwrap();
    let retail_apis_codegen::model::TypeKind::Struct(s) = &req.kind else {
        panic!()
    };
    assert!(
        s.fields
            .iter()
            .find(|f| f.wire_name == "sign")
            .unwrap()
            .computed
    );
    assert!(
        !s.fields
            .iter()
            .find(|f| f.wire_name == "id")
            .unwrap()
            .computed
    );
    assert!(svc.named_type("Item").unwrap().in_response);
}

#[test]
fn io() {
    let d = read_sources(&fixtures().join("io")).unwrap_err();
    let e = find(&d, DiagnosticKind::Io, "svc/endpoints/not_utf8.yaml", 1, 1);
    assert!(e.message.contains("UTF-8"), "{}", e.message);
    let missing = read_sources(&fixtures().join("does_not_exist")).unwrap_err();
    assert_eq!(missing.0[0].kind, DiagnosticKind::Io);
}

#[test]
fn syntax() {
    only_error("syntax", DiagnosticKind::Syntax, 8, 9);
}

#[test]
fn unknown_key() {
    let e = only_error("unknown_key", DiagnosticKind::UnknownKey, 7, 32);
    assert!(e.message.contains("`requird`") && e.message.contains("did you mean `required`?"));
    assert_eq!(
        e.to_string(),
        "svc/endpoints/ping.yaml:7:32: error[unknown-key]: unknown key `requird` in field \
         `bal_amount` (did you mean `required`? expected one of: type, required, nullable, \
         computed, rust_name, aliases, doc, example, quirks, review)"
    );
}

#[test]
fn missing_key() {
    let e = only_error("missing_key", DiagnosticKind::MissingKey, 1, 1);
    assert!(e.message.contains("`path`"), "{}", e.message);
}

#[test]
fn wrong_shape() {
    only_error("wrong_shape", DiagnosticKind::WrongShape, 7, 5);
}

#[test]
fn invalid_value() {
    let e = only_error("invalid_value", DiagnosticKind::InvalidValue, 8, 13);
    assert!(e.message.contains("string(abc)"), "{}", e.message);
}

#[test]
fn undefined_type() {
    let e = only_error("undefined_type", DiagnosticKind::UndefinedType, 7, 19);
    assert!(e.message.contains("did you mean `Item`?"), "{}", e.message);
}

#[test]
fn duplicate_name() {
    let d = errors_of("duplicate_name");
    // Same operation (and a second `PingRequest`/`PingResponse` would also clash, since
    // both names derive from the operation).
    find(
        &d,
        DiagnosticKind::DuplicateName,
        "svc/endpoints/ping_again.yaml",
        2,
        1,
    );
    assert!(
        d.iter()
            .any(|x| x.message.contains("operation `ping` is already defined")),
        "{d}"
    );
    assert!(
        d.iter().all(|x| x.kind == DiagnosticKind::DuplicateName),
        "{d}"
    );
}

#[test]
fn duplicate_yaml_key() {
    let mut files = sources_with("minimal");
    files.push(SourceFile {
        path: "svc/endpoints/dup.yaml".into(),
        text: "operation: dup\nsummary: x\nmethod: GET\npath: /dup\nresponse: {type: json}\nmethod: POST\n".into(),
    });
    let d = load_sources(&files).unwrap_err();
    find(
        &d,
        DiagnosticKind::DuplicateName,
        "svc/endpoints/dup.yaml",
        6,
        1,
    );
}

#[test]
fn same_rust_name_from_two_wire_names() {
    let mut files = sources_with("minimal");
    files.push(SourceFile {
        path: "svc/endpoints/dup.yaml".into(),
        text: "operation: dup\nsummary: x\nmethod: GET\npath: /dup\nresponse:\n  fields:\n    a_b: {type: string}\n    aB: {type: string, rust_name: a_b}\n".into(),
    });
    let d = load_sources(&files).unwrap_err();
    assert_eq!(d.len(), 1, "{d}");
    find(
        &d,
        DiagnosticKind::DuplicateName,
        "svc/endpoints/dup.yaml",
        8,
        5,
    );
}

#[test]
fn invalid_identifier() {
    let e = only_error(
        "invalid_identifier",
        DiagnosticKind::InvalidIdentifier,
        8,
        5,
    );
    assert!(
        e.message.contains("rust_name: write_off_tyep"),
        "{}",
        e.message
    );
}

#[test]
fn invalid_path() {
    only_error("invalid_path", DiagnosticKind::InvalidPath, 4, 7);
}

#[test]
fn endpoint_of_unknown_service() {
    let d = errors_of("unknown_service");
    assert_eq!(d.len(), 1, "{d}");
    let e = find(
        &d,
        DiagnosticKind::InvalidPath,
        "other/endpoints/orphan.yaml",
        1,
        1,
    );
    assert!(e.message.contains("other/service.yaml"), "{}", e.message);
}

#[test]
fn misplaced_file() {
    let mut files = sources_with("minimal");
    files.push(SourceFile {
        path: "svc/extra.yaml".into(),
        text: "{}".into(),
    });
    let d = load_sources(&files).unwrap_err();
    find(&d, DiagnosticKind::InvalidPath, "svc/extra.yaml", 1, 1);
}

#[test]
fn every_problem_is_reported() {
    let d = errors_of("many");
    let want = [
        (DiagnosticKind::InvalidIdentifier, 1, 12), // operation `Ping`
        (DiagnosticKind::InvalidValue, 3, 9),       // method PUT
        (DiagnosticKind::InvalidPath, 4, 7),        // `..` segment
        (DiagnosticKind::InvalidValue, 5, 18),      // idempotency_key not a field
        (DiagnosticKind::InvalidValue, 8, 16),      // type `strin`
        (DiagnosticKind::UndefinedType, 9, 19),     // list<Missing>
        (DiagnosticKind::UnknownKey, 10, 24),       // requird
        (DiagnosticKind::WrongShape, 13, 35),       // required: maybe
        (DiagnosticKind::InvalidValue, 20, 19),     // `two` is not an integer
        (DiagnosticKind::DuplicateName, 21, 30),    // variant One twice
        (DiagnosticKind::InvalidValue, 23, 14),     // invalid example JSON
    ];
    for (kind, line, column) in want {
        find(&d, kind, PING, line, column);
    }
    assert_eq!(d.len(), want.len(), "{d}");
    // Sorted by position, one line per problem.
    let text = d.to_string();
    assert_eq!(text.lines().count(), want.len());
    assert!(text
        .lines()
        .all(|l| l.starts_with("svc/endpoints/ping.yaml:")));
}

#[test]
fn with_root_prefixes_files() {
    let d = errors_of("invalid_path").with_root(std::path::Path::new("spec"));
    assert!(d
        .to_string()
        .starts_with("spec/svc/endpoints/ping.yaml:4:7: error[invalid-path]: "));
}

#[test]
fn thousand_endpoints_load() {
    let mut files = sources_with("minimal");
    for i in 0..1000 {
        files.push(SourceFile {
            path: format!("svc/endpoints/op_{i:04}.yaml"),
            text: format!(
                "operation: op_{i:04}\nsummary: op {i}\nmethod: POST\npath: /op/{i}\n\
                 idempotency_key: id\nrequest:\n  fields:\n    id: {{type: string, required: true}}\n    \
                 kind: {{type: Kind{i}}}\nresponse:\n  fields:\n    \
                 ok: {{type: boolean}}\n    item: {{type: Item}}\ntypes:\n  Kind{i}:\n    enum: {{repr: integer, values: \
                 [{{value: \"1\", name: One}}]}}\n"
            ),
        });
    }
    let start = std::time::Instant::now();
    let set = load_sources(&files).unwrap_or_else(|d| panic!("{d}"));
    let svc = set.service("svc").unwrap();
    assert_eq!(svc.endpoints.len(), 1001);
    assert_eq!(svc.types.len(), 1 + 3 * 1000 + 2);
    // Generous bound: quadratic behaviour would take far longer even in debug builds.
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

/// Applies one edit to a text: delete a range, insert text, or duplicate a line.
fn mutate(text: &str, op: u8, at: usize, len: usize, insert: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = if chars.is_empty() {
        0
    } else {
        at % (chars.len() + 1)
    };
    let end = (at + len).min(chars.len());
    let (head, tail): (String, String) =
        (chars[..at].iter().collect(), chars[at..].iter().collect());
    match op % 4 {
        0 => head + &chars[end..].iter().collect::<String>(),
        1 => head + insert + &tail,
        2 => {
            let lines: Vec<&str> = text.lines().collect();
            let mut out: Vec<&str> = lines.clone();
            if let Some(l) = lines.get(at % lines.len().max(1)) {
                out.insert(at % lines.len().max(1), l);
            }
            out.join("\n")
        }
        _ => {
            // Re-indent a line: the classic way a YAML edit changes structure.
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            if let Some(l) = lines.get_mut(at % text.lines().count().max(1)) {
                *l = format!("{}{}", " ".repeat(len % 7), l.trim_start());
            }
            lines.join("\n")
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>(), yamlish in "[a-z_:{}\\[\\],\"' \n-]{0,200}") {
        for t in [&text, &yamlish] {
            for path in ["svc/service.yaml", "svc/endpoints/x.yaml", "x.yaml"] {
                let _ = load_sources(&[SourceFile { path: path.into(), text: t.clone() }]);
            }
        }
    }

    #[test]
    fn mutated_real_spec_never_panics(
        file in 0usize..16,
        edits in proptest::collection::vec((any::<u8>(), any::<usize>(), 0usize..40, "[ -~\n]{0,12}"), 1..4),
    ) {
        let mut files = real_spec();
        let n = files.len();
        let target = &mut files[file % n];
        for (op, at, len, insert) in &edits {
            target.text = mutate(&target.text, *op, *at, *len, insert);
        }
        // Either it still loads, or every problem carries a real position.
        if let Err(d) = load_sources(&files) {
            prop_assert!(!d.is_empty());
            for x in d.iter() {
                prop_assert!(x.line >= 1 && x.column >= 1);
                prop_assert!(!x.message.is_empty());
            }
        }
    }
}

#[test]
fn awkward_inputs_are_diagnosed_not_panicked_on() {
    let deep_list = format!("{}Item{}", "list<".repeat(10_000), ">".repeat(10_000));
    let deep_flow = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases = [
        String::new(),
        "---\n...\n".to_string(),
        "a: 1\n---\nb: 2\n".to_string(),
        "a: &x 1\nb: *x\n".to_string(),
        "a: !tag 1\n".to_string(),
        "? [a]\n: 1\n".to_string(),
        "- just\n- a list\n".to_string(),
        "\u{feff}title: x\n".to_string(),
        format!("operation: x\nsummary: x\nmethod: GET\npath: /x\nresponse: {{type: \"{deep_list}\"}}\n"),
        deep_flow,
    ];
    for text in cases {
        for path in ["svc/service.yaml", "svc/endpoints/x.yaml"] {
            let mut files = sources_with("minimal");
            files.retain(|f| f.path != path);
            files.push(SourceFile {
                path: path.into(),
                text: text.clone(),
            });
            let d = load_sources(&files).expect_err("awkward input accepted");
            assert!(d.iter().all(|x| x.line >= 1 && x.column >= 1), "{d}");
        }
    }
}

/// The minimal spec with `ping.yaml`'s `idempotency_key: id` line replaced by `key` (one or
/// more lines, starting on line 5).
fn ping_with_key(key: &str) -> Vec<SourceFile> {
    let mut files = minimal();
    let ping = file_mut(&mut files, PING);
    ping.text = ping.text.replace("idempotency_key: id\n", key);
    files
}

#[test]
fn idempotency_key_with_evidence_loads() {
    let set = load_sources(&ping_with_key(
        "idempotency_key:\n  field: id\n  evidence:\n    page: 000_x.txt\n    quote: 重复的 id 直接返回\n",
    ))
    .unwrap_or_else(|d| panic!("{d}"));
    let ping = set.service("svc").unwrap().endpoint("ping").unwrap();
    assert_eq!(ping.idempotency_key.as_deref(), Some("id"));
    let evidence = ping.idempotency_evidence.as_ref().expect("evidence");
    assert_eq!(evidence.page, "000_x.txt");
    assert_eq!(evidence.quote, "重复的 id 直接返回");

    // A plain wire name, or a mapping without evidence, is documentation only.
    for key in ["idempotency_key: id\n", "idempotency_key: {field: id}\n"] {
        let set = load_sources(&ping_with_key(key)).unwrap_or_else(|d| panic!("{d}"));
        let ping = set.service("svc").unwrap().endpoint("ping").unwrap();
        assert_eq!(ping.idempotency_key.as_deref(), Some("id"), "{key}");
        assert_eq!(ping.idempotency_evidence, None, "{key}");
    }
}

#[test]
fn malformed_idempotency_evidence_is_located() {
    let cases: &[(&str, DiagnosticKind, usize, usize, &str)] = &[
        // Evidence without the quote.
        (
            "idempotency_key:\n  field: id\n  evidence: {page: 000_x.txt}\n",
            DiagnosticKind::MissingKey,
            7,
            14,
            "`quote`",
        ),
        // An empty quote says nothing.
        (
            "idempotency_key:\n  field: id\n  evidence: {page: 000_x.txt, quote: \"  \"}\n",
            DiagnosticKind::InvalidValue,
            7,
            38,
            "quote",
        ),
        // An empty page names nothing.
        (
            "idempotency_key:\n  field: id\n  evidence: {page: \"\", quote: 直接返回}\n",
            DiagnosticKind::InvalidValue,
            7,
            20,
            "page",
        ),
        // Evidence must be a mapping.
        (
            "idempotency_key:\n  field: id\n  evidence: 000_x.txt\n",
            DiagnosticKind::WrongShape,
            7,
            13,
            "must be a mapping",
        ),
        // The field is required, and other keys are not allowed.
        (
            "idempotency_key:\n  evidence: {page: p.txt, quote: q}\n",
            DiagnosticKind::MissingKey,
            6,
            3,
            "`field`",
        ),
        (
            "idempotency_key:\n  field: id\n  proof: x\n",
            DiagnosticKind::UnknownKey,
            7,
            3,
            "unknown key `proof`",
        ),
        // The field must still be a request field.
        (
            "idempotency_key:\n  field: nope\n  evidence: {page: p.txt, quote: q}\n",
            DiagnosticKind::InvalidValue,
            6,
            10,
            "not a field",
        ),
        // A list is neither a wire name nor a mapping.
        (
            "idempotency_key: [id]\n",
            DiagnosticKind::WrongShape,
            5,
            18,
            "must be a mapping",
        ),
    ];
    for (key, kind, line, column, needle) in cases {
        let d = load_sources(&ping_with_key(key)).expect_err(key);
        let e = find(&d, *kind, PING, *line, *column);
        assert!(e.message.contains(needle), "{key}: {}", e.message);
        assert!(
            d.to_string()
                .contains(&format!("svc/endpoints/ping.yaml:{line}:{column}:")),
            "{d}"
        );
    }
}

#[test]
fn error_processed_values() {
    let with_errors = |errors: &str| {
        let mut files = sources_with("minimal");
        for f in &mut files {
            if f.path == "svc/service.yaml" {
                f.text = f.text.replace(
                    "  - {code: \"1\", name: failed, description: failed}\n",
                    errors,
                );
            }
        }
        load_sources(&files)
    };
    use retail_apis_codegen::model::Processed;
    let set = with_errors(
        "  - {code: \"1\", name: a, description: a, processed: never}\n  \
         - {code: \"2\", name: b, description: b, processed: maybe}\n  \
         - {code: \"3\", name: c, description: c}\n",
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let processed: Vec<_> = set
        .service("svc")
        .unwrap()
        .errors
        .iter()
        .map(|e| e.processed)
        .collect();
    // Unclassified codes may have been processed.
    assert_eq!(
        processed,
        [Processed::Never, Processed::Maybe, Processed::Maybe]
    );

    let d = with_errors("  - {code: \"1\", name: a, description: a, processed: sometimes}\n")
        .expect_err("unknown value");
    let e = find(&d, DiagnosticKind::InvalidValue, "svc/service.yaml", 19, 53);
    assert!(e.message.contains("never or maybe"), "{}", e.message);
}

#[test]
fn safe_marks_a_read_only_endpoint() {
    let set = load_sources(&ping_with_key("safe: true\n")).unwrap_or_else(|d| panic!("{d}"));
    let ping = set.service("svc").unwrap().endpoint("ping").unwrap();
    assert!(ping.safe);
    assert_eq!(ping.idempotency_key, None);
    // Absent: a write.
    let set = load_sources(&sources_with("minimal")).unwrap_or_else(|d| panic!("{d}"));
    assert!(!set.service("svc").unwrap().endpoint("ping").unwrap().safe);

    let d = load_sources(&ping_with_key("safe: yes\n")).expect_err("not a boolean");
    find(&d, DiagnosticKind::WrongShape, PING, 5, 7);
}

/// Problems of shape (unknown and missing keys, wrong shapes, values outside a closed set)
/// do not hide each other or the checks of the values around them: each is reported at
/// its place, all in one run.
#[test]
fn shape_problems_do_not_stop_the_file() {
    let mut files = sources_with("minimal");
    files.push(SourceFile {
        path: "svc/endpoints/shapes.yaml".into(),
        text: "\
operation: Shapes
method: get
path: /shapes
colour: red
request:
  fields:
    a: {type: string, required: yes}
    b: [string]
    c: {required: true, tpye: string}
    d:
response:
  fields:
    ok: {type: boolean}
examples:
  - just text
  - {name: one, request: '{}'}
  - {name: one, response: '{'}
safe: ~
quirks: [ok, {a: b}]
"
        .into(),
    });
    let d = load_sources(&files).unwrap_err();
    let f = "svc/endpoints/shapes.yaml";
    let want = [
        (DiagnosticKind::MissingKey, 1, 1, "`summary`"), // missing, reported at the file's first key
        (DiagnosticKind::InvalidIdentifier, 1, 12, "`Shapes`"),
        (DiagnosticKind::InvalidValue, 2, 9, "(write it `GET`)"),
        (DiagnosticKind::UnknownKey, 4, 1, "unknown key `colour`"),
        (DiagnosticKind::WrongShape, 7, 33, "true or false"),
        (
            DiagnosticKind::WrongShape,
            8,
            8,
            "field `b` must be a mapping",
        ),
        (
            DiagnosticKind::MissingKey,
            9,
            9,
            "field `c` is missing the required key `type`",
        ),
        (DiagnosticKind::UnknownKey, 9, 25, "did you mean `type`?"),
        (
            DiagnosticKind::WrongShape,
            10,
            5,
            "field `d` must be a mapping, found null",
        ),
        (
            DiagnosticKind::WrongShape,
            15,
            5,
            "an example must be a mapping",
        ),
        (
            DiagnosticKind::DuplicateName,
            17,
            12,
            "two examples are named `one`",
        ),
        (DiagnosticKind::InvalidValue, 17, 27, "not valid JSON"),
        (DiagnosticKind::WrongShape, 19, 14, "items of `quirks`"),
    ];
    for (kind, line, column, needle) in want {
        let e = find(&d, kind, f, line, column);
        assert!(e.message.contains(needle), "{needle}: {e}");
    }
    assert_eq!(d.len(), want.len(), "{d}");
}

/// Every required key a mapping lacks is named, not only the first.
#[test]
fn every_missing_key_is_reported() {
    let mut files = sources_with("minimal");
    files.push(SourceFile {
        path: "svc/endpoints/bare.yaml".into(),
        text: "summary: only this\n".into(),
    });
    let d = load_sources(&files).unwrap_err();
    for key in ["operation", "method", "path", "response"] {
        let e = find(
            &d,
            DiagnosticKind::MissingKey,
            "svc/endpoints/bare.yaml",
            1,
            1,
        );
        assert!(
            d.iter().any(|x| x.message.contains(&format!("`{key}`"))),
            "{key}: {e}\n{d}"
        );
    }
    assert_eq!(d.len(), 4, "{d}");
}

/// Quirks and `source_page` cite pages by name; a name the service's `pages` does not
/// declare is reported at the item that cites it, and declared pages must be well formed.
#[test]
fn citations_of_undeclared_pages_and_malformed_pages_are_reported() {
    const SERVICE: &str = "svc/service.yaml";
    let mut files = minimal();
    let ping = file_mut(&mut files, PING);
    ping.text = ping
        .text
        .replace(
            "summary: Ping\n",
            "summary: Ping\nsource_page: 009_missing.txt\n",
        )
        .replace(
            "    id: {type: string, required: true}\n",
            "    id: {type: string, required: true, quirks: \"009_missing.txt: says so.\"}\n",
        );
    let d = load_sources(&files).expect_err("undeclared pages are refused");
    assert_eq!(d.len(), 2, "{d}");
    let quirk = find(&d, DiagnosticKind::InvalidValue, PING, 9, 5);
    assert!(
        quirk
            .message
            .contains("`PingRequest.id` cites page `009_missing.txt`"),
        "{quirk}"
    );
    let source = find(&d, DiagnosticKind::InvalidValue, PING, 1, 1);
    assert!(
        source.message.contains("`source_page` of `ping`"),
        "{source}"
    );

    // Declared, both load; a quirk whose first words are not a page name is plain text.
    let declared =
        "pages:\n  009_missing.txt:\n    title: 缺页\n    url: https://example.com/p?id=9\n";
    let service = file_mut(&mut files, SERVICE);
    service.text.push_str(declared);
    let ping = file_mut(&mut files, PING);
    ping.text = ping.text.replace(
        "summary: Ping\n",
        "summary: Ping\nquirks: \"The page says: nothing.\"\n",
    );
    let set = load_sources(&files).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(set.services[0].pages["009_missing.txt"].title, "缺页");

    // Names with spaces or colons, URLs that are not plain http(s), and empty titles.
    let service = file_mut(&mut files, SERVICE);
    service.text = service.text.replace(declared, "")
        + "pages:\n  bad name.txt: {title: A}\n  b.txt: {title: B, url: \"javascript:alert(1)\"}\n  c.txt: {title: \" \"}\n";
    let d = load_sources(&files).expect_err("malformed pages are refused");
    let messages: Vec<&str> = d.0.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("page name `bad name.txt`")),
        "{d}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("page url `javascript:alert(1)`")),
        "{d}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("page `c.txt` needs a title")),
        "{d}"
    );
}

/// The one diagnostic an extra endpoint file `text` gives, at `line`.
#[track_caller]
fn only_error_in(text: &str, kind: DiagnosticKind, line: usize) -> Diagnostic {
    let mut files = sources_with("minimal");
    files.push(SourceFile {
        path: "svc/endpoints/extra.yaml".into(),
        text: text.into(),
    });
    let d = load_sources(&files).unwrap_err();
    assert_eq!(d.len(), 1, "{d}");
    let found = d.iter().next().expect("one diagnostic").clone();
    assert_eq!(
        (found.kind, found.file.as_str(), found.line),
        (kind, "svc/endpoints/extra.yaml", line),
        "{d}"
    );
    found
}

const EXTRA_HEAD: &str = "operation: extra\nsummary: x\nmethod: GET\npath: /extra\n";

#[test]
fn an_indentation_error_says_it_is_probably_indentation() {
    // `required` indented one column too far: YAML's own message names no cause.
    let text = format!(
        "{EXTRA_HEAD}response:\n  fields:\n    a:\n      type: string\n       required: true\n"
    );
    let d = only_error_in(&text, DiagnosticKind::Syntax, 9);
    assert!(
        d.message.contains("mapping values are not allowed")
            && d.message.contains("indented differently"),
        "{d}"
    );
    let tab = format!("{EXTRA_HEAD}response:\n\tfields: {{}}\n");
    let d = only_error_in(&tab, DiagnosticKind::Syntax, 6);
    assert!(d.message.contains("a tab cannot indent"), "{d}");
}

#[test]
fn a_map_type_split_by_a_flow_mapping_says_to_quote_it() {
    let text =
        format!("{EXTRA_HEAD}response:\n  fields:\n    limits: {{type: map<string, integer>}}\n");
    let mut files = sources_with("minimal");
    files.push(SourceFile {
        path: "svc/endpoints/extra.yaml".into(),
        text,
    });
    let d = load_sources(&files).unwrap_err();
    assert!(!d.is_empty());
    for diagnostic in d.iter() {
        assert_eq!(diagnostic.line, 7, "{d}");
        assert!(
            diagnostic.message.contains(r#"`{type: "map<string, T>"}`"#),
            "every part of the split names the fix: {d}"
        );
    }
    // Quoted, it loads.
    let quoted = format!(
        "{EXTRA_HEAD}response:\n  fields:\n    limits: {{type: \"map<string, integer>\"}}\n"
    );
    let files = with_file(sources_with("minimal"), "svc/endpoints/extra.yaml", &quoted);
    load_sources(&files).unwrap_or_else(|d| panic!("{d}"));
}

#[test]
fn map_keys_must_be_strings_and_amount_examples_amounts() {
    let key =
        format!("{EXTRA_HEAD}response:\n  fields:\n    m: {{type: \"map<integer, string>\"}}\n");
    let d = only_error_in(&key, DiagnosticKind::InvalidValue, 7);
    assert!(d.message.contains("must be `string`, not `integer`"), "{d}");
    let example =
        format!("{EXTRA_HEAD}response:\n  fields:\n    paid:\n      type: amount\n      example: \"1,000\"\n");
    let d = only_error_in(&example, DiagnosticKind::InvalidValue, 9);
    assert!(
        d.message.contains("amount field `paid`") && d.message.contains("digits"),
        "{d}"
    );
    let fine = format!(
        "{EXTRA_HEAD}response:\n  fields:\n    paid: {{type: amount(8), example: \"001\"}}\n    m: {{type: \"map<string, list<amount>>\"}}\n"
    );
    let files = with_file(sources_with("minimal"), "svc/endpoints/extra.yaml", &fine);
    load_sources(&files).unwrap_or_else(|d| panic!("{d}"));
}

#[test]
fn paths_under_the_sandbox_inspector_prefix_are_refused() {
    for path in ["/_sandbox", "/_sandbox/requests", "/_sandbox/state/x"] {
        let text = format!(
            "operation: extra\nsummary: x\nmethod: GET\npath: {path}\nresponse: {{type: json}}\n"
        );
        let d = only_error_in(&text, DiagnosticKind::InvalidPath, 4);
        assert!(d.message.contains("/_sandbox"), "{d}");
    }
    // Only the prefix as a whole segment is reserved.
    let mut files = sources_with("minimal");
    files.push(SourceFile {
        path: "svc/endpoints/extra.yaml".into(),
        text:
            "operation: extra\nsummary: x\nmethod: GET\npath: /_sandboxes\nresponse: {type: json}\n"
                .into(),
    });
    load_sources(&files).unwrap_or_else(|d| panic!("{d}"));
}
