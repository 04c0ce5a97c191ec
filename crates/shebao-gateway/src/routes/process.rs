//! The steps before payment: registration (参保登记 + 缴费登记), the insured-information query
//! (参保信息查询), assessment (核定) with its transmission (传输) to the tax side, and
//! declaration void (申报作废).

use std::collections::HashSet;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shebao_core::policy::{InsuranceItem, PolicyTable};
use shebao_core::wire::{
    Arrear, Assessment, AssessmentStatus, Declaration, InsuredInfo, NewAssessment, NewRegistration,
    Payable, VoidDeclaration,
};
use shebao_core::{Amount, ErrorCode, FeePeriod, YearMonth};

use crate::clock::rfc3339;
use crate::error::ApiError;
use crate::extract::{ApiJson, Person};
use crate::ids;
use crate::openapi::Refusal;
use crate::routes::payments::price;
use crate::state::AppState;
use crate::store::{
    AssessmentRecord, CreateAssessment, NewAssessmentRows, PayableStatus, Registration, VoidOutcome,
};

/// The longest void reason, in characters.
const MAX_REASON_CHARS: usize = 200;

/// The reason of a void or refund, trimmed: 1 to 200 characters without control characters
/// (a line break included); `None` otherwise.
pub(crate) fn void_reason(raw: &str) -> Option<&str> {
    let reason = raw.trim();
    let length = reason.chars().count();
    let valid = length > 0 && length <= MAX_REASON_CHARS && !reason.chars().any(char::is_control);
    valid.then_some(reason)
}

#[utoipa::path(
    post,
    path = "/v1/registrations",
    tag = "process",
    summary = "Register the confirmed person as insured (参保登记 + 缴费登记)",
    description = "For a person in the population register who is not insured: registers them as a flexible-employment insured person with the gateway's agency (经办机构) from `since_month` (default: the current month). `already_insured` when they are.",
    security(("device_signature" = [], "identity_token" = [])),
    params(("Idempotency-Key" = String, Header, description = "A fresh lower-case UUID v4 per intent; the same key and request again answer the first response", pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")),
    request_body = NewRegistration,
    responses((status = 201, description = "Registered; the person's insured information", body = InsuredInfo), Refusal)
)]
pub async fn register(
    State(state): State<AppState>,
    person: Person,
    ApiJson(body): ApiJson<NewRegistration>,
) -> Result<(StatusCode, Json<InsuredInfo>), ApiError> {
    let current = YearMonth::of(state.clock.today());
    let since = body.since_month.unwrap_or(current);
    if since > current {
        return Err(ApiError::validation(
            &["since_month"],
            "since_month must not be after the current month",
        ));
    }
    let first_covered = state.policy.entries.first().map(|entry| entry.from);
    if first_covered.is_some_and(|first| since < first) {
        return Err(ApiError::validation(
            &["since_month"],
            "since_month must not be before the first month of the policy table",
        ));
    }
    let record = state
        .store
        .insured_record(&person.id)
        .await?
        .ok_or_else(|| ApiError::internal("a token names a person not in the register"))?;
    if record.birth_month.is_some_and(|birth| since < birth) {
        return Err(ApiError::validation(
            &["since_month"],
            "since_month must not be before the person's month of birth",
        ));
    }
    match state
        .store
        .register(&person.id, &state.agency, since, state.clock.now())
        .await?
    {
        Registration::Registered => {
            tracing::info!("person registered as insured");
            Ok((
                StatusCode::CREATED,
                Json(insured_info(&state, &person).await?),
            ))
        }
        Registration::AlreadyInsured => Err(ApiError::new(
            ErrorCode::AlreadyInsured,
            "the person is already insured",
        )),
    }
}

