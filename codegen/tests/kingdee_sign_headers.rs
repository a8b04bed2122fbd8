//! `auth.sign_headers` of a `kingdee_gateway` service names the headers the gateway
//! signature covers: each a header the client sends on every request (any case), each
//! once, no empty entries. Anything else is refused at the value, naming the headers that
//! can be signed, instead of generating a client that refuses to start (or a spec the
//! gateway rejects with code 4007).
//!
//! The service file is the real JDY one.

mod common;

use common::{file_mut, real_spec};
use retail_apis_codegen::{load_sources, DiagnosticKind, SourceFile};

const SERVICE: &str = "jdy/service.yaml";
const LINE: &str = "  sign_headers: X-Api-TimeStamp,X-Api-Nonce\n";

/// The real spec with the JDY `sign_headers` value replaced by `value`, and the 1-based
/// line and column where the value starts.
fn with_sign_headers(value: &str) -> (Vec<SourceFile>, usize, usize) {
    let mut files = real_spec();
    let service = file_mut(&mut files, SERVICE);
    let offset = service.text.find(LINE).expect("sign_headers line");
    let line = service.text[..offset].lines().count() + 1;
    service.text = service
        .text
        .replacen(LINE, &format!("  sign_headers: {value}\n"), 1);
    (files, line, "  sign_headers: ".len() + 1)
}

#[test]
fn headers_the_client_sends_load_in_any_order_and_case() {
    for value in [
        "X-Api-TimeStamp,X-Api-Nonce",
        "X-Api-Nonce,X-Api-TimeStamp",
        "x-api-timestamp,X-API-NONCE",
        "X-Api-TimeStamp, X-Api-Nonce",
        "X-Api-Nonce",
        "X-Api-TimeStamp,X-Api-Nonce,X-Api-ClientID,X-Api-Auth-Version,X-GW-Router-Addr,Content-Type",
    ] {
        let (files, _, _) = with_sign_headers(value);
        let set = load_sources(&files).unwrap_or_else(|d| panic!("{value}: {d}"));
        let jdy = set.service("jdy").expect("jdy");
        let retail_apis_codegen::model::AuthScheme::KingdeeGateway(gw) = &jdy.auth else {
            panic!("jdy is a kingdee_gateway service");
        };
        assert_eq!(gw.sign_headers, value);
    }
}

#[test]
fn other_names_duplicates_and_empty_entries_are_refused_at_the_value() {
    let cases = [
        ("X-Api-TimeStamp,X-Api-Signature", "`X-Api-Signature`"),
        ("X-Api-TimeStamp,app-token", "`app-token`"),
        ("X-Api-TimeStamp,X-Api-SignHeaders", "`X-Api-SignHeaders`"),
        ("X-Api-TimeStamp,X-Unknown", "`X-Unknown`"),
        ("X-Api-Nonce,x-api-nonce", "`x-api-nonce` twice"),
        ("X-Api-TimeStamp,", "empty entry"),
        ("X-Api-TimeStamp,,X-Api-Nonce", "empty entry"),
        ("\"\"", "empty entry"),
    ];
    for (value, needle) in cases {
        let (files, line, column) = with_sign_headers(value);
        let d = load_sources(&files).expect_err(value);
        assert_eq!(d.len(), 1, "{value}: {d}");
        let e = &d.0[0];
        assert_eq!(
            (e.file.as_str(), e.line, e.column, e.kind),
            (SERVICE, line, column, DiagnosticKind::InvalidValue),
            "{value}: {e}"
        );
        assert!(e.message.contains(needle), "{value}: {e}");
        // The hint names every header the signature can cover.
        assert!(
            e.message.contains(
                "X-Api-Nonce, X-Api-TimeStamp, X-Api-ClientID, X-Api-Auth-Version, \
                 X-GW-Router-Addr, Content-Type"
            ),
            "{value}: {e}"
        );
    }
}
