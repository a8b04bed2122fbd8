//! Which headers the gateway signature covers: the spec's `sign_headers`, checked against
//! the headers a client sends, and the values the client sends for them.

use super::headers;
use crate::error::Error;

/// A header whose value a client sends on every gateway request before it signs, so
/// `sign_headers` may list it. `app-token` is not one (the token request has none), nor
/// are `X-Api-SignHeaders` and `X-Api-Signature`, which describe the signature itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignableHeader {
    /// [`X_API_NONCE`](headers::X_API_NONCE)
    Nonce,
    /// [`X_API_TIMESTAMP`](headers::X_API_TIMESTAMP)
    Timestamp,
    /// [`X_API_CLIENT_ID`](headers::X_API_CLIENT_ID)
    ClientId,
    /// [`X_API_AUTH_VERSION`](headers::X_API_AUTH_VERSION)
    AuthVersion,
    /// [`X_GW_ROUTER_ADDR`](headers::X_GW_ROUTER_ADDR)
    RouterAddr,
    /// [`CONTENT_TYPE`](headers::CONTENT_TYPE)
    ContentType,
}

impl SignableHeader {
    const ALL: [SignableHeader; 6] = [
        SignableHeader::Nonce,
        SignableHeader::Timestamp,
        SignableHeader::ClientId,
        SignableHeader::AuthVersion,
        SignableHeader::RouterAddr,
        SignableHeader::ContentType,
    ];

    /// The header's name as the client sends it.
    pub const fn name(self) -> &'static str {
        match self {
            SignableHeader::Nonce => headers::X_API_NONCE,
            SignableHeader::Timestamp => headers::X_API_TIMESTAMP,
            SignableHeader::ClientId => headers::X_API_CLIENT_ID,
            SignableHeader::AuthVersion => headers::X_API_AUTH_VERSION,
            SignableHeader::RouterAddr => headers::X_GW_ROUTER_ADDR,
            SignableHeader::ContentType => headers::CONTENT_TYPE,
        }
    }

    /// The header called `name` (any case), if a client can sign it.
    pub fn from_name(name: &str) -> Option<SignableHeader> {
        SignableHeader::ALL
            .into_iter()
            .find(|h| h.name().eq_ignore_ascii_case(name))
    }
}

/// What is wrong with a `sign_headers` list. The text names the header, never a value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignHeadersError {
    /// The list names no header, or has an empty entry (`a,,b`).
    #[error("sign_headers `{0}` has an empty entry")]
    Empty(String),
    /// A header is listed twice (names compare case-insensitively).
    #[error("sign_headers lists `{0}` twice")]
    Duplicate(String),
    /// A header whose value the client does not send on every request.
    #[error(
        "sign_headers lists `{0}`, which the client cannot sign: it signs only headers it sends \
         on every request (X-Api-Nonce, X-Api-TimeStamp, X-Api-ClientID, X-Api-Auth-Version, \
         X-GW-Router-Addr, Content-Type)"
    )]
    NotSignable(String),
}

impl From<SignHeadersError> for Error {
    fn from(error: SignHeadersError) -> Error {
        Error::config(error.to_string())
    }
}

/// The names of a `sign_headers` list (`X-Api-TimeStamp,X-Api-Nonce`): split at commas,
/// trimmed, in listed order. A verifier uses this to find the values on the request.
pub fn sign_header_names(list: &str) -> Result<Vec<&str>, SignHeadersError> {
    let names: Vec<&str> = list.split(',').map(str::trim).collect();
    if names.iter().any(|n| n.is_empty()) {
        return Err(SignHeadersError::Empty(list.to_owned()));
    }
    for (i, name) in names.iter().enumerate() {
        if names[..i].iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return Err(SignHeadersError::Duplicate((*name).to_owned()));
        }
    }
    Ok(names)
}

/// A client's parsed `sign_headers`: every entry a header the client sends, so signing
/// can never meet a header without a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignHeaders(Vec<SignableHeader>);