#[utoipa::path(
    get,
    path = "/v1/insured-info",
    tag = "process",
    summary = "The confirmed person's insured information (参保信息查询)",
    description = "Whether the person is insured, for which items, with which agency and since when, the latest month paid, and arrears: assessed months before the current month that are not paid.",
    security(("device_signature" = [], "identity_token" = [])),
    responses((status = 200, description = "The insured information", body = InsuredInfo), Refusal)
)]
pub async fn insured(
    State(state): State<AppState>,
    person: Person,
) -> Result<Json<InsuredInfo>, ApiError> {
    Ok(Json(insured_info(&state, &person).await?))
}

async fn insured_info(state: &AppState, person: &Person) -> Result<InsuredInfo, ApiError> {
    let record = state
        .store
        .insured_record(&person.id)
        .await?
        .ok_or_else(|| ApiError::internal("a token names a person not in the register"))?;
    if !record.insured {
        return Ok(InsuredInfo {
            insured: false,
            items: Vec::new(),
            agency: None,
            insured_since: None,
            paid_through: None,
            arrears: Vec::new(),
            arrears_months: 0,
        });
    }
    state
        .store
        .settle_transmissions(&person.id, state.clock.now())
        .await?;
    let current = YearMonth::of(state.clock.today());
    let arrears: Vec<Arrear> = state
        .store
        .unpaid_before(&person.id, current)
        .await?
        .into_iter()
        .map(|row| {
            // Only the months before the current one are in arrears.
            let last_due = current.plus(-1).unwrap_or(row.period_start);
            let end = row.period_end.min(last_due);
            Arrear {
                months: row.period_start.count_through(end),
                payable_id: row.id,
                item: row.item,
                period_start: row.period_start,
                period_end: row.period_end,
                base: row.base,
                declared: row.status == PayableStatus::Declared,
            }
        })
        .collect();
    Ok(InsuredInfo {
        insured: true,
        items: insured_items(&state.policy),
        agency: Some(record.agency.unwrap_or_else(|| state.agency.clone())),
        insured_since: record.since,
        paid_through: state.store.paid_through(&person.id).await?,
        arrears_months: arrears.iter().map(|arrear| arrear.months).sum(),
        arrears,
    })
}

/// The items a flexible-employment insured person is insured for: pension, and medical
/// where the policy table enables it.
fn insured_items(policy: &PolicyTable) -> Vec<InsuranceItem> {
    [InsuranceItem::Pension, InsuranceItem::Medical]
        .into_iter()
        .filter(|item| policy.item(*item).is_some())
        .collect()
}

