//! 缴费查询及证明开具 and 缴费记录 of the confirmed person: the paid payments the gateway lists
//! (to issue their 缴费证明), and a month-by-month record derived from them and the insured
//! information — which months are paid, which are in arrears, which are gaps.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::actions::CommandResult;
use crate::state::AppState;
use serde::Serialize;
use shebao_core::policy::InsuranceItem;
use shebao_core::wire::{InsuredInfo, OrderStatus, PaidPayment, PaidPaymentList};
use shebao_core::{Amount, YearMonth};

/// What one month of the record shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum MonthState {
    /// Every item the person is insured for is paid for the month (a refunded payment does not
    /// count).
    Paid,
    /// Assessed and not paid, before the current month (欠费).
    Arrears,
    /// Insured, before the current month, neither paid nor assessed (断缴).
    Gap,
    /// The current month, not paid yet.
    Due,
    /// After the current month, not paid (ahead).
    Future,
    /// Before the person was insured, or the person is not insured.
    NotInsured,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct HistoryMonth {
    pub month: YearMonth,
    pub state: MonthState,
}

/// One calendar year of the record: twelve months, January first.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct HistoryYear {
    pub year: i32,
    /// What the paid payments cost for this year's fee months (a payment spanning two years is
    /// shared by its months).
    pub paid_amount: Amount,
    pub paid_months: u32,
    pub arrears_months: u32,
    pub gap_months: u32,
    pub months: Vec<HistoryMonth>,
}

/// 缴费记录: the person's months from the first year insured or paid to this year (or the
/// last paid one), newest year first.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PaymentHistory {
    pub current_month: YearMonth,
    pub insured: bool,
    /// The items a month must be paid for to count as paid.
    pub items: Vec<InsuranceItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insured_since: Option<YearMonth>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_through: Option<YearMonth>,
    pub paid_amount: Amount,
    pub paid_months: u32,
    pub arrears_months: u32,
    pub gap_months: u32,
    pub years: Vec<HistoryYear>,
}

/// 缴费查询: the confirmed person's paid payments (refunded ones marked), newest first.
pub async fn list_paid_payments(state: &AppState) -> CommandResult<PaidPaymentList> {
    let session = state.require_session()?;
    Ok(state.client.paid_payments(&session.identity_token).await?)
}

/// 缴费记录 of the confirmed person, from the insured information and the paid payments.
pub async fn payment_history(state: &AppState) -> CommandResult<PaymentHistory> {
    let session = state.require_session()?;
    let token = &session.identity_token;
    let (info, payments) = tokio::try_join!(
        state.client.insured_info(token),
        state.client.paid_payments(token),
    )?;
    Ok(history(
        YearMonth::of(state.today()),
        &info,
        &payments.items,
    ))
}

/// The Tauri commands, named as the frontend calls them.
pub mod commands {
    use shebao_core::wire::PaidPaymentList;
    use tauri::State;

    use super::PaymentHistory;
    use crate::actions::CommandResult;
    use crate::state::AppState;

    #[tauri::command]
    #[specta::specta]
    pub async fn list_paid_payments(state: State<'_, AppState>) -> CommandResult<PaidPaymentList> {
        super::list_paid_payments(&state).await
    }

    #[tauri::command]
    #[specta::specta]
    pub async fn payment_history(state: State<'_, AppState>) -> CommandResult<PaymentHistory> {
        super::payment_history(&state).await
    }
}

/// The months from `first` to `last`, both included.
fn months(first: YearMonth, last: YearMonth) -> impl Iterator<Item = YearMonth> {
    (first.index()..=last.index()).filter_map(YearMonth::from_index)
}

