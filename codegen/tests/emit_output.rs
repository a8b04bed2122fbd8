//! Writing and checking generated files on disk.

use std::fs;
use std::time::{Duration, SystemTime};

use retail_apis_codegen::emit::GENERATED_MARKER;
use retail_apis_codegen::{check, write_changed, GeneratedFile};

fn file(path: &str, body: &str) -> GeneratedFile {
    GeneratedFile {
        path: path.to_owned(),
        contents: format!("{GENERATED_MARKER} from:\n{body}\n"),
    }
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = [
        file("a.rs", "pub const A: u8 = 1;"),
        file("mod.rs", "pub mod a;"),
    ];
    let first = write_changed(dir.path(), &files).expect("write");
    assert_eq!(first.written, ["a.rs", "mod.rs"]);

    // Backdate so any rewrite would be visible in the modification time.
    let old = SystemTime::now() - Duration::from_secs(3600);
    for f in &files {
        fs::File::options()
            .write(true)
            .open(dir.path().join(&f.path))
            .and_then(|h| h.set_modified(old))
            .expect("set mtime");
    }
    let second = write_changed(dir.path(), &files).expect("write");
    assert!(second.written.is_empty(), "{second}");
    assert_eq!(second.unchanged, ["a.rs", "mod.rs"]);
    for f in &files {
        let mtime = fs::metadata(dir.path().join(&f.path))
            .and_then(|m| m.modified())
            .expect("mtime");
        assert_eq!(mtime, old, "{} was rewritten", f.path);
    }

    let changed = [
        file("a.rs", "pub const A: u8 = 2;"),
        file("mod.rs", "pub mod a;"),
    ];
    let third = write_changed(dir.path(), &changed).expect("write");
    assert_eq!(third.written, ["a.rs"]);

    // Another length (decided without reading the file) is rewritten too.
    let longer = [
        file("a.rs", "pub const A: u16 = 300;"),
        file("mod.rs", "pub mod a;"),
    ];
    let fourth = write_changed(dir.path(), &longer).expect("write");
    assert_eq!(fourth.written, ["a.rs"]);
    assert_eq!(fourth.unchanged, ["mod.rs"]);
    let on_disk = fs::read_to_string(dir.path().join("a.rs")).expect("read");
    assert_eq!(on_disk, longer[0].contents);
}

#[test]
fn stale_generated_files_are_removed_but_hand_written_ones_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_changed(dir.path(), &[file("old.rs", ""), file("mod.rs", "")]).expect("write");
    fs::write(dir.path().join("notes.rs"), "// hand-written\n").expect("write notes");
    let report = write_changed(dir.path(), &[file("mod.rs", "")]).expect("write");
    assert_eq!(report.removed, ["old.rs"]);
    assert!(!dir.path().join("old.rs").exists());
    assert!(dir.path().join("notes.rs").exists());
}

#[test]
fn check_reports_a_unified_diff_missing_and_extra_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = [file("a.rs", "pub const A: u8 = 1;"), file("b.rs", "")];
    write_changed(dir.path(), &files).expect("write");
    assert!(check(dir.path(), &files).expect("check").is_fresh());

    fs::write(
        dir.path().join("a.rs"),
        format!("{GENERATED_MARKER} from:\npub const A: u8 = 7;\n"),
    )
    .expect("edit");
    fs::remove_file(dir.path().join("b.rs")).expect("remove");
    fs::write(dir.path().join("c.rs"), format!("{GENERATED_MARKER}\n")).expect("extra");
    let report = check(dir.path(), &files).expect("check");
    assert!(!report.is_fresh());
    let text = report.to_string();
    assert!(text.contains("--- a/a.rs"), "{text}");
    assert!(text.contains("+++ b/a.rs"), "{text}");
    assert!(text.contains("-pub const A: u8 = 7;"), "{text}");
    assert!(text.contains("+pub const A: u8 = 1;"), "{text}");
    assert_eq!(report.missing, ["b.rs"]);
    assert_eq!(report.extra, ["c.rs"]);
    // Checking never writes.
    assert!(!dir.path().join("b.rs").exists());
}

/// rustdoc joins a module's outer docs (on `pub mod x;`) and its inner `//!` docs; the
/// generated modules document themselves once, so each summary shows once.
#[test]
fn each_service_module_is_documented_once() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let set = retail_apis_codegen::load(&spec).expect("spec loads");
    let files = retail_apis_codegen::generate(&set).expect("generates");
    let index = files.iter().find(|f| f.path == "mod.rs").expect("mod.rs");
    let index = syn::parse_file(&index.contents).expect("mod.rs parses");
    for service in &set.services {
        let declaration = index
            .items
            .iter()
            .find_map(|item| match item {
                syn::Item::Mod(m) if m.ident == service.name => Some(m),
                _ => None,
            })
            .expect("module declared");
        assert!(
            !declaration.attrs.iter().any(|a| a.path().is_ident("doc")),
            "`pub mod {}` has outer docs as well as its own",
            service.name
        );
        let module = files
            .iter()
            .find(|f| f.path == format!("{}.rs", service.name))
            .expect("module file");
        let module = syn::parse_file(&module.contents).expect("module parses");
        let first_doc = module
            .attrs
            .iter()
            .find(|a| a.path().is_ident("doc"))
            .expect("module docs");
        let syn::Meta::NameValue(doc) = &first_doc.meta else {
            panic!("doc attribute without a value")
        };
        let doc = quote::ToTokens::to_token_stream(&doc.value).to_string();
        assert!(
            doc.contains(service.title.trim()),
            "{} docs open with {doc}, not the title",
            service.name
        );
    }
}

/// Adding a field or an enum value to a spec must not break a dependent's build: every
/// generated struct and enum is `#[non_exhaustive]`, and request structs keep a way to be
/// built from another crate (`new`).
#[test]
fn generated_structs_and_enums_are_non_exhaustive_and_request_types_constructible() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let set = retail_apis_codegen::load(&spec).expect("spec loads");
    let files = retail_apis_codegen::generate(&set).expect("generates");
    let mut checked = 0;
    for service in &set.services {
        let module = files
            .iter()
            .find(|f| f.path == format!("{}.rs", service.name))
            .expect("module file");
        let module = syn::parse_file(&module.contents).expect("module parses");
        let non_exhaustive =
            |attrs: &[syn::Attribute]| attrs.iter().any(|a| a.path().is_ident("non_exhaustive"));
        let constructors: Vec<String> = module
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Impl(i) if i.trait_.is_none() => Some(i),
                _ => None,
            })
            .filter(|i| {
                i.items
                    .iter()
                    .any(|m| matches!(m, syn::ImplItem::Fn(f) if f.sig.ident == "new"))
            })
            .map(|i| quote::ToTokens::to_token_stream(&i.self_ty).to_string())
            .collect();
        for ty in &service.types {
            let item = module.items.iter().find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == ty.name => Some(s.attrs.as_slice()),
                syn::Item::Enum(e) if e.ident == ty.name => Some(e.attrs.as_slice()),
                _ => None,
            });
            let attrs = item.unwrap_or_else(|| panic!("{} not generated", ty.name));
            assert!(
                non_exhaustive(attrs),
                "{} is not #[non_exhaustive]",
                ty.name
            );
            let is_struct = matches!(ty.kind, retail_apis_codegen::model::TypeKind::Struct(_));
            if is_struct && ty.in_request {
                assert!(constructors.contains(&ty.name), "{} has no `new`", ty.name);
            }
            checked += 1;
        }
    }
    assert!(checked > 0);
}
