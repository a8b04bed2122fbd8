//! Walks the syntax tree of generated files and lists every item a user of the generated
//! crate can name.

use std::collections::BTreeSet;

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Fields, FnArg, Pat, Visibility};

use super::item::{Facts, Item, ItemKind, Location};
use super::tokens;
use super::wire::{self, WireFacts};

/// The items of one file, and what the file says about modules.
#[derive(Default)]
pub(super) struct FileItems {
    pub(super) items: Vec<Item>,
    /// The file's own `//!` docs, which belong to the module that declares it.
    pub(super) inner_docs: String,
    /// Modules declared without `pub` (`mod x;`): nothing in them can be named.
    pub(super) private_modules: Vec<String>,
}

/// The module a generated file is, from its path: `mod.rs` is the root, `jdy.rs` and
/// `jdy/mod.rs` are `jdy`.
pub(super) fn module_of(file: &str) -> String {
    let stem = file.strip_suffix(".rs").unwrap_or(file);
    let mut parts: Vec<&str> = stem.split('/').filter(|p| !p.is_empty()).collect();
    if matches!(parts.last(), Some(&"mod") | Some(&"lib")) {
        parts.pop();
    }
    parts.join("::")
}

/// Lists the public items of `syntax`, the parsed text of `file`.
pub(super) fn collect_file(file: &str, syntax: &syn::File) -> FileItems {
    let mut walker = Walker {
        file,
        out: FileItems {
            inner_docs: docs(&syntax.attrs),
            ..FileItems::default()
        },
    };
    walker.module(&module_of(file), &syntax.items);
    walker.out
}

/// An item as the walk finds it; its docs and location come from its attributes and span.
struct Entry {
    path: String,
    kind: ItemKind,
    signature: String,
    brief: String,
    wire: Option<String>,
    parent: Option<String>,
    facts: Facts,
}

struct Walker<'a> {
    file: &'a str,
    out: FileItems,
}

fn join(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_owned()
    } else {
        format!("{module}::{name}")
    }
}

fn parent_of(module: &str) -> Option<String> {
    (!module.is_empty()).then(|| module.to_owned())
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// The doc comment, one line per `///` line.
pub(super) fn docs(attrs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in attrs {
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if nv.path.is_ident("doc") {
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &nv.value
                {
                    lines.push(s.value());
                }
            }
        }
    }
    lines.join("\n")
}

/// `#[cfg(...)]` attributes, as text.
fn cfg(attrs: &[Attribute]) -> Option<String> {
    let cfgs: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(tokens::text)
        .collect();
    (!cfgs.is_empty()).then(|| cfgs.join(" "))
}

/// The attributes callers compile against, as a prefix of the signature.
fn visible_attrs(attrs: &[Attribute]) -> String {
    let mut out = String::new();
    for attr in attrs {
        let path = attr.path();
        let shown = ["cfg", "non_exhaustive", "repr", "deprecated"]
            .iter()
            .any(|name| path.is_ident(name))
            || (path.is_ident("doc") && tokens::text(&attr.meta).contains("hidden"));
        if shown {
            out.push_str(&tokens::text(attr));
            out.push(' ');
        }
    }
    out
}

fn has_attr(attrs: &[Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(name))
}

fn line(span: Span) -> usize {
    span.start().line
}

