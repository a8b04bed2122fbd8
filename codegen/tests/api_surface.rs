//! The public API surface of generated code and its comparison: every test edits a copy of
//! the committed spec (choosing what to edit by reading it), generates both versions and
//! checks exactly which public items are reported, whether they break callers, and that
//! each reported line is the item's line in the generated text.

mod common;

use std::collections::BTreeSet;
use std::fs;

use retail_apis_codegen::api_surface::{
    compare, render, surface, surface_of_spec, ApiSurface, ChangeKind, ItemChange, ItemKind,
};
use retail_apis_codegen::model::{
    Endpoint, Field, NamedType, Service, SpecSet, TypeExpr, TypeKind,
};
use retail_apis_codegen::{generate, load_sources, GeneratedFile, SourceFile};
use syn::spanned::Spanned;

use common::{real_spec, workspace, write_sources};

/// One reported change, as the tests state expectations.
type Summary = (String, ChangeKind, ItemKind, bool);

/// A spec version: its sources, model, generated files and surface (read from a copy of
/// the tree on disk, the way the command reads a tree).
struct Version {
    set: SpecSet,
    files: Vec<GeneratedFile>,
    surface: ApiSurface,
}

fn version(sources: &[SourceFile]) -> Version {
    let dir = tempfile::tempdir().expect("temp dir");
    write_sources(dir.path(), sources);
    let surface = surface_of_spec(dir.path()).expect("the edited spec loads and generates");
    let set = load_sources(sources).expect("loads");
    let files = generate(&set).expect("generates");
    Version {
        set,
        files,
        surface,
    }
}

/// The changes from the committed spec to `edited`, after checking that every reported
/// line points at the item in the generated text of its side.
fn changes_to(edited: &[SourceFile]) -> (Version, Version, Vec<ItemChange>) {
    let old = version(&real_spec());
    let new = version(edited);
    let changes = compare(&old.surface, &new.surface);
    for change in &changes {
        if let Some(side) = &change.old {
            assert_points_at(&old.files, change, &side.location.file, side.location.line);
        }
        if let Some(side) = &change.new {
            assert_points_at(&new.files, change, &side.location.file, side.location.line);
        }
    }
    (old, new, changes)
}

/// The name an item's line must show: a path's last segment, or the trait of an impl.
fn name_on_line(path: &str, kind: ItemKind) -> String {
    if kind == ItemKind::TraitImpl {
        let bare = path.rsplit("<impl ").next().unwrap_or(path);
        let bare = bare.strip_suffix('>').unwrap_or(bare);
        let bare = bare.split('<').next().unwrap_or(bare);
        return bare.rsplit("::").next().unwrap_or(bare).to_owned();
    }
    path.rsplit("::").next().unwrap_or(path).to_owned()
}

#[track_caller]
fn assert_points_at(files: &[GeneratedFile], change: &ItemChange, file: &str, line: usize) {
    let text = &files
        .iter()
        .find(|f| f.path == file)
        .unwrap_or_else(|| panic!("{file} of {change:?} is not generated"))
        .contents;
    let shown = text.lines().nth(line - 1).unwrap_or_default();
    let name = name_on_line(&change.path, change.item_kind);
    let keyword = match change.item_kind {
        ItemKind::Field => format!("pub {name}:"),
        ItemKind::Method | ItemKind::Fn => format!("fn {name}"),
        ItemKind::Const => format!("const {name}:"),
        ItemKind::Struct => format!("struct {name}"),
        ItemKind::Enum => format!("enum {name}"),
        ItemKind::Module => format!("mod {name}"),
        _ => name,
    };
    assert!(
        shown.contains(&keyword),
        "{file}:{line} is `{shown}`, not the line of {} {}",
        change.item_kind,
        change.path
    );
}

fn summary(changes: &[ItemChange]) -> BTreeSet<Summary> {
    changes
        .iter()
        .filter(|c| c.kind != ChangeKind::DocsChanged)
        .map(|c| (c.path.clone(), c.kind, c.item_kind, c.breaking))
        .collect()
}

fn docs_only(changes: &[ItemChange]) -> BTreeSet<(String, ItemKind)> {
    changes
        .iter()
        .filter(|c| c.kind == ChangeKind::DocsChanged)
        .map(|c| (c.path.clone(), c.item_kind))
        .collect()
}

fn expect(items: &[(&str, ChangeKind, ItemKind, bool)]) -> BTreeSet<Summary> {
    items
        .iter()
        .map(|(p, c, k, b)| ((*p).to_owned(), *c, *k, *b))
        .collect()
}

// ---- Choosing what to edit, from the committed spec ----

