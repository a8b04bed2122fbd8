//! Exact decimal money amounts, kept in cents so that balances never drift.

use std::fmt;

/// An amount of money in cents. JDY sends amounts as decimal strings (`"100.00"`, `"001"`),
/// so they are parsed exactly instead of going through floating point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(i64);

impl Amount {
    /// Zero.
    pub const ZERO: Amount = Amount(0);

    /// An amount of `cents` cents.
    pub const fn from_cents(cents: i64) -> Amount {
        Amount(cents)
    }

    /// The amount in cents.
    pub const fn cents(self) -> i64 {
        self.0
    }

    /// Parses a decimal string with at most two fraction digits (`"12"`, `"001"`, `"-3.5"`,
    /// `"0.01"`). Anything else — exponents, extra digits, spaces, empty parts — is `None`,
    /// because silently rounding money is worse than rejecting it.
    pub fn parse(text: &str) -> Option<Amount> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (whole, fraction) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        if digits.ends_with('.') || fraction.len() > 2 {
            return None;
        }
        if !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let whole_value: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let fraction_value: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().ok()? * 10,
            _ => fraction.parse().ok()?,
        };
        let cents = whole_value.checked_mul(100)?.checked_add(fraction_value)?;
        Some(Amount(if negative { -cents } else { cents }))
    }

    /// `self + other`, `None` on overflow.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::Amount;

    #[test]
    fn parses_exact_cents() {
        assert_eq!(Amount::parse("001"), Some(Amount::from_cents(100)));
        assert_eq!(Amount::parse("100.00"), Some(Amount::from_cents(10_000)));
        assert_eq!(Amount::parse("0.1"), Some(Amount::from_cents(10)));
        assert_eq!(Amount::parse(".5"), Some(Amount::from_cents(50)));
        assert_eq!(Amount::parse("-3.25"), Some(Amount::from_cents(-325)));
        assert_eq!(
            Amount::parse("0.01").map(|a| a.to_string()),
            Some("0.01".into())
        );
    }

    #[test]
    fn rejects_non_amounts() {
        for bad in [
            "",
            ".",
            "1.",
            "1.234",
            "abc",
            "1e3",
            " 1",
            "1,00",
            "--1",
            "99999999999999999999",
        ] {
            assert_eq!(Amount::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn displays_with_two_decimals() {
        assert_eq!(Amount::from_cents(0).to_string(), "0.00");
        assert_eq!(Amount::from_cents(-5).to_string(), "-0.05");
        assert_eq!(Amount::from_cents(123_456).to_string(), "1234.56");
    }
}
