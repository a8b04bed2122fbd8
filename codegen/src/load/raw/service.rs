//! `<service>/service.yaml`: what every endpoint of a service shares.

use schemars::JsonSchema;
use serde::Deserialize;

use super::types::TypeDecl;
use super::{Checked, Code, Entries, OneOrMany, Opt};

/// `<service>/service.yaml`: what every endpoint of the service shares.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceFile {
    /// Human title (first doc line of the module).
    pub title: Checked<String>,
    /// Longer description (rustdoc).
    pub description: Opt<String>,
    /// Production base URL, `http(s)://…`, without spaces or a trailing slash.
    pub base_url: Checked<String>,
    /// Authentication / signing scheme, selected by `scheme`.
    pub auth: Checked<Auth>,
    /// Documented request headers (informational; the runtime sets them).
    pub headers: Opt<Vec<Checked<Header>>>,
    /// How responses are wrapped.
    pub envelope: Checked<Envelope>,
    /// Known error codes.
    pub errors: Opt<Vec<Checked<ErrorCode>>>,
    /// Named types shared by the service's endpoints, keyed by UpperCamelCase name.
    pub types: Opt<Entries<TypeDecl>>,
    /// Documentation quirks concerning the whole service.
    pub quirks: Opt<OneOrMany>,
    /// The vendor pages the specs were transcribed from, keyed by the name quirks and
    /// `source_page` cite them by (`001_381c52f1f9cdd22d.txt`).
    pub pages: Opt<Entries<Page>>,
}

/// A vendor documentation page, as generated docs cite it.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Page {
    /// The page's title, as the vendor gives it (`会员充值`).
    pub title: Checked<String>,
    /// Where the page is published, an `http(s)://` URL without spaces; absent when the
    /// vendor publishes it nowhere it can be linked.
    pub url: Opt<String>,
}

/// The signing scheme (implemented in the runtime) and its parameters, all required.
#[derive(Deserialize, JsonSchema)]
#[serde(rename = "$tag:scheme")]
#[schemars(rename = "Auth", tag = "scheme")]
pub(crate) enum Auth {
    /// Kingdee API gateway: HMAC-SHA256 header signature plus app-token.
    #[serde(rename = "kingdee_gateway")]
    KingdeeGateway(Box<KingdeeGatewayAuth>),
    /// MD5 over the sorted body parameters, carried in a body field.
    #[serde(rename = "md5_body_sign")]
    Md5BodySign(Box<Md5BodySignAuth>),
    /// A fixed token in one header; nothing is signed.
    #[serde(rename = "static_bearer")]
    StaticBearer(Box<StaticBearerAuth>),
}

/// Parameters of `scheme: kingdee_gateway`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct KingdeeGatewayAuth {
    /// `X-Api-Auth-Version` value (`"2.0"`).
    pub auth_version: Checked<String>,
    /// `X-Api-SignHeaders` value: comma-separated names from `X-Api-TimeStamp`, `X-Api-Nonce`.
    pub sign_headers: Checked<String>,
    /// Allowed clock skew of `X-Api-TimeStamp`, in milliseconds.
    pub timestamp_window_ms: Checked<u64>,
    /// The endpoint that issues app-tokens.
    pub token: Checked<TokenEndpoint>,
    /// The endpoint that hands out a tenant's app credentials again after its app
    /// secret was rotated (`push_app_authorize`); without it the client reports the
    /// rotation's error code instead of re-authorising.
    pub authorize: Opt<AuthorizeEndpoint>,
    /// HTTP status of gateway rejections (`519`).
    pub gateway_status: Checked<u16>,
    /// Code field of a rejection body (`errcode`).
    pub gateway_code_field: Checked<String>,
    /// Message field of a rejection body (`description`).
    pub gateway_message_field: Checked<String>,
    /// Chinese message field of a rejection body (`descriptionCn`).
    pub gateway_message_cn_field: Checked<String>,
}

/// The endpoint that issues app-tokens.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenEndpoint {
    /// HTTP method.
    pub method: Checked<Method>,
    /// Path below `base_url`.
    pub path: Checked<String>,
    /// Field of `data` holding the token (`app-token`).
    pub token_field: Checked<String>,
    /// Token lifetime in seconds.
    pub ttl_secs: Checked<u64>,
}

