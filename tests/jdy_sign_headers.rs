//! The scheme's `sign_headers` decides which headers the gateway signature covers, on both
//! sides: the client signs the headers the list names and the sandbox verifies by the same
//! list, over loopback, with specs built from the real `spec/jdy/service.yaml` text with
//! only its `sign_headers` line replaced.

mod common;

use std::net::SocketAddr;

use common::{bounded, jdy_config, recharge};
use retail_apis::runtime::jdy::headers::{
    CONTENT_TYPE, JSON, X_API_AUTH_VERSION, X_API_CLIENT_ID, X_API_NONCE, X_API_SIGNATURE,
    X_API_SIGN_HEADERS, X_API_TIMESTAMP, X_GW_ROUTER_ADDR,
};
use retail_apis::runtime::jdy::signing::{self, CanonicalRequest};
use retail_apis::runtime::jdy::JdyClient;
use retail_apis::runtime::{AuthScheme, Error, KingdeeGatewayScheme, ServiceDescriptor};
use retail_apis_sandbox::{config as creds, Sandbox, SandboxConfig, SandboxHandle};
use serde_json::Value;

const SERVICE_FILE: &str = "jdy/service.yaml";

/// The JDY gateway scheme of the generated descriptor.
fn real_scheme() -> KingdeeGatewayScheme {
    match retail_apis::jdy::SERVICE.auth {
        AuthScheme::KingdeeGateway(scheme) => scheme,
        _ => panic!("jdy uses the Kingdee gateway scheme"),
    }
}

/// The real spec's `sign_headers`, read from the generated descriptor.
fn real_sign_headers() -> String {
    real_scheme().sign_headers.to_string()
}

/// The embedded spec files with the `sign_headers:` line of the JDY service replaced.
fn spec_files_with(sign_headers: &str) -> Vec<(String, String)> {
    let mut replaced = 0;
    let files: Vec<(String, String)> = retail_apis::SPEC_FILES
        .iter()
        .map(|(path, text)| {
            if *path != SERVICE_FILE {
                return ((*path).to_owned(), (*text).to_owned());
            }
            let text: Vec<String> = text
                .lines()
                .map(|line| match line.split_once("sign_headers:") {
                    Some((indent, _)) if indent.trim().is_empty() => {
                        replaced += 1;
                        format!("{indent}sign_headers: {sign_headers}")
                    }
                    _ => line.to_owned(),
                })
                .collect();
            ((*path).to_owned(), text.join("\n") + "\n")
        })
        .collect();
    assert_eq!(replaced, 1, "{SERVICE_FILE} has one sign_headers line");
    files
}

async fn start(sign_headers: &str) -> SandboxHandle {
    let files = spec_files_with(sign_headers);
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Sandbox::from_files(&files, SandboxConfig::default())
        .unwrap_or_else(|d| panic!("the edited specs do not load:\n{d}"))
        .start(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("the sandbox binds a free loopback port")
}

/// The generated JDY descriptor with another `sign_headers`.
fn service_with(sign_headers: &str) -> &'static ServiceDescriptor {
    let mut service = retail_apis::jdy::SERVICE;
    if let AuthScheme::KingdeeGateway(scheme) = &mut service.auth {
        scheme.sign_headers = sign_headers.to_owned().into();
    }
    Box::leak(Box::new(service))
}

async fn recharge_through(client: &JdyClient) -> Result<Value, Error> {
    client
        .call::<_, Value>(
            &retail_apis::jdy::endpoints::MALL_RECHARGE,
            &recharge("10.00", "M-SIGN-HEADERS", "B-SIGN-HEADERS-1"),
        )
        .await
}

