//! The real `spec/` tree loads cleanly and says what the vendor pages say.

use std::path::PathBuf;

use retail_apis_codegen::model::{
    AuthScheme, Code, EnumRepr, ErrorAction, Field, HttpMethod, Processed, Service, SpecSet,
    TypeExpr, TypeKind,
};

fn spec_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

fn load() -> SpecSet {
    match retail_apis_codegen::load(&spec_root()) {
        Ok(set) => set,
        Err(d) => panic!("spec/ has problems:\n{d}"),
    }
}

fn field<'a>(service: &'a Service, ty: &str, wire: &str) -> &'a Field {
    let t = service
        .named_type(ty)
        .unwrap_or_else(|| panic!("type {ty} missing"));
    let TypeKind::Struct(s) = &t.kind else {
        panic!("{ty} is not a struct")
    };
    s.fields
        .iter()
        .find(|f| f.wire_name == wire)
        .unwrap_or_else(|| panic!("{ty}.{wire} missing"))
}

#[test]
fn services_and_endpoints() {
    let set = load();
    let names: Vec<_> = set.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["jdy", "shoubei"]);
    let jdy = set.service("jdy").unwrap();
    // The transcribed seed pages are there; endpoints added later may sit beside them.
    let ops: Vec<_> = jdy.endpoints.iter().map(|e| e.operation.as_str()).collect();
    for op in ["mall_pre_write_off_cancel", "mall_recharge", "refund_save"] {
        assert!(ops.contains(&op), "jdy lacks {op}");
        assert!(
            jdy.files.contains(&format!("jdy/endpoints/{op}.yaml")),
            "jdy.files lacks {op}.yaml"
        );
    }
    assert_eq!(jdy.base_url, "https://api.kingdee.com");
    assert!(jdy.files.iter().any(|f| f == "jdy/service.yaml"));
    assert!(jdy.files.is_sorted(), "files are listed in path order");
    let recharge = jdy.endpoint("mall_recharge").unwrap();
    assert_eq!(recharge.method, HttpMethod::Post);
    assert_eq!(recharge.path, "/jdy/v2/ls/mall_recharge");
    assert_eq!(recharge.request, "MallRechargeRequest");
    assert_eq!(
        recharge.response,
        TypeExpr::Named("MallRechargeResponse".into())
    );
    assert_eq!(recharge.idempotency_key.as_deref(), Some("src_bill_id"));
    assert_eq!(
        recharge.source_page.as_deref(),
        Some("001_381c52f1f9cdd22d.txt")
    );
    let refund = jdy.endpoint("refund_save").unwrap();
    assert_eq!(refund.path, "/jdy/v2/ls/refundSave");
    assert_eq!(refund.idempotency_key.as_deref(), Some("refund_no"));
    let cancel = jdy.endpoint("mall_pre_write_off_cancel").unwrap();
    assert_eq!(cancel.response, TypeExpr::Json);
    assert_eq!(cancel.idempotency_key.as_deref(), Some("src_bill_id"));
    // Only page 000 says repeats are ignored (for its own src_bill_id); the refund and
    // recharge keys are documentation, so their calls are never repeated blindly.
    let evidence = cancel
        .idempotency_evidence
        .as_ref()
        .expect("page 000 evidence");
    assert_eq!(Some(evidence.page.as_str()), cancel.source_page.as_deref());
    assert!(
        evidence.quote.contains("否则会当成已经处理，直接返回"),
        "{}",
        evidence.quote
    );
    assert_eq!(recharge.idempotency_evidence, None);
    assert_eq!(refund.idempotency_evidence, None);

    let shoubei = set.service("shoubei").unwrap();
    let wf = shoubei.endpoint("coupon_write_off").unwrap();
    assert_eq!(wf.path, "/openpay/coupon/wf");
    assert_eq!(wf.idempotency_key, None);
    assert_eq!(wf.examples.len(), 1);
}

#[test]
fn every_example_is_valid_json() {
    let set = load();
    // The seed pages all show an example; `examples` is optional for endpoints added later.
    let seed = [
        "mall_pre_write_off_cancel",
        "mall_recharge",
        "refund_save",
        "coupon_write_off",
    ];
    for s in &set.services {
        for e in &s.endpoints {
            if seed.contains(&e.operation.as_str()) {
                assert!(!e.examples.is_empty(), "{} has no example", e.operation);
            }
            for ex in &e.examples {
                for text in [&ex.request, &ex.response].into_iter().flatten() {
                    let v: serde_json::Value = serde_json::from_str(text).unwrap();
                    assert!(v.is_object());
                }
            }
        }
    }
    let shoubei = set.service("shoubei").unwrap();
    let ex = &shoubei.endpoint("coupon_write_off").unwrap().examples[0];
    let resp: serde_json::Value = serde_json::from_str(ex.response.as_deref().unwrap()).unwrap();
    assert_eq!(resp["return_code"], "0205");
    assert_eq!(resp["codes"], "679533922928");
}

