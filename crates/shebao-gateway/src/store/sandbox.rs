//! Sandbox-only storage: the seed of fictional people, and the simulated channels' own books
//! (their keys and the orders the gateway opened with them).

use serde::{Deserialize, Serialize};
use shebao_core::period::PeriodType;
use shebao_core::policy::InsuranceItem;
use shebao_core::{Amount, IdType, YearMonth};

use shebao_core::wire::Channel;

use super::{Store, decode_error, from_text, to_text};

const SEEDED: &str = "sandbox_seeded_at";

pub struct SeedPerson {
    pub id: String,
    pub name: String,
    pub id_type: IdType,
    pub id_number: String,
    pub insured: bool,
    /// The first month insured, not after the first assessed month; for insured people.
    pub insured_since: Option<YearMonth>,
    pub assessments: Vec<SeedAssessment>,
}

/// An assessment, transmitted, with its one payable period.
pub struct SeedAssessment {
    pub assessment_id: String,
    pub payable_id: String,
    pub item: InsuranceItem,
    pub base: Amount,
    pub period_type: PeriodType,
    pub first: YearMonth,
    pub last: YearMonth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SandboxOrderStatus {
    Open,
    Paid,
    Closed,
    Refunded,
}

/// An order the gateway opened with a simulated channel for one payment attempt.
#[derive(Debug, Clone)]
pub struct SandboxOrder {
    pub attempt_id: String,
    pub channel: Channel,
    pub amount: Amount,
    pub ticket_number: String,
    pub expires_at: i64,
    pub status: SandboxOrderStatus,
    pub channel_txn_id: Option<String>,
    pub paid_at: Option<i64>,
    /// Set when the gateway closed the order; with the `pay_after_void` fault the order is
    /// still open (payable) although its close was acknowledged.
    pub closed_at: Option<i64>,
    /// The order's draw from the seeded fault stream: which faults with a share it shows.
    pub fault_draw: u64,
}

#[derive(sqlx::FromRow)]
struct SandboxOrderRow {
    attempt_id: String,
    channel: String,
    amount_fen: i64,
    ticket_number: String,
    expires_at: i64,
    status: String,
    channel_txn_id: Option<String>,
    paid_at: Option<i64>,
    closed_at: Option<i64>,
    fault_draw: i64,
}

impl Store {
    /// Inserts the fictional people with their transmitted assessments, once: false when the
    /// sandbox was seeded before.
    pub async fn seed_sandbox(&self, people: &[SeedPerson], now: i64) -> Result<bool, sqlx::Error> {
        let mut tx = self.write().await?;
        let marked = sqlx::query(
            "INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(SEEDED)
        .bind(now.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if marked == 0 {
            return Ok(false);
        }
        for person in people {
            sqlx::query(
                "INSERT INTO population (id, id_type, id_number, name, insured) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&person.id)
            .bind(to_text(&person.id_type))
            .bind(&person.id_number)
            .bind(&person.name)
            .bind(i64::from(person.insured))
            .execute(&mut *tx)
            .await?;
            if person.insured {
                let since = person.insured_since.ok_or_else(|| {
                    sqlx::Error::Protocol("an insured seed person has no first month".into())
                })?;
                sqlx::query(
                    "INSERT INTO insured_persons (person_id, agency, since_month, registered_at) \
                     VALUES ($1, NULL, $2, $3)",
                )
                .bind(&person.id)
                .bind(since.to_string())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            for assessment in &person.assessments {
                sqlx::query(
                    "INSERT INTO assessments (id, person_id, item, base_fen, period_type, \
                     first_month, last_month, assessed_at, transmitted_at, status, version, \
                     group_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'payable', 1, $1)",
                )
                .bind(&assessment.assessment_id)
                .bind(&person.id)
                .bind(assessment.item.as_str())
                .bind(assessment.base.fen())
                .bind(to_text(&assessment.period_type))
                .bind(assessment.first.to_string())
                .bind(assessment.last.to_string())
                .bind(now)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO payables (id, assessment_id, person_id, item, base_fen, \
                     period_start, period_end, status, version, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'payable', 1, $8)",
                )
                .bind(&assessment.payable_id)
                .bind(&assessment.assessment_id)
                .bind(&person.id)
                .bind(assessment.item.as_str())
                .bind(assessment.base.fen())
                .bind(assessment.first.to_string())
                .bind(assessment.last.to_string())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// How many people of the load-test population (ids starting `psn_load_`) the register
    /// holds.
    pub async fn population_count(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM population WHERE id LIKE 'psn_load_%'")
            .fetch_one(&self.pool)
            .await
    }

    /// Adds load-test people (each insured, with one transmitted assessment and its payable)
    /// in multi-row statements, one transaction per call.
    pub async fn seed_population(
        &self,
        people: &[SeedPerson],
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let assessments: Vec<(&SeedPerson, &SeedAssessment)> = people
            .iter()
            .flat_map(|person| person.assessments.iter().map(move |a| (person, a)))
            .collect();
        let mut tx = self.write().await?;
        let sql = rows_sql(
            "INSERT INTO population (id, id_type, id_number, name, insured) VALUES ",
            "(?, ?, ?, ?, ?)",
            people.len(),
        );
        let mut query = sqlx::query(&sql);
        for person in people {
            query = query
                .bind(&person.id)
                .bind(to_text(&person.id_type))
                .bind(&person.id_number)
                .bind(&person.name)
                .bind(i64::from(person.insured));
        }
        query.execute(&mut *tx).await?;
        let insured: Vec<(&SeedPerson, YearMonth)> = people
            .iter()
            .filter(|person| person.insured)
            .filter_map(|person| Some((person, person.insured_since?)))
            .collect();
        if !insured.is_empty() {
            let sql = rows_sql(
                "INSERT INTO insured_persons (person_id, agency, since_month, registered_at) VALUES ",
                "(?, NULL, ?, ?)",
                insured.len(),
            );
            let mut query = sqlx::query(&sql);
            for (person, since) in &insured {
                query = query.bind(&person.id).bind(since.to_string()).bind(now);
            }
            query.execute(&mut *tx).await?;
        }
        if !assessments.is_empty() {
            let sql = rows_sql(
                "INSERT INTO assessments (id, person_id, item, base_fen, period_type, \
                 first_month, last_month, assessed_at, transmitted_at, status, version, group_id) \
                 VALUES ",
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'payable', 1, ?)",
                assessments.len(),
            );
            let mut query = sqlx::query(&sql);
            for (person, assessment) in &assessments {
                query = query
                    .bind(&assessment.assessment_id)
                    .bind(&person.id)
                    .bind(assessment.item.as_str())
                    .bind(assessment.base.fen())
                    .bind(to_text(&assessment.period_type))
                    .bind(assessment.first.to_string())
                    .bind(assessment.last.to_string())
                    .bind(now)
                    .bind(now)
                    .bind(&assessment.assessment_id);
            }
            query.execute(&mut *tx).await?;
            let sql = rows_sql(
                "INSERT INTO payables (id, assessment_id, person_id, item, base_fen, \
                 period_start, period_end, status, version, created_at) VALUES ",
                "(?, ?, ?, ?, ?, ?, ?, 'payable', 1, ?)",
                assessments.len(),
            );
            let mut query = sqlx::query(&sql);
            for (person, assessment) in &assessments {
                query = query
                    .bind(&assessment.payable_id)
                    .bind(&assessment.assessment_id)
                    .bind(&person.id)
                    .bind(assessment.item.as_str())
                    .bind(assessment.base.fen())
                    .bind(assessment.first.to_string())
                    .bind(assessment.last.to_string())
                    .bind(now);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await
    }

    /// The simulated channel's secret key (base64url), if it was created.
    pub async fn sandbox_channel_secret(
        &self,
        channel: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT secret_key FROM sandbox_channel_keys WHERE channel = $1")
            .bind(channel)
            .fetch_optional(&self.pool)
            .await
    }

    /// Stores a simulated channel's key pair: the secret half in the channel's books, the
    /// public half among the keys the gateway trusts. False (and nothing changes) when the
    /// channel has a key already, e.g. made by another gateway starting at the same time.
    pub async fn insert_sandbox_channel_key(
        &self,
        channel: &str,
        public_key: &str,
        secret_key: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.write().await?;
        let inserted = sqlx::query(
            "INSERT INTO sandbox_channel_keys (channel, secret_key) VALUES ($1, $2) \
             ON CONFLICT (channel) DO NOTHING",
        )
        .bind(channel)
        .bind(secret_key)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO channel_keys (channel, public_key, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (channel) DO UPDATE SET public_key = excluded.public_key, \
             created_at = excluded.created_at",
        )
        .bind(channel)
        .bind(public_key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn open_sandbox_order(
        &self,
        order: &SandboxOrder,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO sandbox_channel_orders \
             (attempt_id, channel, amount_fen, ticket_number, expires_at, status, created_at, \
             fault_draw) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&order.attempt_id)
        .bind(order.channel.as_str())
        .bind(order.amount.fen())
        .bind(&order.ticket_number)
        .bind(order.expires_at)
        .bind(to_text(&order.status))
        .bind(now)
        // The bits as they are: BIGINT is signed.
        .bind(order.fault_draw as i64)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn sandbox_order(
        &self,
        attempt_id: &str,
    ) -> Result<Option<SandboxOrder>, sqlx::Error> {
        let row: Option<SandboxOrderRow> = sqlx::query_as(
            "SELECT attempt_id, channel, amount_fen, ticket_number, expires_at, status, \
             channel_txn_id, paid_at, closed_at, fault_draw \
             FROM sandbox_channel_orders WHERE attempt_id = $1",
        )
        .bind(attempt_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(SandboxOrder {
                channel: Channel::parse(&row.channel).ok_or_else(|| decode_error("channel"))?,
                amount: Amount::from_fen(row.amount_fen),
                status: from_text("status", &row.status)?,
                attempt_id: row.attempt_id,
                ticket_number: row.ticket_number,
                expires_at: row.expires_at,
                channel_txn_id: row.channel_txn_id,
                paid_at: row.paid_at,
                closed_at: row.closed_at,
                fault_draw: row.fault_draw as u64,
            })
        })
        .transpose()
    }

    /// Takes the money for an open, unexpired order: false when it is not (any more).
    pub async fn settle_sandbox_order(
        &self,
        attempt_id: &str,
        channel_txn_id: &str,
        funding: &str,
        card_last4: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let settled = sqlx::query(
            "UPDATE sandbox_channel_orders \
             SET status = 'paid', channel_txn_id = $1, funding = $2, card_last4 = $3, \
             paid_at = $4 WHERE attempt_id = $5 AND status = 'open' AND expires_at > $4",
        )
        .bind(channel_txn_id)
        .bind(funding)
        .bind(card_last4)
        .bind(now)
        .bind(attempt_id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(settled == 1)
    }

    pub async fn mark_sandbox_notified(
        &self,
        attempt_id: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE sandbox_channel_orders SET notified_at = $1 WHERE attempt_id = $2")
            .bind(now)
            .bind(attempt_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes an open order; with `keep_payable` (the `pay_after_void` fault) only records
    /// the close and leaves it payable. Nothing changes for a paid, closed or refunded order.
    pub async fn close_sandbox_order(
        &self,
        attempt_id: &str,
        keep_payable: bool,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let status = if keep_payable { "open" } else { "closed" };
        sqlx::query(
            "UPDATE sandbox_channel_orders SET status = $1, closed_at = $2 \
             WHERE attempt_id = $3 AND status = 'open'",
        )
        .bind(status)
        .bind(now)
        .bind(attempt_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Counts one query of the order by the gateway; returns how many there were, this one
    /// included (0 for an order the channel doesn't know).
    pub async fn count_sandbox_query(&self, attempt_id: &str) -> Result<i64, sqlx::Error> {
        let counted: Option<i64> = sqlx::query_scalar(
            "UPDATE sandbox_channel_orders SET queries = queries + 1 WHERE attempt_id = $1 \
             RETURNING queries",
        )
        .bind(attempt_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(counted.unwrap_or(0))
    }

    /// Gives a paid order's money back: `paid → refunded`. The refund id of the order, new or
    /// from an earlier refund; `None` for an order that was never paid.
    pub async fn refund_sandbox_order(
        &self,
        attempt_id: &str,
        refund_id: &str,
        now: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query(
            "UPDATE sandbox_channel_orders SET status = 'refunded', refund_id = $1, \
             refunded_at = $2 WHERE attempt_id = $3 AND status = 'paid'",
        )
        .bind(refund_id)
        .bind(now)
        .bind(attempt_id)
        .execute(&self.pool)
        .await?;
        sqlx::query_scalar(
            "SELECT refund_id FROM sandbox_channel_orders \
             WHERE attempt_id = $1 AND status = 'refunded'",
        )
        .bind(attempt_id)
        .fetch_optional(&self.pool)
        .await
    }
}

/// `prefix` followed by `rows` copies of `row`, its `?` numbered `$1`, `$2`, … across the rows
/// (the placeholders both backends take through `Any`).
fn rows_sql(prefix: &str, row: &str, rows: usize) -> String {
    let mut sql = String::from(prefix);
    let mut next = 1;
    for index in 0..rows {
        if index > 0 {
            sql.push_str(", ");
        }
        for part in row.split_inclusive('?') {
            match part.strip_suffix('?') {
                Some(text) => {
                    sql.push_str(text);
                    sql.push('$');
                    sql.push_str(&next.to_string());
                    next += 1;
                }
                None => sql.push_str(part),
            }
        }
    }
    sql
}
