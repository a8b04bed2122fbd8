//! Why a command failed, with its exit code, printed once in the chosen output form:
//! `error: <message>` and a few indented facts, or one JSON object `{"error": {...}}` on
//! standard error.
//!
//! Only what the runtime and the loaders put in their messages is printed; their messages
//! name variables and never hold credential values, and nothing here reads configuration.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use retail_apis_codegen::Diagnostics;
use serde_json::{json, Map, Value};

use crate::exit;
use crate::output::{self, Output};

/// A failed command: what kind of failure, its exit code and message, and the facts a
/// script may branch on.
#[derive(Debug)]
pub struct Failure {
    kind: &'static str,
    exit_code: u8,
    message: String,
    /// Boxed: the facts are rarely there, and failures travel in every `Result`.
    detail: Box<Detail>,
}

#[derive(Debug)]
enum Detail {
    None,
    /// A failed call, as the runtime classifies it.
    Call(CallFacts),
    /// The specs did not load: every problem, located.
    Problems {
        spec: PathBuf,
        diagnostics: Diagnostics,
    },
}

/// What a script needs to know about a failed call, copied out of the runtime's error.
#[derive(Debug)]
struct CallFacts {
    service: Option<&'static str>,
    operation: Option<&'static str>,
    code: Option<String>,
    outcome_unknown: bool,
    retryable: bool,
    /// The kind of the failure behind an unknown outcome.
    cause: Option<&'static str>,
    http_status: Option<u16>,
    /// The request field to keep when repeating a call whose outcome is unknown.
    key: Option<&'static str>,
}

