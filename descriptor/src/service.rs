//! Services, endpoints, envelopes and error codes.

use crate::{AuthScheme, List, Text};

/// HTTP method of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

descriptor_struct! {
    /// One operation of a service.
    pub struct EndpointDescriptor {
        /// Service name (`jdy`).
        pub service: Text,
        /// Operation name (`mall_recharge`).
        pub operation: Text,
        /// HTTP method.
        pub method: HttpMethod,
        /// Path below the base URL, starting with `/`.
        pub path: Text,
        /// Wire name of the request field the caller keeps when repeating the call
        /// (`src_bill_id`). On its own it is documentation: it names the key that errors
        /// tell the caller to reuse, and licenses no retry.
        pub idempotency_key: Option<Text>,
        /// The vendor page stating that repeats of
        /// [`idempotency_key`](Self::idempotency_key) are ignored. `Some` lets the client
        /// repeat the call after an answer that leaves open whether it was applied
        /// (timeouts, 5xx, retryable codes).
        pub idempotency_evidence: Option<Text>,
        /// The operation only reads (a query). The client repeats it after any transient
        /// failure and never reports its outcome as unknown; every other endpoint is a
        /// write.
        pub safe: bool,
    }
}

/// A status code value: JDY uses integers, Shoubei strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Code {
    /// Integer code (JDY `errcode`).
    Int(i64),
    /// String code (Shoubei `return_code`).
    Str(Text),
}

descriptor_struct! {
    /// A second status field checked after the envelope code (Shoubei `result_code`).
    pub struct ResultCheck {
        /// Field name (`result_code`).
        pub field: Text,
        /// Success value (`SUCCESS`).
        pub success: Text,
    }
}

descriptor_struct! {
    /// How a service wraps its responses and how success is recognised.
    pub struct EnvelopeDescriptor {
        /// Field holding the status code (`errcode`, `return_code`).
        pub code_field: Text,
        /// Status code meaning success.
        pub success_code: Code,
        /// Field holding the message (`description`, `return_msg`).
        pub message_field: Text,
        /// Field holding the payload; `None` when the whole body is the payload.
        pub data_field: Option<Text>,
        /// Business result check after the status code.
        pub result: Option<ResultCheck>,
    }
}

/// What the client does when it meets an error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorAction {
    /// Nothing: report it.
    None,
    /// Refresh the credential (app-token) and retry once.
    RefreshToken,
    /// Re-authorise (rotated app secret): new credentials must come from outside.
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

descriptor_struct! {
    /// A known error code of a service.
    pub struct ErrorCodeInfo {
        /// Code as text (`2000002000`, `4008`, `0205`).
        pub code: Text,
        /// HTTP status it arrives with, when not 200 (519 for gateway rejections).
        pub http_status: Option<u16>,
        /// snake_case name (`signature_invalid`).
        pub name: Text,
        /// Vendor description.
        pub description: Text,
        /// Client reaction.
        pub action: ErrorAction,
        /// Whether the failure is transient: a repeat may succeed. Whether a repeat is
        /// *safe* depends on [`processed`](Self::processed) and the endpoint's idempotency
        /// evidence.
        pub retryable: bool,
        /// Whether the request may have been applied when this code comes back.
        pub processed: Processed,
    }
}

/// Everything the runtime needs to know about a service.
///
/// As tokens (feature `tokens`) its `errors` and `endpoints` refer to the `ERRORS` and
/// `ENDPOINTS` constants generated beside it, so every endpoint is written once, as a
/// constant of its own that typed methods pass by reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceDescriptor {
    /// Service name (`jdy`).
    pub name: Text,
    /// Production base URL, without a trailing slash.
    pub base_url: Text,
    /// Authentication and signing scheme.
    pub auth: AuthScheme,
    /// Response envelope.
    pub envelope: EnvelopeDescriptor,
    /// Known error codes.
    pub errors: List<ErrorCodeInfo>,
    /// All endpoints, sorted by operation.
    pub endpoints: List<EndpointDescriptor>,
}

impl ServiceDescriptor {
    /// Finds the known error with this code (and HTTP status, when given).
    pub fn error(&self, code: &str, http_status: Option<u16>) -> Option<&ErrorCodeInfo> {
        self.errors
            .iter()
            .find(|e| e.code == code && (http_status.is_none() || e.http_status == http_status))
    }

    /// Finds an endpoint by operation name.
    pub fn endpoint(&self, operation: &str) -> Option<&EndpointDescriptor> {
        self.endpoints.iter().find(|e| e.operation == operation)
    }
}
