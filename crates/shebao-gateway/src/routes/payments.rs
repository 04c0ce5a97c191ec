//! Payables, declarations, payment orders and payment attempts of the confirmed person.

use std::collections::HashSet;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shebao_core::policy::{FigureStatus, PolicyTable, worst};
use shebao_core::wire::{
    Declaration, DeclarationList, DeclarationStatus, NewDeclaration as DeclarationRequest,
    NewPaymentAttempt, NewPaymentOrder, OrderStatus, Payable, PayableList, PaymentAttempt,
    PaymentOrder,
};
use shebao_core::{Amount, ErrorCode, YearMonth};

use crate::error::ApiError;
use crate::extract::{ApiJson, Person};
use crate::ids;
use crate::openapi::Refusal;
use crate::state::AppState;
use crate::store::{
    CreateAttempt, CreateOrder, NewAttempt, NewDeclaration, NewOrder, PayableRow, PayableStatus,
};

/// The longest `wait` a long poll accepts, in seconds.
const MAX_WAIT_SECONDS: u64 = 25;
const POLL_INTERVAL: Duration = Duration::from_millis(200);
/// How long a payment attempt's link and QR stay payable.
const ATTEMPT_SECONDS: i64 = 15 * 60;
/// The most payables one declaration takes.
const MAX_DECLARATION_LINES: usize = 36;

#[utoipa::path(
    get,
    path = "/v1/payables",
    tag = "payments",
    summary = "Contributions to declare",
    description = "The person's payables: assessed, transmitted, not yet declared. `assessment_not_ready` (with `ready_at`) when there are none yet but an assessment is still in transmission.",
    security(("device_signature" = [], "identity_token" = [])),
    responses((status = 200, description = "Payables and their total", body = PayableList), Refusal)
)]
pub async fn payables(
    State(state): State<AppState>,
    person: Person,
) -> Result<Json<PayableList>, ApiError> {
    let now = state.clock.now();
    state.store.settle_transmissions(&person.id, now).await?;
    let rows = state.store.declarable_payables(&person.id, now).await?;
    if rows.is_empty()
        && let Some(ready_at) = state.store.next_ready_at(&person.id, now).await?
    {
        return Err(not_ready(ready_at, now));
    }
    let current = YearMonth::of(state.clock.today());
    let items = rows
        .iter()
        .map(|row| price(&state.policy, row, current))
        .collect::<Result<Vec<_>, _>>()?;
    let total = items.iter().map(|item| item.amount).sum();
    Ok(Json(PayableList { items, total }))
}

/// Prices one payable period in the `current` month: the monthly lines of the policy table,
/// summed. A period the table does not let a payer pay now is refused with the table's code
/// (`period_type_not_allowed`, `back_payment_not_allowed`, `policy_not_published`).
pub(crate) fn price(
    policy: &PolicyTable,
    row: &PayableRow,
    current: YearMonth,
) -> Result<Payable, ApiError> {
    let period = row
        .period()
        .ok_or_else(|| ApiError::internal("a stored period ends before it starts"))?;
    policy.check_period(row.period_type, period, current)?;
    let lines = policy.price_period(row.item, row.base, period)?;
    let first = lines
        .first()
        .ok_or_else(|| ApiError::internal("a priced period has no months"))?;
    Ok(Payable {
        id: row.id.clone(),
        item: row.item,
        period_start: row.period_start,
        period_end: row.period_end,
        months: u32::try_from(lines.len()).map_err(ApiError::internal)?,
        base: row.base,
        rate: first.rate,
        amount: lines.iter().map(|line| line.amount).sum(),
        personal: lines.iter().map(|line| line.personal).sum(),
        pooled: lines.iter().map(|line| line.pooled).sum(),
        policy_status: lines.iter().fold(FigureStatus::Confirmed, |status, line| {
            worst(status, line.policy_status)
        }),
    })
}

