//! Reading YAML documents with positions, and typed access to their values that reports
//! every shape problem instead of stopping at the first.

use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode, MarkedSequenceNode};
use marked_yaml::{LoadError, LoaderOptions, Node, Span};

use super::diagnostic::{Diagnostic, DiagnosticKind};
use super::ident::closest;
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
            LoadError::TopLevelMustBeMapping(m) => err(
                m.line(),
                m.column(),
                DiagnosticKind::WrongShape,
                "the top level of a spec file must be a mapping".to_string(),
            ),
            LoadError::TopLevelMustBeSequence(m) => err(
                m.line(),
                m.column(),
                DiagnosticKind::WrongShape,
                "unexpected top-level sequence".to_string(),
            ),
            LoadError::UnexpectedAnchor(m) => err(
                m.line(),
                m.column(),
                DiagnosticKind::Syntax,
                "YAML anchors and aliases are not supported in specs".to_string(),
            ),
            LoadError::UnexpectedTag(m) => err(
                m.line(),
                m.column(),
                DiagnosticKind::Syntax,
                "YAML tags are not supported in specs".to_string(),
            ),
            LoadError::MappingKeyMustBeScalar(m) => err(
                m.line(),
                m.column(),
                DiagnosticKind::Syntax,
                "mapping keys must be plain scalars".to_string(),
            ),
            LoadError::ScanError(m, e) => err(
                m.line(),
                m.column(),
                DiagnosticKind::Syntax,
                format!("YAML syntax error: {}", e.info()),
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
    /// Where a span starts, as a model source reference.
    pub fn at(&self, span: &Span) -> SourceRef {
        let (line, column) = span
            .start()
            .map_or((1, 1), |m| (m.line().max(1), m.column().max(1)));
        SourceRef {
            file: self.file.to_string(),
            line,
            column,
        }
    }

    /// Records a problem at a span.
    pub fn error(&mut self, span: &Span, kind: DiagnosticKind, message: impl Into<String>) {
        let at = self.at(span);
        self.error_at(&at, kind, message);
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

    /// Views `node` as a mapping whose keys must come from `allowed` and include every key
    /// of `required`. Reports the violations; `None` only when `node` is not a mapping.
    pub fn object<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
        required: &[&str],
    ) -> Option<Obj<'n>> {
        let Some(map) = node.as_mapping() else {
            self.error(
                node.span(),
                DiagnosticKind::WrongShape,
                format!("{what} must be a mapping, found {}", shape(node)),
            );
            return None;
        };
        for key in map.keys() {
            let k = key.as_str();
            if !allowed.contains(&k) {
                let hint = match closest(k, allowed.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? "),
                    None => String::new(),
                };
                self.error(
                    key.span(),
                    DiagnosticKind::UnknownKey,
                    format!(
                        "unknown key `{k}` in {what} ({hint}expected one of: {})",
                        allowed.join(", ")
                    ),
                );
            }
        }
        for req in required {
            if get_present(map, req).is_none() {
                self.error(
                    &mapping_start(map),
                    DiagnosticKind::MissingKey,
                    format!("{what} is missing the required key `{req}`"),
                );
            }
        }
        Some(Obj {
            map,
            what: what.to_string(),
        })
    }

    /// A scalar that must be present (the caller has listed it as required).
    pub fn req_str(&mut self, obj: &Obj<'_>, key: &str) -> Option<Scalar> {
        self.opt_str(obj, key)
    }

    /// An optional scalar; null and absent are the same.
    pub fn opt_str(&mut self, obj: &Obj<'_>, key: &str) -> Option<Scalar> {
        let node = get_present(obj.map, key)?;
        match node.as_scalar() {
            Some(s) => Some(Scalar::of(s)),
            None => {
                self.error(
                    node.span(),
                    DiagnosticKind::WrongShape,
                    format!(
                        "`{key}` in {} must be a single value, found {}",
                        obj.what,
                        shape(node)
                    ),
                );
                None
            }
        }
    }

    /// An optional `true`/`false`; absent means `default`.
    pub fn bool_or(&mut self, obj: &Obj<'_>, key: &str, default: bool) -> bool {
        let Some(node) = get_present(obj.map, key) else {
            return default;
        };
        match node.as_scalar().and_then(MarkedScalarNode::as_bool) {
            Some(b) => b,
            None => {
                self.error(
                    node.span(),
                    DiagnosticKind::WrongShape,
                    format!("`{key}` in {} must be true or false", obj.what),
                );
                default
            }
        }
    }

    /// An optional unsigned integer that must fit `T`.
    pub fn opt_uint<T: TryFrom<u64>>(&mut self, obj: &Obj<'_>, key: &str) -> Option<T> {
        let node = get_present(obj.map, key)?;
        let parsed = node
            .as_scalar()
            .filter(|s| s.may_coerce())
            .and_then(|s| s.as_str().parse::<u64>().ok())
            .and_then(|n| T::try_from(n).ok());
        if parsed.is_none() {
            self.error(
                node.span(),
                DiagnosticKind::WrongShape,
                format!(
                    "`{key}` in {} must be an unsigned integer within range",
                    obj.what
                ),
            );
        }
        parsed
    }

    /// An optional list of strings; a single string is accepted as a one-element list.
    pub fn str_list(&mut self, obj: &Obj<'_>, key: &str) -> Vec<Scalar> {
        let Some(node) = get_present(obj.map, key) else {
            return Vec::new();
        };
        if let Some(s) = node.as_scalar() {
            return vec![Scalar::of(s)];
        }
        let Some(seq) = node.as_sequence() else {
            self.error(
                node.span(),
                DiagnosticKind::WrongShape,
                format!(
                    "`{key}` in {} must be a string or a list of strings",
                    obj.what
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in seq.iter() {
            match item.as_scalar() {
                Some(s) if !is_null(s) => out.push(Scalar::of(s)),
                _ => self.error(
                    item.span(),
                    DiagnosticKind::WrongShape,
                    format!("items of `{key}` in {} must be strings", obj.what),
                ),
            }
        }
        out
    }

    /// An optional list; reports a non-list value.
    pub fn opt_seq<'n>(&mut self, obj: &Obj<'n>, key: &str) -> Option<&'n MarkedSequenceNode> {
        let node = get_present(obj.map, key)?;
        let seq = node.as_sequence();
        if seq.is_none() {
            self.error(
                node.span(),
                DiagnosticKind::WrongShape,
                format!(
                    "`{key}` in {} must be a list, found {}",
                    obj.what,
                    shape(node)
                ),
            );
        }
        seq
    }
}

