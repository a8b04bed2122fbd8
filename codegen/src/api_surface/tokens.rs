//! Token text in one canonical spelling, so that two surfaces compare equal exactly when
//! the tokens are equal, whatever line breaks or trailing commas the formatter chose.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;

/// `node` as single-line text: `Option<String>`, `impl Into<String>`,
/// `&[(&str, &str)]`, `rt::Text::Borrowed("jdy")`.
pub(super) fn text(node: &impl ToTokens) -> String {
    let mut out = Printer::default();
    out.stream(node.to_token_stream());
    out.text
}

/// What was last written, which decides whether the next token needs a space.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Nothing yet, or an opening delimiter: no space.
    Open,
    /// An identifier or literal.
    Word,
    /// A keyword after which a bracket or parenthesis is set apart (`&mut [u8]`), or a
    /// lifetime (`&'static [T]`).
    Keyword,
    /// Punctuation after which the next token sticks (`::`, `&`, `'`, `#`, `.`).
    Sticky,
    /// Punctuation followed by a space (`,`, `:`, `->`, `=`).
    Spaced,
    /// A closing delimiter or `>`.
    Close,
}

/// Keywords followed by a space even before `(` or `[`.
const SPACED_KEYWORDS: &[&str] = &["mut", "dyn", "impl", "as", "in", "where", "const", "move"];

#[derive(Default)]
struct Printer {
    text: String,
    last: Option<Last>,
    /// The punctuation being assembled from joint characters (`::`, `->`, `=>`).
    pending: String,
}

impl Printer {
    fn stream(&mut self, stream: TokenStream) {
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        for (i, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Group(group) => {
                    self.flush();
                    let (open, close) = match group.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::None => ("", ""),
                    };
                    if group.delimiter() == Delimiter::None {
                        self.stream(group.stream());
                        continue;
                    }
                    // `f(`, `Vec<T>[`, `x[`: a call or index sticks to what it follows;
                    // a brace is set apart.
                    let space = match (group.delimiter(), self.last) {
                        (Delimiter::Brace, Some(Last::Open | Last::Sticky) | None) => false,
                        (Delimiter::Brace, _) => true,
                        (_, Some(Last::Spaced | Last::Keyword)) => true,
                        _ => false,
                    };
                    if space {
                        self.text.push(' ');
                    }
                    self.text.push_str(open);
                    let inner = group.stream();
                    let braces = group.delimiter() == Delimiter::Brace && !inner.is_empty();
                    if braces {
                        self.text.push(' ');
                    }
                    self.last = Some(Last::Open);
                    self.stream(inner);
                    self.flush();
                    if braces {
                        self.text.push(' ');
                    }
                    self.text.push_str(close);
                    self.last = Some(Last::Close);
                }
                TokenTree::Punct(punct) => {
                    let c = punct.as_char();
                    // A trailing comma is a formatting choice, not part of the meaning.
                    if c == ',' && self.pending.is_empty() && i + 1 == tokens.len() {
                        continue;
                    }
                    // A lifetime's quote starts a word of its own, whatever came before.
                    if c == '\'' {
                        self.flush();
                    }
                    self.pending.push(c);
                    if punct.spacing() == Spacing::Alone {
                        self.flush();
                    }
                }
                TokenTree::Ident(_) | TokenTree::Literal(_) => {
                    let lifetime = self.pending == "'";
                    self.flush();
                    if matches!(
                        self.last,
                        Some(Last::Word | Last::Keyword | Last::Spaced | Last::Close)
                    ) {
                        self.text.push(' ');
                    }
                    let word = token.to_string();
                    self.text.push_str(&word);
                    self.last = Some(if lifetime || SPACED_KEYWORDS.contains(&word.as_str()) {
                        Last::Keyword
                    } else {
                        Last::Word
                    });
                }
            }
        }
        self.flush();
    }

    /// Writes the punctuation assembled so far.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let punct = std::mem::take(&mut self.pending);
        // `Vec<Vec<T>>` arrives as one joint `>>`: each closes a generic list.
        if punct.chars().all(|c| c == '>') {
            self.text.push_str(&punct);
            self.last = Some(Last::Close);
            return;
        }
        let (space_before, last) = match punct.as_str() {
            "," | ";" => (false, Last::Spaced),
            ":" => (false, Last::Spaced),
            "::" | "." | "#" | "?" => (false, Last::Sticky),
            "'" => (
                matches!(
                    self.last,
                    Some(Last::Word | Last::Keyword | Last::Close | Last::Spaced)
                ),
                Last::Sticky,
            ),
            "<" => (false, Last::Sticky),
            ">" => (false, Last::Close),
            "!" => (false, Last::Sticky),
            "&" | "&&" | "*" => (
                // `&self`, `&[T]`, `*const T`: binds to what follows.
                matches!(
                    self.last,
                    Some(Last::Word | Last::Keyword | Last::Close | Last::Spaced)
                ),
                Last::Sticky,
            ),
            "-" if !matches!(self.last, Some(Last::Word | Last::Keyword | Last::Close)) => (
                // A negative literal (`-1`) after `=`, `(` or `,`.
                matches!(self.last, Some(Last::Spaced)),
                Last::Sticky,
            ),
            _ => (!matches!(self.last, Some(Last::Open) | None), Last::Spaced),
        };
        if space_before || (self.last == Some(Last::Spaced) && punct == "<") {
            self.text.push(' ');
        }
        self.text.push_str(&punct);
        self.last = Some(last);
    }
}

