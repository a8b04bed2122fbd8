//! Decimal amounts that travel as the vendor's JSON strings.

use std::fmt;
use std::str::FromStr;

use retail_apis_descriptor::{check_decimal_text, DecimalTextError};
pub use rust_decimal::Decimal;

/// A decimal amount (spec type `amount`), sent and received as a JSON string, as both
/// vendors write amounts (`"bal_amount": "100.50"`, `"amount": "1000"` in fen).
///
/// The value is a [`Decimal`], so text that is not a number (`"abc"`, `"1e3"`, `" 1"`)
/// cannot be sent: it is refused when the `Amount` is made, and a response carrying one
/// fails to decode with the field named. The text is kept as it was given or received,
/// so an amount goes back on the wire byte for byte (`"001"` stays `"001"`, `"5.00"`
/// keeps its zeros) and signatures over it still match.
///
/// Reading is lenient where writing is strict, as for the generated enums: an amount
/// received as a JSON number (`12.5` where the page says `"12.5"`) is read from the
/// number's text (an integer exactly; a fraction as the shortest text that reads back as
/// the same `f64`), and it is always written back as a string.
///
/// ```
/// use retail_apis_runtime::{Amount, Decimal};
///
/// let amount: Amount = "12.30".parse()?;
/// assert_eq!(amount.decimal(), Decimal::new(1230, 2));
/// assert_eq!(amount.as_str(), "12.30");
/// assert_eq!(Amount::from(500).as_str(), "500");
/// assert!("12,30".parse::<Amount>().is_err());
/// # Ok::<(), retail_apis_runtime::AmountError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Amount {
    text: String,
    value: Decimal,
}

/// Why a text is not an [`Amount`]; it never repeats the text (an amount may be
/// confidential to the caller's business).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AmountError(DecimalTextError);

impl Amount {
    /// The amount written as `text`: digits with an optional leading `-` and at most
    /// one `.` between digits, at most 28 digits.
    pub fn new(text: impl Into<String>) -> Result<Amount, AmountError> {
        let text = text.into();
        check_decimal_text(&text).map_err(AmountError)?;
        // The syntax check leaves only texts `Decimal` reads exactly.
        let value = Decimal::from_str_exact(&text)
            .map_err(|_| AmountError(DecimalTextError::TooManyDigits))?;
        Ok(Amount { text, value })
    }

    /// The value.
    pub fn decimal(&self) -> Decimal {
        self.value
    }

    /// The text sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl From<Decimal> for Amount {
    /// The amount of `value`, written as [`Decimal`]'s `Display` writes it (its scale
    /// kept: `5.00` stays `5.00`).
    fn from(value: Decimal) -> Amount {
        Amount {
            text: value.to_string(),
            value,
        }
    }
}

macro_rules! from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Amount {
            /// The whole amount `value` (fen, for the services that count in fen).
            fn from(value: $t) -> Amount {
                Amount::from(Decimal::from(value))
            }
        }
    )*};
}
from_integer!(i32, i64, u32, u64);

impl FromStr for Amount {
    type Err = AmountError;

    fn from_str(text: &str) -> Result<Amount, AmountError> {
        Amount::new(text)
    }
}

impl TryFrom<&str> for Amount {
    type Error = AmountError;

    fn try_from(text: &str) -> Result<Amount, AmountError> {
        Amount::new(text)
    }
}

impl TryFrom<String> for Amount {
    type Error = AmountError;

    fn try_from(text: String) -> Result<Amount, AmountError> {
        Amount::new(text)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({:?})", self.text)
    }
}

impl serde::Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Amount, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Amount;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal amount as a string, such as \"12.30\"")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Amount, E> {
                Amount::new(text).map_err(E::custom)
            }

            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Amount, E> {
                Amount::new(text).map_err(E::custom)
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Amount, E> {
                Ok(Amount::from(value))
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Amount, E> {
                Ok(Amount::from(value))
            }

            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Amount, E> {
                // Rust's `f64` Display is the shortest text that reads back as the same
                // value, never an exponent; NaN and infinities are refused by the check.
                Amount::new(value.to_string()).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keeps_the_text_and_refuses_what_is_not_a_number() {
        let amount = Amount::new("001").expect("an amount");
        assert_eq!(amount.decimal(), Decimal::ONE);
        assert_eq!(
            serde_json::to_string(&amount).expect("serialises"),
            "\"001\""
        );
        for bad in ["abc", "", "1e3", " 1", "1.", "+1"] {
            assert!(Amount::new(bad).is_err(), "{bad:?}");
        }
        assert!(Amount::new("9".repeat(29)).is_err());
        assert_eq!(Amount::from(Decimal::new(500, 2)).as_str(), "5.00");
        assert_eq!(Amount::from(-7i64).as_str(), "-7");
    }

    #[test]
    fn decodes_only_strings_and_names_the_rule() {
        let amount: Amount = serde_json::from_str("\"5.00\"").expect("decodes");
        assert_eq!(amount.as_str(), "5.00");
        let number: Amount = serde_json::from_str("12.5").expect("a number is read");
        assert_eq!(
            (number.as_str(), number.decimal()),
            ("12.5", Decimal::new(125, 1))
        );
        assert_eq!(
            serde_json::to_string(&number).expect("serialises"),
            "\"12.5\"",
            "written back as the documented string"
        );
        let whole: Amount = serde_json::from_str("-700").expect("an integer is read");
        assert_eq!(whole.as_str(), "-700");
        let other = serde_json::from_str::<Amount>("true").expect_err("a boolean is refused");
        assert!(other.to_string().contains("a decimal amount as a string"));
        let text = serde_json::from_str::<Amount>("\"12,30\"").expect_err("refused");
        assert!(text.to_string().contains("digits"), "{text}");
        assert!(!text.to_string().contains("12,30"), "{text}");
    }

    proptest! {
        /// Every amount written from a `Decimal` reads back as the same value and text.
        #[test]
        fn decimal_text_round_trips(mantissa in any::<i64>(), scale in 0u32..=18) {
            let value = Decimal::new(mantissa, scale);
            let amount = Amount::from(value);
            let back: Amount = serde_json::from_str(
                &serde_json::to_string(&amount).expect("serialises"),
            ).expect("decodes");
            prop_assert_eq!(back.decimal(), value);
            prop_assert_eq!(back.as_str(), amount.as_str());
        }

        /// Arbitrary text either is refused or reads as the value `Decimal` gives it.
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
            if let Ok(amount) = Amount::new(text.clone()) {
                prop_assert_eq!(amount.as_str(), text.as_str());
                prop_assert_eq!(Some(amount.decimal()), Decimal::from_str_exact(&text).ok());
            }
        }
    }
}