impl Failure {
    fn new(kind: &'static str, exit_code: u8, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            exit_code,
            message: message.into(),
            detail: Box::new(Detail::None),
        }
    }

    /// A command line the command cannot act on (an unknown operation, a bad flag value).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::new("usage", exit::USAGE, message)
    }

    /// An input the command cannot use (a `--body` file unreadable or not JSON).
    pub fn input(message: impl Into<String>) -> Failure {
        Failure::new("input", exit::USAGE, message)
    }

    /// A configuration the command cannot work with.
    pub fn config(message: impl Into<String>) -> Failure {
        Failure::new("config", exit::CONFIG, message)
    }

    /// A file or stream that cannot be read or written.
    pub fn io(message: impl Into<String>) -> Failure {
        Failure::new("io", exit::IO, message)
    }

    /// The base revision of a diff cannot be read (see [`exit::BASE`]).
    pub fn base(message: impl Into<String>) -> Failure {
        Failure::new("base", exit::BASE, message)
    }

    /// The same failure with `prefix` before its message (which side of a diff failed).
    pub fn with_message_prefix(self, prefix: &str) -> Failure {
        Failure {
            message: format!("{prefix}{}", self.message),
            ..self
        }
    }

    /// Specs that load but cannot be turned into code.
    pub fn spec(message: impl Into<String>) -> Failure {
        Failure::new("spec", exit::PROBLEMS, message)
    }

    /// Specs under `spec` that do not load.
    pub fn problems(spec: &Path, diagnostics: Diagnostics) -> Failure {
        Failure {
            kind: "spec",
            exit_code: exit::PROBLEMS,
            message: problem_count(spec, &diagnostics),
            detail: Box::new(Detail::Problems {
                spec: spec.to_path_buf(),
                diagnostics,
            }),
        }
    }

    /// The same failure, counted as a configuration problem (the sandbox's `--spec`).
    pub fn into_config(self) -> Failure {
        Failure {
            kind: "config",
            exit_code: exit::CONFIG,
            ..self
        }
    }

    /// A failed call (or a request that could not be built), classified by the runtime's
    /// error variant.
    pub fn call(error: &retail_apis_runtime::Error) -> Failure {
        use retail_apis_runtime::Error;
        let underlying = error.underlying();
        let (service, operation) = match error {
            Error::Transport {
                service, operation, ..
            }
            | Error::Timeout {
                service, operation, ..
            }
            | Error::HttpStatus {
                service, operation, ..
            }
            | Error::Redirect {
                service, operation, ..
            }
            | Error::Gateway {
                service, operation, ..
            }
            | Error::Business {
                service, operation, ..
            }
            | Error::SignatureMismatch {
                service, operation, ..
            }
            | Error::Decode {
                service, operation, ..
            }
            | Error::Encode {
                service, operation, ..
            }
            | Error::TooLarge {
                service, operation, ..
            }
            | Error::OutcomeUnknown {
                service, operation, ..
            }
            | Error::DeadlineExceeded {
                service, operation, ..
            } => (Some(*service), Some(*operation)),
            _ => (None, None),
        };
        let http_status = match underlying {
            Error::HttpStatus { status, .. }
            | Error::Redirect { status, .. }
            | Error::Gateway { status, .. } => Some(*status),
            _ => None,
        };
        let key = match error {
            Error::OutcomeUnknown { key, .. } => *key,
            _ => None,
        };
        let facts = CallFacts {
            service,
            operation,
            code: error.code().map(str::to_owned),
            outcome_unknown: error.outcome_unknown(),
            retryable: error.is_retryable(),
            cause: error
                .outcome_unknown()
                .then(|| exit::call_error_kind(underlying)),
            http_status,
            key,
        };
        Failure {
            kind: exit::call_error_kind(error),
            exit_code: exit::of_call_error(error),
            message: error.to_string(),
            detail: Box::new(Detail::Call(facts)),
        }
    }

    /// The exit code this failure ends the command with.
    pub fn exit_code(&self) -> u8 {
        self.exit_code
    }

    /// The JSON object printed in `--output json` mode.
    pub fn to_json(&self) -> Value {
        let mut error = Map::new();
        error.insert("kind".into(), json!(self.kind));
        error.insert("message".into(), json!(self.message));
        error.insert("exit_code".into(), json!(self.exit_code));
        match self.detail.as_ref() {
            Detail::None => {}
            Detail::Call(facts) => {
                if let (Some(service), Some(operation)) = (facts.service, facts.operation) {
                    error.insert("service".into(), json!(service));
                    error.insert("operation".into(), json!(operation));
                }
                error.insert("code".into(), json!(facts.code));
                error.insert("outcome_unknown".into(), json!(facts.outcome_unknown));
                error.insert("retryable".into(), json!(facts.retryable));
                if let Some(status) = facts.http_status {
                    error.insert("http_status".into(), json!(status));
                }
                if let Some(cause) = facts.cause {
                    error.insert("cause".into(), json!(cause));
                }
                if let Some(key) = facts.key {
                    error.insert("key".into(), json!(key));
                }
            }
            Detail::Problems { spec, diagnostics } => {
                error.insert("spec".into(), json!(spec.display().to_string()));
                error.insert("problems".into(), output::problems_json(diagnostics));
            }
        }
        json!({ "error": error })
    }

    /// The text printed in `--output text` mode: the message, then the facts a script or a
    /// person may act on, one per indented line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        match self.detail.as_ref() {
            // Problems print as `lint` prints them: every one located, then the count.
            Detail::Problems { diagnostics, .. } => {
                let _ = writeln!(out, "{diagnostics}");
                let _ = writeln!(out, "{}", self.message);
            }
            Detail::None => {
                let _ = writeln!(out, "error: {}", output::visible(&self.message));
            }
            Detail::Call(facts) => {
                // Messages quote the vendor's answers, which must not drive the terminal.
                let _ = writeln!(out, "error: {}", output::visible(&self.message));
                match facts.cause {
                    Some(cause) => {
                        let _ = writeln!(out, "  kind: {} (cause: {cause})", self.kind);
                    }
                    None => {
                        let _ = writeln!(out, "  kind: {}", self.kind);
                    }
                }
                if let Some(code) = &facts.code {
                    let _ = writeln!(out, "  vendor code: {}", output::visible(code));
                }
                if let Some(status) = facts.http_status {
                    let _ = writeln!(out, "  HTTP status: {status}");
                }
                let _ = writeln!(
                    out,
                    "  retryable: {}",
                    if facts.retryable { "yes" } else { "no" }
                );
                if facts.outcome_unknown {
                    let repeat = facts.key.map_or_else(
                        || String::from("the same request"),
                        |key| format!("the same `{key}`"),
                    );
                    let _ = writeln!(
                        out,
                        "  outcome unknown: the request may have been applied; query its state \
                         before sending it again, and then only with {repeat}"
                    );
                }
            }
        }
        out
    }

    /// Prints the failure on standard error in the chosen form.
    pub fn report(&self, mode: Output) {
        let text = match mode {
            Output::Text => self.to_text(),
            Output::Json => output::json_line(&self.to_json()),
        };
        // Standard error closed: there is nowhere left to report to; the exit code remains.
        let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), text.as_bytes());
    }
}

/// `N problem(s) in <spec>`.
pub fn problem_count(spec: &Path, diagnostics: &Diagnostics) -> String {
    format!("{} problem(s) in {}", diagnostics.len(), spec.display())
}
