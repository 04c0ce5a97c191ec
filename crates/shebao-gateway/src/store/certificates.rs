//! Payment certificates (缴费证明): issued once per paid order, looked up to re-render and to
//! verify.

use chrono::NaiveDate;
use shebao_core::wire::{CertificateStatus, OrderStatus, Payable};
use shebao_core::{Amount, IdType};

use super::{
    Entity, Store, decode_error, from_text, is_unique_violation, parse_text, record_event, to_text,
};

/// Certificate numbers are `<year>` followed by a sequence of this many digits.
const SEQUENCE_DIGITS: u32 = 10;

/// A certificate as stored, with what rendering and verifying it need from its order and its
/// holder. The holder's name and document number never print.
#[derive(Clone)]
pub struct StoredCertificate {
    pub number: u64,
    pub order_id: String,
    pub person_id: String,
    pub declaration_id: String,
    pub ticket_number: String,
    /// The 92 signed bytes.
    pub payload: Vec<u8>,
    pub qr_text: String,
    pub issued_on: NaiveDate,
    pub tax_office: String,
    pub status: CertificateStatus,
    pub holder_id_type: IdType,
    /// Normalised, as `IdNumber::expose` gives it.
    pub holder_id_number: String,
    /// Normalised, as `PersonName::expose` gives it.
    pub holder_name: String,
}

impl std::fmt::Debug for StoredCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredCertificate")
            .field("number", &self.number)
            .field("order_id", &self.order_id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// What issuing a certificate for one of a person's orders reads.
#[derive(Clone)]
pub struct CertificateSource {
    pub order_status: OrderStatus,
    pub amount: Amount,
    pub lines: Vec<Payable>,
    /// Normalised, as `IdNumber::expose` gives it.
    pub holder_id_number: String,
    /// Normalised, as `PersonName::expose` gives it.
    pub holder_name: String,
}

impl std::fmt::Debug for CertificateSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateSource")
            .field("order_status", &self.order_status)
            .field("amount", &self.amount)
            .finish_non_exhaustive()
    }
}

/// A signed certificate to store.
pub struct NewCertificateRow<'a> {
    pub id: &'a str,
    pub number: u64,
    pub order_id: &'a str,
    pub person_id: &'a str,
    pub key_index: u8,
    pub payload: &'a [u8],
    pub qr_text: &'a str,
    pub issued_on: NaiveDate,
    pub tax_office: &'a str,
    pub now: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum InsertCertificate {
    Inserted,
    /// The order has its certificate already.
    AlreadyIssued,
    /// Another certificate took the number; draw again.
    NumberTaken,
    /// The order is not (or no longer) paid, or not the person's.
    NotPaid,
}

#[derive(sqlx::FromRow)]
struct CertificateRow {
    number: i64,
    order_id: String,
    person_id: String,
    declaration_id: String,
    ticket_number: String,
    payload: Vec<u8>,
    qr_text: String,
    issued_on: String,
    tax_office: String,
    status: String,
    id_type: String,
    id_number: String,
    name: String,
}

impl CertificateRow {
    fn into_stored(self) -> Result<StoredCertificate, sqlx::Error> {
        Ok(StoredCertificate {
            number: u64::try_from(self.number).map_err(|_| decode_error("number"))?,
            issued_on: parse_text("issued_on", &self.issued_on)?,
            status: from_text("status", &self.status)?,
            order_id: self.order_id,
            person_id: self.person_id,
            declaration_id: self.declaration_id,
            ticket_number: self.ticket_number,
            payload: self.payload,
            qr_text: self.qr_text,
            tax_office: self.tax_office,
            holder_id_type: from_text("id_type", &self.id_type)?,
            holder_id_number: self.id_number,
            holder_name: self.name,
        })
    }
}

const CERTIFICATE_COLUMNS: &str = "SELECT c.number, c.order_id, c.person_id, \
     o.declaration_id, o.ticket_number, c.payload, c.qr_text, c.issued_on, \
     c.tax_office, c.status, p.id_type, p.id_number, p.name \
     FROM certificates c \
     JOIN payment_orders o ON o.id = c.order_id \
     JOIN population p ON p.id = c.person_id";

impl Store {
    pub async fn certificate_by_number(
        &self,
        number: u64,
    ) -> Result<Option<StoredCertificate>, sqlx::Error> {
        let Ok(number) = i64::try_from(number) else {
            return Ok(None);
        };
        let sql = format!("{CERTIFICATE_COLUMNS} WHERE c.number = $1");
        let row: Option<CertificateRow> = sqlx::query_as(&sql)
            .bind(number)
            .fetch_optional(&self.pool)
            .await?;
        row.map(CertificateRow::into_stored).transpose()
    }

