//! 完税查询及证明补打 for a logged-in natural person (a `Session-Token`, not an identity token):
//! the person's paid payments by payment date, and 完税证明 over a selection of them, with the
//! same signed QR payload v1 and number space as 缴费证明.
//!
//! Reprint and supersede rule: each paid payment is on at most one valid 完税证明. Asking for
//! a selection that a valid certificate has already (in any order) answers that certificate
//! again (200, same number and QR). Any other selection gets a new certificate (201), and
//! every valid certificate covering one of its payments becomes `superseded`. A refund of a
//! covered payment makes the certificate `refunded`; a selection with a payment that is not
//! paid (any more) is refused.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use shebao_core::certificate::{CertificatePayload, SignedCertificate, holder_tag};
use shebao_core::id::mask_id_number;
use shebao_core::wire::{
    CertificateLine, NewTaxCertificate, OrderStatus, Payable, TaxPayment, TaxPaymentCertificate,
    TaxPaymentLine, TaxPaymentList,
};
use shebao_core::{Amount, ErrorCode, PersonName, YearMonth};

use crate::clock::{china_date, china_midnight, rfc3339};
use crate::error::ApiError;
use crate::extract::{AccountSession, ApiJson};
use crate::ids;
use crate::openapi::Refusal;
use crate::routes::certificates::{item_names, parse_number};
use crate::state::AppState;
use crate::store::{
    InsertTaxCertificate, NewTaxCertificateRow, StoredTaxCertificate, TaxPaymentRow, selection_key,
};

/// How many certificate numbers issuing draws before giving up (another issue took each).
const NUMBER_DRAWS: usize = 5;
/// The most payments one 完税证明 covers.
const MAX_SELECTION: usize = 100;

#[derive(Debug, Deserialize)]
pub struct TaxPaymentQuery {
    year: Option<i32>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

/// The payment dates asked for, as `[from, to)` in Unix seconds.
fn paid_between(query: &TaxPaymentQuery) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let day_after = |date: NaiveDate| date.succ_opt().map(china_midnight);
    match (query.year, query.from, query.to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(ApiError::validation(
            &["year", "from", "to"],
            "give a year or a date range, not both",
        )),
        (Some(year), None, None) => {
            let first = (2000..=9999)
                .contains(&year)
                .then(|| NaiveDate::from_ymd_opt(year, 1, 1))
                .flatten();
            let next = NaiveDate::from_ymd_opt(year + 1, 1, 1);
            match (first, next) {
                (Some(first), Some(next)) => {
                    Ok((Some(china_midnight(first)), Some(china_midnight(next))))
                }
                _ => Err(ApiError::validation(
                    &["year"],
                    "the year must be from 2000 to 9999",
                )),
            }
        }
        (None, Some(from), Some(to)) if from > to => Err(ApiError::validation(
            &["from", "to"],
            "the range ends before it begins",
        )),
        (None, from, to) => Ok((from.map(china_midnight), to.and_then(day_after))),
    }
}

/// `GET /v1/tax-payments`: 完税查询.
#[utoipa::path(
    get,
    path = "/v1/tax-payments",
    tag = "tax-certificates",
    summary = "The logged-in person's paid payments (完税查询)",
    description = "Paid payment orders of the session's person, newest payment first, filtered by payment date (缴款日期, UTC+8): `year`, or `from` and/or `to` (inclusive); all of them without a filter. Each carries the valid 完税证明 covering it, if any. Refunded payments are not listed.",
    security(("device_signature" = [], "session_token" = [])),
    params(
        ("year" = Option<i32>, Query, description = "Payments made in this calendar year (2000 to 9999); not with `from`/`to`"),
        ("from" = Option<NaiveDate>, Query, description = "Payments made on or after this date"),
        ("to" = Option<NaiveDate>, Query, description = "Payments made on or before this date"),
    ),
    responses((status = 200, description = "The paid payments", body = TaxPaymentList), Refusal)
)]
pub async fn payments(
    State(state): State<AppState>,
    session: AccountSession,
    query: Result<Query<TaxPaymentQuery>, QueryRejection>,
) -> Result<Json<TaxPaymentList>, ApiError> {
    let Ok(Query(query)) = query else {
        return Err(ApiError::validation(
            &["year", "from", "to"],
            "year is a number, from and to are dates (YYYY-MM-DD)",
        ));
    };
    let (from, to) = paid_between(&query)?;
    let rows = state
        .store
        .tax_payments(&session.person_id, from, to)
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let lines = wire_lines(&state.store.declaration_lines(&row.declaration_id).await?);
        items.push(TaxPayment {
            lines,
            paid_at: rfc3339(row.paid_at),
            paid_on: china_date(row.paid_at),
            tax_office: state.tax_office.clone(),
            certificate_number: row.certificate_number.map(|number| number.to_string()),
            order_id: row.order_id,
            ticket_number: row.ticket_number,
            period_start: row.period_start,
            period_end: row.period_end,
            amount: row.amount,
            channel: row.channel,
        });
    }
    Ok(Json(TaxPaymentList { items }))
}

