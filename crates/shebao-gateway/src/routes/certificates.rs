//! Payment certificates (缴费证明) of the confirmed person: issued once per paid order, read
//! again to re-render.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Datelike;
use shebao_core::certificate::{CertificatePayload, SignedCertificate, holder_tag};
use shebao_core::id::mask_id_number;
use shebao_core::policy::InsuranceItem;
use shebao_core::wire::{
    CertificateLine, NewCertificate, OrderStatus, Payable, PaymentCertificate,
};
use shebao_core::{Amount, ErrorCode, PersonName, YearMonth};

use crate::error::ApiError;
use crate::extract::{ApiJson, Person};
use crate::ids;
use crate::openapi::Refusal;
use crate::state::AppState;
use crate::store::{InsertCertificate, NewCertificateRow, StoredCertificate};

/// How many certificate numbers issuing draws before giving up (another issue took each).
const NUMBER_DRAWS: usize = 5;

/// `POST /v1/certificates`: the order's certificate, issued now (201) or as issued before
/// (200, same number and QR text).
#[utoipa::path(
    post,
    path = "/v1/certificates",
    tag = "certificates",
    summary = "Issue (once) the certificate of a paid order",
    security(("device_signature" = [], "identity_token" = [])),
    params(("Idempotency-Key" = String, Header, description = "A fresh lower-case UUID v4 per intent; the same key and request again answer the first response", pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")),
    request_body = NewCertificate,
    responses(
        (status = 201, description = "Issued now", body = PaymentCertificate),
        (status = 200, description = "Issued before: the same certificate", body = PaymentCertificate),
        Refusal
    )
)]
pub async fn issue(
    State(state): State<AppState>,
    person: Person,
    ApiJson(body): ApiJson<NewCertificate>,
) -> Result<(StatusCode, Json<PaymentCertificate>), ApiError> {
    for _ in 0..NUMBER_DRAWS {
        if let Some(issued) = state
            .store
            .certificate_of_order(&person.id, &body.order_id)
            .await?
        {
            return Ok((
                StatusCode::OK,
                Json(wire_certificate(&state, &issued).await?),
            ));
        }
        let source = state
            .store
            .certificate_source(&person.id, &body.order_id)
            .await?
            .ok_or_else(ApiError::not_found)?;
        if source.order_status != OrderStatus::Paid {
            return Err(certificate_not_available());
        }
        let (first_month, last_month) = period_of(&source.lines)
            .ok_or_else(|| ApiError::internal("a paid order has no declaration lines"))?;

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
            amount_fen: u32::try_from(source.amount.fen()).map_err(ApiError::internal)?,
            first_month,
            last_month,
            issued_on,
            holder_tag: holder_tag(number, &source.holder_id_number, &source.holder_name),
        }
        .sign(key)
        .map_err(ApiError::internal)?;
        let qr_text = signed.qr_text(&state.verify_origin);

        let id = ids::random_id("cer_", 16);
        let outcome = state
            .store
            .insert_certificate(&NewCertificateRow {
                id: &id,
                number,
                order_id: &body.order_id,
                person_id: &person.id,
                key_index,
                payload: &signed.to_bytes(),
                qr_text: &qr_text,
                issued_on,
                tax_office: &state.tax_office,
                now: state.clock.now(),
            })
            .await?;
        match outcome {
            InsertCertificate::Inserted => {
                let issued = state
                    .store
                    .certificate_by_number(number)
                    .await?
                    .ok_or_else(|| ApiError::internal("an inserted certificate is missing"))?;
                tracing::info!(certificate_id = %id, order_id = %body.order_id, "certificate issued");
                return Ok((
                    StatusCode::CREATED,
                    Json(wire_certificate(&state, &issued).await?),
                ));
            }
            // Another request issued it, or took the number, meanwhile: look again.
            InsertCertificate::AlreadyIssued | InsertCertificate::NumberTaken => continue,
            InsertCertificate::NotPaid => return Err(certificate_not_available()),
        }
    }
    Err(ApiError::internal(
        "no free certificate number after five draws",
    ))
}

/// `GET /v1/certificates/{number}`: one of the person's certificates, to render it again.
#[utoipa::path(
    get,
    path = "/v1/certificates/{number}",
    tag = "certificates",
    summary = "One of the person's certificates",
    security(("device_signature" = [], "identity_token" = [])),
    params(("number" = String, Path, description = "The certificate number, decimal digits")),
    responses((status = 200, description = "The certificate", body = PaymentCertificate), Refusal)
)]
pub async fn certificate(
    State(state): State<AppState>,
    person: Person,
    Path(number): Path<String>,
) -> Result<Json<PaymentCertificate>, ApiError> {
    let number = parse_number(&number).ok_or_else(ApiError::not_found)?;
    let issued = state
        .store
        .certificate_by_number(number)
        .await?
        .filter(|issued| issued.person_id == person.id)
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(wire_certificate(&state, &issued).await?))
}

fn certificate_not_available() -> ApiError {
    ApiError::new(
        ErrorCode::CertificateNotAvailable,
        "the payment order is not paid, so it has no certificate",
    )
}

/// A certificate number as the wire writes it: decimal digits only.
pub fn parse_number(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The fee period a set of lines covers: the first start to the last end.
fn period_of(lines: &[Payable]) -> Option<(YearMonth, YearMonth)> {
    let start = lines.iter().map(|line| line.period_start).min()?;
    let end = lines.iter().map(|line| line.period_end).max()?;
    Some((start, end))
}

/// 征收项目 and 征收品目 of an item as a flexible worker pays it.
pub fn item_names(item: InsuranceItem) -> (&'static str, &'static str) {
    match item {
        InsuranceItem::Pension => ("企业职工基本养老保险费", "职工基本养老保险(个人缴纳)"),
        InsuranceItem::Medical => ("职工基本医疗保险费", "职工基本医疗保险(个人缴纳)"),
    }
}

/// The holder's masked name and document number.
pub fn masked_holder(issued: &StoredCertificate) -> Result<(String, String), ApiError> {
    let name = PersonName::parse(&issued.holder_name)
        .map_err(|_| ApiError::internal("a stored name does not parse"))?;
    Ok((name.masked(), mask_id_number(&issued.holder_id_number)))
}

/// The wire form of a stored certificate: its lines from the declaration, its total from the
/// signed payload, the holder masked.
async fn wire_certificate(
    state: &AppState,
    issued: &StoredCertificate,
) -> Result<PaymentCertificate, ApiError> {
    let signed = SignedCertificate::from_bytes(&issued.payload)
        .map_err(|_| ApiError::internal("a stored certificate payload does not decode"))?;
    let lines = state
        .store
        .declaration_lines(&issued.declaration_id)
        .await?
        .into_iter()
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
        .collect();
    let (name_masked, id_number_masked) = masked_holder(issued)?;
    Ok(PaymentCertificate {
        number: issued.number.to_string(),
        order_id: issued.order_id.clone(),
        ticket_number: issued.ticket_number.clone(),
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

    #[test]
    fn should_take_only_decimal_certificate_numbers() {
        assert_eq!(parse_number("20250000000001"), Some(20_250_000_000_001));
        for bad in ["", "+1", "1e3", "２０２５", "99999999999999999999999"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }
}
