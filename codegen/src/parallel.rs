//! Spreading independent pieces of work (spec files to parse, parts of a module to format)
//! over the machine's cores, with results in input order.
//!
//! The output must not depend on how the work was spread: each result goes to the slot of
//! its input, and callers combine the slots in input order, so one worker or many give the
//! same bytes. Workers take the next unclaimed item as they finish one, so a slow item (or
//! a core busy with another process) does not leave the other workers idle.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// How many workers to use: one per available core.
pub(crate) fn default_workers() -> NonZeroUsize {
    std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)
}

/// `items.iter().map(f).collect()`, computed on up to `workers` threads (the calling thread
/// is one of them). A panic in `f` resumes on the caller, as it would without threads.
pub(crate) fn map_ordered<'a, T, R, F>(items: &'a [T], workers: NonZeroUsize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&'a T) -> R + Sync,
{
    let workers = workers.get().min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(i) else { break };
        let result = f(item);
        // Each slot is written once, by the worker that claimed its index.
        *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
    };
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        work();
        for helper in helpers {
            if let Err(panic) = helper.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                // Every index below `items.len()` was claimed by a worker that either
                // filled its slot or panicked, and a panic has been resumed above.
                .unwrap_or_else(|| unreachable!("a claimed item has no result"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_input_order_whatever_the_worker_count() {
        let items: Vec<u64> = (0..1000).collect();
        // Uneven work, so workers finish items out of order.
        let f = |&n: &u64| (0..(n % 7) * 1000).fold(n, |acc, k| acc.wrapping_mul(31) ^ k);
        let expected: Vec<u64> = items.iter().map(f).collect();
        for workers in [1, 2, 3, 8] {
            let workers = NonZeroUsize::new(workers).expect("non-zero");
            assert_eq!(map_ordered(&items, workers, f), expected);
        }
        assert!(map_ordered(&[] as &[u64], NonZeroUsize::MIN, f).is_empty());
    }

    #[test]
    fn a_panic_in_a_worker_reaches_the_caller() {
        let items: Vec<u32> = (0..64).collect();
        let result = std::panic::catch_unwind(|| {
            map_ordered(&items, NonZeroUsize::new(2).expect("two"), |&n| {
                assert!(n != 40, "item 40");
                n
            })
        });
        assert!(result.is_err());
    }
}
