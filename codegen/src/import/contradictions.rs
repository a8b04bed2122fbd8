//! Where a page contradicts itself: tables against examples, and fields against each
//! other. Each contradiction becomes a quirk, with the decision where one is clear (an
//! alias, `nullable`, a wider length) and a review mark where it is not.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::draft::{Draft, DraftBody, DraftField, DraftResponse};
use crate::load::ident::{is_snake_case, is_upper_camel, to_snake_case};
use crate::model::{Service, TypeKind};

/// Which example is being compared.
#[derive(Clone, Copy)]
pub(crate) enum Side {
    Request,
    Response,
}

impl Side {
    fn word(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
        }
    }
}

/// Which struct of the draft a part of an example belongs to.
#[derive(Clone)]
enum Target {
    Root,
    Type(String),
}

/// Compares an example payload with the fields of `side`, walking into nested structs.
pub(crate) fn compare(d: &mut Draft, side: Side, payload: &Value, service: &Service) {
    let enums = enum_values(d, service);
    let structs: BTreeSet<String> = d
        .types
        .iter()
        .filter(|t| matches!(t.body, DraftBody::Struct(_)))
        .map(|t| t.name.clone())
        .collect();
    let mut queue = vec![(Target::Root, payload.clone())];
    let mut visited = BTreeSet::new();
    while let Some((target, value)) = queue.pop() {
        if let Target::Type(name) = &target {
            if !visited.insert(name.clone()) {
                continue;
            }
        }
        let Some(obj) = value.as_object() else {
            continue;
        };
        let Some(fields) = fields_mut(d, side, &target) else {
            continue;
        };
        for f in fields.iter_mut() {
            let key = std::iter::once(&f.wire)
                .chain(&f.aliases)
                .find(|k| obj.contains_key(*k));
            let Some(v) = key.and_then(|k| obj.get(k)) else {
                continue;
            };
            check_value(f, v, side, &enums);
            if let Some(inner) = named_inner(&f.ty).filter(|n| structs.contains(*n)) {
                let nested = match v {
                    Value::Array(items) => items.first().cloned(),
                    other => Some(other.clone()),
                };
                if let Some(nested) = nested {
                    queue.push((Target::Type(inner.to_string()), nested));
                }
            }
        }
        for (key, v) in obj {
            // A member without a name cannot become a field; the example keeps it.
            if key.trim().is_empty()
                || fields
                    .iter()
                    .any(|f| f.wire == *key || f.aliases.contains(key))
            {
                continue;
            }
            let loose = fields.iter_mut().find(|f| {
                loose_name(&f.wire) == loose_name(key)
                    && !obj.contains_key(&f.wire)
                    && f.aliases.is_empty()
            });
            if let Some(f) = loose {
                f.quirks.push(format!(
                    "the table says {}, the {} example sends {key} (accepted as an alias).",
                    f.wire,
                    side.word()
                ));
                f.aliases.push(key.clone());
                check_value(f, v, side, &enums);
                continue;
            }
            fields.push(example_only(key, v, side));
        }
    }
}

/// A field only the example shows.
fn example_only(key: &str, v: &Value, side: Side) -> DraftField {
    let ty = match v {
        Value::String(_) => "string",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        _ => "json",
    };
    DraftField {
        wire: key.to_string(),
        ty: ty.into(),
        rust_name: (!is_snake_case(key)).then(|| to_snake_case(key)),
        example: scalar_text(v),
        quirks: vec![format!(
            "`{key}` is sent by the {} example but absent from the parameter table.",
            side.word()
        )],
        review: vec![
            "Only the example shows this field: decide its type, Rust name and meaning, or \
             drop it."
                .into(),
        ],
        ..DraftField::default()
    }
}

/// One example value against its field.
fn check_value(f: &mut DraftField, v: &Value, side: Side, enums: &BTreeMap<String, Vec<String>>) {
    if v.is_null() {
        if f.required && !f.nullable {
            f.nullable = true;
            f.quirks.push(format!(
                "marked required, but the {} example sends \"{}\": null.",
                side.word(),
                f.wire
            ));
        }
        return;
    }
    let Some(text) = scalar_text(v) else { return };
    if let Some(values) = enums.get(&f.ty) {
        if !values.contains(&text) {
            f.quirks.push(format!(
                "the {} example sends \"{text}\", which is not one of the documented values \
                 ({}).",
                side.word(),
                values.join(", ")
            ));
        }
    }
    if !check_amount(f, &text, &format!("{} example", side.word())) {
        return;
    }
    check_length(f, &text, &format!("{} example", side.word()));
    if f.example.is_none() {
        f.example = Some(text);
    }
}

/// An `amount` field whose example is not an amount is kept a string, marked for review
/// (`lint` refuses an amount whose example is not one). False when it was not an amount.
pub(crate) fn check_amount(f: &mut DraftField, example: &str, what: &str) -> bool {
    if !f.ty.starts_with("amount") {
        return true;
    }
    let Err(problem) = retail_apis_descriptor::check_decimal_text(example) else {
        return true;
    };
    f.review.push(format!(
        "Described as money, but the {what} \"{example}\" is not an amount ({problem}); the \
         field is kept a string."
    ));
    f.ty = f.ty.replacen("amount", "string", 1);
    false
}

/// A `string(N)` or `amount(N)` field whose example is longer than N is widened to the
/// example, so the page's own example is accepted.
pub(crate) fn check_length(f: &mut DraftField, example: &str, what: &str) {
    let Some((base, n)) = sized(&f.ty) else {
        return;
    };
    let len = example.chars().count();
    if len > n as usize {
        let old = f.ty.clone();
        f.ty = format!("{base}({len})");
        f.quirks.push(format!(
            "typed {old}, but the {what} is {len} characters long; declared {} so that the \
             page's own example is accepted.",
            f.ty
        ));
    }
}