/// The record as of `current`: a month is paid when every insured item is paid for it by a
/// payment that was not refunded; otherwise arrears, gap, due, future or not insured.
pub fn history(current: YearMonth, info: &InsuredInfo, payments: &[PaidPayment]) -> PaymentHistory {
    let mut items = info.items.clone();
    let mut paid: HashMap<InsuranceItem, BTreeSet<YearMonth>> = HashMap::new();
    let mut amounts: BTreeMap<i32, i64> = BTreeMap::new();
    for payment in payments.iter().filter(|p| p.status == OrderStatus::Paid) {
        for line in &payment.lines {
            if !items.contains(&line.item) {
                items.push(line.item);
            }
            let covered: Vec<YearMonth> = months(line.period_start, line.period_end).collect();
            share_by_year(line.amount.fen(), &covered, &mut amounts);
            paid.entry(line.item).or_default().extend(covered);
        }
    }

    let last_due = current.plus(-1);
    let mut arrears: BTreeSet<YearMonth> = BTreeSet::new();
    for arrear in &info.arrears {
        if let Some(last_due) = last_due {
            arrears.extend(months(arrear.period_start, arrear.period_end.min(last_due)));
        }
    }

    let paid_months = paid.values().flatten();
    let first_year = paid_months
        .clone()
        .chain(info.insured_since.iter())
        .chain(arrears.iter())
        .map(|month| month.year())
        .min()
        .unwrap_or(current.year())
        .min(current.year());
    let last_year = paid_months
        .map(|month| month.year())
        .max()
        .unwrap_or(current.year())
        .max(current.year());

    let state_of = |month: YearMonth| {
        let all_paid = !items.is_empty()
            && items
                .iter()
                .all(|item| paid.get(item).is_some_and(|set| set.contains(&month)));
        let insured = info.insured && info.insured_since.is_none_or(|since| since <= month);
        if all_paid {
            MonthState::Paid
        } else if month > current {
            MonthState::Future
        } else if month == current {
            if insured {
                MonthState::Due
            } else {
                MonthState::NotInsured
            }
        } else if arrears.contains(&month) {
            MonthState::Arrears
        } else if insured {
            MonthState::Gap
        } else {
            MonthState::NotInsured
        }
    };

    let years: Vec<HistoryYear> = (first_year..=last_year)
        .rev()
        .map(|year| {
            let months: Vec<HistoryMonth> = (1..=12)
                .filter_map(|month| YearMonth::new(year, month))
                .map(|month| HistoryMonth {
                    month,
                    state: state_of(month),
                })
                .collect();
            let count = |state| {
                let found = months.iter().filter(|month| month.state == state).count();
                u32::try_from(found).unwrap_or(u32::MAX)
            };
            HistoryYear {
                year,
                paid_amount: Amount::from_fen(amounts.get(&year).copied().unwrap_or(0)),
                paid_months: count(MonthState::Paid),
                arrears_months: count(MonthState::Arrears),
                gap_months: count(MonthState::Gap),
                months,
            }
        })
        .collect();

    PaymentHistory {
        current_month: current,
        insured: info.insured,
        items,
        insured_since: info.insured_since,
        paid_through: info.paid_through,
        paid_amount: Amount::from_fen(amounts.values().sum()),
        paid_months: years.iter().map(|year| year.paid_months).sum(),
        arrears_months: years.iter().map(|year| year.arrears_months).sum(),
        gap_months: years.iter().map(|year| year.gap_months).sum(),
        years,
    }
}

/// Adds `amount_fen` to the years of the `months` it paid for, in proportion to their
/// months; the last year takes what rounding leaves, so the shares add up to the amount.
fn share_by_year(amount_fen: i64, months: &[YearMonth], amounts: &mut BTreeMap<i32, i64>) {
    let total = i64::try_from(months.len()).unwrap_or(i64::MAX);
    if total == 0 {
        return;
    }
    let mut per_year: BTreeMap<i32, i64> = BTreeMap::new();
    for month in months {
        *per_year.entry(month.year()).or_default() += 1;
    }
    let last = per_year.keys().next_back().copied();
    let mut shared = 0;
    for (year, count) in per_year {
        let share = if Some(year) == last {
            amount_fen - shared
        } else {
            amount_fen * count / total
        };
        shared += share;
        *amounts.entry(year).or_default() += share;
    }
}

#[cfg(test)]
mod tests {
    use shebao_core::wire::{Arrear, CertificateLine};

    use super::*;

    fn month(text: &str) -> YearMonth {
        text.parse().unwrap()
    }