impl Walker<'_> {
    fn location(&self, span: Span) -> Location {
        Location {
            file: self.file.to_owned(),
            line: line(span),
        }
    }

    fn push(&mut self, entry: Entry, attrs: &[Attribute], span: Span) {
        let item = Item {
            path: entry.path,
            kind: entry.kind,
            signature: entry.signature,
            brief: entry.brief,
            wire: entry.wire,
            docs: docs(attrs),
            location: self.location(span),
            parent: entry.parent,
            facts: entry.facts,
        };
        self.out.items.push(item);
    }

    fn module(&mut self, module: &str, items: &[syn::Item]) {
        let facts = WireFacts::read(items);
        // Impls of private types add nothing callers can name.
        let public_types: BTreeSet<String> = items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(s) if is_pub(&s.vis) => Some(s.ident.to_string()),
                syn::Item::Enum(e) if is_pub(&e.vis) => Some(e.ident.to_string()),
                syn::Item::Union(u) if is_pub(&u.vis) => Some(u.ident.to_string()),
                syn::Item::Type(t) if is_pub(&t.vis) => Some(t.ident.to_string()),
                _ => None,
            })
            .collect();
        for item in items {
            self.item(module, item, &facts, &public_types);
        }
    }

    fn item(
        &mut self,
        module: &str,
        item: &syn::Item,
        facts: &WireFacts,
        public_types: &BTreeSet<String>,
    ) {
        match item {
            syn::Item::Mod(m) => {
                let path = join(module, &m.ident.to_string());
                if !is_pub(&m.vis) {
                    self.out.private_modules.push(path);
                    return;
                }
                let signature = format!("{}pub mod {}", visible_attrs(&m.attrs), m.ident);
                self.push(
                    Entry {
                        path: path.clone(),
                        kind: ItemKind::Module,
                        signature,
                        brief: String::new(),
                        wire: None,
                        parent: parent_of(module),
                        facts: Facts {
                            cfg: cfg(&m.attrs),
                            ..Facts::default()
                        },
                    },
                    &m.attrs,
                    m.ident.span(),
                );
                if let Some((_, items)) = &m.content {
                    self.module(&path, items);
                }
            }
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                let path = join(module, &s.ident.to_string());
                let name = s.ident.to_string();
                let private_fields = s.fields.iter().any(|f| !is_pub(&f.vis));
                let generics = generics_text(&s.generics);
                self.push(
                    Entry {
                        path: path.clone(),
                        kind: ItemKind::Struct,
                        signature: format!(
                            "{}pub struct {name}{generics}",
                            visible_attrs(&s.attrs)
                        ),
                        brief: generics,
                        wire: none_if_empty(wire::serde_attrs(&s.attrs).join("; ")),
                        parent: parent_of(module),
                        facts: Facts {
                            non_exhaustive: has_attr(&s.attrs, "non_exhaustive"),
                            private_fields,
                            cfg: cfg(&s.attrs),
                            ..Facts::default()
                        },
                    },
                    &s.attrs,
                    s.ident.span(),
                );
                self.derives(&path, &name, &s.attrs);
                self.fields(&path, &name, &s.fields, facts);
            }
            syn::Item::Union(u) if is_pub(&u.vis) => {
                let path = join(module, &u.ident.to_string());
                let name = u.ident.to_string();
                let generics = generics_text(&u.generics);
                self.push(
                    Entry {
                        path: path.clone(),
                        kind: ItemKind::Union,
                        signature: format!("{}pub union {name}{generics}", visible_attrs(&u.attrs)),
                        brief: generics,
                        wire: None,
                        parent: parent_of(module),
                        facts: Facts {
                            private_fields: u.fields.named.iter().any(|f| !is_pub(&f.vis)),
                            cfg: cfg(&u.attrs),
                            ..Facts::default()
                        },
                    },
                    &u.attrs,
                    u.ident.span(),
                );
                self.derives(&path, &name, &u.attrs);
                self.fields(&path, &name, &Fields::Named(u.fields.clone()), facts);
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                let path = join(module, &e.ident.to_string());
                let name = e.ident.to_string();
                let generics = generics_text(&e.generics);
                self.push(
                    Entry {
                        path: path.clone(),
                        kind: ItemKind::Enum,
                        signature: format!("{}pub enum {name}{generics}", visible_attrs(&e.attrs)),
                        brief: generics,
                        wire: none_if_empty(wire::serde_attrs(&e.attrs).join("; ")),
                        parent: parent_of(module),
                        facts: Facts {
                            non_exhaustive: has_attr(&e.attrs, "non_exhaustive"),
                            cfg: cfg(&e.attrs),
                            ..Facts::default()
                        },
                    },
                    &e.attrs,
                    e.ident.span(),
                );
                self.derives(&path, &name, &e.attrs);
                for variant in &e.variants {
                    let mut signature = variant.ident.to_string();
                    let shape = match &variant.fields {
                        Fields::Unit => String::new(),
                        fields => tokens::text(fields),
                    };
                    if !shape.is_empty() {
                        if matches!(variant.fields, Fields::Named(_)) {
                            signature.push(' ');
                        }
                        signature.push_str(&shape);
                    }
                    if let Some((_, discriminant)) = &variant.discriminant {
                        signature.push_str(" = ");
                        signature.push_str(&tokens::text(discriminant));
                    }
                    let brief = signature[variant.ident.to_string().len()..].to_owned();
                    self.push(
                        Entry {
                            path: join(&path, &variant.ident.to_string()),
                            kind: ItemKind::Variant,
                            signature: format!("{}{signature}", visible_attrs(&variant.attrs)),
                            brief,
                            wire: facts.variant(&name, &variant.ident.to_string(), &variant.attrs),
                            parent: Some(path.clone()),
                            facts: Facts {
                                cfg: cfg(&variant.attrs),
                                ..Facts::default()
                            },
                        },
                        &variant.attrs,
                        variant.ident.span(),
                    );
                }
            }
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                let path = join(module, &t.ident.to_string());
                let mut head = t.clone();
                head.attrs.clear();
                head.items.clear();
                let signature = format!("{}{}", visible_attrs(&t.attrs), tokens::text(&head))
                    .trim_end_matches("{}")
                    .trim_end()
                    .to_owned();
                self.push(
                    Entry {
                        path: path.clone(),
                        kind: ItemKind::Trait,
                        signature,
                        brief: String::new(),
                        wire: None,
                        parent: parent_of(module),
                        facts: Facts {
                            cfg: cfg(&t.attrs),
                            ..Facts::default()
                        },
                    },
                    &t.attrs,
                    t.ident.span(),
                );
                for member in &t.items {
                    match member {
                        syn::TraitItem::Fn(f) => {
                            self.callable(&path, ItemKind::Method, &f.sig, &f.attrs, "")
                        }
                        syn::TraitItem::Const(c) => self.constant(
                            &path,
                            &c.ident,
                            &c.ty,
                            c.default.as_ref().map(|(_, e)| e),
                            &c.attrs,
                            ItemKind::Const,
                        ),
                        syn::TraitItem::Type(ty) => {
                            let mut head = ty.clone();
                            head.attrs.clear();
                            self.push(
                                Entry {
                                    path: join(&path, &ty.ident.to_string()),
                                    kind: ItemKind::TypeAlias,
                                    signature: tokens::text(&head),
                                    brief: String::new(),
                                    wire: None,
                                    parent: Some(path.clone()),
                                    facts: Facts::default(),
                                },
                                &ty.attrs,
                                ty.ident.span(),
                            );
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                let generics = generics_text(&t.generics);
                let brief = format!("{generics} = {}", tokens::text(&t.ty));
                self.push(
                    Entry {
                        path: join(module, &t.ident.to_string()),
                        kind: ItemKind::TypeAlias,
                        signature: format!(
                            "{}pub type {}{brief}",
                            visible_attrs(&t.attrs),
                            t.ident
                        ),
                        brief,
                        wire: None,
                        parent: parent_of(module),
                        facts: Facts {
                            cfg: cfg(&t.attrs),
                            ..Facts::default()
                        },
                    },
                    &t.attrs,
                    t.ident.span(),
                );
            }
            syn::Item::Const(c) if is_pub(&c.vis) => {
                self.constant(
                    module,
                    &c.ident,
                    &c.ty,
                    Some(&c.expr),
                    &c.attrs,
                    ItemKind::Const,
                );
            }
            syn::Item::Static(s) if is_pub(&s.vis) => {
                self.constant(
                    module,
                    &s.ident,
                    &s.ty,
                    Some(&s.expr),
                    &s.attrs,
                    ItemKind::Static,
                );
            }
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                self.callable(module, ItemKind::Fn, &f.sig, &f.attrs, "pub ");
            }
            syn::Item::Use(u) if is_pub(&u.vis) => {
                let tree = tokens::text(&u.tree);
                self.push(
                    Entry {
                        path: join(module, &tree),
                        kind: ItemKind::Use,
                        signature: format!("{}pub use {tree}", visible_attrs(&u.attrs)),
                        brief: String::new(),
                        wire: None,
                        parent: parent_of(module),
                        facts: Facts {
                            cfg: cfg(&u.attrs),
                            ..Facts::default()
                        },
                    },
                    &u.attrs,
                    u.use_token.span,
                );
            }
            syn::Item::Impl(imp) => self.impl_block(module, imp, public_types),
            _ => {}
        }
    }

    /// Each derived trait, as a trait impl of `path`.
    fn derives(&mut self, path: &str, name: &str, attrs: &[Attribute]) {
        let type_cfg = cfg(attrs);
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            let Ok(traits) =
                attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            else {
                continue;
            };
            for trait_path in traits {
                let name_of_trait = tokens::text(&trait_path);
                self.push(
                    Entry {
                        path: format!("{path}::<impl {name_of_trait}>"),
                        kind: ItemKind::TraitImpl,
                        signature: format!("impl {name_of_trait} for {name}"),
                        brief: name_of_trait,
                        wire: None,
                        parent: Some(path.to_owned()),
                        facts: Facts {
                            cfg: type_cfg.clone(),
                            ..Facts::default()
                        },
                    },
                    &[],
                    trait_path.span(),
                );
            }
        }
    }

    fn fields(&mut self, path: &str, name: &str, fields: &Fields, facts: &WireFacts) {
        for (index, field) in fields.iter().enumerate() {
            if !is_pub(&field.vis) {
                continue;
            }
            let member = field
                .ident
                .as_ref()
                .map_or_else(|| index.to_string(), ToString::to_string);
            let ty = tokens::text(&field.ty);
            let span = field
                .ident
                .as_ref()
                .map_or_else(|| field.ty.span(), |i| i.span());
            self.push(
                Entry {
                    path: join(path, &member),
                    kind: ItemKind::Field,
                    signature: format!("{}pub {member}: {ty}", visible_attrs(&field.attrs)),
                    brief: format!(": {ty}"),
                    wire: facts.field(name, &member, &field.attrs),
                    parent: Some(path.to_owned()),
                    facts: Facts {
                        cfg: cfg(&field.attrs),
                        ..Facts::default()
                    },
                },
                &field.attrs,
                span,
            );
        }
    }

    fn constant(
        &mut self,
        owner: &str,
        ident: &syn::Ident,
        ty: &syn::Type,
        value: Option<&syn::Expr>,
        attrs: &[Attribute],
        kind: ItemKind,
    ) {
        let ty = tokens::text(ty);
        let keyword = if kind == ItemKind::Static {
            "static"
        } else {
            "const"
        };
        self.push(
            Entry {
                path: join(owner, &ident.to_string()),
                kind,
                signature: format!("{}pub {keyword} {ident}: {ty}", visible_attrs(attrs)),
                brief: format!(": {ty}"),
                wire: value.map(|v| format!("= {}", tokens::text(v))),
                parent: parent_of(owner),
                facts: Facts {
                    cfg: cfg(attrs),
                    ..Facts::default()
                },
            },
            attrs,
            ident.span(),
        );
    }

    /// A fn or method: the signature without `mut` on parameters (the callee's business),
    /// and the types-only form that decides whether calls still compile.
    fn callable(
        &mut self,
        owner: &str,
        kind: ItemKind,
        sig: &syn::Signature,
        attrs: &[Attribute],
        vis: &str,
    ) {
        let mut shown = sig.clone();
        let mut types = Vec::with_capacity(sig.inputs.len());
        for input in shown.inputs.iter_mut() {
            match input {
                FnArg::Receiver(receiver) => {
                    if receiver.reference.is_none() {
                        receiver.mutability = None;
                    }
                    let mut bare = receiver.clone();
                    bare.attrs.clear();
                    types.push(tokens::text(&bare));
                }
                FnArg::Typed(typed) => {
                    if let Pat::Ident(ident) = &mut *typed.pat {
                        ident.mutability = None;
                    }
                    types.push(tokens::text(&typed.ty));
                }
            }
        }
        let ret = match &sig.output {
            syn::ReturnType::Default => String::new(),
            syn::ReturnType::Type(_, ty) => format!(" -> {}", tokens::text(ty)),
        };
        let where_clause = sig
            .generics
            .where_clause
            .as_ref()
            .map(|w| format!(" {}", tokens::text(w)))
            .unwrap_or_default();
        let mut qualifiers = String::new();
        for (present, word) in [
            (sig.constness.is_some(), "const "),
            (sig.asyncness.is_some(), "async "),
            (sig.unsafety.is_some(), "unsafe "),
        ] {
            if present {
                qualifiers.push_str(word);
            }
        }
        let brief = format!(
            "{}({}){ret}{where_clause}",
            generics_text(&sig.generics),
            types.join(", ")
        );
        self.push(
            Entry {
                path: join(owner, &sig.ident.to_string()),
                kind,
                signature: format!("{}{vis}{}", visible_attrs(attrs), tokens::text(&shown)),
                brief: brief.clone(),
                wire: None,
                parent: parent_of(owner),
                facts: Facts {
                    cfg: cfg(attrs),
                    callable: Some(format!("{qualifiers}fn{brief}")),
                    params: sig.inputs.len(),
                    ..Facts::default()
                },
            },
            attrs,
            sig.ident.span(),
        );
    }

    fn impl_block(&mut self, module: &str, imp: &syn::ItemImpl, public_types: &BTreeSet<String>) {
        let Some(name) = wire::self_type_name(&imp.self_ty) else {
            return;
        };
        if !public_types.contains(&name) {
            return;
        }
        let path = join(module, &name);
        match &imp.trait_ {
            Some((negative, trait_path, _)) => {
                let trait_text = format!(
                    "{}{}",
                    if negative.is_some() { "!" } else { "" },
                    tokens::text(trait_path)
                );
                let unsafety = if imp.unsafety.is_some() {
                    "unsafe "
                } else {
                    ""
                };
                let generics = generics_text(&imp.generics);
                let where_clause = imp
                    .generics
                    .where_clause
                    .as_ref()
                    .map(|w| format!(" {}", tokens::text(w)))
                    .unwrap_or_default();
                self.push(
                    Entry {
                        path: format!("{path}::<impl {trait_text}>"),
                        kind: ItemKind::TraitImpl,
                        signature: format!(
                            "{}{unsafety}impl{generics} {trait_text} for {}{where_clause}",
                            visible_attrs(&imp.attrs),
                            tokens::text(&imp.self_ty)
                        ),
                        brief: trait_text,
                        wire: None,
                        parent: Some(path),
                        facts: Facts {
                            cfg: cfg(&imp.attrs),
                            ..Facts::default()
                        },
                    },
                    &imp.attrs,
                    imp.impl_token.span,
                );
            }
            None => {
                for member in &imp.items {
                    match member {
                        syn::ImplItem::Fn(f) if is_pub(&f.vis) => {
                            self.callable(&path, ItemKind::Method, &f.sig, &f.attrs, "pub ");
                        }
                        syn::ImplItem::Const(c) if is_pub(&c.vis) => self.constant(
                            &path,
                            &c.ident,
                            &c.ty,
                            Some(&c.expr),
                            &c.attrs,
                            ItemKind::Const,
                        ),
                        syn::ImplItem::Type(t) if is_pub(&t.vis) => {
                            let brief = format!(" = {}", tokens::text(&t.ty));
                            self.push(
                                Entry {
                                    path: join(&path, &t.ident.to_string()),
                                    kind: ItemKind::TypeAlias,
                                    signature: format!("pub type {}{brief}", t.ident),
                                    brief,
                                    wire: None,
                                    parent: Some(path.clone()),
                                    facts: Facts::default(),
                                },
                                &t.attrs,
                                t.ident.span(),
                            );
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

fn generics_text(generics: &syn::Generics) -> String {
    if generics.params.is_empty() {
        String::new()
    } else {
        let mut bare = generics.clone();
        bare.where_clause = None;
        tokens::text(&bare)
    }
}

fn none_if_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}
