//! Tax payment certificates (完税证明): a person's paid payment orders listed for the query
//! (完税查询), and certificates over a selection of them, reprinted (证明补打) as often as
//! asked.
//!
//! The rule (docs/api.md "完税证明"): each paid order is on at most one valid 完税证明. Issuing
//! for a selection that a valid certificate has already answers that certificate; issuing for
//! any other selection supersedes every valid certificate covering one of its orders. A
//! refund of a covered order makes the certificate `refunded`.

use chrono::NaiveDate;
use shebao_core::Amount;
use shebao_core::wire::{CertificateStatus, Channel, OrderStatus};

use super::{
    Entity, Store, Transition, decode_error, from_text, is_unique_violation, parse_text,
    record_event, to_text, transition,
};

/// One paid order as the 完税查询 lists it.
#[derive(Debug, Clone)]
pub struct TaxPaymentRow {
    pub order_id: String,
    pub declaration_id: String,
    pub ticket_number: String,
    pub amount: Amount,
    pub period_start: shebao_core::YearMonth,
    pub period_end: shebao_core::YearMonth,
    pub channel: Option<Channel>,
    /// Unix seconds.
    pub paid_at: i64,
    /// The valid 完税证明 covering the order, if any.
    pub certificate_number: Option<u64>,
}

/// A 完税证明 as stored, with its holder. The holder's name and document number never print.
#[derive(Clone)]
pub struct StoredTaxCertificate {
    pub number: u64,
    pub person_id: String,
    /// The covered orders, in print order (by fee period, then payment time).
    pub order_ids: Vec<String>,
    /// Their tickets (电子税票号码), in the same order.
    pub ticket_numbers: Vec<String>,
    /// The 92 signed bytes.
    pub payload: Vec<u8>,
    pub qr_text: String,
    pub issued_on: NaiveDate,
    pub tax_office: String,
    pub status: CertificateStatus,
    pub holder_id_type: shebao_core::IdType,
    /// Normalised, as `IdNumber::expose` gives it.
    pub holder_id_number: String,
    /// Normalised, as `PersonName::expose` gives it.
    pub holder_name: String,
}

impl std::fmt::Debug for StoredTaxCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredTaxCertificate")
            .field("number", &self.number)
            .field("order_ids", &self.order_ids)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// Whom a certificate names; neither field ever prints.
#[derive(Clone)]
pub struct Holder {
    /// Normalised, as `IdNumber::expose` gives it.
    pub id_number: String,
    /// Normalised, as `PersonName::expose` gives it.
    pub name: String,
}

impl std::fmt::Debug for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Holder").finish_non_exhaustive()
    }
}

/// A signed 完税证明 to store.
pub struct NewTaxCertificateRow<'a> {
    pub id: &'a str,
    pub number: u64,
    pub person_id: &'a str,
    /// The covered orders, in print order.
    pub order_ids: &'a [String],
    pub key_index: u8,
    pub payload: &'a [u8],
    pub qr_text: &'a str,
    pub issued_on: NaiveDate,
    pub tax_office: &'a str,
    pub now: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum InsertTaxCertificate {
    /// Stored; these earlier certificates are superseded by it.
    Inserted { superseded: Vec<u64> },
    /// A valid certificate has this selection already.
    AlreadyIssued,
    /// Another certificate took the number; draw again.
    NumberTaken,
    /// One of the orders is not (or no longer) paid, or not the person's.
    NotPaid,
}

/// The key of a selection: its order ids sorted, joined with commas.
pub fn selection_key(order_ids: &[String]) -> String {
    let mut sorted: Vec<&str> = order_ids.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    sorted.join(",")
}

