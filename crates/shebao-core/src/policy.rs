//! The contribution policy table (figures by effective month range, each with its source and
//! status) and the arithmetic that prices contributions from it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::{Amount, ErrorCode, YearMonth};

/// How sure we are of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureStatus {
    Confirmed,
    Unconfirmed,
    Provisional,
}

/// An insurance item (征收项目).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsuranceItem {
    Pension,
    Medical,
}

impl InsuranceItem {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pension => "pension",
            Self::Medical => "medical",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct PolicyEntry {
    pub from: YearMonth,
    pub to: YearMonth,
    pub average_wage: Decimal,
    pub base_lower: Decimal,
    pub base_upper: Decimal,
    pub status: FigureStatus,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ItemRule {
    pub item: InsuranceItem,
    pub name: String,
    pub rate: Decimal,
    pub personal_share: Decimal,
    pub enabled: bool,
    pub status: FigureStatus,
    pub source: String,
}

/// A region's policy table, validated on load.
#[derive(Debug, Clone, Deserialize)]
pub struct PolicyTable {
    pub region: String,
    pub region_name: String,
    pub allow_provisional: bool,
    #[serde(rename = "entry")]
    pub entries: Vec<PolicyEntry>,
    #[serde(rename = "item")]
    pub items: Vec<ItemRule>,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("policy table does not parse: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("policy table is inconsistent: {0}")]
    Invalid(String),
}

/// The figures that apply to one month, with the status the amounts computed from them carry.
#[derive(Debug, Clone)]
pub struct MonthPolicy<'a> {
    pub entry: &'a PolicyEntry,
    pub status: FigureStatus,
}

/// One month of one item, priced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributionLine {
    pub month: YearMonth,
    pub item: InsuranceItem,
    pub base: Amount,
    pub rate: Decimal,
    pub amount: Amount,
    pub personal: Amount,
    pub pooled: Amount,
    pub policy_status: FigureStatus,
}

const NINGXIA: &str = include_str!("../policy/ningxia.toml");

impl PolicyTable {
    /// The Ningxia table shipped with this build.
    pub fn ningxia() -> Result<Self, PolicyError> {
        Self::parse(NINGXIA)
    }

    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let table: PolicyTable = toml::from_str(text)?;
        table.validate()?;
        Ok(table)
    }

    fn validate(&self) -> Result<(), PolicyError> {
        let invalid = |what: String| Err(PolicyError::Invalid(what));
        if self.entries.is_empty() {
            return invalid("no entries".into());
        }
        for pair in self.entries.windows(2) {
            if pair[1].from <= pair[0].to {
                return invalid(format!(
                    "entries overlap or are unordered at {}",
                    pair[1].from
                ));
            }
        }
        for entry in &self.entries {
            if entry.from > entry.to || entry.base_lower <= Decimal::ZERO {
                return invalid(format!("entry {} has a bad range or base", entry.from));
            }
            if entry.base_lower > entry.base_upper {
                return invalid(format!("entry {} has lower above upper", entry.from));
            }
            if entry.status == FigureStatus::Provisional {
                return invalid(format!(
                    "entry {} is marked provisional in the file",
                    entry.from
                ));
            }
        }
        for item in &self.items {
            let share_ok = item.personal_share >= Decimal::ZERO && item.personal_share <= item.rate;
            if item.rate <= Decimal::ZERO || item.rate >= Decimal::ONE || !share_ok {
                return invalid(format!("item {} has a bad rate", item.item.as_str()));
            }
            if item.enabled && item.status == FigureStatus::Unconfirmed {
                return invalid(format!(
                    "item {} is enabled but unconfirmed",
                    item.item.as_str()
                ));
            }
        }
        Ok(())
    }

    /// The figures for `month`: a covering entry, or the last entry as a provisional one when
    /// the table allows it, or `policy_not_published`.
    pub fn for_month(&self, month: YearMonth) -> Result<MonthPolicy<'_>, ErrorCode> {
        if let Some(entry) = self
            .entries
            .iter()
            .find(|e| e.from <= month && month <= e.to)
        {
            return Ok(MonthPolicy {
                entry,
                status: entry.status,
            });
        }
        match self.entries.last() {
            Some(last) if self.allow_provisional && month > last.to => Ok(MonthPolicy {
                entry: last,
                status: FigureStatus::Provisional,
            }),
            _ => Err(ErrorCode::PolicyNotPublished),
        }
    }

    pub fn item(&self, item: InsuranceItem) -> Option<&ItemRule> {
        self.items
            .iter()
            .find(|rule| rule.item == item && rule.enabled)
    }

    /// Prices `item` at `base` for every month from `first` to `last`: one line a month.
    /// A base outside the month's range is refused, never clamped.
    pub fn price(
        &self,
        item: InsuranceItem,
        base: Amount,
        first: YearMonth,
        last: YearMonth,
    ) -> Result<Vec<ContributionLine>, ErrorCode> {
        let rule = self.item(item).ok_or(ErrorCode::ValidationFailed)?;
        let months = first.count_through(last);
        if months == 0 {
            return Err(ErrorCode::ValidationFailed);
        }
        (0..i64::from(months))
            .map(|offset| {
                let month = first.plus(offset).ok_or(ErrorCode::ValidationFailed)?;
                let policy = self.for_month(month)?;
                let base_value = base.decimal();
                if base_value < policy.entry.base_lower || base_value > policy.entry.base_upper {
                    return Err(ErrorCode::BaseOutOfRange);
                }
                let amount = Amount::from_decimal(base_value * rule.rate);
                let personal = Amount::from_decimal(base_value * rule.personal_share);
                let status = worst(policy.status, rule.status);
                Ok(ContributionLine {
                    month,
                    item,
                    base,
                    rate: rule.rate,
                    amount,
                    personal,
                    pooled: amount - personal,
                    policy_status: status,
                })
            })
            .collect()
    }
}

