//! Static descriptions of services and endpoints. Generated code declares these as
//! `const` items straight from the spec, and the transport reads them at call time, so
//! everything a spec says about a service (envelope, error codes, signing parameters)
//! reaches the runtime without hand-written Rust.

/// HTTP method of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// GET
    Get,
    /// POST
    Post,
}

impl HttpMethod {
    /// Upper-case method name, as signed by the Kingdee gateway.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// One operation of a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndpointDescriptor {
    /// Service name (`jdy`).
    pub service: &'static str,
    /// Operation name (`mall_recharge`).
    pub operation: &'static str,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path below the base URL.
    pub path: &'static str,
    /// Wire name of the request field the caller keeps when repeating the call
    /// (`src_bill_id`). On its own it is documentation: it names the key that errors tell
    /// the caller to reuse, and licenses no retry.
    pub idempotency_key: Option<&'static str>,
    /// The vendor page stating that repeats of [`idempotency_key`](Self::idempotency_key)
    /// are ignored. `Some` lets the client repeat the call after an answer that leaves
    /// open whether it was applied (timeouts, 5xx, retryable codes).
    pub idempotency_evidence: Option<&'static str>,
    /// The operation only reads (a query). The client repeats it after any transient
    /// failure and never reports its outcome as unknown; every other endpoint is a write.
    pub safe: bool,
}

/// A status code value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// Integer code (JDY `errcode`).
    Int(i64),
    /// String code (Shoubei `return_code`).
    Str(&'static str),
}

/// Second-level result check (Shoubei `result_code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResultCheck {
    /// Field name.
    pub field: &'static str,
    /// Success value.
    pub success: &'static str,
}

/// How a service wraps its responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnvelopeDescriptor {
    /// Field holding the status code.
    pub code_field: &'static str,
    /// Status code meaning success.
    pub success_code: Code,
    /// Field holding the message.
    pub message_field: &'static str,
    /// Field holding the payload; `None` when the whole body is the payload.
    pub data_field: Option<&'static str>,
    /// Business result check after the status code.
    pub result: Option<ResultCheck>,
}

/// What the client does when it meets an error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorAction {
    /// Report it.
    None,
    /// Refresh the app-token and retry once.
    RefreshToken,
    /// Re-authorize (rotated app secret) and retry once.
    Reauthorize,
}

/// Whether a request may have taken effect when an error code comes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Processed {
    /// Answered before the request reached the business logic (gateway checks, token
    /// rejections) or a definite refusal: nothing was applied, a repeat is safe.
    Never,
    /// The request may have been applied (a timeout or internal error after forwarding):
    /// the outcome of a write is unknown.
    Maybe,
}

/// A known error code of a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorCodeInfo {
    /// Code as text.
    pub code: &'static str,
    /// HTTP status it arrives with, if not 200.
    pub http_status: Option<u16>,
    /// snake_case name.
    pub name: &'static str,
    /// Vendor description.
    pub description: &'static str,
    /// Client reaction.
    pub action: ErrorAction,
    /// Whether the failure is transient: a repeat may succeed. Whether a repeat is
    /// *safe* depends on [`processed`](Self::processed) and the endpoint's idempotency
    /// evidence.
    pub retryable: bool,
    /// Whether the request may have been applied when this code comes back.
    pub processed: Processed,
}

/// Parameters of the Kingdee gateway scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KingdeeGatewayScheme {
    /// `X-Api-Auth-Version` value.
    pub auth_version: &'static str,
    /// `X-Api-SignHeaders` value.
    pub sign_headers: &'static str,
    /// Allowed clock distance in milliseconds.
    pub timestamp_window_ms: u64,
    /// Token endpoint method.
    pub token_method: HttpMethod,
    /// Token endpoint path.
    pub token_path: &'static str,
    /// Field of the token response `data` holding the token.
    pub token_field: &'static str,
    /// Token lifetime in seconds.
    pub token_ttl_secs: u64,
    /// HTTP status of gateway rejections (519).
    pub gateway_status: u16,
    /// Code field of a gateway rejection body.
    pub gateway_code_field: &'static str,
    /// Message field of a gateway rejection body.
    pub gateway_message_field: &'static str,
    /// Chinese message field of a gateway rejection body.
    pub gateway_message_cn_field: &'static str,
}

/// Parameters of an MD5 body signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Md5SignScheme {
    /// Body field carrying the signature.
    pub field: &'static str,
    /// Drop null values from the signed string.
    pub skip_null: bool,
    /// Drop empty-string values from the signed string.
    pub skip_empty: bool,
    /// Separator between pairs.
    pub pair_separator: &'static str,
    /// Separator between key and value.
    pub kv_separator: &'static str,
    /// Suffix appended to the joined pairs; `{key}` becomes the secret.
    pub secret_suffix: &'static str,
    /// Upper-case hex digest.
    pub uppercase: bool,
    /// Verify the signature on responses.
    pub verify_response: bool,
}

/// Authentication scheme of a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthScheme {
    /// Kingdee gateway HMAC + app-token.
    KingdeeGateway(KingdeeGatewayScheme),
    /// MD5 body signature.
    Md5BodySign(Md5SignScheme),
}

/// Everything the runtime needs to know about a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceDescriptor {
    /// Service name (`jdy`).
    pub name: &'static str,
    /// Production base URL.
    pub base_url: &'static str,
    /// Auth scheme.
    pub auth: AuthScheme,
    /// Response envelope.
    pub envelope: EnvelopeDescriptor,
    /// Known error codes.
    pub errors: &'static [ErrorCodeInfo],
    /// All endpoints.
    pub endpoints: &'static [EndpointDescriptor],
}

impl ServiceDescriptor {
    /// Finds the known error with this code (and HTTP status, when given).
    pub fn error(&self, code: &str, http_status: Option<u16>) -> Option<&'static ErrorCodeInfo> {
        self.errors
            .iter()
            .find(|e| e.code == code && (http_status.is_none() || e.http_status == http_status))
    }

    /// Finds an endpoint by operation name.
    pub fn endpoint(&self, operation: &str) -> Option<&'static EndpointDescriptor> {
        self.endpoints.iter().find(|e| e.operation == operation)
    }
}