#[utoipa::path(
    post,
    path = "/v1/declarations",
    tag = "payments",
    summary = "Declare payables",
    security(("device_signature" = [], "identity_token" = [])),
    params(("Idempotency-Key" = String, Header, description = "A fresh lower-case UUID v4 per intent; the same key and request again answer the first response", pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")),
    request_body = DeclarationRequest,
    responses((status = 201, description = "Declared", body = Declaration), Refusal)
)]
pub async fn declare(
    State(state): State<AppState>,
    person: Person,
    ApiJson(body): ApiJson<DeclarationRequest>,
) -> Result<(StatusCode, Json<Declaration>), ApiError> {
    let ids = &body.payable_ids;
    let distinct: HashSet<&String> = ids.iter().collect();
    if ids.is_empty() || ids.len() > MAX_DECLARATION_LINES || distinct.len() != ids.len() {
        return Err(ApiError::validation(
            &["payable_ids"],
            "payable_ids must list 1 to 36 distinct payables",
        ));
    }

    let now = state.clock.now();
    state.store.settle_transmissions(&person.id, now).await?;
    let rows = state.store.payables_of(&person.id, ids, now).await?;
    // A payable still in transmission: say when it will be ready.
    let pending = rows
        .iter()
        .filter(|row| row.status == PayableStatus::Payable && !row.transmitted)
        .filter_map(|row| row.ready_at)
        .max();
    if let Some(ready_at) = pending {
        return Err(not_ready(ready_at, now));
    }
    let available = rows.len() == ids.len()
        && rows
            .iter()
            .all(|row| row.status == PayableStatus::Payable && row.transmitted);
    if !available {
        return Err(payable_not_available());
    }
    let current = YearMonth::of(state.clock.today());
    let lines = rows
        .iter()
        .map(|row| Ok((price(&state.policy, row, current)?, row.version)))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let total: Amount = lines.iter().map(|(line, _)| line.amount).sum();
    let period_start = lines.iter().map(|(line, _)| line.period_start).min();
    let period_end = lines.iter().map(|(line, _)| line.period_end).max();
    let (Some(period_start), Some(period_end)) = (period_start, period_end) else {
        return Err(payable_not_available());
    };

    let id = ids::random_id("dec_", 16);
    let declaration = state
        .store
        .create_declaration(&NewDeclaration {
            id: &id,
            person_id: &person.id,
            lines: &lines,
            total,
            period_start,
            period_end,
            now,
        })
        .await?
        .ok_or_else(payable_not_available)?;

    tracing::info!(declaration_id = %id, "declared");
    Ok((StatusCode::CREATED, Json(declaration)))
}

/// `assessment_not_ready`: transmission (传输) to the tax side completes at `ready_at`.
fn not_ready(ready_at: i64, now: i64) -> ApiError {
    ApiError::new(
        ErrorCode::AssessmentNotReady,
        "the assessment is still being transmitted to the tax side",
    )
    .with_ready_at(
        crate::clock::rfc3339(ready_at),
        u64::try_from(ready_at - now).unwrap_or(0),
    )
}

fn payable_not_available() -> ApiError {
    ApiError::new(
        ErrorCode::PayableNotAvailable,
        "a payable is unknown, not transmitted yet, or already declared",
    )
}

#[derive(Debug, Deserialize)]
pub struct DeclarationQuery {
    status: Option<DeclarationStatus>,
}

/// The person's declarations in a status (`declared` when not given): 申报查询.
#[utoipa::path(
    get,
    path = "/v1/declarations",
    tag = "payments",
    summary = "The person's declarations in a status (申报查询)",
    security(("device_signature" = [], "identity_token" = [])),
    params(("status" = Option<DeclarationStatus>, Query, description = "`declared` when not given")),
    responses((status = 200, description = "Declarations, newest first", body = DeclarationList), Refusal)
)]
pub async fn declarations(
    State(state): State<AppState>,
    person: Person,
    query: Result<Query<DeclarationQuery>, QueryRejection>,
) -> Result<Json<DeclarationList>, ApiError> {
    let Ok(Query(DeclarationQuery { status })) = query else {
        return Err(ApiError::validation(
            &["status"],
            "status must be declared, paid or voided",
        ));
    };
    let status = status.unwrap_or(DeclarationStatus::Declared);
    let items = state.store.declarations_of(&person.id, status).await?;
    Ok(Json(DeclarationList { items }))
}

