//! Finding and reading spec files under a root directory.

use std::io::Read;
use std::path::Path;

use super::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use super::paths::is_yaml_name;

/// Largest spec file accepted, in bytes. The biggest real spec file is under 10 KiB; the
/// cap bounds the memory and time one file can take.
pub const MAX_SPEC_FILE_BYTES: usize = 1 << 20;

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
/// A spec file must be a regular file of at most [`MAX_SPEC_FILE_BYTES`]; a symbolic link
/// is read only when it resolves to such a file inside `root`. FIFOs, devices and links
/// out of the tree are refused without being read, so a spec tree can neither block the
/// build nor make it read without end. Every unreadable entry is reported, not just the
/// first.
pub fn read_sources(root: &Path) -> Result<Vec<SourceFile>, Diagnostics> {
    let (files, diags) = read_readable(root);
    if diags.is_empty() {
        Ok(files)
    } else {
        Err(diags)
    }
}

/// The readable spec files under `root` (sorted by path) and the problems with the others.
pub(crate) fn read_readable(root: &Path) -> (Vec<SourceFile>, Diagnostics) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let io_error = |file: String, message: String| Diagnostic {
        file,
        line: 1,
        column: 1,
        kind: DiagnosticKind::Io,
        message,
    };
    // Symbolic links are judged by where they lead, so the root is resolved once.
    let canonical_root = std::fs::canonicalize(root).ok();
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
                match read_spec_file(&path, ft.is_symlink(), canonical_root.as_deref()) {
                    Ok(text) => files.push(SourceFile {
                        path: child_rel,
                        text,
                    }),
                    Err(message) => diags.push(io_error(child_rel, message)),
                }
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut d = Diagnostics(diags);
    d.sort();
    (files, d)
}

/// Reads one spec file, refusing anything but a regular file (or a link to one within the
/// spec root) of at most [`MAX_SPEC_FILE_BYTES`].
fn read_spec_file(
    path: &Path,
    is_symlink: bool,
    canonical_root: Option<&Path>,
) -> Result<String, String> {
    if is_symlink {
        let target =
            std::fs::canonicalize(path).map_err(|e| format!("cannot resolve the link: {e}"))?;
        if !canonical_root.is_some_and(|root| target.starts_with(root)) {
            return Err(format!(
                "symbolic link to `{}`, which is outside the spec root",
                target.display()
            ));
        }
    }
    let kind = std::fs::metadata(path)
        .map_err(|e| format!("cannot read file: {e}"))?
        .file_type();
    if !kind.is_file() {
        return Err("not a regular file (FIFO, socket, device or directory)".to_string());
    }
    let file = open_nonblocking(path).map_err(|e| format!("cannot read file: {e}"))?;
    // Checked again on the open handle: the entry may have been replaced since.
    let regular = file.metadata().is_ok_and(|m| m.file_type().is_file());
    if !regular {
        return Err("not a regular file (FIFO, socket, device or directory)".to_string());
    }
    let mut bytes = Vec::new();
    file.take(MAX_SPEC_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read file: {e}"))?;
    if bytes.len() > MAX_SPEC_FILE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|_| "file is not valid UTF-8".to_string())
}

/// The message for a file over [`MAX_SPEC_FILE_BYTES`].
pub(crate) fn too_large() -> String {
    format!("file is larger than the {MAX_SPEC_FILE_BYTES}-byte limit for spec files")
}

/// Opens for reading without blocking on a FIFO that was swapped in after the type check.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}