    fn info(since: &str, arrears: &[(&str, &str)]) -> InsuredInfo {
        InsuredInfo {
            insured: true,
            items: vec![InsuranceItem::Pension],
            agency: None,
            insured_since: Some(month(since)),
            paid_through: None,
            arrears: arrears
                .iter()
                .map(|(start, end)| Arrear {
                    payable_id: format!("pay_{start}"),
                    item: InsuranceItem::Pension,
                    period_start: month(start),
                    period_end: month(end),
                    months: 0,
                    base: Amount::from_fen(495_500),
                    declared: false,
                })
                .collect(),
            arrears_months: 0,
        }
    }

    fn payment(start: &str, end: &str, fen: i64, status: OrderStatus) -> PaidPayment {
        PaidPayment {
            order_id: format!("ord_{start}"),
            ticket_number: "3264000000000001".into(),
            status,
            period_start: month(start),
            period_end: month(end),
            lines: vec![CertificateLine {
                item: InsuranceItem::Pension,
                item_name: "企业职工基本养老保险费".into(),
                sub_item_name: "职工基本养老保险(个人缴纳)".into(),
                period_start: month(start),
                period_end: month(end),
                base: Amount::from_fen(495_500),
                rate: "0.20".parse().unwrap(),
                amount: Amount::from_fen(fen),
            }],
            amount: Amount::from_fen(fen),
            paid_at: "2025-06-15T10:00:00+08:00".into(),
            paid_on: "2025-06-15".parse().unwrap(),
            channel: None,
            refunded_at: None,
            certificate_number: None,
            certificate_status: None,
        }
    }

    fn states(history: &PaymentHistory, year: i32) -> Vec<MonthState> {
        let year = history.years.iter().find(|y| y.year == year).unwrap();
        year.months.iter().map(|month| month.state).collect()
    }

    #[test]
    fn should_mark_paid_arrears_gap_due_future_and_not_insured_months() {
        use MonthState::*;
        let record = history(
            month("2025-06"),
            &info("2025-02", &[("2025-04", "2025-04")]),
            &[payment("2025-03", "2025-03", 99_100, OrderStatus::Paid)],
        );
        assert_eq!(
            states(&record, 2025),
            vec![
                NotInsured, Gap, Paid, Arrears, Gap, Due, Future, Future, Future, Future, Future,
                Future
            ]
        );
        assert_eq!(record.years.len(), 1);
        assert_eq!(record.years[0].paid_amount.to_string(), "991.00");
        assert_eq!(
            (record.paid_months, record.arrears_months, record.gap_months),
            (1, 1, 2)
        );
    }

    #[test]
    fn should_not_count_a_refunded_payment_as_paid() {
        let record = history(
            month("2025-06"),
            &info("2025-06", &[]),
            &[payment("2025-06", "2025-06", 99_100, OrderStatus::Refunded)],
        );
        assert_eq!(states(&record, 2025)[5], MonthState::Due);
        assert_eq!(record.paid_amount.to_string(), "0.00");
    }

    #[test]
    fn should_share_a_payment_across_years_by_its_months() {
        let record = history(
            month("2025-01"),
            &info("2024-11", &[]),
            &[payment("2024-11", "2025-01", 100_000, OrderStatus::Paid)],
        );
        let years: Vec<(i32, String)> = record
            .years
            .iter()
            .map(|year| (year.year, year.paid_amount.to_string()))
            .collect();
        assert_eq!(
            years,
            vec![(2025, "333.34".to_owned()), (2024, "666.66".to_owned())],
            "newest year first; the shares add up to the amount"
        );
        assert_eq!(record.paid_amount.to_string(), "1000.00");
        assert_eq!(states(&record, 2025)[0], MonthState::Paid);
    }

    #[test]
    fn should_show_this_year_only_for_someone_not_insured() {
        let not_insured = InsuredInfo {
            insured: false,
            items: Vec::new(),
            agency: None,
            insured_since: None,
            paid_through: None,
            arrears: Vec::new(),
            arrears_months: 0,
        };
        let record = history(month("2025-06"), &not_insured, &[]);
        assert_eq!(record.years.len(), 1);
        assert!(
            states(&record, 2025)[..6]
                .iter()
                .all(|state| *state == MonthState::NotInsured)
        );
        assert_eq!(states(&record, 2025)[6], MonthState::Future);
    }
}
