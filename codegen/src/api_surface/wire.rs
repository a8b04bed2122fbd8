//! What generated code puts on the wire, read back from its serde code: the wire name,
//! aliases and presence of each field (from written-out `Serialize` / `Deserialize`
//! impls or `#[serde(...)]` attributes) and the wire value of each enum variant (from the
//! `match` arms that encode and decode it). A reviewer sees a wire rename as a change of
//! the item even when the Rust name stays.

use std::collections::{BTreeMap, BTreeSet};

use syn::visit::{self, Visit};
use syn::{Attribute, Expr, ExprLit, Lit, Member, Pat};

use super::tokens;

/// Wire facts of one module, by type name and member name.
#[derive(Default)]
pub(super) struct WireFacts {
    fields: BTreeMap<(String, String), FieldWire>,
    variants: BTreeMap<(String, String), VariantWire>,
}

#[derive(Default)]
struct FieldWire {
    /// Name written by `Serialize`, and whether it is written even when `None`.
    encoded: Option<(String, bool)>,
    /// What `Deserialize` reads.
    decoded: Option<Decoded>,
}

/// How `Deserialize` reads a field.
#[derive(Clone)]
struct Decoded {
    /// The wire name.
    name: String,
    /// Other names accepted.
    aliases: Vec<String>,
    /// The reading method (`required`, `optional`).
    how: String,
}

#[derive(Default)]
struct VariantWire {
    encoded: BTreeSet<String>,
    decoded: BTreeSet<String>,
}

impl WireFacts {
    /// Reads the impls of `items` (one module's items).
    pub(super) fn read(items: &[syn::Item]) -> WireFacts {
        let mut facts = WireFacts::default();
        for item in items {
            let syn::Item::Impl(imp) = item else { continue };
            let Some(ty) = self_type_name(&imp.self_ty) else {
                continue;
            };
            let trait_name = imp
                .trait_
                .as_ref()
                .and_then(|(_, path, _)| path.segments.last())
                .map(|s| s.ident.to_string());
            match trait_name.as_deref() {
                Some("Serialize") => {
                    let mut v = SerializeReader::default();
                    v.visit_item_impl(imp);
                    for (member, wire, always) in v.found {
                        let entry = facts.fields.entry((ty.clone(), member)).or_default();
                        entry.encoded.get_or_insert((wire, always));
                    }
                }
                Some("Deserialize") => {
                    let mut v = DeserializeReader::default();
                    v.visit_item_impl(imp);
                    for (member, read) in v.found {
                        let entry = facts.fields.entry((ty.clone(), member)).or_default();
                        entry.decoded.get_or_insert(read);
                    }
                }
                _ => {}
            }
            let mut arms = ArmReader {
                ty: &ty,
                encoded: Vec::new(),
                decoded: Vec::new(),
            };
            arms.visit_item_impl(imp);
            for (variant, value) in arms.encoded {
                let entry = facts.variants.entry((ty.clone(), variant)).or_default();
                entry.encoded.insert(value);
            }
            for (variant, value) in arms.decoded {
                let entry = facts.variants.entry((ty.clone(), variant)).or_default();
                entry.decoded.insert(value);
            }
        }
        facts
    }

    /// The wire text of field `member` of type `ty`, with its serde attributes.
    pub(super) fn field(&self, ty: &str, member: &str, attrs: &[Attribute]) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(facts) = self.fields.get(&(ty.to_owned(), member.to_owned())) {
            match (&facts.encoded, &facts.decoded) {
                (Some((enc, _)), Some(dec)) if *enc == dec.name => {
                    parts.push(format!("wire {enc:?}"))
                }
                (Some((enc, _)), Some(dec)) => {
                    parts.push(format!("encoded as {enc:?}, decoded from {:?}", dec.name))
                }
                (Some((enc, _)), None) => parts.push(format!("wire {enc:?}")),
                (None, Some(dec)) => parts.push(format!("wire {:?}", dec.name)),
                (None, None) => {}
            }
            if let Some(dec) = &facts.decoded {
                if !dec.aliases.is_empty() {
                    let aliases: Vec<String> =
                        dec.aliases.iter().map(|a| format!("{a:?}")).collect();
                    parts.push(format!("also read as {}", aliases.join(", ")));
                }
            }
            if let Some((_, always)) = &facts.encoded {
                parts.push(
                    if *always {
                        "sent always"
                    } else {
                        "sent when set"
                    }
                    .to_owned(),
                );
            }
            if let Some(dec) = &facts.decoded {
                parts.push(format!("read as {}", dec.how));
            }
        }
        parts.extend(serde_attrs(attrs));
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// The wire text of `variant` of enum `ty`, with its serde attributes.
    pub(super) fn variant(&self, ty: &str, variant: &str, attrs: &[Attribute]) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(facts) = self.variants.get(&(ty.to_owned(), variant.to_owned())) {
            let list = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(" | ");
            if !facts.encoded.is_empty()
                && (facts.decoded.is_empty() || facts.encoded == facts.decoded)
            {
                parts.push(format!("wire {}", list(&facts.encoded)));
            } else if facts.encoded.is_empty() {
                parts.push(format!("decoded from {}", list(&facts.decoded)));
            } else {
                parts.push(format!(
                    "encoded as {}, decoded from {}",
                    list(&facts.encoded),
                    list(&facts.decoded)
                ));
            }
        }
        parts.extend(serde_attrs(attrs));
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// `#[serde(...)]` attributes as text (`serde(rename = "x")`): wire details of derived
/// impls.
pub(super) fn serde_attrs(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .map(|a| tokens::text(&a.meta))
        .collect()
}

/// The name of a type an impl is for (`RefundSaveRequest` of `RefundSaveRequest<T>`).
pub(super) fn self_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            p.path.segments.last().map(|s| s.ident.to_string())
        }
        syn::Type::Paren(p) => self_type_name(&p.elem),
        syn::Type::Group(g) => self_type_name(&g.elem),
        _ => None,
    }
}

