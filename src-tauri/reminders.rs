//! Payment reminders: the deadlines the policy table gives, which of them is due for a reminder
//! on a given day, and which reminders were already shown (`reminders.json` in the app data
//! folder, so each deadline is announced once). The screens show the notification itself, in
//! the person's language, while the app runs.
//!
//! The table publishes no due day for a monthly, quarterly or yearly payment; the one deadline
//! it implies is the year-end cut-off: without back payment (补缴), months of a year can be paid
//! only within that year.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use shebao_core::policy::{FigureStatus, PolicyTable};
use tauri::State;

use crate::actions::CommandResult;
use crate::error::CommandError;
use crate::state::AppState;

pub const FILE_NAME: &str = "reminders.json";

/// How many days before a deadline its reminder is due.
pub const LEAD_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// The last day months of a year can be paid (no back payment across years).
    YearEnd,
}

/// A deadline from the policy table, with the status and source of the rule it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// Stable across starts: what the sent list remembers (`year_end:2025`).
    pub id: String,
    pub kind: DeadlineKind,
    /// The calendar year whose months it closes.
    pub year: i32,
    pub date: NaiveDate,
    pub status: FigureStatus,
    pub source: String,
}

/// A deadline whose reminder is due today, and how many days are left until it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueReminder {
    #[serde(flatten)]
    pub deadline: Deadline,
    pub days_left: i64,
}

/// The deadlines of the year holding `today` (none when the table allows back payment).
pub fn deadlines(table: &PolicyTable, today: NaiveDate) -> Vec<Deadline> {
    let rule = &table.back_payment_allowed;
    if rule.value {
        return Vec::new();
    }
    let year = today.year();
    NaiveDate::from_ymd_opt(year, 12, 31)
        .map(|date| Deadline {
            id: format!("year_end:{year}"),
            kind: DeadlineKind::YearEnd,
            year,
            date,
            status: rule.status,
            source: rule.source.clone(),
        })
        .into_iter()
        .collect()
}

/// The reminders due on `today`: deadlines from `LEAD_DAYS` before them to the day itself,
/// except those already shown.
pub fn due(table: &PolicyTable, today: NaiveDate, sent: &BTreeSet<String>) -> Vec<DueReminder> {
    deadlines(table, today)
        .into_iter()
        .filter(|deadline| !sent.contains(&deadline.id))
        .filter_map(|deadline| {
            let days_left = (deadline.date - today).num_days();
            (0..=LEAD_DAYS).contains(&days_left).then_some(DueReminder {
                deadline,
                days_left,
            })
        })
        .collect()
}

/// The reminders already shown on this device.
#[derive(Debug, Default, Serialize, Deserialize)]
struct SentReminders {
    sent: BTreeSet<String>,
}

fn load_sent(data_dir: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(data_dir.join(FILE_NAME))
        .ok()
        .and_then(|text| serde_json::from_str::<SentReminders>(&text).ok())
        .map(|file| file.sent)
        .unwrap_or_default()
}

/// Adds `id` to the sent list, atomically (a temporary file, then a rename).
fn record_sent(data_dir: &Path, id: &str) -> Result<(), CommandError> {
    let failed = |error: std::io::Error| {
        tracing::error!(%error, "the sent reminders could not be saved");
        CommandError::new("save_failed", "the sent reminders could not be saved")
    };
    let mut file = SentReminders {
        sent: load_sent(data_dir),
    };
    if !file.sent.insert(id.to_owned()) {
        return Ok(());
    }
    let text = serde_json::to_vec_pretty(&file)
        .map_err(|_| CommandError::new("internal", "the sent reminders do not serialise"))?;
    let mut temporary = tempfile::NamedTempFile::new_in(data_dir).map_err(failed)?;
    std::io::Write::write_all(&mut temporary, &text).map_err(failed)?;
    temporary.as_file().sync_all().map_err(failed)?;
    temporary
        .persist(data_dir.join(FILE_NAME))
        .map_err(|error| failed(error.error))?;
    Ok(())
}

