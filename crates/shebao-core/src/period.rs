//! Year-months (`YYYY-MM`) and fee periods (费款所属期) made of them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// How an assessment groups months into periods (按月、按季、按年).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodType {
    Monthly,
    Quarterly,
    Yearly,
}

impl PeriodType {
    /// The calendar-aligned period of this type that contains `month`: (first, last).
    pub fn period_containing(self, month: YearMonth) -> (YearMonth, YearMonth) {
        let span = match self {
            Self::Monthly => 1,
            Self::Quarterly => 3,
            Self::Yearly => 12,
        };
        let first_month = (month.month - 1) / span * span + 1;
        let first = YearMonth {
            year: month.year,
            month: first_month,
        };
        let last = YearMonth {
            year: month.year,
            month: first_month + span - 1,
        };
        (first, last)
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

    #[test]
    fn should_refuse_malformed_months() {
        for bad in ["2025-13", "2025-1", "25-01", "2025/01", ""] {
            assert!(bad.parse::<YearMonth>().is_err(), "{bad}");
        }
    }
}
