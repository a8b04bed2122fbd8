//! Descriptors as Rust expressions, for the generator to write them as `const` items.
//!
//! The expressions name types through `rt`, the alias every generated module declares
//! for the runtime crate (`use retail_apis_runtime as rt;`), which re-exports this crate.
//! Strings and lists become `Borrowed` values, so a generated constant costs no
//! allocation and references to it are promoted to `'static`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::{AuthScheme, Code, ErrorAction, HttpMethod, List, Processed, Text};

/// A descriptor value as the Rust expression that rebuilds it.
pub trait Tokens {
    /// The expression, naming descriptor types through `rt`.
    fn tokens(&self) -> TokenStream;
}

impl Tokens for Text {
    fn tokens(&self) -> TokenStream {
        let text: &str = self;
        quote!(rt::Text::Borrowed(#text))
    }
}

impl<T: Tokens + Clone> Tokens for List<T> {
    fn tokens(&self) -> TokenStream {
        let items = self.iter().map(Tokens::tokens);
        quote!(rt::List::Borrowed(&[#(#items),*]))
    }
}

impl<T: Tokens> Tokens for Option<T> {
    fn tokens(&self) -> TokenStream {
        match self {
            Some(value) => {
                let value = value.tokens();
                quote!(Some(#value))
            }
            None => quote!(None),
        }
    }
}

impl Tokens for bool {
    fn tokens(&self) -> TokenStream {
        quote!(#self)
    }
}

macro_rules! unsuffixed {
    ($($ty:ty => $lit:ident),*) => {$(
        impl Tokens for $ty {
            fn tokens(&self) -> TokenStream {
                let literal = Literal::$lit(*self);
                quote!(#literal)
            }
        }
    )*};
}
unsuffixed!(u16 => u16_unsuffixed, u64 => u64_unsuffixed, i64 => i64_unsuffixed);

impl Tokens for HttpMethod {
    fn tokens(&self) -> TokenStream {
        match self {
            HttpMethod::Get => quote!(rt::HttpMethod::Get),
            HttpMethod::Post => quote!(rt::HttpMethod::Post),
        }
    }
}

impl Tokens for Code {
    fn tokens(&self) -> TokenStream {
        match self {
            Code::Int(code) => {
                let code = code.tokens();
                quote!(rt::Code::Int(#code))
            }
            Code::Str(code) => {
                let code = code.tokens();
                quote!(rt::Code::Str(#code))
            }
        }
    }
}

impl Tokens for ErrorAction {
    fn tokens(&self) -> TokenStream {
        match self {
            ErrorAction::None => quote!(rt::ErrorAction::None),
            ErrorAction::RefreshToken => quote!(rt::ErrorAction::RefreshToken),
            ErrorAction::Reauthorize => quote!(rt::ErrorAction::Reauthorize),
        }
    }
}

impl Tokens for Processed {
    fn tokens(&self) -> TokenStream {
        match self {
            Processed::Never => quote!(rt::Processed::Never),
            Processed::Maybe => quote!(rt::Processed::Maybe),
        }
    }
}

impl Tokens for AuthScheme {
    fn tokens(&self) -> TokenStream {
        match self {
            AuthScheme::KingdeeGateway(scheme) => {
                let scheme = scheme.tokens();
                quote!(rt::AuthScheme::KingdeeGateway(#scheme))
            }
            AuthScheme::Md5BodySign(scheme) => {
                let scheme = scheme.tokens();
                quote!(rt::AuthScheme::Md5BodySign(#scheme))
            }
        }
    }
}

impl Tokens for crate::ServiceDescriptor {
    fn tokens(&self) -> TokenStream {
        let crate::ServiceDescriptor {
            name,
            base_url,
            auth,
            envelope,
            // Written as constants of their own beside the service (see the type's docs).
            errors: _,
            endpoints: _,
        } = self;
        let (name, base_url) = (name.tokens(), base_url.tokens());
        let (auth, envelope) = (auth.tokens(), envelope.tokens());
        quote! {
            rt::ServiceDescriptor {
                name: #name,
                base_url: #base_url,
                auth: #auth,
                envelope: #envelope,
                errors: rt::List::Borrowed(ERRORS),
                endpoints: rt::List::Borrowed(ENDPOINTS),
            }
        }
    }
}

/// `quote::ToTokens` for descriptor types, so they interpolate into `quote!` directly.
macro_rules! to_tokens {
    ($($ty:ty),*) => {$(
        impl quote::ToTokens for $ty {
            fn to_tokens(&self, out: &mut TokenStream) {
                out.extend(Tokens::tokens(self));
            }
        }
    )*};
}
to_tokens!(
    HttpMethod,
    Code,
    ErrorAction,
    Processed,
    AuthScheme,
    crate::EndpointDescriptor,
    crate::ResultCheck,
    crate::EnvelopeDescriptor,
    crate::ErrorCodeInfo,
    crate::ServiceDescriptor,
    crate::TokenEndpoint,
    crate::KingdeeGatewayScheme,
    crate::Md5SignScheme
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EndpointDescriptor, EnvelopeDescriptor, ResultCheck};

    #[test]
    fn text_and_lists_are_borrowed_expressions() {
        let text: Text = Text::Owned("a \"quoted\" 值".to_owned());
        assert_eq!(
            text.tokens().to_string(),
            r#"rt :: Text :: Borrowed ("a \"quoted\" 值")"#
        );
        let list: List<u16> = List::Owned(vec![1, 519]);
        assert_eq!(
            list.tokens().to_string(),
            "rt :: List :: Borrowed (& [1 , 519])"
        );
    }

    #[test]
    fn structs_list_every_field_in_order() {
        let endpoint = EndpointDescriptor {
            service: "jdy".into(),
            operation: "op".into(),
            method: HttpMethod::Post,
            path: "/p".into(),
            idempotency_key: Some("k".into()),
            idempotency_evidence: None,
            safe: false,
        };
        let text = endpoint.tokens().to_string();
        let fields = [
            "service :",
            "operation :",
            "method : rt :: HttpMethod :: Post",
            "path :",
            "idempotency_key : Some (rt :: Text :: Borrowed (\"k\"))",
            "idempotency_evidence : None",
            "safe : false",
        ];
        let mut from = 0;
        for field in fields {
            let at = text[from..]
                .find(field)
                .unwrap_or_else(|| panic!("`{field}` missing or out of order in {text}"));
            from += at + field.len();
        }
        let envelope = EnvelopeDescriptor {
            code_field: "errcode".into(),
            success_code: Code::Int(-3),
            message_field: "m".into(),
            data_field: None,
            result: Some(ResultCheck {
                field: "r".into(),
                success: "S".into(),
            }),
        };
        let text = envelope.tokens().to_string();
        assert!(
            text.contains("success_code : rt :: Code :: Int (- 3)"),
            "{text}"
        );
        assert!(
            text.contains("result : Some (rt :: ResultCheck {"),
            "{text}"
        );
    }
}