#[utoipa::path(
    post,
    path = "/v1/assessments",
    tag = "process",
    summary = "Assess contributions (核定)",
    description = "For the insured person whose identity token the request carries (代他人核定: the family member's own token, issued to this device): items, a base or grade, the period type and first month, validated and priced with the policy table. The assessment is transmitted (传输) to the tax side at once; its items become payable at `ready_at`.",
    security(("device_signature" = [], "identity_token" = [])),
    params(("Idempotency-Key" = String, Header, description = "A fresh lower-case UUID v4 per intent; the same key and request again answer the first response", pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")),
    request_body = NewAssessment,
    responses((status = 201, description = "Assessed and in transmission", body = Assessment), Refusal)
)]
pub async fn assess(
    State(state): State<AppState>,
    person: Person,
    ApiJson(body): ApiJson<NewAssessment>,
) -> Result<(StatusCode, Json<Assessment>), ApiError> {
    let record = state
        .store
        .insured_record(&person.id)
        .await?
        .filter(|record| record.insured)
        .ok_or_else(not_insured)?;
    let current = YearMonth::of(state.clock.today());
    let (period, base) = validate(&state.policy, &body, current)?;
    if record.since.is_some_and(|since| period.first() < since) {
        return Err(ApiError::validation(
            &["start_month"],
            "start_month must not be before the month the person has been insured since",
        ));
    }

    let now = state.clock.now();
    let id = ids::random_id("asm_", 16);
    let items = body
        .items
        .iter()
        .map(|item| {
            let lines = state.policy.price_period(*item, base, period)?;
            Ok(Payable {
                id: ids::random_id("pay_", 16),
                item: *item,
                period_start: period.first(),
                period_end: period.last(),
                months: period.months(),
                base,
                rate: lines.first().map(|line| line.rate).unwrap_or_default(),
                amount: lines.iter().map(|line| line.amount).sum(),
                personal: lines.iter().map(|line| line.personal).sum(),
                pooled: lines.iter().map(|line| line.pooled).sum(),
                policy_status: lines.iter().fold(
                    shebao_core::policy::FigureStatus::Confirmed,
                    |status, line| shebao_core::policy::worst(status, line.policy_status),
                ),
            })
        })
        .collect::<Result<Vec<_>, ErrorCode>>()?;
    let ready_at = now + state.transmission_delay;
    let created = state
        .store
        .create_assessment(&NewAssessmentRows {
            id: &id,
            person_id: &person.id,
            period_type: body.period_type,
            period_start: period.first(),
            period_end: period.last(),
            base,
            items: &items,
            now,
            ready_at,
        })
        .await?;
    match created {
        CreateAssessment::Created => {}
        CreateAssessment::NotInsured => return Err(not_insured()),
        CreateAssessment::Overlaps => {
            return Err(ApiError::new(
                ErrorCode::PeriodAlreadyAssessed,
                "a month of this period is already assessed for one of the items",
            ));
        }
    }
    tracing::info!(assessment_id = %id, "assessed; transmission started");
    let total = items.iter().map(|item| item.amount).sum();
    Ok((
        StatusCode::CREATED,
        Json(Assessment {
            id,
            status: AssessmentStatus::Transmitting,
            period_type: body.period_type,
            period_start: period.first(),
            period_end: period.last(),
            base,
            items,
            total,
            assessed_at: rfc3339(now),
            ready_at: rfc3339(ready_at),
        }),
    ))
}

fn not_insured() -> ApiError {
    ApiError::new(
        ErrorCode::NotInsured,
        "the person is not insured: registration comes before assessment",
    )
}

/// Checks an assessment request against the policy table in the `current` month; the fee
/// period and the monthly base it asks for.
fn validate(
    policy: &PolicyTable,
    body: &NewAssessment,
    current: YearMonth,
) -> Result<(FeePeriod, Amount), ApiError> {
    let distinct: HashSet<&InsuranceItem> = body.items.iter().collect();
    let offered = body.items.iter().all(|item| policy.item(*item).is_some());
    if body.items.is_empty() || distinct.len() != body.items.len() || !offered {
        return Err(ApiError::validation(
            &["items"],
            "items must list distinct items the policy table offers",
        ));
    }
    if !policy.allows_period_type(body.period_type) {
        return Err(ApiError::new(
            ErrorCode::PeriodTypeNotAllowed,
            "the policy table does not offer this period type",
        ));
    }
    let period = body
        .period_type
        .period_starting(body.start_month)
        .ok_or_else(|| {
            ApiError::validation(
                &["start_month"],
                "a quarter opens in January, April, July or October, a year in January",
            )
        })?;
    if period.first() > current {
        return Err(ApiError::validation(
            &["start_month"],
            "start_month must not be after the current month",
        ));
    }
    policy.check_period(body.period_type, period, current)?;

    let base = match (body.base, body.grade) {
        (Some(base), None) => base,
        (None, Some(share)) => {
            let (grades, _) = policy.grades(period.first())?;
            grades
                .iter()
                .find(|grade| grade.share == share)
                .map(|grade| grade.base)
                .ok_or_else(|| {
                    ApiError::validation(&["grade"], "grade must be one of the policy's presets")
                })?
        }
        _ => {
            return Err(ApiError::validation(
                &["base", "grade"],
                "give either a base or a grade",
            ));
        }
    };
    // Every month's range, so that a refusal names the limits of the month it fails in.
    for month in period.iter() {
        let entry = policy.for_month(month)?.entry;
        let (min, max) = (
            Amount::from_decimal(entry.base_lower),
            Amount::from_decimal(entry.base_upper),
        );
        if base < min || base > max {
            return Err(ApiError::new(
                ErrorCode::BaseOutOfRange,
                "the base is outside the allowed range",
            )
            .with_range(min, max));
        }
    }
    Ok((period, base))
}