#[test]
fn fields_types_and_flags() {
    let set = load();
    let jdy = set.service("jdy").unwrap();
    let req = field(jdy, "MallRechargeRequest", "bal_amount");
    assert!(req.required);
    assert_eq!(req.ty, TypeExpr::Amount { max_len: None });
    assert_eq!(req.description.as_deref(), Some("充值金额"));
    let entries = field(jdy, "MallRechargeRequest", "settle_entries");
    assert!(!entries.required);
    assert_eq!(
        entries.ty,
        TypeExpr::List(Box::new(TypeExpr::Named("SettleEntries".into())))
    );
    // JDY response tables have no required column.
    let TypeKind::Struct(resp) = &jdy.named_type("RefundSaveResponse").unwrap().kind else {
        panic!()
    };
    assert_eq!(resp.fields.len(), 11);
    assert!(resp.fields.iter().all(|f| !f.required));

    let chan = field(jdy, "RefundSaveRequest", "channel_order_no");
    assert!(chan.required && chan.nullable && !chan.quirks.is_empty());
    assert!(field(jdy, "RefundSaveRequest", "service_group_name").nullable);
    assert!(!field(jdy, "RefundSaveRequest", "cmd").nullable);

    let shoubei = set.service("shoubei").unwrap();
    let code = field(shoubei, "CouponWriteOffRequest", "coupon_code");
    assert_eq!(code.aliases, ["couponCode"]);
    assert_eq!(code.ty, TypeExpr::String { max_len: Some(16) });
    let typo = field(shoubei, "CouponWriteOffRequest", "writeOff_tyep");
    assert_eq!(typo.name, "write_off_type");
    assert!(!typo.required);
    assert!(typo.quirks[0].contains("002_a53efbcfc7cd4844.txt"));
    let sign = field(shoubei, "CouponWriteOffRequest", "sign");
    assert!(sign.computed && sign.required);
    assert!(!field(shoubei, "CouponWriteOffResponse", "sign").computed);
    assert_eq!(
        field(shoubei, "CouponWriteOffResponse", "settle_amount").aliases,
        ["settleAmount"]
    );
    let order = field(shoubei, "CouponWriteOffResponse", "order_no");
    assert!(order.required && order.nullable);
}

#[test]
fn enums() {
    let set = load();
    let jdy = set.service("jdy").unwrap();
    let TypeKind::Enum(pay) = &jdy.named_type("PayType").unwrap().kind else {
        panic!()
    };
    assert_eq!(pay.repr, EnumRepr::String { max_len: None });
    let values: Vec<_> = pay
        .variants
        .iter()
        .map(|v| (v.value.as_str(), v.name.as_str()))
        .collect();
    assert_eq!(
        values,
        [("1", "Wechat"), ("2", "Alipay"), ("90", "MemberCard")]
    );
    let TypeKind::Enum(source) = &jdy.named_type("RechargeSource").unwrap().kind else {
        panic!()
    };
    assert_eq!(source.repr, EnumRepr::Integer);
    assert_eq!(source.variants[0].value, "9");

    let shoubei = set.service("shoubei").unwrap();
    let TypeKind::Enum(chan) = &shoubei.named_type("ChannelType").unwrap().kind else {
        panic!()
    };
    assert_eq!(chan.repr, EnumRepr::String { max_len: Some(5) });
    assert_eq!(chan.variants.len(), 10);
    assert_eq!(chan.variants.last().unwrap().value, "10013");
    let rc = shoubei.named_type("ReturnCode").unwrap();
    assert!(rc.quirks.iter().any(|q| q.contains("0205")));
    assert!(rc.in_response && !rc.in_request);
}

