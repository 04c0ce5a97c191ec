//! 缴费查询: the confirmed person's payment orders that were paid (refunded ones included),
//! each with its 缴费证明 if one was issued.

use shebao_core::Amount;
use shebao_core::wire::{CertificateStatus, Channel, OrderStatus};

use super::{Store, decode_error, from_text, parse_text, to_text};

/// One paid (or since refunded) order as 缴费查询 lists it.
#[derive(Debug, Clone)]
pub struct PaidPaymentRow {
    pub order_id: String,
    pub declaration_id: String,
    pub ticket_number: String,
    pub status: OrderStatus,
    pub amount: Amount,
    pub period_start: shebao_core::YearMonth,
    pub period_end: shebao_core::YearMonth,
    pub channel: Option<Channel>,
    /// Unix seconds.
    pub paid_at: i64,
    /// Unix seconds.
    pub refunded_at: Option<i64>,
    /// The order's 缴费证明, if issued, and its status.
    pub certificate: Option<(u64, CertificateStatus)>,
}

#[derive(sqlx::FromRow)]
struct PaidPaymentDbRow {
    id: String,
    declaration_id: String,
    ticket_number: String,
    status: String,
    amount_fen: i64,
    period_start: String,
    period_end: String,
    channel: Option<String>,
    paid_at: i64,
    refunded_at: Option<i64>,
    certificate_number: Option<i64>,
    certificate_status: Option<String>,
}

impl PaidPaymentDbRow {
    fn into_row(self) -> Result<PaidPaymentRow, sqlx::Error> {
        let certificate = match (self.certificate_number, self.certificate_status) {
            (Some(number), Some(status)) => Some((
                u64::try_from(number).map_err(|_| decode_error("number"))?,
                from_text("status", &status)?,
            )),
            _ => None,
        };
        Ok(PaidPaymentRow {
            status: from_text("status", &self.status)?,
            amount: Amount::from_fen(self.amount_fen),
            period_start: parse_text("period_start", &self.period_start)?,
            period_end: parse_text("period_end", &self.period_end)?,
            channel: self
                .channel
                .map(|text| Channel::parse(&text).ok_or_else(|| decode_error("channel")))
                .transpose()?,
            paid_at: self.paid_at,
            refunded_at: self.refunded_at,
            certificate,
            order_id: self.id,
            declaration_id: self.declaration_id,
            ticket_number: self.ticket_number,
        })
    }
}

impl Store {
    /// The person's orders that were paid (`paid`, or `refunded` since), newest payment first.
    pub async fn paid_payments(&self, person_id: &str) -> Result<Vec<PaidPaymentRow>, sqlx::Error> {
        let rows: Vec<PaidPaymentDbRow> = sqlx::query_as(
            "SELECT o.id, o.declaration_id, o.ticket_number, o.status, o.amount_fen, \
             o.period_start, o.period_end, o.channel, o.paid_at, o.refunded_at, \
             c.number AS certificate_number, c.status AS certificate_status \
             FROM payment_orders o \
             LEFT JOIN certificates c ON c.order_id = o.id \
             WHERE o.person_id = $1 AND o.status IN ($2, $3) AND o.paid_at IS NOT NULL \
             ORDER BY o.paid_at DESC, o.id",
        )
        .bind(person_id)
        .bind(to_text(&OrderStatus::Paid))
        .bind(to_text(&OrderStatus::Refunded))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(PaidPaymentDbRow::into_row).collect()
    }
}