#[utoipa::path(
    get,
    path = "/v1/assessments/{assessment_id}",
    tag = "process",
    summary = "One of the person's assessments, with its transmission status",
    description = "`transmitting` until `ready_at`, then `payable`.",
    security(("device_signature" = [], "identity_token" = [])),
    params(("assessment_id" = String, Path, description = "`asm_...`")),
    responses((status = 200, description = "The assessment", body = Assessment), Refusal)
)]
pub async fn assessment(
    State(state): State<AppState>,
    person: Person,
    Path(assessment_id): Path<String>,
) -> Result<Json<Assessment>, ApiError> {
    let now = state.clock.now();
    state.store.settle_transmissions(&person.id, now).await?;
    let record = state
        .store
        .assessment(&person.id, &assessment_id, now)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(assessment_of(&state, assessment_id, record)?))
}

fn assessment_of(
    state: &AppState,
    id: String,
    record: AssessmentRecord,
) -> Result<Assessment, ApiError> {
    let current = YearMonth::of(state.clock.today());
    let items = record
        .payables
        .iter()
        .map(|row| price(&state.policy, row, current))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Assessment {
        id,
        status: record.status,
        period_type: record.period_type,
        period_start: record.period_start,
        period_end: record.period_end,
        base: record.base,
        total: items.iter().map(|item| item.amount).sum(),
        items,
        assessed_at: rfc3339(record.assessed_at),
        ready_at: rfc3339(record.ready_at),
    })
}

#[utoipa::path(
    post,
    path = "/v1/declarations/{declaration_id}/void",
    tag = "process",
    summary = "Void an unpaid declaration (申报作废)",
    description = "With a reason. Only a declaration that is neither paid nor voided and has no open payment order can be voided (`declaration_not_voidable`, `payment_in_progress`); its payables become payable again.",
    security(("device_signature" = [], "identity_token" = [])),
    params(("declaration_id" = String, Path, description = "`dec_...`"), ("Idempotency-Key" = String, Header, description = "A fresh lower-case UUID v4 per intent; the same key and request again answer the first response", pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")),
    request_body = VoidDeclaration,
    responses((status = 200, description = "Voided", body = Declaration), Refusal)
)]
pub async fn void_declaration(
    State(state): State<AppState>,
    person: Person,
    Path(declaration_id): Path<String>,
    ApiJson(body): ApiJson<VoidDeclaration>,
) -> Result<Json<Declaration>, ApiError> {
    let reason = void_reason(&body.reason).ok_or_else(|| {
        ApiError::validation(
            &["reason"],
            "reason must be 1 to 200 characters without control characters",
        )
    })?;
    let outcome = state
        .store
        .void_declaration(&person.id, &declaration_id, reason, state.clock.now())
        .await?;
    match outcome {
        VoidOutcome::Voided => {}
        VoidOutcome::NotFound => return Err(ApiError::not_found()),
        VoidOutcome::NotVoidable => {
            return Err(ApiError::new(
                ErrorCode::DeclarationNotVoidable,
                "the declaration is already paid or voided",
            ));
        }
        VoidOutcome::PaymentInProgress => {
            return Err(ApiError::new(
                ErrorCode::PaymentInProgress,
                "the declaration has an open payment order; void its ticket first",
            ));
        }
    }
    tracing::info!(%declaration_id, "declaration voided");
    state
        .store
        .declaration(&person.id, &declaration_id)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}