fn sized(ty: &str) -> Option<(&str, u32)> {
    let (base, rest) = ty.split_once('(')?;
    let n = rest.strip_suffix(')')?.parse().ok()?;
    matches!(base, "string" | "amount").then_some((base, n))
}

/// Fields with the same description but different names: one of them is probably a copy.
pub(crate) fn shared_descriptions(d: &mut Draft) {
    let mut by_doc: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    visit_fields(d, &mut |owner, f| {
        if let Some(doc) = &f.doc {
            by_doc
                .entry(doc.clone())
                .or_default()
                .push((owner.to_string(), f.wire.clone()));
        }
    });
    by_doc.retain(|_, fields| {
        let names: BTreeSet<&String> = fields.iter().map(|(_, w)| w).collect();
        names.len() >= 2
    });
    visit_fields_mut(d, &mut |_, f| {
        let Some(group) = f.doc.as_ref().and_then(|doc| by_doc.get(doc)) else {
            return;
        };
        let others: Vec<String> = group
            .iter()
            .filter(|(_, w)| *w != f.wire)
            .map(|(o, w)| format!("{o}.{w}"))
            .collect();
        if others.is_empty() {
            return;
        }
        f.quirks.push(format!(
            "same description ({}) as {}; one of them is probably copied from the other.",
            f.doc.as_deref().unwrap_or_default(),
            others.join(", ")
        ));
        f.review
            .push("Check which of the fields sharing this description it describes.".into());
    });
}

fn visit_fields(d: &Draft, visit: &mut dyn FnMut(&str, &DraftField)) {
    for f in &d.request {
        visit("request", f);
    }
    if let DraftResponse::Fields { fields, .. } = &d.response {
        for f in fields {
            visit("response", f);
        }
    }
    for t in &d.types {
        if let DraftBody::Struct(fields) = &t.body {
            for f in fields {
                visit(&t.name, f);
            }
        }
    }
}

fn visit_fields_mut(d: &mut Draft, visit: &mut dyn FnMut(&str, &mut DraftField)) {
    for f in &mut d.request {
        visit("request", f);
    }
    if let DraftResponse::Fields { fields, .. } = &mut d.response {
        for f in fields {
            visit("response", f);
        }
    }
    for t in &mut d.types {
        if let DraftBody::Struct(fields) = &mut t.body {
            for f in fields.iter_mut() {
                visit(&t.name, f);
            }
        }
    }
}

/// Rust field names made unique within each struct: a page whose table and example
/// spell one name two ways (`integral_now`, `integral now`) would otherwise give two
/// fields the same Rust name.
pub(crate) fn unique_rust_names(d: &mut Draft) {
    let mut taken: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    visit_fields_mut(d, &mut |owner, f| {
        let names = taken.entry(owner.to_string()).or_default();
        let base = f.rust_name.clone().unwrap_or_else(|| f.wire.clone());
        let mut name = base.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        if name != base {
            f.review.push(format!(
                "Another field of the struct is also `{base}` in Rust; choose a rust_name."
            ));
            f.rust_name = Some(name.clone());
        }
        names.insert(name);
    });
}

/// Every quirk of the draft made to start with the page it concerns.
pub(crate) fn cite_all(d: &mut Draft, page: &str) {
    let cite = |q: &mut String| {
        if !q.starts_with(page) {
            *q = format!("{page}: {q}");
        }
    };
    d.quirks.iter_mut().for_each(cite);
    for t in &mut d.types {
        t.quirks.iter_mut().for_each(cite);
    }
    visit_fields_mut(d, &mut |_, f| f.quirks.iter_mut().for_each(cite));
}

fn fields_mut<'d>(
    d: &'d mut Draft,
    side: Side,
    target: &Target,
) -> Option<&'d mut Vec<DraftField>> {
    match (target, side) {
        (Target::Root, Side::Request) => Some(&mut d.request),
        (Target::Root, Side::Response) => match &mut d.response {
            DraftResponse::Fields { fields, .. } => Some(fields),
            DraftResponse::Type(_) => None,
        },
        (Target::Type(name), _) => {
            d.types
                .iter_mut()
                .find(|t| t.name == *name)
                .and_then(|t| match &mut t.body {
                    DraftBody::Struct(fields) => Some(fields),
                    DraftBody::Enum { .. } => None,
                })
        }
    }
}

/// The values of every enum the draft can refer to: its own and the service file's.
fn enum_values(d: &Draft, service: &Service) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for t in &service.types {
        if let TypeKind::Enum(e) = &t.kind {
            out.insert(
                t.name.clone(),
                e.variants.iter().map(|v| v.value.clone()).collect(),
            );
        }
    }
    for t in &d.types {
        if let DraftBody::Enum { values, .. } = &t.body {
            out.insert(t.name.clone(), values.iter().map(|v| v.0.clone()).collect());
        }
    }
    out
}

/// The named type a field holds, directly or as list items.
fn named_inner(ty: &str) -> Option<&str> {
    let inner = ty
        .strip_prefix("list<")
        .and_then(|r| r.strip_suffix('>'))
        .unwrap_or(ty);
    is_upper_camel(inner).then_some(inner)
}

/// A name with case, `_` and `-` ignored: `couponCode` and `coupon_code` match.
fn loose_name(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// An example value as a field's `example` text; none for null, objects and arrays.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
