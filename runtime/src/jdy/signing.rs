//! Kingdee JDY gateway signatures (`X-Api-Signature`, `app_signature`).
//!
//! The algorithm follows Kingdee's own Java gateway SDK and is pinned by the vendor's
//! published example and the SDK's query vectors (see the tests).

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::Sha256;

use std::fmt;

use crate::descriptor::HttpMethod;
use crate::hash_writer::HashWriter;

pub use super::sign_headers::{
    fresh_nonce_and_timestamp, gateway_headers, sign_header_names, SentHeaders, SignHeaders,
    SignHeadersError, SignableHeader,
};

/// Everything except the RFC 3986 unreserved characters is escaped, `/` included.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The gateway SDK's query encoder: the unreserved characters kept, space left for
/// [`plus_for_space`], everything else escaped.
const GW_QUERY: &AsciiSet = &UNRESERVED.remove(b' ');

/// `java.net.URLEncoder`, which the gateway SDK applies to query values first: keeps
/// `*` but escapes `~`, unlike RFC 3986; space left for [`plus_for_space`].
const JAVA_QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'*')
    .remove(b'_')
    .remove(b' ');

/// Percent-encodes `s` with `set` (which must leave space unescaped) into `out`, space
/// written as `+`. A literal `+` is in every set, so no `+` can come from elsewhere.
fn plus_for_space<W: fmt::Write>(s: &str, set: &'static AsciiSet, out: &mut W) -> fmt::Result {
    for chunk in utf8_percent_encode(s, set) {
        let mut parts = chunk.split(' ');
        if let Some(first) = parts.next() {
            out.write_str(first)?;
        }
        for part in parts {
            out.write_char('+')?;
            out.write_str(part)?;
        }
    }
    Ok(())
}

fn gw(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = plus_for_space(s, GW_QUERY, &mut out);
    out
}

fn java(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = plus_for_space(s, JAVA_QUERY, &mut out);
    out
}

/// Writes the query line of the string to sign, exactly as Kingdee's Java gateway SDK
/// builds it (PROTOCOL.md, step 3): `GW(key)=JAVA(value)` strings sorted as whole strings
/// in byte order, then each re-encoded as `GW(key)=GW(value)`.
///
/// Sorting the encoded `key=value` strings rather than the raw pairs is what puts key
/// `a-b` before `a` (`-` sorts before `=`); a verifier sorting otherwise rejects such
/// requests.
fn write_query_line<W: fmt::Write>(query: &[(&str, &str)], out: &mut W) -> fmt::Result {
    if query.is_empty() {
        return Ok(());
    }
    let mut first_pass: Vec<(String, String)> =
        query.iter().map(|(k, v)| (gw(k), java(v))).collect();
    first_pass.sort_unstable_by(|a, b| joined(a).cmp(joined(b)));
    // The SDK joins the sorted strings with `&` and splits them again at `&` and the
    // first `=`. Both encoders escape `&` and `=`, so that split returns exactly these
    // encoded keys and values.
    for (i, (k, v)) in first_pass.iter().enumerate() {
        if i > 0 {
            out.write_char('&')?;
        }
        plus_for_space(k, GW_QUERY, out)?;
        out.write_char('=')?;
        plus_for_space(v, GW_QUERY, out)?;
    }
    Ok(())
}

/// The bytes of `key=value`, for sorting without building the string.
fn joined((key, value): &(String, String)) -> impl Iterator<Item = u8> + '_ {
    key.bytes()
        .chain(std::iter::once(b'='))
        .chain(value.bytes())
}

/// `name` lower-cased as ASCII (the bytes of other characters kept), without a `String`
/// for the short names headers have.
fn write_lowercase<W: fmt::Write>(name: &str, out: &mut W) -> fmt::Result {
    let mut buffer = [0u8; 64];
    if let Some(lower) = buffer.get_mut(..name.len()) {
        lower.copy_from_slice(name.as_bytes());
        lower.make_ascii_lowercase();
        // Lower-casing ASCII bytes keeps UTF-8 valid.
        if let Ok(lower) = std::str::from_utf8(lower) {
            return out.write_str(lower);
        }
    }
    out.write_str(&name.to_ascii_lowercase())
}

