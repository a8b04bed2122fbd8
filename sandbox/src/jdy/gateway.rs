//! The Kingdee gateway's checks, in the gateway's order: timestamp (4006), signing headers
//! (4007), client and signature (4008), nonce replay (4008), app-token (4009/4010/4011),
//! tenant routing (4012). Codes come from the service's `errors` by name.

use retail_apis_codegen::model::{KingdeeGatewayScheme, Service};
use retail_apis_runtime::jdy::headers::{
    APP_TOKEN, X_API_AUTH_VERSION, X_API_CLIENT_ID, X_API_NONCE, X_API_SIGNATURE,
    X_API_SIGN_HEADERS, X_API_TIMESTAMP, X_GW_ROUTER_ADDR,
};
use retail_apis_runtime::jdy::signing::sign_header_names;
use serde_json::{Map, Value};

use crate::config::SandboxCredentials;
use crate::incoming::Incoming;
use crate::reply::Reply;
use crate::signing;
use crate::state::State;
use crate::trace::{Check, Failure, SignatureEvidence};

/// A gateway rejection: the spec error name, its fallback code, and what was wrong.
#[derive(Debug)]
pub(crate) struct Rejection {
    pub name: &'static str,
    pub fallback_code: u32,
    pub detail: String,
    /// The check that failed, for the request log.
    pub check: Check,
}

impl Rejection {
    /// The same rejection, blamed on `check` rather than on the one its code names.
    fn at(self, check: Check) -> Rejection {
        Rejection { check, ..self }
    }
}

pub(crate) const TIMESTAMP_INVALID: (&str, u32) = ("timestamp_invalid", 4006);
pub(crate) const SIGN_HEADERS_INVALID: (&str, u32) = ("sign_headers_invalid", 4007);
pub(crate) const SIGNATURE_INVALID: (&str, u32) = ("signature_invalid", 4008);
pub(crate) const TOKEN_EMPTY: (&str, u32) = ("token_empty", 4009);
pub(crate) const TOKEN_INVALID: (&str, u32) = ("token_invalid", 4010);
pub(crate) const TOKEN_EXPIRED: (&str, u32) = ("token_expired", 4011);
pub(crate) const NO_PERMISSION: (&str, u32) = ("no_permission", 4012);

fn reject((name, fallback_code): (&'static str, u32), detail: impl Into<String>) -> Rejection {
    Rejection {
        name,
        fallback_code,
        detail: detail.into(),
        check: Check::of_error_name(name),
    }
}

/// Chinese message of a gateway code (`descriptionCn`); the spec only has English ones.
fn description_cn(code: &str) -> &'static str {
    match code {
        "4006" => "时间戳无效",
        "4007" => "签名头无效",
        "4008" => "签名无效",
        "4009" => "token为空",
        "4010" => "token无效",
        "4011" => "token已过期",
        "4012" => "无访问权限",
        "5000" => "网关内部错误",
        "5001" => "服务未找到",
        "5002" => "请求方法不支持",
        "5003" => "服务不可用",
        "5004" => "网关超时",
        "5005" => "请求已取消",
        "5006" => "服务已熔断",
        "5007" => "网关过载",
        _ => "网关拒绝请求",
    }
}

/// The HTTP answer of a gateway rejection with `code`. Without a Kingdee scheme (a fault
/// injected on another service) the documented defaults are used: 519 and
/// `errcode`/`description`/`descriptionCn`.
pub(crate) fn rejection_reply(
    service: &Service,
    gateway: Option<&KingdeeGatewayScheme>,
    code: &str,
    detail: Option<&str>,
) -> Reply {
    let description = service
        .errors
        .iter()
        .find(|e| e.code == code && e.http_status.is_some())
        .map_or("gateway rejection", |e| e.description.as_ref());
    let description = match detail {
        Some(detail) => format!("{description}: {detail}"),
        None => description.to_owned(),
    };
    let (status, code_field, message_field, cn_field) = match gateway {
        Some(gw) => (
            gw.gateway_status,
            gw.gateway_code_field.as_ref(),
            gw.gateway_message_field.as_ref(),
            gw.gateway_message_cn_field.as_ref(),
        ),
        None => (519, "errcode", "description", "descriptionCn"),
    };
    let mut body = Map::new();
    body.insert(
        code_field.to_owned(),
        code.parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(code)),
    );
    body.insert(message_field.to_owned(), Value::from(description));
    body.insert(cn_field.to_owned(), Value::from(description_cn(code)));
    Reply::json(status, Value::Object(body))
}

