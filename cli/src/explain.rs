//! `retail-apis sign --explain`: what one request would carry on the wire (method, URL,
//! headers, body), the exact string it signs and its signature, computed with the
//! runtime's own signing functions and the credentials `retail-apis call` reads. Nothing
//! is sent. This is what to compare with a captured request when the gateway answers
//! 4008 (signature invalid).
//!
//! Secrets never print: the client secret, app secret and Shoubei key show as their
//! length, the Shoubei string to sign shows its key as `***`, and the JDY app-token is a
//! placeholder (fetching a real one would need the network, and it is not signed).

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use retail_apis_runtime::client::Request;
use retail_apis_runtime::jdy::headers;
use retail_apis_runtime::jdy::signing::{
    self as jdy_signing, CanonicalRequest, SentHeaders, SignHeaders,
};
use retail_apis_runtime::jdy::{JdyClient, JdyConfig};
use retail_apis_runtime::shoubei::signing::StringToSign;
use retail_apis_runtime::shoubei::{ShoubeiClient, ShoubeiConfig};
use retail_apis_runtime::{
    AuthScheme, EndpointDescriptor, HttpMethod, KingdeeGatewayScheme, Md5SignScheme, Secret,
    ServiceDescriptor,
};
use serde_json::Value;

use crate::call;

/// What `app-token` shows: the real one is fetched at call time.
const TOKEN_PLACEHOLDER: &str = "<app-token placeholder>";

/// The headers the HTTP library adds on its own; none is signed.
const LIBRARY_HEADERS: &str =
    "The HTTP library adds Host, Accept and Content-Length itself; no signature covers them.";

/// Longest `--nonce` or `--timestamp` accepted.
const MAX_HEADER_TEXT: usize = 64;

/// The gateway's documented clock window for `X-Api-TimeStamp`, for the 4006 hint.
const TIMESTAMP_WINDOW_MS: u128 = 5 * 60 * 1000;

/// A value reproduced from a captured request, or `None` for a fresh one.
pub struct Reproduce {
    /// `X-Api-Nonce` to sign with.
    pub nonce: Option<String>,
    /// `X-Api-TimeStamp` to sign with.
    pub timestamp: Option<String>,
}

