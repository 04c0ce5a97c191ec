//! The contribution policy table (figures by effective month range, each with its source and
//! status; grade presets, period types and the back-payment rule as settings) and the
//! arithmetic that prices contributions from it.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::{Amount, ErrorCode, FeePeriod, PeriodType, YearMonth};

/// How sure we are of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FigureStatus {
    Confirmed,
    Unconfirmed,
    Provisional,
}

/// An insurance item (征收项目).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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

/// A rule of the table that is not a per-year figure, with its source and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Setting<T> {
    pub value: T,
    pub status: FigureStatus,
    pub source: String,
}

/// A contribution grade (档次): a preset share of the average wage and the base it gives,
/// rounded half up to whole yuan as the published limits are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Grade {
    pub share: Decimal,
    pub base: Amount,
}

/// A region's policy table, validated on load.
#[derive(Debug, Clone, Deserialize)]
pub struct PolicyTable {
    pub region: String,
    pub region_name: String,
    pub allow_provisional: bool,
    /// Grade presets as shares of the average wage, lowest first.
    pub grade_shares: Setting<Vec<Decimal>>,
    /// The period types a payer may choose.
    pub period_types: Setting<Vec<PeriodType>>,
    /// Whether months of an earlier calendar year may be paid (补缴).
    pub back_payment_allowed: Setting<bool>,
    /// The late fee (滞纳金) per day as a share of the amount due.
    pub late_fee_daily_rate: Setting<Decimal>,
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

/// The highest late-fee rate per day the table may hold (1 %); anything above is a typo.
const LATE_FEE_CEILING: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

impl PolicyEntry {
    /// The grade presets of this entry: each share of the average wage, rounded half up to
    /// whole yuan.
    pub fn grades(&self, shares: &[Decimal]) -> Vec<Grade> {
        shares
            .iter()
            .map(|&share| {
                let base = (self.average_wage * share)
                    .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
                Grade {
                    share,
                    base: Amount::from_decimal(base),
                }
            })
            .collect()
    }
}

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
        self.validate_settings()?;
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

    fn validate_settings(&self) -> Result<(), PolicyError> {
        let invalid = |what: &str| Err(PolicyError::Invalid(what.into()));
        let statuses = [
            self.grade_shares.status,
            self.period_types.status,
            self.back_payment_allowed.status,
            self.late_fee_daily_rate.status,
        ];
        if statuses.contains(&FigureStatus::Provisional) {
            return invalid("a setting is marked provisional in the file");
        }
        let shares = &self.grade_shares.value;
        if shares.is_empty() || shares[0] <= Decimal::ZERO {
            return invalid("grade shares are empty or not positive");
        }
        if shares.windows(2).any(|pair| pair[0] >= pair[1]) {
            return invalid("grade shares are not strictly ascending");
        }
        for entry in &self.entries {
            let outside = entry.grades(shares).iter().any(|grade| {
                grade.base.decimal() < entry.base_lower || grade.base.decimal() > entry.base_upper
            });
            if outside {
                return Err(PolicyError::Invalid(format!(
                    "entry {} has a grade outside its base range",
                    entry.from
                )));
            }
        }
        let types = &self.period_types.value;
        let duplicate = types
            .iter()
            .enumerate()
            .any(|(index, period_type)| types[..index].contains(period_type));
        if types.is_empty() || duplicate {
            return invalid("period types are empty or repeated");
        }
        let rate = self.late_fee_daily_rate.value;
        if rate < Decimal::ZERO || rate > LATE_FEE_CEILING {
            return invalid("late fee rate is negative or above 1 % a day");
        }
        if rate > Decimal::ZERO && !self.back_payment_allowed.value {
            return invalid("a late fee is set but back payment is not allowed");
        }
        Ok(())
    }

    /// The grade presets that apply to `month`, lowest first; the status is that of the
    /// month's figures (a provisional month gives provisional grades).
    pub fn grades(&self, month: YearMonth) -> Result<(Vec<Grade>, FigureStatus), ErrorCode> {
        let policy = self.for_month(month)?;
        let status = worst(policy.status, self.grade_shares.status);
        Ok((policy.entry.grades(&self.grade_shares.value), status))
    }

