//! Specs written to attack the build rather than describe an API: every one is refused by
//! the loader (what `retail-apis lint` and the build script run) with a located diagnostic,
//! before any code is generated from it.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{edited, errors, find, minimal, with_file, write_sources, RESERVED_TYPE_NAMES};
use retail_apis_codegen::{
    generate, load, load_sources, read_sources, Diagnostic, DiagnosticKind, Diagnostics, SourceFile,
};

const SERVICE: &str = "svc/service.yaml";
const PING: &str = "svc/endpoints/ping.yaml";

/// What the loader reports as `kind` at `line`, `column` of `file` for the minimal spec with
/// `from` replaced by `to` in that file.
#[track_caller]
fn edit_refused(
    file: &str,
    from: &str,
    to: &str,
    (kind, line, column): (DiagnosticKind, usize, usize),
) -> Diagnostic {
    let d = errors(&edited(minimal(), file, from, to));
    find(&d, kind, file, line, column).clone()
}

// --- Nesting depth -------------------------------------------------------------------

/// Runs the real loader on a thread with the default 2 MiB test stack: before the depth
/// bound this aborted the whole test binary (stack overflow), so passing is the proof.
fn load_deep(text: String) -> Diagnostics {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || errors(&with_file(minimal(), PING, &text)))
        .expect("thread")
        .join()
        .expect("loader thread")
}

#[test]
fn block_nesting_of_100_000_levels_is_a_syntax_error() {
    let text = format!("operation: ping\nsummary:\n{}x\n", "- ".repeat(100_000));
    let d = load_deep(text);
    // The 64th list inside the top-level mapping is the one too deep.
    let e = find(&d, DiagnosticKind::Syntax, PING, 3, 127);
    assert!(e.message.contains("nested"), "{e}");
}

#[test]
fn indented_block_mappings_1400_deep_are_a_syntax_error() {
    // As deep as indentation allows within the size cap.
    let mut text = String::from("operation: ping\nrequest:\n");
    for level in 1..1400 {
        text.push_str(&" ".repeat(level));
        text.push_str("a:\n");
    }
    let d = load_deep(text);
    assert!(
        d.iter()
            .any(|x| x.kind == DiagnosticKind::Syntax && x.message.contains("nested")),
        "{d}"
    );
}

#[test]
fn flow_nesting_of_100_000_levels_is_a_syntax_error() {
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let text = format!(
            "operation: ping\nsummary: {}x{}\n",
            open.repeat(100_000),
            close.repeat(100_000)
        );
        let d = load_deep(text);
        assert!(
            d.iter()
                .any(|x| x.kind == DiagnosticKind::Syntax && x.file == PING && x.line == 2),
            "{d}"
        );
    }
}

// --- Characters a reviewer cannot see ----------------------------------------------------

#[test]
fn byte_order_mark_is_reported_as_such() {
    let mut files = minimal();
    for f in &mut files {
        if f.path == PING {
            f.text.insert(0, '\u{feff}');
        }
    }
    let d = errors(&files);
    let e = find(&d, DiagnosticKind::InvalidCharacter, PING, 1, 1);
    assert!(e.message.contains("byte-order mark"), "{e}");
}

#[test]
fn bidi_and_control_characters_in_text_are_located() {
    // `summary: Ping` with `summary` as its value is refused on line 2 at `column`, naming
    // the character `name`.
    let refused = |summary: String, column: usize, name: &str| {
        let e = edit_refused(
            PING,
            "summary: Ping",
            &format!("summary: {summary}"),
            (DiagnosticKind::InvalidCharacter, 2, column),
        );
        assert!(e.message.contains(name), "{e}");
    };
    // Written literally: found in the raw text, at the character.
    for (c, name) in [
        ('\u{202e}', "U+202E"),
        ('\u{2066}', "U+2066"),
        ('\u{200f}', "U+200F"),
        ('\u{061c}', "U+061C"),
        ('\u{1b}', "U+001B"),
        ('\u{7f}', "U+007F"),
        ('\u{9b}', "U+009B"),
        ('\r', "U+000D"),
    ] {
        refused(format!("Pi{c}ng"), 12, name);
    }
    // Written as YAML escapes: the value holds the character, reported at the value.
    for (escape, name) in [
        ("\\u202E", "U+202E"),
        ("\\e", "U+001B"),
        ("\\x9B", "U+009B"),
        ("\\r", "U+000D"),
    ] {
        refused(format!("\"Pi{escape}ng\""), 10, name);
    }
    // In a key as well (keys become wire names and Rust names).
    edit_refused(
        PING,
        "    id: {type: string, required: true}",
        "    \"i\\u2067d\": {type: string, required: true}",
        (DiagnosticKind::InvalidCharacter, 8, 5),
    );
    // Tabs and line breaks inside text stay legitimate.
    let files = edited(
        minimal(),
        PING,
        "summary: Ping",
        "summary: \"Pi\\tng\\nsecond line\"",
    );
    load_sources(&files).unwrap_or_else(|d| panic!("{d}"));
    let crlf: Vec<SourceFile> = minimal()
        .into_iter()
        .map(|mut f| {
            f.text = f.text.replace('\n', "\r\n");
            f
        })
        .collect();
    load_sources(&crlf).unwrap_or_else(|d| panic!("{d}"));
}

