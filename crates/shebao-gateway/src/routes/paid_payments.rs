//! 缴费查询及证明开具: the confirmed person's paid payments (refunded ones marked), each with
//! its 缴费证明 if one was issued, so the payer can pick the ones to issue a certificate for.

use axum::Json;
use axum::extract::State;
use shebao_core::wire::{PaidPayment, PaidPaymentList};

use crate::clock::{china_date, rfc3339};
use crate::error::ApiError;
use crate::extract::Person;
use crate::openapi::Refusal;
use crate::routes::tax_certificates::wire_lines;
use crate::state::AppState;

/// `GET /v1/payments`: 缴费查询.
#[utoipa::path(
    get,
    path = "/v1/payments",
    tag = "payments",
    summary = "The person's paid payments (缴费查询)",
    description = "Payment orders of the identity token's person that were paid, newest payment first, with their lines, ticket number, payment date and the 缴费证明 issued for each (number and status), if any. A payment refunded since is listed with `status: \"refunded\"` and `refunded_at`.",
    security(("device_signature" = [], "identity_token" = [])),
    responses((status = 200, description = "The paid payments", body = PaidPaymentList), Refusal)
)]
pub async fn paid_payments(
    State(state): State<AppState>,
    person: Person,
) -> Result<Json<PaidPaymentList>, ApiError> {
    let rows = state.store.paid_payments(&person.id).await?;

    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let lines = wire_lines(&state.store.declaration_lines(&row.declaration_id).await?);
        let (certificate_number, certificate_status) = match row.certificate {
            Some((number, status)) => (Some(number.to_string()), Some(status)),
            None => (None, None),
        };
        items.push(PaidPayment {
            lines,
            paid_at: rfc3339(row.paid_at),
            paid_on: china_date(row.paid_at),
            refunded_at: row.refunded_at.map(rfc3339),
            certificate_number,
            certificate_status,
            order_id: row.order_id,
            ticket_number: row.ticket_number,
            status: row.status,
            period_start: row.period_start,
            period_end: row.period_end,
            amount: row.amount,
            channel: row.channel,
        });
    }
    Ok(Json(PaidPaymentList { items }))
}
