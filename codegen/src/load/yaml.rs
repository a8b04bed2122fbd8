//! Reading YAML documents with positions, and where their problems are recorded.

use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode};
use marked_yaml::{LoadError, LoaderOptions, Marker, Node, Span};

use super::diagnostic::{Diagnostic, DiagnosticKind};
use crate::model::SourceRef;

/// Deepest nesting of mappings and lists a spec may use. Real specs need about 8 levels;
/// the bound keeps the node tree, and everything that walks or drops it, far from the
/// stack limit whatever a file contains.
pub(crate) const MAX_NESTING: usize = 64;

/// Parses one YAML file whose top level must be a mapping.
pub(crate) fn parse(file: &str, text: &str) -> Result<Node, Diagnostic> {
    check_nesting(file, text)?;
    let options = LoaderOptions::default()
        .error_on_duplicate_keys(true)
        // Keeps `"0205"` distinct from `0205` and stops `yes`/`1` turning into booleans.
        .prevent_coercion(true);
    // The parser is believed panic-free for all inputs (anchors, tags and documents are
    // rejected as errors), but a spec file must never take a build down, so a panic inside
    // it is turned into a syntax error as a last line of defence.
    let result =
        std::panic::catch_unwind(|| marked_yaml::parse_yaml_with_options(0, text, options));
    let err = |line: usize, column: usize, kind, message: String| Diagnostic {
        file: file.to_string(),
        line: line.max(1),
        column: column.max(1),
        kind,
        message,
    };
    let at = |m: Marker, kind, message| err(m.line(), m.column(), kind, message);
    match result {
        Ok(Ok(node)) => Ok(node),
        Ok(Err(e)) => Err(match e {
            LoadError::DuplicateKey(inner) => {
                let first = inner.prev_key.span().start().copied();
                let at = inner.key.span().start().copied();
                err(
                    at.map_or(1, |m| m.line()),
                    at.map_or(1, |m| m.column()),
                    DiagnosticKind::DuplicateName,
                    format!(
                        "duplicate key `{}` (first defined at line {})",
                        inner.key.as_str(),
                        first.map_or(0, |m| m.line())
                    ),
                )
            }
            LoadError::TopLevelMustBeMapping(m) => at(
                m,
                DiagnosticKind::WrongShape,
                "the top level of a spec file must be a mapping".to_string(),
            ),
            LoadError::TopLevelMustBeSequence(m) => at(
                m,
                DiagnosticKind::WrongShape,
                "unexpected top-level sequence".to_string(),
            ),
            LoadError::UnexpectedAnchor(m) => at(
                m,
                DiagnosticKind::Syntax,
                "YAML anchors and aliases are not supported in specs".to_string(),
            ),
            LoadError::UnexpectedTag(m) => at(
                m,
                DiagnosticKind::Syntax,
                "YAML tags are not supported in specs".to_string(),
            ),
            LoadError::MappingKeyMustBeScalar(m) => at(
                m,
                DiagnosticKind::Syntax,
                "mapping keys must be plain scalars".to_string(),
            ),
            LoadError::ScanError(m, e) => at(
                m,
                DiagnosticKind::Syntax,
                format!("YAML syntax error: {}{}", e.info(), scan_hint(e.info())),
            ),
        }),
        Err(_) => Err(err(
            1,
            1,
            DiagnosticKind::Syntax,
            "the YAML parser could not process this file".to_string(),
        )),
    }
}

/// What usually causes the scanner error `info`, for the errors whose text alone does not
/// say (they are about the YAML grammar, while the cause is nearly always indentation).
fn scan_hint(info: &str) -> &'static str {
    if info.contains("mapping values are not allowed")
        || info.contains("did not find expected key")
        || info.contains("did not find expected '-' indicator")
    {
        " (hint: this line is probably indented differently from the keys around it: keys \
         of one mapping start in the same column, a nested mapping is indented further than \
         its key, with spaces only; or a value contains `: ` and needs quotes)"
    } else if info.contains("cannot start any token") || info.contains("tab") {
        " (hint: YAML indents with spaces; a tab cannot indent, and a value starting with \
         `@`, `` ` `` or `%` needs quotes)"
    } else if info.contains("did not find expected ',' or '}'")
        || info.contains("did not find expected ',' or ']'")
    {
        " (hint: inside `{…}` or `[…]` a comma separates entries and `{`, `}`, `[`, `]` \
         nest: quote values that contain them, such as `{type: \"map<string, T>\"}`)"
    } else {
        ""
    }
}

/// Refuses nesting deeper than [`MAX_NESTING`] before the tree is built: the loader
/// builds a node per level and dropping such a tree recurses once per level, so 100 000
/// levels of `- - - …` would overflow the stack and abort the process. The event parser
/// runs on its own heap-allocated stacks, so this pre-pass is safe at any depth; syntax
/// errors are left for the loader to report.
fn check_nesting(file: &str, text: &str) -> Result<(), Diagnostic> {
    use yaml_rust2::parser::{Event, Parser};
    let mut parser = Parser::new_from_str(text);
    let mut depth = 0usize;
    loop {
        let Ok((event, mark)) = parser.next_token() else {
            return Ok(());
        };
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Diagnostic {
                        file: file.to_string(),
                        line: mark.line().max(1),
                        column: mark.col() + 1,
                        kind: DiagnosticKind::Syntax,
                        message: format!(
                            "mappings and lists are nested more than {MAX_NESTING} levels deep"
                        ),
                    });
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            Event::StreamEnd => return Ok(()),
            _ => {}
        }
    }
}

