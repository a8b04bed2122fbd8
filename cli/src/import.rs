//! `retail-apis import PAGE... --service SERVICE`: vendor pages to draft endpoint files.

use std::path::{Path, PathBuf};

use retail_apis_codegen::import::{
    import_page, ImportError, Imported, PageDeclaration, MAX_PAGE_BYTES,
};
use serde_json::json;

use crate::exit;
use crate::failure::Failure;
use crate::output::{self, Output};

/// What `import` was asked to do.
pub struct Request<'a> {
    /// The page files.
    pub pages: &'a [PathBuf],
    /// The service directory the drafts belong to.
    pub service: &'a str,
    /// The spec root the pages are read against.
    pub spec: &'a Path,
    /// The spec root to write drafts into; none prints them.
    pub out: Option<&'a Path>,
    /// Overwrite existing endpoint files.
    pub force: bool,
}

/// Imports every page; writes nothing unless every page imports and no file would be
/// overwritten without `--force`.
pub fn run(request: &Request<'_>, mode: Output) -> Result<u8, Failure> {
    let specs = retail_apis_codegen::load(request.spec)
        .map_err(|diagnostics| Failure::problems(request.spec, diagnostics))?;
    let mut drafts: Vec<(String, Imported)> = Vec::new();
    for path in request.pages {
        let (name, text) = read_page(path)?;
        let imported = import_page(&name, &text, &specs, request.service).map_err(|e| match e {
            ImportError::UnknownService(_) => Failure::usage(e.to_string()),
            ImportError::UnknownFormat { .. } => Failure::input(format!("{}: {e}", path.display())),
        })?;
        if let Some((other, _)) = drafts.iter().find(|(_, d)| d.file == imported.file) {
            return Err(Failure::usage(format!(
                "pages {other} and {name} both become {}",
                imported.file
            )));
        }
        drafts.push((name, imported));
    }
    let mut written = Vec::new();
    if let Some(root) = request.out {
        for (_, d) in &drafts {
            let target = root.join(&d.file);
            if target.exists() && !request.force {
                return Err(Failure::io(format!(
                    "{} exists; pass --force to overwrite it",
                    target.display()
                )));
            }
        }
        for (_, d) in &drafts {
            let target = root.join(&d.file);
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Failure::io(format!("cannot create {}: {e}", dir.display())))?;
            }
            std::fs::write(&target, &d.yaml)
                .map_err(|e| Failure::io(format!("cannot write {}: {e}", target.display())))?;
            written.push(target.display().to_string());
        }
        for (_, d) in &drafts {
            if let Some(declaration) = &d.page_declaration {
                declare(root, request.service, declaration)?;
            }
        }
    }
    match mode {
        Output::Json => output::json(&json!({
            "drafts": drafts.iter().zip(written.iter().map(Some).chain(std::iter::repeat(None))).map(|((page, d), path)| json!({
                "page": page,
                "file": d.file,
                "operation": d.operation,
                "written": path,
                "yaml": if request.out.is_none() { Some(&d.yaml) } else { None },
                "differences": d.differences,
                "reviews": d.reviews,
            })).collect::<Vec<_>>(),
        }))?,
        Output::Text => {
            let mut notes = String::new();
            for (i, (page, d)) in drafts.iter().enumerate() {
                match written.get(i) {
                    Some(path) => notes.push_str(&format!("{page}: wrote {path}\n")),
                    None => {
                        output::stdout(&format!("# {}\n{}", d.file, d.yaml))?;
                        notes.push_str(&format!("{page}: printed {}\n", d.file));
                    }
                }
                for difference in &d.differences {
                    notes.push_str(&format!("  differs from service.yaml: {difference}\n"));
                }
                for review in &d.reviews {
                    notes.push_str(&format!("  review: {review}\n"));
                }
            }
            // Standard output carries the drafts themselves; the notes go beside them.
            eprint!("{}", output::visible(&notes));
        }
    }
    Ok(exit::SUCCESS)
}

/// Declares an imported page under `pages:` in the service file below `root`, so that
/// the draft's citations of it resolve; a service file that already has it is left alone.
fn declare(root: &Path, service: &str, declaration: &PageDeclaration) -> Result<(), Failure> {
    let path = root.join(service).join("service.yaml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        // No service file to declare it in: the notes printed say what it needs.
        return Ok(());
    };
    let entry = format!("  {}:", declaration.name);
    if text
        .lines()
        .any(|l| l == entry || l == format!("  \"{}\":", declaration.name))
    {
        return Ok(());
    }
    std::fs::write(&path, declaration.insert_into(&text))
        .map_err(|e| Failure::io(format!("cannot write {}: {e}", path.display())))
}

/// A page's file name (which quirks cite) and text.
fn read_page(path: &Path) -> Result<(String, String), Failure> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Failure::input(format!("{} is not a file", path.display())))?;
    let meta = std::fs::metadata(path)
        .map_err(|e| Failure::input(format!("cannot read page {}: {e}", path.display())))?;
    if !meta.is_file() || meta.len() > MAX_PAGE_BYTES as u64 {
        return Err(Failure::input(format!(
            "{} is not a regular file of at most {MAX_PAGE_BYTES} bytes",
            path.display()
        )));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::input(format!("cannot read page {}: {e}", path.display())))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::input(format!("{} is not UTF-8 text", path.display())))?;
    Ok((name, text))
}
