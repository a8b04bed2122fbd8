//! The one description of a retail-apis service.
//!
//! A spec is loaded into these types once (by the generator's loader), and every part of
//! the product reads the same values:
//!
//! - the generator writes them into the generated client as `const` items, through
//!   their `ToTokens` (feature `tokens`);
//! - the runtime's clients read those constants at call time;
//! - the sandbox and the CLI read them from a spec loaded at run time.
//!
//! Strings and lists are [`Text`] and [`List`] (`Cow<'static, _>`): borrowed in generated
//! constants, owned when a spec is loaded at run time, so neither side copies the other
//! by hand nor leaks memory to obtain a `'static` string.

pub use auth::{
    AuthScheme, AuthorizeEndpoint, BearerScheme, KingdeeGatewayScheme, Md5SignScheme, TokenEndpoint,
};
pub use decimal::{check_decimal_text, DecimalTextError, MAX_DECIMAL_DIGITS};
pub use service::{
    Code, EndpointDescriptor, EnvelopeDescriptor, ErrorAction, ErrorCodeInfo, HttpMethod,
    Processed, ResultCheck, ServiceDescriptor,
};
#[cfg(feature = "tokens")]
pub use tokens::Tokens;

/// Text of a descriptor: borrowed in generated constants, owned when loaded at run time.
pub type Text = std::borrow::Cow<'static, str>;

/// A list in a descriptor: borrowed in generated constants, owned when loaded at run time.
pub type List<T> = std::borrow::Cow<'static, [T]>;

/// Declares a descriptor struct and, with feature `tokens`, its `ToTokens` from the same
/// field list, so a field added to a descriptor reaches generated code without a second
/// hand-written copy.
macro_rules! descriptor_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        #[cfg(feature = "tokens")]
        impl $crate::tokens::Tokens for $name {
            fn tokens(&self) -> proc_macro2::TokenStream {
                $( let $field = $crate::tokens::Tokens::tokens(&self.$field); )*
                quote::quote!(rt::$name { $( $field: #$field, )* })
            }
        }
    };
}

mod auth;
mod decimal;
mod service;
#[cfg(feature = "tokens")]
mod tokens;

#[cfg(test)]
mod tests {
    use super::*;

    const ENDPOINT: EndpointDescriptor = EndpointDescriptor {
        service: Text::Borrowed("demo"),
        operation: Text::Borrowed("op"),
        method: HttpMethod::Get,
        path: Text::Borrowed("/op"),
        idempotency_key: None,
        idempotency_evidence: None,
        safe: true,
    };

    const SERVICE: ServiceDescriptor = ServiceDescriptor {
        name: Text::Borrowed("demo"),
        base_url: Text::Borrowed("https://example.invalid"),
        auth: AuthScheme::StaticBearer(BearerScheme {
            header: Text::Borrowed("Authorization"),
            prefix: Text::Borrowed("Bearer "),
        }),
        envelope: EnvelopeDescriptor {
            code_field: Text::Borrowed("code"),
            success_code: Code::Int(0),
            message_field: Text::Borrowed("msg"),
            data_field: None,
            result: None,
        },
        errors: List::Borrowed(&[]),
        endpoints: List::Borrowed(&[ENDPOINT]),
    };

    /// Generated code passes `&SERVICE` and `&endpoints::X` where `'static` references
    /// are required: that only compiles while borrowed descriptors stay promotable.
    #[test]
    fn borrowed_constants_are_static() {
        let service: &'static ServiceDescriptor = &SERVICE;
        let endpoint: &'static EndpointDescriptor = &ENDPOINT;
        let name: &'static str = &service.name;
        assert_eq!(service.endpoint("op"), Some(endpoint));
        assert_eq!(name, "demo");
        assert_eq!(service.auth.name(), "static_bearer");
    }
}
