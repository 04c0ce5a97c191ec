//! Enrolled devices and the nonces they have used.

use super::Store;

#[derive(Debug, Clone)]
pub struct Device {
    /// Base64url Ed25519 public key.
    pub public_key: String,
    pub revoked: bool,
}

impl Store {
    pub async fn insert_device(
        &self,
        id: &str,
        public_key: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO devices (id, public_key, created_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(public_key)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn device(&self, id: &str) -> Result<Option<Device>, sqlx::Error> {
        let row: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT public_key, revoked_at FROM devices WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(public_key, revoked_at)| Device {
            public_key,
            revoked: revoked_at.is_some(),
        }))
    }

    /// Records `(kid, nonce)`; false when the pair is already there (a replay). The primary
    /// key decides, so two concurrent requests with one nonce can't both pass.
    pub async fn remember_nonce(
        &self,
        kid: &str,
        nonce: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let inserted = sqlx::query(
            "INSERT INTO nonces (kid, nonce, seen_at) VALUES ($1, $2, $3) \
             ON CONFLICT (kid, nonce) DO NOTHING",
        )
        .bind(kid)
        .bind(nonce)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(inserted == 1)
    }
}