#[derive(sqlx::FromRow)]
struct TaxPaymentDbRow {
    id: String,
    declaration_id: String,
    ticket_number: String,
    amount_fen: i64,
    period_start: String,
    period_end: String,
    channel: Option<String>,
    paid_at: i64,
    certificate_number: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct TaxCertificateRow {
    id: String,
    number: i64,
    person_id: String,
    payload: Vec<u8>,
    qr_text: String,
    issued_on: String,
    tax_office: String,
    status: String,
    id_type: String,
    id_number: String,
    name: String,
}

const TAX_CERTIFICATE_COLUMNS: &str = "SELECT c.id, c.number, c.person_id, c.payload, \
     c.qr_text, c.issued_on, c.tax_office, c.status, p.id_type, p.id_number, p.name \
     FROM tax_certificates c JOIN population p ON p.id = c.person_id";

impl Store {
    /// The person's paid orders, paid within `[from, to)` (Unix seconds; open ends when
    /// `None`), newest payment first, each with the valid 完税证明 covering it.
    pub async fn tax_payments(
        &self,
        person_id: &str,
        from: Option<i64>,
        to: Option<i64>,
    ) -> Result<Vec<TaxPaymentRow>, sqlx::Error> {
        let rows: Vec<TaxPaymentDbRow> = sqlx::query_as(
            "SELECT o.id, o.declaration_id, o.ticket_number, o.amount_fen, o.period_start, \
             o.period_end, o.channel, o.paid_at, \
             (SELECT MAX(c.number) FROM tax_certificate_orders t \
              JOIN tax_certificates c ON c.id = t.certificate_id \
              WHERE t.order_id = o.id AND c.status = 'valid') AS certificate_number \
             FROM payment_orders o \
             WHERE o.person_id = $1 AND o.status = $2 AND o.paid_at IS NOT NULL \
             AND o.paid_at >= $3 AND o.paid_at < $4 \
             ORDER BY o.paid_at DESC, o.id",
        )
        .bind(person_id)
        .bind(to_text(&OrderStatus::Paid))
        .bind(from.unwrap_or(i64::MIN))
        .bind(to.unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(TaxPaymentRow {
                    amount: Amount::from_fen(row.amount_fen),
                    period_start: parse_text("period_start", &row.period_start)?,
                    period_end: parse_text("period_end", &row.period_end)?,
                    channel: row
                        .channel
                        .map(|text| Channel::parse(&text).ok_or_else(|| decode_error("channel")))
                        .transpose()?,
                    certificate_number: row
                        .certificate_number
                        .map(|number| u64::try_from(number).map_err(|_| decode_error("number")))
                        .transpose()?,
                    paid_at: row.paid_at,
                    order_id: row.id,
                    declaration_id: row.declaration_id,
                    ticket_number: row.ticket_number,
                })
            })
            .collect()
    }

    /// The person's orders of `order_ids` (any status) in print order (by fee period, then
    /// payment time);
    /// `None` when one of them is unknown or someone else's.
    pub async fn tax_certificate_orders(
        &self,
        person_id: &str,
        order_ids: &[String],
    ) -> Result<Option<Vec<(TaxPaymentRow, OrderStatus)>>, sqlx::Error> {
        let mut found = Vec::with_capacity(order_ids.len());
        for order_id in order_ids {
            type OrderTuple = (
                String,
                String,
                String,
                i64,
                String,
                String,
                Option<String>,
                Option<i64>,
                String,
            );
            let row: Option<OrderTuple> = sqlx::query_as(
                "SELECT id, declaration_id, ticket_number, amount_fen, period_start, \
                 period_end, channel, paid_at, status \
                 FROM payment_orders WHERE id = $1 AND person_id = $2",
            )
            .bind(order_id)
            .bind(person_id)
            .fetch_optional(&self.pool)
            .await?;
            let Some((
                id,
                declaration_id,
                ticket_number,
                amount_fen,
                start,
                end,
                channel,
                paid_at,
                status,
            )) = row
            else {
                return Ok(None);
            };
            found.push((
                TaxPaymentRow {
                    amount: Amount::from_fen(amount_fen),
                    period_start: parse_text("period_start", &start)?,
                    period_end: parse_text("period_end", &end)?,
                    channel: channel.as_deref().and_then(Channel::parse),
                    certificate_number: None,
                    paid_at: paid_at.unwrap_or(0),
                    order_id: id,
                    declaration_id,
                    ticket_number,
                },
                from_text("status", &status)?,
            ));
        }
        found.sort_by(|(a, _), (b, _)| {
            (a.period_start, a.paid_at, &a.ticket_number).cmp(&(
                b.period_start,
                b.paid_at,
                &b.ticket_number,
            ))
        });
        Ok(Some(found))
    }

