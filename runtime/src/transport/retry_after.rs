//! The `Retry-After` header (RFC 9110, section 10.2.3): how long a server asks a client to
//! wait before repeating a request.
//!
//! The value comes from the server, so it is read defensively: anything that is neither
//! delta-seconds nor an HTTP-date is ignored, a date in the past means "now", and a
//! huge value is clamped so that no arithmetic on it can overflow. Whether the client
//! waits that long is the call deadline's business ([`TransportConfig::deadline`]).
//!
//! [`TransportConfig::deadline`]: super::TransportConfig::deadline

use std::time::{Duration, SystemTime};

/// The longest wait a `Retry-After` is read as. Longer demands are clamped to it: an hour
/// is past any sensible call deadline, so the call ends instead of waiting, and the error
/// still says the server asked for a long wait.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// The wait a `Retry-After` value asks for, measured from `now`; `None` for a value that
/// is neither delta-seconds nor an HTTP-date.
pub(crate) fn parse(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Any number of digits: a value too long for u64 is still a (huge) number of
        // seconds, which the clamp turns into the maximum.
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    // A date in the past (or a clock behind the server's) asks for no wait at all.
    Some(
        date.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

/// The wait the `Retry-After` header of `headers` asks for, if it has a readable one.
pub(crate) fn from_headers(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    parse(value, SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> SystemTime {
        // Tue, 15 Nov 1994 08:12:31 GMT, the example date of RFC 9110.
        SystemTime::UNIX_EPOCH + Duration::from_secs(784_887_151)
    }

    #[test]
    fn delta_seconds() {
        assert_eq!(parse("1", now()), Some(Duration::from_secs(1)));
        assert_eq!(parse(" 120 ", now()), Some(Duration::from_secs(120)));
        assert_eq!(parse("0", now()), Some(Duration::ZERO));
    }

    #[test]
    fn http_dates_in_all_three_formats() {
        let in_ten = Some(Duration::from_secs(10));
        assert_eq!(parse("Tue, 15 Nov 1994 08:12:41 GMT", now()), in_ten);
        assert_eq!(parse("Tuesday, 15-Nov-94 08:12:41 GMT", now()), in_ten);
        assert_eq!(parse("Tue Nov 15 08:12:41 1994", now()), in_ten);
    }

    #[test]
    fn a_past_date_asks_for_no_wait() {
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:49:37 GMT", now()),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn huge_values_are_clamped() {
        assert_eq!(parse("86400000", now()), Some(MAX_RETRY_AFTER));
        assert_eq!(
            parse("99999999999999999999999999999999", now()),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(
            parse("Fri, 31 Dec 9999 23:59:59 GMT", now()),
            Some(MAX_RETRY_AFTER)
        );
    }

    #[test]
    fn garbage_is_ignored() {
        for value in [
            "",
            "soon",
            "-5",
            "+5",
            "1.5",
            "1e3",
            "5 s",
            "Tue, 32 Nov 1994 08:12:41 GMT",
            "\u{0}",
        ] {
            assert_eq!(parse(value, now()), None, "{value:?}");
        }
    }
}
