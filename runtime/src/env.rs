//! Reading configuration from environment variables.

use crate::error::Error;
use crate::secret::Secret;

/// A variable that must be set and non-empty; the error names it (never a value).
pub(crate) fn required(name: &str) -> Result<String, Error> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value),
        Ok(_) => Err(Error::config(format!(
            "environment variable {name} is empty"
        ))),
        Err(std::env::VarError::NotPresent) => Err(Error::config(format!(
            "environment variable {name} is not set"
        ))),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::config(format!(
            "environment variable {name} is not valid UTF-8"
        ))),
    }
}

/// A required variable holding a credential.
pub(crate) fn required_secret(name: &str) -> Result<Secret, Error> {
    required(name).map(Secret::from)
}

/// An optional variable; unset, empty and blank all mean `None`.
pub(crate) fn optional(name: &str) -> Result<Option<String>, Error> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(Some(value)),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::config(format!(
            "environment variable {name} is not valid UTF-8"
        ))),
    }
}

/// An optional base URL, which must be http or https; the error names the variable,
/// never its value.
pub(crate) fn optional_base_url(name: &str) -> Result<Option<String>, Error> {
    let value = optional(name)?;
    if let Some(url) = &value {
        crate::base_url::check(url)
            .map_err(|problem| Error::config(format!("environment variable {name} {problem}")))?;
    }
    Ok(value)
}
