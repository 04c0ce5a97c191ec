//! The steps before payment, on the app's state: registration (参保登记 + 缴费登记), the
//! insured-information query (参保信息查询), the choices and prices of an assessment (核定) from
//! the core's policy table, the assessment itself and its transmission (传输) wait.
//! Registration and assessment change state at the gateway, so they go through the journal
//! like a declaration: a second press, a reloaded window or a restart sends the same key.

use std::sync::OnceLock;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use shebao_client::api::{ASSESSMENTS, REGISTRATIONS};
use shebao_core::policy::{self, FigureStatus, Grade, InsuranceItem, PolicyTable};
use shebao_core::wire::{Assessment, InsuredInfo, NewAssessment, NewRegistration};
use shebao_core::{Amount, ErrorCode, FeePeriod, PeriodType, YearMonth};

use crate::actions::CommandResult;
use crate::error::CommandError;
use crate::state::{AppState, unix_now};

/// The policy table the app prices with: the core's Ningxia table, parsed once.
pub(crate) fn policy_table() -> CommandResult<&'static PolicyTable> {
    static TABLE: OnceLock<Option<PolicyTable>> = OnceLock::new();
    TABLE
        .get_or_init(|| match PolicyTable::ningxia() {
            Ok(table) => Some(table),
            Err(error) => {
                tracing::error!(%error, "built-in policy table does not load");
                None
            }
        })
        .as_ref()
        .ok_or_else(|| CommandError::new("internal", "the policy table does not load"))
}

/// 参保信息查询 of the current person.
pub async fn insured_info(state: &AppState) -> CommandResult<InsuredInfo> {
    let session = state.require_session()?;
    Ok(state.client.insured_info(&session.identity_token).await?)
}

/// 参保登记 + 缴费登记 of the current person (from the current month unless said otherwise).
/// Pressed twice, it answers the same registration twice.
#[tracing::instrument(skip_all)]
pub async fn register(state: &AppState, request: NewRegistration) -> CommandResult<InsuredInfo> {
    let session = state.require_session()?;

    let _money = state.money_lock.lock().await;
    let since = request
        .since_month
        .map(|month| month.to_string())
        .unwrap_or_default();
    let intent = format!("{}:register:{since}", session.person_id);
    let info: InsuredInfo = state
        .send_journaled(&session, &intent, REGISTRATIONS, &request)
        .await?;
    tracing::info!("person registered");
    state.mark_insured(&session.person_id).await;
    Ok(info)
}

/// An item the payer may choose, with its rate from the table.
#[derive(Debug, Serialize)]
pub struct ItemOption {
    pub item: InsuranceItem,
    pub rate: Decimal,
    pub personal_share: Decimal,
    pub status: FigureStatus,
}

/// A period type the payer may choose and the months a period of it may open with now.
#[derive(Debug, Serialize)]
pub struct PeriodTypeOption {
    pub period_type: PeriodType,
    /// Oldest first; the last one is the period holding the current month.
    pub start_months: Vec<YearMonth>,
}

/// What an assessment may be made of, today: the wizard's choices.
#[derive(Debug, Serialize)]
pub struct AssessmentOptions {
    pub current_month: YearMonth,
    pub items: Vec<ItemOption>,
    pub period_types: Vec<PeriodTypeOption>,
    /// Whether months of an earlier calendar year may be paid (补缴).
    pub back_payment_allowed: bool,
}

/// The choices of an assessment today, from the policy table.
pub async fn assessment_options(state: &AppState) -> CommandResult<AssessmentOptions> {
    let table = policy_table()?;
    Ok(options(table, YearMonth::of(state.today())))
}

fn options(table: &PolicyTable, current: YearMonth) -> AssessmentOptions {
    let items = [InsuranceItem::Pension, InsuranceItem::Medical]
        .into_iter()
        .filter_map(|item| table.item(item))
        .map(|rule| ItemOption {
            item: rule.item,
            rate: rule.rate,
            personal_share: rule.personal_share,
            status: rule.status,
        })
        .collect();
    let period_types = PeriodType::ALL
        .iter()
        .filter(|period_type| table.allows_period_type(**period_type))
        .map(|&period_type| PeriodTypeOption {
            period_type,
            start_months: start_months(table, period_type, current),
        })
        .filter(|option| !option.start_months.is_empty())
        .collect();
    AssessmentOptions {
        current_month: current,
        items,
        period_types,
        back_payment_allowed: table.back_payment_allowed.value,
    }
}