/// The endpoint that hands out a tenant's app key, app secret and domain.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuthorizeEndpoint {
    /// HTTP method.
    pub method: Checked<Method>,
    /// Path below `base_url`; not the token endpoint's.
    pub path: Checked<String>,
    /// Query parameter carrying the tenant's instance id (`outerInstanceId`).
    pub instance_param: Checked<String>,
    /// Field of `data` holding the app key (`app_key`).
    pub app_key_field: Checked<String>,
    /// Field of `data` holding the app secret (`app_secret`).
    pub app_secret_field: Checked<String>,
    /// Field of `data` holding the tenant domain (`domain`).
    pub domain_field: Checked<String>,
}

/// Parameters of `scheme: md5_body_sign`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Md5BodySignAuth {
    /// Body field carrying the signature (`sign`); excluded from the signed string.
    pub field: Checked<String>,
    /// Drop parameters whose value is null.
    pub skip_null: Checked<bool>,
    /// Drop parameters whose value is the empty string.
    pub skip_empty: Checked<bool>,
    /// Between `k=v` pairs (`"&"`).
    pub pair_separator: Checked<String>,
    /// Between key and value (`"="`).
    pub kv_separator: Checked<String>,
    /// Appended to the joined pairs; must contain `{key}`, replaced by the secret.
    pub secret_suffix: Checked<String>,
    /// Upper-case hex digest.
    pub uppercase: Checked<bool>,
    /// Verify the same signature on responses.
    pub verify_response: Checked<bool>,
}

/// Parameters of `scheme: static_bearer`. The token comes from the environment, never
/// from the spec.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StaticBearerAuth {
    /// Header carrying the credential (`Authorization`); an HTTP header name.
    pub header: Checked<String>,
    /// Text before the token in the header value (`"Bearer "`; default empty).
    pub prefix: Opt<String>,
}

/// An HTTP method, upper case.
#[derive(Deserialize, JsonSchema, Clone, Copy)]
pub(crate) enum Method {
    /// GET
    #[serde(rename = "GET")]
    Get,
    /// POST
    #[serde(rename = "POST")]
    Post,
}

/// A documented request header.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Header {
    /// Header name as documented.
    pub name: Checked<String>,
    /// Fixed value, if constant.
    pub value: Opt<String>,
    /// Whether the page marks it required (default `false`).
    pub required: Opt<bool>,
    /// Description from the page.
    pub doc: Opt<String>,
}

/// How responses are wrapped.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Envelope {
    /// Field holding the status code (`errcode`, `return_code`).
    pub code_field: Checked<String>,
    /// Value meaning success: an unquoted integer is compared as a JSON integer, anything
    /// else (a quoted number too) as a string.
    pub success_code: Checked<Code>,
    /// Field holding the message.
    pub message_field: Checked<String>,
    /// Field holding the payload; absent: the whole (flat) body is the payload.
    pub data_field: Opt<String>,
    /// Second status field checked after the code.
    pub result: Opt<ResultCheck>,
}

/// A second status field and its success value.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResultCheck {
    /// Field name (`result_code`).
    pub field: Checked<String>,
    /// Success value (`SUCCESS`).
    pub success: Checked<String>,
}

/// A known error code.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ErrorCode {
    /// Code as text; quote it (`"0205"`).
    pub code: Checked<String>,
    /// HTTP status the code comes with (default: none, 200).
    pub http_status: Opt<u16>,
    /// snake_case name, unique in the service.
    pub name: Checked<String>,
    /// The vendor's message.
    pub description: Checked<String>,
    /// What the client does (default `none`).
    pub action: Opt<ErrorAction>,
    /// The failure is transient: a repeat may succeed (default `false`).
    pub retryable: Opt<bool>,
    /// Whether the request may have been applied when this code comes back (default `maybe`).
    pub processed: Opt<Processed>,
    /// Where the code comes from (for readers of the spec only).
    #[allow(dead_code)] // documentation: not part of the model
    pub note: Opt<String>,
}

/// What the client does on an error code.
#[derive(Deserialize, JsonSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ErrorAction {
    /// Report the error.
    None,
    /// Fetch a new token, retry once.
    RefreshToken,
    /// Re-authorize the app, retry once.
    Reauthorize,
}

/// Whether a request may have been applied when an error code comes back.
#[derive(Deserialize, JsonSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Processed {
    /// Answered before the request could take effect, or a definite refusal.
    Never,
    /// It may have been applied.
    Maybe,
}
