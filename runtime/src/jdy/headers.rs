//! Names of the HTTP headers of the Kingdee gateway, spelled as the vendor pages and the
//! gateway SDK send them. The client, the sandbox and the `sign --explain` command all use
//! these, so a typo cannot make one side send a header the other never reads.
//!
//! HTTP header names are case-insensitive on the wire; the gateway signs the lower-cased
//! name (see [`CanonicalRequest`](super::signing::CanonicalRequest)).

/// `Content-Type` of every request (`application/json`, [`JSON`]).
pub const CONTENT_TYPE: &str = "Content-Type";

/// The media type JDY requests are sent with.
pub const JSON: &str = "application/json";

/// `X-Api-ClientID`: the application id, which tells the gateway whose secret signed.
pub const X_API_CLIENT_ID: &str = "X-Api-ClientID";

/// `X-Api-Auth-Version`: the signing version (`2.0`, from the spec's `auth_version`).
pub const X_API_AUTH_VERSION: &str = "X-Api-Auth-Version";

/// `X-Api-TimeStamp`: Unix time in milliseconds; the gateway refuses it outside its
/// window (4006).
pub const X_API_TIMESTAMP: &str = "X-Api-TimeStamp";

/// `X-Api-Nonce`: a positive integer the gateway refuses to see twice within the
/// timestamp window (4008, replay).
pub const X_API_NONCE: &str = "X-Api-Nonce";

/// `X-Api-SignHeaders`: which headers the signature covers (the spec's `sign_headers`).
pub const X_API_SIGN_HEADERS: &str = "X-Api-SignHeaders";

/// `X-Api-Signature`: Base64 of the hex HMAC-SHA256 of the canonical request.
pub const X_API_SIGNATURE: &str = "X-Api-Signature";

/// `X-GW-Router-Addr`: the tenant domain the gateway routes to.
pub const X_GW_ROUTER_ADDR: &str = "X-GW-Router-Addr";

/// `app-token`: the tenant's token, a credential; absent on the token request itself.
pub const APP_TOKEN: &str = "app-token";

/// Every header the Kingdee gateway scheme sets, as the gateway pages spell them.
pub const ALL: [&str; 9] = [
    CONTENT_TYPE,
    X_API_CLIENT_ID,
    X_API_AUTH_VERSION,
    X_API_TIMESTAMP,
    X_API_NONCE,
    X_API_SIGN_HEADERS,
    X_API_SIGNATURE,
    X_GW_ROUTER_ADDR,
    APP_TOKEN,
];
