//! The local journal (`journal.sqlite3` in the app data folder): every state-changing request
//! is written here — method, target, body bytes, idempotency key — before it is sent, and
//! marked finished when its answer arrives. A request still unfinished at the next start is
//! sent again (same key, same bytes, signed afresh), so an interrupted payment completes once.
//! It also keeps the idempotency key of each user intent, so a repeated command (a second
//! press, a reloaded window, a restart) replays the first request instead of making a second
//! one, and the random local id of each remembered person (their tokens are in the keyring).
//! Bodies hold ids only (payables, declarations, orders, channels), no personal data. Finished
//! requests are deleted after [`FINISHED_KEPT_SECONDS`].

use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

pub const FILE_NAME: &str = "journal.sqlite3";
/// Finished requests are kept a week, so a replayed outcome can still be shown.
pub const FINISHED_KEPT_SECONDS: i64 = 7 * 24 * 3600;
/// An intent's key is kept a day (the gateway keeps answers at least that long), longer while
/// its request is unfinished.
pub const INTENT_KEPT_SECONDS: i64 = 24 * 3600;

pub type JournalError = sqlx::Error;

#[derive(Clone, Debug)]
pub struct Journal {
    pool: SqlitePool,
}

/// A request as written before it is sent.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JournaledRequest {
    pub idempotency_key: String,
    pub person_id: Option<String>,
    pub method: String,
    pub target: String,
    pub body: Vec<u8>,
}

/// A certificate saved to the album, as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredCertificate {
    pub number: String,
    /// The gateway's `PaymentCertificate` as JSON (masked name and number).
    pub certificate: String,
    pub sandbox: bool,
    pub file_name: String,
    /// JSON array of the pages' album locations.
    pub pages: String,
    pub saved_at: i64,
}

/// What became of a request sent again after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ReplayedOutcome {
    /// `declaration`, `payment_order`, `payment_attempt`, `certificate`, `ticket_void` or
    /// `declaration_void`.
    pub kind: String,
    /// `answered`, or the gateway's refusal code.
    pub outcome: String,
    /// What the answer named (declaration, order or attempt id, certificate number).
    pub answer_id: Option<String>,
}

