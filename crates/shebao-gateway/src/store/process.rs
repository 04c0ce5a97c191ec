//! Registration (参保登记), the insured register, assessments (核定) with their transmission
//! (传输) to the tax side, and declaration void (申报作废). Each change is one transaction of
//! compare-and-set transitions with their events.

use shebao_core::period::PeriodType;
use shebao_core::policy::InsuranceItem;
use shebao_core::wire::{AssessmentStatus, DeclarationStatus, Payable};
use shebao_core::{Amount, YearMonth};

use super::payments::{PAYABLE_COLUMNS, PayableDbRow, PayableStatus, move_declared_payables};
use super::{Entity, PayableRow, Store, Transition, from_text, record_event, to_text, transition};

/// The insured register's entry for a person.
#[derive(Debug, Clone)]
pub struct InsuredRecord {
    pub insured: bool,
    /// `None` for people insured before agencies were recorded: the configured agency.
    pub agency: Option<String>,
    pub since: Option<YearMonth>,
    /// From the birth date in the document number; `None` for documents without one.
    pub birth_month: Option<YearMonth>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Registration {
    Registered,
    AlreadyInsured,
}

/// An unpaid payable of a period that starts before some month.
#[derive(Debug, Clone)]
pub struct UnpaidRow {
    pub id: String,
    pub item: InsuranceItem,
    pub base: Amount,
    pub period_start: YearMonth,
    pub period_end: YearMonth,
    pub status: PayableStatus,
}

/// An assessment to store: one row and one payable per item, all transmitting until
/// `ready_at`.
pub struct NewAssessmentRows<'a> {
    pub id: &'a str,
    pub person_id: &'a str,
    pub period_type: PeriodType,
    pub period_start: YearMonth,
    pub period_end: YearMonth,
    pub base: Amount,
    /// The priced payables, one per item, with their ids.
    pub items: &'a [Payable],
    pub now: i64,
    pub ready_at: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CreateAssessment {
    Created,
    NotInsured,
    /// A month of the period is already assessed for one of the items.
    Overlaps,
}

/// A stored assessment (the rows one request made) and its payables.
#[derive(Debug, Clone)]
pub struct AssessmentRecord {
    pub status: AssessmentStatus,
    pub period_type: PeriodType,
    pub period_start: YearMonth,
    pub period_end: YearMonth,
    pub base: Amount,
    pub assessed_at: i64,
    pub ready_at: i64,
    pub payables: Vec<PayableRow>,
}

#[derive(Debug)]
pub enum VoidOutcome {
    Voided,
    NotFound,
    /// Paid or voided already.
    NotVoidable,
    /// An open payment order (created, awaiting payment or unknown) may still be paid.
    PaymentInProgress,
}

impl Store {
    /// The person's entry in the population and insured registers; `None` for an unknown id.
    pub async fn insured_record(
        &self,
        person_id: &str,
    ) -> Result<Option<InsuredRecord>, sqlx::Error> {
        type Row = (i64, Option<String>, Option<String>, String, String);
        let row: Option<Row> = sqlx::query_as(
            "SELECT p.insured, i.agency, i.since_month, p.id_type, p.id_number FROM population p \
             LEFT JOIN insured_persons i ON i.person_id = p.id WHERE p.id = $1",
        )
        .bind(person_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(insured, agency, since, id_type, id_number)| {
            let id_type: shebao_core::IdType = super::from_text("id_type", &id_type)?;
            Ok(InsuredRecord {
                insured: insured != 0,
                agency,
                since: since
                    .as_deref()
                    .map(|month| super::parse_text("since_month", month))
                    .transpose()?,
                birth_month: shebao_core::id::birth_date(id_type, &id_number).map(YearMonth::of),
            })
        })
        .transpose()
    }

