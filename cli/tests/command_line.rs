//! The command's interface as a script sees it: the exit codes `--help` documents, shell
//! completions, command-line refusals in JSON form, and the sandbox's JSON line.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::{json_error, one_json_document, run_cli, workspace_root, RUN_LIMIT};

/// The subcommand names `retail-apis --help` lists.
fn subcommands() -> Vec<String> {
    let help = run_cli(&["--help"], &[]);
    assert_eq!(help.code, Some(0), "{help:?}");
    let names: Vec<String> = help
        .stdout
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    assert!(names.len() > 3, "{}", help.stdout);
    names
}

#[test]
fn help_lists_every_exit_code() {
    let help = run_cli(&["--help"], &[]);
    assert_eq!(help.code, Some(0), "{help:?}");
    let codes: Vec<u8> = help
        .stdout
        .lines()
        .skip_while(|line| *line != "Exit codes:")
        .skip(1)
        .map_while(|line| line.trim_start().split_once("  "))
        .map(|(code, _)| code.parse().expect("a numeric exit code"))
        .collect();
    assert_eq!(codes, (0..=10).collect::<Vec<u8>>(), "{}", help.stdout);
}

#[test]
fn bash_completion_covers_every_subcommand() {
    let run = run_cli(&["completions", "bash"], &[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("complete "), "{}", run.stdout);
    for name in subcommands() {
        assert!(
            run.stdout.contains(&name),
            "`{name}` missing:\n{}",
            run.stdout
        );
    }
    // Global options complete too.
    assert!(run.stdout.contains("--output"), "{}", run.stdout);
}

#[test]
fn every_shell_gets_a_script_and_an_unknown_shell_is_a_usage_error() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = run_cli(&["completions", shell], &[]);
        assert_eq!(run.code, Some(0), "{shell}: {run:?}");
        assert!(run.stdout.contains("retail-apis"), "{shell}: {run:?}");
    }
    let run = run_cli(&["completions", "cmd.exe"], &[]);
    assert_eq!(run.code, Some(2), "{run:?}");
}

#[test]
fn a_refused_command_line_is_a_json_error_in_json_form() {
    let run = run_cli(&["--output", "json", "call"], &[]);
    assert_eq!(run.code, Some(2), "{run:?}");
    let error = json_error(&run);
    assert_eq!(error["kind"], "usage");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("--body")),
        "{error}"
    );

    // In text form clap's own message, unchanged.
    let run = run_cli(&["call"], &[]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.starts_with("error: "), "{run:?}");
}

/// The child is killed however the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn sandbox_in_json_form_prints_one_line_with_its_address_and_serves_there() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_retail-apis"))
        .args(["--output", "json", "sandbox", "--listen", "127.0.0.1:0"])
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let running = Running(child);
    let (sender, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let first = lines
        .recv_timeout(RUN_LIMIT)
        .expect("the sandbox says where it listens")
        .expect("a line of text");
    let announced = one_json_document(&first);
    let address = announced["listening"].as_str().expect("listening");
    let base_url = announced["base_url"].as_str().expect("base_url");
    assert_eq!(base_url, format!("http://{address}"));
    assert!(!address.ends_with(":0"), "the bound port: {address}");

    // A call to the announced address is answered by this sandbox.
    let dir = tempfile::tempdir().expect("temp dir");
    let body = dir.path().join("body.json");
    std::fs::write(
        &body,
        format!(
            r#"{{"inst_no":"{}","merchant_no":"851811130002","shop_no":"862010110001","ts":"20261125120000","coupon_code":"679533922930","wf_trace_no":"CLI-SANDBOX-1"}}"#,
            retail_apis_sandbox::config::SHOUBEI_INST_NO
        ),
    )
    .expect("write the body");
    let call = run_cli(
        &[
            "--output",
            "json",
            "call",
            "shoubei.coupon_write_off",
            "--body",
            body.to_str().expect("temp paths are UTF-8"),
        ],
        &[
            ("SHOUBEI_BASE_URL", base_url.to_owned()),
            (
                "SHOUBEI_KEY",
                retail_apis_sandbox::config::SHOUBEI_KEY.to_owned(),
            ),
        ],
    );
    assert_eq!(call.code, Some(0), "{call:?}");
    let answer = one_json_document(&call.stdout);
    assert_eq!(answer["data"]["result_code"], "SUCCESS", "{answer}");
    drop(running);
    // Nothing but the one line was printed.
    assert!(lines.recv().is_err(), "more output after the JSON line");
}

#[test]
fn sandbox_with_specs_that_do_not_load_is_a_configuration_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("spec");
    common::copy_tree(&workspace_root().join("spec"), &spec);
    let service = spec.join("jdy/service.yaml");
    let text = std::fs::read_to_string(&service).expect("service.yaml");
    std::fs::write(&service, text.replacen("base_url:", "base_urll:", 1)).expect("break it");
    let spec = spec.to_str().expect("temp paths are UTF-8");

    let run = run_cli(
        &[
            "--output",
            "json",
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--spec",
            spec,
        ],
        &[],
    );
    assert_eq!(run.code, Some(4), "{run:?}");
    let error = json_error(&run);
    assert_eq!(error["kind"], "config");
    assert!(
        error["problems"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["file"] == "jdy/service.yaml")),
        "{error}"
    );

    // In text form the problems print as `lint` prints them, with the same exit code.
    let run = run_cli(&["sandbox", "--listen", "127.0.0.1:0", "--spec", spec], &[]);
    assert_eq!(run.code, Some(4), "{run:?}");
    assert!(run.stderr.contains("jdy/service.yaml:"), "{run:?}");
}