// --- File names --------------------------------------------------------------------------

#[test]
fn file_names_outside_the_pattern_are_refused_with_their_path() {
    let hostile = "svc/endpoints/x\npub fn injected() {}\n.yaml";
    let ping = minimal()
        .into_iter()
        .find(|f| f.path == PING)
        .expect("ping")
        .text;
    let other = ping
        .replace("operation: ping", "operation: other")
        .replace("/ping", "/other");
    for path in [
        hostile,
        "svc/endpoints/Other.yaml",
        "svc/endpoints/other-op.yaml",
        "svc/endpoints/other op.yaml",
        "svc/endpoints/9other.yaml",
        "svc/endpoints/.yaml",
    ] {
        let d = errors(&with_file(minimal(), path, &other));
        let e = find(&d, DiagnosticKind::InvalidPath, path, 1, 1);
        assert!(e.message.contains("[a-z][a-z0-9_]*"), "{e}");
    }
    load_sources(&with_file(minimal(), "svc/endpoints/other_2.yml", &other))
        .unwrap_or_else(|d| panic!("{d}"));
}

// --- Files that are not plain files in the tree ---------------------------------------------

fn spec_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("spec");
    write_sources(&root, &minimal());
    (dir, root)
}

/// `read_sources` on a thread, failing instead of hanging the suite when it blocks.
fn read_bounded(root: &Path) -> Result<Vec<SourceFile>, Diagnostics> {
    let root = root.to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(read_sources(&root));
    });
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .expect("read_sources blocked")
}