/// Prints the explanation of one request to `target` with the body in `body_path`.
pub fn run(target: &str, body_path: &Path, reproduce: Reproduce) -> Result<ExitCode, String> {
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
    let text = match &service.auth {
        AuthScheme::KingdeeGateway(scheme) => jdy(service, scheme, endpoint, body, reproduce)?,
        AuthScheme::Md5BodySign(scheme) => {
            if reproduce.nonce.is_some() || reproduce.timestamp.is_some() {
                return Err(format!(
                    "`{}` signs its body only: --nonce and --timestamp apply to the Kingdee gateway",
                    service.name
                ));
            }
            shoubei(service, scheme, endpoint, body)?
        }
        AuthScheme::StaticBearer(_) => {
            return Err(format!(
                "`{}` signs nothing: its requests carry a fixed token header",
                service.name
            ))
        }
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// A captured header value must be one the client could have sent.
fn check_header_text(flag: &str, value: &str) -> Result<(), String> {
    let visible = value.bytes().all(|b| b.is_ascii_graphic());
    if value.is_empty() || value.len() > MAX_HEADER_TEXT || !visible {
        return Err(format!(
            "{flag}: give the header value as captured (1 to {MAX_HEADER_TEXT} visible ASCII characters)"
        ));
    }
    Ok(())
}

/// How a secret shows: its length only.
fn masked(secret: &Secret) -> String {
    format!("<secret: {} bytes>", secret.expose().len())
}

/// The URL the client sends to: base and path joined with one `/` (as the clients join
/// them), then `query` applied by the same HTTP library the client uses.
fn request_url(
    base: &str,
    path: &str,
    method: HttpMethod,
    query: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
) -> Result<String, String> {
    let joined = format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    let http = reqwest::Client::builder()
        .build()
        .map_err(|e| format!("cannot set up the HTTP library: {e}"))?;
    let builder = match method {
        HttpMethod::Get => http.get(&joined),
        HttpMethod::Post => http.post(&joined),
    };
    let request = query(builder)
        .build()
        .map_err(|e| format!("`{joined}` with this query is not a valid request: {e}"))?;
    Ok(request.url().to_string())
}

/// The exact text between markers, and once more as a JSON string, which shows every
/// line break and space unambiguously.
fn exact_block(out: &mut String, title: &str, text: &str) -> Result<(), String> {
    let json = serde_json::to_string(text).map_err(|e| e.to_string())?;
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

fn jdy(
    service: &'static ServiceDescriptor,
    scheme: &KingdeeGatewayScheme,
    endpoint: &EndpointDescriptor,
    body: Value,
    reproduce: Reproduce,
) -> Result<String, String> {
    let config = JdyConfig::from_env().map_err(|e| e.to_string())?;
    // The checks `call` makes (base URL, header values, sign_headers), without a request.
    JdyClient::new(service, config.clone()).map_err(|e| e.to_string())?;
    let sign_headers = SignHeaders::parse(&scheme.sign_headers).map_err(|e| e.to_string())?;

    let (fresh_nonce, fresh_timestamp) = jdy_signing::fresh_nonce_and_timestamp();
    let nonce = reproduce.nonce.unwrap_or(fresh_nonce);
    let timestamp = reproduce.timestamp.unwrap_or(fresh_timestamp);
    let query = match endpoint.method {
        HttpMethod::Get => Request::query_of(&body)
            .ok_or("a GET request body must be a JSON object (its fields become the query)")?,
        HttpMethod::Post => Vec::new(),
    };
    let pairs: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let sent = SentHeaders {
        nonce: &nonce,
        timestamp: &timestamp,
        client_id: &config.client_id,
        auth_version: &scheme.auth_version,
        router_addr: &config.domain,
        content_type: headers::JSON,
    };
    let canonical = CanonicalRequest::for_client(
        endpoint.method,
        &endpoint.path,
        &pairs,
        &sign_headers,
        &sent,
    );
    let string_to_sign = canonical.to_string();
    let signature = jdy_signing::gateway_signature(&canonical, config.client_secret.expose());
    let base = config.base_url.as_deref().unwrap_or(&service.base_url);
    let url = request_url(base, &endpoint.path, endpoint.method, |request| {
        // As the client: no `?` at all without a query.
        if pairs.is_empty() {
            request
        } else {
            request.query(&pairs)
        }
    })?;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "Explaining {}.{}: nothing is sent.",
        service.name, endpoint.operation
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "Credentials (from the environment):");
    let _ = writeln!(out, "  JDY_CLIENT_ID      {}", config.client_id);
    let _ = writeln!(
        out,
        "  JDY_CLIENT_SECRET  {}",
        masked(&config.client_secret)
    );
    let _ = writeln!(out, "  JDY_APP_KEY        {}", config.app_key);
    let _ = writeln!(out, "  JDY_APP_SECRET     {}", masked(&config.app_secret));
    let _ = writeln!(out, "  JDY_DOMAIN         {}", config.domain);
    let _ = writeln!(out);
    let _ = writeln!(out, "Request:");
    let _ = writeln!(out, "  {} {url}", endpoint.method.as_str());
    let _ = writeln!(out);
    let _ = writeln!(out, "Headers:");
    for (name, value) in jdy_signing::gateway_headers(&sent, &scheme.sign_headers, &signature) {
        let _ = writeln!(out, "  {name}: {value}");
    }
    let _ = writeln!(out, "  {}: {TOKEN_PLACEHOLDER}", headers::APP_TOKEN);
    let _ = writeln!(out, "  User-Agent: {}", config.transport.user_agent);
    let _ = writeln!(out, "{LIBRARY_HEADERS}");
    let _ = writeln!(
        out,
        "The {} above is a placeholder: explaining needs no network. A real call first \
         fetches the token with a signed {} {}; the token is not part of the signature.",
        headers::APP_TOKEN,
        scheme.token.method.as_str(),
        scheme.token.path
    );
    let _ = writeln!(out);
    match endpoint.method {
        HttpMethod::Post => {
            let json = serde_json::to_string(&body).map_err(|e| e.to_string())?;
            let _ = writeln!(out, "Body (not signed):");
            let _ = writeln!(out, "  {json}");
        }
        HttpMethod::Get => {
            let _ = writeln!(out, "Body: none (the request travels as the query).");
        }
    }
    let _ = writeln!(out);
    exact_block(
        &mut out,
        &format!(
            "String to sign (method, encoded path, canonical query, then the headers `{}` \
             names, sorted by lower-cased name; every line ends in \\n):",
            scheme.sign_headers
        ),
        &string_to_sign,
    )?;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Signature = Base64(lower-hex(HMAC-SHA256(key = JDY_CLIENT_SECRET, string to sign))):"
    );
    let _ = writeln!(out, "  {}: {signature}", headers::X_API_SIGNATURE);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Gateway 4008 (signature invalid)? Rerun with the captured --nonce and --timestamp and \
         compare the signature; if it matches, the secret or the captured path, query or \
         headers differ from these."
    );
    timestamp_hint(&mut out, &timestamp);
    Ok(out)
}