/// The weaker of two statuses: provisional beats unconfirmed beats confirmed.
pub fn worst(a: FigureStatus, b: FigureStatus) -> FigureStatus {
    use FigureStatus::*;
    match (a, b) {
        (Provisional, _) | (_, Provisional) => Provisional,
        (Unconfirmed, _) | (_, Unconfirmed) => Unconfirmed,
        _ => Confirmed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn month(text: &str) -> YearMonth {
        text.parse().unwrap()
    }

    #[test]
    fn should_price_2025_lowest_base_at_991() {
        let table = PolicyTable::ningxia().unwrap();
        let lines = table
            .price(
                InsuranceItem::Pension,
                Amount::from_decimal(dec!(4955)),
                month("2025-06"),
                month("2025-06"),
            )
            .unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].amount.to_string(), "991.00");
        assert_eq!(lines[0].personal.to_string(), "396.40");
        assert_eq!(lines[0].pooled.to_string(), "594.60");
        assert_eq!(lines[0].policy_status, FigureStatus::Confirmed);
    }

    #[test]
    fn should_price_2024_lowest_base_at_970_60() {
        let table = PolicyTable::ningxia().unwrap();
        let lines = table
            .price(
                InsuranceItem::Pension,
                Amount::from_decimal(dec!(4853)),
                month("2024-03"),
                month("2024-03"),
            )
            .unwrap();
        assert_eq!(lines[0].amount.to_string(), "970.60");
    }

    #[test]
    fn should_split_so_personal_and_pooled_add_up() {
        let table = PolicyTable::ningxia().unwrap();
        let line = &table
            .price(
                InsuranceItem::Pension,
                "5000.03".parse().unwrap(),
                month("2025-01"),
                month("2025-01"),
            )
            .unwrap()[0];
        assert_eq!(line.amount.to_string(), "1000.01");
        assert_eq!(line.personal.to_string(), "400.00");
        assert_eq!(line.pooled.to_string(), "600.01");
    }

    #[test]
    fn should_mark_2026_as_provisional() {
        let table = PolicyTable::ningxia().unwrap();
        let policy = table.for_month(month("2026-03")).unwrap();
        assert_eq!(policy.status, FigureStatus::Provisional);
        assert_eq!(policy.entry.base_lower, dec!(4955));
    }

    #[test]
    fn should_refuse_months_before_the_table() {
        let table = PolicyTable::ningxia().unwrap();
        assert_eq!(
            table.for_month(month("2021-12")).err(),
            Some(ErrorCode::PolicyNotPublished)
        );
    }

    #[test]
    fn should_refuse_a_base_out_of_range_without_clamping() {
        let table = PolicyTable::ningxia().unwrap();
        let result = table.price(
            InsuranceItem::Pension,
            "4954.99".parse().unwrap(),
            month("2025-01"),
            month("2025-01"),
        );
        assert_eq!(result, Err(ErrorCode::BaseOutOfRange));
    }

    #[test]
    fn should_keep_medical_off_while_unconfirmed() {
        let table = PolicyTable::ningxia().unwrap();
        assert!(table.item(InsuranceItem::Medical).is_none());
    }

    proptest! {
        #[test]
        fn should_make_a_year_equal_twelve_months(cents in 495_500i64..2_477_400) {
            let table = PolicyTable::ningxia().unwrap();
            let base = Amount::from_fen(cents);
            let year = table.price(InsuranceItem::Pension, base, month("2025-01"), month("2025-12")).unwrap();
            let one = table.price(InsuranceItem::Pension, base, month("2025-05"), month("2025-05")).unwrap();
            let total: Amount = year.iter().map(|l| l.amount).sum();
            prop_assert_eq!(total.fen(), one[0].amount.fen() * 12);
            for line in &year {
                prop_assert_eq!(line.personal + line.pooled, line.amount);
                prop_assert!(line.pooled.decimal() >= Decimal::ZERO);
            }
        }
    }
}
