//! The `retail-apis` command: generate, check and lint specs, export their schema, run the
//! sandbox, call an API, explain a request's signature.

mod call;
mod codegen_cmds;
mod diff_cmd;
mod exit;
mod explain;
mod failure;
mod git_spec;
mod import;
mod output;

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand};

use failure::Failure;
use output::Output;

/// Typed clients for Kingdee JDY and Shoubei, generated from reviewed specs.
#[derive(Parser)]
#[command(name = "retail-apis", version, about, after_help = exit::HELP)]
struct Cli {
    /// Print results as text, or as one JSON document on standard output (errors as one
    /// JSON object on standard error).
    #[arg(long, global = true, value_enum, default_value_t = Output::Text)]
    output: Output,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the client source from the specs (writes only files whose bytes change).
    Generate {
        /// Spec root.
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
        /// Output directory of the generated source.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// Exit 1 with a unified diff when the generated source is stale.
    Check {
        /// Spec root.
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
        /// Directory of the committed generated source.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// Validate the specs and print every problem found.
    Lint {
        /// Spec root.
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
    },
    /// Compare two spec trees and say what breaks whom (Rust callers, the wire, nobody).
    ///
    /// The old side is a git revision (`--base`, default: the merge base with origin/main,
    /// or HEAD~1) or a directory (`--old`). Exit 9 when a change at or above `--fail-on`
    /// is found, 10 when the base revision cannot be read. See docs/api-diff.md.
    Diff {
        /// Git revision whose spec tree is the old side.
        #[arg(long, value_name = "REV", conflicts_with = "old")]
        base: Option<String>,
        /// Directory holding the old spec tree.
        #[arg(long, value_name = "DIR")]
        old: Option<PathBuf>,
        /// Directory holding the new spec tree.
        #[arg(long, value_name = "DIR", default_value = "spec")]
        new: PathBuf,
        /// Report format (default: the `--output` form).
        #[arg(long, value_enum)]
        format: Option<Output>,
        /// Exit 9 when a change of this class or a more severe one is found
        /// (`breaking` covers compile and wire breaks, `wire` only wire breaks).
        #[arg(long, value_enum, value_name = "CLASS")]
        fail_on: Option<diff_cmd::FailOn>,
        /// Also list the public Rust items of the generated client that the change adds,
        /// removes or alters, with their lines in `generated/`.
        #[arg(long)]
        generated: bool,
    },
    /// Run the local sandbox gateway until Ctrl-C; its request inspector is at its root.
    Sandbox {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Serve these specs instead of the ones compiled into this binary.
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Seconds a client has to send a request's headers (also the idle keep-alive time).
        #[arg(long, value_name = "SECS", value_parser = seconds,
              default_value_t = retail_apis_sandbox::config::DEFAULT_HEADER_READ_TIMEOUT.as_secs_f64())]
        header_read_timeout: f64,
        /// Seconds a client has to send a request's body once its headers arrived.
        #[arg(long, value_name = "SECS", value_parser = seconds,
              default_value_t = retail_apis_sandbox::config::DEFAULT_BODY_READ_TIMEOUT.as_secs_f64())]
        body_read_timeout: f64,
        /// Seconds an answer may wait for the client to read it before the connection closes.
        #[arg(long, value_name = "SECS", value_parser = seconds,
              default_value_t = retail_apis_sandbox::config::DEFAULT_WRITE_TIMEOUT.as_secs_f64())]
        write_timeout: f64,
        /// Most connections served at once; more wait until one closes.
        #[arg(long, value_name = "N",
              value_parser = clap::value_parser!(u32).range(1..),
              default_value_t = retail_apis_sandbox::config::DEFAULT_MAX_CONNECTIONS as u32)]
        max_connections: u32,
        /// Accept what other Kingdee SDKs send where the signed bytes are unambiguous
        /// (X-Api-SignHeaders in another order, a charset on Content-Type, no
        /// X-GW-Router-Addr), each flagged as a warning in the request log.
        #[arg(long)]
        tolerant: bool,
        /// How many recent requests the request log keeps (page at the root,
        /// JSON under /_sandbox/requests); 0 records none.
        #[arg(long, value_name = "N",
              default_value_t = retail_apis_sandbox::config::DEFAULT_REQUEST_LOG_CAPACITY)]
        request_log: usize,
    },
    /// Write a description of the spec format, or of the specs' APIs, for other tools.
    Export {
        #[command(subcommand)]
        what: Export,
    },
    /// Sign and send one request, print the response as pretty JSON.
    Call {
        /// `<service>.<operation>`, e.g. `jdy.mall_recharge`.
        target: String,
        /// JSON file with the request body (`-` reads standard input).
        #[arg(long)]
        body: PathBuf,
    },
    /// Show what one request would carry and sign (headers, string to sign, signature),
    /// with the credentials `call` reads and secrets masked; nothing is sent.
    Sign {
        /// `<service>.<operation>` to explain, e.g. `jdy.mall_recharge`.
        #[arg(long, value_name = "SERVICE.OPERATION")]
        explain: String,
        /// JSON file with the request body (`-` reads standard input).
        #[arg(long)]
        body: PathBuf,
        /// `X-Api-Nonce` of a captured request, to reproduce its signature (JDY).
        #[arg(long)]
        nonce: Option<String>,
        /// `X-Api-TimeStamp` of a captured request, in milliseconds (JDY).
        #[arg(long, value_name = "MS")]
        timestamp: Option<String>,
    },
    /// Draft endpoint files from vendor documentation pages (JDY markdown, Shoubei HTML).
    ///
    /// Prints the drafts (or writes `<out>/<service>/endpoints/<operation>.yaml`), the
    /// page's differences from service.yaml and the decisions left to review.
    Import {
        /// The page files.
        #[arg(required = true)]
        pages: Vec<PathBuf>,
        /// The service the pages document (a directory of the spec root: jdy, shoubei).
        #[arg(long)]
        service: String,
        /// Spec root the pages are read against.
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
        /// Spec root to write the drafts into, instead of printing them.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Overwrite endpoint files that exist.
        #[arg(long)]
        force: bool,
    },
    /// Print the completion script of a shell (bash, zsh, fish, elvish, powershell).
    ///
    /// For example `retail-apis completions bash > ~/.local/share/bash-completion/completions/retail-apis`.
    /// The script prints as is with `--output json` too.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand)]