/// The reply for a [`Rejection`], with the code the spec gives its name.
pub(crate) fn reply_for(
    service: &Service,
    gateway: &KingdeeGatewayScheme,
    rejection: &Rejection,
) -> Reply {
    let code = service
        .errors
        .iter()
        .find(|e| e.name == rejection.name)
        .map_or_else(
            || rejection.fallback_code.to_string(),
            |e| e.code.to_string(),
        );
    let mut reply = rejection_reply(service, Some(gateway), &code, Some(&rejection.detail));
    reply.failure = Some(Failure {
        check: rejection.check,
        reason: rejection.detail.clone(),
    });
    reply
}

fn is_positive_integer(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 32
        && text.bytes().all(|b| b.is_ascii_digit())
        && text.bytes().any(|b| b != b'0')
}

/// Checks the signed part of a request: everything up to and including nonce replay.
/// The nonce is recorded only once the signature is valid, so unsigned garbage cannot
/// burn nonces of legitimate clients.
pub(crate) fn check_signed(
    credentials: &SandboxCredentials,
    gateway: &KingdeeGatewayScheme,
    request: &Incoming,
    state: &mut State,
    now_ms: i64,
) -> Result<(), Rejection> {
    let window = gateway.timestamp_window_ms;
    check_timestamp(request, now_ms, window)?;
    check_signature_headers(gateway, request)?;
    let nonce = match request.header(X_API_NONCE) {
        Some(n) if is_positive_integer(n) => n,
        _ => {
            return Err(reject(
                SIGN_HEADERS_INVALID,
                format!("{X_API_NONCE} must be a positive integer"),
            )
            .at(Check::Nonce))
        }
    };
    check_client_id(credentials, request)?;
    check_signature(credentials, gateway, request)?;
    if !state.remember_nonce(nonce, now_ms, window) {
        return Err(reject(
            SIGNATURE_INVALID,
            format!("{X_API_NONCE} was already used within the timestamp window (replay)"),
        )
        .at(Check::Nonce));
    }
    Ok(())
}

/// `X-Api-TimeStamp`: Unix milliseconds within `window` of the gateway clock (4006).
fn check_timestamp(request: &Incoming, now_ms: i64, window: u64) -> Result<(), Rejection> {
    let timestamp = request
        .header(X_API_TIMESTAMP)
        .ok_or_else(|| reject(TIMESTAMP_INVALID, format!("{X_API_TIMESTAMP} is missing")))?;
    let millis: i64 = timestamp.parse().map_err(|_| {
        reject(
            TIMESTAMP_INVALID,
            format!("{X_API_TIMESTAMP} must be Unix time in milliseconds"),
        )
    })?;
    if now_ms.abs_diff(millis) > window {
        // The Go SDK sends seconds. Accepting them would stretch a 5-minute window to
        // 83 hours, so they stay refused, with a message that says what they are.
        if now_ms.abs_diff(millis.saturating_mul(1000)) <= window.max(1000) {
            return Err(reject(
                TIMESTAMP_INVALID,
                format!(
                    "the timestamp looks like seconds: {X_API_TIMESTAMP} must be Unix time \
                     in milliseconds (the window is {window} ms)"
                ),
            ));
        }
        return Err(reject(
            TIMESTAMP_INVALID,
            format!("{X_API_TIMESTAMP} is more than {window} ms away from the gateway clock"),
        ));
    }
    Ok(())
}

/// `X-Api-Auth-Version` and `X-Api-SignHeaders` as the scheme declares them (4007).
fn check_signature_headers(
    gateway: &KingdeeGatewayScheme,
    request: &Incoming,
) -> Result<(), Rejection> {
    match request.header(X_API_AUTH_VERSION) {
        Some(v) if v.trim() == gateway.auth_version => {}
        _ => {
            return Err(reject(
                SIGN_HEADERS_INVALID,
                format!("{X_API_AUTH_VERSION} must be {}", gateway.auth_version),
            ))
        }
    }
    let sent = request.header(X_API_SIGN_HEADERS);
    let accepted = match sent {
        Some(v) if v.trim().eq_ignore_ascii_case(&gateway.sign_headers) => true,
        Some(v) => request.tolerant && same_header_names(v, &gateway.sign_headers),
        None => false,
    };
    match sent {
        Some(v) if accepted => {
            if v != gateway.sign_headers.as_ref() {
                request.trace.warn(
                    format_args!("{X_API_SIGN_HEADERS}: {}", gateway.sign_headers),
                    format_args!("{X_API_SIGN_HEADERS}: {v}"),
                );
            }
            Ok(())
        }
        _ => Err(reject(
            SIGN_HEADERS_INVALID,
            format!("{X_API_SIGN_HEADERS} must be {}", gateway.sign_headers),
        )),
    }
}