impl SignHeaders {
    /// Parses the spec's `sign_headers`; a header the client cannot provide is an error
    /// naming it.
    pub fn parse(list: &str) -> Result<SignHeaders, SignHeadersError> {
        sign_header_names(list)?
            .into_iter()
            .map(|name| {
                SignableHeader::from_name(name)
                    .ok_or_else(|| SignHeadersError::NotSignable(name.to_owned()))
            })
            .collect::<Result<_, _>>()
            .map(SignHeaders)
    }

    /// The headers in listed order.
    pub fn headers(&self) -> &[SignableHeader] {
        &self.0
    }
}

/// The values a client sends for the headers it can sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SentHeaders<'a> {
    /// `X-Api-Nonce`.
    pub nonce: &'a str,
    /// `X-Api-TimeStamp`.
    pub timestamp: &'a str,
    /// `X-Api-ClientID`.
    pub client_id: &'a str,
    /// `X-Api-Auth-Version`.
    pub auth_version: &'a str,
    /// `X-GW-Router-Addr`.
    pub router_addr: &'a str,
    /// `Content-Type`.
    pub content_type: &'a str,
}

impl<'a> SentHeaders<'a> {
    /// The value sent for `header`.
    pub fn value(&self, header: SignableHeader) -> &'a str {
        match header {
            SignableHeader::Nonce => self.nonce,
            SignableHeader::Timestamp => self.timestamp,
            SignableHeader::ClientId => self.client_id,
            SignableHeader::AuthVersion => self.auth_version,
            SignableHeader::RouterAddr => self.router_addr,
            SignableHeader::ContentType => self.content_type,
        }
    }
}

/// Every gateway header of one request in the order the client sends them, `app-token`
/// aside (the token request has none). The client and `retail-apis sign --explain` both
/// take the list from here, so what the command shows is what the client sends.
pub fn gateway_headers<'a>(
    sent: &SentHeaders<'a>,
    sign_headers: &'a str,
    signature: &'a str,
) -> [(&'static str, &'a str); 8] {
    [
        (headers::CONTENT_TYPE, sent.content_type),
        (headers::X_API_CLIENT_ID, sent.client_id),
        (headers::X_API_AUTH_VERSION, sent.auth_version),
        (headers::X_API_TIMESTAMP, sent.timestamp),
        (headers::X_API_NONCE, sent.nonce),
        (headers::X_API_SIGN_HEADERS, sign_headers),
        (headers::X_API_SIGNATURE, signature),
        (headers::X_GW_ROUTER_ADDR, sent.router_addr),
    ]
}

/// A fresh `X-Api-Nonce` and `X-Api-TimeStamp` (Unix milliseconds), made as the client
/// makes them for each attempt.
pub fn fresh_nonce_and_timestamp() -> (String, String) {
    (crate::transport::nonce(), crate::transport::timestamp_ms())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusable_sign_headers_are_typed_errors_naming_the_header() {
        for name in [
            "app-token",
            "X-Api-Signature",
            "X-Api-SignHeaders",
            "X-Custom",
        ] {
            let list = format!("X-Api-TimeStamp,{name}");
            assert_eq!(
                SignHeaders::parse(&list),
                Err(SignHeadersError::NotSignable(name.to_owned()))
            );
            let error = Error::from(SignHeadersError::NotSignable(name.to_owned()));
            assert!(matches!(error, Error::Config { .. }), "{error:?}");
            assert!(error.to_string().contains(&format!("`{name}`")), "{error}");
        }
        assert_eq!(
            SignHeaders::parse("X-Api-Nonce,x-api-nonce"),
            Err(SignHeadersError::Duplicate("x-api-nonce".to_owned()))
        );
        for list in ["", " ", "X-Api-Nonce,", "X-Api-Nonce,,X-Api-TimeStamp"] {
            assert_eq!(
                SignHeaders::parse(list),
                Err(SignHeadersError::Empty(list.to_owned()))
            );
        }
    }
}
