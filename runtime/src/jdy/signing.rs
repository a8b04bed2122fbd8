//! Kingdee JDY gateway signatures (`X-Api-Signature`, `app_signature`).
//!
//! The algorithm follows Kingdee's own Java gateway SDK and is pinned by the vendor's
//! published example (see the tests).

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::Sha256;

use crate::descriptor::HttpMethod;

/// Everything except the RFC 3986 unreserved characters is escaped, `/` included.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn encode_once(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

fn encode_twice(s: &str) -> String {
    encode_once(&encode_once(s))
}

/// Base64 of the lower-case hex of an HMAC-SHA256; both gateway signatures use this shape.
fn hmac_hex_base64(key: &str, message: &str) -> String {
    // HMAC accepts keys of any length, so this constructor cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC-SHA256 accepts keys of every length"),
    };
    mac.update(message.as_bytes());
    let digest = mac.finalize().into_bytes();
    BASE64.encode(crate::hex::encode(&digest, false))
}

/// The canonical string the gateway signs: method, encoded path, sorted doubly-encoded
/// query, nonce and timestamp, each line ending in `\n`. The body is not part of it.
///
/// Query pairs are sorted by raw key, then raw value, before encoding.
pub fn string_to_sign(
    method: HttpMethod,
    path: &str,
    query: &[(&str, &str)],
    nonce: &str,
    timestamp: &str,
) -> String {
    let mut pairs: Vec<(&str, &str)> = query.to_vec();
    pairs.sort_unstable();
    let query_line = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode_twice(k), encode_twice(v)))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}\n{}\n{}\nx-api-nonce:{}\nx-api-timestamp:{}\n",
        method.as_str(),
        encode_once(path),
        query_line,
        nonce,
        timestamp
    )
}

/// `X-Api-Signature`: Base64(lower-hex(HMAC-SHA256(client_secret, string_to_sign))).
pub fn gateway_signature(
    method: HttpMethod,
    path: &str,
    query: &[(&str, &str)],
    nonce: &str,
    timestamp: &str,
    client_secret: &str,
) -> String {
    hmac_hex_base64(
        client_secret,
        &string_to_sign(method, path, query, nonce, timestamp),
    )
}

/// `app_signature` query parameter of the token endpoint:
/// Base64(lower-hex(HMAC-SHA256(app_secret, app_key))).
pub fn app_signature(app_key: &str, app_secret: &str) -> String {
    hmac_hex_base64(app_secret, app_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vector 1: the vendor's own published example.
    #[test]
    fn vendor_token_request_example() {
        let query = [
            ("app_key", "bVZgAZOv1"),
            (
                "app_signature",
                "MzZlYTk0ODk4MWZlNjdiODNmNWU4YzViNzYxNGM5MTFlOGJkN2NjMzk0MTJkZGNhZGM0NzZhN2YxZDJmOTlkZA==",
            ),
        ];
        let sig = gateway_signature(
            HttpMethod::Get,
            "/jdyconnector/app_management/kingdee_auth_token",
            &query,
            "4427456950",
            "1670305063559",
            "f2adcfef73369bfc4e1384677d38a0ff",
        );
        assert_eq!(
            sig,
            "OTFiZTliNDFiMjNkYTI3YzVhNzg4MDI4ZGU3MWY1ZTA5ZTk1NjVlNGM1YTI1ZjIxY2Y5YTA3ZGY2OGI1MGQ1MQ=="
        );
    }

    #[test]
    fn query_order_does_not_matter() {
        let a = [("app_key", "k"), ("app_signature", "s==")];
        let b = [("app_signature", "s=="), ("app_key", "k")];
        assert_eq!(
            string_to_sign(HttpMethod::Get, "/p", &a, "1", "2"),
            string_to_sign(HttpMethod::Get, "/p", &b, "1", "2")
        );
    }

    #[test]
    fn string_to_sign_layout() {
        let s = string_to_sign(
            HttpMethod::Get,
            "/a b/ü",
            &[("k", "v=1"), ("a", "x y")],
            "123",
            "456",
        );
        assert_eq!(
            s,
            "GET\n%2Fa%20b%2F%C3%BC\na=x%2520y&k=v%253D1\nx-api-nonce:123\nx-api-timestamp:456\n"
        );
        let empty = string_to_sign(HttpMethod::Post, "/x-y_z.~", &[], "1", "2");
        assert_eq!(
            empty,
            "POST\n%2Fx-y_z.~\n\nx-api-nonce:1\nx-api-timestamp:2\n"
        );
    }

    // Vector 2.
    #[test]
    fn app_signature_vector() {
        assert_eq!(
            app_signature("abc", "abc123"),
            "ZDljMTI3NGIyNTE1MTRkYzlkNjc1MDNhYjUzMzgzNWMyY2M4YTdjMzdmNmM3YTVlNDkxMTkzNjdiOTFjNzUyZQ=="
        );
    }

    // Vector 3.
    #[test]
    fn post_vectors_without_query() {
        let cases = [
            (
                "/jdy/v2/ls/mall_recharge",
                "NzBlY2VjMzc4YTg2YjA3ZDljZjc4OGIwMzgxODliMDljMTMzMDkwNWQwYTg5YzcwYzA1NGQzN2U3ZDVmNGE3OQ==",
            ),
            (
                "/jdy/v2/ls/mall_pre_write_off_cancel",
                "NzQ2MDkzYjUzYjJhZWE0YzU3YzMyMjU4YjZmMGFjZTVkNzgzYzkyYjRlODdhZmFmNTQ5NzY2NmJhNjg0YzA1MA==",
            ),
            (
                "/jdy/v2/ls/refundSave",
                "NzdiN2M4ZWYxMTdiNzdlZGQ0NjJmZDNiNDZkODc2NDI4ZGY2MDE1ODBjYWEzNDM1NWY4ODhmOTBmMDM4NDI3OA==",
            ),
        ];
        for (path, expected) in cases {
            let sig = gateway_signature(
                HttpMethod::Post,
                path,
                &[],
                "1655775240000",
                "1655775240000",
                "abc123",
            );
            assert_eq!(sig, expected, "{path}");
        }
    }
}
