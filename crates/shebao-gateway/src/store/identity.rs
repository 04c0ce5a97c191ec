//! Captchas, the population register and identity tokens.

use shebao_core::IdType;

use super::{Store, to_text};

/// A captcha as it was when it was consumed.
#[derive(Debug, Clone)]
pub struct TakenCaptcha {
    pub kid: String,
    pub answer_hash: String,
    pub expires_at: i64,
}

/// A person in the population register. The name and number never print.
#[derive(Clone)]
pub struct PersonRecord {
    pub id: String,
    /// Normalised, as `PersonName::expose` gives it.
    pub name: String,
    pub insured: bool,
}

impl std::fmt::Debug for PersonRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonRecord")
            .field("id", &self.id)
            .field("insured", &self.insured)
            .finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: String,
    name: String,
    insured: i64,
}

impl From<PersonRow> for PersonRecord {
    fn from(row: PersonRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            insured: row.insured != 0,
        }
    }
}

impl Store {
    /// Stores a captcha's answer hash; `sandbox_answer` (sandbox mode only) keeps the plain
    /// answer in its own table for `/sandbox/captchas/{id}/answer`.
    pub async fn insert_captcha(
        &self,
        id: &str,
        kid: &str,
        answer_hash: &str,
        expires_at: i64,
        sandbox_answer: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO captchas (id, kid, answer_hash, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(kid)
        .bind(answer_hash)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        if let Some(answer) = sandbox_answer {
            sqlx::query(
                "INSERT INTO sandbox_captcha_answers (captcha_id, answer, expires_at) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(answer)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// Deletes the captcha and returns what it was, in one statement: a captcha is consumed
    /// by any attempt to use it, right or wrong.
    pub async fn take_captcha(&self, id: &str) -> Result<Option<TakenCaptcha>, sqlx::Error> {
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "DELETE FROM captchas WHERE id = $1 RETURNING kid, answer_hash, expires_at",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(kid, answer_hash, expires_at)| TakenCaptcha {
            kid,
            answer_hash,
            expires_at,
        }))
    }

    /// The plain answer of a captcha that is still usable (sandbox mode only).
    pub async fn sandbox_captcha_answer(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT a.answer FROM sandbox_captcha_answers a \
             JOIN captchas c ON c.id = a.captcha_id \
             WHERE a.captcha_id = $1 AND a.expires_at >= $2",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
    }

    /// The person holding the document of `id_type` numbered `id_number` (normalised).
    pub async fn person_by_document(
        &self,
        id_type: IdType,
        id_number: &str,
    ) -> Result<Option<PersonRecord>, sqlx::Error> {
        let row: Option<PersonRow> = sqlx::query_as(
            "SELECT id, name, insured FROM population WHERE id_type = $1 AND id_number = $2",
        )
        .bind(to_text(&id_type))
        .bind(id_number)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(PersonRecord::from))
    }

    pub async fn insert_identity_token(
        &self,
        token_hash: &str,
        kid: &str,
        person_id: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO identity_tokens (token_hash, kid, person_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(kid)
        .bind(person_id)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The person a live token of this device stands for.
    pub async fn person_for_token(
        &self,
        token_hash: &str,
        kid: &str,
        now: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT person_id FROM identity_tokens \
             WHERE token_hash = $1 AND kid = $2 AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(kid)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
    }
}
