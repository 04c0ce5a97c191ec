//! Payables, declarations, payment orders, attempts and channel payments. Each change is one
//! transaction of compare-and-set transitions with their events.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use shebao_core::period::PeriodType;
use shebao_core::policy::{FigureStatus, InsuranceItem};
use shebao_core::wire::{
    AttemptStatus, Channel, Declaration, DeclarationStatus, OrderStatus, Payable, PaymentAttempt,
    PaymentOrder,
};
use shebao_core::{Amount, FeePeriod, YearMonth};
use sqlx::AnyConnection;

use super::{
    Entity, Store, Transition, from_text, is_unique_violation, parse_text, record_event, to_text,
    transition,
};
use crate::clock::rfc3339;

/// A payable's own lifecycle: `payable → declared → paid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayableStatus {
    Payable,
    Declared,
    Paid,
}

/// One fee period of an assessment, not yet priced.
#[derive(Debug, Clone)]
pub struct PayableRow {
    pub id: String,
    pub item: InsuranceItem,
    /// The monthly base.
    pub base: Amount,
    /// How the assessment groups months (按月、按季、按年).
    pub period_type: PeriodType,
    pub period_start: YearMonth,
    pub period_end: YearMonth,
    pub status: PayableStatus,
    pub version: i64,
    /// Whether the assessment has been transmitted to the tax side.
    pub transmitted: bool,
    /// When its transmission completes (completed) to the tax side.
    pub ready_at: Option<i64>,
}

impl PayableRow {
    /// The fee period the payable covers; `None` for a stored period that ends before it starts.
    pub fn period(&self) -> Option<FeePeriod> {
        FeePeriod::new(self.period_start, self.period_end)
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct PayableDbRow {
    id: String,
    item: String,
    base_fen: i64,
    period_type: String,
    period_start: String,
    period_end: String,
    status: String,
    version: i64,
    transmitted_at: Option<i64>,
}

impl PayableDbRow {
    pub(super) fn into_row(self, now: i64) -> Result<PayableRow, sqlx::Error> {
        Ok(PayableRow {
            item: from_text("item", &self.item)?,
            base: Amount::from_fen(self.base_fen),
            period_type: from_text("period_type", &self.period_type)?,
            period_start: parse_text("period_start", &self.period_start)?,
            period_end: parse_text("period_end", &self.period_end)?,
            status: from_text("status", &self.status)?,
            version: self.version,
            transmitted: self.transmitted_at.is_some_and(|at| at <= now),
            ready_at: self.transmitted_at,
            id: self.id,
        })
    }
}

pub(super) const PAYABLE_COLUMNS: &str = "SELECT p.id, p.item, p.base_fen, a.period_type, p.period_start, \
     p.period_end, p.status, p.version, a.transmitted_at \
     FROM payables p JOIN assessments a ON a.id = p.assessment_id";

/// A declaration to create: its lines are priced payables with the versions they were read at.
pub struct NewDeclaration<'a> {
    pub id: &'a str,
    pub person_id: &'a str,
    pub lines: &'a [(Payable, i64)],
    pub total: Amount,
    pub period_start: YearMonth,
    pub period_end: YearMonth,
    pub now: i64,
}

pub struct NewOrder<'a> {
    pub id: &'a str,
    pub person_id: &'a str,
    pub declaration_id: &'a str,
    pub ticket_number: &'a str,
    pub now: i64,
}

#[derive(Debug)]
pub enum CreateOrder {
    Created(PaymentOrder),
    NotFound,
    /// The declaration is paid or voided.
    NotPayable,
    /// The declaration already has an open order.
    InProgress,
    /// The ticket number exists; draw another.
    TicketTaken,
}

pub struct NewAttempt<'a> {
    pub id: &'a str,
    pub order_id: &'a str,
    pub person_id: &'a str,
    pub channel: Channel,
    pub pay_url: &'a str,
    pub qr_text: &'a str,
    pub expires_at: i64,
    pub now: i64,
}

