//! Problems found while loading a spec, each with the place it was found.

use std::fmt;
use std::path::Path;

/// What kind of problem a [`Diagnostic`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagnosticKind {
    /// A file or directory could not be read (or is not UTF-8).
    Io,
    /// The file is not valid YAML, or uses YAML features the format forbids (anchors, tags).
    Syntax,
    /// A mapping has a key the format does not define.
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// A value has the wrong shape (a list where a mapping is expected, and so on).
    WrongShape,
    /// A value has the right shape but is not acceptable (bad type syntax, bad JSON, ...).
    InvalidValue,
    /// A type reference names no type of the service.
    UndefinedType,
    /// Two things that must be unique within a service share a name (or a YAML key repeats).
    DuplicateName,
    /// A name cannot be used as the Rust identifier it becomes.
    InvalidIdentifier,
    /// An HTTP path is malformed, or a spec file is in a place the layout does not allow.
    InvalidPath,
    /// The text holds a character a reviewer cannot see: a byte-order mark, a
    /// bidirectional control or another control character.
    InvalidCharacter,
    /// A `review:` mark: something a person still has to decide (an imported draft's
    /// placeholder names, a field only an example shows). A warning, not an error.
    Review,
}

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The spec does not load: nothing is generated.
    Error,
    /// The spec loads and generates; a person should still look (`lint` lists it and
    /// succeeds).
    Warning,
}

impl Severity {
    /// `error` or `warning`, as printed before the kind.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl DiagnosticKind {
    /// Short kebab-case code shown in messages (`unknown-key`).
    pub fn code(self) -> &'static str {
        match self {
            DiagnosticKind::Io => "io",
            DiagnosticKind::Syntax => "syntax",
            DiagnosticKind::UnknownKey => "unknown-key",
            DiagnosticKind::MissingKey => "missing-key",
            DiagnosticKind::WrongShape => "wrong-shape",
            DiagnosticKind::InvalidValue => "invalid-value",
            DiagnosticKind::UndefinedType => "undefined-type",
            DiagnosticKind::DuplicateName => "duplicate-name",
            DiagnosticKind::InvalidIdentifier => "invalid-identifier",
            DiagnosticKind::InvalidPath => "invalid-path",
            DiagnosticKind::InvalidCharacter => "invalid-character",
            DiagnosticKind::Review => "review",
        }
    }

    /// Whether this kind stops the spec from loading.
    pub fn severity(self) -> Severity {
        match self {
            DiagnosticKind::Review => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl fmt::Display for DiagnosticKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One problem in one spec file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path relative to the spec root, with `/` separators.
    pub file: String,
    /// 1-based line (1 when the problem concerns the whole file).
    pub line: usize,
    /// 1-based column (1 when the problem concerns the whole file).
    pub column: usize,
    /// Category of the problem.
    pub kind: DiagnosticKind,
    /// Human-readable explanation, with a suggested fix where one is known.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // File names and messages quote spec text, which must not be able to move the
        // cursor or hide itself in the terminal that shows them.
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            Visible(&self.file),
            self.line,
            self.column,
            self.kind.severity().label(),
            self.kind,
            Visible(&self.message)
        )
    }
}

/// Text with control and bidirectional characters written as escapes.
struct Visible<'a>(&'a str);

impl fmt::Display for Visible<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c == '\n' || c == '\t' || super::text::forbidden(c).is_some() {
                write!(f, "{}", c.escape_unicode())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

/// Every problem found in a spec set. Loading never stops at the first problem, so this
/// is the complete list, sorted by file, line and column.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no problems.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether any problem is an error (warnings alone leave a spec loadable).
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.kind.severity() == Severity::Error)
    }

    /// Iterates over the problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Prefixes every file name with `root`, so that messages printed from another working
    /// directory point at real files (`spec/jdy/service.yaml:3:1: ...`).
    pub fn with_root(mut self, root: &Path) -> Self {
        let prefix = root.to_string_lossy().replace('\\', "/");
        let prefix = prefix.trim_end_matches('/');
        if !prefix.is_empty() {
            for d in &mut self.0 {
                d.file = format!("{prefix}/{}", d.file);
            }
        }
        self
    }

    pub(crate) fn sort(&mut self) {
        // Stable, so problems found at one place keep the order they were found in.
        self.0.sort_by(|a, b| {
            (a.file.as_str(), a.line, a.column).cmp(&(b.file.as_str(), b.line, b.column))
        });
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
