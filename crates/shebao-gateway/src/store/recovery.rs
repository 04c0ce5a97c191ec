//! Payments without an outcome and money that goes back: the exception list (缴款异常处理),
//! ticket void (票证作废), what the recovery job reads and writes, duplicate refunds and an
//! operator's refund. Every status change is a compare-and-set on (status, version) with its
//! event, in one transaction.

use shebao_core::Amount;
use shebao_core::wire::{
    AttemptStatus, Channel, DeclarationStatus, OrderStatus, PaymentAttempt, PaymentOrder,
};
use sqlx::AnyConnection;

use super::{
    Entity, PayableStatus, Store, Transition, decode_error, from_text, to_text, transition,
};
use crate::clock::rfc3339;

/// An attempt as the recovery job and ticket void see it.
#[derive(Debug, Clone)]
pub struct AttemptRow {
    pub id: String,
    pub order_id: String,
    pub channel: Channel,
    pub status: AttemptStatus,
    pub version: i64,
    pub expires_at: i64,
    pub duplicate: bool,
}

#[derive(sqlx::FromRow)]
struct AttemptDbRow {
    id: String,
    order_id: String,
    channel: String,
    status: String,
    version: i64,
    expires_at: i64,
    duplicate: i64,
}

impl AttemptDbRow {
    fn into_row(self) -> Result<AttemptRow, sqlx::Error> {
        Ok(AttemptRow {
            channel: Channel::parse(&self.channel).ok_or_else(|| decode_error("channel"))?,
            status: from_text("status", &self.status)?,
            duplicate: self.duplicate != 0,
            id: self.id,
            order_id: self.order_id,
            version: self.version,
            expires_at: self.expires_at,
        })
    }
}

const ATTEMPT_COLUMNS: &str = "SELECT id, order_id, channel, status, version, expires_at, \
     duplicate FROM payment_attempts";

/// How a resolved attempt ends when the channel says it can't be paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptEnd {
    /// Closed by the gateway (ticket void).
    Closed,
    /// Its link ran out unpaid.
    Expired,
}

#[derive(Debug, PartialEq, Eq)]
pub enum VoidOrder {
    Voided,
    NotFound,
    /// Paid, refunded or voided already.
    NotOpen,
    /// An attempt still has no outcome.
    AttemptOpen,
}

/// A paid order an operator refunds, found by its id or its ticket number.
#[derive(Debug, Clone)]
pub struct RefundTarget {
    pub order_id: String,
    pub ticket_number: String,
    pub attempt: AttemptRow,
}

#[derive(Debug)]
pub enum FindRefund {
    Found(RefundTarget),
    NotFound,
    /// Not paid (or refunded already).
    NotPaid,
}

impl Store {
    /// Attempts without an outcome (pending or unknown), oldest first.
    pub async fn unresolved_attempts(&self, limit: i64) -> Result<Vec<AttemptRow>, sqlx::Error> {
        let sql = format!(
            "{ATTEMPT_COLUMNS} WHERE status IN ('pending', 'unknown') \
             ORDER BY created_at, id LIMIT $1"
        );
        let rows: Vec<AttemptDbRow> = sqlx::query_as(&sql)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(AttemptDbRow::into_row).collect()
    }

    /// Attempts the gateway closed whose channel order might still take a payment: not
    /// asked about since their link ran out. A close is only as good as the channel's word
    /// (a payment can land just after it); the channel's answer to a query after the expiry
    /// is final. Oldest first.
    pub async fn closed_attempts_to_recheck(
        &self,
        limit: i64,
    ) -> Result<Vec<AttemptRow>, sqlx::Error> {
        let sql = format!(
            "{ATTEMPT_COLUMNS} WHERE status = 'closed' \
             AND (queried_at IS NULL OR queried_at <= expires_at) \
             ORDER BY created_at, id LIMIT $1"
        );
        let rows: Vec<AttemptDbRow> = sqlx::query_as(&sql)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(AttemptDbRow::into_row).collect()
    }