    /// The person's normalised document number and name, for the holder tag.
    pub async fn holder(&self, person_id: &str) -> Result<Option<Holder>, sqlx::Error> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT id_number, name FROM population WHERE id = $1")
                .bind(person_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(id_number, name)| Holder { id_number, name }))
    }

    pub async fn tax_certificate_by_number(
        &self,
        number: u64,
    ) -> Result<Option<StoredTaxCertificate>, sqlx::Error> {
        let Ok(number) = i64::try_from(number) else {
            return Ok(None);
        };
        let sql = format!("{TAX_CERTIFICATE_COLUMNS} WHERE c.number = $1");
        let row: Option<TaxCertificateRow> = sqlx::query_as(&sql)
            .bind(number)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => Ok(Some(self.stored_tax_certificate(row).await?)),
            None => Ok(None),
        }
    }

    /// The person's valid 完税证明 of exactly this selection, if any.
    pub async fn valid_tax_certificate_of_selection(
        &self,
        person_id: &str,
        selection: &str,
    ) -> Result<Option<StoredTaxCertificate>, sqlx::Error> {
        let sql = format!(
            "{TAX_CERTIFICATE_COLUMNS} WHERE c.person_id = $1 AND c.selection = $2 \
             AND c.status = 'valid'"
        );
        let row: Option<TaxCertificateRow> = sqlx::query_as(&sql)
            .bind(person_id)
            .bind(selection)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => Ok(Some(self.stored_tax_certificate(row).await?)),
            None => Ok(None),
        }
    }

    async fn stored_tax_certificate(
        &self,
        row: TaxCertificateRow,
    ) -> Result<StoredTaxCertificate, sqlx::Error> {
        let covered: Vec<(String, String)> = sqlx::query_as(
            "SELECT t.order_id, o.ticket_number FROM tax_certificate_orders t \
             JOIN payment_orders o ON o.id = t.order_id \
             WHERE t.certificate_id = $1 ORDER BY t.position",
        )
        .bind(&row.id)
        .fetch_all(&self.pool)
        .await?;
        let (order_ids, ticket_numbers) = covered.into_iter().unzip();
        Ok(StoredTaxCertificate {
            number: u64::try_from(row.number).map_err(|_| decode_error("number"))?,
            issued_on: parse_text("issued_on", &row.issued_on)?,
            status: from_text("status", &row.status)?,
            holder_id_type: from_text("id_type", &row.id_type)?,
            person_id: row.person_id,
            order_ids,
            ticket_numbers,
            payload: row.payload,
            qr_text: row.qr_text,
            tax_office: row.tax_office,
            holder_id_number: row.id_number,
            holder_name: row.name,
        })
    }

    /// Stores a signed 完税证明 over paid orders of the person, superseding every valid one
    /// covering any of them, unless a valid one has this selection already or the number is
    /// taken (by either kind of certificate).
    pub async fn insert_tax_certificate(
        &self,
        new: &NewTaxCertificateRow<'_>,
    ) -> Result<InsertTaxCertificate, sqlx::Error> {
        let number = i64::try_from(new.number).map_err(|_| decode_error("number"))?;
        let selection = selection_key(new.order_ids);
        let mut tx = self.write().await?;
        let paid = to_text(&OrderStatus::Paid);
        for order_id in new.order_ids {
            let status: Option<String> = sqlx::query_scalar(
                "SELECT status FROM payment_orders WHERE id = $1 AND person_id = $2",
            )
            .bind(order_id)
            .bind(new.person_id)
            .fetch_optional(&mut *tx)
            .await?;
            if status.as_deref() != Some(paid.as_str()) {
                return Ok(InsertTaxCertificate::NotPaid);
            }
        }
        let issued: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM tax_certificates WHERE person_id = $1 AND selection = $2 \
             AND status = 'valid'",
        )
        .bind(new.person_id)
        .bind(&selection)
        .fetch_optional(&mut *tx)
        .await?;
        if issued.is_some() {
            return Ok(InsertTaxCertificate::AlreadyIssued);
        }
        if number_taken(&mut tx, number).await? {
            return Ok(InsertTaxCertificate::NumberTaken);
        }

        // Supersede the valid certificates covering any of the orders.
        let mut superseded = Vec::new();
        for order_id in new.order_ids {
            let covering: Vec<(String, i64, String, i64)> = sqlx::query_as(
                "SELECT c.id, c.number, c.status, c.version FROM tax_certificates c \
                 JOIN tax_certificate_orders t ON t.certificate_id = c.id \
                 WHERE t.order_id = $1 AND c.status = 'valid'",
            )
            .bind(order_id)
            .fetch_all(&mut *tx)
            .await?;
            for (id, old_number, status, version) in covering {
                let moved = transition(
                    &mut tx,
                    &Transition {
                        entity: Entity::TaxCertificate,
                        id: &id,
                        from: &status,
                        version,
                        to: &to_text(&CertificateStatus::Superseded),
                        at: new.now,
                        detail: &format!("by {}", new.number),
                    },
                )
                .await?;
                if !moved {
                    // Under the write lock nothing else moves it; a lost race is a retry.
                    return Ok(InsertTaxCertificate::NumberTaken);
                }
                superseded.push(u64::try_from(old_number).map_err(|_| decode_error("number"))?);
            }
        }

        let valid = to_text(&CertificateStatus::Valid);
        let inserted = sqlx::query(
            "INSERT INTO tax_certificates (id, number, person_id, selection, key_index, \
             payload, qr_text, issued_on, tax_office, status, version, issued_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11)",
        )
        .bind(new.id)
        .bind(number)
        .bind(new.person_id)
        .bind(&selection)
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
            Err(error) if is_unique_violation(&error) => {
                return Ok(InsertTaxCertificate::NumberTaken);
            }
            other => other?,
        };
        for (position, order_id) in new.order_ids.iter().enumerate() {
            sqlx::query(
                "INSERT INTO tax_certificate_orders (certificate_id, order_id, position) \
                 VALUES ($1, $2, $3)",
            )
            .bind(new.id)
            .bind(order_id)
            .bind(i64::try_from(position).map_err(|_| decode_error("position"))?)
            .execute(&mut *tx)
            .await?;
        }
        record_event(
            &mut tx,
            Entity::TaxCertificate,
            new.id,
            None,
            &valid,
            new.now,
            &format!("{} {selection}", new.number),
        )
        .await?;
        tx.commit().await?;
        superseded.sort_unstable();
        superseded.dedup();
        Ok(InsertTaxCertificate::Inserted { superseded })
    }
}

