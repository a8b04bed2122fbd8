//! Quirks and `source_page` cite vendor pages by name (`002_a53efbcfc7cd4844.txt: …`); the
//! name must be one the service's `pages` declares, so that generated docs can link the
//! page by its title.

use std::collections::BTreeMap;

use super::diagnostic::DiagnosticKind;
use super::yaml::Cx;
use crate::model::{Service, SourceRef, TypeKind, VendorPage};

/// The page name a quirk starts with (`<name>: …`), when the text before the first `": "`
/// is one word that names a page file (`….txt`) or a declared page.
pub(crate) fn cited_page<'q>(
    quirk: &'q str,
    pages: &BTreeMap<String, VendorPage>,
) -> Option<&'q str> {
    let (name, _) = quirk.split_once(": ")?;
    let word = !name.is_empty() && !name.contains(char::is_whitespace);
    (word && (name.ends_with(".txt") || pages.contains_key(name))).then_some(name)
}

/// Reports every citation of a page the service does not declare.
pub(crate) fn check_citations(cx: &mut Cx<'_>, service: &Service) {
    let pages = &service.pages;
    let mut report =
        |origin: &SourceRef, what: &str, name: &str| {
            let declared: Vec<&str> = pages.keys().map(String::as_str).collect();
            cx.error_at(
                origin,
                DiagnosticKind::InvalidValue,
                format!(
                "{what} cites page `{name}`, which `pages` in {}/service.yaml does not declare \
                 (declared: {})",
                service.name,
                if declared.is_empty() { "none".to_owned() } else { declared.join(", ") }
            ),
            );
        };
    let mut check = |origin: &SourceRef, what: &str, quirks: &[String]| {
        for quirk in quirks {
            if let Some(name) = cited_page(quirk, pages) {
                if !pages.contains_key(name) {
                    report(origin, what, name);
                }
            }
        }
    };
    check(&service.origin, "a quirk of the service", &service.quirks);
    for ty in &service.types {
        check(&ty.origin, &format!("a quirk of `{}`", ty.name), &ty.quirks);
        if let TypeKind::Struct(s) = &ty.kind {
            for field in &s.fields {
                let what = format!("a quirk of `{}.{}`", ty.name, field.name);
                check(&field.origin, &what, &field.quirks);
            }
        }
    }
    for ep in &service.endpoints {
        check(
            &ep.origin,
            &format!("a quirk of `{}`", ep.operation),
            &ep.quirks,
        );
    }
    for ep in &service.endpoints {
        if let Some(page) = &ep.source_page {
            let is_url = page.starts_with("https://") || page.starts_with("http://");
            if !is_url && !pages.contains_key(page) {
                report(
                    &ep.origin,
                    &format!("`source_page` of `{}`", ep.operation),
                    page,
                );
            }
        }
    }
}
