//! Enrolled devices, their revocation by an operator, and the nonces they have used.

use super::Store;

/// A device as an operator lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceSummary {
    pub id: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// What revoking a device did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    Revoked,
    /// Revoked before; the first revocation time stays.
    AlreadyRevoked,
    Unknown,
}

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

    /// Every enrolled device, oldest first.
    pub async fn devices(&self) -> Result<Vec<DeviceSummary>, sqlx::Error> {
        let rows: Vec<(String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, created_at, revoked_at FROM devices ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, created_at, revoked_at)| DeviceSummary {
                id,
                created_at,
                revoked_at,
            })
            .collect())
    }

    /// Marks a device revoked: from then on its signed requests are refused.
    pub async fn revoke_device(&self, id: &str, now: i64) -> Result<Revocation, sqlx::Error> {
        let revoked =
            sqlx::query("UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?
                .rows_affected();
        if revoked == 1 {
            return Ok(Revocation::Revoked);
        }
        Ok(match self.device(id).await? {
            Some(_) => Revocation::AlreadyRevoked,
            None => Revocation::Unknown,
        })
    }
}
