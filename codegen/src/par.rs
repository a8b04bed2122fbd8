//! Independent pieces of work spread over the machine's cores, with results in input order,
//! so that what is produced never depends on the number of threads or on which finished first.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One worker per available core.
pub(crate) fn workers() -> NonZeroUsize {
    std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)
}

/// `f` applied to every item on up to `workers` threads (the calling thread is one of
/// them); the results are in the order of `items`. Items are handed out one at a time, so
/// a few large ones do not leave a thread idle.
pub(crate) fn map_ordered<T, R, F>(items: &[T], workers: NonZeroUsize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let workers = workers.get().min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let take = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            done.push((i, f(item)));
        }
        done
    };
    let mut results: Vec<(usize, R)> = Vec::with_capacity(items.len());
    std::thread::scope(|scope| {
        let others: Vec<_> = (1..workers).map(|_| scope.spawn(take)).collect();
        results.extend(take());
        for other in others {
            match other.join() {
                Ok(done) => results.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_input_order_on_any_number_of_threads() {
        let items: Vec<u64> = (0..1000).collect();
        let expected: Vec<u64> = items.iter().map(|n| n * n).collect();
        for workers in [1, 2, 3, 8, 2000] {
            let workers = NonZeroUsize::new(workers).unwrap_or(NonZeroUsize::MIN);
            assert_eq!(map_ordered(&items, workers, |n| n * n), expected);
        }
        assert!(map_ordered(&[] as &[u64], workers(), |n| *n).is_empty());
    }
}