#[cfg(test)]
mod tests {
    use super::text;

    fn ty(source: &str) -> String {
        text(&syn::parse_str::<syn::Type>(source).expect("a type"))
    }

    #[test]
    fn types_read_as_written_by_hand() {
        assert_eq!(ty("Option < String >"), "Option<String>");
        assert_eq!(ty("impl Into<String>"), "impl Into<String>");
        assert_eq!(
            ty("& 'static [ ( & str , & str ) ]"),
            "&'static [(&str, &str)]"
        );
        assert_eq!(
            ty("serde_json::Map<String, serde_json::Value>"),
            "serde_json::Map<String, serde_json::Value>"
        );
        assert_eq!(ty("Result<S::Ok, S::Error>"), "Result<S::Ok, S::Error>");
        assert_eq!(ty("Vec<Vec<i64>>"), "Vec<Vec<i64>>");
        assert_eq!(
            ty("Pair<'a, 'b, &'a mut [u8]>"),
            "Pair<'a, 'b, &'a mut [u8]>"
        );
    }

    #[test]
    fn signatures_and_values_ignore_layout_and_trailing_commas() {
        let one: syn::ItemFn =
            syn::parse_str("fn new(a: impl Into<String>, b: Option<String>,) -> Self {}")
                .expect("fn");
        let two: syn::ItemFn = syn::parse_str(
            "fn new(\n    a: impl Into<String>,\n    b: Option<String>\n) -> Self {}",
        )
        .expect("fn");
        assert_eq!(text(&one.sig), text(&two.sig));
        assert_eq!(
            text(&one.sig),
            "fn new(a: impl Into<String>, b: Option<String>) -> Self"
        );
        let value: syn::Expr = syn::parse_str("rt::Code::Int(-1)").expect("expression");
        assert_eq!(text(&value), "rt::Code::Int(-1)");
        let value: syn::Expr =
            syn::parse_str("rt::TokenEndpoint { method: rt::HttpMethod::Get, ttl_secs: 86400, }")
                .expect("expression");
        assert_eq!(
            text(&value),
            "rt::TokenEndpoint { method: rt::HttpMethod::Get, ttl_secs: 86400 }"
        );
        let sig: syn::ItemFn = syn::parse_str(
            "pub fn deserialize<'de, D: serde::Deserializer<'de>>(&mut self, d: D) -> Result<Self, D::Error> {}",
        )
        .expect("fn");
        assert_eq!(
            text(&sig.sig),
            "fn deserialize<'de, D: serde::Deserializer<'de>>(&mut self, d: D) -> Result<Self, D::Error>"
        );
    }
}
