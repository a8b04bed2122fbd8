//! Rendering the generated files in parts on all cores.
//!
//! Each part is rendered to tokens, parsed, pretty-printed and spaced on its own. Results
//! come back in part order and are joined in that order, so the bytes do not depend on the
//! number of threads or on which thread finished first.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::client::{Part, Rendered, ServiceModule};
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
    fn file(&self) -> String {
        match self {
            Job::Service(module, _) => format!("{}.rs", module.name()),
            Job::Index(..) => "mod.rs".to_owned(),
        }
    }

    /// The part as formatted source, with blank lines between its items.
    fn render(&self) -> Result<String, EmitError> {
        let tokens = match self {
            Job::Service(module, part) => match module.render(part)? {
                Rendered::Tokens(tokens) => tokens,
                Rendered::Formatted(text) => return Ok(spacing::separate_items(&text)),
            },
            Job::Index(spec, options) => module_index::index_module(spec, options)?,
        };
        let file: syn::File = syn::parse2(tokens).map_err(|e| EmitError::Unparsable {
            file: self.file(),
            message: e.to_string(),
        })?;
        Ok(spacing::separate_items(&prettyplease::unparse(&file)))
    }
}

/// Renders every job on up to `workers` threads; the results are in job order.
///
/// The calling thread renders the parts that cannot be split (descriptors, client, index)
/// itself, first, while the other workers start on the runs of types; then it joins them.
/// Those parts allocate hundreds of megabytes for a large service, and glibc serves the
/// main thread from its contiguous heap, while another thread's arena grows and shrinks
/// in 64 MiB pieces, which measured a third slower at 5000 endpoints.
pub(super) fn render_all(
    jobs: &[Job<'_>],
    workers: NonZeroUsize,
) -> Vec<Result<String, EmitError>> {
    let (pinned, shared): (Vec<usize>, Vec<usize>) =
        (0..jobs.len()).partition(|&i| !matches!(jobs[i], Job::Service(_, Part::Types(_))));
    let workers = workers.get().min(shared.len() + 1);
    let mut results: Vec<(usize, Result<String, EmitError>)> = Vec::with_capacity(jobs.len());
    if workers <= 1 {
        results.extend((0..jobs.len()).map(|i| (i, jobs[i].render())));
    } else {
        let next = AtomicUsize::new(0);
        let take_shared = || {
            let mut done = Vec::new();
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(&i) = shared.get(k) else { break };
                done.push((i, jobs[i].render()));
            }
            done
        };
        std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..workers).map(|_| scope.spawn(take_shared)).collect();
            results.extend(pinned.iter().map(|&i| (i, jobs[i].render())));
            results.extend(take_shared());
            for helper in helpers {
                match helper.join() {
                    Ok(done) => results.extend(done),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
        });
    }
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, result)| result).collect()
}