    /// The certificate of one of the person's orders, if it was issued.
    pub async fn certificate_of_order(
        &self,
        person_id: &str,
        order_id: &str,
    ) -> Result<Option<StoredCertificate>, sqlx::Error> {
        let sql = format!("{CERTIFICATE_COLUMNS} WHERE c.order_id = $1 AND c.person_id = $2");
        let row: Option<CertificateRow> = sqlx::query_as(&sql)
            .bind(order_id)
            .bind(person_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(CertificateRow::into_stored).transpose()
    }

    /// The person's order with its declaration lines and its holder, or `None` when the order
    /// is unknown or someone else's.
    pub async fn certificate_source(
        &self,
        person_id: &str,
        order_id: &str,
    ) -> Result<Option<CertificateSource>, sqlx::Error> {
        let row: Option<(String, i64, String, String, String)> = sqlx::query_as(
            "SELECT o.status, o.amount_fen, o.declaration_id, p.id_number, p.name \
             FROM payment_orders o JOIN population p ON p.id = o.person_id \
             WHERE o.id = $1 AND o.person_id = $2",
        )
        .bind(order_id)
        .bind(person_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((status, amount_fen, declaration_id, id_number, name)) = row else {
            return Ok(None);
        };
        Ok(Some(CertificateSource {
            order_status: from_text("status", &status)?,
            amount: Amount::from_fen(amount_fen),
            lines: self.declaration_lines(&declaration_id).await?,
            holder_id_number: id_number,
            holder_name: name,
        }))
    }

    /// The next free certificate number of `year`, for either kind of certificate (缴费证明 and
    /// 完税证明 share the number space): `<year>` and a 10-digit sequence, e.g.
    /// 20250000000001. `None` when the year cannot carry one or its sequence is used up.
    pub async fn next_certificate_number(&self, year: i32) -> Result<Option<u64>, sqlx::Error> {
        let span = 10_i64.pow(SEQUENCE_DIGITS);
        let Some(first) = (1..=9999).contains(&year).then(|| i64::from(year) * span) else {
            return Ok(None);
        };
        let last: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(number) FROM (SELECT number FROM certificates \
             UNION ALL SELECT number FROM tax_certificates) AS issued \
             WHERE number > $1 AND number < $2",
        )
        .bind(first)
        .bind(first + span)
        .fetch_one(&self.pool)
        .await?;
        let next = last.unwrap_or(first) + 1;
        Ok((next < first + span)
            .then(|| u64::try_from(next).ok())
            .flatten())
    }

    /// Stores a signed certificate for a paid order of the person, with its event, unless the
    /// order has one already or the number is taken.
    pub async fn insert_certificate(
        &self,
        new: &NewCertificateRow<'_>,
    ) -> Result<InsertCertificate, sqlx::Error> {
        let number = i64::try_from(new.number).map_err(|_| decode_error("number"))?;
        let mut tx = self.write().await?;
        let status: Option<String> = sqlx::query_scalar(
            "SELECT status FROM payment_orders WHERE id = $1 AND person_id = $2",
        )
        .bind(new.order_id)
        .bind(new.person_id)
        .fetch_optional(&mut *tx)
        .await?;
        let paid = match status {
            Some(status) => from_text::<OrderStatus>("status", &status)? == OrderStatus::Paid,
            None => false,
        };
        if !paid {
            return Ok(InsertCertificate::NotPaid);
        }
        let issued: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM certificates WHERE order_id = $1")
                .bind(new.order_id)
                .fetch_optional(&mut *tx)
                .await?;
        if issued.is_some() {
            return Ok(InsertCertificate::AlreadyIssued);
        }
        // Both kinds of certificate draw from one number space.
        if super::tax_certificates::number_taken(&mut tx, number).await? {
            return Ok(InsertCertificate::NumberTaken);
        }

        let valid = to_text(&CertificateStatus::Valid);
        let inserted = sqlx::query(
            "INSERT INTO certificates (id, number, order_id, person_id, key_index, payload, \
             qr_text, issued_on, tax_office, status, version, issued_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11)",
        )
        .bind(new.id)
        .bind(number)
        .bind(new.order_id)
        .bind(new.person_id)
        .bind(i64::from(new.key_index))
        .bind(new.payload)
        .bind(new.qr_text)
        .bind(new.issued_on.to_string())
        .bind(new.tax_office)
        .bind(&valid)
        .bind(new.now)
        .execute(&mut *tx)
        .await;
        match inserted {
            // The checks above ran in this write transaction; a unique index can still speak
            // for a writer that doesn't serialise (another backend). The caller looks again.
            Err(error) if is_unique_violation(&error) => return Ok(InsertCertificate::NumberTaken),
            other => other?,
        };
        record_event(
            &mut tx,
            Entity::Certificate,
            new.id,
            None,
            &valid,
            new.now,
            &format!("{} {}", new.number, new.order_id),
        )
        .await?;
        tx.commit().await?;
        Ok(InsertCertificate::Inserted)
    }
}
