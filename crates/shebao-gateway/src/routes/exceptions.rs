//! Exception handling (缴款异常处理) of the confirmed person: the payment orders without an
//! outcome, and ticket void (票证作废) of one of them.

use axum::Json;
use axum::extract::{Path, State};
use shebao_core::ErrorCode;
use shebao_core::wire::{PaymentException, PaymentExceptionList, PaymentOrder};

use crate::error::ApiError;
use crate::extract::Person;
use crate::openapi::Refusal;
use crate::recovery::{self, TicketVoid};
use crate::routes::payments::declaration_not_payable;
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/v1/payment-exceptions",
    tag = "payments",
    summary = "Payment orders without an outcome (缴款异常处理)",
    description = "The person's orders that are created, awaiting payment or unknown, newest first, each with its attempts: what ticket void can be asked for.",
    security(("device_signature" = [], "identity_token" = [])),
    responses((status = 200, description = "Orders to handle", body = PaymentExceptionList), Refusal)
)]
pub async fn exceptions(
    State(state): State<AppState>,
    person: Person,
) -> Result<Json<PaymentExceptionList>, ApiError> {
    let items = state
        .store
        .payment_exceptions(&person.id)
        .await?
        .into_iter()
        .map(|(order, attempts)| PaymentException { order, attempts })
        .collect();
    Ok(Json(PaymentExceptionList { items }))
}

#[utoipa::path(
    post,
    path = "/v1/payment-orders/{order_id}/void",
    tag = "payments",
    summary = "Void a payment order's ticket (票证作废)",
    description = "Closes each attempt without an outcome at its channel, confirms the close by a query, then voids the order; its declaration can then be paid with a new order and ticket number. When the channel reports that the attempt was paid, the order becomes paid instead and is answered as such (200, `status: paid`). A channel that does not confirm the close leaves everything as it was (`payment_in_progress`).",
    security(("device_signature" = [], "identity_token" = [])),
    params(("order_id" = String, Path, description = "`ord_...`"), ("Idempotency-Key" = String, Header, description = "A fresh lower-case UUID v4 per intent; the same key and request again answer the first response", pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")),
    responses((status = 200, description = "The order: voided, or paid when the channel reported a payment", body = PaymentOrder), Refusal)
)]
pub async fn void(
    State(state): State<AppState>,
    person: Person,
    Path(order_id): Path<String>,
) -> Result<Json<PaymentOrder>, ApiError> {
    match recovery::void_ticket(&state, &person.id, &order_id).await {
        Ok(TicketVoid::Voided(order)) => {
            tracing::info!(%order_id, "ticket voided");
            Ok(Json(order))
        }
        Ok(TicketVoid::Paid(order)) => {
            tracing::info!(%order_id, "ticket void found the order paid");
            Ok(Json(order))
        }
        Ok(TicketVoid::NotFound) => Err(ApiError::not_found()),
        Ok(TicketVoid::NotOpen) => Err(declaration_not_payable()),
        Ok(TicketVoid::Unconfirmed) => Err(ApiError::new(
            ErrorCode::PaymentInProgress,
            "the channel has not confirmed that the payment is closed; try again later",
        )),
        Err(error) => Err(ApiError::internal(error)),
    }
}
