//! Money: yuan with two decimal places, rounded half up (away from zero) to the fen, carried
//! as a decimal string on the wire.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount in yuan with exactly two decimal places; on the wire a decimal string such as
/// `"991.00"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = String))]
pub struct Amount(Decimal);

impl Amount {
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// Rounds half up (away from zero) to the fen; `rust_decimal`'s default is banker's.
    pub fn from_decimal(value: Decimal) -> Self {
        let mut rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        rounded.rescale(2);
        Self(rounded)
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// Whole fen, as the certificate payload carries them.
    pub fn fen(self) -> i64 {
        let fen = self.0 * Decimal::ONE_HUNDRED;
        fen.mantissa() as i64 / 10_i64.pow(fen.scale())
    }

    pub fn from_fen(fen: i64) -> Self {
        Self::from_decimal(Decimal::new(fen, 2))
    }
}

impl std::ops::Add for Amount {
    type Output = Amount;
    fn add(self, other: Amount) -> Amount {
        Amount::from_decimal(self.0 + other.0)
    }
}

impl std::ops::Sub for Amount {
    type Output = Amount;
    fn sub(self, other: Amount) -> Amount {
        Amount::from_decimal(self.0 - other.0)
    }
}

impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::ZERO, |a, b| a + b)
    }
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

/// Why a wire amount was refused; the message never repeats the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmountFormatError;

/// The message of a refused wire amount, also what the gateway tells the client.
pub const AMOUNT_FORMAT: &str = "must be a plain decimal string such as \"4955.00\": digits, at most two after the point, no sign, exponent, separators or spaces";

impl std::fmt::Display for AmountFormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(AMOUNT_FORMAT)
    }
}

impl std::error::Error for AmountFormatError {}

/// The message of a refused wire rate or share (e.g. a grade).
pub const DECIMAL_FORMAT: &str = "must be a plain decimal string such as \"0.60\": digits, optionally a point and more digits, no sign, exponent, separators or spaces";

/// Parses a plain decimal string as the wire carries it: digits, then optionally a point and
/// at most `max_fraction` digits. No sign, exponent, separators or whitespace, and no rounding.
pub fn parse_plain_decimal(text: &str, max_fraction: usize) -> Option<Decimal> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    if !digits(whole)
        || fraction.is_some_and(|fraction| !digits(fraction) || fraction.len() > max_fraction)
    {
        return None;
    }
    Decimal::from_str_exact(text).ok()
}

/// A wire amount: a plain decimal string with at most two places (`"4955"`, `"4955.5"`,
/// `"4955.00"`); anything else is refused rather than rounded.
impl std::str::FromStr for Amount {
    type Err = AmountFormatError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_plain_decimal(text, 2)
            .map(Self::from_decimal)
            .ok_or(AmountFormatError)
    }
}

/// Serde for a wire rate or share (`Option<Decimal>`) as a plain decimal string.
pub mod plain_decimal_option {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        value: &Option<Decimal>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.collect_str(value),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Decimal>, D::Error> {
        let Some(text) = Option::<String>::deserialize(deserializer)? else {
            return Ok(None);
        };
        super::parse_plain_decimal(&text, 28)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(super::DECIMAL_FORMAT))
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// On the wire: a decimal string with exactly two places, e.g. `"991.00"`.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Amount {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .pattern(Some(r"^[0-9]+\.[0-9]{2}$"))
            .description(Some("Yuan as a decimal string with exactly two places"))
            .examples(["991.00"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Amount {}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn should_round_half_up_not_to_even() {
        assert_eq!(Amount::from_decimal(dec!(0.125)).to_string(), "0.13");
        assert_eq!(Amount::from_decimal(dec!(0.135)).to_string(), "0.14");
        assert_eq!(Amount::from_decimal(dec!(1000.006)).to_string(), "1000.01");
    }

    #[test]
    fn should_refuse_wire_amounts_that_are_not_plain_two_place_decimals() {
        for text in [
            "4954.995",
            "5000.009",
            "+6_606.4999",
            "1e4",
            "5_000",
            "-1.00",
            " 5000",
            "5000 ",
            "",
            ".",
            ".50",
            "5000.",
            "0x10",
            "5,000",
            "NaN",
            "５０００",
        ] {
            assert!(text.parse::<Amount>().is_err(), "{text:?} was accepted");
            assert!(serde_json::from_str::<Amount>(&format!("{text:?}")).is_err());
        }
        for (text, shown) in [
            ("4955", "4955.00"),
            ("4955.5", "4955.50"),
            ("4955.00", "4955.00"),
        ] {
            assert_eq!(text.parse::<Amount>().unwrap().to_string(), shown);
        }
    }

    #[test]
    fn should_refuse_rates_with_signs_or_exponents() {
        assert_eq!(parse_plain_decimal("0.60", 28), Some(dec!(0.60)));
        for text in ["6e-1", "+0.6", "-0.6", "0_6", " 0.6", "0.", ".6"] {
            assert_eq!(parse_plain_decimal(text, 28), None, "{text:?} was accepted");
        }
    }

    #[test]
    fn should_serialize_as_a_two_place_string() {
        let amount: Amount = serde_json::from_str("\"991\"").unwrap();
        assert_eq!(serde_json::to_string(&amount).unwrap(), "\"991.00\"");
        assert_eq!(amount.fen(), 99100);
        assert_eq!(Amount::from_fen(99100), amount);
    }
}
