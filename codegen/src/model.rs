//! The resolved model: a validated spec set, with every reference checked and every
//! default applied. The emitter and the sandbox read only this, never raw YAML.
//!
//! Ordering is part of the contract, because generated output must be deterministic:
//! services are sorted by name, endpoints by operation, named types by name, and fields
//! keep the order in which the spec lists them.

/// Where a spec item was declared (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SourceRef {
    /// Path relative to the spec root, with `/` separators (`jdy/endpoints/mall_recharge.yaml`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// All services found under a spec root.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SpecSet {
    /// Services sorted by name.
    pub services: Vec<Service>,
}

/// One vendor API: everything common to its endpoints, plus the endpoints.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// Module name of the generated client: a snake_case Rust identifier (`jdy`).
    pub name: String,
    /// Human title (may be Chinese), becomes the module's first doc line.
    pub title: String,
    /// Longer description, kept as rustdoc.
    pub description: Option<String>,
    /// Every spec file that contributed to this service, relative to the spec root, sorted.
    pub files: Vec<String>,
    /// Production base URL, without a trailing slash (`https://api.kingdee.com`).
    pub base_url: String,
    /// Authentication and signing scheme.
    pub auth: Auth,
    /// Headers every call carries, as documented (informational; the runtime sets them).
    pub headers: Vec<HeaderSpec>,
    /// How responses are wrapped and how success is recognised.
    pub envelope: Envelope,
    /// Known error codes.
    pub errors: Vec<ErrorCodeSpec>,
    /// Every named type of the service (service-level and endpoint-level), sorted by name.
    pub types: Vec<NamedType>,
    /// Endpoints sorted by operation name.
    pub endpoints: Vec<Endpoint>,
    /// Documentation quirks recorded at service level.
    pub quirks: Vec<String>,
    /// Where the service file declared the service.
    pub origin: SourceRef,
}

/// Authentication and signing scheme of a service.
#[derive(Clone, Debug, PartialEq)]
pub enum Auth {
    /// Kingdee API gateway: HMAC-SHA256 header signature plus an app-token.
    KingdeeGateway(KingdeeGateway),
    /// MD5 over the sorted body parameters, carried in a body field (Shoubei).
    Md5BodySign(Md5SignScheme),
}

/// Parameters of the Kingdee gateway scheme.
#[derive(Clone, Debug, PartialEq)]
pub struct KingdeeGateway {
    /// Value of `X-Api-Auth-Version` (`2.0`).
    pub auth_version: String,
    /// Value of `X-Api-SignHeaders` (`X-Api-TimeStamp,X-Api-Nonce`).
    pub sign_headers: String,
    /// How far a request timestamp may be from the gateway clock, in milliseconds.
    pub timestamp_window_ms: u64,
    /// How the app-token is obtained.
    pub token: TokenEndpoint,
    /// HTTP status the gateway uses for its own rejections (519).
    pub gateway_status: u16,
    /// Field names in a gateway rejection body.
    pub gateway_code_field: String,
    /// Message field of a gateway rejection.
    pub gateway_message_field: String,
    /// Chinese message field of a gateway rejection.
    pub gateway_message_cn_field: String,
}

/// The endpoint that issues app-tokens.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenEndpoint {
    /// HTTP method (GET).
    pub method: HttpMethod,
    /// Path (`/jdyconnector/app_management/kingdee_auth_token`).
    pub path: String,
    /// Field of the response `data` holding the token (`app-token`).
    pub token_field: String,
    /// Token lifetime in seconds (86400).
    pub ttl_secs: u64,
}

/// Parameters of an MD5 body signature. Declared in the spec so that a user can correct
/// the (vendor-unstated) convention without touching Rust.
#[derive(Clone, Debug, PartialEq)]
pub struct Md5SignScheme {
    /// Body field that carries the signature (`sign`); excluded from the signed string.
    pub field: String,
    /// Drop parameters whose value is JSON null.
    pub skip_null: bool,
    /// Drop parameters whose value is the empty string.
    pub skip_empty: bool,
    /// Separator between `k=v` pairs (`&`).
    pub pair_separator: String,
    /// Separator between key and value (`=`).
    pub kv_separator: String,
    /// Appended to the joined pairs; `{key}` is replaced by the secret (`&key={key}`).
    pub secret_suffix: String,
    /// Upper-case hex digest instead of lower-case.
    pub uppercase: bool,
    /// Verify the same signature on responses.
    pub verify_response: bool,
}

