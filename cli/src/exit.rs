//! The exit codes of `retail-apis`: one per kind of outcome, so that a script can decide
//! what to do (fix the input, fix the environment, query the vendor before repeating a
//! call, retry later) from the code alone, without reading the output.
//!
//! The codes are part of the command's interface: `retail-apis --help` lists them
//! ([`HELP`]) and so does the README. Never renumber one; add new ones after the last.

use retail_apis_runtime::Error;

/// The command did what it was asked.
pub const SUCCESS: u8 = 0;
/// The command ran and found problems: `lint` found spec problems, `check` found the
/// generated source stale, a spec did not load or generate.
pub const PROBLEMS: u8 = 1;
/// Usage or input: a command line clap refuses, an unknown `<service>.<operation>`, a
/// `--body` file that cannot be read or is not JSON, a body the client cannot encode.
pub const USAGE: u8 = 2;
/// A call that may have been applied: the script must query its state before repeating it.
pub const OUTCOME_UNKNOWN: u8 = 3;
/// Configuration: missing or invalid credentials in the environment, a `--spec` or
/// `--listen` the sandbox cannot use.
pub const CONFIG: u8 = 4;
/// Transport or protocol: no usable answer (connection, timeout, redirect, unexpected HTTP
/// status, oversized or undecodable body). The request was not applied.
pub const TRANSPORT: u8 = 5;
/// The vendor's gateway refused the request (credentials, signature, permissions), or the
/// answer's signature did not verify.
pub const GATEWAY: u8 = 6;
/// The vendor answered with a business error (a code in its envelope).
pub const BUSINESS: u8 = 7;
/// Input or output files: the output cannot be written, or the files to compare cannot be
/// read.
pub const IO: u8 = 8;
/// `diff` found changes at or above its `--fail-on` class.
pub const CHANGES: u8 = 9;
/// `diff` cannot read the base revision's spec: no such revision (a first commit, a
/// shallow clone), no repository, or no `git`.
pub const BASE: u8 = 10;

/// The table `retail-apis --help` ends with.
pub const HELP: &str = "\
Exit codes:
  0  success
  1  the command ran and found problems (lint problems, stale generated source)
  2  usage or input (bad arguments, unknown <service>.<operation>, unreadable or invalid --body)
  3  outcome unknown: the call may have been applied; query its state before repeating it
  4  configuration (missing or invalid credentials in the environment, unusable --spec or --listen)
  5  transport or protocol: no usable answer (not applied)
  6  the vendor's gateway rejected the request (credentials, signature)
  7  the vendor answered with a business error
  8  input/output (cannot write the output files)
  9  diff: changes at or above --fail-on were found
 10  diff: the base revision cannot be read (no such commit, shallow clone, no git repository)
A call that changes state and ends with 5, 6 or 7 was not applied; with 3 it may have been.";

/// The exit code of a failed call. An unknown outcome takes precedence over the failure
/// behind it: whatever failed, the script must not repeat the request blindly.
pub fn of_call_error(error: &Error) -> u8 {
    if error.outcome_unknown() {
        return OUTCOME_UNKNOWN;
    }
    match error {
        Error::Config { .. } => CONFIG,
        Error::Encode { .. } => USAGE,
        Error::Transport { .. }
        | Error::Timeout { .. }
        | Error::Redirect { .. }
        | Error::HttpStatus { .. }
        | Error::TooLarge { .. }
        | Error::Decode { .. } => TRANSPORT,
        Error::Gateway { .. } | Error::SignatureMismatch { .. } => GATEWAY,
        Error::Business { .. } => BUSINESS,
        // A failure the runtime adds later: whatever it is, the call gave no usable answer.
        _ => TRANSPORT,
    }
}

/// The name a failed call's variant goes by in the output (`kind` of the JSON error).
pub fn call_error_kind(error: &Error) -> &'static str {
    match error {
        Error::OutcomeUnknown { .. } => "outcome-unknown",
        Error::Config { .. } => "config",
        Error::Encode { .. } => "encode",
        Error::Transport { .. } => "transport",
        Error::Timeout { .. } => "timeout",
        Error::Redirect { .. } => "redirect",
        Error::HttpStatus { .. } => "http-status",
        Error::TooLarge { .. } => "too-large",
        Error::Decode { .. } => "decode",
        Error::Gateway { .. } => "gateway",
        Error::SignatureMismatch { .. } => "signature-mismatch",
        Error::Business { .. } => "business",
        Error::DeadlineExceeded { .. } => "deadline-exceeded",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn business() -> Error {
        Error::Business {
            service: "s",
            operation: "o",
            code: String::from("0203"),
            message: String::new(),
            known: None,
        }
    }

    #[test]
    fn an_unknown_outcome_takes_precedence_over_its_cause() {
        let unknown = Error::OutcomeUnknown {
            service: "s",
            operation: "o",
            key: None,
            cause: Box::new(business()),
        };
        assert_eq!(of_call_error(&business()), BUSINESS);
        assert_eq!(of_call_error(&unknown), OUTCOME_UNKNOWN);
        assert_eq!(call_error_kind(&unknown), "outcome-unknown");
    }

    #[test]
    fn a_call_ended_by_its_deadline_is_named_so() {
        let ended = Error::DeadlineExceeded {
            service: "s",
            operation: "o",
            deadline: std::time::Duration::from_secs(1),
            waiting: retail_apis_runtime::Waiting::Response,
            attempts: 1,
            last: None,
        };
        assert_eq!(call_error_kind(&ended), "deadline-exceeded");
        assert_eq!(of_call_error(&ended), TRANSPORT);
    }

    #[test]
    fn the_help_lists_every_code_once() {
        for code in [
            SUCCESS,
            PROBLEMS,
            USAGE,
            OUTCOME_UNKNOWN,
            CONFIG,
            TRANSPORT,
            GATEWAY,
            BUSINESS,
            IO,
            CHANGES,
            BASE,
        ] {
            let prefix = format!("{code:>3}  ");
            assert_eq!(
                HELP.lines().filter(|l| l.starts_with(&prefix)).count(),
                1,
                "{code}"
            );
        }
    }
}
