//! The accept loop. Every connection costs a task and its buffers, so a client that opens
//! connections and never finishes a request could otherwise grow the sandbox without
//! bound. Here a connection must deliver its request headers within
//! [`SandboxConfig::header_read_timeout`] (idle keep-alive connections included), and at
//! most [`SandboxConfig::max_connections`] are served at once.
//!
//! When the limit is reached the loop stops accepting rather than accepting and closing:
//! further clients wait in the kernel's listen backlog, costing the sandbox nothing, and
//! are served in turn as connections close, instead of seeing errors a real gateway would
//! not give them.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

use crate::config::SandboxConfig;
use crate::memory::BurstTracker;
use crate::write_deadline::WriteDeadline;

/// Most bytes of a request head (request line and headers) a connection buffers; a
/// larger head is answered HTTP 431. With the connection limit, this bounds the memory
/// stalled clients can pin (hyper's default is about 400 KiB per connection).
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// How long the loop pauses after an accept error that is not about one connection
/// (such as running out of file descriptors), so that it does not spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(500);

/// The per-connection timeouts of [`SandboxConfig`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timeouts {
    /// [`SandboxConfig::header_read_timeout`].
    pub header_read: Duration,
    /// [`SandboxConfig::write_timeout`].
    pub write: Duration,
}

impl Timeouts {
    pub fn new(config: &SandboxConfig) -> Timeouts {
        Timeouts {
            header_read: config.header_read_timeout,
            write: config.write_timeout,
        }
    }
}

/// The live connections of a server: each one holds a permit until it is closed.
#[derive(Clone, Debug)]
pub(crate) struct ConnectionSlots {
    permits: Arc<Semaphore>,
    limit: u32,
    /// Connections being served. Not derived from the permits, because the accept loop
    /// holds one while it waits for the next connection.
    open: Arc<AtomicUsize>,
    bursts: Arc<BurstTracker>,
}

impl ConnectionSlots {
    /// Slots for `config.max_connections` connections (at least one, so that the server
    /// serves at all).
    pub fn new(config: &SandboxConfig) -> ConnectionSlots {
        let limit = u32::try_from(config.max_connections)
            .unwrap_or(u32::MAX)
            .clamp(1, u32::try_from(Semaphore::MAX_PERMITS).unwrap_or(u32::MAX));
        ConnectionSlots {
            permits: Arc::new(Semaphore::new(limit as usize)),
            limit,
            open: Arc::new(AtomicUsize::new(0)),
            bursts: Arc::default(),
        }
    }

    /// Connections being served right now.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// Marks a connection open until the returned slot is dropped.
    fn occupy(&self, permit: OwnedSemaphorePermit) -> Slot {
        let open = self.open.fetch_add(1, Ordering::Relaxed) + 1;
        self.bursts.opened(open);
        Slot {
            permit: Some(permit),
            slots: self.clone(),
        }
    }
}

/// One served connection's share of [`ConnectionSlots`], given back on drop.
struct Slot {
    permit: Option<OwnedSemaphorePermit>,
    slots: ConnectionSlots,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let open = self.slots.open.fetch_sub(1, Ordering::Relaxed) - 1;
        self.slots.bursts.closed(open);
        // Last, so that a shutdown waiting for every permit sees the memory released.
        drop(self.permit.take());
    }
}

/// Accepts and serves connections until `stop` is closed (its sender dropped), then lets
/// open requests finish and returns once every connection is closed.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    slots: ConnectionSlots,
    timeouts: Timeouts,
    mut stop: watch::Receiver<()>,
) {
    loop {
        // A slot first, then a connection: at the limit nothing more is accepted.
        let permit = tokio::select! {
            permit = Arc::clone(&slots.permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                // The semaphore is never closed; stop serving if it were.
                Err(_) => break,
            },
            _ = stop.changed() => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    if !is_connection_error(&error) {
                        tracing::warn!(%error, "cannot accept a connection; pausing");
                        tokio::select! {
                            _ = tokio::time::sleep(ACCEPT_ERROR_PAUSE) => {}
                            _ = stop.changed() => break,
                        }
                    }
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        tokio::spawn(serve_connection(
            WriteDeadline::new(stream, timeouts.write),
            router.clone(),
            timeouts.header_read,
            stop.clone(),
            slots.occupy(permit),
        ));
    }
    drop(listener);
    // Every connection task returns its permit when done; holding them all means none is
    // left. The semaphore is never closed, so the error case cannot happen.
    let _ = slots.permits.acquire_many(slots.limit).await;
}

/// Serves one connection over HTTP/1.1. `slot` is freed when this returns.
async fn serve_connection(
    stream: WriteDeadline,
    router: Router,
    header_read_timeout: Duration,
    mut stop: watch::Receiver<()>,
    slot: Slot,
) {
    let mut builder = http1::Builder::new();
    // The timer is what makes hyper enforce the header read timeout. It runs from the
    // start of every request, so it also closes idle keep-alive connections.
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .max_buf_size(MAX_HEAD_BYTES);
    let connection =
        builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(router));
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        _ = stop.changed() => {
            // Finish the request in progress, if any, then close.
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        // Timeouts, resets and malformed requests: the client's problem, not the sandbox's.
        tracing::debug!(%error, "connection closed with an error");
    }
    drop(slot);
}

/// Errors that concern only the connection being accepted; the next accept may succeed
/// at once.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
