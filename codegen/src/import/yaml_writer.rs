//! Writes a [`Draft`] as an endpoint file: deterministic (the same page gives the same
//! bytes), laid out like the hand-written specs, every scalar quoted where YAML would
//! read it otherwise.

use std::fmt::Write;

use super::draft::{Draft, DraftBody, DraftExample, DraftField, DraftResponse, DraftType};

/// The endpoint file's text.
pub(crate) fn write(d: &Draft) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}, imported from {}: a draft. Resolve every `review:` mark, then remove it.",
        comment_text(&d.summary),
        comment_text(&d.page)
    );
    kv(&mut out, 0, "operation", &d.operation);
    kv(&mut out, 0, "summary", &d.summary);
    if let Some(p) = &d.source_page {
        kv(&mut out, 0, "source_page", p);
    }
    kv(&mut out, 0, "method", &d.method);
    kv(&mut out, 0, "path", &d.path);
    review(&mut out, 0, &d.review);
    out.push('\n');
    if !d.request.is_empty() {
        out.push_str("request:\n  fields:\n");
        for f in &d.request {
            field(&mut out, 4, f);
        }
        out.push('\n');
    }
    match &d.response {
        DraftResponse::Type(ty) => {
            out.push_str("response:\n");
            kv(&mut out, 2, "type", ty);
        }
        DraftResponse::Fields { doc, fields } => {
            out.push_str("response:\n");
            if let Some(doc) = doc {
                kv(&mut out, 2, "doc", doc);
            }
            if fields.is_empty() {
                out.push_str("  fields: {}\n");
            } else {
                out.push_str("  fields:\n");
                for f in fields {
                    field(&mut out, 4, f);
                }
            }
        }
    }
    if !d.types.is_empty() {
        out.push_str("\ntypes:\n");
        for t in &d.types {
            named_type(&mut out, t);
        }
    }
    if !d.examples.is_empty() {
        out.push_str("\nexamples:\n");
        for e in &d.examples {
            example(&mut out, e);
        }
    }
    if !d.quirks.is_empty() {
        out.push('\n');
        list(&mut out, 0, "quirks", &d.quirks);
    }
    out
}

fn field(out: &mut String, indent: usize, f: &DraftField) {
    let _ = writeln!(out, "{}{}:", pad(indent), scalar(&f.wire));
    let i = indent + 2;
    kv(out, i, "type", &f.ty);
    if f.required {
        kv_raw(out, i, "required", "true");
    }
    if f.nullable {
        kv_raw(out, i, "nullable", "true");
    }
    if let Some(r) = &f.rust_name {
        kv(out, i, "rust_name", r);
    }
    if !f.aliases.is_empty() {
        let _ = writeln!(out, "{}aliases:", pad(i));
        for a in &f.aliases {
            let _ = writeln!(out, "{}  - {}", pad(i), scalar(a));
        }
    }
    if let Some(doc) = &f.doc {
        kv(out, i, "doc", doc);
    }
    if let Some(example) = &f.example {
        kv(out, i, "example", example);
    }
    list(out, i, "quirks", &f.quirks);
    review(out, i, &f.review);
}

fn named_type(out: &mut String, t: &DraftType) {
    let _ = writeln!(out, "  {}:", scalar(&t.name));
    if let Some(doc) = &t.doc {
        kv(out, 4, "doc", doc);
    }
    list(out, 4, "quirks", &t.quirks);
    review(out, 4, &t.review);
    match &t.body {
        DraftBody::Struct(fields) if fields.is_empty() => out.push_str("    fields: {}\n"),
        DraftBody::Struct(fields) => {
            out.push_str("    fields:\n");
            for f in fields {
                field(out, 6, f);
            }
        }
        DraftBody::Enum { repr, values } => {
            out.push_str("    enum:\n");
            kv(out, 6, "repr", repr);
            out.push_str("      values:\n");
            for (value, name, doc) in values {
                let _ = writeln!(out, "        - value: {}", quoted(value));
                kv(out, 10, "name", name);
                if !doc.is_empty() {
                    kv(out, 10, "doc", doc);
                }
            }
        }
    }
}

fn example(out: &mut String, e: &DraftExample) {
    let _ = writeln!(out, "  - name: {}", scalar(&e.name));
    for (key, json, verbatim) in [
        ("request", &e.request, &e.request_verbatim),
        ("response", &e.response, &e.response_verbatim),
    ] {
        let Some(json) = json else { continue };
        if let Some(text) = verbatim {
            let _ = writeln!(
                out,
                "    # The page's {key} text, normalised to JSON below:"
            );
            for line in text.lines() {
                let _ = writeln!(out, "    #  {}", comment_text(line));
            }
        }
        let _ = writeln!(out, "    {key}: |");
        for line in json.lines() {
            let _ = writeln!(out, "      {}", super::page::visible(line));
        }
    }
}

fn review(out: &mut String, indent: usize, marks: &[String]) {
    if !marks.is_empty() {
        kv(out, indent, "review", &marks.join(" "));
    }
}

fn list(out: &mut String, indent: usize, key: &str, items: &[String]) {
    match items {
        [] => {}
        [one] => kv(out, indent, key, one),
        many => {
            let _ = writeln!(out, "{}{key}:", pad(indent));
            for item in many {
                let _ = writeln!(out, "{}  - {}", pad(indent), quoted(item));
            }
        }
    }
}

fn kv(out: &mut String, indent: usize, key: &str, value: &str) {
    let _ = writeln!(out, "{}{key}: {}", pad(indent), scalar(value));
}

fn kv_raw(out: &mut String, indent: usize, key: &str, value: &str) {
    let _ = writeln!(out, "{}{key}: {value}", pad(indent));
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// A scalar plain where YAML reads it back as the same text and it does not look like
/// a number or a keyword, double-quoted (JSON escapes, which YAML shares) otherwise.
pub(crate) fn scalar(s: &str) -> String {
    let s = super::page::visible(s);
    if plain_ok(&s) {
        s
    } else {
        quoted(&s)
    }
}

/// A double-quoted scalar. Characters a spec may not hold (they would display as
/// something else) are dropped, escaped or not: HTML entities on a page can produce them
/// after the page text itself was cleaned.
fn quoted(s: &str) -> String {
    serde_json::to_string(&super::page::visible(s)).unwrap_or_else(|_| "\"\"".to_string())
}

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    const KEYWORDS: [&str; 12] = [
        "true", "false", "null", "~", "yes", "no", "on", "off", "y", "n", ".inf", ".nan",
    ];
    !(first.is_ascii_digit()
        || "-?:,[]{}#&*!|>'\"%@`+.= ".contains(first)
        || s.ends_with([' ', ':'])
        || s.contains(": ")
        || s.contains(" #")
        || s.contains(['\t', '\n', '\r', '"', '\\'])
        || s.chars().any(|c| c.is_control())
        || KEYWORDS.contains(&s.to_ascii_lowercase().as_str()))
}

/// Text for a comment: one line, control characters other than tab shown as escapes.
fn comment_text(s: &str) -> String {
    super::page::visible(s)
        .chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() && c != '\t' {
                c.escape_unicode().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_yaml_would_misread() {
        assert_eq!(scalar("会员ID"), "会员ID");
        assert_eq!(scalar("pay.refund.query"), "pay.refund.query");
        assert_eq!(scalar("001"), "\"001\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("[x](y)"), "\"[x](y)\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("2020-05-11 16:01:01"), "\"2020-05-11 16:01:01\"");
    }
}