/// Diagnostics sink for one file.
pub(crate) struct Cx<'a> {
    /// Path relative to the spec root.
    pub file: &'a str,
    /// Problems found so far (shared by all files of a load).
    pub diags: &'a mut Vec<Diagnostic>,
}

impl Cx<'_> {
    /// A position in this file, as a model source reference.
    pub fn at(&self, pos: impl Into<Pos>) -> SourceRef {
        let Pos { line, column } = pos.into();
        SourceRef {
            file: self.file.to_string(),
            line: line as usize,
            column: column as usize,
        }
    }

    /// Records a problem at a position (a [`Pos`] or a parser [`Span`]).
    pub fn error(&mut self, pos: impl Into<Pos>, kind: DiagnosticKind, message: impl Into<String>) {
        let at = self.at(pos);
        self.error_at(&at, kind, message);
    }

    /// Records a `review:` mark as a warning, or an error when it gives no reason.
    pub fn review(&mut self, mark: Option<super::de::Checked<String>>) {
        let Some(mark) = mark else { return };
        let Some(text) = mark.value else { return };
        if text.trim().is_empty() {
            self.error(
                mark.span,
                DiagnosticKind::InvalidValue,
                "a `review` mark says what is to be decided; remove the key once it is",
            );
        } else {
            self.error(
                mark.key_span,
                DiagnosticKind::Review,
                format!("marked for review: {text}"),
            );
        }
    }

    /// Records a problem at a source reference.
    pub fn error_at(&mut self, at: &SourceRef, kind: DiagnosticKind, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            file: at.file.clone(),
            line: at.line,
            column: at.column,
            kind,
            message: message.into(),
        });
    }
}

/// A 1-based line and column in the file being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl Pos {
    /// Packs the position into one number (line in the high half), so a value's position
    /// crosses serde as a single integer.
    pub fn packed(self) -> u64 {
        (u64::from(self.line) << 32) | u64::from(self.column)
    }

    /// The inverse of [`Pos::packed`].
    pub fn unpack(n: u64) -> Self {
        Pos {
            line: (n >> 32) as u32,
            column: n as u32,
        }
    }
}

impl Default for Pos {
    fn default() -> Self {
        Pos { line: 1, column: 1 }
    }
}

impl From<&Span> for Pos {
    fn from(span: &Span) -> Self {
        // Files are at most 1 MiB, so lines and columns fit in 32 bits.
        span.start().map_or_else(Pos::default, |m| Pos {
            line: u32::try_from(m.line()).unwrap_or(u32::MAX).max(1),
            column: u32::try_from(m.column()).unwrap_or(u32::MAX).max(1),
        })
    }
}

impl From<&Pos> for Pos {
    fn from(pos: &Pos) -> Self {
        *pos
    }
}

/// Where a mapping starts for humans: its first key. The parser's own start mark of a block
/// mapping points past the first key, which would confuse anyone reading a diagnostic.
pub(crate) fn mapping_start(map: &MarkedMappingNode) -> Span {
    map.keys().next().map_or(*map.span(), |k| *k.span())
}

/// Whether a scalar is YAML null (`~`, `null` or nothing at all, unquoted).
pub(crate) fn is_null(s: &MarkedScalarNode) -> bool {
    s.may_coerce() && matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL")
}

/// Where each key of `root` was written, by dotted path (`auth.token.path`, `errors.2`),
/// down to `depth` levels of mappings and lists, leaving out the top-level keys in `skip`
/// (whose items carry their own positions in the model).
pub(crate) fn key_spans(
    cx: &Cx<'_>,
    root: &Node,
    depth: usize,
    skip: &[&str],
) -> crate::model::KeySpans {
    let mut out = std::collections::BTreeMap::new();
    let mut stack: Vec<(String, &Node, usize)> = vec![(String::new(), root, 0)];
    while let Some((prefix, node, level)) = stack.pop() {
        if level >= depth {
            continue;
        }
        let join = |key: &str| {
            if prefix.is_empty() {
                key.to_owned()
            } else {
                format!("{prefix}.{key}")
            }
        };
        match node {
            Node::Mapping(map) => {
                for (key, value) in map.iter() {
                    if level == 0 && skip.contains(&key.as_str()) {
                        continue;
                    }
                    let path = join(key.as_str());
                    out.insert(path.clone(), cx.at(key.span()));
                    stack.push((path, value, level + 1));
                }
            }
            Node::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    let path = join(&i.to_string());
                    let at = match item {
                        Node::Mapping(m) => cx.at(&mapping_start(m)),
                        other => cx.at(other.span()),
                    };
                    out.insert(path.clone(), at);
                    stack.push((path, item, level + 1));
                }
            }
            Node::Scalar(_) => {}
        }
    }
    crate::model::KeySpans(out)
}
