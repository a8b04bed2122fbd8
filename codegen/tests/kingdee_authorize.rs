//! `auth.authorize` of a `kingdee_gateway` service declares `push_app_authorize`: where
//! it is, the query parameter naming the tenant's instance and the response fields of the
//! app key, app secret and domain. The values reach the model as written; a wrong one is
//! refused at its value, with file, line and column.
//!
//! The service file is the real JDY one.

mod common;

use common::{file_mut, real_spec};
use retail_apis_codegen::model::AuthScheme;
use retail_apis_codegen::{load_sources, DiagnosticKind, SourceFile};

const SERVICE: &str = "jdy/service.yaml";

/// The real spec with the `key:` line under `authorize:` given `value`, and the 1-based
/// line and column where the value starts.
fn with_authorize(key: &str, value: &str) -> (Vec<SourceFile>, usize, usize) {
    let mut files = real_spec();
    let service = file_mut(&mut files, SERVICE);
    let block = service
        .text
        .find("\n  authorize:\n")
        .expect("authorize block");
    let prefix = format!("\n    {key}: ");
    let start = block + service.text[block..].find(&prefix).expect("authorize key") + 1;
    let end = start + service.text[start..].find('\n').expect("end of line");
    let line = service.text[..start].lines().count() + 1;
    service
        .text
        .replace_range(start..end, &format!("    {key}: {value}"));
    (files, line, "    ".len() + key.len() + ": ".len() + 1)
}

/// The value of `key:` under `authorize:` as the real spec writes it.
fn written(key: &str) -> String {
    let files = real_spec();
    let text = &files.iter().find(|f| f.path == SERVICE).expect("jdy").text;
    let block = &text[text.find("\n  authorize:\n").expect("authorize block")..];
    let prefix = format!("\n    {key}: ");
    let start = block.find(&prefix).expect("authorize key") + prefix.len();
    block[start..].lines().next().unwrap_or_default().to_owned()
}

#[test]
fn the_authorize_endpoint_reaches_the_model_as_written() {
    let set = load_sources(&real_spec()).unwrap_or_else(|d| panic!("{d}"));
    let jdy = set.service("jdy").expect("jdy");
    let AuthScheme::KingdeeGateway(gw) = &jdy.auth else {
        panic!("jdy is a kingdee_gateway service");
    };
    let authorize = gw.authorize.as_ref().expect("jdy declares auth.authorize");
    assert_eq!(authorize.method.as_str(), written("method"));
    assert_eq!(authorize.path, written("path"));
    assert_eq!(authorize.instance_param, written("instance_param"));
    assert_eq!(authorize.app_key_field, written("app_key_field"));
    assert_eq!(authorize.app_secret_field, written("app_secret_field"));
    assert_eq!(authorize.domain_field, written("domain_field"));
}

#[test]
fn wrong_authorize_values_are_refused_at_the_value() {
    let token_path = {
        let files = real_spec();
        let text = &files.iter().find(|f| f.path == SERVICE).expect("jdy").text;
        let block = &text[text.find("\n  token:\n").expect("token block")..];
        let start = block.find("\n    path: ").expect("token path") + "\n    path: ".len();
        block[start..].lines().next().unwrap_or_default().to_owned()
    };
    let token_method = {
        let files = real_spec();
        let text = &files.iter().find(|f| f.path == SERVICE).expect("jdy").text;
        let block = &text[text.find("\n  token:\n").expect("token block")..];
        let start = block.find("\n    method: ").expect("token method") + "\n    method: ".len();
        block[start..].lines().next().unwrap_or_default().to_owned()
    };
    let cases = [
        (
            "path",
            "no-slash".to_owned(),
            DiagnosticKind::InvalidPath,
            "must start with `/`",
        ),
        (
            "instance_param",
            "\"outer id\"".to_owned(),
            DiagnosticKind::InvalidValue,
            "instance_param",
        ),
        (
            "instance_param",
            "a&b".to_owned(),
            DiagnosticKind::InvalidValue,
            "query parameter name",
        ),
        (
            "app_key_field",
            "\"\"".to_owned(),
            DiagnosticKind::InvalidValue,
            "app_key_field",
        ),
        (
            "domain_field",
            written("app_secret_field"),
            DiagnosticKind::InvalidValue,
            "another credential",
        ),
    ];
    for (key, value, kind, needle) in cases {
        let (files, line, column) = with_authorize(key, &value);
        let d = load_sources(&files).expect_err(&value);
        assert_eq!(d.len(), 1, "{key}: {value}: {d}");
        let e = &d.0[0];
        assert_eq!(
            (e.file.as_str(), e.line, e.column, e.kind),
            (SERVICE, line, column, kind),
            "{key}: {value}: {e}"
        );
        assert!(e.message.contains(needle), "{key}: {value}: {e}");
    }
    // The token endpoint's own route cannot be the authorize one too.
    let (files, _, _) = with_authorize("method", &token_method);
    let (files, line, column) = {
        let mut files = files;
        let service = file_mut(&mut files, SERVICE);
        let block = service
            .text
            .find("\n  authorize:\n")
            .expect("authorize block");
        let start = block + service.text[block..].find("\n    path: ").expect("path") + 1;
        let end = start + service.text[start..].find('\n').expect("end of line");
        let line = service.text[..start].lines().count() + 1;
        service
            .text
            .replace_range(start..end, &format!("    path: {token_path}"));
        (files, line, "    path: ".len() + 1)
    };
    let d = load_sources(&files).expect_err("the token route twice");
    assert_eq!(d.len(), 1, "{d}");
    let e = &d.0[0];
    assert_eq!(
        (e.file.as_str(), e.line, e.column),
        (SERVICE, line, column),
        "{e}"
    );
    assert!(e.message.contains("token endpoint"), "{e}");
}

#[test]
fn a_service_without_authorize_loads_without_one() {
    let mut files = real_spec();
    let service = file_mut(&mut files, SERVICE);
    let start = service
        .text
        .find("\n  authorize:\n")
        .expect("authorize block")
        + 1;
    let end = start
        + service.text[start..]
            .find("\n  gateway_status:")
            .expect("next key")
        + 1;
    service.text.replace_range(start..end, "");
    let set = load_sources(&files).unwrap_or_else(|d| panic!("{d}"));
    let AuthScheme::KingdeeGateway(gw) = &set.service("jdy").expect("jdy").auth else {
        panic!("jdy is a kingdee_gateway service");
    };
    assert!(gw.authorize.is_none());
}