/// How many months back the wizard offers when back payment is allowed.
const BACK_PAYMENT_MONTHS: i64 = 24;

/// The months a period of `period_type` may open with in `current`: periods opening this
/// year (or, with back payment, in the last two years) up to the one holding `current`, each
/// priced by the table.
fn start_months(
    table: &PolicyTable,
    period_type: PeriodType,
    current: YearMonth,
) -> Vec<YearMonth> {
    let earliest = if table.back_payment_allowed.value {
        current.plus(-BACK_PAYMENT_MONTHS)
    } else {
        YearMonth::new(current.year(), 1)
    };
    let Some(earliest) = earliest else {
        return Vec::new();
    };
    let span = i64::from(period_type.months());
    let mut months = Vec::new();
    let mut first = period_type.fee_period_containing(earliest).first();
    if first < earliest {
        first = first.plus(span).unwrap_or(first);
    }
    while first <= current {
        if let Some(period) = period_type.period_starting(first)
            && table.check_period(period_type, period, current).is_ok()
        {
            months.push(first);
        }
        match first.plus(span) {
            Some(next) => first = next,
            None => break,
        }
    }
    months
}

#[derive(Debug, Deserialize)]
pub struct QuoteRequest {
    pub items: Vec<InsuranceItem>,
    pub period_type: PeriodType,
    pub start_month: YearMonth,
    #[serde(default)]
    pub base: Option<Amount>,
    #[serde(default)]
    pub grade: Option<Decimal>,
}

/// One item of a quote, for the whole period and per month.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct QuoteLine {
    pub item: InsuranceItem,
    pub rate: Decimal,
    /// The amount of the period's first month.
    pub monthly_amount: Amount,
    pub amount: Amount,
    pub personal: Amount,
    pub pooled: Amount,
    pub policy_status: FigureStatus,
}

/// The price of a choice, as the wizard shows it while the payer chooses.
#[derive(Debug, Serialize)]
pub struct AssessmentQuote {
    pub period_start: YearMonth,
    pub period_end: YearMonth,
    pub months: u32,
    /// The allowed monthly base over the whole period (the narrowest of its months).
    pub base_min: Amount,
    pub base_max: Amount,
    /// The grades (档次) of the period's first month, lowest first.
    pub grades: Vec<Grade>,
    /// The status of the range and grades: provisional when a month reuses earlier figures.
    pub range_status: FigureStatus,
    /// The base chosen (a grade's base, or the one given); absent when none was.
    pub base: Option<Amount>,
    /// `base_out_of_range` when the base given is outside the range, or `validation_failed`
    /// for a grade that is not a preset; no lines then.
    pub base_refusal: Option<ErrorCode>,
    pub lines: Vec<QuoteLine>,
    pub monthly_total: Amount,
    pub total: Amount,
    /// The weakest status of the lines.
    pub policy_status: FigureStatus,
}

/// Prices a choice with the policy table, as the gateway will (the gateway's assessment is
/// the one that counts). A period the table does not allow is refused with its code.
pub async fn quote_assessment(
    state: &AppState,
    request: QuoteRequest,
) -> CommandResult<AssessmentQuote> {
    let table = policy_table()?;
    quote(table, &request, YearMonth::of(state.today())).map_err(CommandError::domain)
}