fn committed() -> SpecSet {
    load_sources(&real_spec()).expect("the committed spec loads")
}

fn fields(ty: &NamedType) -> &[Field] {
    match &ty.kind {
        TypeKind::Struct(s) => &s.fields,
        TypeKind::Enum(_) => &[],
    }
}

/// A field of a request struct that a caller sets through a setter, in a struct that also
/// has a required field (so making it required keeps the struct's derives), which is not
/// the idempotency key and has a description.
struct Target<'a> {
    service: &'a Service,
    ty: &'a NamedType,
    field: &'a Field,
}

impl Target<'_> {
    fn path(&self, member: &str) -> String {
        format!("{}::{}::{member}", self.service.name, self.ty.name)
    }
}

fn optional_request_field(set: &SpecSet) -> Target<'_> {
    let sources = real_spec();
    // The edits below rewrite `type: string` and `doc: <description>` as written.
    let editable = |field: &Field| {
        let Some(source) = sources.iter().find(|f| f.path == field.origin.file) else {
            return false;
        };
        let lines: Vec<&str> = source.text.lines().collect();
        let text = lines[block(&source.text, field.origin.line)].join("\n");
        text.contains("type: string")
            && field
                .description
                .as_ref()
                .is_some_and(|d| text.contains(&format!("doc: {d}")))
    };
    for service in &set.services {
        for endpoint in &service.endpoints {
            let Some(ty) = service.named_type(&endpoint.request) else {
                continue;
            };
            let fields = fields(ty);
            if !fields.iter().any(|f| f.required) {
                continue;
            }
            let chosen = fields.iter().find(|f| {
                !f.required
                    && !f.computed
                    && matches!(f.ty, TypeExpr::String { .. })
                    && f.description.is_some()
                    && f.aliases.is_empty()
                    && endpoint.idempotency_key.as_deref() != Some(f.wire_name.as_str())
                    && editable(f)
            });
            if let Some(field) = chosen {
                return Target { service, ty, field };
            }
        }
    }
    panic!("the spec has no optional string request field to edit")
}

/// The lines of the YAML block of the key at 1-based `line`: the key's line and every
/// following line indented deeper (or blank).
fn block(text: &str, line: usize) -> std::ops::Range<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let start = line - 1;
    let own = indent(lines[start]);
    let mut end = start + 1;
    while end < lines.len() && (lines[end].trim().is_empty() || indent(lines[end]) > own) {
        end += 1;
    }
    while end > start + 1 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    start..end
}

fn with_lines(text: &str, edit: impl FnOnce(&mut Vec<String>)) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    edit(&mut lines);
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// `sources` with file `file` passed through `edit`.
fn edit_file(
    mut sources: Vec<SourceFile>,
    file: &str,
    edit: impl FnOnce(&str) -> String,
) -> Vec<SourceFile> {
    let source = common::file_mut(&mut sources, file);
    let edited = edit(&source.text);
    assert_ne!(edited, source.text, "the edit of {file} changed nothing");
    source.text = edited;
    sources
}

/// Adds `key: value` to the mapping of the field declared at `line`, in block or flow style.
fn add_key(text: &str, line: usize, key: &str, value: &str) -> String {
    with_lines(text, |lines| {
        let head = &lines[line - 1];
        if let Some(brace) = head.find('{') {
            let mut head = head.clone();
            head.insert_str(brace + 1, &format!("{key}: {value}, "));
            lines[line - 1] = head;
        } else {
            let child = lines[line..]
                .iter()
                .find(|l| !l.trim().is_empty())
                .map_or(0, |l| l.len() - l.trim_start().len());
            lines.insert(line, format!("{}{key}: {value}", " ".repeat(child)));
        }
    })
}

/// Replaces the first `from` within the block of the field declared at `line`.
fn replace_in_block(text: &str, line: usize, from: &str, to: &str) -> String {
    let range = block(text, line);
    with_lines(text, |lines| {
        let at = range
            .clone()
            .find(|&i| lines[i].contains(from))
            .unwrap_or_else(|| panic!("`{from}` not in the block at line {line}"));
        lines[at] = lines[at].replacen(from, to, 1);
    })
}

// ---- The committed spec ----

#[test]
fn the_committed_spec_has_no_changes_against_itself_or_generated() {
    let spec = surface_of_spec(&workspace().join("spec")).expect("committed spec");
    assert!(compare(&spec, &spec).is_empty());
    let on_disk = generated_on_disk();
    let committed = surface(&on_disk).expect("generated/ parses");
    assert_eq!(
        compare(&committed, &spec),
        Vec::new(),
        "generated/ is the committed spec's output"
    );
    assert!(render(&[], "generated").contains("no public item changed"));
}

