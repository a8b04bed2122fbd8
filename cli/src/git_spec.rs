//! The spec tree of a git revision, read with the `git` command into memory: the files
//! under the same path the working tree's spec root has in the repository, so that
//! reports name them as the repository does.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use retail_apis_codegen::load::MAX_SPEC_FILE_BYTES;
use retail_apis_codegen::{Diagnostic, DiagnosticKind, SourceFile};

/// Why a revision's spec cannot be read.
#[derive(Debug)]
pub enum GitError {
    /// `git` could not be run, or the spec root is in no repository.
    Unavailable(String),
    /// The revision does not name a commit.
    NoRevision {
        /// The revision as given.
        revision: String,
        /// Why, for the reader (a first commit, a shallow clone).
        reason: String,
    },
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::Unavailable(message) => f.write_str(message),
            GitError::NoRevision { revision, reason } => {
                write!(f, "revision `{revision}` is not a commit here: {reason}")
            }
        }
    }
}

/// The repository a spec root lives in, and the root's path inside it.
pub struct Repo {
    top: PathBuf,
    /// The spec root relative to the top level, with `/` separators (`spec`); empty when
    /// the spec root is the top level.
    pub spec_path: String,
}

/// The revision a spec tree was read from, and its files (paths relative to the spec root).
pub struct RevisionSpec {
    /// The revision as resolved (`HEAD~1`, or the merge base's commit).
    pub revision: String,
    /// Its commit id.
    pub commit: String,
    /// The spec files, and the entries that are not readable spec files.
    pub files: Vec<SourceFile>,
    /// Entries refused as the loader would refuse them (links, non-UTF-8 text).
    pub problems: Vec<Diagnostic>,
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, GitError> {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| GitError::Unavailable(format!("cannot run `git`: {e}")))
}

/// Standard output of a successful `git` command, trimmed; `None` when it failed.
fn git_line(dir: &Path, args: &[&str]) -> Result<Option<String>, GitError> {
    let out = git(dir, args)?;
    Ok(out
        .status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned()))
}

impl Repo {
    /// The repository holding `spec_root` (which must exist).
    pub fn of(spec_root: &Path) -> Result<Repo, GitError> {
        let root = std::fs::canonicalize(spec_root).map_err(|e| {
            GitError::Unavailable(format!("cannot resolve {}: {e}", spec_root.display()))
        })?;
        let top = git_line(&root, &["rev-parse", "--show-toplevel"])?.ok_or_else(|| {
            GitError::Unavailable(format!(
                "{} is not in a git repository; give the old spec with --old DIR",
                spec_root.display()
            ))
        })?;
        let top = std::fs::canonicalize(&top)
            .map_err(|e| GitError::Unavailable(format!("cannot resolve {top}: {e}")))?;
        let rel = root.strip_prefix(&top).map_err(|_| {
            GitError::Unavailable(format!(
                "{} is outside the repository at {}",
                spec_root.display(),
                top.display()
            ))
        })?;
        let spec_path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        Ok(Repo { top, spec_path })
    }

    /// The commit `revision` names. A revision starting with `-` is refused: git would read
    /// it as an option.
    fn commit(&self, revision: &str) -> Result<String, GitError> {
        if revision.starts_with('-') || revision.is_empty() {
            return Err(GitError::NoRevision {
                revision: revision.to_owned(),
                reason: "a revision cannot be empty or start with `-`".to_owned(),
            });
        }
        let spec = format!("{revision}^{{commit}}");
        if let Some(commit) = git_line(&self.top, &["rev-parse", "--verify", "--quiet", &spec])? {
            return Ok(commit);
        }
        let reason = if revision.starts_with("HEAD~") || revision.starts_with("HEAD^") {
            "HEAD has no such ancestor here (a first commit, or a shallow clone: fetch more \
             history with `git fetch --deepen=1`)"
        } else {
            "unknown revision (fetch it, or check its spelling)"
        };
        Err(GitError::NoRevision {
            revision: revision.to_owned(),
            reason: reason.to_owned(),
        })
    }

    /// The default base: the merge base of HEAD with `origin/main` when that exists and
    /// differs from HEAD, else `HEAD~1`.
    pub fn default_base(&self) -> Result<String, GitError> {
        let remote = git_line(
            &self.top,
            &["rev-parse", "--verify", "--quiet", "origin/main^{commit}"],
        )?;
        let head = git_line(&self.top, &["rev-parse", "--verify", "--quiet", "HEAD"])?;
        if let (Some(_), Some(head)) = (remote, head) {
            if let Some(base) = git_line(&self.top, &["merge-base", "HEAD", "origin/main"])? {
                if base != head {
                    return Ok(base);
                }
            }
        }
        Ok("HEAD~1".to_owned())
    }

