//! Readiness of the database: it answers, and every migration this build embeds is applied.

use super::Store;

/// What keeps the database from serving requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unready {
    /// The database does not answer a query.
    Unreachable,
    /// A migration of this build is not applied (or the migration table is missing).
    MigrationsPending,
}

impl Store {
    /// `None` when the database answers and every embedded migration is applied.
    pub async fn unready(&self) -> Option<Unready> {
        if sqlx::query("SELECT 1").execute(&self.pool).await.is_err() {
            return Some(Unready::Unreachable);
        }
        let applied: Vec<i64> =
            match sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(&self.pool)
                .await
            {
                Ok(applied) => applied,
                Err(_) => return Some(Unready::MigrationsPending),
            };
        let pending = self
            .migrator()
            .iter()
            .filter(|migration| !migration.migration_type.is_down_migration())
            .any(|migration| !applied.contains(&migration.version));
        pending.then_some(Unready::MigrationsPending)
    }
}
