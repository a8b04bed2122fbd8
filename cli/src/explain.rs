//! `retail-apis sign --explain`: what one request would carry on the wire (method, URL,
//! headers, body), the exact string it signs and its signature, computed by the
//! runtime's own signing path with the credentials `retail-apis call` reads. Nothing is
//! sent. This is what to compare with a captured request when the service refuses its
//! signature.
//!
//! Every scheme explains itself through the runtime (`AnyClient::explain`); this module
//! only checks the flags and lays the explanation out. Secrets never print: the runtime
//! shows them as their length, masks them in the string to sign, and puts a placeholder
//! where a credential would have to be fetched.

use std::fmt::Write as _;
use std::path::Path;

pub use retail_apis_runtime::client::Reproduce;
use retail_apis_runtime::client::{Carrier, ExplainError, Explained, Signed};
use retail_apis_runtime::schemes::AnyClient;
use retail_apis_runtime::{EndpointDescriptor, HttpMethod, ServiceDescriptor};
use serde_json::{json, Value};

use crate::call;
use crate::exit;
use crate::failure::Failure;
use crate::output::{self, Output};

/// The headers the HTTP library adds on its own; none is signed.
const LIBRARY_HEADERS: &str =
    "The HTTP library adds Host, Accept and Content-Length itself; no signature covers them.";

/// Longest `--nonce` or `--timestamp` accepted.
const MAX_HEADER_TEXT: usize = 64;

/// Prints the explanation of one request to `target` with the body in `body_path`, as
/// prose or as one JSON object ([`to_json`]).
pub fn run(
    target: &str,
    body_path: &Path,
    reproduce: Reproduce,
    mode: Output,
) -> Result<u8, Failure> {
    let (service, endpoint) = call::resolve(target)?;
    let body = call::read_body(body_path)?;
    for (flag, value) in [
        ("--nonce", &reproduce.nonce),
        ("--timestamp", &reproduce.timestamp),
    ] {
        if let Some(value) = value {
            check_header_text(flag, value)?;
        }
    }
    let client = AnyClient::from_env(service).map_err(|e| Failure::call(&e))?;
    let explained = client
        .explain(endpoint, body, reproduce)
        .map_err(|error| match error {
            // The flag is named after the value it sets.
            ExplainError::NotSigned { service, value } => Failure::usage(format!(
                "--{value}: `{service}` signs no {value}, so there is none to reproduce"
            )),
            ExplainError::Failed(error) => Failure::call(&error),
        })?;
    match mode {
        Output::Text => output::stdout(&render(service, endpoint, &explained)?)?,
        Output::Json => output::json(&to_json(service, endpoint, &explained)?)?,
    }
    Ok(exit::SUCCESS)
}

/// A captured header value must be one the client could have sent.
fn check_header_text(flag: &str, value: &str) -> Result<(), Failure> {
    let visible = value.bytes().all(|b| b.is_ascii_graphic());
    if value.is_empty() || value.len() > MAX_HEADER_TEXT || !visible {
        return Err(Failure::usage(format!(
            "{flag}: give the header value as captured (1 to {MAX_HEADER_TEXT} visible ASCII characters)"
        )));
    }
    Ok(())
}

/// The whole explanation, section by section.
fn render(
    service: &ServiceDescriptor,
    endpoint: &EndpointDescriptor,
    explained: &Explained,
) -> Result<String, Failure> {
    let explanation = explained.explanation();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Explaining {}.{}: nothing is sent.",
        service.name, endpoint.operation
    );
    let _ = writeln!(out);
    credentials(&mut out, &explanation.credentials);
    let _ = writeln!(out, "Request:");
    let _ = writeln!(out, "  {} {}", endpoint.method.as_str(), explained.url());
    let _ = writeln!(out);
    headers(&mut out, explained);
    body(&mut out, endpoint.method, explained)?;
    match &explanation.signed {
        Some(signed) => signature(&mut out, signed)?,
        None => {
            let _ = writeln!(out, "String to sign: none.");
            let _ = writeln!(out);
        }
    }
    for note in &explanation.notes {
        let _ = writeln!(out, "{note}");
    }
    Ok(out)
}

fn credentials(out: &mut String, credentials: &[(&str, String)]) {
    let width = credentials.iter().map(|(name, _)| name.len()).max();
    let _ = writeln!(out, "Credentials (from the environment):");
    for (name, value) in credentials {
        let _ = writeln!(out, "  {name:<width$}  {value}", width = width.unwrap_or(0));
    }
    let _ = writeln!(out);
}