#[derive(Debug)]
pub enum CreateAttempt {
    Created(PaymentAttempt),
    /// The order already has a pending, unexpired attempt on this channel: that one is the
    /// payment to finish, so no second cashier is opened for the same order.
    Pending(PaymentAttempt),
    NotFound,
    /// The order is paid or voided.
    NotPayable,
    /// Another attempt of the order (on another channel) has no outcome yet, or the order's
    /// outcome is unknown: a second deduction is refused until it resolves.
    InProgress,
}

/// How the gateway learned of a channel payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentSource {
    /// The channel's signed notification.
    Notification,
    /// The gateway's query of the channel (recovery job, ticket void).
    Query,
}

impl PaymentSource {
    fn as_str(self) -> &'static str {
        match self {
            Self::Notification => "notification",
            Self::Query => "query",
        }
    }
}

/// A payment a channel reports (its notification's signature verified), or a query found.
pub struct ChannelPayment<'a> {
    pub source: PaymentSource,
    pub channel: Channel,
    pub channel_txn_id: &'a str,
    pub attempt_id: &'a str,
    pub amount: Amount,
    pub paid_at: i64,
    pub now: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// The order, its declaration and payables are paid.
    Paid,
    /// The order was already paid or voided: the attempt is flagged duplicate (to refund).
    Duplicate,
    /// This channel transaction was recorded before; nothing changed.
    AlreadyRecorded,
    UnknownAttempt,
    AmountMismatch,
    /// A row changed under the transaction; nothing was written, the channel retries.
    Conflict,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    payable_id: String,
    item: String,
    period_start: String,
    period_end: String,
    months: i64,
    base_fen: i64,
    rate: String,
    amount_fen: i64,
    personal_fen: i64,
    pooled_fen: i64,
    policy_status: String,
}

impl LineRow {
    fn into_payable(self) -> Result<Payable, sqlx::Error> {
        Ok(Payable {
            item: from_text("item", &self.item)?,
            period_start: parse_text("period_start", &self.period_start)?,
            period_end: parse_text("period_end", &self.period_end)?,
            months: u32::try_from(self.months).map_err(|_| super::decode_error("months"))?,
            base: Amount::from_fen(self.base_fen),
            rate: parse_text::<Decimal>("rate", &self.rate)?,
            amount: Amount::from_fen(self.amount_fen),
            personal: Amount::from_fen(self.personal_fen),
            pooled: Amount::from_fen(self.pooled_fen),
            policy_status: from_text::<FigureStatus>("policy_status", &self.policy_status)?,
            id: self.payable_id,
        })
    }
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: String,
    declaration_id: String,
    ticket_number: String,
    amount_fen: i64,
    period_start: String,
    period_end: String,
    status: String,
    channel: Option<String>,
    paid_at: Option<i64>,
}

const ORDER_COLUMNS: &str = "SELECT id, declaration_id, ticket_number, amount_fen, period_start, \
     period_end, status, channel, paid_at FROM payment_orders";

impl OrderRow {
    fn into_wire(self) -> Result<PaymentOrder, sqlx::Error> {
        Ok(PaymentOrder {
            amount: Amount::from_fen(self.amount_fen),
            status: from_text("status", &self.status)?,
            channel: self
                .channel
                .as_deref()
                .map(|channel| from_text("channel", channel))
                .transpose()?,
            paid_at: self.paid_at.map(rfc3339),
            period_start: parse_text("period_start", &self.period_start)?,
            period_end: parse_text("period_end", &self.period_end)?,
            id: self.id,
            declaration_id: self.declaration_id,
            ticket_number: self.ticket_number,
        })
    }
}

impl Store {
    /// The person's payables that can be declared now: transmitted and not in a declaration.
    pub async fn declarable_payables(
        &self,
        person_id: &str,
        now: i64,
    ) -> Result<Vec<PayableRow>, sqlx::Error> {
        let sql = format!(
            "{PAYABLE_COLUMNS} WHERE p.person_id = $1 AND p.status = 'payable' \
             AND a.transmitted_at IS NOT NULL AND a.transmitted_at <= $2 \
             ORDER BY p.period_start, p.id"
        );
        let rows: Vec<PayableDbRow> = sqlx::query_as(&sql)
            .bind(person_id)
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(|row| row.into_row(now)).collect()
    }