/// HTTP method of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// GET
    Get,
    /// POST
    Post,
}

/// A documented request header.
#[derive(Clone, Debug, PartialEq)]
pub struct HeaderSpec {
    /// Header name as documented.
    pub name: String,
    /// Fixed value, if the header is constant.
    pub value: Option<String>,
    /// Whether the page marks it required.
    pub required: bool,
    /// Description from the page.
    pub description: Option<String>,
}

/// A code value: JDY uses integers, Shoubei strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeValue {
    /// Integer code (`0`).
    Int(i64),
    /// String code (`SUCCESS`).
    Str(String),
}

/// Response envelope.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    /// Field holding the status code (`errcode`, `return_code`).
    pub code_field: String,
    /// Value of the status code that means success.
    pub success_code: CodeValue,
    /// Field holding the message (`description`, `return_msg`).
    pub message_field: String,
    /// Field holding the payload; `None` when the whole body is the payload (Shoubei).
    pub data_field: Option<String>,
    /// Second-level business result field and its success value (`result_code` = `SUCCESS`).
    pub result: Option<ResultCheck>,
}

/// A second status field checked after the envelope code.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultCheck {
    /// Field name (`result_code`).
    pub field: String,
    /// Success value (`SUCCESS`).
    pub success: String,
}

/// What the client should do when it sees an error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorAction {
    /// Nothing: report the error.
    None,
    /// Fetch a fresh app-token and retry once.
    RefreshToken,
    /// Re-authorize the app (rotated app secret) and retry once.
    Reauthorize,
}

/// Whether a request may have taken effect when an error code comes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Processed {
    /// Answered before the request could take effect (gateway checks, token rejections) or
    /// a definite refusal: a repeat cannot apply it twice.
    Never,
    /// The request may have been applied (timeouts and internal errors after forwarding).
    Maybe,
}

/// A known error code.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorCodeSpec {
    /// Code as text (`2000002000`, `4008`, `0205`).
    pub code: String,
    /// HTTP status the code comes with, when it is not 200 (519 for gateway rejections).
    pub http_status: Option<u16>,
    /// snake_case name (`signature_invalid`).
    pub name: String,
    /// Description from the vendor.
    pub description: String,
    /// Client reaction.
    pub action: ErrorAction,
    /// Whether the failure is transient (a repeat may succeed).
    pub retryable: bool,
    /// Whether the request may have been applied when this code comes back (default
    /// [`Processed::Maybe`]).
    pub processed: Processed,
}

/// One API operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// snake_case operation name: the client method name (`mall_recharge`).
    pub operation: String,
    /// One-line summary (Chinese as on the page).
    pub summary: String,
    /// Longer description.
    pub description: Option<String>,
    /// The vendor page this endpoint was transcribed from (seed file name or URL).
    pub source_page: Option<String>,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path below the base URL, starting with `/`.
    pub path: String,
    /// Wire name of the request field the caller keeps when repeating the call
    /// (`src_bill_id`). Without [`idempotency_evidence`](Self::idempotency_evidence) it is
    /// documentation only.
    pub idempotency_key: Option<String>,
    /// Where the vendor says repeats of the key are ignored; `Some` means the client may
    /// repeat the call after a failure that may have been applied.
    pub idempotency_evidence: Option<Evidence>,
    /// The operation only reads (a query): the client may repeat it after any transient
    /// failure, and its failures never leave an unknown outcome. Every other endpoint is
    /// treated as a write.
    pub safe: bool,
    /// Name of the request struct in [`Service::types`] (`MallRechargeRequest`).
    pub request: String,
    /// Type of the payload returned on success.
    pub response: TypeExpr,
    /// Examples copied from the page, as JSON text.
    pub examples: Vec<Example>,
    /// Documentation quirks of this endpoint's page.
    pub quirks: Vec<String>,
    /// Where the endpoint was declared.
    pub origin: SourceRef,
}

