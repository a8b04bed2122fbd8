//! The query a JDY client signs is the query the gateway rebuilds from the wire: the real
//! client puts arbitrary Unicode keys and values on the URL, the real sandbox decodes what
//! arrived and canonicalises it, and the signature check passes only if both built the
//! same string to sign.

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use retail_apis::runtime::jdy::{JdyClient, JdyConfig};
use retail_apis::runtime::{EndpointDescriptor, HttpMethod};
use retail_apis_sandbox::{Sandbox, SandboxConfig, SandboxCredentials, SandboxHandle};
use serde_json::{Map, Value};

/// A GET endpoint with no required parameter, so any query that passes the gateway's
/// signature check reaches it.
const RECORDS_YAML: &str = include_str!("../sandbox/tests/fixtures/recharge_record.yaml");

const RECORDS: EndpointDescriptor = EndpointDescriptor {
    service: retail_apis::jdy::SERVICE.name,
    operation: "recharge_record",
    method: HttpMethod::Get,
    path: "/jdy/v2/ls/recharge_record",
    idempotency_key: None,
    idempotency_evidence: None,
    safe: true,
};

/// Starts a sandbox serving the embedded specs plus the GET endpoint above.
async fn start(config: SandboxConfig) -> SandboxHandle {
    let mut files = retail_apis::SPEC_FILES.to_vec();
    files.push(("jdy/endpoints/recharge_record.yaml", RECORDS_YAML));
    Sandbox::from_files(&files, config)
        .unwrap_or_else(|d| panic!("the specs do not load:\n{d}"))
        .start(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("the sandbox binds a free loopback port")
}

fn client(base_url: &str, config: JdyConfig) -> JdyClient {
    JdyClient::new(
        &retail_apis::jdy::SERVICE,
        JdyConfig {
            base_url: Some(base_url.to_owned()),
            ..config
        },
    )
    .expect("valid JDY configuration")
}

struct Harness {
    rt: tokio::runtime::Runtime,
    _sandbox: SandboxHandle,
    jdy: JdyClient,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
        let sandbox = rt.block_on(start(SandboxConfig::default()));
        let jdy = client(&sandbox.base_url(), common::jdy_config(""));
        Harness {
            rt,
            _sandbox: sandbox,
            jdy,
        }
    })
}

/// Text mixing arbitrary Unicode with the characters on which URL encoders disagree.
fn text(max: usize) -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![
        ' ', '~', '*', '\'', '!', '(', ')', '+', '=', '&', '%', '/', '#', '?', '-', '_', '.', 'a',
        '零', '😀',
    ]);
    prop::collection::vec(prop_oneof![any::<char>(), tricky], 0..max)
        .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn client_and_gateway_sign_the_same_query(
        pairs in prop::collection::btree_map(text(8), text(12), 0..6),
    ) {
        let h = harness();
        let query: Map<String, Value> =
            pairs.into_iter().map(|(k, v)| (k, Value::from(v))).collect();
        let result = h.rt.block_on(h.jdy.call_value(&RECORDS, Value::Object(query.clone())));
        prop_assert!(result.is_ok(), "{query:?}: {result:?}");
    }
}

/// App keys with the characters the old encoding got wrong: the token request (whose
/// query carries the app key) is signed and verified alike, and the key arrives intact.
#[tokio::test]
async fn token_request_with_reserved_characters_in_the_app_key() {
    for app_key in ["a b", "~*'!()", "零售 +=&%/😀~*", "key-1_a.b"] {
        let sandbox = start(SandboxConfig {
            credentials: SandboxCredentials {
                app_key: app_key.to_owned(),
                ..SandboxCredentials::default()
            },
            ..SandboxConfig::default()
        })
        .await;
        let jdy = client(
            &sandbox.base_url(),
            JdyConfig {
                app_key: app_key.to_owned(),
                ..common::jdy_config("")
            },
        );
        let token = common::bounded(jdy.app_token()).await;
        assert!(token.is_ok(), "{app_key}: {token:?}");
        assert_eq!(sandbox.token_fetch_count(), 1, "{app_key}");
    }
}
