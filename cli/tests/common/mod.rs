//! Runs the built `retail-apis` binary with a bounded run time and a controlled environment.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use wait_timeout::ChildExt as _;

/// Longest a run of the binary may take; far above what a passing run needs, so that a
/// hang fails the test instead of blocking the suite.
pub const RUN_LIMIT: Duration = Duration::from_secs(60);

/// Exit code and output of one run.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary with `args` and exactly the environment `env` (nothing inherited, so
/// credentials in the developer's shell cannot leak into the test). The child is killed
/// if it outlives [`RUN_LIMIT`].
pub fn run_cli(args: &[&str], env: &[(&str, String)]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_retail-apis"))
        .args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // Drain both pipes while waiting, so a large output cannot block the child.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = match child.wait_timeout(RUN_LIMIT).expect("wait for the binary") {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`retail-apis {}` did not finish within {RUN_LIMIT:?}",
                args.join(" ")
            );
        }
    };
    Run {
        code: status.code(),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// The workspace root (the parent of this package).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ sits in the workspace")
        .to_path_buf()
}

/// Copies the directory tree `from` into `to` (created if missing).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for entry in std::fs::read_dir(from).expect("read the tree") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

/// Stands for the path of the body file in [`run_with_body`]'s arguments.
pub const BODY: &str = "{body}";

/// Runs the binary with `args`, [`BODY`] replaced by the path of a file holding `body`, off
/// the async runtime so that a sandbox in the test process keeps serving meanwhile.
pub async fn run_with_body(args: &[&str], body: &str, env: Vec<(&'static str, String)>) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("body.json");
    std::fs::write(&path, body).expect("write the body");
    let path = path.to_str().expect("temp paths are UTF-8").to_owned();
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            if *a == BODY {
                path.clone()
            } else {
                (*a).to_owned()
            }
        })
        .collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = run_cli(&args, &env);
        drop(dir);
        run
    })
    .await
    .expect("the runner thread")
}

/// The one JSON document a `--output json` run printed on `text` (stdout or stderr).
pub fn one_json_document(text: &str) -> Value {
    assert_eq!(
        text.lines().count(),
        1,
        "one line of JSON expected:\n{text}"
    );
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// The `error` object of a failed `--output json` run: alone on stderr, with the run's
/// exit code in it, nothing on stdout.
pub fn json_error(run: &Run) -> Value {
    assert!(run.stdout.is_empty(), "{run:?}");
    let document = one_json_document(&run.stderr);
    let error = document["error"].clone();
    assert_eq!(
        error["exit_code"].as_i64().map(|c| c as i32),
        run.code,
        "{run:?}"
    );
    assert!(error["message"].is_string(), "{run:?}");
    error
}

/// A `reqwest::ClientBuilder` as a caller starts one: with a rustls feature on, reqwest sets
/// up its TLS from the process's default crypto provider, which must be installed first.
pub fn http_builder() -> reqwest::ClientBuilder {
    retail_apis_runtime::tls::install_default_crypto_provider();
    reqwest::Client::builder()
}

/// A plain HTTP client for the requests a test makes by hand.
pub fn http() -> reqwest::Client {
    http_builder().build().unwrap_or_else(|e| panic!("{e}"))
}
