//! Every auth scheme the runtime implements, under the name a spec's `auth.scheme` gives
//! it. This list is the one place where a scheme's name meets its implementation:
//!
//! - generated clients name `schemes::<name>::Client` and `schemes::<name>::Config`, so
//!   the generator needs no knowledge of any scheme;
//! - [`AnyClient`] picks the scheme of a descriptor at run time, for tools that call or
//!   explain any service (`retail-apis call`, `retail-apis sign --explain`).
//!
//! Adding a scheme is one module implementing [`Scheme`] and one line here.

use serde_json::Value;

use crate::client::{Client, ClientConfig, ExplainError, Explained, Reproduce, Scheme};
use crate::descriptor::{EndpointDescriptor, ServiceDescriptor};
use crate::error::Error;

macro_rules! schemes {
    ($( $name:ident => $variant:ident($scheme:ty) ),* $(,)?) => {
        $(
            #[doc = concat!("The `", stringify!($name), "` auth scheme.")]
            pub mod $name {
                /// The scheme.
                pub type Scheme = $scheme;
                /// Its credentials and settings.
                pub type Config = <$scheme as crate::client::Scheme>::Config;
                /// A client signing with it.
                pub type Client = crate::client::Client<$scheme>;
                /// One tenant's credentials, for `Client::for_tenant`.
                pub type Tenant = <$scheme as crate::client::Scheme>::Tenant;
            }
        )*

        /// A client of any service, with the scheme its descriptor declares.
        #[derive(Clone, Debug)]
        pub enum AnyClient {
            $(
                #[doc = concat!("A `", stringify!($name), "` client.")]
                $variant(Client<$scheme>),
            )*
        }

        impl AnyClient {
            /// A client of `service`, configured from the environment variables of its
            /// scheme; the error names the first missing variable.
            pub fn from_env(service: &'static ServiceDescriptor) -> Result<AnyClient, Error> {
                let name = service.auth.name();
                $(
                    if name == stringify!($name) {
                        let config = <<$scheme as Scheme>::Config as ClientConfig>::from_env()?;
                        return Client::<$scheme>::new(service, config).map(AnyClient::$variant);
                    }
                )*
                Err(Error::config(format!("no client implements the auth scheme `{name}`")))
            }

            /// [`Client::call_value`] of the client inside.
            pub async fn call_value(
                &self,
                endpoint: &'static EndpointDescriptor,
                request: Value,
            ) -> Result<Value, Error> {
                match self {
                    $( AnyClient::$variant(client) => client.call_value(endpoint, request).await, )*
                }
            }

            /// [`Client::explain`] of the client inside.
            pub fn explain(
                &self,
                endpoint: &'static EndpointDescriptor,
                request: Value,
                reproduce: Reproduce,
            ) -> Result<Explained, ExplainError> {
                match self {
                    $( AnyClient::$variant(client) => client.explain(endpoint, request, reproduce), )*
                }
            }
        }
    };
}

schemes! {
    kingdee_gateway => KingdeeGateway(crate::jdy::KingdeeGateway),
    md5_body_sign => Md5BodySign(crate::shoubei::Md5BodySign),
    static_bearer => StaticBearer(crate::bearer::StaticBearer),
}