#[tokio::test]
async fn reversed_sign_headers_sign_the_same_string_and_the_sandbox_accepts_them() {
    bounded(async {
        let real = &real_sign_headers();
        let mut names: Vec<&str> = real.split(',').map(str::trim).collect();
        assert!(names.len() > 1, "{real}");
        names.reverse();
        let reversed = names.join(",");

        // The string to sign does not depend on the order of the list.
        let canonical = |list: &str| {
            let headers: Vec<(&str, &str)> = list
                .split(',')
                .map(|name| (name, if name == X_API_NONCE { "12345" } else { "678" }))
                .collect();
            CanonicalRequest {
                method: retail_apis::runtime::HttpMethod::Post,
                path: "/p",
                query: &[],
                headers,
            }
            .to_string()
        };
        assert_eq!(canonical(&reversed), canonical(real));

        // Both sides read the reversed list; the token request and the call pass the
        // sandbox's signature check.
        let sandbox = start(&reversed).await;
        let client = JdyClient::new(service_with(&reversed), jdy_config(&sandbox.base_url()))
            .expect("the reversed list names headers the client sends");
        let answer = recharge_through(&client).await;
        assert!(answer.is_ok(), "{answer:?}");
        assert_eq!(client.token_fetches(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_longer_list_is_signed_and_verified_by_both_sides() {
    bounded(async {
        let longer = format!("{},{X_API_CLIENT_ID}", real_sign_headers());
        let sandbox = start(&longer).await;
        let client = JdyClient::new(service_with(&longer), jdy_config(&sandbox.base_url()))
            .expect("X-Api-ClientID is a header the client sends");
        let answer = recharge_through(&client).await;
        assert!(answer.is_ok(), "{answer:?}");

        // The sandbox verifies by the list: a request announcing the longer list but
        // signed over the nonce and timestamp only is refused as a bad signature, and
        // the same request signed over every listed header passes.
        let base = sandbox.base_url();
        let short = [X_API_TIMESTAMP, X_API_NONCE];
        let (status, body) = token_request(&base, &longer, "7000000001", &short, &[]).await;
        assert_eq!(
            (status, &body["errcode"]),
            (519, &Value::from(4008)),
            "{body}"
        );
        let full = [X_API_TIMESTAMP, X_API_NONCE, X_API_CLIENT_ID];
        let (status, body) = token_request(&base, &longer, "7000000002", &full, &[]).await;
        assert_eq!((status, &body["errcode"]), (200, &Value::from(0)), "{body}");
    })
    .await;
}

#[tokio::test]
async fn a_listed_header_missing_from_the_request_is_refused() {
    bounded(async {
        let list = format!("{},{CONTENT_TYPE}", real_sign_headers());
        let sandbox = start(&list).await;
        let base = sandbox.base_url();
        let signed = [X_API_TIMESTAMP, X_API_NONCE, CONTENT_TYPE];
        // Without the header the list names, nothing can be verified (4007).
        let (status, body) = token_request(&base, &list, "7000000003", &signed[..2], &[]).await;
        assert_eq!(
            (status, &body["errcode"]),
            (519, &Value::from(4007)),
            "{body}"
        );
        let text = body["description"].as_str().unwrap_or_default();
        assert!(text.contains(CONTENT_TYPE), "{body}");
        // With it, and signed over it, the request passes.
        let with_type = [(CONTENT_TYPE, JSON)];
        let (status, body) = token_request(&base, &list, "7000000004", &signed, &with_type).await;
        assert_eq!((status, &body["errcode"]), (200, &Value::from(0)), "{body}");
    })
    .await;
}

/// Sends the token request to `base`, announcing `announced` as `X-Api-SignHeaders` and
/// signed over the `signed` headers with the values it sends: the usual gateway headers
/// plus `extra`.
async fn token_request(
    base: &str,
    announced: &str,
    nonce: &str,
    signed: &[&str],
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let scheme = real_scheme();
    let app_signature = signing::app_signature(creds::APP_KEY, creds::APP_SECRET);
    let query = [
        ("app_key", creds::APP_KEY),
        ("app_signature", app_signature.as_str()),
    ];
    let timestamp = now_ms();
    let mut sent: Vec<(&str, &str)> = vec![
        (X_API_CLIENT_ID, creds::CLIENT_ID),
        (X_API_AUTH_VERSION, &scheme.auth_version),
        (X_API_TIMESTAMP, &timestamp),
        (X_API_NONCE, nonce),
        (X_API_SIGN_HEADERS, announced),
        (X_GW_ROUTER_ADDR, creds::DOMAIN),
    ];
    sent.extend_from_slice(extra);
    let value_of = |name: &str| {
        sent.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
            .expect("a signed header is sent")
    };
    let signature = signing::gateway_signature(
        &CanonicalRequest {
            method: scheme.token.method,
            path: &scheme.token.path,
            query: &query,
            headers: signed.iter().map(|name| (*name, value_of(name))).collect(),
        },
        creds::CLIENT_SECRET,
    );
    let mut request = common::http()
        .get(format!("{base}{}", scheme.token.path))
        .query(&query)
        .header(X_API_SIGNATURE, signature);
    for (name, value) in &sent {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("loopback");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON answer"))
}

#[test]
fn a_header_the_client_cannot_send_is_a_configuration_error() {
    for name in ["app-token", X_API_SIGNATURE, "X-Unknown"] {
        let list = format!("{},{name}", real_sign_headers());
        let error = JdyClient::new(service_with(&list), jdy_config("http://127.0.0.1:9"))
            .map(|_| ())
            .expect_err("an unsignable header is refused");
        assert!(matches!(error, Error::Config { .. }), "{error:?}");
        assert!(error.to_string().contains(&format!("`{name}`")), "{error}");
    }
}

/// The current `X-Api-TimeStamp`, as the client makes it.
fn now_ms() -> String {
    retail_apis::runtime::jdy::signing::fresh_nonce_and_timestamp().1
}