fn generated_on_disk() -> Vec<GeneratedFile> {
    let dir = workspace().join("generated");
    let mut files: Vec<GeneratedFile> = fs::read_dir(&dir)
        .expect("generated/")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .map(|path| GeneratedFile {
            path: path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
            contents: fs::read_to_string(&path).expect("generated file"),
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Everything `pub` in `generated/` as (file, line, name), found by a walk that shares
/// nothing with the surface's, plus every trait impl (derived or written out).
#[derive(Default)]
struct PubItems {
    file: String,
    named: BTreeSet<(String, usize, String)>,
    trait_impls: BTreeSet<(String, usize, String)>,
}

impl PubItems {
    fn note(&mut self, span: proc_macro2::Span, name: String) {
        self.named
            .insert((self.file.clone(), span.start().line, name));
    }

    fn derives(&mut self, attrs: &[syn::Attribute]) {
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            attr.parse_nested_meta(|meta| {
                let name = meta.path.segments.last().expect("a name").ident.to_string();
                self.trait_impls
                    .insert((self.file.clone(), meta.path.span().start().line, name));
                Ok(())
            })
            .expect("derive list");
        }
    }
}

impl<'ast> syn::visit::Visit<'ast> for PubItems {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
        match item {
            syn::Item::Struct(s) if public(&s.vis) => {
                self.note(s.ident.span(), s.ident.to_string());
                self.derives(&s.attrs);
                for field in &s.fields {
                    if let (true, Some(ident)) = (public(&field.vis), &field.ident) {
                        self.note(ident.span(), ident.to_string());
                    }
                }
            }
            syn::Item::Enum(e) if public(&e.vis) => {
                self.note(e.ident.span(), e.ident.to_string());
                self.derives(&e.attrs);
                for variant in &e.variants {
                    self.note(variant.ident.span(), variant.ident.to_string());
                }
            }
            syn::Item::Const(c) if public(&c.vis) => self.note(c.ident.span(), c.ident.to_string()),
            syn::Item::Static(s) if public(&s.vis) => {
                self.note(s.ident.span(), s.ident.to_string())
            }
            syn::Item::Fn(f) if public(&f.vis) => {
                self.note(f.sig.ident.span(), f.sig.ident.to_string())
            }
            syn::Item::Type(t) if public(&t.vis) => self.note(t.ident.span(), t.ident.to_string()),
            syn::Item::Mod(m) if public(&m.vis) => self.note(m.ident.span(), m.ident.to_string()),
            syn::Item::Trait(t) if public(&t.vis) => self.note(t.ident.span(), t.ident.to_string()),
            syn::Item::Impl(imp) => {
                if let Some((_, path, _)) = &imp.trait_ {
                    let name = path.segments.last().expect("a name").ident.to_string();
                    self.trait_impls.insert((
                        self.file.clone(),
                        imp.impl_token.span.start().line,
                        name,
                    ));
                }
                for member in &imp.items {
                    match member {
                        syn::ImplItem::Fn(f) if public(&f.vis) => {
                            self.note(f.sig.ident.span(), f.sig.ident.to_string())
                        }
                        syn::ImplItem::Const(c) if public(&c.vis) => {
                            self.note(c.ident.span(), c.ident.to_string())
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        syn::visit::visit_item(self, item);
    }
}

#[test]
fn the_surface_lists_every_pub_item_of_generated() {
    let files = generated_on_disk();
    let mut walk = PubItems::default();
    for file in &files {
        walk.file = file.path.clone();
        let syntax = syn::parse_file(&file.contents).expect("parses");
        syn::visit::Visit::visit_file(&mut walk, &syntax);
    }
    let listed = surface(&files).expect("generated/ parses");
    let mut named = BTreeSet::new();
    let mut trait_impls = BTreeSet::new();
    for item in listed.items() {
        let entry = (
            item.location.file.clone(),
            item.location.line,
            name_on_line(&item.path, item.kind),
        );
        if item.kind == ItemKind::TraitImpl {
            trait_impls.insert(entry);
        } else {
            named.insert(entry);
        }
    }
    assert!(
        walk.named.len() > 100,
        "the walk found {} items",
        walk.named.len()
    );
    assert_eq!(named, walk.named, "pub items of generated/");
    assert_eq!(trait_impls, walk.trait_impls, "trait impls of generated/");
    assert_eq!(listed.len(), walk.named.len() + walk.trait_impls.len());
}

// ---- One edit at a time ----

#[test]
fn removing_a_field_removes_the_field_and_its_setter() {
    let set = committed();
    let t = optional_request_field(&set);
    let origin = &t.field.origin;
    let edited = edit_file(real_spec(), &origin.file, |text| {
        let range = block(text, origin.line);
        with_lines(text, |lines| {
            lines.drain(range);
        })
    });
    let (_, _, changes) = changes_to(&edited);
    let path = t.path(&t.field.name);
    assert_eq!(
        summary(&changes),
        expect(&[
            (&path, ChangeKind::Removed, ItemKind::Field, true),
            (&path, ChangeKind::Removed, ItemKind::Method, true),
        ]),
        "{}",
        render(&changes, "generated")
    );
    assert!(docs_only(&changes).is_empty(), "{changes:#?}");

    let text = render(&changes, "generated");
    let field = changes
        .iter()
        .find(|c| c.item_kind == ItemKind::Field)
        .expect("the field");
    let at = &field.old.as_ref().expect("old side").location;
    assert!(
        text.contains(&format!(
            "- removed  field {path}: Option<String>  [wire {:?}; sent when set; read as optional]   (generated/{}:{})  BREAKING",
            t.field.wire_name, at.file, at.line
        )),
        "{text}"
    );
    let json = serde_json::to_value(&changes).expect("serialises");
    assert_eq!(json[0]["kind"], "removed");
    assert_eq!(json[0]["breaking"], true);
    assert_eq!(json[0]["path"], path.as_str());
}

#[test]
fn adding_an_optional_field_adds_the_field_and_its_setter_without_breaking() {
    let set = committed();
    let t = optional_request_field(&set);
    let origin = &t.field.origin;
    let edited = edit_file(real_spec(), &origin.file, |text| {
        with_lines(text, |lines| {
            let indent = " ".repeat(origin.column - 1);
            lines.insert(
                origin.line - 1,
                format!("{indent}surface_probe_note: {{type: string, doc: 备注}}"),
            );
        })
    });
    let (_, new, changes) = changes_to(&edited);
    let path = t.path("surface_probe_note");
    assert_eq!(
        summary(&changes),
        expect(&[
            (&path, ChangeKind::Added, ItemKind::Field, false),
            (&path, ChangeKind::Added, ItemKind::Method, false),
        ]),
        "{}",
        render(&changes, "")
    );
    assert!(docs_only(&changes).is_empty(), "{changes:#?}");
    let field = new
        .surface
        .get(&path, ItemKind::Field)
        .expect("the new field");
    assert_eq!(field.signature, "pub surface_probe_note: Option<String>");
    assert!(
        field
            .wire
            .as_deref()
            .is_some_and(|w| w.contains("\"surface_probe_note\"")),
        "{field:?}"
    );
}

#[test]
fn making_a_field_required_changes_its_type_and_constructor_and_drops_its_setter() {
    let set = committed();
    let t = optional_request_field(&set);
    let origin = &t.field.origin;
    let edited = edit_file(real_spec(), &origin.file, |text| {
        add_key(text, origin.line, "required", "true")
    });
    let (_, _, changes) = changes_to(&edited);
    let path = t.path(&t.field.name);
    let new = t.path("new");
    assert_eq!(
        summary(&changes),
        expect(&[
            (&path, ChangeKind::Changed, ItemKind::Field, true),
            (&path, ChangeKind::Removed, ItemKind::Method, true),
            (&new, ChangeKind::Changed, ItemKind::Method, true),
        ]),
        "{}",
        render(&changes, "")
    );
    let constructor = changes
        .iter()
        .find(|c| c.path == new)
        .expect("the constructor");
    assert_eq!(constructor.reason, "new parameter: calls stop compiling");
    let field = changes
        .iter()
        .find(|c| c.path == path && c.item_kind == ItemKind::Field)
        .expect("the field");
    assert!(field.wire, "presence on the wire changed: {field:?}");
}

#[test]
fn changing_a_field_type_changes_the_field_and_its_setter() {
    let set = committed();
    let t = optional_request_field(&set);
    let origin = &t.field.origin;
    let edited = edit_file(real_spec(), &origin.file, |text| {
        if text
            .lines()
            .nth(origin.line - 1)
            .is_some_and(|l| l.contains('{'))
        {
            with_lines(text, |lines| {
                let line = &mut lines[origin.line - 1];
                *line = line.replacen("type: string", "type: integer", 1);
            })
        } else {
            replace_in_block(text, origin.line, "type: string", "type: integer")
        }
    });
    let (_, new, changes) = changes_to(&edited);
    let path = t.path(&t.field.name);
    assert_eq!(
        summary(&changes),
        expect(&[
            (&path, ChangeKind::Changed, ItemKind::Field, true),
            (&path, ChangeKind::Changed, ItemKind::Method, true),
        ]),
        "{}",
        render(&changes, "")
    );
    let field = new.surface.get(&path, ItemKind::Field).expect("field");
    assert!(field.signature.ends_with(": Option<i64>"), "{field:?}");
}

#[test]
fn renaming_a_rust_name_replaces_field_and_setter_and_keeps_the_wire_name() {
    let set = committed();
    // A field that already has a Rust name of its own if the spec has one, else any.
    let renamed = set.services.iter().find_map(|service| {
        service.types.iter().find_map(|ty| {
            fields(ty)
                .iter()
                .find(|f| f.name != f.wire_name && !f.required && !f.computed)
                .map(|field| Target { service, ty, field })
        })
    });
    let t = renamed.unwrap_or_else(|| optional_request_field(&set));
    let origin = &t.field.origin;
    let to = format!("{}_renamed", t.field.name);
    let edited = edit_file(real_spec(), &origin.file, |text| {
        if t.field.name != t.field.wire_name {
            replace_in_block(
                text,
                origin.line,
                &format!("rust_name: {}", t.field.name),
                &format!("rust_name: {to}"),
            )
        } else {
            add_key(text, origin.line, "rust_name", &to)
        }
    });
    let (old, new, changes) = changes_to(&edited);
    let (from, to) = (t.path(&t.field.name), t.path(&to));
    assert_eq!(
        summary(&changes),
        expect(&[
            (&from, ChangeKind::Removed, ItemKind::Field, true),
            (&from, ChangeKind::Removed, ItemKind::Method, true),
            (&to, ChangeKind::Added, ItemKind::Field, false),
            (&to, ChangeKind::Added, ItemKind::Method, false),
        ]),
        "{}",
        render(&changes, "")
    );
    let before = old.surface.get(&from, ItemKind::Field).expect("old field");
    let after = new.surface.get(&to, ItemKind::Field).expect("new field");
    assert_eq!(before.wire, after.wire, "the wire name stays");
    let field_name = t.field.name.as_str();
    for change in &changes {
        let expected = match change.kind {
            ChangeKind::Removed => format!("renamed to `{field_name}_renamed`"),
            _ => format!("renamed from `{field_name}`"),
        };
        assert!(change.reason.starts_with(&expected), "{change:?}");
    }
    assert!(before
        .wire
        .as_deref()
        .is_some_and(|w| w.contains(&format!("{:?}", t.field.wire_name))));
}

#[test]
fn renaming_a_wire_name_only_changes_the_field_on_the_wire() {
    let set = committed();
    let t = optional_request_field(&set);
    let origin = &t.field.origin;
    let wire = &t.field.wire_name;
    let edited = edit_file(real_spec(), &origin.file, |text| {
        let renamed = with_lines(text, |lines| {
            let line = &mut lines[origin.line - 1];
            *line = line.replacen(&format!("{wire}:"), &format!("{wire}_on_wire:"), 1);
        });
        if t.field.name == *wire {
            add_key(&renamed, origin.line, "rust_name", &t.field.name)
        } else {
            renamed
        }
    });
    let (_, _, changes) = changes_to(&edited);
    let path = t.path(&t.field.name);
    assert_eq!(
        summary(&changes),
        expect(&[(&path, ChangeKind::Changed, ItemKind::Field, false)]),
        "{}",
        render(&changes, "")
    );
    let field = &changes
        .iter()
        .find(|c| c.kind == ChangeKind::Changed)
        .expect("field");
    assert!(field.wire, "{field:?}");
    assert!(
        field
            .new
            .as_ref()
            .and_then(|side| side.wire.as_deref())
            .is_some_and(|w| w.starts_with(&format!("wire \"{wire}_on_wire\""))),
        "{field:?}"
    );
    assert!(render(&changes, "").contains(&format!("[wire \"{wire}_on_wire\"")));
}

#[test]
fn adding_an_enum_value_adds_one_variant_with_its_wire_value() {
    let set = committed();
    let sources = real_spec();
    // An enum whose values are a block list, where one more line is one more value.
    let block_list = |ty: &NamedType| {
        sources.iter().any(|f| {
            f.path == ty.origin.file
                && f.text.lines().collect::<Vec<_>>()[block(&f.text, ty.origin.line)]
                    .iter()
                    .any(|l| l.trim() == "values:")
        })
    };
    let (service, ty, values) = set
        .services
        .iter()
        .find_map(|service| {
            service.types.iter().find_map(|ty| match &ty.kind {
                TypeKind::Enum(e) if block_list(ty) => Some((service, ty, e)),
                _ => None,
            })
        })
        .expect("the spec has an enum");
    let value = match values.repr {
        retail_apis_codegen::model::EnumRepr::Integer => "987654".to_owned(),
        retail_apis_codegen::model::EnumRepr::String { .. } => "\"ZQ9\"".to_owned(),
    };
    let origin = &ty.origin;
    let edited = edit_file(real_spec(), &origin.file, |text| {
        let range = block(text, origin.line);
        with_lines(text, |lines| {
            let at = range
                .clone()
                .find(|&i| lines[i].trim() == "values:")
                .expect("a block list of values");
            let indent = lines[at + 1].len() - lines[at + 1].trim_start().len();
            lines.insert(
                at + 1,
                format!(
                    "{}- {{value: {value}, name: SurfaceProbe, doc: 探针}}",
                    " ".repeat(indent)
                ),
            );
        })
    });
    let (_, new, changes) = changes_to(&edited);
    let path = format!("{}::{}::SurfaceProbe", service.name, ty.name);
    assert_eq!(
        summary(&changes),
        expect(&[(&path, ChangeKind::Added, ItemKind::Variant, false)]),
        "{}",
        render(&changes, "")
    );
    let variant = new.surface.get(&path, ItemKind::Variant).expect("variant");
    assert_eq!(
        variant.wire.as_deref(),
        Some(format!("wire {value}").as_str())
    );
    assert!(changes[0].wire);
}

/// The endpoints whose removal leaves every remaining type as it was (used in the same
/// directions), so that only the endpoint's own items go.
fn removable_endpoint(set: &SpecSet) -> (&Service, &Endpoint) {
    for service in set.services.iter().filter(|s| s.endpoints.len() > 1) {
        for endpoint in service.endpoints.iter().rev() {
            let sources: Vec<SourceFile> = real_spec()
                .into_iter()
                .filter(|f| f.path != endpoint.origin.file)
                .collect();
            let Ok(after) = load_sources(&sources) else {
                continue;
            };
            let Some(remaining) = after.service(&service.name) else {
                continue;
            };
            let unchanged = remaining.types.iter().all(|ty| {
                service.named_type(&ty.name).is_some_and(|was| {
                    was.in_request == ty.in_request && was.in_response == ty.in_response
                })
            });
            if unchanged {
                return (service, endpoint);
            }
        }
    }
    panic!("no endpoint of the spec can be removed alone")
}

#[test]
fn removing_an_endpoint_removes_its_call_descriptor_and_types_as_a_few_items() {
    let set = committed();
    let (service, endpoint) = removable_endpoint(&set);
    let edited: Vec<SourceFile> = real_spec()
        .into_iter()
        .filter(|f| f.path != endpoint.origin.file)
        .collect();
    let (_, new, changes) = changes_to(&edited);
    let s = &service.name;
    let remaining = new.set.service(s).expect("the service stays");
    let client = format!("{s}::Client::{}", endpoint.operation);
    let descriptor = format!("{s}::endpoints::{}", endpoint.operation.to_uppercase());
    let endpoints = format!("{s}::ENDPOINTS");
    let mut expected = expect(&[
        (&client, ChangeKind::Removed, ItemKind::Method, true),
        (&descriptor, ChangeKind::Removed, ItemKind::Const, true),
        (&endpoints, ChangeKind::Changed, ItemKind::Const, false),
        ("SPEC_FILES", ChangeKind::Changed, ItemKind::Const, false),
    ]);
    for ty in &service.types {
        if remaining.named_type(&ty.name).is_none() {
            let kind = match ty.kind {
                TypeKind::Struct(_) => ItemKind::Struct,
                TypeKind::Enum(_) => ItemKind::Enum,
            };
            expected.insert((format!("{s}::{}", ty.name), ChangeKind::Removed, kind, true));
        }
    }
    assert_eq!(summary(&changes), expected, "{}", render(&changes, ""));
    let request = changes
        .iter()
        .find(|c| c.path == format!("{s}::{}", endpoint.request))
        .expect("the request type");
    assert!(
        request.members > 0,
        "its fields and impls go with it: {request:?}"
    );
}

#[test]
fn adding_an_endpoint_adds_its_call_descriptor_and_types_without_breaking() {
    let set = committed();
    let service = &set.services[0];
    let file = format!("{}/endpoints/surface_probe.yaml", service.name);
    let yaml = format!(
        "operation: surface_probe\nsummary: 探针\nmethod: POST\npath: /{}/surface_probe\n\
         request:\n  fields:\n    probe_id: {{type: string, required: true, doc: 探针}}\n    \
         note: {{type: string, doc: 备注}}\nresponse:\n  fields:\n    echoed: {{type: string, doc: 回显}}\n",
        service.name
    );
    let edited = common::with_file(real_spec(), &file, &yaml);
    let (_, new, changes) = changes_to(&edited);
    let s = &service.name;
    let endpoint = new
        .set
        .service(s)
        .and_then(|svc| svc.endpoint("surface_probe"))
        .expect("the new endpoint");
    let TypeExpr::Named(response) = &endpoint.response else {
        panic!("a named response type: {:?}", endpoint.response)
    };
    let request = format!("{s}::{}", endpoint.request);
    let response = format!("{s}::{response}");
    let client = format!("{s}::Client::surface_probe");
    let endpoints = format!("{s}::ENDPOINTS");
    assert_eq!(
        summary(&changes),
        expect(&[
            (&client, ChangeKind::Added, ItemKind::Method, false),
            (
                &format!("{s}::endpoints::SURFACE_PROBE"),
                ChangeKind::Added,
                ItemKind::Const,
                false
            ),
            (&request, ChangeKind::Added, ItemKind::Struct, false),
            (&response, ChangeKind::Added, ItemKind::Struct, false),
            (&endpoints, ChangeKind::Changed, ItemKind::Const, false),
            ("SPEC_FILES", ChangeKind::Changed, ItemKind::Const, false),
        ]),
        "{}",
        render(&changes, "")
    );
    let added = changes.iter().find(|c| c.path == request).expect("request");
    // Two fields, a constructor, one setter and the trait impls come with it.
    assert!(added.members >= 4, "{added:?}");
    let text = render(&changes, "generated");
    assert!(
        text.contains(&format!(
            "+ added    async fn {client}(&self, &{}) -> Result<{}, rt::Error>",
            endpoint.request,
            response.rsplit("::").next().expect("name")
        )),
        "{text}"
    );
}

#[test]
fn changing_only_a_doc_string_reports_docs_and_nothing_breaking() {
    let set = committed();
    let t = optional_request_field(&set);
    let origin = &t.field.origin;
    let description = t.field.description.as_deref().expect("described");
    let edited = edit_file(real_spec(), &origin.file, |text| {
        replace_in_block(
            text,
            origin.line,
            &format!("doc: {description}"),
            &format!("doc: {description}（已改）"),
        )
    });
    let (_, _, changes) = changes_to(&edited);
    let path = t.path(&t.field.name);
    assert_eq!(summary(&changes), BTreeSet::new(), "{changes:#?}");
    assert_eq!(
        docs_only(&changes),
        [(path.clone(), ItemKind::Field), (path, ItemKind::Method)]
            .into_iter()
            .collect()
    );
    assert!(changes.iter().all(|c| !c.breaking && !c.wire));
    let text = render(&changes, "generated");
    assert!(
        text.contains("docs changed: 2 item(s), nothing else"),
        "{text}"
    );
    assert!(text.contains("0 item(s) changed, 0 breaking"), "{text}");
}

// ---- Rules the committed generator never exercises, on hand-written code ----

fn hand_written(root: &str, module: &str) -> ApiSurface {
    surface(&[
        GeneratedFile {
            path: "mod.rs".to_owned(),
            contents: root.to_owned(),
        },
        GeneratedFile {
            path: "m.rs".to_owned(),
            contents: module.to_owned(),
        },
    ])
    .expect("parses")
}

fn between(old: &str, new: &str) -> BTreeSet<Summary> {
    let root = "pub mod m;\nmod hidden { pub struct Hidden; }\n";
    summary(&compare(&hand_written(root, old), &hand_written(root, new)))
}

#[test]
fn additions_break_exhaustive_types_only() {
    assert_eq!(
        between(
            "pub struct Open { pub a: i64 }\n#[non_exhaustive] pub struct Closed { pub a: i64 }\npub struct Sealed { pub a: i64, b: i64 }\npub enum E { A }\n#[non_exhaustive] pub enum F { A }",
            "pub struct Open { pub a: i64, pub b: i64 }\n#[non_exhaustive] pub struct Closed { pub a: i64, pub b: i64 }\npub struct Sealed { pub a: i64, pub c: i64, b: i64 }\npub enum E { A, B }\n#[non_exhaustive] pub enum F { A, B }",
        ),
        expect(&[
            ("m::Open::b", ChangeKind::Added, ItemKind::Field, true),
            ("m::Closed::b", ChangeKind::Added, ItemKind::Field, false),
            ("m::Sealed::c", ChangeKind::Added, ItemKind::Field, false),
            ("m::E::B", ChangeKind::Added, ItemKind::Variant, true),
            ("m::F::B", ChangeKind::Added, ItemKind::Variant, false),
        ])
    );
}

#[test]
fn attributes_derives_wire_renames_and_parameter_names() {
    let old = "#[non_exhaustive] #[derive(Clone, Default)] pub struct S { #[serde(rename = \"a\")] pub a: i64 }\n\
               impl S { pub fn set(self, value: i64) -> Self { self } }";
    let new = "#[derive(Clone)] pub struct S { #[serde(rename = \"A\")] pub a: i64 }\n\
               impl S { pub fn set(self, renamed: i64) -> Self { self } }";
    assert_eq!(
        between(old, new),
        expect(&[
            ("m::S", ChangeKind::Changed, ItemKind::Struct, true),
            (
                "m::S::<impl Default>",
                ChangeKind::Removed,
                ItemKind::TraitImpl,
                true
            ),
            ("m::S::a", ChangeKind::Changed, ItemKind::Field, false),
            ("m::S::set", ChangeKind::Changed, ItemKind::Method, false),
        ])
    );
    let root = "pub mod m;\n";
    let changes = compare(&hand_written(root, old), &hand_written(root, new));
    let field = changes.iter().find(|c| c.path == "m::S::a").expect("field");
    assert!(field.wire);
    assert_eq!(
        field.new.as_ref().and_then(|s| s.wire.as_deref()),
        Some("serde(rename = \"A\")")
    );
    let hidden = hand_written("pub mod m;\nmod hidden;\n", "pub struct S;");
    assert!(hidden.items().all(|i| !i.path.starts_with("hidden")));
    assert!(hidden.get("m::S", ItemKind::Struct).is_some());
}

#[test]
fn wire_values_serializer_names_and_cfg_gates() {
    let old = "pub enum E { A }\n\
               impl E { pub fn as_str(&self) -> &'static str { match self { Self::A => \"1\" } } }\n\
               pub struct S { pub a: Option<i64> }\n\
               impl serde::Serialize for S { fn serialize(&self) { if let Some(value) = &self.a { map.serialize_entry(\"a\", value)?; } } }\n\
               #[cfg(feature = \"x\")] impl Clone for S {}";
    let new = "pub enum E { A }\n\
               impl E { pub fn as_str(&self) -> &'static str { match self { Self::A => \"01\" } } }\n\
               pub struct S { pub a: Option<i64> }\n\
               #[cfg(feature = \"full-serde\")]\n\
               impl serde::Serialize for S { fn serialize(&self) { map.serialize_entry(\"b\", &self.a)?; } }\n\
               impl Clone for S {}";
    assert_eq!(
        between(old, new),
        expect(&[
            ("m::E::A", ChangeKind::Changed, ItemKind::Variant, false),
            (
                "m::S::<impl Clone>",
                ChangeKind::Changed,
                ItemKind::TraitImpl,
                false
            ),
            (
                "m::S::<impl serde::Serialize>",
                ChangeKind::Changed,
                ItemKind::TraitImpl,
                true
            ),
            ("m::S::a", ChangeKind::Changed, ItemKind::Field, false),
        ])
    );
    let root = "pub mod m;\n";
    let (before, after) = (hand_written(root, old), hand_written(root, new));
    let wire = |s: &ApiSurface, path: &str, kind| s.get(path, kind).and_then(|i| i.wire.clone());
    assert_eq!(
        wire(&before, "m::E::A", ItemKind::Variant).as_deref(),
        Some("wire \"1\"")
    );
    assert_eq!(
        wire(&after, "m::E::A", ItemKind::Variant).as_deref(),
        Some("wire \"01\"")
    );
    assert_eq!(
        wire(&before, "m::S::a", ItemKind::Field).as_deref(),
        Some("wire \"a\"; sent when set")
    );
    assert_eq!(
        wire(&after, "m::S::a", ItemKind::Field).as_deref(),
        Some("wire \"b\"; sent always")
    );
}

#[test]
fn unparsable_code_is_an_error_naming_the_file_and_line() {
    let error = surface(&[GeneratedFile {
        path: "jdy.rs".to_owned(),
        contents: "pub struct A;\npub struct {\n".to_owned(),
    }])
    .expect_err("not Rust");
    let text = error.to_string();
    assert!(text.starts_with("jdy.rs:2: not valid Rust"), "{text}");
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(matches!(
        surface_of_spec(&dir.path().join("missing")),
        Err(retail_apis_codegen::SurfaceError::Load(_))
    ));
}
