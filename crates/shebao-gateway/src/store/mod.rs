//! All storage of the gateway, behind one type. Handlers call domain-shaped methods and never
//! see SQL.
//!
//! One code path serves SQLite and PostgreSQL through sqlx's `Any` driver, so every query is
//! written once. Why `Any` rather than a store generic over the database: sqlx's generic
//! bounds would spread through every method, and a backend enum would mean writing each query
//! twice. The price is `Any`'s narrow type set, which the schema is shaped for: integers are
//! BIGINT bound as `i64` (instants in Unix seconds, money in fen), amounts and enums are TEXT,
//! bytes are BLOB/BYTEA. The SQL sticks to what both share (`$n` parameters, `ON CONFLICT`,
//! `RETURNING`, partial unique indexes); the schema has one migration folder per backend
//! (`migrations/sqlite`, `migrations/postgres`), twins of each other.
//!
//! Everything that must hold across requests (nonces, idempotency records and their leases,
//! statuses) lives in the database, so several gateway processes can share one PostgreSQL.

mod accounts;
mod certificates;
mod devices;
mod health;
mod idempotency;
mod identity;
mod keys;
mod limits;
mod paid_payments;
mod payments;
mod process;
mod reconcile;
mod recovery;
mod sandbox;
mod tax_certificates;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Transaction};

pub use accounts::{AccountRow, FailedLogin, PersonDevice};
pub use certificates::{InsertCertificate, NewCertificateRow, StoredCertificate};
pub use devices::Revocation;
pub use health::Unready;
pub use idempotency::{Claim, Fingerprint, StoredResponse};
pub use keys::StoredKey;
pub use payments::{
    ChannelPayment, CreateAttempt, CreateOrder, NewAttempt, NewDeclaration, NewOrder, PayableRow,
    PayableStatus, PaymentOutcome, PaymentSource,
};
pub use process::{
    AssessmentRecord, CreateAssessment, NewAssessmentRows, Registration, VoidOutcome,
};
pub use reconcile::Reconciliation;
pub use recovery::{AttemptEnd, AttemptRow, FindRefund, VoidOrder};
pub use sandbox::{SandboxOrder, SandboxOrderStatus, SeedAssessment, SeedPerson};
pub use tax_certificates::{
    InsertTaxCertificate, NewTaxCertificateRow, StoredTaxCertificate, TaxPaymentRow, selection_key,
};

/// How long a nonce is remembered, from `shebao_core::sign`.
/// How long a request waits for a database connection.
const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

const NONCE_MEMORY_SECONDS: i64 = shebao_core::sign::NONCE_MEMORY_SECONDS;
/// Idempotency records are kept at least 24 hours; these are kept 48.
const IDEMPOTENCY_MEMORY_SECONDS: i64 = 48 * 3600;
/// Connections per process unless configured: SQLite has one writer anyway; PostgreSQL
/// servers are shared by several gateways, each taking this many.
const SQLITE_CONNECTIONS: u32 = 4;
const POSTGRES_CONNECTIONS: u32 = 10;
/// The PostgreSQL advisory lock every write transaction holds (see [`Store::write`]); the
/// number is arbitrary, fixed so that every gateway process takes the same one.
const POSTGRES_WRITE_LOCK: i64 = 0x5348_4542_414f; // "SHEBAO"

/// Where a gateway keeps its data.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file, created (with its folder) when missing.
    Sqlite(PathBuf),
    /// A PostgreSQL URL, `postgres://user:password@host:port/database?...` (the database must
    /// exist; the gateway creates its tables).
    Postgres(String),
}

impl Database {
    /// `postgres://…` or `postgresql://…`: PostgreSQL; `sqlite:<path>` or a bare path: SQLite.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let text = text.trim();
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(Self::Postgres(text.to_owned()));
        }
        let path = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"))
            .unwrap_or(text);
        if path.is_empty() {
            return Err("the database is empty: give a SQLite path or a postgres:// URL");
        }
        if path.contains("://") {
            return Err("the database URL must start with postgres://, postgresql:// or sqlite:");
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    /// Whether there is something to open without creating it: a SQLite file that exists. A
    /// PostgreSQL database is assumed to exist (connecting tells).
    pub fn exists(&self) -> bool {
        match self {
            Self::Sqlite(path) => path.is_file(),
            Self::Postgres(_) => true,
        }
    }
}