/// Notes a timestamp the gateway would refuse as out of its window (4006), which a
/// reproduced capture usually is.
fn timestamp_hint(out: &mut String, timestamp: &str) {
    let Ok(sent) = timestamp.parse::<u128>() else {
        let _ = writeln!(
            out,
            "Note: {} `{timestamp}` is not Unix milliseconds; the gateway refuses it (4006).",
            headers::X_API_TIMESTAMP
        );
        return;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    if now.abs_diff(sent) > TIMESTAMP_WINDOW_MS {
        let _ = writeln!(
            out,
            "Note: {} is {} s away from this machine's clock; sent now, the gateway would \
             refuse it (4006), so only use this signature for comparison.",
            headers::X_API_TIMESTAMP,
            now.abs_diff(sent) / 1000
        );
    }
}

fn shoubei(
    service: &'static ServiceDescriptor,
    scheme: &Md5SignScheme,
    endpoint: &EndpointDescriptor,
    body: Value,
) -> Result<String, String> {
    let config = ShoubeiConfig::from_env().map_err(|e| e.to_string())?;
    // The checks `call` makes, without a request.
    ShoubeiClient::new(service, config.clone()).map_err(|e| e.to_string())?;
    let Value::Object(mut body) = body else {
        return Err(String::from("the request body must be a JSON object"));
    };
    let text = StringToSign::new(scheme, &body, config.key.expose())
        .map_err(|e| format!("the request cannot be signed: {e}"))?;
    let sign = text.sign();
    let shown = text.masked();
    body.insert(scheme.field.to_string(), Value::String(sign.clone()));
    let base = config.base_url.as_deref().unwrap_or(&service.base_url);
    let url = request_url(
        base,
        &endpoint.path,
        endpoint.method,
        |request| match endpoint.method {
            HttpMethod::Post => request,
            HttpMethod::Get => request.query(&body),
        },
    )?;
    let body_line = match endpoint.method {
        HttpMethod::Post => Some(serde_json::to_string(&body).map_err(|e| e.to_string())?),
        HttpMethod::Get => None,
    };

    let mut out = String::new();
    let _ = writeln!(
        out,
        "Explaining {}.{}: nothing is sent.",
        service.name, endpoint.operation
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "Credentials (from the environment):");
    let _ = writeln!(out, "  SHOUBEI_KEY  {}", masked(&config.key));
    let _ = writeln!(out);
    let _ = writeln!(out, "Request:");
    let _ = writeln!(out, "  {} {url}", endpoint.method.as_str());
    let _ = writeln!(out);
    let _ = writeln!(out, "Headers:");
    let _ = writeln!(out, "  {}: {}", headers::CONTENT_TYPE, headers::JSON);
    let _ = writeln!(out, "  User-Agent: {}", config.transport.user_agent);
    let _ = writeln!(out, "{LIBRARY_HEADERS}");
    let _ = writeln!(out);
    match body_line {
        Some(json) => {
            let _ = writeln!(out, "Body, with `{}` added:", scheme.field);
            let _ = writeln!(out, "  {json}");
        }
        None => {
            let _ = writeln!(
                out,
                "Body: none (the fields and `{}` travel as the query).",
                scheme.field
            );
        }
    }
    let _ = writeln!(out);
    exact_block(
        &mut out,
        &format!(
            "String to sign (every field but `{}`, sorted by name, then the key; the key is \
             shown as ***):",
            scheme.field
        ),
        &shown,
    )?;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Signature = {}-case hex(MD5(string to sign, with SHOUBEI_KEY in place of ***)):",
        if scheme.uppercase { "upper" } else { "lower" }
    );
    let _ = writeln!(out, "  {}: {sign}", scheme.field);
    Ok(out)
}
