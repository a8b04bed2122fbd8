//! An answer to the token request can hold the app-token even when the client cannot use
//! it: errors about it never quote its body, whatever its status.

mod common;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Router;
use common::*;
use retail_apis_runtime::jdy::JdyClient;
use retail_apis_runtime::Error;
use serde_json::json;

const LEAKED: &str = "tok-never-quoted-4242";

/// A gateway whose token endpoint answers `status` with `body`.
async fn gateway_answering(status: StatusCode, body: String) -> String {
    let app = Router::new().fallback(move || {
        let body = body.clone();
        async move { (status, [("content-type", "application/json")], body).into_response() }
    });
    format!("http://{}", serve(app).await)
}

async fn token_error(status: StatusCode, body: String) -> Error {
    let base = gateway_answering(status, body).await;
    let client = JdyClient::new(&JDY, jdy_config(&base, fast_transport().max_retries(0)))
        .unwrap_or_else(|e| panic!("{e}"));
    match client.call_value(&OK, json!({})).await {
        Ok(value) => panic!("a call succeeded without a token: {value}"),
        Err(error) => error,
    }
}

#[tokio::test]
async fn a_token_answer_with_an_unexpected_status_is_not_quoted() {
    let body = json!({"errcode": 0, "data": {"app-token": LEAKED}}).to_string();
    let error = token_error(StatusCode::BAD_REQUEST, body).await;
    assert!(
        matches!(error, Error::HttpStatus { status: 400, .. }),
        "{error:?}"
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(LEAKED), "{shown}");
    assert!(shown.contains("<token response omitted>"), "{shown}");
}

#[tokio::test]
async fn a_token_answer_that_does_not_decode_is_not_quoted() {
    // Cut off after the token: not JSON any more.
    let body = format!(r#"{{"errcode": 0, "data": {{"app-token": "{LEAKED}""#);
    let error = token_error(StatusCode::OK, body).await;
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(LEAKED), "{shown}");
    assert!(shown.contains("<token response omitted>"), "{shown}");
}