    /// Whether a payer may choose `period_type`.
    pub fn allows_period_type(&self, period_type: PeriodType) -> bool {
        self.period_types.value.contains(&period_type)
    }

    /// Whether `period` may be paid in `current`: always when back payment is allowed,
    /// otherwise only if none of its months lies in an earlier calendar year.
    pub fn allows_period(&self, period: FeePeriod, current: YearMonth) -> bool {
        self.back_payment_allowed.value || period.first().year() >= current.year()
    }

    /// Whether `period`, of an assessment made with `period_type`, may be paid in `current`:
    /// the table must list the period type (`period_type_not_allowed`), allow the period in
    /// `current` (`back_payment_not_allowed`) and cover each of its months, provisionally where
    /// it allows that (`policy_not_published`).
    pub fn check_period(
        &self,
        period_type: PeriodType,
        period: FeePeriod,
        current: YearMonth,
    ) -> Result<(), ErrorCode> {
        if !self.allows_period_type(period_type) {
            return Err(ErrorCode::PeriodTypeNotAllowed);
        }
        if !self.allows_period(period, current) {
            return Err(ErrorCode::BackPaymentNotAllowed);
        }
        period
            .iter()
            .try_for_each(|month| self.for_month(month).map(|_| ()))
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

    /// Prices `item` at `base` for every month of `period`: one line a month.
    pub fn price_period(
        &self,
        item: InsuranceItem,
        base: Amount,
        period: FeePeriod,
    ) -> Result<Vec<ContributionLine>, ErrorCode> {
        self.price(item, base, period.first(), period.last())
    }
}

/// The amount due for `lines`: the sum of their amounts.
pub fn total(lines: &[ContributionLine]) -> Amount {
    lines.iter().map(|line| line.amount).sum()
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

    #[test]
    fn should_offer_grades_rounded_to_whole_yuan() {
        let table = PolicyTable::ningxia().unwrap();
        let (grades, status) = table.grades(month("2025-07")).unwrap();
        let bases: Vec<String> = grades.iter().map(|g| g.base.to_string()).collect();
        assert_eq!(
            bases,
            [
                "4955.00", "6606.00", "8258.00", "12387.00", "16516.00", "24774.00"
            ]
        );
        assert_eq!(status, FigureStatus::Confirmed);
        let (_, status) = table.grades(month("2026-01")).unwrap();
        assert_eq!(status, FigureStatus::Provisional);
    }

    #[test]
    fn should_make_the_lowest_and_highest_grades_the_published_limits() {
        let table = PolicyTable::ningxia().unwrap();
        for entry in &table.entries {
            let grades = entry.grades(&table.grade_shares.value);
            assert_eq!(grades[0].base.decimal(), entry.base_lower, "{}", entry.from);
            assert_eq!(
                grades[grades.len() - 1].base.decimal(),
                entry.base_upper,
                "{}",
                entry.from
            );
        }
    }

    #[test]
    fn should_ship_the_conservative_period_and_back_payment_settings() {
        let table = PolicyTable::ningxia().unwrap();
        for period_type in PeriodType::ALL {
            assert!(table.allows_period_type(*period_type));
        }
        assert!(!table.back_payment_allowed.value);
        assert_eq!(table.late_fee_daily_rate.value, Decimal::ZERO);
        assert_eq!(table.back_payment_allowed.status, FigureStatus::Unconfirmed);

        let this_year = FeePeriod::new(month("2025-01"), month("2025-03")).unwrap();
        let last_year = FeePeriod::new(month("2024-12"), month("2025-02")).unwrap();
        assert!(table.allows_period(this_year, month("2025-06")));
        assert!(!table.allows_period(last_year, month("2025-06")));
    }

    #[test]
    fn should_check_a_period_against_type_year_and_coverage_in_that_order() {
        let table = PolicyTable::ningxia().unwrap();
        let june = month("2025-06");
        let quarter = FeePeriod::new(month("2025-04"), june).unwrap();
        assert_eq!(
            table.check_period(PeriodType::Quarterly, quarter, june),
            Ok(())
        );
        let last_year = FeePeriod::new(month("2024-10"), month("2024-12")).unwrap();
        assert_eq!(
            table.check_period(PeriodType::Quarterly, last_year, june),
            Err(ErrorCode::BackPaymentNotAllowed)
        );
        let before_table = FeePeriod::single(month("2021-12"));
        assert_eq!(
            table.check_period(PeriodType::Monthly, before_table, month("2021-12")),
            Err(ErrorCode::PolicyNotPublished)
        );

        let monthly_only = PolicyTable::parse(&NINGXIA.replacen(
            r#"value = ["monthly", "quarterly", "yearly"]"#,
            r#"value = ["monthly"]"#,
            1,
        ))
        .unwrap();
        assert_eq!(
            monthly_only.check_period(PeriodType::Quarterly, quarter, june),
            Err(ErrorCode::PeriodTypeNotAllowed)
        );
        // The period type is checked first: a refused type is reported even for last year.
        assert_eq!(
            monthly_only.check_period(PeriodType::Yearly, last_year, june),
            Err(ErrorCode::PeriodTypeNotAllowed)
        );
        assert_eq!(
            monthly_only.check_period(PeriodType::Monthly, FeePeriod::single(june), june),
            Ok(())
        );
    }

    #[test]
    fn should_refuse_inconsistent_settings_on_load() {
        let broken = [
            (r#"value = ["0.60", "0.80""#, r#"value = ["0.80", "0.60""#),
            (r#"value = ["0.60", "0.80""#, r#"value = ["0.50", "0.80""#),
            (r#""2.00", "3.00"]"#, r#""2.00", "3.10"]"#),
            (
                r#"value = ["0.60", "0.80", "1.00", "1.50", "2.00", "3.00"]"#,
                "value = []",
            ),
            (
                r#"value = ["monthly", "quarterly", "yearly"]"#,
                r#"value = ["monthly", "monthly"]"#,
            ),
            (
                r#"value = ["monthly", "quarterly", "yearly"]"#,
                "value = []",
            ),
            (r#"value = "0""#, r#"value = "0.0005""#),
            (r#"value = "0""#, r#"value = "-0.0005""#),
            (
                "value = false\nstatus = \"unconfirmed\"",
                "value = false\nstatus = \"provisional\"",
            ),
        ];
        for (from, to) in broken {
            assert!(NINGXIA.contains(from), "{from}");
            let text = NINGXIA.replacen(from, to, 1);
            assert!(
                matches!(PolicyTable::parse(&text), Err(PolicyError::Invalid(_))),
                "{to}"
            );
        }
        let allowed = NINGXIA
            .replacen("value = false", "value = true", 1)
            .replacen(r#"value = "0""#, r#"value = "0.0005""#, 1);
        assert!(PolicyTable::parse(&allowed).is_ok());
    }

    #[test]
    fn should_price_a_fee_period_like_its_months() {
        let table = PolicyTable::ningxia().unwrap();
        let base = Amount::from_decimal(dec!(4955));
        let quarter = PeriodType::Quarterly.fee_period_containing(month("2025-05"));
        let lines = table
            .price_period(InsuranceItem::Pension, base, quarter)
            .unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(total(&lines).to_string(), "2973.00");
    }

    proptest! {
        #[test]
        fn should_add_up_every_priced_period(
            cents in 495_500i64..2_426_400,
            start in 288i64..312,
            type_index in 0usize..3,
        ) {
            let table = PolicyTable::ningxia().unwrap();
            let base = Amount::from_fen(cents);
            let start = YearMonth::from_index(start).unwrap();
            let period = PeriodType::ALL[type_index].fee_period_containing(start);
            let lines = table.price_period(InsuranceItem::Pension, base, period).unwrap();

            prop_assert_eq!(lines.len(), period.months() as usize);
            let fen: i64 = lines.iter().map(|line| line.amount.fen()).sum();
            prop_assert_eq!(total(&lines).fen(), fen);
            let personal: Amount = lines.iter().map(|line| line.personal).sum();
            let pooled: Amount = lines.iter().map(|line| line.pooled).sum();
            prop_assert_eq!(personal + pooled, total(&lines));
            for line in &lines {
                prop_assert_eq!(line.personal + line.pooled, line.amount);
                prop_assert!(line.amount.decimal() >= Decimal::ZERO);
                prop_assert!(line.personal.decimal() >= Decimal::ZERO);
                prop_assert!(line.pooled.decimal() >= Decimal::ZERO);
            }
        }

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