/// The reminders to show now (none while reminders are off in the settings).
pub fn due_now(state: &AppState) -> CommandResult<Vec<DueReminder>> {
    if !state.settings().reminders {
        return Ok(Vec::new());
    }
    let table = crate::process::policy_table()?;
    Ok(due(table, state.today(), &load_sent(&state.data_dir)))
}

#[derive(Debug, Deserialize)]
pub struct ReminderSentRequest {
    pub id: String,
}

/// Reminders due now (today is the sandbox's date in the sandbox), not yet shown.
#[tauri::command]
pub async fn due_reminders(state: State<'_, AppState>) -> CommandResult<Vec<DueReminder>> {
    due_now(&state)
}

/// Remembers that a reminder was shown, so it is not shown again.
#[tauri::command]
pub async fn mark_reminder_sent(
    state: State<'_, AppState>,
    request: ReminderSentRequest,
) -> CommandResult<()> {
    let table = crate::process::policy_table()?;
    let known = deadlines(table, state.today())
        .iter()
        .any(|deadline| deadline.id == request.id);
    if !known {
        return Err(CommandError::new(
            shebao_core::ErrorCode::ValidationFailed.as_str(),
            "no such reminder",
        ));
    }
    record_sent(&state.data_dir, &request.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn ningxia() -> PolicyTable {
        PolicyTable::ningxia().unwrap()
    }

    fn due_ids(table: &PolicyTable, today: NaiveDate, sent: &BTreeSet<String>) -> Vec<String> {
        due(table, today, sent)
            .into_iter()
            .map(|reminder| reminder.deadline.id)
            .collect()
    }

    #[test]
    fn should_derive_the_year_end_cut_off_from_the_back_payment_rule_with_its_status() {
        let table = ningxia();
        let found = deadlines(&table, day(2025, 6, 15));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "year_end:2025");
        assert_eq!(found[0].date, day(2025, 12, 31));
        assert_eq!(found[0].status, table.back_payment_allowed.status);
        assert_eq!(found[0].source, table.back_payment_allowed.source);
    }

    #[test]
    fn should_have_no_reminder_due_on_the_sandbox_date() {
        // The sandbox's default date (2025-06-15) is far from any deadline.
        assert!(due_ids(&ningxia(), day(2025, 6, 15), &BTreeSet::new()).is_empty());
    }

    #[test]
    fn should_open_the_year_end_reminder_thirty_days_before_through_the_last_day() {
        let table = ningxia();
        let none = BTreeSet::new();
        assert!(due_ids(&table, day(2025, 11, 30), &none).is_empty());
        let first = due(&table, day(2025, 12, 1), &none);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].deadline.id, "year_end:2025");
        assert_eq!(first[0].days_left, 30);
        let last = due(&table, day(2025, 12, 31), &none);
        assert_eq!(last[0].days_left, 0);
        // A new year has its own deadline, a year away.
        assert!(due_ids(&table, day(2026, 1, 1), &none).is_empty());
        assert_eq!(
            due_ids(&table, day(2026, 12, 5), &none),
            vec!["year_end:2026"]
        );
    }

    #[test]
    fn should_not_remind_twice_of_the_same_deadline() {
        let table = ningxia();
        let sent = BTreeSet::from(["year_end:2025".to_owned()]);
        assert!(due_ids(&table, day(2025, 12, 20), &sent).is_empty());
        assert_eq!(
            due_ids(&table, day(2026, 12, 20), &sent),
            vec!["year_end:2026"]
        );
    }

    #[test]
    fn should_have_no_year_end_cut_off_when_back_payment_is_allowed() {
        let mut table = ningxia();
        table.back_payment_allowed.value = true;
        assert!(deadlines(&table, day(2025, 12, 20)).is_empty());
        assert!(due_ids(&table, day(2025, 12, 20), &BTreeSet::new()).is_empty());
    }

    #[test]
    fn should_remember_sent_reminders_in_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load_sent(dir.path()).is_empty());
        record_sent(dir.path(), "year_end:2025").unwrap();
        record_sent(dir.path(), "year_end:2025").unwrap();
        assert_eq!(
            load_sent(dir.path()),
            BTreeSet::from(["year_end:2025".to_owned()])
        );
        let files = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(files, 1, "only reminders.json, no temporary file");
    }
}
