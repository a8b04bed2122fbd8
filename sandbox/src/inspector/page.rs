//! The page and its script and style, compiled into the binary (no CDN, no build step).

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;

/// An embedded file and its content type.
pub(crate) struct Asset {
    content_type: &'static str,
    text: &'static str,
}

pub(crate) const INDEX: Asset = Asset {
    content_type: "text/html; charset=utf-8",
    text: include_str!("assets/index.html"),
};
pub(crate) const SCRIPT: Asset = Asset {
    content_type: "text/javascript; charset=utf-8",
    text: include_str!("assets/inspector.js"),
};
pub(crate) const STYLE: Asset = Asset {
    content_type: "text/css; charset=utf-8",
    text: include_str!("assets/inspector.css"),
};

/// Only the page's own script and style run; request content it shows is text.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// `asset` for a GET; 405 otherwise.
pub(crate) fn asset(request: &Request, asset: Asset) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return super::api::error(StatusCode::METHOD_NOT_ALLOWED, "only GET is served here");
    }
    let mut response = super::with_type(StatusCode::OK, asset.content_type, asset.text.to_owned());
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response
}