/// Whether two comma-separated header lists name the same headers, in any order, case
/// or spacing. The string to sign sorts the signed headers by name, so any order signs
/// the same bytes.
fn same_header_names(sent: &str, declared: &str) -> bool {
    let names = |list: &str| {
        let mut names: Vec<String> = list
            .split(',')
            .map(|name| name.trim().to_ascii_lowercase())
            .collect();
        names.sort();
        names
    };
    let sent = names(sent);
    let unique = sent.windows(2).all(|pair| pair[0] != pair[1]);
    unique && sent == names(declared)
}

/// `X-Api-ClientID`: the sandbox's client (4008).
fn check_client_id(credentials: &SandboxCredentials, request: &Incoming) -> Result<(), Rejection> {
    match request.header(X_API_CLIENT_ID) {
        None => Err(
            reject(SIGNATURE_INVALID, format!("{X_API_CLIENT_ID} is missing")).at(Check::ClientId),
        ),
        Some(id) if id != credentials.client_id => Err(reject(
            SIGNATURE_INVALID,
            format!("{X_API_CLIENT_ID} is not known"),
        )
        .at(Check::ClientId)),
        Some(_) => Ok(()),
    }
}

/// `X-Api-Signature`: the HMAC of this request under the client secret (4008).
fn check_signature(
    credentials: &SandboxCredentials,
    gateway: &KingdeeGatewayScheme,
    request: &Incoming,
) -> Result<(), Rejection> {
    let received = request.header(X_API_SIGNATURE);
    let (string_to_sign, expected) = signing::gateway_signature_shown(
        request.method,
        &request.path,
        &request.query,
        signed_headers(gateway, request)?,
        &credentials.client_secret,
    );
    request.trace.signature(SignatureEvidence {
        scheme: "kingdee_gateway",
        string_to_sign,
        expected: expected.clone(),
        received: received.map(str::to_owned),
    });
    let signature = received
        .ok_or_else(|| reject(SIGNATURE_INVALID, format!("{X_API_SIGNATURE} is missing")))?;
    if signature != expected {
        return Err(reject(
            SIGNATURE_INVALID,
            format!("{X_API_SIGNATURE} does not match the request"),
        ));
    }
    Ok(())
}

/// The headers the spec's `sign_headers` lists, with the values this request carries, in
/// listed order: the gateway signs what the scheme names, so a spec listing other headers
/// is verified by those. A listed header the request lacks cannot be signed (4007).
fn signed_headers<'r>(
    gateway: &'r KingdeeGatewayScheme,
    request: &'r Incoming,
) -> Result<Vec<(&'r str, &'r str)>, Rejection> {
    let names = sign_header_names(&gateway.sign_headers)
        .map_err(|problem| reject(SIGN_HEADERS_INVALID, problem.to_string()))?;
    names
        .into_iter()
        .map(|name| match request.header(name) {
            Some(value) => Ok((name, value)),
            None => Err(reject(
                SIGN_HEADERS_INVALID,
                format!("{name} is listed in {X_API_SIGN_HEADERS} but missing"),
            )),
        })
        .collect()
}

/// Why an app-token was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    Empty,
    Invalid,
    Expired,
}

/// Checks the `app-token` header; the index of the token's tenant.
pub(crate) fn check_token(
    request: &Incoming,
    state: &State,
    now_ms: i64,
) -> Result<usize, TokenProblem> {
    let token = match request.header(APP_TOKEN).map(str::trim) {
        None | Some("") => return Err(TokenProblem::Empty),
        Some(t) => t,
    };
    match state.tokens.get(token) {
        None => Err(TokenProblem::Invalid),
        Some(record) if record.is_expired(now_ms) => Err(TokenProblem::Expired),
        Some(record) => Ok(record.tenant),
    }
}

/// `X-GW-Router-Addr` must name the domain of the app-token's tenant: the gateway routes
/// by it, and a wrong one reaches a data centre where the tenant has no access. Another
/// tenant's domain is refused alike (4012): the sandbox's convention, not documented
/// vendor behaviour.
pub(crate) fn check_router(domain: &str, request: &Incoming) -> Result<(), Rejection> {
    let expected = domain.trim_end_matches('/');
    match request.header(X_GW_ROUTER_ADDR) {
        Some(v) if v.trim().trim_end_matches('/') == expected => Ok(()),
        Some(_) => Err(reject(
            NO_PERMISSION,
            format!("{X_GW_ROUTER_ADDR} does not match the tenant domain"),
        )),
        // The PHP SDK never sends it; the tenant is known from the client anyway.
        None if request.tolerant => {
            request.trace.warn(
                format_args!("{X_GW_ROUTER_ADDR}: {domain}"),
                format_args!("no {X_GW_ROUTER_ADDR}"),
            );
            Ok(())
        }
        None => Err(reject(
            NO_PERMISSION,
            format!("{X_GW_ROUTER_ADDR} is missing"),
        )),
    }
}
