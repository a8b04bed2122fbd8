//! Generates a client with progenitor's library from an OpenAPI document, the way its
//! README's `build.rs` does (default settings, formatted with prettyplease, the same printer
//! retail-apis uses), so `run.sh` can time and count it next to `retail-apis generate`.
//!
//! `progenitor-gen <openapi.json> <out.rs>`

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output), None) = (args.next(), args.next(), args.next()) else {
        eprintln!("usage: progenitor-gen <openapi.json> <out.rs>");
        return ExitCode::FAILURE;
    };
    match generate(&input, &output) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate(input: &str, output: &str) -> Result<(), String> {
    let text = std::fs::read(input).map_err(|e| format!("cannot read {input}: {e}"))?;
    let spec: openapiv3::OpenAPI =
        serde_json::from_slice(&text).map_err(|e| format!("{input} is not OpenAPI 3.0: {e}"))?;
    let tokens = progenitor::Generator::default()
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor refused {input}: {e}"))?;
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor's output does not parse: {e}"))?;
    std::fs::write(output, prettyplease::unparse(&file))
        .map_err(|e| format!("cannot write {output}: {e}"))
}