    /// The person's payables among `ids`, whatever their status; others' ids are left out.
    pub async fn payables_of(
        &self,
        person_id: &str,
        ids: &[String],
        now: i64,
    ) -> Result<Vec<PayableRow>, sqlx::Error> {
        let sql = format!("{PAYABLE_COLUMNS} WHERE p.person_id = $1 AND p.id = $2");
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            let row: Option<PayableDbRow> = sqlx::query_as(&sql)
                .bind(person_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            if let Some(row) = row {
                found.push(row.into_row(now)?);
            }
        }
        Ok(found)
    }

    /// Creates a `declared` declaration and moves its payables `payable → declared`. `None`
    /// when one of them changed since it was read (nothing is written then).
    pub async fn create_declaration(
        &self,
        new: &NewDeclaration<'_>,
    ) -> Result<Option<Declaration>, sqlx::Error> {
        let mut tx = self.write().await?;
        let declared = to_text(&DeclarationStatus::Declared);
        sqlx::query(
            "INSERT INTO declarations \
             (id, person_id, status, version, total_fen, period_start, period_end, declared_at) \
             VALUES ($1, $2, $3, 1, $4, $5, $6, $7)",
        )
        .bind(new.id)
        .bind(new.person_id)
        .bind(&declared)
        .bind(new.total.fen())
        .bind(new.period_start.to_string())
        .bind(new.period_end.to_string())
        .bind(new.now)
        .execute(&mut *tx)
        .await?;
        record_event(
            &mut tx,
            Entity::Declaration,
            new.id,
            None,
            &declared,
            new.now,
            "",
        )
        .await?;

        for (line_no, (line, version)) in new.lines.iter().enumerate() {
            insert_line(&mut tx, new.id, line_no, line).await?;
            let moved = transition(
                &mut tx,
                &Transition {
                    entity: Entity::Payable,
                    id: &line.id,
                    from: "payable",
                    version: *version,
                    to: "declared",
                    at: new.now,
                    detail: new.id,
                },
            )
            .await?;
            if !moved {
                return Ok(None);
            }
        }
        tx.commit().await?;

        Ok(Some(Declaration {
            id: new.id.to_owned(),
            status: DeclarationStatus::Declared,
            total: new.total,
            lines: new.lines.iter().map(|(line, _)| line.clone()).collect(),
            declared_at: rfc3339(new.now),
            open_order_id: None,
            voided_at: None,
            void_reason: None,
        }))
    }

