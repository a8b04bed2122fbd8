//! The request log: the last N requests as the sandbox saw and answered them, in a ring
//! bounded in memory (N is `SandboxConfig::request_log_capacity`; each body is capped at
//! [`RECORDED_BODY_BYTES`]). Entries are plain data, with secrets already masked.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::trace::{Check, SignatureEvidence};

/// The most bytes of a request or response body the log keeps; the rest is cut, and
/// [`RecordedBody::truncated_from`] says how long the body was.
pub const RECORDED_BODY_BYTES: usize = 64 * 1024;

/// How the sandbox judged a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Verdict {
    /// Every check passed and the operation answered success.
    Accepted,
    /// A check refused it (timestamp, nonce, signature, token, body field, ...).
    Rejected,
    /// The checks passed and the operation answered a business error.
    BusinessError,
    /// An injected fault answered it, or replaced its answer.
    Fault,
    /// No endpoint serves it: unknown path or method, a body too large or too slow.
    NotServed,
}

/// A body as the log keeps it: text (invalid UTF-8 replaced), cut at
/// [`RECORDED_BODY_BYTES`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RecordedBody {
    /// The body, or its first [`RECORDED_BODY_BYTES`].
    pub text: String,
    /// The body's full length in bytes when `text` is only its beginning.
    pub truncated_from: Option<usize>,
}

impl RecordedBody {
    /// The first [`RECORDED_BODY_BYTES`] of `bytes`, cut at a character boundary.
    pub(crate) fn of(bytes: &[u8]) -> RecordedBody {
        let kept = bytes.get(..RECORDED_BODY_BYTES).unwrap_or(bytes);
        let mut text = String::from_utf8_lossy(kept).into_owned();
        let truncated_from = (kept.len() < bytes.len()).then_some(bytes.len());
        if truncated_from.is_some() {
            // The cut may fall inside a character; its replacement is not the sender's.
            while text.ends_with('\u{fffd}') {
                text.pop();
            }
        }
        RecordedBody {
            text,
            truncated_from,
        }
    }
}

/// What the sandbox answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RecordedResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` sent.
    pub content_type: String,
    /// The body sent, with any app-token masked.
    pub body: RecordedBody,
}

/// One request as the sandbox saw and answered it. Secrets are masked: the `app-token`
/// shows as a short hint, credential headers and `app_signature` as their length;
/// signatures are shown, since they are what a mismatch is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// Position in the log, from 1, increasing.
    pub id: u64,
    /// When it was answered, Unix milliseconds (real clock).
    pub time_ms: i64,
    /// HTTP method as received.
    pub method: String,
    /// Path as received.
    pub path: String,
    /// Decoded query pairs in received order, secrets masked.
    pub query: Vec<(String, String)>,
    /// `<service>.<operation>`, when the path is served.
    pub operation: Option<String>,
    /// Request headers in received order (names lower case), secrets masked.
    pub headers: Vec<(String, String)>,
    /// The request body as sent.
    pub body: RecordedBody,
    /// How the sandbox judged it.
    pub verdict: Verdict,
    /// The first check that failed, if one did.
    pub failed_check: Option<Check>,
    /// Why it was refused, or what answered it.
    pub reason: Option<String>,
    /// The code of the answer's envelope (`errcode`, `return_code`), if it has one.
    pub errcode: Option<String>,
    /// Variants the pages do not allow that were accepted (tolerant mode, or a case
    /// difference): "the pages say ...; this request sent ...".
    pub warnings: Vec<String>,
    /// The signature as the sandbox rebuilt it, beside the one received.
    pub signature: Option<SignatureEvidence>,
    /// The injected fault this request met, if any.
    pub fault: Option<String>,
    /// What the sandbox answered.
    pub response: RecordedResponse,
}

/// The ring of recorded requests.
#[derive(Debug)]
pub(crate) struct Journal {
    capacity: usize,
    ring: Mutex<Ring>,
}

#[derive(Debug, Default)]
struct Ring {
    last_id: u64,
    entries: VecDeque<Arc<RecordedRequest>>,
}

impl Journal {
    /// A log of the last `capacity` requests; 0 keeps none.
    pub fn new(capacity: usize) -> Journal {
        Journal {
            capacity,
            ring: Mutex::new(Ring::default()),
        }
    }

    /// How many requests the log keeps.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Ring> {
        self.ring
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether requests are recorded at all.
    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// Adds `entry` under the next id, dropping the oldest entry beyond the capacity.
    pub fn push(&self, mut entry: RecordedRequest) {
        if !self.enabled() {
            return;
        }
        let mut ring = self.lock();
        ring.last_id += 1;
        entry.id = ring.last_id;
        if ring.entries.len() >= self.capacity {
            ring.entries.pop_front();
        }
        ring.entries.push_back(Arc::new(entry));
    }

    /// Entries newer than `after` (all with `None`), newest first.
    pub fn newest_first(&self, after: Option<u64>) -> Vec<Arc<RecordedRequest>> {
        let ring = self.lock();
        ring.entries
            .iter()
            .rev()
            .take_while(|entry| after.is_none_or(|after| entry.id > after))
            .cloned()
            .collect()
    }

    /// The entry with `id`, while the log still holds it.
    pub fn get(&self, id: u64) -> Option<Arc<RecordedRequest>> {
        let ring = self.lock();
        let first = ring.entries.front()?.id;
        let index = usize::try_from(id.checked_sub(first)?).ok()?;
        ring.entries.get(index).filter(|e| e.id == id).cloned()
    }

    /// The id of the newest entry ever recorded (0 before the first).
    pub fn last_id(&self) -> u64 {
        self.lock().last_id
    }
}

#[cfg(test)]
mod tests {
    use super::RecordedBody;

    #[test]
    fn a_long_body_is_cut_at_a_character_boundary() {
        let mut body = "a".repeat(super::RECORDED_BODY_BYTES - 1).into_bytes();
        body.extend("零售".as_bytes());
        let recorded = RecordedBody::of(&body);
        assert_eq!(recorded.truncated_from, Some(body.len()));
        assert_eq!(recorded.text.len(), super::RECORDED_BODY_BYTES - 1);
        assert_eq!(RecordedBody::of(b"{}").truncated_from, None);
    }
}
