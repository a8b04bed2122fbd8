//! Writes a synthetic spec tree of N JDY endpoints (made from the real endpoint shapes) to
//! a directory, for build benchmarks and manual experiments.
//!
//! `cargo run -p retail-apis-codegen --example synth_specs -- 1000 /tmp/spec-1000`

#[path = "../benches/synth/mod.rs"]
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(n), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: synth_specs <endpoints> <out_dir>");
        return ExitCode::FAILURE;
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("`{n}` is not a number of endpoints");
        return ExitCode::FAILURE;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let out = PathBuf::from(out);
    for source in synth::synth_sources(&root, n) {
        let path = out.join(&source.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, &source.text));
        if let Err(e) = written {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    println!("wrote {n} synthetic endpoints under {}", out.display());
    ExitCode::SUCCESS
}