/// A checked mapping.
pub(crate) struct Obj<'n> {
    /// The mapping.
    pub map: &'n MarkedMappingNode,
    /// How messages name it (`field \`bal_amount\``).
    pub what: String,
}

impl<'n> Obj<'n> {
    /// The value under `key`, unless absent or null.
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        get_present(self.map, key)
    }

    /// Whether `key` is present with a non-null value.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Where the mapping starts, see [`mapping_start`].
    pub fn span(&self) -> Span {
        mapping_start(self.map)
    }
}

/// A scalar value with its position.
#[derive(Clone, Debug)]
pub(crate) struct Scalar {
    /// The text as written (quotes removed).
    pub text: String,
    /// Whether it was written plain (unquoted), which is how numbers are told from strings.
    pub plain: bool,
    /// Where it was written.
    pub span: Span,
}

impl Scalar {
    /// Copies a scalar node.
    pub fn of(node: &MarkedScalarNode) -> Self {
        Scalar {
            text: node.as_str().to_string(),
            plain: node.may_coerce(),
            span: *node.span(),
        }
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

/// The value under `key`, treating an explicit null as absent.
fn get_present<'n>(map: &'n MarkedMappingNode, key: &str) -> Option<&'n Node> {
    let node = map.get_node(key)?;
    match node.as_scalar() {
        Some(s) if is_null(s) => None,
        _ => Some(node),
    }
}

/// How a node's shape is named in messages.
pub(crate) fn shape(node: &Node) -> &'static str {
    match node {
        Node::Scalar(s) if is_null(s) => "null",
        Node::Scalar(_) => "a single value",
        Node::Mapping(_) => "a mapping",
        Node::Sequence(_) => "a list",
    }
}
