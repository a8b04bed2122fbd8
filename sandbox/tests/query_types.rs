//! GET parameters arrive as query text; the sandbox checks each one against its field's
//! type, reading the text as the runtime writes it (strings, amounts and string enums as
//! they are, every other value as JSON text), so a query the client builds from a typed
//! request passes and a mistyped one is refused with the parameter named.

mod common;

use common::*;
use retail_apis_runtime::{HttpMethod, Request};
use retail_apis_sandbox::SandboxConfig;
use serde_json::{json, Value};

/// A GET endpoint with one parameter of each kind of type; `{n}` keeps its names apart
/// from the spec's.
const FIXTURE: &str = r#"
operation: typed_query_probe{n}
summary: 查询参数类型
method: GET
path: /jdy/v2/ls/typed_query_probe{n}
request:
  fields:
    page: {type: integer, required: true}
    min_amount: {type: amount(8)}
    active: {type: boolean}
    store: {type: string(4)}
    ids: {type: list<integer>}
    limits: {type: "map<string, integer>"}
    kind: {type: QueryKindProbe{n}}
response:
  fields:
    total: {type: integer}
types:
  QueryKindProbe{n}:
    enum:
      repr: string
      values:
        - {value: "a", name: First}
"#;

struct Probe {
    sandbox: retail_apis_sandbox::SandboxHandle,
    jdy: Jdy,
    token: String,
    path: String,
}

async fn probe() -> Probe {
    let n = fresh_suffix();
    let fixture = FIXTURE.replace("{n}", &n);
    let file = format!("jdy/endpoints/typed_query_probe{n}.yaml");
    let sandbox = start_with(specs_with(&[(&file, &fixture)]), SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;
    Probe {
        sandbox,
        jdy,
        token,
        path: format!("/jdy/v2/ls/typed_query_probe{n}"),
    }
}

impl Probe {
    /// Sends `query`; the envelope's errcode and description.
    async fn get(&self, query: &[(&str, &str)]) -> (Value, String) {
        let headers = GatewayHeaders::new(Some(&self.token));
        let (status, body) = self
            .jdy
            .send(HttpMethod::Get, &self.path, query, &headers, None)
            .await;
        assert_eq!(status, 200, "{body}");
        let description = body["description"].as_str().unwrap_or_default().to_owned();
        (body["errcode"].clone(), description)
    }
}

#[tokio::test]
async fn the_query_the_runtime_writes_for_a_typed_request_passes() {
    let probe = probe().await;
    let request = json!({
        "page": 2,
        "min_amount": "10.50",
        "active": true,
        "store": "S001",
        "ids": [1, 2],
        "limits": {"daily": 3},
        "kind": "a",
        "absent": null,
    });
    let pairs = Request::query_of(&request).expect("an object");
    let query: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (errcode, description) = probe.get(&query).await;
    assert_eq!(errcode, 0, "{description}");
    drop(probe.sandbox);
}

#[tokio::test]
async fn a_mistyped_parameter_is_refused_with_its_name_and_type() {
    let probe = probe().await;
    // (query, the parameter the refusal names, what it says about it)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case] = &[
        (&[], "page", "is required"),
        (&[("page", "two")], "page", "an integer"),
        (&[("page", "1.5")], "page", "an integer"),
        (
            &[("page", "1"), ("min_amount", "abc")],
            "min_amount",
            "digits",
        ),
        (
            &[("page", "1"), ("min_amount", "123456.78")],
            "min_amount",
            "at most 8",
        ),
        (
            &[("page", "1"), ("active", "yes")],
            "active",
            "`true` or `false`",
        ),
        (&[("page", "1"), ("store", "S0001")], "store", "at most 4"),
        (
            &[("page", "1"), ("ids", "[1,\"x\"]")],
            "ids[1]",
            "an integer",
        ),
        (
            &[("page", "1"), ("limits", "{\"d\":\"x\"}")],
            "limits.d",
            "an integer",
        ),
        (&[("page", "1"), ("limits", "[]")], "limits", "an object"),
    ];
    for (query, parameter, problem) in cases {
        let (errcode, description) = probe.get(query).await;
        assert_ne!(errcode, 0, "{query:?} was accepted");
        assert!(
            description.contains(parameter) && description.contains(problem),
            "{query:?}: {description}"
        );
    }
    // Text that is a number stays a string for string parameters and enums.
    let (errcode, description) = probe
        .get(&[("page", "1"), ("store", "12"), ("kind", "7")])
        .await;
    assert_eq!(errcode, 0, "{description}");
}
