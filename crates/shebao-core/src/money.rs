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

impl std::str::FromStr for Amount {
    type Err = rust_decimal::Error;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self::from_decimal(text.parse::<Decimal>()?))
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
            .pattern(Some(r"^-?[0-9]+\.[0-9]{2}$"))
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
    fn should_serialize_as_a_two_place_string() {
        let amount: Amount = serde_json::from_str("\"991\"").unwrap();
        assert_eq!(serde_json::to_string(&amount).unwrap(), "\"991.00\"");
        assert_eq!(amount.fen(), 99100);
        assert_eq!(Amount::from_fen(99100), amount);
    }
}
