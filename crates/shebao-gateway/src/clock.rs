//! The gateway's notion of time: real instants for signatures and expiry, and a "today" that
//! sandbox mode can pin. Rules never read the clock; handlers read it here and pass it in.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, SecondsFormat, Utc};

/// China Standard Time, the offset of every instant the gateway writes.
const CHINA_OFFSET_SECONDS: i32 = 8 * 3600;

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    sandbox_date: Option<NaiveDate>,
}

impl Clock {
    pub fn new(sandbox_date: Option<NaiveDate>) -> Self {
        Self { sandbox_date }
    }

    /// Unix seconds, from the real clock.
    pub fn now(&self) -> i64 {
        Utc::now().timestamp()
    }

    /// The sandbox date when set, else the current date in UTC+8.
    pub fn today(&self) -> NaiveDate {
        self.sandbox_date
            .unwrap_or_else(|| Utc::now().with_timezone(&china()).date_naive())
    }
}

fn china() -> FixedOffset {
    FixedOffset::east_opt(CHINA_OFFSET_SECONDS).unwrap_or_else(|| Utc.fix())
}

/// RFC 3339 in UTC+8, whole seconds: `2025-06-15T10:00:00+08:00`.
pub fn rfc3339(unix_seconds: i64) -> String {
    DateTime::from_timestamp(unix_seconds, 0)
        .unwrap_or_default()
        .with_timezone(&china())
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// `2025-06-15 10:15` in UTC+8, for pages people read.
pub fn china_minutes(unix_seconds: i64) -> String {
    DateTime::from_timestamp(unix_seconds, 0)
        .unwrap_or_default()
        .with_timezone(&china())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The date in UTC+8 of an instant.
pub fn china_date(unix_seconds: i64) -> NaiveDate {
    DateTime::from_timestamp(unix_seconds, 0)
        .unwrap_or_default()
        .with_timezone(&china())
        .date_naive()
}

/// The instant (Unix seconds) a date begins in UTC+8.
pub fn china_midnight(date: NaiveDate) -> i64 {
    date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp() - i64::from(CHINA_OFFSET_SECONDS)
}

/// Parses an RFC 3339 instant with an offset into Unix seconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|instant| instant.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_write_instants_in_china_time() {
        assert_eq!(rfc3339(1_767_225_600), "2026-01-01T08:00:00+08:00");
        assert_eq!(
            parse_rfc3339("2026-01-01T08:00:00+08:00"),
            Some(1_767_225_600)
        );
    }

    #[test]
    fn should_read_dates_in_china_time() {
        let new_year = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(china_midnight(new_year), 1_767_196_800);
        assert_eq!(china_date(1_767_196_800), new_year);
        assert_eq!(china_date(1_767_196_799), new_year.pred_opt().unwrap());
    }

    #[test]
    fn should_prefer_the_sandbox_date() {
        let date = NaiveDate::from_ymd_opt(2025, 6, 15);
        assert_eq!(Some(Clock::new(date).today()), date);
    }
}
