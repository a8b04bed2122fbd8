//! A string that must not leak into logs, `Debug` output or error messages.

use std::fmt;

use secrecy::{ExposeSecret as _, SecretString};

/// A credential (client secret, app secret, app-token, signing key).
///
/// `Debug` and `Display` print `***`; the value is only reachable through
/// [`Secret::expose`], so every use is visible at the call site. The value lives in a
/// [`secrecy::SecretString`], whose memory is overwritten with zeros when the last owner
/// drops it (the `String` it was made from is moved in, not copied by this type).
#[derive(Clone, Default)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(SecretString::from(value.into()))
    }

    /// The wrapped value. Callers must not log or format it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(SecretString::from(value))
    }
}

/// The only field is a `SecretString`, which zeroizes its memory on drop.
impl secrecy::zeroize::ZeroizeOnDrop for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_formats_the_value() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(format!("{secret:#?}"), "***");
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn is_zeroized_on_drop() {
        fn zeroized_on_drop<T: secrecy::zeroize::ZeroizeOnDrop>(_: &T) {}
        let secret = Secret::new("hunter2");
        zeroized_on_drop(&secret);
        assert_eq!(secret.clone().expose(), "hunter2");
        assert!(Secret::default().is_empty());
    }
}
