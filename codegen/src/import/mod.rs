//! Vendor documentation pages to draft endpoint files (`retail-apis import`).
//!
//! Two page formats are read: the JDY open-platform page (markdown with YAML front
//! matter, header/body/response tables, bold headings naming nested types, a curl example)
//! and the Shoubei page (HTML tables, examples HTML-escaped twice). The draft is an
//! endpoint file `lint` accepts: every contradiction the page holds is a quirk, with the
//! decision where one is clear, and what only a person can decide (names, idempotency,
//! fields only an example shows) carries a `review:` mark, which `lint` reports as a
//! warning until it is removed.

mod contradictions;
mod draft;
mod enums;
mod examples;
mod front_matter;
mod html_tables;
mod interpret;
mod markdown_tables;
mod page;
mod yaml_writer;

use crate::model::SpecSet;

/// Largest page the importer reads; real pages are under 10 KiB.
pub const MAX_PAGE_BYTES: usize = 1024 * 1024;

/// The page formats the importer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageFormat {
    /// JDY open platform: markdown with YAML front matter.
    JdyMarkdown,
    /// Shoubei: HTML tables.
    ShoubeiHtml,
}

/// One imported page.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The format the page was read as.
    pub format: PageFormat,
    /// The operation name given to the draft (a decision for a person to confirm).
    pub operation: String,
    /// Where the draft goes, relative to the spec root (`jdy/endpoints/mall_recharge.yaml`).
    pub file: String,
    /// The endpoint file's text.
    pub yaml: String,
    /// How the page differs from the service file: base URL, headers, page title and URL.
    pub differences: Vec<String>,
    /// The `review:` marks the draft carries, each a decision left to a person.
    pub reviews: Vec<String>,
    /// The page as `service.yaml` must declare it under `pages:` (title, URL), when it
    /// does not yet: the draft's `source_page` and quirks cite it by name.
    pub page_declaration: Option<PageDeclaration>,
}

/// A page's entry under `pages:` in `service.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageDeclaration {
    /// The page's file name.
    pub name: String,
    /// Its title (front matter or heading).
    pub title: String,
    /// Where it is published, when the page says.
    pub url: Option<String>,
}

impl PageDeclaration {
    /// `service_yaml` with this page added under its top-level `pages:` mapping (which is
    /// created at the end when there is none). Comments and layout are kept: only lines
    /// are inserted.
    pub fn insert_into(&self, service_yaml: &str) -> String {
        let mut entry = format!(
            "  {}:\n    title: {}\n",
            yaml_writer::scalar(&self.name),
            yaml_writer::scalar(&self.title)
        );
        if let Some(url) = &self.url {
            entry.push_str(&format!("    url: {}\n", yaml_writer::scalar(url)));
        }
        let mut out = String::with_capacity(service_yaml.len() + entry.len() + 8);
        let mut inserted = false;
        for line in service_yaml.split_inclusive('\n') {
            out.push_str(line);
            if !inserted && line.trim_end() == "pages:" {
                if !line.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(&entry);
                inserted = true;
            }
        }
        if !inserted {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("\npages:\n");
            out.push_str(&entry);
        }
        out
    }
}

/// Why a page could not be imported.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    /// The page is in neither format, or holds nothing an endpoint can be made of.
    #[error("{page}: not a page the importer reads: {reason}")]
    UnknownFormat {
        /// The page's file name.
        page: String,
        /// What is missing.
        reason: String,
    },
    /// The spec has no such service.
    #[error("the spec has no service `{0}`")]
    UnknownService(String),
}