#[test]
fn auth_envelopes_and_errors() {
    let set = load();
    let jdy = set.service("jdy").unwrap();
    let AuthScheme::KingdeeGateway(gw) = &jdy.auth else {
        panic!("jdy auth")
    };
    assert_eq!(gw.auth_version, "2.0");
    assert_eq!(gw.sign_headers, "X-Api-TimeStamp,X-Api-Nonce");
    assert_eq!(gw.timestamp_window_ms, 300_000);
    assert_eq!(gw.token.method, HttpMethod::Get);
    assert_eq!(
        gw.token.path,
        "/jdyconnector/app_management/kingdee_auth_token"
    );
    assert_eq!(gw.token.token_field, "app-token");
    assert_eq!(gw.token.ttl_secs, 86_400);
    assert_eq!(gw.gateway_status, 519);
    assert_eq!(gw.gateway_message_cn_field, "descriptionCn");
    assert_eq!(jdy.envelope.success_code, Code::Int(0));
    assert_eq!(jdy.envelope.data_field.as_deref(), Some("data"));
    assert_eq!(jdy.headers.len(), 9);

    let err = |code: &str| jdy.errors.iter().find(|e| e.code == code).unwrap();
    assert_eq!(err("1000202001").action, ErrorAction::RefreshToken);
    assert_eq!(err("1030002006").action, ErrorAction::Reauthorize);
    assert_eq!(err("4011").action, ErrorAction::RefreshToken);
    assert_eq!(err("4010").action, ErrorAction::RefreshToken);
    assert_eq!(err("4008").http_status, Some(519));
    assert_eq!(err("2000002000").http_status, None);
    let retryable: Vec<_> = jdy
        .errors
        .iter()
        .filter(|e| e.retryable)
        .map(|e| e.code.as_ref())
        .collect();
    assert_eq!(retryable, ["5000", "5003", "5004", "5006", "5007"]);
    // Gateway codes answered before forwarding never leave a request processed; timeouts
    // and internal errors may.
    let never: Vec<_> = jdy
        .errors
        .iter()
        .filter(|e| e.http_status == Some(519) && e.processed == Processed::Never)
        .map(|e| e.code.as_ref())
        .collect();
    assert_eq!(
        never,
        ["4006", "4007", "4008", "4009", "4010", "4011", "4012", "5001", "5002", "5006", "5007"]
    );
    assert_eq!(err("2000002000").processed, Processed::Maybe);
    assert_eq!(err("1000202001").processed, Processed::Never);
    assert!(jdy.errors.iter().any(|e| e.name == "invalid_parameter"));

    let shoubei = set.service("shoubei").unwrap();
    let AuthScheme::Md5BodySign(md5) = &shoubei.auth else {
        panic!("shoubei auth")
    };
    assert_eq!(md5.field, "sign");
    assert!(md5.skip_null && !md5.skip_empty && !md5.uppercase && md5.verify_response);
    assert_eq!(
        (md5.pair_separator.as_ref(), md5.kv_separator.as_ref()),
        ("&", "=")
    );
    assert_eq!(md5.secret_suffix, "&key={key}");
    assert_eq!(shoubei.envelope.success_code, Code::Str("SUCCESS".into()));
    assert_eq!(shoubei.envelope.data_field, None);
    assert_eq!(
        shoubei.envelope.result.as_ref().unwrap().field,
        "result_code"
    );
    let codes: Vec<_> = shoubei.errors.iter().map(|e| e.code.as_ref()).collect();
    assert!(codes.contains(&"0205") && codes.contains(&"0203"));
    assert!(shoubei.errors.iter().any(|e| e.name == "invalid_parameter"));
}

#[test]
fn resolution_reachability_order_and_quirks() {
    let set = load();
    let jdy = set.service("jdy").unwrap();
    let names: Vec<_> = jdy.types.iter().map(|t| t.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let coupon = jdy.named_type("Coupon").unwrap();
    assert!(coupon.in_request && !coupon.in_response);
    let resp = jdy.named_type("MallRechargeResponse").unwrap();
    assert!(resp.in_response && !resp.in_request);
    // Field order follows the page.
    let TypeKind::Struct(req) = &jdy.named_type("MallRechargeRequest").unwrap().kind else {
        panic!()
    };
    assert_eq!(req.fields[0].wire_name, "bal_amount");
    assert_eq!(req.fields.last().unwrap().wire_name, "store_id");

    let cancel = jdy.endpoint("mall_pre_write_off_cancel").unwrap();
    assert!(cancel
        .quirks
        .iter()
        .any(|q| q.contains("000_02ae261432214172.txt") && q.contains("empty name")));
    assert!(jdy.quirks.iter().any(|q| q.contains("--data-row")));
    let shoubei = set.service("shoubei").unwrap();
    assert!(shoubei.quirks.iter().any(|q| q.contains("&amp;quot;")));
    // Every recorded quirk names the page it comes from.
    for s in &set.services {
        let mut all: Vec<&String> = s.quirks.iter().collect();
        for t in &s.types {
            all.extend(&t.quirks);
            if let TypeKind::Struct(st) = &t.kind {
                for f in &st.fields {
                    all.extend(&f.quirks);
                }
            }
        }
        for e in &s.endpoints {
            all.extend(&e.quirks);
        }
        for q in all {
            assert!(q.contains(".txt"), "quirk without a page: {q}");
        }
    }
}

#[test]
fn readme_example_endpoint_loads() {
    let readme = std::fs::read_to_string(spec_root().join("README.md")).unwrap();
    let section = readme
        .split("## Example: a new JDY endpoint")
        .nth(1)
        .expect("README example section");
    let yaml = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("README example block");
    // The example stands in for the spec's own `member_query.yaml` if the spec has one.
    const EXAMPLE: &str = "jdy/endpoints/member_query.yaml";
    let mut files = retail_apis_codegen::read_sources(&spec_root()).unwrap();
    files.retain(|f| f.path != EXAMPLE);
    let without = retail_apis_codegen::load_sources(&files).unwrap_or_else(|d| panic!("{d}"));
    files.push(retail_apis_codegen::SourceFile {
        path: EXAMPLE.into(),
        text: yaml.to_string(),
    });
    let set = retail_apis_codegen::load_sources(&files).unwrap_or_else(|d| panic!("{d}"));
    let jdy = set.service("jdy").unwrap();
    let before = without.service("jdy").unwrap().endpoints.len();
    assert_eq!(jdy.endpoints.len(), before + 1);
    assert!(jdy.endpoint("member_query").is_some());
    assert!(jdy.named_type("MemberCard").unwrap().in_response);
}
