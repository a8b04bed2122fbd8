//! What the checks learn about one request besides its answer: which check refused it,
//! the signature evidence (string to sign, expected and received signature) and the
//! warnings of the tolerant mode. The request log shows them; the answer never carries
//! more than the vendor's envelope does.

use std::sync::Mutex;

use serde::Serialize;

/// A check the sandbox runs on a request, named in the request log when it refused one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Check {
    /// The `Content-Type` of a request body.
    ContentType,
    /// `X-Api-TimeStamp` and its window.
    Timestamp,
    /// `X-Api-Auth-Version` and `X-Api-SignHeaders`.
    SignHeaders,
    /// `X-Api-Nonce`: its form, or a replay inside the window.
    Nonce,
    /// `X-Api-ClientID`.
    ClientId,
    /// The request signature (`X-Api-Signature`, or the MD5 `sign` of a body).
    Signature,
    /// The credential: the `app-token`, or a static bearer token.
    Token,
    /// `X-GW-Router-Addr`, the tenant domain.
    Router,
    /// `app_key` and `app_signature` of the token endpoint.
    AppSignature,
    /// The Shoubei institution (`inst_no`).
    Institution,
    /// A body or query field against the request type.
    Body,
    /// The operation's own rules (a coupon already written off).
    Business,
}

impl Check {
    /// The check behind a spec error name (`timestamp_invalid`, `invalid_parameter`);
    /// names no check claims are the operation's own.
    pub(crate) fn of_error_name(name: &str) -> Check {
        match name {
            "timestamp_invalid" => Check::Timestamp,
            "sign_headers_invalid" => Check::SignHeaders,
            "signature_invalid" => Check::Signature,
            "token_empty" | "token_invalid" | "token_expired" | "jwt_token_expired" => Check::Token,
            "no_permission" => Check::Router,
            "authorization_secret_invalid" => Check::AppSignature,
            "institution_unknown" => Check::Institution,
            "invalid_parameter" => Check::Body,
            _ => Check::Business,
        }
    }
}

/// Why a request was refused: the first check that failed and what it found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Failure {
    pub check: Check,
    pub reason: String,
}

/// The signature of a request as the sandbox rebuilt it, beside the one it received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SignatureEvidence {
    /// `kingdee_gateway` (HMAC over method, path, query and signed headers) or
    /// `md5_body_sign` (MD5 over the sorted body parameters).
    pub scheme: &'static str,
    /// The text signed, as the sandbox rebuilt it from the request; a key in it shows as
    /// `***`.
    pub string_to_sign: String,
    /// The signature the sandbox expected.
    pub expected: String,
    /// The signature the request carried, if any.
    pub received: Option<String>,
}

impl SignatureEvidence {
    /// Whether the received signature is the expected one.
    pub fn matches(&self) -> bool {
        self.received.as_deref() == Some(self.expected.as_str())
    }
}

/// What the checks noted while a request was answered.
#[derive(Clone, Debug, Default)]
pub(crate) struct Notes {
    pub warnings: Vec<String>,
    pub signature: Option<SignatureEvidence>,
    /// The check that refused the request, where the answer's code cannot tell (several
    /// refusals may share a code such as Shoubei's `FAIL`).
    pub failure: Option<Failure>,
}

/// The notes of one request, filled in by the checks as they run. Checks only see the
/// request by reference, so the notes sit behind a lock no other request touches.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    notes: Mutex<Notes>,
}

impl Trace {
    fn with(&self, f: impl FnOnce(&mut Notes)) {
        // Nothing can panic while the lock is held; a poisoned one is taken over anyway.
        let mut notes = self
            .notes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut notes);
    }

    /// A variant the sandbox accepted although the pages ask for something else:
    /// `the pages say {expected}; this request sent {sent}`.
    pub fn warn(&self, expected: impl std::fmt::Display, sent: impl std::fmt::Display) {
        let text = format!("the pages say {expected}; this request sent {sent}");
        self.with(|notes| notes.warnings.push(text));
    }

    /// The signature the sandbox rebuilt for this request.
    pub fn signature(&self, evidence: SignatureEvidence) {
        self.with(|notes| notes.signature = Some(evidence));
    }

    /// The check that refused the request, and why.
    pub fn fail(&self, check: Check, reason: impl Into<String>) {
        let failure = Failure {
            check,
            reason: reason.into(),
        };
        self.with(|notes| notes.failure = Some(failure));
    }

    /// How many warnings were noted so far.
    pub fn warning_count(&self) -> usize {
        let mut count = 0;
        self.with(|notes| count = notes.warnings.len());
        count
    }

    /// Everything noted so far.
    pub fn take(&self) -> Notes {
        let mut taken = Notes::default();
        self.with(|notes| taken = std::mem::take(notes));
        taken
    }
}