#[cfg(unix)]
#[test]
fn fifo_is_refused_without_blocking() {
    let (_dir, root) = spec_copy();
    let fifo = root.join("svc/endpoints/pipe.yaml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let d = read_bounded(&root).expect_err("FIFO accepted");
    let e = find(&d, DiagnosticKind::Io, "svc/endpoints/pipe.yaml", 1, 1);
    assert!(e.message.contains("not a regular file"), "{e}");
}

#[cfg(unix)]
#[test]
fn symlinks_to_devices_or_out_of_the_tree_are_refused() {
    let (dir, root) = spec_copy();
    let outside = dir.path().join("outside.yaml");
    fs::copy(root.join(PING), &outside).expect("copy");
    std::os::unix::fs::symlink("/dev/zero", root.join("svc/endpoints/zero.yaml")).expect("link");
    std::os::unix::fs::symlink(&outside, root.join("svc/endpoints/outside.yaml")).expect("link");
    let d = read_bounded(&root).expect_err("links accepted");
    let e = find(&d, DiagnosticKind::Io, "svc/endpoints/zero.yaml", 1, 1);
    assert!(e.message.contains("outside the spec root"), "{e}");
    let e = find(&d, DiagnosticKind::Io, "svc/endpoints/outside.yaml", 1, 1);
    assert!(e.message.contains("outside the spec root"), "{e}");
    assert_eq!(d.len(), 2, "{d}");

    // A link within the tree is an ordinary file.
    let (_dir, root) = spec_copy();
    fs::rename(root.join(PING), root.join("svc/ping.txt")).expect("move");
    std::os::unix::fs::symlink("../ping.txt", root.join(PING)).expect("link");
    load(&root).unwrap_or_else(|d| panic!("{d}"));
}

#[test]
fn oversized_file_is_refused_after_reading_at_most_the_cap() {
    let (_dir, root) = spec_copy();
    let cap = retail_apis_codegen::load::MAX_SPEC_FILE_BYTES;
    let mut text = fs::read_to_string(root.join(PING)).expect("read");
    text.push('#');
    text.push_str(&" ".repeat(cap + 1 - text.len()));
    text.push('\n');
    fs::write(root.join(PING), &text).expect("write");
    let d = read_bounded(&root).expect_err("oversized file accepted");
    let e = find(&d, DiagnosticKind::Io, PING, 1, 1);
    assert!(e.message.contains(&cap.to_string()), "{e}");
    // The in-memory entry point enforces the same cap.
    let d = errors(&with_file(minimal(), PING, &text));
    find(&d, DiagnosticKind::Io, PING, 1, 1);
}

// --- Names the generated code cannot carry ---------------------------------------------------

/// The minimal spec with `from` replaced by `to` in `file` is refused at `line`, `column`
/// for taking a reserved name.
#[track_caller]
fn refused_as_reserved(file: &str, from: &str, to: &str, (line, column): (usize, usize)) {
    let e = edit_refused(
        file,
        from,
        to,
        (DiagnosticKind::InvalidIdentifier, line, column),
    );
    assert!(e.message.contains("reserved"), "{to}: {e}");
}

#[test]
fn type_names_of_generated_items_and_the_prelude_are_reserved() {
    for name in RESERVED_TYPE_NAMES {
        let declared = format!("types:\n  {name}:\n    fields:\n      id: {{type: string}}\n");
        refused_as_reserved(SERVICE, "types:\n", &declared, (21, 3));
    }
    // A request or response struct named after its operation is checked the same way.
    refused_as_reserved(PING, "request:\n", "request:\n  name: Vec\n", (7, 9));
}

#[test]
fn operations_named_like_client_methods_are_reserved() {
    for op in ["new", "from_env", "runtime"] {
        refused_as_reserved(
            PING,
            "operation: ping",
            &format!("operation: {op}"),
            (1, 12),
        );
    }
}

#[test]
fn services_named_like_crate_items_are_reserved() {
    for service in ["runtime", "generated"] {
        let files: Vec<SourceFile> = minimal()
            .into_iter()
            .map(|mut f| {
                f.path = f.path.replacen("svc/", &format!("{service}/"), 1);
                f
            })
            .collect();
        let d = errors(&files);
        let e = find(
            &d,
            DiagnosticKind::InvalidIdentifier,
            &format!("{service}/service.yaml"),
            1,
            1,
        );
        assert!(e.message.contains("reserved"), "{service}: {e}");
    }
}

#[test]
fn integer_enum_values_are_compared_as_numbers() {
    let files = edited(
        minimal(),
        SERVICE,
        "types:\n",
        "types:\n  Level:\n    enum:\n      repr: integer\n      values:\n        \
         - {value: \"1\", name: One}\n        - {value: \"01\", name: AlsoOne}\n",
    );
    let d = errors(&files);
    let e = find(&d, DiagnosticKind::DuplicateName, SERVICE, 26, 19);
    assert!(e.message.contains("`1`"), "{e}");
}

#[test]
fn structs_containing_themselves_are_refused_unless_through_a_list() {
    let e = edit_refused(
        SERVICE,
        "      id: {type: string, required: true}\n",
        "      id: {type: string, required: true}\n      next: {type: Item}\n",
        (DiagnosticKind::InvalidValue, 24, 7),
    );
    assert!(e.message.contains("Item → Item"), "{e}");

    let indirect = edited(
        minimal(),
        SERVICE,
        "      id: {type: string, required: true}\n",
        "      id: {type: string, required: true}\n      pair: {type: Pair}\n  \
         Pair:\n    fields:\n      first: {type: Item, required: true}\n",
    );
    let d = errors(&indirect);
    assert!(
        d.iter()
            .any(|x| x.kind == DiagnosticKind::InvalidValue
                && x.message.contains("Item → Pair → Item")),
        "{d}"
    );

    let list = edited(
        minimal(),
        SERVICE,
        "      id: {type: string, required: true}\n",
        "      id: {type: string, required: true}\n      children: {type: list<Item>}\n",
    );
    let set = load_sources(&list).unwrap_or_else(|d| panic!("{d}"));
    generate(&set).expect("a list of itself is fine");
}

#[test]
fn header_comment_escapes_paths_of_hand_built_models() {
    let mut set = load_sources(&minimal()).unwrap_or_else(|d| panic!("{d}"));
    set.services[0]
        .files
        .push("svc/endpoints/x\npub fn injected() {}\n\u{202e}.yaml".to_owned());
    let files = generate(&set).expect("generates");
    for file in &files {
        let header: Vec<&str> = file
            .contents
            .lines()
            .take_while(|l| !l.is_empty())
            .collect();
        assert!(header.iter().all(|l| l.starts_with("//")), "{header:#?}");
        assert!(
            header
                .iter()
                .any(|l| l.contains(r"x\u{a}pub\u{20}fn\u{20}injected")),
            "{header:#?}"
        );
        assert!(!file.contents.contains('\u{202e}'));
    }
}
