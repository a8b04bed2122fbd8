//! Finding and reading spec files under a root directory.

use std::path::Path;

use super::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use super::paths::is_yaml_name;

/// One spec file's text, with its path relative to the spec root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the spec root, with `/` separators (`jdy/service.yaml`).
    pub path: String,
    /// The file's contents.
    pub text: String,
}

/// Reads every `*.yaml` / `*.yml` file under `root`, sorted by path.
///
/// Entries whose name starts with `.` are skipped (editor and tool state), and symbolic
/// links to directories are not followed, so a link cycle cannot make the walk endless.
/// Every unreadable entry is reported, not just the first.
pub fn read_sources(root: &Path) -> Result<Vec<SourceFile>, Diagnostics> {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let io_error = |file: String, message: String| Diagnostic {
        file,
        line: 1,
        column: 1,
        kind: DiagnosticKind::Io,
        message,
    };
    let mut stack: Vec<(std::path::PathBuf, String)> = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                let shown = if rel.is_empty() {
                    root.display().to_string()
                } else {
                    rel
                };
                diags.push(io_error(shown, format!("cannot read directory: {e}")));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.push(io_error(rel.clone(), format!("cannot list directory: {e}")));
                    continue;
                }
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let child_rel = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let Ok(ft) = entry.file_type() else {
                diags.push(io_error(
                    child_rel,
                    "cannot determine the file type".to_string(),
                ));
                continue;
            };
            let path = entry.path();
            if ft.is_dir() {
                stack.push((path, child_rel));
            } else if is_yaml_name(&name) {
                match std::fs::read(&path) {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(text) => files.push(SourceFile {
                            path: child_rel,
                            text,
                        }),
                        Err(_) => {
                            diags.push(io_error(child_rel, "file is not valid UTF-8".to_string()))
                        }
                    },
                    Err(e) => diags.push(io_error(child_rel, format!("cannot read file: {e}"))),
                }
            }
        }
    }
    if diags.is_empty() {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    } else {
        let mut d = Diagnostics(diags);
        d.sort();
        Err(d)
    }
}
