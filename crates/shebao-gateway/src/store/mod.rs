//! All storage of the gateway, behind one type. Handlers call domain-shaped methods and never
//! see SQL. The SQL itself sticks to what SQLite and PostgreSQL share (`$n` parameters,
//! `ON CONFLICT`, `RETURNING`, partial unique indexes) so a second backend can follow it.

mod certificates;
mod devices;
mod health;
mod idempotency;
mod identity;
mod keys;
mod payments;
mod sandbox;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

pub use certificates::{InsertCertificate, NewCertificateRow, StoredCertificate};
pub use health::Unready;
pub use idempotency::{Claim, Fingerprint, StoredResponse};
pub use keys::StoredKey;
pub use payments::{
    ChannelPayment, CreateAttempt, CreateOrder, NewAttempt, NewDeclaration, NewOrder, PayableRow,
    PayableStatus, PaymentOutcome,
};
pub use sandbox::{SeedAssessment, SeedPerson, UnionpayOrder, UnionpayOrderStatus};

/// How long a nonce is remembered, from `shebao_core::sign`.
const NONCE_MEMORY_SECONDS: i64 = shebao_core::sign::NONCE_MEMORY_SECONDS;
/// Idempotency records are kept at least 24 hours; these are kept 48.
const IDEMPOTENCY_MEMORY_SECONDS: i64 = 48 * 3600;

/// The gateway's database. Cloning shares the pool.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens the SQLite file, creating it when missing (WAL, foreign keys on).
    pub async fn open(path: &Path) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        sqlx::migrate!("./migrations").run(&self.pool).await
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction. SQLite takes the write lock up front (`BEGIN IMMEDIATE`) so a
    /// read-then-write transaction never fails on lock upgrade; compare-and-set on
    /// (status, version) keeps the same code correct where writers do run concurrently.
    async fn write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// Deletes what has expired: nonces, old idempotency records, captchas, identity tokens.
    pub async fn prune(&self, now: i64) -> Result<(), sqlx::Error> {
        let statements: [(&str, i64); 5] = [
            (
                "DELETE FROM nonces WHERE seen_at < $1",
                now - NONCE_MEMORY_SECONDS,
            ),
            (
                "DELETE FROM idempotency_keys WHERE created_at < $1",
                now - IDEMPOTENCY_MEMORY_SECONDS,
            ),
            ("DELETE FROM captchas WHERE expires_at < $1", now),
            (
                "DELETE FROM sandbox_captcha_answers WHERE expires_at < $1",
                now,
            ),
            ("DELETE FROM identity_tokens WHERE expires_at < $1", now),
        ];
        for (sql, limit) in statements {
            sqlx::query(sql).bind(limit).execute(&self.pool).await?;
        }
        Ok(())
    }
}

/// The entities whose status changes are recorded as events.
#[derive(Debug, Clone, Copy)]
enum Entity {
    Payable,
    Declaration,
    PaymentOrder,
    PaymentAttempt,
    Certificate,
}

impl Entity {
    fn table(self) -> &'static str {
        match self {
            Self::Payable => "payables",
            Self::Declaration => "declarations",
            Self::PaymentOrder => "payment_orders",
            Self::PaymentAttempt => "payment_attempts",
            Self::Certificate => "certificates",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Payable => "payable",
            Self::Declaration => "declaration",
            Self::PaymentOrder => "payment_order",
            Self::PaymentAttempt => "payment_attempt",
            Self::Certificate => "certificate",
        }
    }
}

/// A compare-and-set of one row's status.
struct Transition<'a> {
    entity: Entity,
    id: &'a str,
    from: &'a str,
    version: i64,
    to: &'a str,
    at: i64,
    detail: &'a str,
}

/// Applies `change` only if the row still has the expected status and version, and records
/// the event. Returns whether it applied.
async fn transition(
    conn: &mut SqliteConnection,
    change: &Transition<'_>,
) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "UPDATE {} SET status = $1, version = version + 1 \
         WHERE id = $2 AND status = $3 AND version = $4",
        change.entity.table()
    );
    let applied = sqlx::query(&sql)
        .bind(change.to)
        .bind(change.id)
        .bind(change.from)
        .bind(change.version)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1;
    if applied {
        record_event(
            conn,
            change.entity,
            change.id,
            Some(change.from),
            change.to,
            change.at,
            change.detail,
        )
        .await?;
    }
    Ok(applied)
}

async fn record_event(
    conn: &mut SqliteConnection,
    entity: Entity,
    id: &str,
    from: Option<&str>,
    to: &str,
    at: i64,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO events (entity, entity_id, from_status, to_status, at, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entity.name())
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(at)
    .bind(detail)
    .execute(conn)
    .await?;
    Ok(())
}

/// The text of a snake_case enum (or any value serialised as a string) for a TEXT column.
fn to_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        _ => String::new(),
    }
}

/// The inverse of [`to_text`]; a column that doesn't decode is a corrupt row.
fn from_text<T: DeserializeOwned>(column: &str, text: &str) -> Result<T, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| decode_error(column))
}

fn parse_text<T: FromStr>(column: &str, text: &str) -> Result<T, sqlx::Error> {
    text.parse().map_err(|_| decode_error(column))
}

fn decode_error(column: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: "stored value does not decode".into(),
    }
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}