    /// Reads the spec tree at `revision`: every `*.yaml` / `*.yml` blob under the spec
    /// path, skipping entries whose name starts with `.`, as the loader reads a directory.
    pub fn read(&self, revision: &str) -> Result<RevisionSpec, GitError> {
        let commit = self.commit(revision)?;
        let mut args = vec!["ls-tree", "-r", "-z", "-l", commit.as_str()];
        if !self.spec_path.is_empty() {
            args.extend(["--", self.spec_path.as_str()]);
        }
        let listing = git(&self.top, &args)?;
        if !listing.status.success() {
            return Err(GitError::Unavailable(format!(
                "git ls-tree failed: {}",
                String::from_utf8_lossy(&listing.stderr).trim()
            )));
        }
        let prefix = if self.spec_path.is_empty() {
            String::new()
        } else {
            format!("{}/", self.spec_path)
        };
        let mut files = Vec::new();
        let mut problems = Vec::new();
        // (path relative to the spec root, blob id) of each file to read.
        let mut wanted = Vec::new();
        for entry in listing.stdout.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let Some(rel) = path.strip_prefix(&prefix) else {
                continue;
            };
            if rel.split('/').any(|part| part.starts_with('.'))
                || !(rel.ends_with(".yaml") || rel.ends_with(".yml"))
            {
                continue;
            }
            let fields: Vec<&str> = meta.split_whitespace().collect();
            let (mode, object, size) = match fields.as_slice() {
                [mode, _kind, object, size] => (*mode, *object, size.parse::<usize>().ok()),
                _ => continue,
            };
            let problem = |message: String| Diagnostic {
                file: rel.to_owned(),
                line: 1,
                column: 1,
                kind: DiagnosticKind::Io,
                message,
            };
            if mode != "100644" && mode != "100755" {
                problems.push(problem(format!(
                    "not a regular file at {revision} (git mode {mode}); spec files are read \
                     from a revision only as regular files"
                )));
                continue;
            }
            if size.is_none_or(|s| s > MAX_SPEC_FILE_BYTES) {
                problems.push(problem(format!(
                    "larger than {MAX_SPEC_FILE_BYTES} bytes at {revision}"
                )));
                continue;
            }
            wanted.push((rel.to_owned(), object.to_owned()));
        }
        let blobs = self.blobs(wanted.iter().map(|(_, object)| object.as_str()))?;
        for ((rel, _), blob) in wanted.into_iter().zip(blobs) {
            match String::from_utf8(blob) {
                Ok(text) => files.push(SourceFile { path: rel, text }),
                Err(_) => problems.push(Diagnostic {
                    file: rel,
                    line: 1,
                    column: 1,
                    kind: DiagnosticKind::Io,
                    message: format!("not UTF-8 at {revision}"),
                }),
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(RevisionSpec {
            revision: revision.to_owned(),
            commit,
            files,
            problems,
        })
    }

    /// The contents of blobs, in order, through one `git cat-file --batch` (a process per
    /// file would dominate the time of a large spec tree).
    fn blobs<'a>(&self, objects: impl Iterator<Item = &'a str>) -> Result<Vec<Vec<u8>>, GitError> {
        let objects: Vec<&str> = objects.collect();
        if objects.is_empty() {
            return Ok(Vec::new());
        }
        let failed =
            |e: std::io::Error| GitError::Unavailable(format!("cannot run `git cat-file`: {e}"));
        let mut child = Command::new("git")
            .args(["cat-file", "--batch"])
            .current_dir(&self.top)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(failed)?;
        let input: String = objects.iter().map(|o| format!("{o}\n")).collect();
        let stdin = child.stdin.take();
        // Written from another thread: git answers while it reads, and both pipes are finite.
        let writer = std::thread::spawn(move || {
            if let Some(mut stdin) = stdin {
                let _ = stdin.write_all(input.as_bytes());
            }
        });
        let mut out = Vec::new();
        if let Some(mut stdout) = child.stdout.take() {
            stdout.read_to_end(&mut out).map_err(failed)?;
        }
        let _ = writer.join();
        let _ = child.wait();
        let mut rest = out.as_slice();
        let mut blobs = Vec::with_capacity(objects.len());
        for object in objects {
            let bad = || GitError::Unavailable(format!("`git cat-file` gave no blob {object}"));
            let end = rest.iter().position(|b| *b == b'\n').ok_or_else(bad)?;
            let header = String::from_utf8_lossy(&rest[..end]).into_owned();
            // `<id> blob <size>`, then the bytes and a line feed.
            let size = match header.split(' ').collect::<Vec<_>>().as_slice() {
                [id, "blob", size] if *id == object => size.parse::<usize>().map_err(|_| bad())?,
                _ => return Err(bad()),
            };
            let body = rest.get(end + 1..end + 1 + size).ok_or_else(bad)?;
            blobs.push(body.to_vec());
            rest = rest.get(end + 2 + size..).unwrap_or_default();
        }
        Ok(blobs)
    }
}
