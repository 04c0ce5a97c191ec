//! Idempotency records: one per (device, key), claimed before the handler runs.

use super::Store;

/// What identifies a request for idempotency: same key with another fingerprint is a reuse.
#[derive(Debug, Clone)]
pub struct Fingerprint<'a> {
    pub method: &'a str,
    pub target: &'a str,
    pub body_hash: &'a str,
    /// Whom the request speaks for: the person its token resolves to, `""` without a token.
    pub subject: &'a str,
}

#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// The outcome of claiming a key.
#[derive(Debug)]
pub enum Claim {
    /// This request runs the handler.
    Started,
    /// Another request with this key is running.
    InProgress,
    /// The key was used for a different method, target, body or person.
    Mismatch,
    /// The first request finished; this is its response.
    Completed(StoredResponse),
}

#[derive(sqlx::FromRow)]
struct Row {
    method: String,
    target: String,
    body_hash: String,
    subject: Option<String>,
    state: String,
    locked_until: i64,
    response_status: Option<i64>,
    response_content_type: Option<String>,
    response_body: Option<Vec<u8>>,
}

impl Store {
    /// Inserts the in-progress record, or reports what the existing one says. A record whose
    /// lease ran out (its process died mid-request) is taken over.
    pub async fn claim_idempotency_key(
        &self,
        kid: &str,
        key: &str,
        fingerprint: &Fingerprint<'_>,
        now: i64,
        lease_until: i64,
    ) -> Result<Claim, sqlx::Error> {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys \
             (kid, idempotency_key, method, target, body_hash, subject, state, locked_until, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, 'in_progress', $7, $8) \
             ON CONFLICT (kid, idempotency_key) DO NOTHING",
        )
        .bind(kid)
        .bind(key)
        .bind(fingerprint.method)
        .bind(fingerprint.target)
        .bind(fingerprint.body_hash)
        .bind(fingerprint.subject)
        .bind(lease_until)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(Claim::Started);
        }

        let row: Option<Row> = sqlx::query_as(
            "SELECT method, target, body_hash, subject, state, locked_until, response_status, \
             response_content_type, response_body \
             FROM idempotency_keys WHERE kid = $1 AND idempotency_key = $2",
        )
        .bind(kid)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        // Pruned between the two statements: too old to matter, treat as running.
        let Some(row) = row else {
            return Ok(Claim::InProgress);
        };
        if row.method != fingerprint.method
            || row.target != fingerprint.target
            || row.body_hash != fingerprint.body_hash
            || row
                .subject
                .is_some_and(|subject| subject != fingerprint.subject)
        {
            return Ok(Claim::Mismatch);
        }
        if row.state == "complete" {
            return Ok(Claim::Completed(StoredResponse {
                status: row
                    .response_status
                    .and_then(|status| u16::try_from(status).ok())
                    .unwrap_or(500),
                content_type: row.response_content_type,
                body: row.response_body.unwrap_or_default(),
            }));
        }
        if row.locked_until > now {
            return Ok(Claim::InProgress);
        }
        let taken = sqlx::query(
            "UPDATE idempotency_keys SET locked_until = $1 \
             WHERE kid = $2 AND idempotency_key = $3 AND state = 'in_progress' \
             AND locked_until = $4",
        )
        .bind(lease_until)
        .bind(kid)
        .bind(key)
        .bind(row.locked_until)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(if taken == 1 {
            Claim::Started
        } else {
            Claim::InProgress
        })
    }

    pub async fn complete_idempotency_key(
        &self,
        kid: &str,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE idempotency_keys SET state = 'complete', response_status = $1, \
             response_content_type = $2, response_body = $3 \
             WHERE kid = $4 AND idempotency_key = $5",
        )
        .bind(i64::from(response.status))
        .bind(&response.content_type)
        .bind(&response.body)
        .bind(kid)
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets an in-progress record whose request failed inside the gateway, so that a retry
    /// runs again.
    pub async fn release_idempotency_key(&self, kid: &str, key: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "DELETE FROM idempotency_keys \
             WHERE kid = $1 AND idempotency_key = $2 AND state = 'in_progress'",
        )
        .bind(kid)
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