fn quote(
    table: &PolicyTable,
    request: &QuoteRequest,
    current: YearMonth,
) -> Result<AssessmentQuote, ErrorCode> {
    let period = request
        .period_type
        .period_starting(request.start_month)
        .filter(|period| period.first() <= current)
        .ok_or(ErrorCode::ValidationFailed)?;
    table.check_period(request.period_type, period, current)?;
    let offered = request.items.iter().all(|item| table.item(*item).is_some());
    if !offered {
        return Err(ErrorCode::ValidationFailed);
    }

    let (base_min, base_max, range_status) = range(table, period)?;
    let (grades, grade_status) = table.grades(period.first())?;
    let chosen = match (request.base, request.grade) {
        (Some(base), None) => Ok(Some(base)),
        (None, Some(share)) => grades
            .iter()
            .find(|grade| grade.share == share)
            .map(|grade| Some(grade.base))
            .ok_or(ErrorCode::ValidationFailed),
        (None, None) => Ok(None),
        (Some(_), Some(_)) => Err(ErrorCode::ValidationFailed),
    };
    let (base, base_refusal) = match chosen {
        Ok(Some(base)) if base < base_min || base > base_max => {
            (Some(base), Some(ErrorCode::BaseOutOfRange))
        }
        Ok(base) => (base, None),
        Err(code) => (None, Some(code)),
    };

    let lines = match (base, base_refusal) {
        (Some(base), None) => request
            .items
            .iter()
            .map(|item| price(table, *item, base, period))
            .collect::<Result<Vec<_>, _>>()?,
        _ => Vec::new(),
    };
    Ok(AssessmentQuote {
        period_start: period.first(),
        period_end: period.last(),
        months: period.months(),
        base_min,
        base_max,
        grades,
        range_status: policy::worst(range_status, grade_status),
        base,
        base_refusal,
        monthly_total: lines.iter().map(|line| line.monthly_amount).sum(),
        total: lines.iter().map(|line| line.amount).sum(),
        policy_status: lines.iter().fold(FigureStatus::Confirmed, |status, line| {
            policy::worst(status, line.policy_status)
        }),
        lines,
    })
}

/// The base range every month of `period` allows, and the weakest status of those months.
fn range(
    table: &PolicyTable,
    period: FeePeriod,
) -> Result<(Amount, Amount, FigureStatus), ErrorCode> {
    let mut min = Decimal::MIN;
    let mut max = Decimal::MAX;
    let mut status = FigureStatus::Confirmed;
    for month in period.iter() {
        let month_policy = table.for_month(month)?;
        min = min.max(month_policy.entry.base_lower);
        max = max.min(month_policy.entry.base_upper);
        status = policy::worst(status, month_policy.status);
    }
    Ok((Amount::from_decimal(min), Amount::from_decimal(max), status))
}

fn price(
    table: &PolicyTable,
    item: InsuranceItem,
    base: Amount,
    period: FeePeriod,
) -> Result<QuoteLine, ErrorCode> {
    let lines = table.price_period(item, base, period)?;
    let first = lines.first().ok_or(ErrorCode::ValidationFailed)?;
    Ok(QuoteLine {
        item,
        rate: first.rate,
        monthly_amount: first.amount,
        amount: policy::total(&lines),
        personal: lines.iter().map(|line| line.personal).sum(),
        pooled: lines.iter().map(|line| line.pooled).sum(),
        policy_status: lines.iter().fold(FigureStatus::Confirmed, |status, line| {
            policy::worst(status, line.policy_status)
        }),
    })
}

/// An assessment and how long its transmission still takes, by the gateway's clock.
#[derive(Debug, Serialize)]
pub struct AssessmentProgress {
    #[serde(flatten)]
    pub assessment: Assessment,
    /// Seconds until `ready_at` by the gateway's clock (0 once reached).
    pub seconds_left: i64,
}

fn progress(state: &AppState, assessment: Assessment) -> AssessmentProgress {
    let gateway_now = unix_now() + state.client.clock_offset();
    let ready_at = chrono::DateTime::parse_from_rfc3339(&assessment.ready_at)
        .map(|instant| instant.timestamp())
        .unwrap_or(gateway_now);
    AssessmentProgress {
        seconds_left: (ready_at - gateway_now).max(0),
        assessment,
    }
}

/// 核定 for the current person; the gateway transmits it at once. Pressed twice (or sent again
/// after a restart), it answers the same assessment.
#[tracing::instrument(skip_all)]
pub async fn create_assessment(
    state: &AppState,
    request: NewAssessment,
) -> CommandResult<AssessmentProgress> {
    let session = state.require_session()?;
    let mut request = request;
    request.items.sort_by_key(|item| item.as_str());

    let _money = state.money_lock.lock().await;
    let choice = serde_json::to_string(&request)
        .map_err(|_| CommandError::new("internal", "request does not serialise"))?;
    let intent = format!("{}:assess:{choice}", session.person_id);
    let assessment: Assessment = state
        .send_journaled(&session, &intent, ASSESSMENTS, &request)
        .await?;
    tracing::info!(assessment_id = %assessment.id, "assessed; in transmission");
    Ok(progress(state, assessment))
}

