//! Writing generated files to disk and comparing them with what is there.

use std::fmt;
use std::fs;
use std::io;
use std::path::Path;

use crate::emit::{GeneratedFile, GENERATED_MARKER};

/// What [`write_changed`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written because their bytes differed or they were missing.
    pub written: Vec<String>,
    /// Files left untouched.
    pub unchanged: Vec<String>,
    /// Stale generated files removed (their service is gone).
    pub removed: Vec<String>,
}

impl fmt::Display for WriteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} written, {} unchanged, {} removed",
            self.written.len(),
            self.unchanged.len(),
            self.removed.len()
        )?;
        for path in &self.written {
            write!(f, "\n  wrote   {path}")?;
        }
        for path in &self.removed {
            write!(f, "\n  removed {path}")?;
        }
        Ok(())
    }
}

/// Writes each file whose bytes differ from the file on disk (so unchanged files keep
/// their modification time and cargo does not rebuild), and removes `*.rs` files in
/// `out_dir` that carry the generated marker but are no longer generated.
pub fn write_changed(out_dir: &Path, files: &[GeneratedFile]) -> io::Result<WriteReport> {
    fs::create_dir_all(out_dir)?;
    let mut report = WriteReport::default();
    for file in files {
        let path = out_dir.join(&file.path);
        if same_bytes_on_disk(&path, file.contents.as_bytes())? {
            report.unchanged.push(file.path.clone());
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        write_atomically(&path, file.contents.as_bytes())?;
        report.written.push(file.path.clone());
    }
    for stale in stale_files(out_dir, files)? {
        fs::remove_file(out_dir.join(&stale))?;
        report.removed.push(stale);
    }
    Ok(report)
}

/// Whether `path` holds exactly `contents`. A regular file of another length differs
/// without being read (generated files run to tens of megabytes).
fn same_bytes_on_disk(path: &Path, contents: &[u8]) -> io::Result<bool> {
    match unless_missing(fs::metadata(path))? {
        None => return Ok(false),
        Some(meta) if meta.is_file() && meta.len() != contents.len() as u64 => return Ok(false),
        Some(_) => {}
    }
    Ok(unless_missing(fs::read(path))?.is_some_and(|existing| existing == contents))
}

/// Writes through a temporary file and a rename, so that a compiler or editor reading the
/// file while a build script regenerates it never sees half a file.
fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let name = path.file_name().map_or_else(
        || "generated".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = fs::write(&tmp, contents).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        // Best effort: the original error is the one worth reporting.
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `None` for a path that does not exist: a missing output file or directory is a state
/// to report or fill in, not an error.
fn unless_missing<T>(result: io::Result<T>) -> io::Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Generated `*.rs` files in `out_dir` that `files` no longer contains.
fn stale_files(out_dir: &Path, files: &[GeneratedFile]) -> io::Result<Vec<String>> {
    let mut stale = Vec::new();
    let Some(entries) = unless_missing(fs::read_dir(out_dir))? else {
        return Ok(stale);
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".rs") || files.iter().any(|f| f.path == name) {
            continue;
        }
        let is_generated = fs::read_to_string(entry.path())
            .map(|text| text.starts_with(GENERATED_MARKER))
            .unwrap_or(false);
        if is_generated {
            stale.push(name);
        }
    }
    stale.sort();
    Ok(stale)
}

/// How the files on disk differ from freshly generated ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Files whose bytes differ, each with a unified diff (on disk → generated).
    pub stale: Vec<(String, String)>,
    /// Files that should exist but do not.
    pub missing: Vec<String>,
    /// Generated files on disk that the specs no longer produce.
    pub extra: Vec<String>,
}

impl CheckReport {
    /// Whether the files on disk are exactly what the specs generate.
    pub fn is_fresh(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (_, diff) in &self.stale {
            f.write_str(diff)?;
        }
        for path in &self.missing {
            writeln!(f, "missing: {path}")?;
        }
        for path in &self.extra {
            writeln!(f, "no longer generated: {path}")?;
        }
        Ok(())
    }
}

/// Compares `files` with the contents of `out_dir` without writing anything.
pub fn check(out_dir: &Path, files: &[GeneratedFile]) -> io::Result<CheckReport> {
    let mut report = CheckReport::default();
    for file in files {
        let path = out_dir.join(&file.path);
        match unless_missing(fs::read(&path))? {
            Some(existing) if existing == file.contents.as_bytes() => {}
            Some(existing) => {
                let existing = String::from_utf8_lossy(&existing);
                let diff = similar::TextDiff::from_lines(existing.as_ref(), file.contents.as_str())
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{}", file.path), &format!("b/{}", file.path))
                    .to_string();
                report.stale.push((file.path.clone(), diff));
            }
            None => report.missing.push(file.path.clone()),
        }
    }
    report.extra = stale_files(out_dir, files)?;
    Ok(report)
}
