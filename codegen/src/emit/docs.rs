//! Rustdoc attributes built from spec descriptions, quirks and notes.

use proc_macro2::TokenStream;
use quote::quote;

/// Accumulates documentation paragraphs and renders them as `#[doc]` attributes.
#[derive(Default)]
pub struct Doc {
    lines: Vec<String>,
}

impl Doc {
    /// Starts with a first paragraph (may be empty).
    pub fn new(first: impl Into<String>) -> Self {
        let mut doc = Doc::default();
        doc.paragraph(first);
        doc
    }

    /// Adds a paragraph; multi-line text keeps its lines. Empty text is ignored.
    pub fn paragraph(&mut self, text: impl Into<String>) -> &mut Self {
        let text = text.into();
        let text = text.trim();
        if text.is_empty() {
            return self;
        }
        if !self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.lines
            .extend(text.lines().map(|line| line.trim_end().to_owned()));
        self
    }

    /// Adds an optional paragraph.
    pub fn maybe(&mut self, text: Option<&str>) -> &mut Self {
        if let Some(text) = text {
            self.paragraph(text);
        }
        self
    }

    /// Adds one "Quirk: …" paragraph per recorded documentation quirk.
    pub fn quirks(&mut self, quirks: &[String]) -> &mut Self {
        for quirk in quirks {
            self.paragraph(format!("Quirk: {quirk}"));
        }
        self
    }

    /// Renders `#[doc = " …"]` attributes, one per line, as `///` comments.
    pub fn tokens(&self) -> TokenStream {
        let lines = self.lines.iter().map(|line| {
            let text = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            quote!(#[doc = #text])
        });
        quote!(#(#lines)*)
    }
}
