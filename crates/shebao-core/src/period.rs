//! Year-months (`YYYY-MM`) and fee periods (费款所属期) made of them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar month; on the wire `"YYYY-MM"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = String))]
pub struct YearMonth {
    year: i32,
    month: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a YYYY-MM month")]
pub struct YearMonthError;

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && (1900..=9999).contains(&year)).then_some(Self { year, month })
    }

    pub fn of(date: chrono::NaiveDate) -> Self {
        use chrono::Datelike;
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// Months since 2000-01 (2000-01 = 0), as the certificate payload counts them.
    pub fn index(self) -> i64 {
        i64::from(self.year - 2000) * 12 + i64::from(self.month) - 1
    }

    pub fn from_index(index: i64) -> Option<Self> {
        let year = 2000 + index.div_euclid(12);
        let month = index.rem_euclid(12) + 1;
        Self::new(i32::try_from(year).ok()?, u32::try_from(month).ok()?)
    }

    pub fn plus(self, months: i64) -> Option<Self> {
        Self::from_index(self.index() + months)
    }

    /// Months from `self` to `last`, both included; 0 if `last` is earlier.
    pub fn count_through(self, last: YearMonth) -> u32 {
        u32::try_from(last.index() - self.index() + 1).unwrap_or(0)
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for YearMonth {
    type Err = YearMonthError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (year, month) = text.split_once('-').ok_or(YearMonthError)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(YearMonthError);
        }
        let year = year.parse().map_err(|_| YearMonthError)?;
        let month = month.parse().map_err(|_| YearMonthError)?;
        Self::new(year, month).ok_or(YearMonthError)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// On the wire: `"YYYY-MM"`.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for YearMonth {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .pattern(Some(r"^[0-9]{4}-(0[1-9]|1[0-2])$"))
            .description(Some("A month, YYYY-MM"))
            .examples(["2025-06"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for YearMonth {}

/// A fee period (费款所属期): the months from `first` to `last`, both included. Guarantees
/// `first <= last`, so a period always holds at least one month. On the wire it is
/// `{"first": "YYYY-MM", "last": "YYYY-MM"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "FeePeriodFields")]
pub struct FeePeriod {
    first: YearMonth,
    last: YearMonth,
}

#[derive(Deserialize)]
struct FeePeriodFields {
    first: YearMonth,
    last: YearMonth,
}

/// A fee period whose last month comes before its first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a fee period ends before it starts")]
pub struct FeePeriodError;

impl TryFrom<FeePeriodFields> for FeePeriod {
    type Error = FeePeriodError;
    fn try_from(fields: FeePeriodFields) -> Result<Self, Self::Error> {
        Self::new(fields.first, fields.last).ok_or(FeePeriodError)
    }
}

impl FeePeriod {
    /// The months from `first` to `last`; `None` if `last` is earlier than `first`.
    pub fn new(first: YearMonth, last: YearMonth) -> Option<Self> {
        (first <= last).then_some(Self { first, last })
    }

    /// A period of one month.
    pub fn single(month: YearMonth) -> Self {
        Self {
            first: month,
            last: month,
        }
    }

    pub fn first(self) -> YearMonth {
        self.first
    }

    pub fn last(self) -> YearMonth {
        self.last
    }

    /// How many months the period covers (at least 1).
    pub fn months(self) -> u32 {
        self.first.count_through(self.last)
    }

    pub fn contains(self, month: YearMonth) -> bool {
        self.first <= month && month <= self.last
    }

    /// The months of the period, first to last.
    pub fn iter(self) -> Months {
        Months {
            next: self.first.index(),
            end: self.last.index(),
        }
    }
}

impl std::fmt::Display for FeePeriod {
    /// `2025-01/2025-03`, the ISO 8601 interval form.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.first, self.last)
    }
}

impl IntoIterator for FeePeriod {
    type Item = YearMonth;
    type IntoIter = Months;
    fn into_iter(self) -> Months {
        self.iter()
    }
}

/// The months of a [`FeePeriod`], in order.
#[derive(Debug, Clone)]
pub struct Months {
    next: i64,
    end: i64,
}

impl Iterator for Months {
    type Item = YearMonth;

    fn next(&mut self) -> Option<YearMonth> {
        if self.next > self.end {
            return None;
        }
        let month = YearMonth::from_index(self.next);
        self.next += 1;
        month
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.end - self.next + 1).unwrap_or(0);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Months {}

/// How an assessment groups months into periods (按月、按季、按年).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PeriodType {
    Monthly,
    Quarterly,
    Yearly,
}

impl PeriodType {
    /// Every period type, shortest first.
    pub const ALL: &'static [PeriodType] = &[Self::Monthly, Self::Quarterly, Self::Yearly];

    /// How many months one period of this type covers.
    pub fn months(self) -> u32 {
        match self {
            Self::Monthly => 1,
            Self::Quarterly => 3,
            Self::Yearly => 12,
        }
    }

    /// The calendar-aligned period of this type that contains `month`: (first, last).
    pub fn period_containing(self, month: YearMonth) -> (YearMonth, YearMonth) {
        let period = self.fee_period_containing(month);
        (period.first, period.last)
    }

    /// The calendar-aligned period of this type that contains `month`.
    pub fn fee_period_containing(self, month: YearMonth) -> FeePeriod {
        let span = self.months();
        let first_month = (month.month - 1) / span * span + 1;
        let first = YearMonth {
            year: month.year,
            month: first_month,
        };
        let last = YearMonth {
            year: month.year,
            month: first_month + span - 1,
        };
        FeePeriod { first, last }
    }

    /// The calendar-aligned period of this type that opens with `first`; `None` when no
    /// period of this type opens in that month (a quarter opens in January, April, July or
    /// October; a year in January).
    pub fn period_starting(self, first: YearMonth) -> Option<FeePeriod> {
        let period = self.fee_period_containing(first);
        (period.first == first).then_some(period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_count_months_since_2000() {
        let month: YearMonth = "2026-01".parse().unwrap();
        assert_eq!(month.index(), 312);
        assert_eq!(YearMonth::from_index(312), Some(month));
        assert_eq!(month.to_string(), "2026-01");
    }

    #[test]
    fn should_align_quarters_and_years_to_the_calendar() {
        let may: YearMonth = "2025-05".parse().unwrap();
        let (first, last) = PeriodType::Quarterly.period_containing(may);
        assert_eq!(
            (first.to_string(), last.to_string()),
            ("2025-04".into(), "2025-06".into())
        );
        let (first, last) = PeriodType::Yearly.period_containing(may);
        assert_eq!(first.count_through(last), 12);
    }

    fn month(text: &str) -> YearMonth {
        text.parse().unwrap()
    }

    #[test]
    fn should_iterate_a_fee_period_across_a_year_end() {
        let period = FeePeriod::new(month("2024-11"), month("2025-02")).unwrap();
        let months: Vec<String> = period.iter().map(|m| m.to_string()).collect();
        assert_eq!(months, ["2024-11", "2024-12", "2025-01", "2025-02"]);
        assert_eq!(period.months(), 4);
        assert_eq!(period.iter().len(), 4);
        assert_eq!(period.to_string(), "2024-11/2025-02");
        assert!(period.contains(month("2025-01")) && !period.contains(month("2025-03")));
    }

    #[test]
    fn should_refuse_a_fee_period_that_ends_before_it_starts() {
        assert_eq!(FeePeriod::new(month("2025-02"), month("2025-01")), None);
        let json = r#"{"first":"2025-02","last":"2025-01"}"#;
        assert!(serde_json::from_str::<FeePeriod>(json).is_err());
    }

    #[test]
    fn should_carry_a_fee_period_as_first_and_last_on_the_wire() {
        let period = FeePeriod::new(month("2025-01"), month("2025-03")).unwrap();
        let json = serde_json::to_string(&period).unwrap();
        assert_eq!(json, r#"{"first":"2025-01","last":"2025-03"}"#);
        assert_eq!(serde_json::from_str::<FeePeriod>(&json).unwrap(), period);
    }

    #[test]
    fn should_start_periods_only_where_the_calendar_opens_them() {
        let april = month("2025-04");
        let quarter = PeriodType::Quarterly.period_starting(april).unwrap();
        assert_eq!(quarter.last(), month("2025-06"));
        assert_eq!(
            PeriodType::Quarterly.period_starting(month("2025-05")),
            None
        );
        assert_eq!(PeriodType::Yearly.period_starting(april), None);
        assert_eq!(
            PeriodType::Monthly.period_starting(april),
            Some(FeePeriod::single(april))
        );
    }

    proptest::proptest! {
        #[test]
        fn should_contain_the_month_and_span_the_type(index in 0i64..1200, type_index in 0usize..3) {
            let month = YearMonth::from_index(index).unwrap();
            let period_type = PeriodType::ALL[type_index];
            let period = period_type.fee_period_containing(month);
            proptest::prop_assert!(period.contains(month));
            proptest::prop_assert_eq!(period.months(), period_type.months());
            proptest::prop_assert_eq!(period_type.period_starting(period.first()), Some(period));
            let months: Vec<YearMonth> = period.into_iter().collect();
            proptest::prop_assert_eq!(months.len(), period.months() as usize);
            proptest::prop_assert_eq!(months.first().copied(), Some(period.first()));
            proptest::prop_assert_eq!(months.last().copied(), Some(period.last()));
        }
    }

    #[test]
    fn should_refuse_malformed_months() {
        for bad in ["2025-13", "2025-1", "25-01", "2025/01", ""] {
            assert!(bad.parse::<YearMonth>().is_err(), "{bad}");
        }
    }
}