/// The order of two header names compared lower-cased.
fn cmp_lowercase(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

fn mac(key: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this constructor cannot fail.
    match Hmac::<Sha256>::new_from_slice(key.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC-SHA256 accepts keys of every length"),
    }
}

/// Base64 of the lower-case hex of a finished HMAC-SHA256; both gateway signatures use
/// this shape.
fn hex_base64(mac: Hmac<Sha256>) -> String {
    let digest = mac.finalize().into_bytes();
    let mut hex = [0u8; 64];
    BASE64.encode(crate::hex::encode_into(&digest, false, &mut hex))
}

/// Base64 of the lower-case hex of an HMAC-SHA256 of `message`.
fn hmac_hex_base64(key: &str, message: &str) -> String {
    let mut mac = mac(key);
    mac.update(message.as_bytes());
    hex_base64(mac)
}

/// One request as the gateway signs it. Its [`Display`](fmt::Display) is the string to
/// sign, every line ending in `\n`:
///
/// 1. the method, upper case;
/// 2. the path, percent-encoded once (`/` included);
/// 3. the query as Kingdee's Java SDK canonicalises it (encoded, sorted as encoded
///    `key=value` strings, encoded again), an empty line without a query;
/// 4. one `name:value` line per signed header, the name lower-cased, sorted by that name.
///
/// The body is not part of it. Signed headers are sorted rather than kept in the order
/// `X-Api-SignHeaders` names them because that is what the gateway SDKs do: the pages'
/// `X-Api-TimeStamp,X-Api-Nonce` signs the nonce line first, and the Go SDK, which sends
/// `X-Api-Nonce,X-Api-TimeStamp`, signs the same string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalRequest<'a> {
    /// HTTP method.
    pub method: HttpMethod,
    /// Path as sent, not yet encoded.
    pub path: &'a str,
    /// Decoded query pairs as they travel on the URL; their order does not matter, and
    /// repeated keys are all signed.
    pub query: &'a [(&'a str, &'a str)],
    /// The signed headers as (name, value), in the order `sign_headers` lists them.
    pub headers: Vec<(&'a str, &'a str)>,
}

impl<'a> CanonicalRequest<'a> {
    /// The canonical form of a request that a client sends with `sent` headers, signing
    /// those `sign_headers` lists.
    pub fn for_client(
        method: HttpMethod,
        path: &'a str,
        query: &'a [(&'a str, &'a str)],
        sign_headers: &SignHeaders,
        sent: &SentHeaders<'a>,
    ) -> CanonicalRequest<'a> {
        CanonicalRequest {
            method,
            path,
            query,
            headers: sign_headers
                .headers()
                .iter()
                .map(|&header| (header.name(), sent.value(header)))
                .collect(),
        }
    }

    /// Writes the string to sign to `out`, piece by piece.
    fn write_to<W: fmt::Write>(&self, out: &mut W) -> fmt::Result {
        out.write_str(self.method.as_str())?;
        out.write_char('\n')?;
        for chunk in utf8_percent_encode(self.path, UNRESERVED) {
            out.write_str(chunk)?;
        }
        out.write_char('\n')?;
        write_query_line(self.query, out)?;
        out.write_char('\n')?;
        // Signed header lines: lower-cased name and value, sorted by that name (stable,
        // so equal names keep their listed order). A handful of headers are signed, so
        // their order lives on the stack.
        let headers = &self.headers;
        let mut on_stack = [0usize; 8];
        let mut on_heap = Vec::new();
        let order: &mut [usize] = match on_stack.get_mut(..headers.len()) {
            Some(order) => order,
            None => {
                on_heap.resize(headers.len(), 0);
                &mut on_heap
            }
        };
        for (i, slot) in order.iter_mut().enumerate() {
            *slot = i;
        }
        order.sort_by(|&a, &b| cmp_lowercase(headers[a].0, headers[b].0));
        for &i in order.iter() {
            let (name, value) = headers[i];
            write_lowercase(name, out)?;
            out.write_char(':')?;
            out.write_str(value)?;
            out.write_char('\n')?;
        }
        Ok(())
    }
}

impl fmt::Display for CanonicalRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

/// `X-Api-Signature`: Base64(lower-hex(HMAC-SHA256(client_secret, request.to_string()))).
/// The string to sign is fed to the HMAC as it is written, never built.
pub fn gateway_signature(request: &CanonicalRequest<'_>, client_secret: &str) -> String {
    let mut writer = HashWriter::new(mac(client_secret));
    // Writing into a hash cannot fail.
    let _ = request.write_to(&mut writer);
    hex_base64(writer.finish())
}

/// [`gateway_signature`] of a string to sign already rendered from a
/// [`CanonicalRequest`], for a signer that also shows the string.
pub(crate) fn signature_of(string_to_sign: &str, client_secret: &str) -> String {
    hmac_hex_base64(client_secret, string_to_sign)
}