    pub async fn declaration(
        &self,
        person_id: &str,
        id: &str,
    ) -> Result<Option<Declaration>, sqlx::Error> {
        type Row = (String, i64, i64, Option<i64>, Option<String>);
        let row: Option<Row> = sqlx::query_as(
            "SELECT status, total_fen, declared_at, voided_at, void_reason FROM declarations \
             WHERE id = $1 AND person_id = $2",
        )
        .bind(id)
        .bind(person_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((status, total_fen, declared_at, voided_at, void_reason)) = row else {
            return Ok(None);
        };
        Ok(Some(Declaration {
            id: id.to_owned(),
            status: from_text("status", &status)?,
            total: Amount::from_fen(total_fen),
            lines: self.declaration_lines(id).await?,
            declared_at: rfc3339(declared_at),
            open_order_id: self.open_order_of(id).await?,
            voided_at: voided_at.map(rfc3339),
            void_reason,
        }))
    }

    /// The person's declarations in `status`, newest first.
    pub async fn declarations_of(
        &self,
        person_id: &str,
        status: DeclarationStatus,
    ) -> Result<Vec<Declaration>, sqlx::Error> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM declarations WHERE person_id = $1 AND status = $2 \
             ORDER BY declared_at DESC, id",
        )
        .bind(person_id)
        .bind(to_text(&status))
        .fetch_all(&self.pool)
        .await?;
        let mut declarations = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(declaration) = self.declaration(person_id, &id).await? {
                declarations.push(declaration);
            }
        }
        Ok(declarations)
    }

    /// The id of the declaration's open order, if it has one.
    async fn open_order_of(&self, declaration_id: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT id FROM payment_orders WHERE declaration_id = $1 \
             AND status IN ('created', 'awaiting_payment', 'unknown')",
        )
        .bind(declaration_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// A declaration's lines, priced as they were declared, in order.
    pub async fn declaration_lines(
        &self,
        declaration_id: &str,
    ) -> Result<Vec<Payable>, sqlx::Error> {
        let lines: Vec<LineRow> = sqlx::query_as(
            "SELECT payable_id, item, period_start, period_end, months, base_fen, rate, \
             amount_fen, personal_fen, pooled_fen, policy_status \
             FROM declaration_lines WHERE declaration_id = $1 ORDER BY line_no",
        )
        .bind(declaration_id)
        .fetch_all(&self.pool)
        .await?;
        lines.into_iter().map(LineRow::into_payable).collect()
    }

    /// Creates a `created` order for a `declared` declaration without an open order.
    pub async fn create_order(&self, new: &NewOrder<'_>) -> Result<CreateOrder, sqlx::Error> {
        let mut tx = self.write().await?;
        let declaration: Option<(String, i64, String, String)> = sqlx::query_as(
            "SELECT status, total_fen, period_start, period_end FROM declarations \
             WHERE id = $1 AND person_id = $2",
        )
        .bind(new.declaration_id)
        .bind(new.person_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((status, total_fen, period_start, period_end)) = declaration else {
            return Ok(CreateOrder::NotFound);
        };
        if from_text::<DeclarationStatus>("status", &status)? != DeclarationStatus::Declared {
            return Ok(CreateOrder::NotPayable);
        }
        let open: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM payment_orders WHERE declaration_id = $1 \
             AND status IN ('created', 'awaiting_payment', 'unknown')",
        )
        .bind(new.declaration_id)
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_some() {
            return Ok(CreateOrder::InProgress);
        }
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM payment_orders WHERE ticket_number = $1")
                .bind(new.ticket_number)
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            return Ok(CreateOrder::TicketTaken);
        }

        let created = to_text(&OrderStatus::Created);
        let inserted = sqlx::query(
            "INSERT INTO payment_orders (id, declaration_id, person_id, ticket_number, \
             amount_fen, period_start, period_end, status, version, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)",
        )
        .bind(new.id)
        .bind(new.declaration_id)
        .bind(new.person_id)
        .bind(new.ticket_number)
        .bind(total_fen)
        .bind(&period_start)
        .bind(&period_end)
        .bind(&created)
        .bind(new.now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(error) if is_unique_violation(&error) => return Ok(CreateOrder::InProgress),
            other => other?,
        };
        record_event(
            &mut tx,
            Entity::PaymentOrder,
            new.id,
            None,
            &created,
            new.now,
            "",
        )
        .await?;
        tx.commit().await?;

        Ok(CreateOrder::Created(PaymentOrder {
            id: new.id.to_owned(),
            declaration_id: new.declaration_id.to_owned(),
            ticket_number: new.ticket_number.to_owned(),
            amount: Amount::from_fen(total_fen),
            status: OrderStatus::Created,
            channel: None,
            paid_at: None,
            period_start: parse_text("period_start", &period_start)?,
            period_end: parse_text("period_end", &period_end)?,
        }))
    }

    pub async fn order(
        &self,
        person_id: &str,
        id: &str,
    ) -> Result<Option<PaymentOrder>, sqlx::Error> {
        let sql = format!("{ORDER_COLUMNS} WHERE id = $1 AND person_id = $2");
        let row: Option<OrderRow> = sqlx::query_as(&sql)
            .bind(id)
            .bind(person_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(OrderRow::into_wire).transpose()
    }

    /// Creates a `pending` attempt for an open order and moves the order
    /// `created → awaiting_payment`.
    pub async fn create_attempt(&self, new: &NewAttempt<'_>) -> Result<CreateAttempt, sqlx::Error> {
        let mut tx = self.write().await?;
        let order: Option<(String, i64, i64)> = sqlx::query_as(
            "SELECT status, version, amount_fen FROM payment_orders \
             WHERE id = $1 AND person_id = $2",
        )
        .bind(new.order_id)
        .bind(new.person_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((status, version, amount_fen)) = order else {
            return Ok(CreateAttempt::NotFound);
        };
        let order_status: OrderStatus = from_text("status", &status)?;
        if !order_status.is_open() {
            return Ok(CreateAttempt::NotPayable);
        }

        let pending = to_text(&AttemptStatus::Pending);
        let open: Option<(String, String, String, i64)> = sqlx::query_as(
            "SELECT id, pay_url, qr_text, expires_at FROM payment_attempts \
             WHERE order_id = $1 AND channel = $2 AND status = $3 AND expires_at > $4 \
             ORDER BY created_at DESC LIMIT 1",
        )
        .bind(new.order_id)
        .bind(new.channel.as_str())
        .bind(&pending)
        .bind(new.now)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((id, pay_url, qr_text, expires_at)) = open {
            if order_status == OrderStatus::Unknown {
                return Ok(CreateAttempt::InProgress);
            }
            return Ok(CreateAttempt::Pending(PaymentAttempt {
                id,
                order_id: new.order_id.to_owned(),
                channel: new.channel,
                status: AttemptStatus::Pending,
                amount: Amount::from_fen(amount_fen),
                qr_text,
                pay_url,
                expires_at: rfc3339(expires_at),
            }));
        }

        let in_flight: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM payment_attempts WHERE order_id = $1 \
             AND ((status = 'pending' AND expires_at > $2) OR status = 'unknown') LIMIT 1",
        )
        .bind(new.order_id)
        .bind(new.now)
        .fetch_optional(&mut *tx)
        .await?;
        if in_flight.is_some() || order_status == OrderStatus::Unknown {
            return Ok(CreateAttempt::InProgress);
        }

        sqlx::query(
            "INSERT INTO payment_attempts (id, order_id, channel, status, version, amount_fen, \
             pay_url, qr_text, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9)",
        )
        .bind(new.id)
        .bind(new.order_id)
        .bind(new.channel.as_str())
        .bind(&pending)
        .bind(amount_fen)
        .bind(new.pay_url)
        .bind(new.qr_text)
        .bind(new.expires_at)
        .bind(new.now)
        .execute(&mut *tx)
        .await?;
        record_event(
            &mut tx,
            Entity::PaymentAttempt,
            new.id,
            None,
            &pending,
            new.now,
            "",
        )
        .await?;
        if order_status == OrderStatus::Created {
            let moved = transition(
                &mut tx,
                &Transition {
                    entity: Entity::PaymentOrder,
                    id: new.order_id,
                    from: &status,
                    version,
                    to: &to_text(&OrderStatus::AwaitingPayment),
                    at: new.now,
                    detail: new.id,
                },
            )
            .await?;
            if !moved {
                return Err(sqlx::Error::Protocol(
                    "payment order changed inside a write transaction".into(),
                ));
            }
        }
        tx.commit().await?;

        Ok(CreateAttempt::Created(PaymentAttempt {
            id: new.id.to_owned(),
            order_id: new.order_id.to_owned(),
            channel: new.channel,
            status: AttemptStatus::Pending,
            amount: Amount::from_fen(amount_fen),
            qr_text: new.qr_text.to_owned(),
            pay_url: new.pay_url.to_owned(),
            expires_at: rfc3339(new.expires_at),
        }))
    }

    /// Records a verified channel payment, once per channel transaction: the attempt
    /// succeeds, and unless its order was already paid or voided, the order, the declaration
    /// and its payables become paid, all in one transaction. The payment's record keeps how
    /// the gateway first learned of it and counts the notifications of it.
    pub async fn apply_channel_payment(
        &self,
        payment: &ChannelPayment<'_>,
    ) -> Result<PaymentOutcome, sqlx::Error> {
        let mut tx = self.write().await?;
        let recorded = sqlx::query(
            "INSERT INTO channel_notifications \
             (channel, channel_txn_id, attempt_id, amount_fen, paid_at, received_at, found_by, \
             deliveries) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (channel, channel_txn_id) DO NOTHING",
        )
        .bind(payment.channel.as_str())
        .bind(payment.channel_txn_id)
        .bind(payment.attempt_id)
        .bind(payment.amount.fen())
        .bind(payment.paid_at)
        .bind(payment.now)
        .bind(payment.source.as_str())
        .bind(i64::from(payment.source == PaymentSource::Notification))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if recorded == 0 {
            if payment.source == PaymentSource::Notification {
                sqlx::query(
                    "UPDATE channel_notifications SET deliveries = deliveries + 1 \
                     WHERE channel = $1 AND channel_txn_id = $2",
                )
                .bind(payment.channel.as_str())
                .bind(payment.channel_txn_id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
            return Ok(PaymentOutcome::AlreadyRecorded);
        }

        let attempt: Option<(String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT order_id, channel, status, version, amount_fen FROM payment_attempts \
             WHERE id = $1",
        )
        .bind(payment.attempt_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((order_id, channel, attempt_status, attempt_version, amount_fen)) = attempt else {
            return Ok(PaymentOutcome::UnknownAttempt);
        };
        if channel != payment.channel.as_str() {
            return Ok(PaymentOutcome::UnknownAttempt);
        }
        if amount_fen != payment.amount.fen() {
            return Ok(PaymentOutcome::AmountMismatch);
        }
        let (declaration_id, order_status, order_version): (String, String, i64) = sqlx::query_as(
            "SELECT declaration_id, status, version FROM payment_orders WHERE id = $1",
        )
        .bind(&order_id)
        .fetch_one(&mut *tx)
        .await?;
        let order_open = from_text::<OrderStatus>("status", &order_status)?.is_open();
        let succeeded = to_text(&AttemptStatus::Succeeded);
        let duplicate = !order_open || attempt_status == succeeded;
        let detail = format!(
            "{} {}{}",
            payment.channel.as_str(),
            payment.channel_txn_id,
            if duplicate { " duplicate" } else { "" }
        );

        // The attempt: succeeded, or (already succeeded) flagged duplicate with its event.
        if attempt_status == succeeded {
            record_event(
                &mut tx,
                Entity::PaymentAttempt,
                payment.attempt_id,
                Some(&succeeded),
                &succeeded,
                payment.now,
                &detail,
            )
            .await?;
        } else {
            let moved = transition(
                &mut tx,
                &Transition {
                    entity: Entity::PaymentAttempt,
                    id: payment.attempt_id,
                    from: &attempt_status,
                    version: attempt_version,
                    to: &succeeded,
                    at: payment.now,
                    detail: &detail,
                },
            )
            .await?;
            if !moved {
                return Ok(PaymentOutcome::Conflict);
            }
            sqlx::query(
                "UPDATE payment_attempts SET channel_txn_id = $1, succeeded_at = $2 WHERE id = $3",
            )
            .bind(payment.channel_txn_id)
            .bind(payment.paid_at)
            .bind(payment.attempt_id)
            .execute(&mut *tx)
            .await?;
        }
        if duplicate {
            // The recovery job (and the notification handler right away) refunds it:
            // succeeded → refund_pending → refunded.
            sqlx::query("UPDATE payment_attempts SET duplicate = 1 WHERE id = $1")
                .bind(payment.attempt_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(PaymentOutcome::Duplicate);
        }

        let paid = to_text(&OrderStatus::Paid);
        let order_paid = transition(
            &mut tx,
            &Transition {
                entity: Entity::PaymentOrder,
                id: &order_id,
                from: &order_status,
                version: order_version,
                to: &paid,
                at: payment.now,
                detail: &detail,
            },
        )
        .await?;
        if !order_paid {
            return Ok(PaymentOutcome::Conflict);
        }
        sqlx::query("UPDATE payment_orders SET paid_at = $1, channel = $2 WHERE id = $3")
            .bind(payment.paid_at)
            .bind(payment.channel.as_str())
            .bind(&order_id)
            .execute(&mut *tx)
            .await?;
        if !pay_declaration(
            &mut tx,
            &declaration_id,
            payment.paid_at,
            payment.now,
            &order_id,
        )
        .await?
        {
            return Ok(PaymentOutcome::Conflict);
        }
        tx.commit().await?;
        Ok(PaymentOutcome::Paid)
    }
}

async fn insert_line(
    conn: &mut AnyConnection,
    declaration_id: &str,
    line_no: usize,
    line: &Payable,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO declaration_lines (declaration_id, line_no, payable_id, item, \
         period_start, period_end, months, base_fen, rate, amount_fen, personal_fen, \
         pooled_fen, policy_status) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(declaration_id)
    .bind(i64::try_from(line_no).unwrap_or(i64::MAX))
    .bind(&line.id)
    .bind(line.item.as_str())
    .bind(line.period_start.to_string())
    .bind(line.period_end.to_string())
    .bind(i64::from(line.months))
    .bind(line.base.fen())
    .bind(line.rate.to_string())
    .bind(line.amount.fen())
    .bind(line.personal.fen())
    .bind(line.pooled.fen())
    .bind(to_text(&line.policy_status))
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves a declaration `declared → paid` and its payables `declared → paid`.
async fn pay_declaration(
    conn: &mut AnyConnection,
    declaration_id: &str,
    paid_at: i64,
    now: i64,
    order_id: &str,
) -> Result<bool, sqlx::Error> {
    let (status, version): (String, i64) =
        sqlx::query_as("SELECT status, version FROM declarations WHERE id = $1")
            .bind(declaration_id)
            .fetch_one(&mut *conn)
            .await?;
    if status != to_text(&DeclarationStatus::Declared) {
        return Ok(false);
    }
    let paid = to_text(&DeclarationStatus::Paid);
    let declaration_paid = transition(
        conn,
        &Transition {
            entity: Entity::Declaration,
            id: declaration_id,
            from: &status,
            version,
            to: &paid,
            at: now,
            detail: order_id,
        },
    )
    .await?;
    if !declaration_paid {
        return Ok(false);
    }
    sqlx::query("UPDATE declarations SET paid_at = $1 WHERE id = $2")
        .bind(paid_at)
        .bind(declaration_id)
        .execute(&mut *conn)
        .await?;

    move_declared_payables(conn, declaration_id, PayableStatus::Paid, now).await
}

/// Moves every payable of a declaration `declared → to` (paid, or payable again when the
/// declaration is voided), each a compare-and-set with its event. False, with the first that
/// could not move, when one is not `declared`.
pub(super) async fn move_declared_payables(
    conn: &mut AnyConnection,
    declaration_id: &str,
    to: PayableStatus,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let payables: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT p.id, p.status, p.version FROM payables p \
         JOIN declaration_lines l ON l.payable_id = p.id WHERE l.declaration_id = $1",
    )
    .bind(declaration_id)
    .fetch_all(&mut *conn)
    .await?;
    let declared = to_text(&PayableStatus::Declared);
    let to = to_text(&to);
    for (id, status, version) in payables {
        let moved = status == declared
            && transition(
                conn,
                &Transition {
                    entity: Entity::Payable,
                    id: &id,
                    from: &status,
                    version,
                    to: &to,
                    at: now,
                    detail: declaration_id,
                },
            )
            .await?;
        if !moved {
            return Ok(false);
        }
    }
    Ok(true)
}