/// `POST /v1/tax-certificates`: 证明补打.
#[utoipa::path(
    post,
    path = "/v1/tax-certificates",
    tag = "tax-certificates",
    summary = "Issue or reprint a 完税证明 over some of the person's paid payments (证明补打)",
    description = "The selection is 1 to 100 distinct order ids from the 完税查询. A selection a valid 完税证明 has already (in any order) answers that certificate again (200). Any other selection is issued a new certificate (201) and every valid 完税证明 covering one of its payments becomes `superseded`: a payment is on one valid 完税证明 at a time. An order unknown or not the person's is `not_found`; one that is not paid (or was refunded) is `certificate_not_available`.",
    security(("device_signature" = [], "session_token" = [])),
    params(("Idempotency-Key" = String, Header, description = "A fresh lower-case UUID v4 per intent; the same key and request again answer the first response", pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")),
    request_body = NewTaxCertificate,
    responses(
        (status = 201, description = "Issued now", body = TaxPaymentCertificate),
        (status = 200, description = "A valid certificate has this selection: the same certificate", body = TaxPaymentCertificate),
        Refusal
    )
)]
pub async fn issue(
    State(state): State<AppState>,
    session: AccountSession,
    ApiJson(body): ApiJson<NewTaxCertificate>,
) -> Result<(StatusCode, Json<TaxPaymentCertificate>), ApiError> {
    let order_ids = distinct(&body.order_ids)?;
    let selection = selection_key(&order_ids);
    let person_id = &session.person_id;
    for _ in 0..NUMBER_DRAWS {
        if let Some(issued) = state
            .store
            .valid_tax_certificate_of_selection(person_id, &selection)
            .await?
        {
            return Ok((
                StatusCode::OK,
                Json(wire_certificate(&state, &issued).await?),
            ));
        }
        let orders = state
            .store
            .tax_certificate_orders(person_id, &order_ids)
            .await?
            .ok_or_else(ApiError::not_found)?;
        if orders
            .iter()
            .any(|(_, status)| *status != OrderStatus::Paid)
        {
            return Err(certificate_not_available());
        }
        let orders: Vec<TaxPaymentRow> = orders.into_iter().map(|(row, _)| row).collect();
        let (first_month, last_month) =
            period_of(&orders).ok_or_else(|| ApiError::internal("a selection without orders"))?;
        let total_fen: i64 = orders.iter().map(|order| order.amount.fen()).sum();
        let holder = state
            .store
            .holder(person_id)
            .await?
            .ok_or_else(|| ApiError::internal("a session's person is missing"))?;

        let issued_on = state.clock.today();
        let number = state
            .store
            .next_certificate_number(issued_on.year())
            .await?
            .ok_or_else(|| ApiError::internal("no certificate number is left this year"))?;
        let (key_index, key) = state.keys.certificate_signer();
        let signed = CertificatePayload {
            key_index,
            number,
            amount_fen: u32::try_from(total_fen).map_err(ApiError::internal)?,
            first_month,
            last_month,
            issued_on,
            holder_tag: holder_tag(number, &holder.id_number, &holder.name),
        }
        .sign(key)
        .map_err(ApiError::internal)?;
        let qr_text = signed.qr_text(&state.verify_origin);
        let print_order: Vec<String> = orders.iter().map(|order| order.order_id.clone()).collect();

        let id = ids::random_id("tcr_", 16);
        let outcome = state
            .store
            .insert_tax_certificate(&NewTaxCertificateRow {
                id: &id,
                number,
                person_id,
                order_ids: &print_order,
                key_index,
                payload: &signed.to_bytes(),
                qr_text: &qr_text,
                issued_on,
                tax_office: &state.tax_office,
                now: state.clock.now(),
            })
            .await?;
        match outcome {
            InsertTaxCertificate::Inserted { superseded } => {
                let issued = state
                    .store
                    .tax_certificate_by_number(number)
                    .await?
                    .ok_or_else(|| ApiError::internal("an inserted certificate is missing"))?;
                tracing::info!(
                    certificate_id = %id,
                    payments = print_order.len(),
                    superseded = ?superseded,
                    "tax payment certificate issued"
                );
                return Ok((
                    StatusCode::CREATED,
                    Json(wire_certificate(&state, &issued).await?),
                ));
            }
            // Another request issued it, or took the number, meanwhile: look again.
            InsertTaxCertificate::AlreadyIssued | InsertTaxCertificate::NumberTaken => continue,
            InsertTaxCertificate::NotPaid => return Err(certificate_not_available()),
        }
    }
    Err(ApiError::internal(
        "no free certificate number after five draws",
    ))
}

