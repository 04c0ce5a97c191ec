//! Gateway signing keys and the channel keys it trusts.

use shebao_core::wire::KeyUse;

use super::{Store, from_text, to_text};

/// One stored gateway key (base64url halves, Unix-second validity).
#[derive(Clone)]
pub struct StoredKey {
    pub kid: String,
    pub key_use: KeyUse,
    pub key_index: Option<u8>,
    pub secret_key: String,
    pub public_key: String,
    pub not_before: i64,
    pub not_after: i64,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    kid: String,
    key_use: String,
    key_index: Option<i64>,
    secret_key: String,
    public_key: String,
    not_before: i64,
    not_after: i64,
}

impl Store {
    pub async fn gateway_keys(&self) -> Result<Vec<StoredKey>, sqlx::Error> {
        let rows: Vec<KeyRow> = sqlx::query_as(
            "SELECT kid, key_use, key_index, secret_key, public_key, not_before, not_after \
             FROM gateway_keys ORDER BY not_before, kid",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(StoredKey {
                    key_use: from_text("key_use", &row.key_use)?,
                    key_index: row
                        .key_index
                        .map(u8::try_from)
                        .transpose()
                        .map_err(|_| super::decode_error("key_index"))?,
                    kid: row.kid,
                    secret_key: row.secret_key,
                    public_key: row.public_key,
                    not_before: row.not_before,
                    not_after: row.not_after,
                })
            })
            .collect()
    }

    /// Stores a key; false (and nothing changes) when its key id exists, e.g. because another
    /// gateway starting on the same database made it first.
    pub async fn insert_gateway_key(&self, key: &StoredKey) -> Result<bool, sqlx::Error> {
        let inserted = sqlx::query(
            "INSERT INTO gateway_keys \
             (kid, key_use, key_index, secret_key, public_key, not_before, not_after) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kid) DO NOTHING",
        )
        .bind(&key.kid)
        .bind(to_text(&key.key_use))
        .bind(key.key_index.map(i64::from))
        .bind(&key.secret_key)
        .bind(&key.public_key)
        .bind(key.not_before)
        .bind(key.not_after)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(inserted == 1)
    }

    /// (channel, base64url public key) of every channel whose notifications are trusted.
    pub async fn channel_public_keys(&self) -> Result<Vec<(String, String)>, sqlx::Error> {
        sqlx::query_as("SELECT channel, public_key FROM channel_keys ORDER BY channel")
            .fetch_all(&self.pool)
            .await
    }
}