impl FromStr for Database {
    type Err = &'static str;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// Never prints a PostgreSQL password.
impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Self::Postgres(url) => f.debug_tuple("Postgres").field(&redacted(url)).finish(),
        }
    }
}

impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            Self::Postgres(url) => f.write_str(&redacted(url)),
        }
    }
}

/// The URL with its password replaced by `***`.
fn redacted(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "postgres://(unparsable URL)".to_owned(),
    }
}

/// The `sqlite:` URL sqlx's `Any` driver opens `path` with (created when missing). Every byte
/// but letters and digits is percent-encoded, so that spaces, `?`, `#`, `%`, Windows drive
/// letters and backslashes all come back as they were.
fn sqlite_url(path: &Path) -> Result<String, sqlx::Error> {
    let text = path
        .to_str()
        .ok_or_else(|| sqlx::Error::Configuration("the SQLite path is not valid UTF-8".into()))?;
    Ok(format!(
        "sqlite:{}?mode=rwc",
        utf8_percent_encode(text, NON_ALPHANUMERIC)
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// The gateway's database. Cloning shares the pool.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects. A SQLite file is created when missing (WAL, foreign keys on, 5 s busy
    /// timeout); a PostgreSQL database must exist. `max_connections` unset: 4 for SQLite, 10
    /// for PostgreSQL.
    pub async fn open(
        database: &Database,
        max_connections: Option<u32>,
    ) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let (url, backend) = match database {
            Database::Sqlite(path) => (sqlite_url(path)?, Backend::Sqlite),
            Database::Postgres(url) => (url.clone(), Backend::Postgres),
        };
        let options = AnyPoolOptions::new()
            .max_connections(max_connections.unwrap_or(match backend {
                Backend::Sqlite => SQLITE_CONNECTIONS,
                Backend::Postgres => POSTGRES_CONNECTIONS,
            }))
            // A request fails with `internal` after this long without a connection (a database
            // gone away), instead of sqlx's 30 s.
            .acquire_timeout(ACQUIRE_TIMEOUT);
        let pool = match backend {
            // sqlx's SQLite defaults already turn foreign keys on and wait 5 s on a busy
            // database; the journal mode is the one setting a URL can't carry.
            Backend::Sqlite => {
                options
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
                                .await
                                .map(|_| ())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Backend::Postgres => {
                // One plain connection first: when the server is unreachable or refuses the
                // login, that says why at once, where the pool would retry for its whole
                // acquire timeout and report only that it timed out.
                AnyConnection::connect(&url).await?.close().await?;
                options.connect(&url).await?
            }
        };
        Ok(Self { pool, backend })
    }

    /// Applies the migrations of this backend that are not applied yet. On PostgreSQL sqlx
    /// holds an advisory lock meanwhile, so gateways starting together migrate once.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        self.migrator().run(&self.pool).await
    }

    /// The migrations this build embeds for the backend.
    fn migrator(&self) -> &'static Migrator {
        static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
        static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");
        match self.backend {
            Backend::Sqlite => &SQLITE,
            Backend::Postgres => &POSTGRES,
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction, serialised with every other write transaction on the database,
    /// whichever gateway process runs it: read-then-write code inside sees no concurrent
    /// writer, and compare-and-set on (status, version) guards what is read before it.
    ///
    /// SQLite takes its database write lock up front (`BEGIN IMMEDIATE`) so a read-then-write
    /// transaction never fails on lock upgrade. PostgreSQL runs at READ COMMITTED and takes one
    /// transaction-scoped advisory lock first, the same for every gateway: each statement after
    /// it sees everything the previous holder committed, and nothing ever has to be retried
    /// (SERIALIZABLE would need every transaction body rerunnable on a serialisation failure).
    /// Single-statement writes outside these transactions (nonces, idempotency claims) rely on
    /// primary keys and compare-and-set instead and don't take the lock.
    // LIMITATION: write transactions are serialised database-wide, as on SQLite; enough for a
    // reference gateway, a bottleneck for a provincial one.
    async fn write(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                // In FROM so that the statement returns a column `Any` can decode (not void).
                sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)")
                    .bind(POSTGRES_WRITE_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Ok(tx)
            }
        }
    }

    /// Deletes what has expired: nonces, old idempotency records, captchas, identity tokens,
    /// account sessions, rate-limit windows.
    pub async fn prune(&self, now: i64) -> Result<(), sqlx::Error> {
        let statements: [(&str, i64); 7] = [
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
            ("DELETE FROM account_sessions WHERE expires_at < $1", now),
            ("DELETE FROM rate_limit_counters WHERE expires_at < $1", now),
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
    InsuredPerson,
    Assessment,
    Payable,
    Declaration,
    PaymentOrder,
    PaymentAttempt,
    Certificate,
    TaxCertificate,
}

impl Entity {
    fn table(self) -> &'static str {
        match self {
            Self::InsuredPerson => "insured_persons",
            Self::Assessment => "assessments",
            Self::Payable => "payables",
            Self::Declaration => "declarations",
            Self::PaymentOrder => "payment_orders",
            Self::PaymentAttempt => "payment_attempts",
            Self::Certificate => "certificates",
            Self::TaxCertificate => "tax_certificates",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::InsuredPerson => "insured_person",
            Self::Assessment => "assessment",
            Self::Payable => "payable",
            Self::Declaration => "declaration",
            Self::PaymentOrder => "payment_order",
            Self::PaymentAttempt => "payment_attempt",
            Self::Certificate => "certificate",
            Self::TaxCertificate => "tax_certificate",
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
    conn: &mut AnyConnection,
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
    conn: &mut AnyConnection,
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use sqlx::sqlite::SqliteConnectOptions;

    use super::*;

    #[test]
    fn should_read_sqlite_paths_and_postgres_urls() {
        assert_eq!(
            Database::parse("/var/lib/gw.sqlite3"),
            Ok(Database::Sqlite("/var/lib/gw.sqlite3".into()))
        );
        assert_eq!(
            Database::parse("sqlite:///var/lib/gw.sqlite3"),
            Ok(Database::Sqlite("/var/lib/gw.sqlite3".into()))
        );
        assert_eq!(
            Database::parse("sqlite:gw.sqlite3"),
            Ok(Database::Sqlite("gw.sqlite3".into()))
        );
        assert_eq!(
            Database::parse("postgresql://gw@db:5432/shebao"),
            Ok(Database::Postgres("postgresql://gw@db:5432/shebao".into()))
        );
        assert!(Database::parse("mysql://db/shebao").is_err());
        assert!(Database::parse(" ").is_err());
    }

    #[test]
    fn should_never_print_a_postgres_password() {
        let database = Database::parse("postgres://gw:s3cret@db:5432/shebao").unwrap();
        assert!(!format!("{database:?}").contains("s3cret"));
        assert!(!database.to_string().contains("s3cret"));
        assert!(database.to_string().contains("db:5432/shebao"));
    }

    #[test]
    fn should_keep_odd_sqlite_paths_intact_through_the_url() {
        for path in [
            "/tmp/a b/社保 #1?%.sqlite3",
            r"C:\Users\马\AppData\gateway.sqlite3",
            "relative/gw.sqlite3",
        ] {
            let url = sqlite_url(Path::new(path)).unwrap();
            // What the `Any` driver does with it: a URL, then SQLite's own parse of its text.
            let parsed = reqwest::Url::parse(&url).unwrap();
            let options = SqliteConnectOptions::from_str(parsed.as_str()).unwrap();
            assert_eq!(options.get_filename(), Path::new(path), "{url}");
        }
    }
}