enum Export {
    /// The JSON Schema of spec files (editors use it for completion and checks).
    Schema {
        /// Write it to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The specs as one OpenAPI document (JSON; 3.1, or 3.0.3 on request), for other tools.
    Openapi {
        /// Spec root.
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
        /// Write it to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// OpenAPI version: 3.1 (Swagger UI, Postman, most generators), or 3.0 for
        /// generators that read only 3.0.x (progenitor).
        #[arg(long, value_name = "VERSION", default_value = "3.1",
              value_parser = ["3.1", "3.0"])]
        openapi_version: String,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => usage_error(error),
    };
    // `diff --format` chooses the form of its failures as well as of its report.
    let mode = match &cli.command {
        Command::Diff {
            format: Some(format),
            ..
        } => *format,
        _ => cli.output,
    };
    // In JSON form standard error holds the one error object only, unless RUST_LOG asks
    // for log lines.
    let default_filter = match mode {
        Output::Text => "warn",
        Output::Json => "off",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter)),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli.command, mode) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            failure.report(mode);
            ExitCode::from(failure.exit_code())
        }
    }
}

fn run(command: Command, mode: Output) -> Result<u8, Failure> {
    match command {
        Command::Generate { spec, out } => codegen_cmds::generate(&spec, &out, mode),
        Command::Check { spec, out } => codegen_cmds::check(&spec, &out, mode),
        Command::Lint { spec } => codegen_cmds::lint(&spec, mode),
        Command::Diff {
            base,
            old,
            new,
            format,
            fail_on,
            generated,
        } => {
            let old = match old {
                Some(dir) => diff_cmd::OldSide::Dir(dir),
                None => diff_cmd::OldSide::Revision(base),
            };
            diff_cmd::run(old, &new, format.unwrap_or(mode), fail_on, generated)
        }
        Command::Export {
            what: Export::Schema { out },
        } => codegen_cmds::export_schema(out.as_deref(), mode),
        Command::Export {
            what:
                Export::Openapi {
                    spec,
                    out,
                    openapi_version,
                },
        } => {
            let version = if openapi_version == "3.0" {
                retail_apis_codegen::OpenApiVersion::V3_0
            } else {
                retail_apis_codegen::OpenApiVersion::V3_1
            };
            codegen_cmds::export_openapi(&spec, out.as_deref(), version, mode)
        }
        Command::Sandbox {
            listen,
            spec,
            header_read_timeout,
            body_read_timeout,
            write_timeout,
            max_connections,
            tolerant,
            request_log,
        } => {
            let config = retail_apis_sandbox::SandboxConfig {
                tolerant,
                request_log_capacity: request_log,
                header_read_timeout: Duration::from_secs_f64(header_read_timeout),
                body_read_timeout: Duration::from_secs_f64(body_read_timeout),
                write_timeout: Duration::from_secs_f64(write_timeout),
                max_connections: max_connections as usize,
                ..retail_apis_sandbox::SandboxConfig::default()
            };
            runtime().and_then(|rt| {
                rt.block_on(codegen_cmds::sandbox(listen, spec.as_deref(), config, mode))
            })
        }
        Command::Call { target, body } => {
            runtime().and_then(|rt| rt.block_on(call::run(&target, &body, mode)))
        }
        Command::Sign {
            explain,
            body,
            nonce,
            timestamp,
        } => explain::run(
            &explain,
            &body,
            explain::Reproduce { nonce, timestamp },
            mode,
        ),
        Command::Import {
            pages,
            service,
            spec,
            out,
            force,
        } => import::run(
            &import::Request {
                pages: &pages,
                service: &service,
                spec: &spec,
                out: out.as_deref(),
                force,
            },
            mode,
        ),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "retail-apis", &mut script);
            let script = String::from_utf8(script)
                .map_err(|_| Failure::io("the completion script is not UTF-8"))?;
            output::stdout(&script)?;
            Ok(exit::SUCCESS)
        }
    }
}

