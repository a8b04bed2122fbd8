//! Rendering the generated files in parts on all cores.
//!
//! Each part is rendered to tokens, parsed, pretty-printed and spaced on its own, largest
//! parts first so that the ones that cannot be split do not end up running alone at the
//! end. Results come back in part order and are joined in that order, so the bytes do not
//! depend on the number of threads or on which thread finished first.

use std::cmp::Reverse;
use std::num::NonZeroUsize;

use proc_macro2::TokenStream;

use super::client::{Part, ServiceModule};
use super::{module_index, spacing, EmitError, GenerateOptions};
use crate::model::SpecSet;

/// One independently formatted part of a generated file.
pub(super) enum Job<'m> {
    /// A part of a service module.
    Service(&'m ServiceModule<'m>, Part),
    /// The whole index module (`mod.rs`), which is small.
    Index(&'m SpecSet, &'m GenerateOptions),
}

impl Job<'_> {
    /// Rough cost, for the order in which parts are handed out.
    fn size(&self) -> usize {
        match self {
            Job::Service(module, part) => module.size(part),
            Job::Index(spec, _) => spec.services.iter().map(|s| s.files.len()).sum(),
        }
    }

    fn file(&self) -> String {
        match self {
            Job::Service(module, _) => format!("{}.rs", module.name()),
            Job::Index(..) => "mod.rs".to_owned(),
        }
    }

    fn tokens(&self) -> Result<TokenStream, EmitError> {
        match self {
            Job::Service(module, part) => module.tokens(part),
            Job::Index(spec, options) => module_index::index_module(spec, options),
        }
    }

    /// The part as formatted source, with blank lines between its items.
    fn render(&self) -> Result<String, EmitError> {
        let tokens = self.tokens()?;
        let file: syn::File = syn::parse2(tokens).map_err(|e| EmitError::Unparsable {
            file: self.file(),
            message: e.to_string(),
        })?;
        Ok(spacing::separate_items(&prettyplease::unparse(&file)))
    }
}

/// Renders every job on up to `workers` threads; the results are in job order.
pub(super) fn render_all(
    jobs: &[Job<'_>],
    workers: NonZeroUsize,
) -> Vec<Result<String, EmitError>> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    // Stable, so equal sizes keep file order.
    order.sort_by_key(|&i| Reverse(jobs[i].size()));
    let rendered = crate::parallel::map_ordered(&order, workers, |&i| jobs[i].render());
    let mut indexed: Vec<(usize, Result<String, EmitError>)> =
        order.into_iter().zip(rendered).collect();
    indexed.sort_by_key(|(i, _)| *i);
    indexed.into_iter().map(|(_, result)| result).collect()
}
