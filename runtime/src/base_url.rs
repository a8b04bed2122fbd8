//! Checks on a configured base URL, made when a configuration or client is built so a
//! bad URL fails at once instead of on every attempt of every call.

/// `Ok` when `text` is an absolute http or https URL. The problem text never quotes the
/// URL: it can carry user info, and configuration errors end up in logs.
pub(crate) fn check(text: &str) -> Result<(), String> {
    let url =
        reqwest::Url::parse(text).map_err(|e| format!("is not a valid absolute URL ({e})"))?;
    match url.scheme() {
        "http" | "https" => Ok(()),
        _ => Err(String::from(
            "must be an http or https URL (other schemes are refused)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn only_http_and_https() {
        assert_eq!(check("https://api.kingdee.com"), Ok(()));
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