/// Exits on a command line clap refuses, or after `--help` and `--version`. With
/// `--output json` a refusal is the one JSON error object, with clap's exit code (2).
fn usage_error(error: clap::Error) -> ! {
    if error.use_stderr() && json_requested(std::env::args_os()) {
        let text = error.render().to_string();
        let message = text.trim().trim_start_matches("error: ");
        let failure = Failure::usage(message);
        failure.report(Output::Json);
        std::process::exit(i32::from(failure.exit_code()));
    }
    error.exit()
}

/// Whether the command line asks for JSON output, read without clap (which refused it).
fn json_requested(args: impl IntoIterator<Item = OsString>) -> bool {
    let mut previous = OsString::new();
    for arg in args {
        if arg == "--" {
            break;
        }
        if arg == "--output=json" || (previous == "--output" && arg == "json") {
            return true;
        }
        previous = arg;
    }
    false
}

/// A timeout in seconds: positive, finite, at most a day (a typo such as `1e12` is
/// refused rather than meaning "never").
fn seconds(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if value > 0.0 && value <= 86_400.0 {
        Ok(value)
    } else {
        Err(format!(
            "`{text}`: give a number of seconds above 0 and at most 86400"
        ))
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::io(format!("cannot start the async runtime: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn json_is_requested_in_either_spelling() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert!(json_requested(args(&[
            "retail-apis",
            "--output",
            "json",
            "x"
        ])));
        assert!(json_requested(args(&[
            "retail-apis",
            "lint",
            "--output=json"
        ])));
        assert!(!json_requested(args(&["retail-apis", "--output", "text"])));
        assert!(!json_requested(args(&[
            "retail-apis",
            "--",
            "--output=json"
        ])));
    }
}