impl Journal {
    /// Opens (creating and migrating) the journal in `dir`. Every write reaches the disk
    /// before the request it describes is sent (`synchronous = FULL`).
    pub async fn open(dir: &Path) -> Result<Self, JournalError> {
        let options = SqliteConnectOptions::new()
            .filename(dir.join(FILE_NAME))
            .create_if_missing(true)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await?;
        sqlx::migrate!("src-tauri/migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The idempotency key of `intent`, made and stored on first use.
    pub async fn intent_key(&self, intent: &str, now: i64) -> Result<String, JournalError> {
        let fresh = shebao_client::new_idempotency_key();
        sqlx::query(
            "INSERT INTO intents (intent, idempotency_key, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (intent) DO NOTHING",
        )
        .bind(intent)
        .bind(&fresh)
        .bind(now)
        .execute(&self.pool)
        .await?;
        sqlx::query_scalar("SELECT idempotency_key FROM intents WHERE intent = $1")
            .bind(intent)
            .fetch_one(&self.pool)
            .await
    }

    /// Forgets an intent's key, so that the next attempt is a new request.
    pub async fn forget_intent(&self, intent: &str) -> Result<(), JournalError> {
        sqlx::query("DELETE FROM intents WHERE intent = $1")
            .bind(intent)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Writes a request before it is sent. Writing the same key again keeps the first entry
    /// (the same intent always makes the same bytes).
    pub async fn record(
        &self,
        gateway: &str,
        request: &JournaledRequest,
        now: i64,
    ) -> Result<(), JournalError> {
        sqlx::query(
            "INSERT INTO requests
                 (idempotency_key, gateway, person_id, method, target, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(&request.idempotency_key)
        .bind(gateway)
        .bind(&request.person_id)
        .bind(&request.method)
        .bind(&request.target)
        .bind(&request.body)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks a request finished: `outcome` is `answered` or the refusal code.
    pub async fn finish(
        &self,
        idempotency_key: &str,
        outcome: &str,
        answer_id: Option<&str>,
        now: i64,
    ) -> Result<(), JournalError> {
        sqlx::query(
            "UPDATE requests SET finished_at = $2, outcome = $3, answer_id = $4
             WHERE idempotency_key = $1 AND finished_at IS NULL",
        )
        .bind(idempotency_key)
        .bind(now)
        .bind(outcome)
        .bind(answer_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Requests to this gateway sent (or about to be sent) without an answer, oldest first.
    pub async fn unfinished(&self, gateway: &str) -> Result<Vec<JournaledRequest>, JournalError> {
        sqlx::query_as(
            "SELECT idempotency_key, person_id, method, target, body FROM requests
             WHERE gateway = $1 AND finished_at IS NULL ORDER BY created_at, rowid",
        )
        .bind(gateway)
        .fetch_all(&self.pool)
        .await
    }

    /// Notes that a request was sent again after a restart, so its outcome gets shown.
    pub async fn mark_replayed(&self, idempotency_key: &str) -> Result<(), JournalError> {
        sqlx::query("UPDATE requests SET replay_state = 1 WHERE idempotency_key = $1")
            .bind(idempotency_key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The outcomes of replayed requests not shown yet; afterwards they count as shown.
    pub async fn take_replayed_outcomes(
        &self,
        gateway: &str,
    ) -> Result<Vec<ReplayedOutcome>, JournalError> {
        let mut tx = self.pool.begin().await?;
        let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "UPDATE requests SET replay_state = 2
             WHERE gateway = $1 AND replay_state = 1 AND finished_at IS NOT NULL
             RETURNING target, outcome, answer_id",
        )
        .bind(gateway)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|(target, outcome, answer_id)| ReplayedOutcome {
                kind: kind_of(&target).to_owned(),
                outcome,
                answer_id,
            })
            .collect())
    }

    /// Deletes finished requests older than [`FINISHED_KEPT_SECONDS`] and intent keys older
    /// than [`INTENT_KEPT_SECONDS`] whose request is finished.
    pub async fn age_out(&self, now: i64) -> Result<(), JournalError> {
        sqlx::query("DELETE FROM requests WHERE finished_at IS NOT NULL AND finished_at < $1")
            .bind(now - FINISHED_KEPT_SECONDS)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "DELETE FROM intents WHERE created_at < $1 AND idempotency_key NOT IN
                 (SELECT idempotency_key FROM requests WHERE finished_at IS NULL)",
        )
        .bind(now - INTENT_KEPT_SECONDS)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Remembers that `person_id` was confirmed on this gateway (their token is in the keyring).
    pub async fn remember_person(
        &self,
        gateway: &str,
        person_id: &str,
        now: i64,
    ) -> Result<(), JournalError> {
        sqlx::query(
            "INSERT INTO people (person_id, gateway, confirmed_at) VALUES ($1, $2, $3)
             ON CONFLICT (person_id) DO UPDATE SET confirmed_at = excluded.confirmed_at",
        )
        .bind(person_id)
        .bind(gateway)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The people remembered for this gateway, most recently confirmed first.
    pub async fn people(&self, gateway: &str) -> Result<Vec<String>, JournalError> {
        sqlx::query_scalar(
            "SELECT person_id FROM people WHERE gateway = $1 ORDER BY confirmed_at DESC, rowid DESC",
        )
        .bind(gateway)
        .fetch_all(&self.pool)
        .await
    }

    /// Every person remembered, whatever the gateway: (gateway, person id).
    pub async fn all_people(&self) -> Result<Vec<(String, String)>, JournalError> {
        sqlx::query_as("SELECT gateway, person_id FROM people")
            .fetch_all(&self.pool)
            .await
    }

    /// Forgets a person; their unfinished requests can't be sent again without their token,
    /// so they count as finished (`signed_out`) and age out. A payment they started stays
    /// resumable at the gateway (its open order) once the person confirms again.
    pub async fn forget_person(&self, person_id: &str, now: i64) -> Result<(), JournalError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM people WHERE person_id = $1")
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE requests SET finished_at = $2, outcome = 'signed_out'
             WHERE person_id = $1 AND finished_at IS NULL",
        )
        .bind(person_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Remembers a certificate saved to the album (the same number saved again replaces it).
    pub async fn save_certificate(
        &self,
        gateway: &str,
        saved: &StoredCertificate,
    ) -> Result<(), JournalError> {
        sqlx::query(
            "INSERT INTO saved_certificates
                 (gateway, number, certificate, sandbox, file_name, pages, saved_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (gateway, number) DO UPDATE SET certificate = excluded.certificate,
                 sandbox = excluded.sandbox, file_name = excluded.file_name,
                 pages = excluded.pages, saved_at = excluded.saved_at",
        )
        .bind(gateway)
        .bind(&saved.number)
        .bind(&saved.certificate)
        .bind(saved.sandbox)
        .bind(&saved.file_name)
        .bind(&saved.pages)
        .bind(saved.saved_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The certificates saved from this gateway, newest first.
    pub async fn saved_certificates(
        &self,
        gateway: &str,
    ) -> Result<Vec<StoredCertificate>, JournalError> {
        sqlx::query_as(
            "SELECT number, certificate, sandbox, file_name, pages, saved_at
             FROM saved_certificates WHERE gateway = $1 ORDER BY saved_at DESC, rowid DESC",
        )
        .bind(gateway)
        .fetch_all(&self.pool)
        .await
    }

    /// One saved certificate of this gateway, by number.
    pub async fn saved_certificate(
        &self,
        gateway: &str,
        number: &str,
    ) -> Result<Option<StoredCertificate>, JournalError> {
        sqlx::query_as(
            "SELECT number, certificate, sandbox, file_name, pages, saved_at
             FROM saved_certificates WHERE gateway = $1 AND number = $2",
        )
        .bind(gateway)
        .bind(number)
        .fetch_optional(&self.pool)
        .await
    }

    /// Empties the journal ("clear this device").
    pub async fn clear(&self) -> Result<(), JournalError> {
        let mut tx = self.pool.begin().await?;
        for table in ["requests", "intents", "people", "saved_certificates"] {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }
}

/// What a journaled request makes, from its target.
pub fn kind_of(target: &str) -> &'static str {
    match target {
        "/v1/declarations" => "declaration",
        "/v1/payment-orders" => "payment_order",
        "/v1/certificates" => "certificate",
        "/v1/registrations" => "registration",
        "/v1/assessments" => "assessment",
        t if t.starts_with("/v1/payment-orders/") && t.ends_with("/attempts") => "payment_attempt",
        t if t.starts_with("/v1/payment-orders/") && t.ends_with("/void") => "ticket_void",
        t if t.starts_with("/v1/declarations/") && t.ends_with("/void") => "declaration_void",
        _ => "request",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn journal() -> (tempfile::TempDir, Journal) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let journal = Journal::open(dir.path())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (dir, journal)
    }

    fn request(key: &str) -> JournaledRequest {
        JournaledRequest {
            idempotency_key: key.to_owned(),
            person_id: Some("person_1".into()),
            method: "POST".into(),
            target: "/v1/declarations".into(),
            body: br#"{"payable_ids":["pay_1"]}"#.to_vec(),
        }
    }

    #[tokio::test]
    async fn should_give_one_key_per_intent_until_forgotten() {
        let (_dir, journal) = journal().await;
        let first = journal.intent_key("gw:declare:pay_1", 100).await.ok();
        let again = journal.intent_key("gw:declare:pay_1", 200).await.ok();
        let other = journal.intent_key("gw:declare:pay_2", 200).await.ok();
        assert!(first.is_some());
        assert_eq!(first, again);
        assert_ne!(first, other);

        assert!(journal.forget_intent("gw:declare:pay_1").await.is_ok());
        let renewed = journal.intent_key("gw:declare:pay_1", 300).await.ok();
        assert_ne!(first, renewed);
    }

    #[tokio::test]
    async fn should_keep_the_intent_key_across_a_reopen() {
        let (dir, journal) = journal().await;
        let first = journal.intent_key("gw:order:dec_1", 100).await.ok();
        journal.close().await;
        let reopened = Journal::open(dir.path())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reopened.intent_key("gw:order:dec_1", 200).await.ok(), first);
    }

    #[tokio::test]
    async fn should_list_a_request_as_unfinished_until_its_answer_is_recorded() {
        let (_dir, journal) = journal().await;
        assert!(journal.record("gw", &request("k1"), 100).await.is_ok());
        assert!(journal.record("other", &request("k2"), 100).await.is_ok());
        let unfinished = journal.unfinished("gw").await.unwrap_or_default();
        assert_eq!(unfinished, vec![request("k1")]);

        assert!(
            journal
                .finish("k1", "answered", Some("dec_1"), 110)
                .await
                .is_ok()
        );
        assert!(
            journal
                .unfinished("gw")
                .await
                .unwrap_or_default()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn should_show_a_replayed_outcome_once() {
        let (_dir, journal) = journal().await;
        assert!(journal.record("gw", &request("k1"), 100).await.is_ok());
        assert!(journal.mark_replayed("k1").await.is_ok());
        assert!(
            journal
                .take_replayed_outcomes("gw")
                .await
                .unwrap_or_default()
                .is_empty()
        );
        assert!(
            journal
                .finish("k1", "answered", Some("dec_1"), 110)
                .await
                .is_ok()
        );

        let shown = journal
            .take_replayed_outcomes("gw")
            .await
            .unwrap_or_default();
        assert_eq!(
            shown,
            vec![ReplayedOutcome {
                kind: "declaration".into(),
                outcome: "answered".into(),
                answer_id: Some("dec_1".into()),
            }]
        );
        assert!(
            journal
                .take_replayed_outcomes("gw")
                .await
                .unwrap_or_default()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn should_age_out_finished_requests_and_old_intents_but_not_unfinished_ones() {
        let (_dir, journal) = journal().await;
        let finished_key = journal.intent_key("gw:a", 0).await.unwrap_or_default();
        let open_key = journal.intent_key("gw:b", 0).await.unwrap_or_default();
        assert!(
            journal
                .record("gw", &request(&finished_key), 0)
                .await
                .is_ok()
        );
        assert!(journal.record("gw", &request(&open_key), 0).await.is_ok());
        assert!(
            journal
                .finish(&finished_key, "answered", None, 10)
                .await
                .is_ok()
        );

        assert!(
            journal
                .age_out(10 + FINISHED_KEPT_SECONDS + 1)
                .await
                .is_ok()
        );
        let unfinished = journal.unfinished("gw").await.unwrap_or_default();
        assert_eq!(unfinished.len(), 1);
        assert_eq!(unfinished[0].idempotency_key, open_key);
        assert_ne!(journal.intent_key("gw:a", 1).await.ok(), Some(finished_key));
        assert_eq!(journal.intent_key("gw:b", 1).await.ok(), Some(open_key));
    }

    #[tokio::test]
    async fn should_close_the_unfinished_requests_of_a_person_forgotten() {
        let (_dir, journal) = journal().await;
        assert!(journal.remember_person("gw", "person_1", 100).await.is_ok());
        assert!(journal.record("gw", &request("k1"), 100).await.is_ok());
        assert!(journal.forget_person("person_1", 110).await.is_ok());
        assert!(journal.people("gw").await.unwrap_or_default().is_empty());
        assert!(
            journal
                .unfinished("gw")
                .await
                .unwrap_or_default()
                .is_empty()
        );
    }

    #[test]
    fn should_name_what_a_target_makes() {
        assert_eq!(
            kind_of("/v1/payment-orders/ord_1/attempts"),
            "payment_attempt"
        );
        assert_eq!(kind_of("/v1/payment-orders"), "payment_order");
        assert_eq!(kind_of("/v1/certificates"), "certificate");
        assert_eq!(kind_of("/v1/payment-orders/ord_1/void"), "ticket_void");
        assert_eq!(kind_of("/v1/declarations/dec_1/void"), "declaration_void");
    }
}
