//! The text form of decimal amounts, shared by the spec loader (examples), the runtime
//! (`Amount`) and the sandbox (request checks), so all three accept the same strings.

/// The most significant digits a decimal amount may have: what a 96-bit decimal
/// (`rust_decimal`) holds exactly.
pub const MAX_DECIMAL_DIGITS: usize = 28;

/// Why a text is not a decimal amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecimalTextError {
    /// Empty text.
    Empty,
    /// A character other than an optional leading `-`, digits and one `.` between digits
    /// (no `+`, spaces, exponent, thousands separators or `_`).
    Syntax,
    /// More digits than [`MAX_DECIMAL_DIGITS`].
    TooManyDigits,
}

impl std::fmt::Display for DecimalTextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DecimalTextError::Empty => "an amount cannot be empty",
            DecimalTextError::Syntax => {
                "an amount is digits with an optional leading `-` and at most one `.` between \
                 digits (such as `12.30`)"
            }
            DecimalTextError::TooManyDigits => "an amount has at most 28 digits",
        })
    }
}

impl std::error::Error for DecimalTextError {}

/// Checks that `text` is a decimal amount as the vendors write them: `-?D+(.D+)?`, at
/// most [`MAX_DECIMAL_DIGITS`] digits. Leading zeros are allowed (a page sends `"001"`).
pub fn check_decimal_text(text: &str) -> Result<(), DecimalTextError> {
    if text.is_empty() {
        return Err(DecimalTextError::Empty);
    }
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return Err(DecimalTextError::Syntax);
    }
    if whole.len() + fraction.map_or(0, str::len) > MAX_DECIMAL_DIGITS {
        return Err(DecimalTextError::TooManyDigits);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_the_pages_send_and_nothing_else() {
        for good in ["0", "001", "100", "12.30", "-5", "0.01", "1000000"] {
            assert_eq!(check_decimal_text(good), Ok(()), "{good}");
        }
        for bad in [
            "abc", "1.", ".5", "+1", " 1", "1 ", "1e3", "1_000", "1,000", "--1", "1.2.3", "-",
            "０", "NaN",
        ] {
            assert_eq!(
                check_decimal_text(bad),
                Err(DecimalTextError::Syntax),
                "{bad}"
            );
        }
        assert_eq!(check_decimal_text(""), Err(DecimalTextError::Empty));
        let long = "9".repeat(29);
        assert_eq!(
            check_decimal_text(&long),
            Err(DecimalTextError::TooManyDigits)
        );
        assert_eq!(check_decimal_text(&long[1..]), Ok(()));
    }
}