#[utoipa::path(
    get,
    path = "/v1/declarations/{declaration_id}",
    tag = "payments",
    summary = "One of the person's declarations",
    security(("device_signature" = [], "identity_token" = [])),
    params(("declaration_id" = String, Path, description = "`dec_...`")),
    responses((status = 200, description = "The declaration", body = Declaration), Refusal)
)]
pub async fn declaration(
    State(state): State<AppState>,
    person: Person,
    Path(declaration_id): Path<String>,
) -> Result<Json<Declaration>, ApiError> {
    state
        .store
        .declaration(&person.id, &declaration_id)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

#[utoipa::path(
    post,
    path = "/v1/payment-orders",
    tag = "payments",
    summary = "A payment order for a declaration",
    security(("device_signature" = [], "identity_token" = [])),
    params(("Idempotency-Key" = String, Header, description = "A fresh lower-case UUID v4 per intent; the same key and request again answer the first response", pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")),
    request_body = NewPaymentOrder,
    responses((status = 201, description = "Created", body = PaymentOrder), Refusal)
)]
pub async fn create_order(
    State(state): State<AppState>,
    person: Person,
    ApiJson(body): ApiJson<NewPaymentOrder>,
) -> Result<(StatusCode, Json<PaymentOrder>), ApiError> {
    // A ticket number collision is astronomically rare; draw again a couple of times.
    for _ in 0..3 {
        let id = ids::random_id("ord_", 16);
        let ticket_number = ids::random_digits(20);
        let outcome = state
            .store
            .create_order(&NewOrder {
                id: &id,
                person_id: &person.id,
                declaration_id: &body.declaration_id,
                ticket_number: &ticket_number,
                now: state.clock.now(),
            })
            .await?;
        match outcome {
            CreateOrder::Created(order) => {
                tracing::info!(order_id = %id, "payment order created");
                return Ok((StatusCode::CREATED, Json(order)));
            }
            CreateOrder::NotFound => return Err(ApiError::not_found()),
            CreateOrder::NotPayable => return Err(declaration_not_payable()),
            CreateOrder::InProgress => {
                return Err(ApiError::new(
                    ErrorCode::PaymentInProgress,
                    "this declaration already has an open payment order",
                ));
            }
            CreateOrder::TicketTaken => continue,
        }
    }
    Err(ApiError::internal(
        "no free ticket number after three draws",
    ))
}

pub(crate) fn declaration_not_payable() -> ApiError {
    ApiError::new(
        ErrorCode::DeclarationNotPayable,
        "the declaration or order is already paid or voided",
    )
}

#[derive(Debug, Deserialize)]
pub struct WaitQuery {
    wait: Option<u64>,
}

/// The order; with `wait=N` the answer waits up to N seconds for it to leave
/// `created`/`awaiting_payment`. Each poll re-reads the database, so the change may come from
/// any process.
#[utoipa::path(
    get,
    path = "/v1/payment-orders/{order_id}",
    tag = "payments",
    summary = "A payment order, optionally long-polled",
    description = "With `wait=N` the answer waits up to N seconds for the status to leave `created` / `awaiting_payment`.",
    security(("device_signature" = [], "identity_token" = [])),
    params(
        ("order_id" = String, Path, description = "`ord_...`"),
        ("wait" = Option<u32>, Query, minimum = 0, maximum = 25, description = "Seconds to wait, 0 to 25"),
    ),
    responses((status = 200, description = "The order", body = PaymentOrder), Refusal)
)]
pub async fn order(
    State(state): State<AppState>,
    person: Person,
    Path(order_id): Path<String>,
    query: Result<Query<WaitQuery>, QueryRejection>,
) -> Result<Json<PaymentOrder>, ApiError> {
    let wait = match query {
        Ok(Query(WaitQuery { wait })) if wait.unwrap_or(0) <= MAX_WAIT_SECONDS => wait.unwrap_or(0),
        _ => {
            return Err(ApiError::validation(
                &["wait"],
                "wait must be whole seconds from 0 to 25",
            ));
        }
    };

    let deadline = tokio::time::Instant::now() + Duration::from_secs(wait);
    let mut stopped = state.stopped.clone();
    loop {
        let order = state
            .store
            .order(&person.id, &order_id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        let settled = !matches!(
            order.status,
            OrderStatus::Created | OrderStatus::AwaitingPayment
        );
        let now = tokio::time::Instant::now();
        if settled || now >= deadline || *stopped.borrow() {
            return Ok(Json(order));
        }
        tokio::select! {
            _ = tokio::time::sleep_until(deadline.min(now + POLL_INTERVAL)) => {}
            // Shutting down (or the gateway was dropped): answer with what there is.
            _ = stopped.changed() => return Ok(Json(order)),
        }
    }
}

#[utoipa::path(
    post,
    path = "/v1/payment-orders/{order_id}/attempts",
    tag = "payments",
    summary = "A payment attempt through a channel",
    description = "201 with a new attempt, or 200 with the order's pending attempt of that channel (a resumed payment).",
    security(("device_signature" = [], "identity_token" = [])),
    params(("order_id" = String, Path, description = "`ord_...`"), ("Idempotency-Key" = String, Header, description = "A fresh lower-case UUID v4 per intent; the same key and request again answer the first response", pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")),
    request_body = NewPaymentAttempt,
    responses(
        (status = 201, description = "A new attempt", body = PaymentAttempt),
        (status = 200, description = "The pending attempt, reused", body = PaymentAttempt),
        Refusal
    )
)]
pub async fn create_attempt(
    State(state): State<AppState>,
    person: Person,
    Path(order_id): Path<String>,
    ApiJson(body): ApiJson<NewPaymentAttempt>,
) -> Result<(StatusCode, Json<PaymentAttempt>), ApiError> {
    let order = state
        .store
        .order(&person.id, &order_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !order.status.is_open() {
        return Err(declaration_not_payable());
    }
    let channels = state.channels.as_ref().ok_or_else(|| {
        ApiError::validation(
            &["channel"],
            "this channel is not available on this gateway",
        )
    })?;

    let now = state.clock.now();
    let attempt_id = ids::random_id("att_", 16);
    let expires_at = now + ATTEMPT_SECONDS;
    let pay_url = channels.pay_url(body.channel, &attempt_id);
    let qr_text = channels.qr_text(body.channel, &attempt_id);
    let outcome = state
        .store
        .create_attempt(&NewAttempt {
            id: &attempt_id,
            order_id: &order_id,
            person_id: &person.id,
            channel: body.channel,
            pay_url: &pay_url,
            qr_text: &qr_text,
            expires_at,
            now,
        })
        .await?;
    let attempt = match outcome {
        CreateAttempt::Created(attempt) => attempt,
        CreateAttempt::Pending(attempt) => {
            tracing::info!(%order_id, attempt_id = %attempt.id, "pending payment attempt reused");
            return Ok((StatusCode::OK, Json(attempt)));
        }
        CreateAttempt::NotFound => return Err(ApiError::not_found()),
        CreateAttempt::NotPayable => return Err(declaration_not_payable()),
        CreateAttempt::InProgress => {
            return Err(ApiError::new(
                ErrorCode::PaymentInProgress,
                "another payment of this order has no outcome yet",
            ));
        }
    };

    // The channel learns of the attempt only once the gateway has recorded it, so that no
    // payment can arrive for an attempt the gateway doesn't know. If this fails, the attempt
    // stays pending until it expires and the app starts another.
    channels
        .open_order(
            body.channel,
            &attempt_id,
            attempt.amount,
            &order.ticket_number,
            expires_at,
            now,
        )
        .await?;

    tracing::info!(%order_id, %attempt_id, "payment attempt created");
    Ok((StatusCode::CREATED, Json(attempt)))
}
