//! Endpoints without built-in logic are served from the spec alone.

mod common;

use common::*;
use retail_apis_sandbox::config::SHOUBEI_KEY;
use retail_apis_sandbox::SandboxConfig;
use serde_json::json;

// `{n}` is replaced by [`fresh_suffix`], so the fixtures' operations, paths and types are
// ones the spec does not use: a user's own `member_query` keeps this test green.
const MEMBER_QUERY: &str = r#"
operation: member_query_probe{n}
summary: 会员查询
method: POST
path: /jdy/v2/ls/member_query_probe{n}
request:
  fields:
    member_id: {type: string(10), required: true, doc: 会员ID}
response:
  fields:
    name: {type: string, doc: 会员名称}
    cards: {type: list<MemberCardProbe{n}>, doc: 会员卡}
types:
  MemberCardProbe{n}:
    fields:
      card_no: {type: string, doc: 会员卡编号}
examples:
  - request: |
      {"member_id": "10"}
    response: |
      {"data": {"name": "张三", "cards": []}, "description": "success", "errcode": 0}
"#;

const MEMBER_LEVEL: &str = r#"
operation: member_level_probe{n}
summary: 会员等级
method: POST
path: /jdy/v2/ls/member_level_probe{n}
request:
  fields:
    member_id: {type: string, required: true}
response:
  fields:
    level: {type: integer, example: "3"}
    label: {type: string(4), example: "GOLDEN"}
    tags: {type: list<string>}
    vip: {type: boolean}
    kind: {type: LevelKindProbe{n}}
types:
  LevelKindProbe{n}:
    enum:
      repr: integer
      values:
        - {value: "7", name: Seven}
"#;

const SHOUBEI_QUERY: &str = r#"
operation: coupon_query_probe{n}
summary: 券查询
method: POST
path: /openpay/coupon/query_probe{n}
request:
  fields:
    inst_no: {type: string(8), required: true}
    coupon_code: {type: string(16), required: true}
    sign: {type: string(32), required: true}
response:
  fields:
    return_code: {type: string, required: true}
    return_msg: {type: string}
    result_code: {type: string}
    coupon_status: {type: string, example: VALID}
    sign: {type: string(32)}
"#;

#[tokio::test]
async fn a_new_endpoint_file_is_served_without_code() {
    let n = fresh_suffix();
    let fixture = |text: &str| text.replace("{n}", &n);
    let specs = specs_with(&[
        (
            &format!("jdy/endpoints/member_query_probe{n}.yaml"),
            &fixture(MEMBER_QUERY),
        ),
        (
            &format!("jdy/endpoints/member_level_probe{n}.yaml"),
            &fixture(MEMBER_LEVEL),
        ),
        (
            &format!("shoubei/endpoints/coupon_query_probe{n}.yaml"),
            &fixture(SHOUBEI_QUERY),
        ),
    ]);
    let member_query = format!("/jdy/v2/ls/member_query_probe{n}");
    let member_level = format!("/jdy/v2/ls/member_level_probe{n}");
    let sandbox = start_with(specs, SandboxConfig::default()).await;
    let jdy = Jdy::new(&sandbox);
    let token = jdy.token().await;

    // From the example response.
    let (status, body) = jdy
        .post(&member_query, &token, &json!({"member_id": "10"}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"errcode": 0, "description": "success", "data": {"name": "张三", "cards": []}})
    );

    // Still validated and still gateway-checked.
    let (_, body) = jdy
        .post(&member_query, &token, &json!({"member_id": "01234567890"}))
        .await;
    assert_eq!(body["errcode"], 1_000_000_400_i64, "{body}");
    let (status, _) = jdy
        .post(&member_query, "made-up", &json!({"member_id": "10"}))
        .await;
    assert_eq!(status, 519);

    // Synthesised from the response type.
    let (_, body) = jdy
        .post(&member_level, &token, &json!({"member_id": "10"}))
        .await;
    assert_eq!(body["errcode"], 0, "{body}");
    assert_eq!(
        body["data"],
        json!({"level": 3, "label": "GOLD", "tags": ["sandbox"], "vip": false, "kind": 7})
    );
    assert_eq!(
        sandbox.request_count(&format!("jdy.member_level_probe{n}")),
        1
    );

    // A flat, signed Shoubei answer.
    let request = shoubei_signed(
        json!({"inst_no": retail_apis_sandbox::config::SHOUBEI_INST_NO, "coupon_code": "1"}),
        SHOUBEI_KEY,
    );
    let (_, body) = post_json(
        &sandbox.base_url(),
        &format!("/openpay/coupon/query_probe{n}"),
        &request,
    )
    .await;
    assert_eq!(body["return_code"], "SUCCESS", "{body}");
    assert_eq!(body["result_code"], "SUCCESS", "{body}");
    assert_eq!(body["coupon_status"], "VALID", "{body}");
    assert!(shoubei_verifies(&body, SHOUBEI_KEY), "{body}");
}
