//! Natural-person accounts, their sessions, and the devices each person has used.

use super::{Store, is_unique_violation};

/// An account as login needs it. The phone and the password hash never print.
#[derive(Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: String,
    pub person_id: String,
    pub phone: String,
    pub password_hash: String,
    pub locked_until: Option<i64>,
    pub created_at: i64,
}

impl std::fmt::Debug for AccountRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountRow")
            .field("id", &self.id)
            .field("person_id", &self.person_id)
            .field("locked_until", &self.locked_until)
            .finish_non_exhaustive()
    }
}

/// The account and person a live session stands for.
#[derive(Debug, Clone)]
pub struct SessionOwner {
    pub account_id: String,
    pub person_id: String,
}

/// A device a person has used, as "my devices" lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonDevice {
    pub kid: String,
    pub enrolled_at: i64,
    pub last_seen: i64,
    pub revoked_at: Option<i64>,
}

/// What a failed login did to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedLogin {
    /// Counted; the account is still open.
    Counted,
    /// This failure reached the limit: locked until then.
    Locked(i64),
}

impl Store {
    /// Opens an account for a person; false when the person has one already (the unique
    /// `person_id` decides, whatever races).
    pub async fn insert_account(&self, account: &AccountRow) -> Result<bool, sqlx::Error> {
        let inserted = sqlx::query(
            "INSERT INTO accounts (id, person_id, phone, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&account.id)
        .bind(&account.person_id)
        .bind(&account.phone)
        .bind(&account.password_hash)
        .bind(account.created_at)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => Ok(true),
            Err(error) if is_unique_violation(&error) => Ok(false),
            Err(error) => Err(error),
        }
    }

    pub async fn account_of_person(
        &self,
        person_id: &str,
    ) -> Result<Option<AccountRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, person_id, phone, password_hash, locked_until, created_at \
             FROM accounts WHERE person_id = $1",
        )
        .bind(person_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Counts a wrong password; the `max_failures`-th in a row locks the account until
    /// `lock_until` and starts the count again.
    pub async fn record_failed_login(
        &self,
        account_id: &str,
        max_failures: u32,
        lock_until: i64,
    ) -> Result<FailedLogin, sqlx::Error> {
        let mut tx = self.write().await?;
        let failures: i64 = sqlx::query_scalar(
            "UPDATE accounts SET failed_attempts = failed_attempts + 1 WHERE id = $1 \
             RETURNING failed_attempts",
        )
        .bind(account_id)
        .fetch_one(&mut *tx)
        .await?;
        let outcome = if failures >= i64::from(max_failures) {
            sqlx::query("UPDATE accounts SET failed_attempts = 0, locked_until = $1 WHERE id = $2")
                .bind(lock_until)
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
            FailedLogin::Locked(lock_until)
        } else {
            FailedLogin::Counted
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// A successful login: the failure count and any past lock are forgotten, and the
    /// session is stored.
    pub async fn open_session(
        &self,
        token_hash: &str,
        account: &AccountRow,
        kid: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
            .bind(&account.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO account_sessions (token_hash, account_id, kid, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(&account.id)
        .bind(kid)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// The owner of a live (unexpired, not ended) session of this device.
    pub async fn session_owner(
        &self,
        token_hash: &str,
        kid: &str,
        now: i64,
    ) -> Result<Option<SessionOwner>, sqlx::Error> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT a.id, a.person_id FROM account_sessions s \
             JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_hash = $1 AND s.kid = $2 AND s.expires_at > $3 \
             AND s.revoked_at IS NULL",
        )
        .bind(token_hash)
        .bind(kid)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(account_id, person_id)| SessionOwner {
            account_id,
            person_id,
        }))
    }

    /// Ends a session (logout); false when it was not live.
    pub async fn end_session(&self, token_hash: &str, now: i64) -> Result<bool, sqlx::Error> {
        let ended = sqlx::query(
            "UPDATE account_sessions SET revoked_at = $1 \
             WHERE token_hash = $2 AND revoked_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(ended == 1)
    }

    /// Records that the person used this device now (identity confirmation, login, a session
    /// request).
    pub async fn touch_person_device(
        &self,
        person_id: &str,
        kid: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO person_devices (person_id, kid, first_seen, last_seen) \
             VALUES ($1, $2, $3, $3) \
             ON CONFLICT (person_id, kid) DO UPDATE SET last_seen = $3",
        )
        .bind(person_id)
        .bind(kid)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The devices the person has used, first used first.
    pub async fn person_devices(&self, person_id: &str) -> Result<Vec<PersonDevice>, sqlx::Error> {
        sqlx::query_as(
            "SELECT p.kid, d.created_at AS enrolled_at, p.last_seen, d.revoked_at \
             FROM person_devices p JOIN devices d ON d.id = p.kid \
             WHERE p.person_id = $1 ORDER BY p.first_seen, p.kid",
        )
        .bind(person_id)
        .fetch_all(&self.pool)
        .await
    }

    /// Revokes one of the person's devices and ends its sessions; `None` when the person has
    /// never used a device of that id. A device revoked before keeps its first revocation time.
    pub async fn revoke_person_device(
        &self,
        person_id: &str,
        kid: &str,
        now: i64,
    ) -> Result<Option<PersonDevice>, sqlx::Error> {
        let mut tx = self.write().await?;
        let used: Option<i64> = sqlx::query_scalar(
            "SELECT last_seen FROM person_devices WHERE person_id = $1 AND kid = $2",
        )
        .bind(person_id)
        .bind(kid)
        .fetch_optional(&mut *tx)
        .await?;
        if used.is_none() {
            return Ok(None);
        }
        sqlx::query("UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(kid)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE account_sessions SET revoked_at = $1 WHERE kid = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(kid)
        .execute(&mut *tx)
        .await?;
        let device = sqlx::query_as(
            "SELECT p.kid, d.created_at AS enrolled_at, p.last_seen, d.revoked_at \
             FROM person_devices p JOIN devices d ON d.id = p.kid \
             WHERE p.person_id = $1 AND p.kid = $2",
        )
        .bind(person_id)
        .bind(kid)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(device)
    }
}
