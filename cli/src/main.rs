//! The `retail-apis` command: generate, check and lint specs, export their schema, run the
//! sandbox, call an API, explain a request's signature.

mod call;
mod codegen_cmds;
mod explain;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

/// Typed clients for Kingdee JDY and Shoubei, generated from reviewed specs.
#[derive(Parser)]
#[command(name = "retail-apis", version, about)]
struct Cli {
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
    /// Run the local sandbox gateway until Ctrl-C.
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
}

#[derive(Subcommand)]
enum Export {
    /// The JSON Schema of spec files (editors use it for completion and checks).
    Schema {
        /// Write it to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The specs as one OpenAPI 3.0.3 document (JSON), for other client generators.
    Openapi {
        /// Spec root.
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
        /// Write it to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate { spec, out } => codegen_cmds::generate(&spec, &out),
        Command::Check { spec, out } => codegen_cmds::check(&spec, &out),
        Command::Lint { spec } => codegen_cmds::lint(&spec),
        Command::Export {
            what: Export::Schema { out },
        } => codegen_cmds::export_schema(out.as_deref()),
        Command::Export {
            what: Export::Openapi { spec, out },
        } => codegen_cmds::export_openapi(&spec, out.as_deref()),
        Command::Sandbox {
            listen,
            spec,
            header_read_timeout,
            body_read_timeout,
            write_timeout,
            max_connections,
        } => {
            let config = retail_apis_sandbox::SandboxConfig {
                header_read_timeout: Duration::from_secs_f64(header_read_timeout),
                body_read_timeout: Duration::from_secs_f64(body_read_timeout),
                write_timeout: Duration::from_secs_f64(write_timeout),
                max_connections: max_connections as usize,
                ..retail_apis_sandbox::SandboxConfig::default()
            };
            runtime()
                .and_then(|rt| rt.block_on(codegen_cmds::sandbox(listen, spec.as_deref(), config)))
        }
        Command::Call { target, body } => {
            runtime().and_then(|rt| rt.block_on(call::run(&target, &body)))
        }
        Command::Sign {
            explain,
            body,
            nonce,
            timestamp,
        } => explain::run(&explain, &body, explain::Reproduce { nonce, timestamp }),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
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

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}