    /// 参保登记 + 缴费登记: marks a person who is not insured as insured (compare-and-set on
    /// the register's flag) with their agency and first month, and records the event.
    pub async fn register(
        &self,
        person_id: &str,
        agency: &str,
        since: YearMonth,
        now: i64,
    ) -> Result<Registration, sqlx::Error> {
        let mut tx = self.write().await?;
        let marked = sqlx::query("UPDATE population SET insured = 1 WHERE id = $1 AND insured = 0")
            .bind(person_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if marked != 1 {
            return Ok(Registration::AlreadyInsured);
        }
        sqlx::query(
            "INSERT INTO insured_persons (person_id, agency, since_month, registered_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(person_id)
        .bind(agency)
        .bind(since.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        record_event(
            &mut tx,
            Entity::InsuredPerson,
            person_id,
            Some("not_insured"),
            "insured",
            now,
            "registration",
        )
        .await?;
        tx.commit().await?;
        Ok(Registration::Registered)
    }

    /// The latest month covered by a paid payable of the person.
    pub async fn paid_through(&self, person_id: &str) -> Result<Option<YearMonth>, sqlx::Error> {
        let latest: Option<String> = sqlx::query_scalar(
            "SELECT MAX(period_end) FROM payables WHERE person_id = $1 AND status = $2",
        )
        .bind(person_id)
        .bind(to_text(&PayableStatus::Paid))
        .fetch_one(&self.pool)
        .await?;
        latest
            .as_deref()
            .map(|month| super::parse_text("period_end", month))
            .transpose()
    }

    /// The person's payables not paid yet whose period starts before `month`, oldest first.
    pub async fn unpaid_before(
        &self,
        person_id: &str,
        month: YearMonth,
    ) -> Result<Vec<UnpaidRow>, sqlx::Error> {
        let rows: Vec<(String, String, i64, String, String, String)> = sqlx::query_as(
            "SELECT id, item, base_fen, period_start, period_end, status FROM payables \
             WHERE person_id = $1 AND status IN ('payable', 'declared') AND period_start < $2 \
             ORDER BY period_start, item, id",
        )
        .bind(person_id)
        .bind(month.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, item, base_fen, start, end, status)| {
                Ok(UnpaidRow {
                    id,
                    item: from_text("item", &item)?,
                    base: Amount::from_fen(base_fen),
                    period_start: super::parse_text("period_start", &start)?,
                    period_end: super::parse_text("period_end", &end)?,
                    status: from_text("status", &status)?,
                })
            })
            .collect()
    }

    /// Moves the person's assessments whose transmission has completed by `now`
    /// `transmitting → payable`, each a compare-and-set with its event. Transmission is a
    /// matter of time, so it is settled whenever the person's assessments are read.
    pub async fn settle_transmissions(&self, person_id: &str, now: i64) -> Result<(), sqlx::Error> {
        let transmitting = to_text(&AssessmentStatus::Transmitting);
        let sql = "SELECT id, version FROM assessments \
                   WHERE person_id = $1 AND status = $2 AND transmitted_at <= $3";
        let due: Vec<(String, i64)> = sqlx::query_as(sql)
            .bind(person_id)
            .bind(&transmitting)
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        if due.is_empty() {
            return Ok(());
        }
        let mut tx = self.write().await?;
        // Read again under the write lock: another request may have settled them.
        let due: Vec<(String, i64)> = sqlx::query_as(sql)
            .bind(person_id)
            .bind(&transmitting)
            .bind(now)
            .fetch_all(&mut *tx)
            .await?;
        let payable = to_text(&AssessmentStatus::Payable);
        for (id, version) in due {
            transition(
                &mut tx,
                &Transition {
                    entity: Entity::Assessment,
                    id: &id,
                    from: &transmitting,
                    version,
                    to: &payable,
                    at: now,
                    detail: "transmitted",
                },
            )
            .await?;
        }
        tx.commit().await
    }

    /// The earliest time one of the person's assessments still in transmission is ready.
    pub async fn next_ready_at(
        &self,
        person_id: &str,
        now: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT MIN(transmitted_at) FROM assessments \
             WHERE person_id = $1 AND status IN ('assessed', 'transmitting') \
             AND transmitted_at > $2",
        )
        .bind(person_id)
        .bind(now)
        .fetch_one(&self.pool)
        .await
    }

    /// Stores an assessment of an insured person: per item an assessment row
    /// (`→ assessed → transmitting`, ready at `ready_at`) and its payable (`→ payable`), all
    /// with their events. Refused when the person is not insured or a month of the period is
    /// already assessed for one of the items.
    pub async fn create_assessment(
        &self,
        new: &NewAssessmentRows<'_>,
    ) -> Result<CreateAssessment, sqlx::Error> {
        let mut tx = self.write().await?;
        let insured: Option<i64> =
            sqlx::query_scalar("SELECT insured FROM population WHERE id = $1")
                .bind(new.person_id)
                .fetch_optional(&mut *tx)
                .await?;
        if insured.unwrap_or(0) == 0 {
            return Ok(CreateAssessment::NotInsured);
        }
        let start = new.period_start.to_string();
        let end = new.period_end.to_string();
        for payable in new.items {
            // 'YYYY-MM' texts order as the months do.
            let overlapping: Option<i64> = sqlx::query_scalar(
                "SELECT 1 FROM payables WHERE person_id = $1 AND item = $2 \
                 AND period_start <= $3 AND period_end >= $4 LIMIT 1",
            )
            .bind(new.person_id)
            .bind(payable.item.as_str())
            .bind(&end)
            .bind(&start)
            .fetch_optional(&mut *tx)
            .await?;
            if overlapping.is_some() {
                return Ok(CreateAssessment::Overlaps);
            }
        }

        let assessed = to_text(&AssessmentStatus::Assessed);
        let transmitting = to_text(&AssessmentStatus::Transmitting);
        let payable_status = to_text(&PayableStatus::Payable);
        for (index, payable) in new.items.iter().enumerate() {
            let row_id = format!("{}_{}", new.id, index + 1);
            sqlx::query(
                "INSERT INTO assessments (id, person_id, item, base_fen, period_type, \
                 first_month, last_month, assessed_at, transmitted_at, status, version, group_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11)",
            )
            .bind(&row_id)
            .bind(new.person_id)
            .bind(payable.item.as_str())
            .bind(new.base.fen())
            .bind(to_text(&new.period_type))
            .bind(&start)
            .bind(&end)
            .bind(new.now)
            .bind(new.ready_at)
            .bind(&assessed)
            .bind(new.id)
            .execute(&mut *tx)
            .await?;
            record_event(
                &mut tx,
                Entity::Assessment,
                &row_id,
                None,
                &assessed,
                new.now,
                "",
            )
            .await?;
            let moved = transition(
                &mut tx,
                &Transition {
                    entity: Entity::Assessment,
                    id: &row_id,
                    from: &assessed,
                    version: 1,
                    to: &transmitting,
                    at: new.now,
                    detail: "transmission started",
                },
            )
            .await?;
            if !moved {
                return Err(sqlx::Error::Protocol(
                    "a new assessment changed inside its write transaction".into(),
                ));
            }
            sqlx::query(
                "INSERT INTO payables (id, assessment_id, person_id, item, base_fen, \
                 period_start, period_end, status, version, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)",
            )
            .bind(&payable.id)
            .bind(&row_id)
            .bind(new.person_id)
            .bind(payable.item.as_str())
            .bind(new.base.fen())
            .bind(&start)
            .bind(&end)
            .bind(&payable_status)
            .bind(new.now)
            .execute(&mut *tx)
            .await?;
            record_event(
                &mut tx,
                Entity::Payable,
                &payable.id,
                None,
                &payable_status,
                new.now,
                &row_id,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(CreateAssessment::Created)
    }

    /// The person's assessment `id` (the rows one request made) and its payables.
    pub async fn assessment(
        &self,
        person_id: &str,
        id: &str,
        now: i64,
    ) -> Result<Option<AssessmentRecord>, sqlx::Error> {
        type Row = (String, i64, String, String, String, i64, Option<i64>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT status, base_fen, period_type, first_month, last_month, assessed_at, \
             transmitted_at FROM assessments WHERE group_id = $1 AND person_id = $2 ORDER BY id",
        )
        .bind(id)
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        let Some((_, base_fen, period_type, first, last, assessed_at, ready_at)) =
            rows.first().cloned()
        else {
            return Ok(None);
        };
        // The rows of one request move together; the least advanced speaks for them.
        let mut status = AssessmentStatus::Payable;
        for (row_status, ..) in &rows {
            let row_status: AssessmentStatus = from_text("status", row_status)?;
            if row_status != AssessmentStatus::Payable {
                status = row_status;
            }
        }
        let sql = format!(
            "{PAYABLE_COLUMNS} WHERE a.group_id = $1 AND p.person_id = $2 ORDER BY a.id, p.id"
        );
        let payables: Vec<PayableDbRow> = sqlx::query_as(&sql)
            .bind(id)
            .bind(person_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(Some(AssessmentRecord {
            status,
            period_type: from_text("period_type", &period_type)?,
            period_start: super::parse_text("first_month", &first)?,
            period_end: super::parse_text("last_month", &last)?,
            base: Amount::from_fen(base_fen),
            assessed_at,
            ready_at: ready_at.unwrap_or(assessed_at),
            payables: payables
                .into_iter()
                .map(|row| row.into_row(now))
                .collect::<Result<_, _>>()?,
        }))
    }

    /// 申报作废: `declared → voided` for a declaration of the person without an open
    /// payment order, and its payables `declared → payable`, all with their events.
    pub async fn void_declaration(
        &self,
        person_id: &str,
        id: &str,
        reason: &str,
        now: i64,
    ) -> Result<VoidOutcome, sqlx::Error> {
        let mut tx = self.write().await?;
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT status, version FROM declarations WHERE id = $1 AND person_id = $2",
        )
        .bind(id)
        .bind(person_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((status, version)) = row else {
            return Ok(VoidOutcome::NotFound);
        };
        if from_text::<DeclarationStatus>("status", &status)? != DeclarationStatus::Declared {
            return Ok(VoidOutcome::NotVoidable);
        }
        let open: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM payment_orders WHERE declaration_id = $1 \
             AND status IN ('created', 'awaiting_payment', 'unknown')",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_some() {
            return Ok(VoidOutcome::PaymentInProgress);
        }

        let voided = transition(
            &mut tx,
            &Transition {
                entity: Entity::Declaration,
                id,
                from: &status,
                version,
                to: &to_text(&DeclarationStatus::Voided),
                at: now,
                detail: "void",
            },
        )
        .await?;
        if !voided {
            return Err(sqlx::Error::Protocol(
                "a declaration changed inside a write transaction".into(),
            ));
        }
        sqlx::query("UPDATE declarations SET voided_at = $1, void_reason = $2 WHERE id = $3")
            .bind(now)
            .bind(reason)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if !move_declared_payables(&mut tx, id, PayableStatus::Payable, now).await? {
            return Err(sqlx::Error::Protocol(
                "a declared declaration has a payable that is not declared".into(),
            ));
        }
        tx.commit().await?;
        Ok(VoidOutcome::Voided)
    }
}