    /// Attempts whose money must go back: duplicates not refunded yet, and every refund asked
    /// for but not confirmed by the channel.
    pub async fn refunds_due(&self, limit: i64) -> Result<Vec<AttemptRow>, sqlx::Error> {
        let sql = format!(
            "{ATTEMPT_COLUMNS} WHERE (status = 'succeeded' AND duplicate = 1) \
             OR status = 'refund_pending' ORDER BY created_at, id LIMIT $1"
        );
        let rows: Vec<AttemptDbRow> = sqlx::query_as(&sql)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(AttemptDbRow::into_row).collect()
    }

    pub async fn attempt_row(&self, attempt_id: &str) -> Result<Option<AttemptRow>, sqlx::Error> {
        let sql = format!("{ATTEMPT_COLUMNS} WHERE id = $1");
        let row: Option<AttemptDbRow> = sqlx::query_as(&sql)
            .bind(attempt_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(AttemptDbRow::into_row).transpose()
    }

    /// The attempts of an order, oldest first.
    pub async fn order_attempts(&self, order_id: &str) -> Result<Vec<AttemptRow>, sqlx::Error> {
        let sql = format!("{ATTEMPT_COLUMNS} WHERE order_id = $1 ORDER BY created_at, id");
        let rows: Vec<AttemptDbRow> = sqlx::query_as(&sql)
            .bind(order_id)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(AttemptDbRow::into_row).collect()
    }

    /// An order's status, whoever's it is.
    pub async fn order_status(&self, order_id: &str) -> Result<Option<OrderStatus>, sqlx::Error> {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM payment_orders WHERE id = $1")
                .bind(order_id)
                .fetch_optional(&self.pool)
                .await?;
        status
            .map(|status| from_text("status", &status))
            .transpose()
    }

    /// Notes when the channel was last asked about an attempt.
    pub async fn mark_queried(&self, attempt_id: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE payment_attempts SET queried_at = $1 WHERE id = $2")
            .bind(now)
            .bind(attempt_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The person's orders without an outcome (created, awaiting payment, unknown), newest
    /// first, each with its attempts: the exception list (缴款异常处理).
    pub async fn payment_exceptions(
        &self,
        person_id: &str,
    ) -> Result<Vec<(PaymentOrder, Vec<PaymentAttempt>)>, sqlx::Error> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM payment_orders WHERE person_id = $1 \
             AND status IN ('created', 'awaiting_payment', 'unknown') \
             ORDER BY created_at DESC, id",
        )
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        let mut exceptions = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(order) = self.order(person_id, &id).await? else {
                continue;
            };
            let rows: Vec<(String, String, String, i64, String, String, i64)> = sqlx::query_as(
                "SELECT id, channel, status, amount_fen, qr_text, pay_url, expires_at \
                 FROM payment_attempts WHERE order_id = $1 ORDER BY created_at, id",
            )
            .bind(&id)
            .fetch_all(&self.pool)
            .await?;
            let attempts = rows
                .into_iter()
                .map(
                    |(attempt_id, channel, status, amount_fen, qr_text, pay_url, expires)| {
                        Ok(PaymentAttempt {
                            id: attempt_id,
                            order_id: id.clone(),
                            channel: Channel::parse(&channel)
                                .ok_or_else(|| decode_error("channel"))?,
                            status: from_text("status", &status)?,
                            amount: Amount::from_fen(amount_fen),
                            qr_text,
                            pay_url,
                            expires_at: rfc3339(expires),
                        })
                    },
                )
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            exceptions.push((order, attempts));
        }
        Ok(exceptions)
    }