fn string_literal(expr: &Expr) -> Option<String> {
    match strip(expr) {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.value()),
        _ => None,
    }
}

/// `expr` without the references, parentheses, `?` and groups around it.
fn strip(expr: &Expr) -> &Expr {
    match expr {
        Expr::Reference(r) => strip(&r.expr),
        Expr::Paren(p) => strip(&p.expr),
        Expr::Group(g) => strip(&g.expr),
        Expr::Try(t) => strip(&t.expr),
        other => other,
    }
}

/// `f` of `self.f` (or `&self.f`).
fn self_member(expr: &Expr) -> Option<String> {
    match strip(expr) {
        Expr::Field(field) => match (strip(&field.base), &field.member) {
            (Expr::Path(base), Member::Named(name)) if base.path.is_ident("self") => {
                Some(name.to_string())
            }
            _ => None,
        },
        _ => None,
    }
}

/// `serialize_entry("wire", &self.f)` and `if let Some(value) = &self.f {
/// serialize_entry("wire", value) }`, whichever shape the serializer takes.
#[derive(Default)]
struct SerializeReader {
    /// The member an enclosing `if let` took apart.
    scope: Vec<String>,
    found: Vec<(String, String, bool)>,
}

impl<'ast> Visit<'ast> for SerializeReader {
    fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
        let member = match &*e.cond {
            Expr::Let(binding) => self_member(&binding.expr),
            _ => None,
        };
        self.visit_expr(&e.cond);
        let pushed = member.is_some();
        if let Some(member) = member {
            self.scope.push(member);
        }
        self.visit_block(&e.then_branch);
        if pushed {
            self.scope.pop();
        }
        if let Some((_, other)) = &e.else_branch {
            self.visit_expr(other);
        }
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let method = call.method.to_string();
        if matches!(method.as_str(), "serialize_entry" | "serialize_field") && call.args.len() == 2
        {
            if let Some(wire) = call.args.first().and_then(string_literal) {
                if let Some(member) = call.args.get(1).and_then(self_member) {
                    self.found.push((member, wire, true));
                } else if let Some(member) = self.scope.last() {
                    self.found.push((member.clone(), wire, false));
                }
            }
        }
        visit::visit_expr_method_call(self, call);
    }
}

/// `Self { f: fields.required("wire", &["alias"])?, .. }`.
#[derive(Default)]
struct DeserializeReader {
    found: Vec<(String, Decoded)>,
}

impl<'ast> Visit<'ast> for DeserializeReader {
    fn visit_expr_struct(&mut self, e: &'ast syn::ExprStruct) {
        for field in &e.fields {
            let Member::Named(member) = &field.member else {
                continue;
            };
            if let Expr::MethodCall(call) = strip(&field.expr) {
                if let Some(wire) = call.args.first().and_then(string_literal) {
                    let aliases = match call.args.get(1).map(strip) {
                        Some(Expr::Array(array)) => {
                            array.elems.iter().filter_map(string_literal).collect()
                        }
                        _ => Vec::new(),
                    };
                    let read = Decoded {
                        name: wire,
                        aliases,
                        how: call.method.to_string(),
                    };
                    self.found.push((member.to_string(), read));
                }
            }
        }
        visit::visit_expr_struct(self, e);
    }
}

/// `Self::Wechat => "1"` (encoding) and `"1" => Self::Wechat` (decoding).
struct ArmReader<'a> {
    ty: &'a str,
    encoded: Vec<(String, String)>,
    decoded: Vec<(String, String)>,
}

impl ArmReader<'_> {
    /// `V` of `Self::V` or `Ty::V`.
    fn variant_of_path(&self, path: &syn::Path) -> Option<String> {
        let mut segments = path.segments.iter().rev();
        let variant = segments.next()?;
        let owner = segments.next()?;
        (owner.ident == "Self" || owner.ident == self.ty).then(|| variant.ident.to_string())
    }

    fn variant_of_pat(&self, pat: &Pat) -> Option<String> {
        match pat {
            Pat::Path(p) => self.variant_of_path(&p.path),
            Pat::TupleStruct(p) => self.variant_of_path(&p.path),
            Pat::Struct(p) => self.variant_of_path(&p.path),
            _ => None,
        }
    }

    fn literals(pat: &Pat, out: &mut Vec<String>) -> bool {
        match pat {
            Pat::Lit(lit) => {
                out.push(tokens::text(lit));
                true
            }
            Pat::Or(or) => or.cases.iter().all(|case| Self::literals(case, out)),
            _ => false,
        }
    }
}

impl<'ast> Visit<'ast> for ArmReader<'_> {
    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        // `Self::A => { "1" }` reads as `Self::A => "1"`.
        let body = match &*arm.body {
            Expr::Block(b) => match b.block.stmts.as_slice() {
                [syn::Stmt::Expr(e, None)] => e,
                _ => &*arm.body,
            },
            other => other,
        };
        if let Some(variant) = self.variant_of_pat(&arm.pat) {
            if let Expr::Lit(lit) = strip(body) {
                self.encoded.push((variant, tokens::text(lit)));
            }
        } else {
            let mut values = Vec::new();
            if Self::literals(&arm.pat, &mut values) {
                if let Expr::Path(path) = strip(body) {
                    if let Some(variant) = self.variant_of_path(&path.path) {
                        for value in values {
                            self.decoded.push((variant.clone(), value));
                        }
                    }
                }
            }
        }
        visit::visit_arm(self, arm);
    }
}
