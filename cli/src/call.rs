//! `retail-apis call`: one signed request to a live API (or a sandbox), configured from the
//! environment.

use std::io::Read;
use std::path::Path;

use retail_apis_runtime::schemes::AnyClient;
use retail_apis_runtime::{EndpointDescriptor, ServiceDescriptor};
use serde_json::json;

use crate::exit;
use crate::failure::Failure;
use crate::output::{self, Output};

/// Sends the request and prints the response (as pretty JSON, or as `{"data": ...}` in
/// JSON form). A failed call exits with the code of its kind ([`exit::of_call_error`]):
/// [`exit::OUTCOME_UNKNOWN`] when the request may have been applied.
pub async fn run(target: &str, body_path: &Path, mode: Output) -> Result<u8, Failure> {
    let (service, endpoint) = resolve(target)?;
    let body = read_body(body_path)?;

    let client = AnyClient::from_env(service).map_err(|e| Failure::call(&e))?;
    let value = client
        .call_value(endpoint, body)
        .await
        .map_err(|e| Failure::call(&e))?;
    match mode {
        Output::Text => {
            let text = serde_json::to_string_pretty(&value)
                .map_err(|e| Failure::io(format!("cannot print the response: {e}")))?;
            // The answer is the vendor's text: nothing in it may drive the terminal.
            output::stdout(&format!("{}\n", output::json_escaped(&text)))?;
        }
        Output::Json => output::json(&json!({ "data": value }))?,
    }
    Ok(exit::SUCCESS)
}

/// The service and endpoint a `<service>.<operation>` target names, from the descriptors
/// compiled into this binary.
pub fn resolve(
    target: &str,
) -> Result<(&'static ServiceDescriptor, &'static EndpointDescriptor), Failure> {
    let (service_name, operation) = target.split_once('.').ok_or_else(|| {
        Failure::usage(format!(
            "`{target}`: expected <service>.<operation>, e.g. jdy.mall_recharge"
        ))
    })?;
    let service: &'static ServiceDescriptor = retail_apis::SERVICES
        .iter()
        .copied()
        .find(|s| s.name == service_name)
        .ok_or_else(|| {
            Failure::usage(format!(
                "unknown service `{service_name}` (known: {})",
                names(retail_apis::SERVICES.iter().map(|s| s.name.as_ref()))
            ))
        })?;
    let endpoint = service.endpoint(operation).ok_or_else(|| {
        Failure::usage(format!(
            "unknown operation `{operation}` of `{service_name}` (known: {})",
            names(service.endpoints.iter().map(|e| e.operation.as_ref()))
        ))
    })?;
    Ok((service, endpoint))
}

/// The JSON request body in `path` (`-` reads standard input).
pub fn read_body(path: &Path) -> Result<serde_json::Value, Failure> {
    let text = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::input(format!("cannot read standard input: {e}")))?;
        text
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?
    };
    serde_json::from_str(&text)
        .map_err(|e| Failure::input(format!("{}: not valid JSON: {e}", path.display())))
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}
