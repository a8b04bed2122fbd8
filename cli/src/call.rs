//! `retail-apis call`: one signed request to a live API (or a sandbox), configured from the
//! environment.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use retail_apis_runtime::schemes::AnyClient;
use retail_apis_runtime::ServiceDescriptor;

/// Exit code of a call whose outcome is unknown: the request may have been applied, so a
/// script must query its state before repeating it (exit 1 means it was not applied).
pub const EXIT_OUTCOME_UNKNOWN: u8 = 3;

/// Sends the request and prints the response; a typed API error is printed and gives exit
/// 1, or [`EXIT_OUTCOME_UNKNOWN`] when the request may have been applied.
pub async fn run(target: &str, body_path: &Path) -> Result<ExitCode, String> {
    let (service_name, operation) = target.split_once('.').ok_or_else(|| {
        format!("`{target}`: expected <service>.<operation>, e.g. jdy.mall_recharge")
    })?;
    let service: &'static ServiceDescriptor = retail_apis::SERVICES
        .iter()
        .copied()
        .find(|s| s.name == service_name)
        .ok_or_else(|| {
            format!(
                "unknown service `{service_name}` (known: {})",
                names(retail_apis::SERVICES.iter().map(|s| s.name.as_ref()))
            )
        })?;
    let endpoint = service.endpoint(operation).ok_or_else(|| {
        format!(
            "unknown operation `{operation}` of `{service_name}` (known: {})",
            names(service.endpoints.iter().map(|e| e.operation.as_ref()))
        )
    })?;
    let body = read_body(body_path)?;

    let client = AnyClient::from_env(service).map_err(|e| e.to_string())?;
    let response = client.call_value(endpoint, body).await;
    match response {
        Ok(value) => {
            let text = serde_json::to_string_pretty(&value)
                .map_err(|e| format!("cannot print the response: {e}"))?;
            println!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!("{error:#?}");
            Ok(if error.outcome_unknown() {
                ExitCode::from(EXIT_OUTCOME_UNKNOWN)
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

fn read_body(path: &Path) -> Result<serde_json::Value, String> {
    let text = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
    };
    serde_json::from_str(&text).map_err(|e| format!("{}: not valid JSON: {e}", path.display()))
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}