/// `GET /v1/tax-certificates/{number}`: one of the person's 完税证明, to render it again.
#[utoipa::path(
    get,
    path = "/v1/tax-certificates/{number}",
    tag = "tax-certificates",
    summary = "One of the logged-in person's 完税证明",
    description = "Whatever its status (`valid`, `superseded`, `refunded`). Another person's or an unknown number is `not_found`.",
    security(("device_signature" = [], "session_token" = [])),
    params(("number" = String, Path, description = "The certificate number, decimal digits")),
    responses((status = 200, description = "The certificate", body = TaxPaymentCertificate), Refusal)
)]
pub async fn certificate(
    State(state): State<AppState>,
    session: AccountSession,
    Path(number): Path<String>,
) -> Result<Json<TaxPaymentCertificate>, ApiError> {
    let number = parse_number(&number).ok_or_else(ApiError::not_found)?;
    let issued = state
        .store
        .tax_certificate_by_number(number)
        .await?
        .filter(|issued| issued.person_id == session.person_id)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(wire_certificate(&state, &issued).await?))
}

/// The selection without repeats, in the order given; 1 to [`MAX_SELECTION`] ids.
fn distinct(order_ids: &[String]) -> Result<Vec<String>, ApiError> {
    let mut distinct: Vec<String> = Vec::with_capacity(order_ids.len());
    for order_id in order_ids {
        if !distinct.contains(order_id) {
            distinct.push(order_id.clone());
        }
    }
    if distinct.is_empty() || distinct.len() > MAX_SELECTION {
        return Err(ApiError::validation(
            &["order_ids"],
            "select 1 to 100 payments",
        ));
    }
    Ok(distinct)
}

fn certificate_not_available() -> ApiError {
    ApiError::new(
        ErrorCode::CertificateNotAvailable,
        "a selected payment order is not paid (or was refunded), so it has no 完税证明",
    )
}

/// The fee period the orders span: the first start to the last end.
fn period_of(orders: &[TaxPaymentRow]) -> Option<(YearMonth, YearMonth)> {
    let start = orders.iter().map(|order| order.period_start).min()?;
    let end = orders.iter().map(|order| order.period_end).max()?;
    Some((start, end))
}

pub(crate) fn wire_lines(lines: &[Payable]) -> Vec<CertificateLine> {
    lines
        .iter()
        .map(|line| {
            let (item_name, sub_item_name) = item_names(line.item);
            CertificateLine {
                item: line.item,
                item_name: item_name.to_owned(),
                sub_item_name: sub_item_name.to_owned(),
                period_start: line.period_start,
                period_end: line.period_end,
                base: line.base,
                rate: line.rate,
                amount: line.amount,
            }
        })
        .collect()
}

