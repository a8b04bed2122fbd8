//! The sandbox gateway canonicalises a received query exactly as Kingdee's Java SDK does:
//! requests carrying the PROTOCOL.md vectors 4, with their published signatures sent as
//! they are, pass the signature check and reach the endpoint.

mod common;

use common::*;
use retail_apis_codegen::model::{HttpMethod as ModelMethod, SpecSet};
use retail_apis_codegen::SourceFile;
use retail_apis_runtime::HttpMethod;
use retail_apis_sandbox::{SandboxConfig, SandboxCredentials};
use serde_json::Value;

/// A GET endpoint at the path of the vectors, with no required parameter, so any query
/// that passes the gateway reaches it.
const RECHARGE_RECORD: &str = include_str!("fixtures/recharge_record.yaml");

const PATH: &str = "/jdy/v2/ls/recharge_record";
const SECRET: &str = "abc123";
/// Nonce and timestamp of every vector.
const STAMP: &str = "1655775240000";

/// Vectors 4 of PROTOCOL.md: query pairs and the published signature.
const VECTORS: &[(&[(&str, &str)], &str)] = &[
    (
        &[("app_key", "a b"), ("app_signature", "x")],
        "ZmRjOGM4YzIzNGIyNTdjMTA2ODQzODAwNjJlMTFiM2E3ODNkNTk5NTQ2YWU0OGM1MGM0YThjMGI1MjY3MDA4Mw==",
    ),
    (
        &[("name", "~*'!()")],
        "NTEyOThhMTY1NDQ2YzZhNzU4YWFhM2JlYmNiZWE2OGY0ZjM4MzgwMDIxMTU2MWMwYTA4Yzg2ZTM2ZDhjNzM2YQ==",
    ),
    (
        &[("name", "零售 +=&%/😀~*")],
        "ODk4NmU5YTU0YWFiOTkwNDJhODA5MTlmNzkxZGVkNGY2YjJiNmVlODVmNTkzNGY4ZWM2NTgzODFhYTcxYTk0NQ==",
    ),
    (
        &[("a", "1"), ("a-b", "2"), ("a_b", "3")],
        "MzFhMGQ5Yzc5ZDhhNzJlZDRiZTYyODIyMGE0NjIyODBjZDZjOWNkM2NiMjVhMDRhYjQ4ZWI0YzQ3ZjVmYWUzNw==",
    ),
    (
        &[("page", "1"), ("page_size", "20"), ("search", "张三 138*")],
        "ZGFjM2Q3YWE3NDMwYTVmOTJiM2I1Y2RhNWJjZWNiYjQxZTAzZTk5YWRjYzE2YTYxOWNlYzEyZjY1YjFkZWE1MQ==",
    ),
];

/// The real spec plus the fixture at [`PATH`]. The vectors are signed over that path, so an
/// endpoint the spec itself declares at GET [`PATH`] is left out in favour of the fixture,
/// whose parameters are all optional.
fn vector_specs() -> SpecSet {
    let replaced: Vec<String> = real_specs()
        .services
        .iter()
        .flat_map(|s| &s.endpoints)
        .filter(|e| e.method == ModelMethod::Get && e.path == PATH)
        .map(|e| e.origin.file.clone())
        .collect();
    let mut sources = retail_apis_codegen::read_sources(&spec_root()).expect("read spec/");
    sources.retain(|s| !replaced.contains(&s.path));
    sources.push(SourceFile {
        path: format!("jdy/endpoints/{}.yaml", operation()),
        text: RECHARGE_RECORD.replace("{n}", &fresh_suffix()),
    });
    retail_apis_codegen::load_sources(&sources).unwrap_or_else(|d| panic!("{d}"))
}

/// The fixture's operation.
fn operation() -> String {
    format!("recharge_record_probe{}", fresh_suffix())
}

/// A sandbox whose gateway secret is the vectors' and whose clock reads their timestamp.
async fn vector_sandbox() -> retail_apis_sandbox::SandboxHandle {
    let config = SandboxConfig {
        credentials: SandboxCredentials {
            client_secret: SECRET.to_owned(),
            ..SandboxCredentials::default()
        },
        ..SandboxConfig::default()
    };
    let sandbox = start_with(vector_specs(), config).await;
    let stamp: i64 = STAMP.parse().expect("numeric stamp");
    sandbox.set_clock_skew_ms(stamp - now_ms());
    sandbox
}

/// Headers signed with the vectors' secret at the sandbox clock.
fn headers_now(
    sandbox: &retail_apis_sandbox::SandboxHandle,
    token: Option<&str>,
) -> GatewayHeaders {
    GatewayHeaders {
        timestamp: Some(sandbox.now_ms().to_string()),
        secret: SECRET.to_owned(),
        ..GatewayHeaders::new(token)
    }
}

/// The vectors' own timestamp, nonce and `signature`, with `token`.
fn vector_headers(
    sandbox: &retail_apis_sandbox::SandboxHandle,
    token: &str,
    signature: &str,
) -> GatewayHeaders {
    GatewayHeaders {
        timestamp: Some(STAMP.to_owned()),
        nonce: Some(STAMP.to_owned()),
        signature: Some(signature.to_owned()),
        ..headers_now(sandbox, Some(token))
    }
}

async fn token(sandbox: &retail_apis_sandbox::SandboxHandle, jdy: &Jdy) -> String {
    let signature = retail_apis_runtime::jdy::signing::app_signature(
        retail_apis_sandbox::config::APP_KEY,
        retail_apis_sandbox::config::APP_SECRET,
    );
    let query = [
        ("app_key", retail_apis_sandbox::config::APP_KEY),
        ("app_signature", signature.as_str()),
    ];
    let (status, body) = jdy
        .send(
            HttpMethod::Get,
            TOKEN_PATH,
            &query,
            &headers_now(sandbox, None),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["data"]["app-token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in {body}"))
        .to_owned()
}

#[tokio::test]
async fn published_query_vectors_pass_the_gateway() {
    for (query, signature) in VECTORS {
        // One sandbox per vector: they share a nonce, which a sandbox accepts once.
        let sandbox = vector_sandbox().await;
        let jdy = Jdy::new(&sandbox);
        let token = token(&sandbox, &jdy).await;
        let headers = vector_headers(&sandbox, &token, signature);
        let (status, body) = jdy.send(HttpMethod::Get, PATH, query, &headers, None).await;
        assert_eq!(status, 200, "{query:?}: {body}");
        assert_eq!(body["errcode"], Value::from(0), "{query:?}: {body}");
        assert_eq!(sandbox.request_count(&format!("jdy.{}", operation())), 1);
    }
}

#[tokio::test]
async fn a_signature_over_another_query_is_refused() {
    // The first vector's signature on the second vector's query: the check has teeth.
    let sandbox = vector_sandbox().await;
    let jdy = Jdy::new(&sandbox);
    let token = token(&sandbox, &jdy).await;
    let headers = vector_headers(&sandbox, &token, VECTORS[0].1);
    let (status, body) = jdy
        .send(HttpMethod::Get, PATH, VECTORS[1].0, &headers, None)
        .await;
    assert_eq!(status, 519, "{body}");
    assert_eq!(body["errcode"], Value::from(4008), "{body}");
}
