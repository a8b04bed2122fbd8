//! `retail-apis call` builds its client with `AnyClient::from_env`: the scheme comes from
//! the descriptor, the credentials from the scheme's own variables. Alone in its binary,
//! because it sets process environment variables.

mod common;

use common::{bearer_service, bounded, fixture_specs};
use retail_apis::runtime::schemes::AnyClient;
use retail_apis_sandbox::{config as creds, Sandbox, SandboxConfig};
use serde_json::json;

#[tokio::test]
async fn any_client_picks_the_scheme_from_the_descriptor() {
    bounded(async {
        let sandbox = Sandbox::new(fixture_specs(), SandboxConfig::default())
            .start(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("the sandbox binds a free loopback port");
        std::env::set_var("BEARER_BASE_URL", sandbox.base_url());
        std::env::set_var("BEARER_TOKEN", creds::BEARER_TOKEN);
        let client = AnyClient::from_env(bearer_service()).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(client, AnyClient::StaticBearer(_)), "{client:?}");
        let endpoint = bearer_service()
            .endpoint("stock_query")
            .expect("the fixture has stock_query");
        let answer = client
            .call_value(endpoint, json!({"sku": "B2"}))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(answer.get("quantity").is_some(), "{answer}");
        assert_eq!(sandbox.request_count("bearer.stock_query"), 1);
    })
    .await;
}