/// The holder's masked name and document number.
pub fn masked_tax_holder(issued: &StoredTaxCertificate) -> Result<(String, String), ApiError> {
    let name = PersonName::parse(&issued.holder_name)
        .map_err(|_| ApiError::internal("a stored name does not parse"))?;
    Ok((name.masked(), mask_id_number(&issued.holder_id_number)))
}

/// The wire form of a stored 完税证明: each covered order's lines under its ticket, its total
/// from the signed payload, the holder masked.
async fn wire_certificate(
    state: &AppState,
    issued: &StoredTaxCertificate,
) -> Result<TaxPaymentCertificate, ApiError> {
    let signed = SignedCertificate::from_bytes(&issued.payload)
        .map_err(|_| ApiError::internal("a stored certificate payload does not decode"))?;
    let orders = state
        .store
        .tax_certificate_orders(&issued.person_id, &issued.order_ids)
        .await?
        .ok_or_else(|| ApiError::internal("a certificate's order is missing"))?;
    let mut lines = Vec::new();
    for (order, _) in &orders {
        let declared = state.store.declaration_lines(&order.declaration_id).await?;
        lines.extend(
            wire_lines(&declared)
                .into_iter()
                .map(|line| TaxPaymentLine {
                    ticket_number: order.ticket_number.clone(),
                    line,
                }),
        );
    }
    let (name_masked, id_number_masked) = masked_tax_holder(issued)?;
    Ok(TaxPaymentCertificate {
        number: issued.number.to_string(),
        order_ids: issued.order_ids.clone(),
        name_masked,
        id_number_masked,
        id_type: issued.holder_id_type,
        lines,
        total: Amount::from_fen(i64::from(signed.payload().amount_fen)),
        issued_on: issued.issued_on,
        tax_office: issued.tax_office.clone(),
        qr_text: issued.qr_text.clone(),
        status: issued.status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(year: Option<i32>, from: Option<&str>, to: Option<&str>) -> TaxPaymentQuery {
        TaxPaymentQuery {
            year,
            from: from.map(|date| date.parse().unwrap()),
            to: to.map(|date| date.parse().unwrap()),
        }
    }

    #[test]
    fn should_read_a_year_or_an_inclusive_date_range_in_china_time() {
        let new_year_2026 = 1_767_196_800;
        let (from, to) = paid_between(&query(Some(2025), None, None)).unwrap();
        assert_eq!(to, Some(new_year_2026));
        assert_eq!(from, Some(new_year_2026 - 365 * 86_400));
        let (from, to) =
            paid_between(&query(None, Some("2025-12-31"), Some("2025-12-31"))).unwrap();
        assert_eq!(
            (from, to),
            (Some(new_year_2026 - 86_400), Some(new_year_2026))
        );
        assert_eq!(
            paid_between(&query(None, None, None)).unwrap(),
            (None, None)
        );
    }

    #[test]
    fn should_refuse_a_year_with_a_range_a_reversed_range_and_odd_years() {
        for bad in [
            query(Some(2025), Some("2025-01-01"), None),
            query(None, Some("2025-02-01"), Some("2025-01-31")),
            query(Some(1999), None, None),
            query(Some(10_000), None, None),
        ] {
            assert!(paid_between(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn should_take_one_to_a_hundred_distinct_orders() {
        let ids = |n: usize| (0..n).map(|i| format!("ord_{i}")).collect::<Vec<_>>();
        assert!(distinct(&[]).is_err());
        assert!(distinct(&ids(101)).is_err());
        assert_eq!(distinct(&ids(100)).unwrap().len(), 100);
        let repeated = vec!["ord_b".to_owned(), "ord_a".to_owned(), "ord_b".to_owned()];
        assert_eq!(distinct(&repeated).unwrap(), vec!["ord_b", "ord_a"]);
    }
}
