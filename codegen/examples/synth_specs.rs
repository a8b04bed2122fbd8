//! Writes a synthetic spec tree with N JDY endpoints (copies of the seed endpoint shapes, see
//! `benches/synth/mod.rs`) to a directory, for build benchmarks and manual experiments.
//! N = 4 writes the seed spec unchanged.
//!
//! `cargo run -p retail-apis-codegen --example synth_specs -- 1000 /tmp/spec-1000`
//!
//! The directory must be new or empty: leftovers of a larger set would silently become part
//! of the smaller one.

#[path = "../benches/synth/mod.rs"]
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(n), Some(out), None) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: synth_specs <endpoints> <out_dir>");
        return ExitCode::FAILURE;
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("`{n}` is not a number of endpoints");
        return ExitCode::FAILURE;
    };
    let out = PathBuf::from(out);
    if std::fs::read_dir(&out).is_ok_and(|mut entries| entries.next().is_some()) {
        eprintln!("{} is not empty", out.display());
        return ExitCode::FAILURE;
    }
    let sources = synth::synth_sources(n);
    for source in &sources {
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
    println!(
        "wrote {} spec files ({n} JDY endpoints) under {}",
        sources.len(),
        out.display()
    );
    ExitCode::SUCCESS
}