#[derive(Debug, Deserialize)]
pub struct AssessmentRequest {
    pub assessment_id: String,
}

/// An assessment of the current person with its transmission status and the wait left.
pub async fn get_assessment(
    state: &AppState,
    request: AssessmentRequest,
) -> CommandResult<AssessmentProgress> {
    let session = state.require_session()?;
    let assessment = state
        .client
        .assessment(&session.identity_token, &request.assessment_id)
        .await?;
    Ok(progress(state, assessment))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(text: &str) -> YearMonth {
        text.parse().unwrap_or_else(|_| panic!("{text}"))
    }

    fn table() -> PolicyTable {
        PolicyTable::ningxia().unwrap_or_else(|e| panic!("{e}"))
    }

    fn request(period_type: PeriodType, start: &str) -> QuoteRequest {
        QuoteRequest {
            items: vec![InsuranceItem::Pension],
            period_type,
            start_month: month(start),
            base: None,
            grade: None,
        }
    }

    #[test]
    fn should_offer_this_years_periods_up_to_the_current_one_without_back_payment() {
        let offered = options(&table(), month("2025-06"));
        let starts = |period_type| {
            offered
                .period_types
                .iter()
                .find(|option| option.period_type == period_type)
                .map(|option| option.start_months.iter().map(|m| m.to_string()).collect())
                .unwrap_or_else(Vec::<String>::new)
        };
        assert_eq!(
            starts(PeriodType::Monthly),
            [
                "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"
            ]
        );
        assert_eq!(starts(PeriodType::Quarterly), ["2025-01", "2025-04"]);
        assert_eq!(starts(PeriodType::Yearly), ["2025-01"]);
        assert_eq!(offered.items.len(), 1, "medical is off in the table");
        assert!(!offered.back_payment_allowed);
    }

    #[test]
    fn should_price_the_lowest_grade_of_a_2025_quarter() {
        let mut choice = request(PeriodType::Quarterly, "2025-04");
        choice.grade = Some(Decimal::new(60, 2));
        let quote = quote(&table(), &choice, month("2025-06")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(quote.base, Some(Amount::from_fen(495_500)));
        assert_eq!(quote.base_min, Amount::from_fen(495_500));
        assert_eq!(quote.base_max, Amount::from_fen(2_477_400));
        assert_eq!(quote.months, 3);
        assert_eq!(quote.monthly_total, Amount::from_fen(99_100));
        assert_eq!(quote.total, Amount::from_fen(297_300));
        assert_eq!(quote.policy_status, FigureStatus::Confirmed);
        assert_eq!(quote.grades.len(), 6);
    }

    #[test]
    fn should_report_a_base_outside_the_range_without_pricing_it() {
        let mut choice = request(PeriodType::Monthly, "2025-06");
        choice.base = Some(Amount::from_fen(100_000));
        let quote = quote(&table(), &choice, month("2025-06")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(quote.base_refusal, Some(ErrorCode::BaseOutOfRange));
        assert!(quote.lines.is_empty());
        assert_eq!(quote.total, Amount::from_fen(0));
    }

    #[test]
    fn should_mark_a_month_without_published_figures_provisional() {
        let mut choice = request(PeriodType::Monthly, "2026-02");
        choice.base = Some(Amount::from_fen(500_000));
        let quote = quote(&table(), &choice, month("2026-02")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(quote.range_status, FigureStatus::Provisional);
        assert_eq!(quote.policy_status, FigureStatus::Provisional);
        assert_eq!(quote.total, Amount::from_fen(100_000));
    }

    #[test]
    fn should_refuse_a_quarter_that_does_not_open_in_its_month_and_a_future_period() {
        let table = table();
        let current = month("2025-06");
        let odd = quote(&table, &request(PeriodType::Quarterly, "2025-05"), current);
        assert_eq!(odd.err(), Some(ErrorCode::ValidationFailed));
        let future = quote(&table, &request(PeriodType::Monthly, "2025-07"), current);
        assert_eq!(future.err(), Some(ErrorCode::ValidationFailed));
        let last_year = quote(&table, &request(PeriodType::Monthly, "2024-12"), current);
        assert_eq!(last_year.err(), Some(ErrorCode::BackPaymentNotAllowed));
    }
}
