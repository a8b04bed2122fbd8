//! Giving the memory of closed connections back to the operating system.
//!
//! glibc's allocator returns freed memory of a heap only from the heap's top, and the
//! per-thread heaps of the runtime's workers almost always have some small live
//! allocation near the top. After thousands of connections close, their memory is free
//! but the process keeps its peak size. [`release_free_memory`] asks the allocator to
//! hand free pages back, and [`BurstTracker`] calls it only when a burst of connections
//! has drained, so that ordinary traffic never pays for it.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Connections that must have been open at once before a drain is worth a release:
/// below this the retained memory is a few megabytes at most.
const BURST: usize = 256;

/// Remembers the most connections open at once since the last release.
#[derive(Debug, Default)]
pub(crate) struct BurstTracker {
    peak: AtomicUsize,
}

impl BurstTracker {
    /// Records that `open` connections are open now.
    pub fn opened(&self, open: usize) {
        self.peak.fetch_max(open, Ordering::Relaxed);
    }

    /// Records that a connection closed, leaving `open`; releases free memory once a
    /// burst has drained to a quarter of its peak.
    pub fn closed(&self, open: usize) {
        let peak = self.peak.load(Ordering::Relaxed);
        if peak >= BURST
            && open.saturating_mul(4) <= peak
            // Only one of the connections closing together does the release.
            && self
                .peak
                .compare_exchange(peak, open, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::debug!(
                peak,
                open,
                "connection burst drained; releasing free memory"
            );
            release_free_memory();
        }
    }
}

/// Hands free heap pages back to the operating system (glibc only; a no-op elsewhere,
/// where the allocator decides by itself).
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` has no preconditions: it takes the allocator's own locks and
    // only releases pages no allocation uses.
    unsafe {
        libc::malloc_trim(0);
    }
}