    /// The channel did not answer about a pending attempt: `pending → unknown`, and its order
    /// `awaiting_payment → unknown`. False when the attempt changed meanwhile.
    pub async fn mark_attempt_unknown(
        &self,
        attempt: &AttemptRow,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        if attempt.status != AttemptStatus::Pending {
            return Ok(attempt.status == AttemptStatus::Unknown);
        }
        let mut tx = self.write().await?;
        if !move_attempt(
            &mut tx,
            attempt,
            AttemptStatus::Unknown,
            now,
            "query timed out",
        )
        .await?
        {
            return Ok(false);
        }
        settle_order(&mut tx, &attempt.order_id, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The channel answered that an unknown attempt is still payable: `unknown → pending`.
    pub async fn mark_attempt_pending(
        &self,
        attempt: &AttemptRow,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        if attempt.status != AttemptStatus::Unknown {
            return Ok(attempt.status == AttemptStatus::Pending);
        }
        let mut tx = self.write().await?;
        if !move_attempt(
            &mut tx,
            attempt,
            AttemptStatus::Pending,
            now,
            "channel: open",
        )
        .await?
        {
            return Ok(false);
        }
        settle_order(&mut tx, &attempt.order_id, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The channel confirmed the attempt can't be paid any more: `pending | unknown → closed |
    /// expired`. False when the attempt changed meanwhile (e.g. a payment landed).
    pub async fn end_attempt(
        &self,
        attempt: &AttemptRow,
        end: AttemptEnd,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let to = match end {
            AttemptEnd::Closed => AttemptStatus::Closed,
            AttemptEnd::Expired => AttemptStatus::Expired,
        };
        let mut tx = self.write().await?;
        if !move_attempt(
            &mut tx,
            attempt,
            to,
            now,
            "confirmed by the channel's query",
        )
        .await?
        {
            return Ok(false);
        }
        settle_order(&mut tx, &attempt.order_id, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Ticket void (票证作废): an open order of the person whose attempts all have an outcome
    /// becomes `voided`; its declaration stays declared, to be paid with a new order.
    pub async fn void_order(
        &self,
        person_id: &str,
        order_id: &str,
        now: i64,
    ) -> Result<VoidOrder, sqlx::Error> {
        let mut tx = self.write().await?;
        let order: Option<(String, i64)> = sqlx::query_as(
            "SELECT status, version FROM payment_orders WHERE id = $1 AND person_id = $2",
        )
        .bind(order_id)
        .bind(person_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((status, version)) = order else {
            return Ok(VoidOrder::NotFound);
        };
        if !from_text::<OrderStatus>("status", &status)?.is_open() {
            return Ok(VoidOrder::NotOpen);
        }
        let open: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM payment_attempts WHERE order_id = $1 \
             AND status IN ('pending', 'unknown') LIMIT 1",
        )
        .bind(order_id)
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_some() {
            return Ok(VoidOrder::AttemptOpen);
        }
        let voided = transition(
            &mut tx,
            &Transition {
                entity: Entity::PaymentOrder,
                id: order_id,
                from: &status,
                version,
                to: &to_text(&OrderStatus::Voided),
                at: now,
                detail: "ticket void",
            },
        )
        .await?;
        if !voided {
            return Ok(VoidOrder::NotOpen);
        }
        sqlx::query("UPDATE payment_orders SET voided_at = $1 WHERE id = $2")
            .bind(now)
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(VoidOrder::Voided)
    }

    /// Asks for an attempt's money back: `succeeded → refund_pending`, before the channel is
    /// asked. For an operator's refund `reason` is kept on the order. False when the attempt
    /// is not (any more) a success.
    pub async fn begin_refund(
        &self,
        attempt: &AttemptRow,
        reason: Option<&str>,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        if attempt.status == AttemptStatus::RefundPending {
            return Ok(true);
        }
        let detail = match reason {
            Some(reason) => format!("refund: {reason}"),
            None => "duplicate payment: automatic refund".to_owned(),
        };
        let mut tx = self.write().await?;
        if !move_attempt(&mut tx, attempt, AttemptStatus::RefundPending, now, &detail).await? {
            return Ok(false);
        }
        if let Some(reason) = reason {
            sqlx::query("UPDATE payment_orders SET refund_reason = $1 WHERE id = $2")
                .bind(reason)
                .bind(&attempt.order_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The channel refunded an attempt: `refund_pending → refunded`. Unless the attempt was a
    /// duplicate, its order `paid → refunded`, the order's certificates (its 缴费证明 and the
    /// 完税证明 covering it) `valid → refunded`, and the months it paid are unpaid again: its
    /// declaration `paid → voided` (the refund's reason as the void reason) and their payables
    /// `paid → payable`.
    pub async fn finish_refund(
        &self,
        attempt_id: &str,
        refund_id: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.write().await?;
        let sql = format!("{ATTEMPT_COLUMNS} WHERE id = $1");
        let row: Option<AttemptDbRow> = sqlx::query_as(&sql)
            .bind(attempt_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(attempt) = row.map(AttemptDbRow::into_row).transpose()? else {
            return Ok(false);
        };
        if attempt.status != AttemptStatus::RefundPending {
            return Ok(attempt.status == AttemptStatus::Refunded);
        }
        let detail = format!("{} refund {refund_id}", attempt.channel.as_str());
        if !move_attempt(&mut tx, &attempt, AttemptStatus::Refunded, now, &detail).await? {
            return Ok(false);
        }
        sqlx::query("UPDATE payment_attempts SET refund_id = $1, refunded_at = $2 WHERE id = $3")
            .bind(refund_id)
            .bind(now)
            .bind(attempt_id)
            .execute(&mut *tx)
            .await?;
        if !attempt.duplicate {
            let (status, version): (String, i64) =
                sqlx::query_as("SELECT status, version FROM payment_orders WHERE id = $1")
                    .bind(&attempt.order_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let refunded = to_text(&OrderStatus::Refunded);
            let moved = status == to_text(&OrderStatus::Paid)
                && transition(
                    &mut tx,
                    &Transition {
                        entity: Entity::PaymentOrder,
                        id: &attempt.order_id,
                        from: &status,
                        version,
                        to: &refunded,
                        at: now,
                        detail: &detail,
                    },
                )
                .await?;
            if !moved {
                return Ok(false);
            }
            sqlx::query("UPDATE payment_orders SET refunded_at = $1 WHERE id = $2")
                .bind(now)
                .bind(&attempt.order_id)
                .execute(&mut *tx)
                .await?;
            let certificates: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT id, status, version FROM certificates \
                 WHERE order_id = $1 AND status = 'valid'",
            )
            .bind(&attempt.order_id)
            .fetch_all(&mut *tx)
            .await?;
            for (id, status, version) in certificates {
                let moved = transition(
                    &mut tx,
                    &Transition {
                        entity: Entity::Certificate,
                        id: &id,
                        from: &status,
                        version,
                        to: "refunded",
                        at: now,
                        detail: &attempt.order_id,
                    },
                )
                .await?;
                if !moved {
                    return Ok(false);
                }
            }
            // And the valid 完税证明 covering it.
            if !super::tax_certificates::refund_tax_certificates(&mut tx, &attempt.order_id, now)
                .await?
            {
                return Ok(false);
            }
            if !unpay_declaration(&mut tx, &attempt.order_id, now).await? {
                return Ok(false);
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// The paid order an operator wants to refund, by its id (`ord_…`) or ticket number, with
    /// the attempt that paid it.
    pub async fn find_refund(&self, order_or_ticket: &str) -> Result<FindRefund, sqlx::Error> {
        let order: Option<(String, String, String)> = sqlx::query_as(
            "SELECT id, ticket_number, status FROM payment_orders \
             WHERE id = $1 OR ticket_number = $1",
        )
        .bind(order_or_ticket)
        .fetch_optional(&self.pool)
        .await?;
        let Some((order_id, ticket_number, status)) = order else {
            return Ok(FindRefund::NotFound);
        };
        let sql = format!(
            "{ATTEMPT_COLUMNS} WHERE order_id = $1 AND duplicate = 0 \
             AND status IN ('succeeded', 'refund_pending')"
        );
        let attempt: Option<AttemptDbRow> = sqlx::query_as(&sql)
            .bind(&order_id)
            .fetch_optional(&self.pool)
            .await?;
        match (from_text::<OrderStatus>("status", &status)?, attempt) {
            (OrderStatus::Paid, Some(attempt)) => Ok(FindRefund::Found(RefundTarget {
                order_id,
                ticket_number,
                attempt: attempt.into_row()?,
            })),
            _ => Ok(FindRefund::NotPaid),
        }
    }
}

/// A compare-and-set of an attempt's status with its event.
async fn move_attempt(
    conn: &mut AnyConnection,
    attempt: &AttemptRow,
    to: AttemptStatus,
    now: i64,
    detail: &str,
) -> Result<bool, sqlx::Error> {
    transition(
        conn,
        &Transition {
            entity: Entity::PaymentAttempt,
            id: &attempt.id,
            from: &to_text(&attempt.status),
            version: attempt.version,
            to: &to_text(&to),
            at: now,
            detail,
        },
    )
    .await
}

/// An open order's status follows its attempts: `unknown` while one of them is unknown,
/// `awaiting_payment` otherwise (a created order with no attempt stays created).
async fn settle_order(
    conn: &mut AnyConnection,
    order_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let (status, version): (String, i64) =
        sqlx::query_as("SELECT status, version FROM payment_orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(&mut *conn)
            .await?;
    let unknown: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM payment_attempts WHERE order_id = $1 AND status = 'unknown' LIMIT 1",
    )
    .bind(order_id)
    .fetch_optional(&mut *conn)
    .await?;
    let current: OrderStatus = from_text("status", &status)?;
    let wanted = match (current, unknown.is_some()) {
        (OrderStatus::AwaitingPayment, true) => OrderStatus::Unknown,
        (OrderStatus::Unknown, false) => OrderStatus::AwaitingPayment,
        _ => return Ok(()),
    };
    transition(
        conn,
        &Transition {
            entity: Entity::PaymentOrder,
            id: order_id,
            from: &status,
            version,
            to: &to_text(&wanted),
            at: now,
            detail: "follows its attempts",
        },
    )
    .await?;
    Ok(())
}

/// After the refund of `order_id`'s payment: its declaration `paid → voided`, with the refund's
/// reason, and the declaration's payables `paid → payable`, so the months can be paid again.
async fn unpay_declaration(
    conn: &mut AnyConnection,
    order_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let (declaration_id, reason): (String, Option<String>) =
        sqlx::query_as("SELECT declaration_id, refund_reason FROM payment_orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(&mut *conn)
            .await?;
    let (status, version): (String, i64) =
        sqlx::query_as("SELECT status, version FROM declarations WHERE id = $1")
            .bind(&declaration_id)
            .fetch_one(&mut *conn)
            .await?;
    if status != to_text(&DeclarationStatus::Paid) {
        return Ok(false);
    }
    let detail = format!("refund of {order_id}");
    let voided = transition(
        conn,
        &Transition {
            entity: Entity::Declaration,
            id: &declaration_id,
            from: &status,
            version,
            to: &to_text(&DeclarationStatus::Voided),
            at: now,
            detail: &detail,
        },
    )
    .await?;
    if !voided {
        return Ok(false);
    }
    sqlx::query("UPDATE declarations SET voided_at = $1, void_reason = $2 WHERE id = $3")
        .bind(now)
        .bind(reason.unwrap_or_else(|| detail.clone()))
        .bind(&declaration_id)
        .execute(&mut *conn)
        .await?;
    let payables: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT p.id, p.status, p.version FROM payables p \
         JOIN declaration_lines l ON l.payable_id = p.id WHERE l.declaration_id = $1",
    )
    .bind(&declaration_id)
    .fetch_all(&mut *conn)
    .await?;
    let paid = to_text(&PayableStatus::Paid);
    let payable = to_text(&PayableStatus::Payable);
    for (id, status, version) in payables {
        let moved = status == paid
            && transition(
                conn,
                &Transition {
                    entity: Entity::Payable,
                    id: &id,
                    from: &status,
                    version,
                    to: &payable,
                    at: now,
                    detail: &detail,
                },
            )
            .await?;
        if !moved {
            return Ok(false);
        }
    }
    Ok(true)
}
