//! The request inspector: a page at the sandbox root that lists recent requests and
//! shows, for one of them, the headers, the body, the string to sign with the expected
//! and received signature, the check that failed and the answer; a state page with
//! fault injection; and the same data as JSON under [`PREFIX`].
//!
//! Everything is served by the sandbox itself from assets compiled into the binary. The
//! page builds its DOM with `textContent` only, and is sent with a content security
//! policy that allows no inline script, so request content cannot run in it.

mod api;
mod faults_form;
mod page;
mod state_view;

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::shared::Shared;

/// The path prefix of the inspector; the spec loader refuses endpoint paths under it.
pub const PREFIX: &str = retail_apis_codegen::SANDBOX_PATH_PREFIX;

/// Whether `path` is the inspector's: anything under [`PREFIX`], and the root and
/// `/favicon.ico` unless a spec serves an endpoint there.
pub(crate) fn serves(shared: &Shared, path: &str) -> bool {
    let under_prefix = path
        .strip_prefix(PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    let own_page = path == "/" || path == FAVICON;
    under_prefix || (own_page && !shared.routes.serves_path(path))
}

/// Browsers ask for it with every page; it is answered, empty, so it does not fill the log.
const FAVICON: &str = "/favicon.ico";

/// Answers a request for the inspector (page, assets, JSON API, fault injection).
pub(crate) async fn answer(shared: &Arc<Shared>, request: Request) -> Response {
    let path = request.uri().path();
    if path == FAVICON {
        return hardened(StatusCode::NO_CONTENT.into_response());
    }
    let rest = path.strip_prefix(PREFIX).unwrap_or("/");
    let rest = if rest.is_empty() { "/" } else { rest };
    match rest {
        "/" => page::asset(&request, page::INDEX),
        "/inspector.js" => page::asset(&request, page::SCRIPT),
        "/inspector.css" => page::asset(&request, page::STYLE),
        "/faults" | "/faults/clear" => faults_form::answer(shared, request).await,
        "/state" => api::json_only(&request, || state_view::snapshot(shared)),
        "/requests" => {
            let after = after_param(request.uri().query());
            api::json_only(&request, || api::list(shared, after))
        }
        other => match other
            .strip_prefix("/requests/")
            .and_then(|id| id.parse::<u64>().ok())
        {
            Some(id) => match shared.journal.get(id) {
                Some(entry) => api::json_only(&request, || api::detail(&entry)),
                None => api::error(StatusCode::NOT_FOUND, "no such request in the log"),
            },
            None => api::error(StatusCode::NOT_FOUND, "no such inspector path"),
        },
    }
}

/// `after=<id>` of `/_sandbox/requests`: only newer entries.
fn after_param(query: Option<&str>) -> Option<u64> {
    crate::incoming::parse_query(query)
        .into_iter()
        .find(|(k, _)| k == "after")
        .and_then(|(_, v)| v.parse().ok())
}

/// Headers every inspector answer carries: no caching, no sniffing, no framing.
fn hardened(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn with_type(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    hardened(response)
}
