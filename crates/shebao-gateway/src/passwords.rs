//! Account passwords: the policy a new one must meet, and Argon2id hashing (the `argon2`
//! crate's defaults: Argon2id v19, 19 MiB, 2 passes, one lane, a random 16-byte salt) into a
//! PHC string. Hashing and verifying run on the blocking pool.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::rngs::OsRng;
use shebao_core::ErrorCode;

use crate::error::ApiError;

const MIN_CHARS: usize = 8;
const MAX_CHARS: usize = 128;

/// The policy: 8 to 128 characters, at least two kinds among letters, digits and other
/// characters, not containing the account's phone number. A refusal is
/// `password_too_weak`.
pub fn check_policy(password: &str, phone: &str) -> Result<(), ApiError> {
    let count = password.chars().count();
    let letters = password.chars().any(char::is_alphabetic);
    let digits = password.chars().any(|c| c.is_ascii_digit());
    let others = password
        .chars()
        .any(|c| !c.is_alphabetic() && !c.is_ascii_digit());
    let kinds = [letters, digits, others]
        .into_iter()
        .filter(|kind| *kind)
        .count();
    let refusal = if !(MIN_CHARS..=MAX_CHARS).contains(&count) {
        Some("the password must have 8 to 128 characters")
    } else if kinds < 2 {
        Some("the password needs two kinds of characters among letters, digits and others")
    } else if password.contains(phone) {
        Some("the password must not contain the phone number")
    } else {
        None
    };
    match refusal {
        Some(detail) => Err(ApiError::new(ErrorCode::PasswordTooWeak, detail)),
        None => Ok(()),
    }
}

/// The Argon2id PHC string of a password.
pub async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)
}

/// Whether `password` matches the stored PHC string; `None` (no account) checks against a
/// hash of a random password, so that an unknown account takes as long as a wrong password.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    let known = stored.is_some();
    let stored = match stored {
        Some(stored) => stored,
        None => decoy().await?,
    };
    let matches = tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored).map_err(ApiError::internal)?;
        Ok::<bool, ApiError>(
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
        )
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(known && matches)
}

/// A hash of a random password, made once per process.
async fn decoy() -> Result<String, ApiError> {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(decoy) = DECOY.get() {
        return Ok(decoy.clone());
    }
    let made = hash(crate::ids::secret_token()).await?;
    Ok(DECOY.get_or_init(|| made).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_refuse_weak_passwords() {
        let phone = "13800000000";
        for weak in [
            "short1!",
            "12345678901",
            "onlyletters",
            "!!!!!!!!!!",
            "a13800000000",
        ] {
            assert!(check_policy(weak, phone).is_err(), "{weak}");
        }
        for fine in ["correct horse 1", "Shebao2025", "社保缴费助手2025"] {
            assert!(check_policy(fine, phone).is_ok(), "{fine}");
        }
    }

    #[tokio::test]
    async fn should_verify_only_the_right_password() {
        let stored = hash("Shebao2025".to_owned()).await.unwrap_or_default();
        assert!(stored.starts_with("$argon2id$"));
        assert!(
            verify("Shebao2025".into(), Some(stored.clone()))
                .await
                .unwrap_or(false)
        );
        assert!(
            !verify("Shebao2026".into(), Some(stored))
                .await
                .unwrap_or(true)
        );
        assert!(!verify("Shebao2025".into(), None).await.unwrap_or(true));
    }
}
