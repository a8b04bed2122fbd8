//! The third auth scheme (`static_bearer`) end to end: the golden fixture's `bearer`
//! service, served by the sandbox and called through the runtime's one client skeleton
//! over loopback HTTP. Adding the scheme took a runtime module, a sandbox server and a
//! spec; nothing here or in the emitter names the scheme except through its spec.

mod common;

use common::{bearer_service, bounded, fast_transport, fixture_specs};
use retail_apis::runtime::bearer::{BearerClient, BearerConfig};
use retail_apis::runtime::client::{ExplainError, Explained, Reproduce};
use retail_apis::runtime::schemes::AnyClient;
use retail_apis::runtime::{AuthScheme, BearerScheme, EndpointDescriptor, Error, HttpMethod};
use retail_apis_sandbox::{config as creds, Sandbox, SandboxConfig, SandboxHandle};
use serde::Deserialize;
use serde_json::{json, Value};

fn endpoint(operation: &str) -> &'static EndpointDescriptor {
    bearer_service()
        .endpoint(operation)
        .unwrap_or_else(|| panic!("the fixture has no {operation}"))
}

async fn start() -> SandboxHandle {
    Sandbox::new(fixture_specs(), SandboxConfig::default())
        .start(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("the sandbox binds a free loopback port")
}

fn client(base_url: &str, token: &str) -> BearerClient {
    BearerClient::new(
        bearer_service(),
        BearerConfig::new(token)
            .base_url(base_url)
            .transport(fast_transport()),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[derive(Debug, Deserialize)]
struct Stock {
    sku: String,
    quantity: i64,
}

#[tokio::test]
async fn a_bearer_service_is_served_and_called() {
    bounded(async {
        let sandbox = start().await;
        let client = client(&sandbox.base_url(), creds::BEARER_TOKEN);

        let stock: Stock = client
            .call(endpoint("stock_query"), &json!({"sku": "A1"}))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!stock.sku.is_empty());
        let _ = stock.quantity;
        let adjusted = client
            .call_value(endpoint("stock_adjust"), json!({"sku": "A1", "delta": 3}))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            adjusted.get("quantity").is_some_and(Value::is_i64),
            "{adjusted}"
        );
        assert_eq!(sandbox.request_count("bearer.stock_query"), 1);
        assert_eq!(sandbox.request_count("bearer.stock_adjust"), 1);

        // The sandbox checks the body against the spec, as for every scheme.
        let invalid = client
            .call_value(endpoint("stock_adjust"), json!({"sku": "A1"}))
            .await;
        match invalid {
            Err(Error::Business { code, known, .. }) => {
                assert_eq!(code, "1001");
                assert_eq!(known.map(|k| k.name.as_ref()), Some("invalid_parameter"));
            }
            other => panic!("expected invalid_parameter, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn a_wrong_token_is_refused_and_never_printed() {
    bounded(async {
        let sandbox = start().await;
        let wrong = "not-the-sandbox-token";
        let client = client(&sandbox.base_url(), wrong);
        let refused = client
            .call_value(endpoint("stock_query"), json!({"sku": "A1"}))
            .await;
        match &refused {
            Err(Error::HttpStatus { status, .. }) => assert_eq!(*status, 401),
            other => panic!("expected HTTP 401, got {other:?}"),
        }
        let shown = format!("{refused:?} {client:?}");
        assert!(!shown.contains(wrong), "the token appears in {shown}");
    })
    .await;
}

/// `retail-apis sign --explain` goes through `AnyClient::explain`: the bearer scheme
/// explains itself (the header with its token masked, nothing signed), and the request as
/// shown, with the real token in place of the mask, is what the sandbox accepts.
#[tokio::test]
async fn a_bearer_explanation_masks_the_token_and_shows_what_is_sent() {
    bounded(async {
        let sandbox = start().await;
        let AuthScheme::StaticBearer(scheme) = &bearer_service().auth else {
            panic!("the fixture's bearer service uses static_bearer");
        };
        let token = creds::BEARER_TOKEN;
        let client = AnyClient::StaticBearer(client(&sandbox.base_url(), token));
        let masked = format!("{}<secret: {} bytes>", scheme.prefix, token.len());
        for (operation, value) in [
            ("stock_query", json!({"sku": "A1"})),
            ("stock_adjust", json!({"sku": "A1", "delta": 3})),
        ] {
            let endpoint = endpoint(operation);
            let explained = client
                .explain(endpoint, value, Reproduce::default())
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(explained.explanation().signed, None);
            let headers = explained.headers();
            let shown: Vec<&str> = headers
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case(&scheme.header))
                .map(|(_, value)| value.as_str())
                .collect();
            assert_eq!(shown, [masked.as_str()], "{headers:?}");
            let printed = format!("{headers:?} {explained:?}");
            assert!(!printed.contains(token), "the token appears in {printed}");

            let answer = send_as_shown(&explained, endpoint, scheme, token).await;
            assert_eq!(answer["code"], 0, "{answer}");
            assert_eq!(sandbox.request_count(&format!("bearer.{operation}")), 1);
        }

        // A bearer request has no nonce or timestamp to reproduce.
        let refused = client.explain(
            endpoint("stock_query"),
            json!({"sku": "A1"}),
            Reproduce {
                nonce: Some(String::from("1655775240000")),
                timestamp: None,
            },
        );
        assert!(
            matches!(refused, Err(ExplainError::NotSigned { value: "nonce", .. })),
            "{refused:?}"
        );
    })
    .await;
}

/// Sends the explained request as shown: its method, URL, headers and body, with the
/// real token in the credential header.
async fn send_as_shown(
    explained: &Explained,
    endpoint: &EndpointDescriptor,
    scheme: &BearerScheme,
    token: &str,
) -> Value {
    let http = common::http();
    let mut request = match endpoint.method {
        HttpMethod::Get => http.get(explained.url()),
        HttpMethod::Post => http.post(explained.url()),
    };
    for (name, value) in explained.headers() {
        if !name.eq_ignore_ascii_case(&scheme.header) {
            request = request.header(name, value);
        }
    }
    request = request.header(scheme.header.as_ref(), format!("{}{token}", scheme.prefix));
    if let Some(body) = explained.request().body() {
        request = request.body(body.to_vec());
    }
    let response = request.send().await.expect("loopback");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("a JSON answer")
}
