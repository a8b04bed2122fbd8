//! Checks on a configured base URL, made when a configuration or client is built so a
//! bad URL fails at once instead of on every attempt of every call.

/// Whether this build speaks TLS: one of the crate's TLS features is on.
const TLS: bool = cfg!(any(
    feature = "rustls-webpki-roots",
    feature = "rustls-native-roots",
    feature = "native-tls"
));

/// `Ok` when `text` is an absolute http or https URL, https only when the build has TLS
/// (otherwise every call would fail on the network with a less telling error). The problem
/// text never quotes the URL: it can carry user info, and configuration errors end up in
/// logs.
pub(crate) fn check(text: &str) -> Result<(), String> {
    let url =
        reqwest::Url::parse(text).map_err(|e| format!("is not a valid absolute URL ({e})"))?;
    match url.scheme() {
        "https" if !TLS => Err(String::from(
            "is https, but this build has no TLS: enable the `rustls-webpki-roots`, \
             `rustls-native-roots` or `native-tls` feature of retail-apis",
        )),
        "http" | "https" => Ok(()),
        _ => Err(String::from(
            "must be an http or https URL (other schemes are refused)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    /// https needs one of the TLS features; `cargo test --no-default-features` checks the
    /// refusal.
    #[test]
    fn https_only_with_a_tls_feature() {
        let https = check("https://api.kingdee.com");
        assert_eq!(https.is_ok(), super::TLS, "{https:?}");
        if let Err(problem) = https {
            assert!(problem.contains("`rustls-webpki-roots`"), "{problem}");
        }
        assert_eq!(check("http://127.0.0.1:8080"), Ok(()));
    }

    #[test]
    fn only_http_and_https() {
        if super::TLS {
            assert_eq!(check("https://api.kingdee.com"), Ok(()));
        }
        assert_eq!(check("http://127.0.0.1:8080/base/"), Ok(()));
        for bad in [
            "ftp://user:hunter2@files.example",
            "file:///etc/passwd",
            "ws://gateway.example",
            "api.kingdee.com",
            "",
        ] {
            let problem = check(bad).err().unwrap_or_default();
            assert!(!problem.is_empty(), "{bad} accepted");
            assert!(!problem.contains("hunter2") && !problem.contains("files.example"));
        }
    }
}
