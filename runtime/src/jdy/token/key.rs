//! Which tenant a token belongs to, as the name a shared store files it under.

use std::fmt;

use sha2::{Digest as _, Sha256};

/// The name a [`TokenStore`](super::TokenStore) files one tenant's app-token under:
/// `retail-apis:app-token:<service>:<hex>`, the hex being a SHA-256 of the client id,
/// app key and domain. It holds no secret, so it may be logged.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TokenKey(String);

impl TokenKey {
    /// The key as text, for a store that names entries with strings.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The key of the tenant that `client_id`, `app_key` and `domain` name at `service`.
///
/// The gateway issues an app-token per application (client id) and tenant app (app
/// key, routed by domain), so these are what tell two tenants apart: clients that agree
/// on all of them share a token, in one process or in many, and clients of different
/// tenants never do, even when they share a store and a connection. No secret goes in
/// (the app secret signs the token request and is not part of whose token it is). The
/// parts are hashed, each after its length, so that no choice of characters makes two
/// tenants' keys equal and every key has the same length; the service name stays
/// readable for whoever looks into the store.
pub(crate) fn token_key(service: &str, client_id: &str, app_key: &str, domain: &str) -> TokenKey {
    let mut hash = Sha256::new();
    for part in [client_id, app_key, domain] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    let digest = hash.finalize();
    let mut hex = [0u8; 64];
    let hex = crate::hex::encode_into(&digest, false, &mut hex);
    TokenKey(format!(
        "retail-apis:app-token:{service}:{}",
        String::from_utf8_lossy(hex)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenants_differ_and_parts_cannot_be_shifted() {
        let key = |c, a, d| token_key("jdy", c, a, d);
        let base = key("205022", "app", "https://tf.jdy.com");
        assert_eq!(base, key("205022", "app", "https://tf.jdy.com"));
        assert_ne!(base, key("205023", "app", "https://tf.jdy.com"));
        assert_ne!(base, key("205022", "app2", "https://tf.jdy.com"));
        assert_ne!(base, key("205022", "app", "https://tf2.jdy.com"));
        assert_ne!(key("ab", "c", "d"), key("a", "bc", "d"));
        assert_ne!(
            base,
            token_key("other", "205022", "app", "https://tf.jdy.com")
        );
        assert!(base.as_str().starts_with("retail-apis:app-token:jdy:"));
        assert_eq!(base.as_str().len(), "retail-apis:app-token:jdy:".len() + 64);
    }
}