fn headers(out: &mut String, explained: &Explained) {
    let _ = writeln!(out, "Headers:");
    for (name, value) in explained.headers() {
        let _ = writeln!(out, "  {name}: {value}");
    }
    let _ = writeln!(out, "  User-Agent: {}", explained.user_agent());
    let _ = writeln!(out, "{LIBRARY_HEADERS}");
    let _ = writeln!(out);
}

/// The body exactly as sent, and whether it carries the signature.
fn body(out: &mut String, method: HttpMethod, explained: &Explained) -> Result<(), Failure> {
    let field = signature_field(explained);
    match sent_body(method, explained)? {
        Some(text) => {
            let title = field.map_or_else(
                || String::from("Body (not signed):"),
                |field| format!("Body, with `{field}` added:"),
            );
            let _ = writeln!(out, "{title}\n  {text}");
        }
        None => {
            let travels = field.map_or_else(
                || String::from("the request travels"),
                |field| format!("the fields and `{field}` travel"),
            );
            let _ = writeln!(out, "Body: none ({travels} as the query).");
        }
    }
    let _ = writeln!(out);
    Ok(())
}

/// The body field (or query parameter) that carries the signature, if one does.
fn signature_field(explained: &Explained) -> Option<&str> {
    match explained.explanation().signed.as_ref().map(|s| &s.carrier) {
        Some(Carrier::Field(field)) => Some(field.as_str()),
        _ => None,
    }
}

/// The body exactly as sent, or `None` when the request travels as the query.
fn sent_body(method: HttpMethod, explained: &Explained) -> Result<Option<&str>, Failure> {
    match (method, explained.request().body()) {
        (HttpMethod::Post, Some(bytes)) => std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| Failure::input("the request body is not UTF-8")),
        _ => Ok(None),
    }
}

fn signature(out: &mut String, signed: &Signed) -> Result<(), Failure> {
    exact_block(
        out,
        &format!("String to sign ({}):", signed.layout),
        &signed.string_to_sign,
    )?;
    let _ = writeln!(out);
    let _ = writeln!(out, "Signature = {}:", signed.formula);
    let _ = writeln!(out, "  {}: {}", signed.carrier.name(), signed.signature);
    let _ = writeln!(out);
    Ok(())
}

/// The exact text between markers, and once more as a JSON string, which shows every
/// line break and space unambiguously.
fn exact_block(out: &mut String, title: &str, text: &str) -> Result<(), Failure> {
    let json = serde_json::to_string(text)
        .map_err(|e| Failure::io(format!("cannot print the string to sign: {e}")))?;
    let _ = writeln!(out, "{title}");
    let _ = writeln!(out, "-----BEGIN STRING TO SIGN-----");
    let _ = write!(out, "{text}");
    let unterminated = !text.ends_with('\n');
    if unterminated {
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "-----END STRING TO SIGN-----");
    if unterminated {
        let _ = writeln!(out, "  (no line break after the last line)");
    }
    let _ = writeln!(out, "  as a JSON string: {json}");
    Ok(())
}

/// The explanation as one JSON object: the same facts as [`render`]'s sections, each in
/// its own field, secrets masked exactly as there.
fn to_json(
    service: &ServiceDescriptor,
    endpoint: &EndpointDescriptor,
    explained: &Explained,
) -> Result<Value, Failure> {
    let explanation = explained.explanation();
    let credentials: Vec<Value> = explanation
        .credentials
        .iter()
        .map(|(variable, shown)| json!({ "variable": variable, "value": shown }))
        .collect();
    let headers: Vec<Value> = explained
        .headers()
        .into_iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect();
    let signature = explanation.signed.as_ref().map(|signed| {
        let (carrier, name) = match &signed.carrier {
            Carrier::Header(name) => ("header", *name),
            Carrier::Field(name) => ("field", name.as_str()),
        };
        json!({
            "layout": signed.layout,
            "string_to_sign": signed.string_to_sign,
            "formula": signed.formula,
            "carrier": { "kind": carrier, "name": name },
            "signature": signed.signature,
        })
    });
    Ok(json!({
        "service": service.name.as_ref(),
        "operation": endpoint.operation.as_ref(),
        "sent": false,
        "credentials": credentials,
        "method": endpoint.method.as_str(),
        "url": explained.url(),
        "headers": headers,
        "user_agent": explained.user_agent(),
        "body": sent_body(endpoint.method, explained)?,
        "signature_field": signature_field(explained),
        "signature": signature,
        "notes": explanation.notes,
    }))
}