/// Recognises a page's format from its text.
pub fn detect_format(text: &str) -> Result<PageFormat, String> {
    if text.len() > MAX_PAGE_BYTES {
        return Err(format!(
            "it is {} bytes, larger than the {MAX_PAGE_BYTES} bytes of any documentation page",
            text.len()
        ));
    }
    if let Some((_, body)) = front_matter::split(text) {
        if body.lines().any(|l| l.trim_start().starts_with('|')) {
            return Ok(PageFormat::JdyMarkdown);
        }
        return Err(
            "it has YAML front matter but no markdown table (a JDY open-platform page \
                    has header, body and response tables)"
                .into(),
        );
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains("<table") && lower.contains("</table>") {
        return Ok(PageFormat::ShoubeiHtml);
    }
    Err(
        "it has neither YAML front matter with markdown tables (a JDY open-platform page) \
         nor HTML tables (a Shoubei page)"
            .into(),
    )
}

/// Imports one page (`page_name` is its file name, which quirks cite) as a draft endpoint
/// of `service` in `spec`. The service's base URL, headers, envelope, declared pages and
/// types are what the page is read against.
pub fn import_page(
    page_name: &str,
    text: &str,
    spec: &SpecSet,
    service: &str,
) -> Result<Imported, ImportError> {
    let unknown = |reason: String| ImportError::UnknownFormat {
        page: page_name.to_string(),
        reason,
    };
    let service = spec
        .service(service)
        .ok_or_else(|| ImportError::UnknownService(service.to_string()))?;
    let format = detect_format(text).map_err(unknown)?;
    // Quirks cite the page as `<name>: …` and `pages:` keys have no spaces or colons.
    let cited: String = page_name
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == ':' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let page_name = cited.as_str();
    let text = page::visible(text);
    let page = match format {
        PageFormat::JdyMarkdown => {
            let (matter, body) = front_matter::split(&text)
                .ok_or_else(|| unknown("its front matter is not closed".into()))?;
            let mut page = markdown_tables::parse(body);
            page.title = matter.title.or(page.title);
            page.url = matter.url;
            page
        }
        PageFormat::ShoubeiHtml => html_tables::parse(&text),
    };
    if page.endpoint_url.is_none() && page.request.is_empty() && page.response.is_empty() {
        return Err(unknown(
            "it names no endpoint URL and has no parameter table".into(),
        ));
    }
    let interpreted = interpret::interpret(&page, page_name, service);
    let page_declaration = interpreted.declaration.map(|(title, url)| PageDeclaration {
        name: page_name.to_string(),
        title,
        url,
    });
    let draft = interpreted.draft;
    let reviews = reviews_of(&draft);
    Ok(Imported {
        format,
        file: format!("{}/endpoints/{}.yaml", service.name, draft.operation),
        operation: draft.operation.clone(),
        yaml: yaml_writer::write(&draft),
        differences: interpreted.differences,
        reviews,
        page_declaration,
    })
}

/// Every review mark of a draft, each prefixed with what it concerns.
fn reviews_of(d: &draft::Draft) -> Vec<String> {
    let mut out: Vec<String> = d.review.iter().map(|r| format!("endpoint: {r}")).collect();
    let fields = |owner: &str, fields: &[draft::DraftField], out: &mut Vec<String>| {
        for f in fields {
            for r in &f.review {
                out.push(format!("{owner}.{}: {r}", f.wire));
            }
        }
    };
    fields("request", &d.request, &mut out);
    if let draft::DraftResponse::Fields { fields: f, .. } = &d.response {
        fields("response", f, &mut out);
    }
    for t in &d.types {
        for r in &t.review {
            out.push(format!("type {}: {r}", t.name));
        }
        if let draft::DraftBody::Struct(f) = &t.body {
            fields(&t.name, f, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declaration_goes_under_pages_or_starts_it() {
        let d = PageDeclaration {
            name: "004_x.txt".into(),
            title: "会员查询".into(),
            url: Some("https://e.com/#/a?b=1".into()),
        };
        let entry = "  \"004_x.txt\":\n    title: 会员查询\n    url: https://e.com/#/a?b=1\n";
        assert_eq!(
            d.insert_into("title: x\npages:\n  a.txt:\n    title: A\n"),
            format!("title: x\npages:\n{entry}  a.txt:\n    title: A\n")
        );
        assert_eq!(
            d.insert_into("title: x"),
            format!("title: x\n\npages:\n{entry}")
        );
    }
}
