//! Durable fixed-window rate-limit counters, and the pepper that hashes document numbers
//! into their scopes. Both live in the database, so every gateway process sharing it counts
//! together.

use super::Store;

/// The `meta` row holding the pepper of document-number scopes.
const PEPPER: &str = "rate_limit_pepper";

impl Store {
    /// Counts one hit on `scope` in the window starting at `window_start` (which the counter
    /// row keeps until `expires_at`), and returns the hits of that window so far, this one
    /// included. One statement, so concurrent hits from several processes all count.
    pub async fn count_hit(
        &self,
        scope: &str,
        window_start: i64,
        expires_at: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO rate_limit_counters (scope, window_start, hits, expires_at) \
             VALUES ($1, $2, 1, $3) \
             ON CONFLICT (scope, window_start) DO UPDATE \
             SET hits = rate_limit_counters.hits + 1 \
             RETURNING hits",
        )
        .bind(scope)
        .bind(window_start)
        .bind(expires_at)
        .fetch_one(&self.pool)
        .await
    }

    /// The gateway's pepper for hashing document numbers, created (as `fresh`) by whichever
    /// process asks first; every process then reads the same one.
    pub async fn rate_limit_pepper(&self, fresh: &str) -> Result<String, sqlx::Error> {
        sqlx::query("INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(PEPPER)
            .bind(fresh)
            .execute(&self.pool)
            .await?;
        sqlx::query_scalar("SELECT value FROM meta WHERE name = $1")
            .bind(PEPPER)
            .fetch_one(&self.pool)
            .await
    }
}
