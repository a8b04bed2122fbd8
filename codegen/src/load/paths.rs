//! HTTP methods and paths of endpoints, and where spec files may live under the root.

use super::diagnostic::DiagnosticKind;
use super::raw::service::Method;
use super::raw::Checked;
use super::yaml::Cx;
use crate::model::HttpMethod;

/// The model's method for the spec's.
pub(crate) fn http_method(m: Method) -> HttpMethod {
    match m {
        Method::Get => HttpMethod::Get,
        Method::Post => HttpMethod::Post,
    }
}

/// Checks a path below the base URL: it starts with `/`, carries no query or fragment
/// (those are not part of an endpoint's identity and would break request signing), and has
/// no whitespace or `..` segments.
pub(crate) fn check_http_path(cx: &mut Cx<'_>, s: Checked<String>) -> Option<String> {
    let p = s.value?;
    let problem = if !p.starts_with('/') {
        Some("must start with `/`")
    } else if p.contains(char::is_whitespace) {
        Some("must not contain whitespace")
    } else if p.contains('?') {
        Some("must not contain a query (`?`)")
    } else if p.contains('#') {
        Some("must not contain a fragment (`#`)")
    } else if p.split('/').any(|seg| seg == ".." || seg == ".") {
        Some("must not contain `.` or `..` segments")
    } else if p.contains("//") {
        Some("must not contain empty segments (`//`)")
    } else if p
        .strip_prefix(crate::reserved::SANDBOX_PATH_PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    {
        Some("is under `/_sandbox`, which the sandbox's request inspector reserves")
    } else {
        None
    };
    match problem {
        Some(why) => {
            cx.error(
                s.span,
                DiagnosticKind::InvalidPath,
                format!("path `{p}` {why}"),
            );
            None
        }
        None => Some(p),
    }
}

/// What a spec file is, judging by where it sits under the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FileRole<'a> {
    /// `<service>/service.yaml`
    Service { service: &'a str },
    /// `<service>/endpoints/<name>.yaml`
    Endpoint { service: &'a str },
    /// Anywhere else.
    Misplaced,
}

/// Classifies a spec file by its path relative to the root.
pub(crate) fn file_role(path: &str) -> FileRole<'_> {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [service, "service.yaml" | "service.yml"] => FileRole::Service { service },
        [service, "endpoints", file] if is_yaml_name(file) => FileRole::Endpoint { service },
        _ => FileRole::Misplaced,
    }
}

/// Whether a file name has a YAML extension.
pub(crate) fn is_yaml_name(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// Why a spec file's path (relative to the root) is refused, if it is: every endpoint
/// file is named `[a-z][a-z0-9_]*.yaml` (or `.yml`). Paths end up in generated code and in
/// diagnostics, so anything else (spaces, upper case, line breaks) is refused up front.
/// Service directories are checked as identifiers by the caller.
pub(crate) fn check_file_name(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    let [_, "endpoints", name] = parts.as_slice() else {
        return None;
    };
    let stem = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))?;
    let mut chars = stem.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    (!ok).then(|| {
        format!(
            "endpoint file name `{name}` does not match `[a-z][a-z0-9_]*.yaml` (lower-case \
             letters, digits and `_`, starting with a letter); name it after its operation"
        )
    })
}
