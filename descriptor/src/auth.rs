//! Authentication schemes and their parameters, as a spec's `auth` block declares them.
//!
//! A scheme's runtime behaviour lives in the runtime module named after it
//! (`retail_apis_runtime::schemes::<name>`); this module holds only its parameters.

use crate::{HttpMethod, Text};

descriptor_struct! {
    /// The endpoint that issues app-tokens.
    pub struct TokenEndpoint {
        /// HTTP method (GET).
        pub method: HttpMethod,
        /// Path (`/jdyconnector/app_management/kingdee_auth_token`).
        pub path: Text,
        /// Field of the response payload holding the token (`app-token`).
        pub token_field: Text,
        /// Token lifetime in seconds (86400).
        pub ttl_secs: u64,
    }
}

descriptor_struct! {
    /// The endpoint that hands out a tenant's app credentials (`push_app_authorize`):
    /// asked again when the service says the app secret no longer verifies, because
    /// the tenant's secret was rotated.
    pub struct AuthorizeEndpoint {
        /// HTTP method (POST).
        pub method: HttpMethod,
        /// Path (`/jdyconnector/app_management/push_app_authorize`).
        pub path: Text,
        /// Query parameter naming the tenant's instance (`outerInstanceId`).
        pub instance_param: Text,
        /// Field of the response payload holding the app key (`app_key`).
        pub app_key_field: Text,
        /// Field of the response payload holding the app secret (`app_secret`).
        pub app_secret_field: Text,
        /// Field of the response payload holding the tenant domain (`domain`).
        pub domain_field: Text,
    }
}

descriptor_struct! {
    /// Parameters of the Kingdee gateway scheme: HMAC-SHA256 header signature plus an
    /// app-token.
    pub struct KingdeeGatewayScheme {
        /// Value of `X-Api-Auth-Version` (`2.0`).
        pub auth_version: Text,
        /// Value of `X-Api-SignHeaders` (`X-Api-TimeStamp,X-Api-Nonce`).
        pub sign_headers: Text,
        /// How far a request timestamp may be from the gateway clock, in milliseconds.
        pub timestamp_window_ms: u64,
        /// How the app-token is obtained.
        pub token: TokenEndpoint,
        /// How a tenant's app credentials are obtained again after a rotation; `None`
        /// when the spec declares no such endpoint.
        pub authorize: Option<AuthorizeEndpoint>,
        /// HTTP status the gateway uses for its own rejections (519).
        pub gateway_status: u16,
        /// Code field of a gateway rejection body.
        pub gateway_code_field: Text,
        /// Message field of a gateway rejection body.
        pub gateway_message_field: Text,
        /// Chinese message field of a gateway rejection body.
        pub gateway_message_cn_field: Text,
    }
}

descriptor_struct! {
    /// Parameters of an MD5 body signature. Declared in the spec so that a user can
    /// correct the (vendor-unstated) convention without touching Rust.
    pub struct Md5SignScheme {
        /// Body field that carries the signature (`sign`); excluded from the signed string.
        pub field: Text,
        /// Drop parameters whose value is JSON null.
        pub skip_null: bool,
        /// Drop parameters whose value is the empty string.
        pub skip_empty: bool,
        /// Separator between `k=v` pairs (`&`).
        pub pair_separator: Text,
        /// Separator between key and value (`=`).
        pub kv_separator: Text,
        /// Appended to the joined pairs; `{key}` is replaced by the secret (`&key={key}`).
        pub secret_suffix: Text,
        /// Upper-case hex digest instead of lower-case.
        pub uppercase: bool,
        /// Verify the same signature on responses.
        pub verify_response: bool,
    }
}

descriptor_struct! {
    /// Parameters of a static bearer credential: one header carries a fixed token (with
    /// an optional prefix such as `Bearer `), nothing else is signed.
    pub struct BearerScheme {
        /// Header carrying the credential (`Authorization`).
        pub header: Text,
        /// Text before the token in the header value (`Bearer `).
        pub prefix: Text,
    }
}

/// Declares [`AuthScheme`] from one list of `spec name => Variant(parameters)`, with its
/// name and (feature `tokens`) its tokens, so a scheme is added by one line here plus its
/// parameter struct.
macro_rules! auth_schemes {
    ($( $(#[$meta:meta])* $name:ident => $variant:ident($params:ty), )*) => {
        /// Authentication and signing scheme of a service.
        // A descriptor is a `static` of generated code or built once per loaded spec, and
        // read by reference; boxing a variant would keep it out of `const` items.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum AuthScheme {
            $( $(#[$meta])* $variant($params), )*
        }

        impl AuthScheme {
            /// Every scheme name a spec may give in `auth.scheme`.
            pub const NAMES: &'static [&'static str] = &[$( stringify!($name), )*];

            /// The scheme's name as a spec's `auth.scheme` writes it; also the name of
            /// the runtime module that implements it (`retail_apis_runtime::schemes::<name>`).
            pub const fn name(&self) -> &'static str {
                match self {
                    $( AuthScheme::$variant(_) => stringify!($name), )*
                }
            }
        }

        #[cfg(feature = "tokens")]
        impl crate::tokens::Tokens for AuthScheme {
            fn tokens(&self) -> proc_macro2::TokenStream {
                match self {
                    $(
                        AuthScheme::$variant(params) => {
                            let params = crate::tokens::Tokens::tokens(params);
                            quote::quote!(rt::AuthScheme::$variant(#params))
                        }
                    )*
                }
            }
        }
    };
}

auth_schemes! {
    /// Kingdee API gateway: HMAC-SHA256 header signature plus an app-token.
    kingdee_gateway => KingdeeGateway(KingdeeGatewayScheme),
    /// MD5 over the sorted body parameters, carried in a body field (Shoubei).
    md5_body_sign => Md5BodySign(Md5SignScheme),
    /// A fixed token in one header.
    static_bearer => StaticBearer(BearerScheme),
}
