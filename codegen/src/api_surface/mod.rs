//! The public API of generated code, and how it differs between two versions.
//!
//! A spec change shows up in `generated/` as a text diff; this module tells which of the
//! items a user of the generated crate names were added, removed or altered, and whether
//! their code still compiles. [`surface`] parses generated files with `syn` and lists every
//! public item (modules, structs and their public fields, enums and their variants,
//! methods, trait impls, constants, type aliases) by path, each with its file and line;
//! [`compare`] lists the differences of two surfaces and [`render`] prints them for a
//! reviewer.
//!
//! ```no_run
//! use std::path::Path;
//! use retail_apis_codegen::api_surface::{compare, render, surface_of_spec};
//!
//! let old = surface_of_spec(Path::new("old/spec")).expect("old specs load");
//! let new = surface_of_spec(Path::new("spec")).expect("new specs load");
//! print!("{}", render(&compare(&old, &new), "generated"));
//! ```
//!
//! Wire facts (a field's wire name and aliases, whether it is always sent, an enum
//! variant's wire value) are read from the generated serde code and kept with each item,
//! so a wire rename is visible even when no Rust name changes. Doc comments are compared
//! apart: a change of docs alone is [`ChangeKind::DocsChanged`], never breaking.
//!
//! Line numbers come from `proc-macro2`'s `span-locations`, which this crate turns on; it
//! is compiled only where the code generator is (never by crates depending on
//! `retail-apis`).

mod collect;
mod compare;
mod item;
mod render;
mod tokens;
mod wire;

use std::path::Path;

pub use compare::{compare, ChangeKind, ItemChange, ItemSide};
pub use item::{ApiSurface, Facts, Item, ItemKey, ItemKind, Location};
pub use render::render;

use crate::emit::{EmitError, GeneratedFile};
use crate::load::Diagnostics;

/// Why a surface could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SurfaceError {
    /// A generated file is not valid Rust.
    #[error("{file}:{line}: not valid Rust: {message}")]
    Parse {
        /// The file, as [`GeneratedFile::path`] names it.
        file: String,
        /// 1-based line of the problem.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// The specs do not load.
    #[error("the specs do not load:\n{0}")]
    Load(Diagnostics),
    /// Code could not be generated from the specs.
    #[error("code generation failed: {0}")]
    Generate(#[from] EmitError),
}

/// Every public item of the crate that `files` make up (`mod.rs` is its root, `jdy.rs` the
/// module `jdy`).
pub fn surface(files: &[GeneratedFile]) -> Result<ApiSurface, SurfaceError> {
    let mut parsed = Vec::with_capacity(files.len());
    for file in files {
        let syntax = syn::parse_file(&file.contents).map_err(|e| SurfaceError::Parse {
            file: file.path.clone(),
            line: e.span().start().line,
            message: e.to_string(),
        })?;
        parsed.push((
            collect::module_of(&file.path),
            collect::collect_file(&file.path, &syntax),
        ));
    }
    let private: Vec<String> = parsed
        .iter()
        .flat_map(|(_, items)| items.private_modules.iter().cloned())
        .collect();
    let mut result = ApiSurface::default();
    for (_, file_items) in &parsed {
        for item in &file_items.items {
            if private.iter().any(|m| within(&item.path, m)) {
                continue;
            }
            result
                .items
                .insert((item.path.clone(), item.kind), item.clone());
        }
    }
    // A module declared as `pub mod jdy;` has its `//!` docs in its own file.
    for (module, file_items) in &parsed {
        if file_items.inner_docs.is_empty() {
            continue;
        }
        if let Some(item) = result.items.get_mut(&(module.clone(), ItemKind::Module)) {
            if !item.docs.is_empty() {
                item.docs.push('\n');
            }
            item.docs.push_str(&file_items.inner_docs);
        }
    }
    Ok(result)
}

/// Whether `path` is `module` or inside it.
fn within(path: &str, module: &str) -> bool {
    path == module
        || path
            .strip_prefix(module)
            .is_some_and(|rest| rest.starts_with("::"))
}

/// The surface of the code `retail-apis generate` writes for the spec tree at `spec_dir`,
/// generated in memory (nothing is written).
pub fn surface_of_spec(spec_dir: &Path) -> Result<ApiSurface, SurfaceError> {
    let set = crate::load(spec_dir).map_err(SurfaceError::Load)?;
    let files = crate::generate(&set)?;
    surface(&files)
}
