//! What a call carries: the app-token and the header value made from it once.

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderValue;

use crate::secret::Secret;

/// An app-token handed to a call, with the generation that identifies it when the
/// service rejects it. Cheap to clone: every call shares the cached token.
#[derive(Clone, Debug)]
pub struct Lease {
    pub(crate) token: Arc<Token>,
    pub(crate) generation: u64,
}

impl Lease {
    /// A lease of a token obtained outside the client's cache, to build and sign a
    /// request without I/O ([`Client::signed_request`](crate::Client::signed_request)).
    /// Its generation is 0, which the cache never hands out, so invalidating it drops
    /// no cached token.
    #[doc(hidden)]
    pub fn unmanaged(token: Secret) -> Lease {
        Lease::new(token, 0)
    }

    pub(super) fn new(token: Secret, generation: u64) -> Lease {
        Lease {
            token: Arc::new(Token::new(token)),
            generation,
        }
    }
}

/// An app-token and the `app-token` header value carrying it, made once per token
/// rather than once per request.
pub(crate) struct Token {
    pub(crate) secret: Secret,
    /// Marked sensitive; `None` when the token is not a valid header value, which
    /// signing then reports as it reports any other invalid value.
    pub(crate) header: Option<HeaderValue>,
}

impl Token {
    fn new(secret: Secret) -> Token {
        let header = HeaderValue::from_str(secret.expose())
            .ok()
            .map(|mut value| {
                value.set_sensitive(true);
                value
            });
        Token { secret, header }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Secret` prints masked; the header value holds the same token.
        f.debug_struct("Token")
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}
