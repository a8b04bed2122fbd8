//! The query a JDY client signs is the query the gateway rebuilds from the wire: the real
//! client puts arbitrary Unicode keys and values on the URL, the real sandbox decodes what
//! arrived and canonicalises it, and the signature check passes only if both built the
//! same string to sign.

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use retail_apis::runtime::jdy::{JdyClient, JdyConfig};
use retail_apis::runtime::{EndpointDescriptor, HttpMethod};
use retail_apis_codegen::load_sources;
use retail_apis_codegen::model::HttpMethod as ModelMethod;
use retail_apis_sandbox::{Sandbox, SandboxConfig, SandboxCredentials, SandboxHandle};
use serde_json::{Map, Value};

/// A GET endpoint with no required parameter, so any query that passes the gateway's
/// signature check reaches it.
const RECORDS_YAML: &str = include_str!("../sandbox/tests/fixtures/recharge_record.yaml");

/// The fixture's path.
const RECORDS_PATH: &str = "/jdy/v2/ls/recharge_record";

/// The embedded spec files plus the fixture, and the fixture's descriptor. `{n}` in the
/// fixture becomes a number no spec file mentions as `probe{n}`, so its operation cannot
/// clash with the spec's own; an endpoint the spec declares at GET [`RECORDS_PATH`] is left
/// out in favour of the fixture, whose parameters are all optional.
fn records() -> &'static (Vec<(String, String)>, EndpointDescriptor) {
    static RECORDS: OnceLock<(Vec<(String, String)>, EndpointDescriptor)> = OnceLock::new();
    RECORDS.get_or_init(|| {
        let sources = common::embedded_sources();
        let set = load_sources(&sources).unwrap_or_else(|d| panic!("{d}"));
        let replaced: Vec<&str> = set
            .services
            .iter()
            .flat_map(|s| &s.endpoints)
            .filter(|e| e.method == ModelMethod::Get && e.path == RECORDS_PATH)
            .map(|e| e.origin.file.as_str())
            .collect();
        let text: String = sources.iter().map(|s| s.text.to_lowercase()).collect();
        let n = (1u32..)
            .find(|n| !text.contains(&format!("probe{n}")))
            .expect("some number is unused");
        let operation = format!("recharge_record_probe{n}");
        let mut files: Vec<(String, String)> = sources
            .iter()
            .filter(|s| !replaced.contains(&s.path.as_str()))
            .map(|s| (s.path.clone(), s.text.clone()))
            .collect();
        files.push((
            format!("jdy/endpoints/{operation}.yaml"),
            RECORDS_YAML.replace("{n}", &n.to_string()),
        ));
        let descriptor = EndpointDescriptor {
            service: retail_apis::jdy::SERVICE.name.clone(),
            operation: operation.into(),
            method: HttpMethod::Get,
            path: RECORDS_PATH.into(),
            idempotency_key: None,
            idempotency_evidence: None,
            safe: true,
        };
        (files, descriptor)
    })
}

/// Starts a sandbox serving the embedded specs plus the GET endpoint above.
async fn start(config: SandboxConfig) -> SandboxHandle {
    let files: Vec<(&str, &str)> = records()
        .0
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    Sandbox::from_files(&files, config)
        .unwrap_or_else(|d| panic!("the specs do not load:\n{d}"))
        .start(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("the sandbox binds a free loopback port")
}

fn client(base_url: &str, config: JdyConfig) -> JdyClient {
    JdyClient::new(&retail_apis::jdy::SERVICE, config.base_url(base_url))
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
        let result = h.rt.block_on(h.jdy.call_value(&records().1, Value::Object(query.clone())));
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
        let jdy = client(&sandbox.base_url(), {
            let mut config = common::jdy_config("");
            config.app_key = app_key.to_owned();
            config
        });
        let token = common::bounded(jdy.app_token()).await;
        assert!(token.is_ok(), "{app_key}: {token:?}");
        assert_eq!(sandbox.token_fetch_count(), 1, "{app_key}");
    }
}