/// A vendor statement backing a spec claim: the page and the sentence, verbatim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// Seed file name or URL of the page (`000_02ae261432214172.txt`).
    pub page: String,
    /// The sentence copied from the page.
    pub quote: String,
}

/// An example exchange from the vendor page.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// Short name (`default`).
    pub name: String,
    /// Request body JSON, as on the page (normalised to valid JSON).
    pub request: Option<String>,
    /// Response body JSON.
    pub response: Option<String>,
}

/// A named type: a struct or an enum.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedType {
    /// UpperCamelCase Rust name (`SettleEntries`).
    pub name: String,
    /// Description, becomes rustdoc.
    pub description: Option<String>,
    /// Struct or enum.
    pub kind: TypeKind,
    /// Whether the type is reachable from a response (decoded from vendor data).
    /// Such structs keep undocumented fields instead of dropping them.
    pub in_response: bool,
    /// Whether the type is reachable from a request (encoded by the client).
    pub in_request: bool,
    /// Documentation quirks.
    pub quirks: Vec<String>,
    /// Where the type was declared.
    pub origin: SourceRef,
}

/// Body of a named type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// A JSON object.
    Struct(StructType),
    /// A closed set of known values, with a fallback for unknown ones.
    Enum(EnumType),
}

/// A JSON object type.
#[derive(Clone, Debug, PartialEq)]
pub struct StructType {
    /// Fields in spec order.
    pub fields: Vec<Field>,
}

/// A field of a struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// snake_case Rust identifier (not a keyword).
    pub name: String,
    /// Name on the wire (serialised name).
    pub wire_name: String,
    /// Other names accepted when decoding (doc quirks such as `couponCode`).
    pub aliases: Vec<String>,
    /// Value type.
    pub ty: TypeExpr,
    /// Marked required on the page.
    pub required: bool,
    /// The value may be JSON null even though it is required (a page example sends null).
    pub nullable: bool,
    /// Filled in by the runtime, not by the caller (the Shoubei `sign` field).
    pub computed: bool,
    /// Description from the page.
    pub description: Option<String>,
    /// Example value from the page.
    pub example: Option<String>,
    /// Documentation quirks of this field.
    pub quirks: Vec<String>,
    /// Where the field was declared.
    pub origin: SourceRef,
}

/// A value type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    /// JSON string, with an optional maximum length in characters (`string(32)`).
    String {
        /// Maximum length in characters.
        max_len: Option<u32>,
    },
    /// JSON integer (i64).
    Integer,
    /// JSON number (f64).
    Number,
    /// JSON boolean.
    Boolean,
    /// Any JSON value (used where the page gives no usable shape).
    Json,
    /// JSON array of the inner type.
    List(Box<TypeExpr>),
    /// Reference to a named type of the same service.
    Named(String),
}

/// An enum of known values.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumType {
    /// How values appear on the wire.
    pub repr: EnumRepr,
    /// Known values, in spec order.
    pub variants: Vec<EnumVariant>,
}

/// Wire representation of an enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnumRepr {
    /// JSON strings, with an optional maximum length.
    String {
        /// Maximum length in characters.
        max_len: Option<u32>,
    },
    /// JSON integers.
    Integer,
}

/// One known value of an enum.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumVariant {
    /// UpperCamelCase variant name (`Wechat`).
    pub name: String,
    /// Wire value as text (`"1"`, `"10001"`, `"9"`).
    pub value: String,
    /// Description from the page (`微信`).
    pub description: Option<String>,
}

impl SpecSet {
    /// Looks up a service by name.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }
}

impl Service {
    /// Looks up a named type by name.
    pub fn named_type(&self, name: &str) -> Option<&NamedType> {
        self.types.iter().find(|t| t.name == name)
    }

    /// Looks up an endpoint by operation name.
    pub fn endpoint(&self, operation: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.operation == operation)
    }
}