/// `app_signature` query parameter of the token endpoint:
/// Base64(lower-hex(HMAC-SHA256(app_secret, app_key))).
pub fn app_signature(app_key: &str, app_secret: &str) -> String {
    hmac_hex_base64(app_secret, app_key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jdy::headers;

    /// The `sign_headers` of the vendor pages.
    const PAGES_SIGN_HEADERS: &str = "X-Api-TimeStamp,X-Api-Nonce";

    fn sent<'a>(nonce: &'a str, timestamp: &'a str) -> SentHeaders<'a> {
        SentHeaders {
            nonce,
            timestamp,
            client_id: "205022",
            auth_version: "2.0",
            router_addr: "https://tf.jdy.com",
            content_type: headers::JSON,
        }
    }

    /// A client's canonical request with the pages' `sign_headers`.
    fn request<'a>(
        method: HttpMethod,
        path: &'a str,
        query: &'a [(&'a str, &'a str)],
        nonce: &'a str,
        timestamp: &'a str,
    ) -> CanonicalRequest<'a> {
        let sign_headers = SignHeaders::parse(PAGES_SIGN_HEADERS).expect("the pages' list");
        CanonicalRequest::for_client(method, path, query, &sign_headers, &sent(nonce, timestamp))
    }

    fn string_to_sign(
        method: HttpMethod,
        path: &str,
        query: &[(&str, &str)],
        nonce: &str,
        timestamp: &str,
    ) -> String {
        request(method, path, query, nonce, timestamp).to_string()
    }

    fn signature(
        method: HttpMethod,
        path: &str,
        query: &[(&str, &str)],
        nonce: &str,
        timestamp: &str,
        secret: &str,
    ) -> String {
        gateway_signature(&request(method, path, query, nonce, timestamp), secret)
    }

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
        let sig = signature(
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
            "GET\n%2Fa%20b%2F%C3%BC\na=x%2By&k=v%253D1\nx-api-nonce:123\nx-api-timestamp:456\n"
        );
        let empty = string_to_sign(HttpMethod::Post, "/x-y_z.~", &[], "1", "2");
        assert_eq!(
            empty,
            "POST\n%2Fx-y_z.~\n\nx-api-nonce:1\nx-api-timestamp:2\n"
        );
    }

    /// Vectors 4 of PROTOCOL.md: query pairs, the query line of the string to sign, and
    /// the signature with secret `abc123`, GET `/jdy/v2/ls/recharge_record`,
    /// nonce = timestamp = `1655775240000`.
    /// Query pairs, query line, signature.
    type QueryVector = (
        &'static [(&'static str, &'static str)],
        &'static str,
        &'static str,
    );

    const QUERY_VECTORS: &[QueryVector] = &[
        (
            &[("app_key", "a b"), ("app_signature", "x")],
            "app_key=a%2Bb&app_signature=x",
            "ZmRjOGM4YzIzNGIyNTdjMTA2ODQzODAwNjJlMTFiM2E3ODNkNTk5NTQ2YWU0OGM1MGM0YThjMGI1MjY3MDA4Mw==",
        ),
        (
            &[("name", "~*'!()")],
            "name=%257E%2A%2527%2521%2528%2529",
            "NTEyOThhMTY1NDQ2YzZhNzU4YWFhM2JlYmNiZWE2OGY0ZjM4MzgwMDIxMTU2MWMwYTA4Yzg2ZTM2ZDhjNzM2YQ==",
        ),
        (
            &[("name", "零售 +=&%/😀~*")],
            "name=%25E9%259B%25B6%25E5%2594%25AE%2B%252B%253D%2526%2525%252F%25F0%259F%2598%2580%257E%2A",
            "ODk4NmU5YTU0YWFiOTkwNDJhODA5MTlmNzkxZGVkNGY2YjJiNmVlODVmNTkzNGY4ZWM2NTgzODFhYTcxYTk0NQ==",
        ),
        (
            &[("a", "1"), ("a-b", "2"), ("a_b", "3")],
            "a-b=2&a=1&a_b=3",
            "MzFhMGQ5Yzc5ZDhhNzJlZDRiZTYyODIyMGE0NjIyODBjZDZjOWNkM2NiMjVhMDRhYjQ4ZWI0YzQ3ZjVmYWUzNw==",
        ),
        (
            &[("page", "1"), ("page_size", "20"), ("search", "张三 138*")],
            "page=1&page_size=20&search=%25E5%25BC%25A0%25E4%25B8%2589%2B138%2A",
            "ZGFjM2Q3YWE3NDMwYTVmOTJiM2I1Y2RhNWJjZWNiYjQxZTAzZTk5YWRjYzE2YTYxOWNlYzEyZjY1YjFkZWE1MQ==",
        ),
    ];

    #[test]
    fn query_vectors_of_the_java_sdk() {
        let path = "/jdy/v2/ls/recharge_record";
        let ts = "1655775240000";
        for (query, line, expected) in QUERY_VECTORS {
            let s = string_to_sign(HttpMethod::Get, path, query, ts, ts);
            assert_eq!(
                s,
                format!("GET\n%2Fjdy%2Fv2%2Fls%2Frecharge_record\n{line}\nx-api-nonce:{ts}\nx-api-timestamp:{ts}\n"),
                "{query:?}"
            );
            assert_eq!(
                signature(HttpMethod::Get, path, query, ts, ts, "abc123"),
                *expected,
                "{query:?}"
            );
            // The order in which pairs arrive never changes the string.
            let reversed: Vec<(&str, &str)> = query.iter().rev().copied().collect();
            assert_eq!(string_to_sign(HttpMethod::Get, path, &reversed, ts, ts), s);
        }
    }

    #[test]
    fn keys_are_encoded_with_the_gateway_encoder_twice() {
        // `~` survives both passes in a key; `*` and space are escaped, then escaped again.
        let s = string_to_sign(HttpMethod::Get, "/p", &[("~k* y", "")], "1", "2");
        assert_eq!(s.lines().nth(2), Some("~k%252A%2By="));
    }

    fn with_sign_headers(list: &str) -> Result<String, SignHeadersError> {
        let sign_headers = SignHeaders::parse(list)?;
        let ts = "1655775240000";
        let sent = sent("4427456950", ts);
        let request = CanonicalRequest::for_client(
            HttpMethod::Post,
            "/jdy/v2/ls/mall_recharge",
            &[],
            &sign_headers,
            &sent,
        );
        Ok(request.to_string())
    }

    #[test]
    fn sign_headers_choose_the_signed_lines() {
        let pages = "POST\n%2Fjdy%2Fv2%2Fls%2Fmall_recharge\n\nx-api-nonce:4427456950\nx-api-timestamp:1655775240000\n";
        assert_eq!(with_sign_headers(PAGES_SIGN_HEADERS).as_deref(), Ok(pages));
        // The Go SDK's order signs the same string: lines are sorted by lower-cased name.
        assert_eq!(
            with_sign_headers(" x-api-nonce , X-API-TIMESTAMP ").as_deref(),
            Ok(pages)
        );
        // Another header in the list is another line, at its sorted place.
        assert_eq!(
            with_sign_headers("X-Api-TimeStamp,X-Api-Nonce,X-Api-ClientID").as_deref(),
            Ok("POST\n%2Fjdy%2Fv2%2Fls%2Fmall_recharge\n\nx-api-clientid:205022\nx-api-nonce:4427456950\nx-api-timestamp:1655775240000\n")
        );
        // A shorter list leaves a line out.
        assert_eq!(
            with_sign_headers("X-Api-Nonce").as_deref(),
            Ok("POST\n%2Fjdy%2Fv2%2Fls%2Fmall_recharge\n\nx-api-nonce:4427456950\n")
        );
    }

    #[test]
    fn canonical_request_keeps_the_listed_order() {
        let sign_headers = SignHeaders::parse("X-Api-Nonce,Content-Type").expect("signable");
        let sent = sent("1", "2");
        let request =
            CanonicalRequest::for_client(HttpMethod::Get, "/p", &[], &sign_headers, &sent);
        assert_eq!(
            request.headers,
            vec![("X-Api-Nonce", "1"), ("Content-Type", "application/json")]
        );
        assert_eq!(
            request.to_string(),
            "GET\n%2Fp\n\ncontent-type:application/json\nx-api-nonce:1\n"
        );
    }

    proptest::proptest! {
        /// Feeding the HMAC piece by piece signs exactly the rendered string.
        #[test]
        fn streamed_signature_is_the_signature_of_the_string(
            query in proptest::collection::vec(("\\PC{0,6}", "\\PC{0,6}"), 0..4),
            headers in proptest::collection::vec(("[A-Za-z-]{1,70}", "\\PC{0,6}"), 0..10),
            path in "\\PC{0,12}",
            secret in "\\PC{0,12}",
        ) {
            let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let request = CanonicalRequest {
                method: HttpMethod::Post,
                path: &path,
                query: &query,
                headers: headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
            };
            let text = request.to_string();
            proptest::prop_assert_eq!(gateway_signature(&request, &secret), signature_of(&text, &secret));
        }
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
            let sig = signature(
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