/// Whether either kind of certificate has the number.
pub(super) async fn number_taken(
    conn: &mut sqlx::AnyConnection,
    number: i64,
) -> Result<bool, sqlx::Error> {
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM certificates WHERE number = $1 \
         UNION ALL SELECT 1 FROM tax_certificates WHERE number = $1",
    )
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(taken.is_some())
}

/// Moves the valid 完税证明 covering a refunded order to `refunded`, inside the refund's
/// transaction. Returns false when a row moved under it.
pub(super) async fn refund_tax_certificates(
    conn: &mut sqlx::AnyConnection,
    order_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let covering: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT c.id, c.status, c.version FROM tax_certificates c \
         JOIN tax_certificate_orders t ON t.certificate_id = c.id \
         WHERE t.order_id = $1 AND c.status = 'valid'",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let refunded = to_text(&CertificateStatus::Refunded);
    for (id, status, version) in covering {
        let moved = transition(
            conn,
            &Transition {
                entity: Entity::TaxCertificate,
                id: &id,
                from: &status,
                version,
                to: &refunded,
                at: now,
                detail: order_id,
            },
        )
        .await?;
        if !moved {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_key_a_selection_whatever_its_order() {
        let a = selection_key(&["ord_b".to_owned(), "ord_a".to_owned()]);
        let b = selection_key(&["ord_a".to_owned(), "ord_b".to_owned(), "ord_a".to_owned()]);
        assert_eq!(a, "ord_a,ord_b");
        assert_eq!(a, b);
    }
}
