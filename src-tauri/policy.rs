//! 关于缴费标准: the policy table the app's figures come from, as the table records it — each
//! year's base range and grades, the rates, the rules and the deadline they imply, each with
//! its source and status — plus the provisional figures the app uses for a year the table has
//! no entry for yet.

use rust_decimal::Decimal;
use serde::Serialize;
use shebao_core::policy::{FigureStatus, Grade, PolicyEntry, PolicyTable, Setting};
use shebao_core::{PeriodType, YearMonth};
use tauri::State;

use crate::actions::CommandResult;
use crate::reminders::{self, Deadline};
use crate::state::AppState;

/// One entry of the table: the months it applies to and its figures (元/月).
#[derive(Debug, Serialize)]
pub struct EntryFigures {
    pub from: YearMonth,
    pub to: YearMonth,
    pub average_wage: Decimal,
    pub base_lower: Decimal,
    pub base_upper: Decimal,
    /// The grade presets this entry gives, lowest first.
    pub grades: Vec<Grade>,
    pub status: FigureStatus,
    pub source: String,
}

/// A year after the table's last entry that reuses it, marked provisional.
#[derive(Debug, Serialize)]
pub struct ProvisionalFigures {
    /// The first month without a published entry.
    pub from: YearMonth,
    /// The entry whose figures are reused.
    pub reuses: EntryFigures,
}

#[derive(Debug, Serialize)]
pub struct ItemFigures {
    pub item: shebao_core::policy::InsuranceItem,
    pub name: String,
    pub rate: Decimal,
    pub personal_share: Decimal,
    /// Whether the app offers the item at all.
    pub enabled: bool,
    pub status: FigureStatus,
    pub source: String,
}

/// What the 关于缴费标准 screen shows.
#[derive(Debug, Serialize)]
pub struct PolicyFigures {
    pub region_name: String,
    /// Today's month (the sandbox's in the sandbox): which entry applies now.
    pub current_month: YearMonth,
    pub entries: Vec<EntryFigures>,
    /// Present when today is past the last entry and the table allows reusing it.
    pub provisional: Option<ProvisionalFigures>,
    pub items: Vec<ItemFigures>,
    pub grade_shares: Setting<Vec<Decimal>>,
    pub period_types: Setting<Vec<PeriodType>>,
    pub back_payment_allowed: Setting<bool>,
    pub late_fee_daily_rate: Setting<Decimal>,
    /// The deadlines the table implies this year (see `reminders`).
    pub deadlines: Vec<Deadline>,
}

fn entry_figures(table: &PolicyTable, entry: &PolicyEntry) -> EntryFigures {
    EntryFigures {
        from: entry.from,
        to: entry.to,
        average_wage: entry.average_wage,
        base_lower: entry.base_lower,
        base_upper: entry.base_upper,
        grades: entry.grades(&table.grade_shares.value),
        status: entry.status,
        source: entry.source.clone(),
    }
}

/// The table's figures as of `today`.
pub fn figures(table: &PolicyTable, today: chrono::NaiveDate) -> PolicyFigures {
    let current = YearMonth::of(today);
    let provisional = table
        .entries
        .last()
        .filter(|last| table.allow_provisional && current > last.to)
        .and_then(|last| {
            Some(ProvisionalFigures {
                from: last.to.plus(1)?,
                reuses: entry_figures(table, last),
            })
        });
    PolicyFigures {
        region_name: table.region_name.clone(),
        current_month: current,
        entries: table
            .entries
            .iter()
            .map(|entry| entry_figures(table, entry))
            .collect(),
        provisional,
        items: table
            .items
            .iter()
            .map(|rule| ItemFigures {
                item: rule.item,
                name: rule.name.clone(),
                rate: rule.rate,
                personal_share: rule.personal_share,
                enabled: rule.enabled,
                status: rule.status,
                source: rule.source.clone(),
            })
            .collect(),
        grade_shares: table.grade_shares.clone(),
        period_types: table.period_types.clone(),
        back_payment_allowed: table.back_payment_allowed.clone(),
        late_fee_daily_rate: table.late_fee_daily_rate.clone(),
        deadlines: reminders::deadlines(table, today),
    }
}

/// The policy table behind the figures, for 关于缴费标准.
#[tauri::command]
pub async fn policy_figures(state: State<'_, AppState>) -> CommandResult<PolicyFigures> {
    let table = crate::process::policy_table()?;
    Ok(figures(table, state.today()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: u32, day: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn should_list_every_entry_as_the_table_records_it() {
        let table = PolicyTable::ningxia().unwrap();
        let shown = figures(&table, day(2025, 6, 15));
        assert_eq!(shown.entries.len(), table.entries.len());
        let last = shown.entries.last().unwrap();
        let recorded = table.entries.last().unwrap();
        assert_eq!(last.base_lower, recorded.base_lower);
        assert_eq!(last.base_upper, recorded.base_upper);
        assert_eq!(last.status, recorded.status);
        assert_eq!(last.source, recorded.source);
        assert_eq!(last.grades.len(), table.grade_shares.value.len());
        assert!(shown.provisional.is_none());
        let medical = shown
            .items
            .iter()
            .find(|item| item.item == shebao_core::policy::InsuranceItem::Medical)
            .unwrap();
        assert!(!medical.enabled);
        assert_eq!(medical.status, FigureStatus::Unconfirmed);
        assert_eq!(shown.deadlines.len(), 1);
    }

    #[test]
    fn should_mark_a_year_past_the_table_as_reusing_its_last_entry() {
        let table = PolicyTable::ningxia().unwrap();
        let last = table.entries.last().unwrap();
        let after = last.to.plus(2).unwrap();
        let today = day(after.year(), after.month(), 1);
        let provisional = figures(&table, today).provisional.unwrap();
        assert_eq!(provisional.from, last.to.plus(1).unwrap());
        assert_eq!(provisional.reuses.from, last.from);
        assert_eq!(provisional.reuses.base_lower, last.base_lower);
    }
}
