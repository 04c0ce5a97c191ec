//! Access limits (PROTOCOL.md's "Limits" in docs/protocol.md): fixed-window rate limits per
//! client address and per document number, counted in the database so that every gateway
//! process sharing it counts together; and the account settings that bound guessing
//! (wrong-password lockout) and the life of a session.
//!
//! A document number never reaches the counters' table: its scope holds the SHA-256 of the
//! gateway's pepper (a random secret kept in the database's `meta` table) and the number.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderName;
use axum::http::request::Parts;
use shebao_core::sign::sha256_hex;
use shebao_core::{ErrorCode, IdNumber};

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::Store;

/// How many requests a client may make, how wrong passwords lock an account, and how long a
/// session lives. [`Default`] is meant for a public gateway; [`AccessLimits::sandbox`] lets
/// automated journeys and API fuzzing through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessLimits {
    /// The length of one counting window, in seconds. Windows are fixed: they start at
    /// multiples of this length (Unix time).
    pub window_seconds: u32,
    /// Requests of one kind (captcha, identity confirmation, account registration, login)
    /// from one client address in one window.
    pub per_address: u32,
    /// Identity confirmations, or logins, naming one document number in one window.
    pub per_id_number: u32,
    /// Wrong passwords in a row that lock an account.
    pub login_failures: u32,
    /// How long a lock lasts, in seconds.
    pub lock_seconds: u32,
    /// How long a session lasts after login, in seconds.
    pub session_seconds: u32,
}

impl Default for AccessLimits {
    fn default() -> Self {
        Self {
            window_seconds: 600,
            per_address: 30,
            per_id_number: 10,
            login_failures: 5,
            lock_seconds: 900,
            session_seconds: 1800,
        }
    }
}

impl AccessLimits {
    /// The defaults, with rate limits high enough for automated journeys and API fuzzing
    /// from one address.
    pub fn sandbox() -> Self {
        Self {
            per_address: 10_000,
            per_id_number: 1_000,
            ..Self::default()
        }
    }

    /// Refuses settings that would lock everyone out or never expire anything.
    pub fn validate(&self) -> Result<(), &'static str> {
        let positive = [
            self.window_seconds,
            self.per_address,
            self.per_id_number,
            self.login_failures,
            self.lock_seconds,
            self.session_seconds,
        ];
        if positive.contains(&0) {
            return Err("every access limit must be at least 1");
        }
        Ok(())
    }
}

/// What a rate limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Captcha,
    IdentityConfirmation,
    Registration,
    Login,
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Self::Captcha => "captcha",
            Self::IdentityConfirmation => "identity",
            Self::Registration => "registration",
            Self::Login => "login",
        }
    }
}

/// The configured limits with what applying them needs.
pub struct Limiter {
    pub limits: AccessLimits,
    /// The header a trusted proxy puts the client's address in; unset: the socket peer.
    address_header: Option<HeaderName>,
    pepper: String,
}

impl Limiter {
    pub fn new(limits: AccessLimits, address_header: Option<HeaderName>, pepper: String) -> Self {
        Self {
            limits,
            address_header,
            pepper,
        }
    }

    /// Counts a request of `operation` from `address`; `rate_limited` past the limit.
    pub async fn by_address(
        &self,
        store: &Store,
        operation: Operation,
        address: &ClientAddress,
        now: i64,
    ) -> Result<(), ApiError> {
        let scope = format!("{}:address:{}", operation.name(), address.0);
        self.count(store, &scope, self.limits.per_address, now)
            .await
    }

    /// Counts a request of `operation` naming `number`; `rate_limited` past the limit.
    pub async fn by_id_number(
        &self,
        store: &Store,
        operation: Operation,
        number: &IdNumber,
        now: i64,
    ) -> Result<(), ApiError> {
        let scope = format!(
            "{}:id_number:{}",
            operation.name(),
            self.id_number_tag(number)
        );
        self.count(store, &scope, self.limits.per_id_number, now)
            .await
    }

    /// The peppered SHA-256 standing for a document number (and its type) in a scope.
    fn id_number_tag(&self, number: &IdNumber) -> String {
        let id_type = serde_json::to_value(number.id_type())
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        sha256_hex(format!("{}\n{id_type}\n{}\n", self.pepper, number.expose()).as_bytes())
    }

    async fn count(
        &self,
        store: &Store,
        scope: &str,
        limit: u32,
        now: i64,
    ) -> Result<(), ApiError> {
        let window = i64::from(self.limits.window_seconds);
        let window_start = now - now.rem_euclid(window);
        let window_end = window_start + window;
        let hits = store.count_hit(scope, window_start, window_end).await?;
        if hits > i64::from(limit) {
            let retry_after = u64::try_from(window_end - now).unwrap_or(1).max(1);
            return Err(ApiError::new(
                ErrorCode::RateLimited,
                "too many requests of this kind; try again after retry_after seconds",
            )
            .with_retry_after(retry_after));
        }
        Ok(())
    }
}

/// The client's address: the last entry of the configured proxy header when it is present
/// (the address the trusted proxy saw), else the socket peer's IP address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let from_header = state.limiter.address_header.as_ref().and_then(|name| {
            let values = parts.headers.get_all(name);
            let last = values.iter().next_back()?.to_str().ok()?;
            let address = last.rsplit(',').next()?.trim();
            // An address or a name, never a long header pasted into every scope.
            (!address.is_empty() && address.len() <= 64).then(|| address.to_owned())
        });
        let address = from_header.unwrap_or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |peer| peer.0.ip().to_string())
        });
        Ok(Self(address))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_refuse_a_zero_limit() {
        assert!(AccessLimits::default().validate().is_ok());
        assert!(AccessLimits::sandbox().validate().is_ok());
        let zero = AccessLimits {
            per_address: 0,
            ..AccessLimits::default()
        };
        assert!(zero.validate().is_err());
    }

    #[test]
    fn should_hash_numbers_with_the_pepper() {
        let number = IdNumber::parse(
            shebao_core::IdType::ResidentIdCard,
            "640104199003150022",
            chrono::NaiveDate::from_ymd_opt(2025, 6, 15).unwrap_or_default(),
        )
        .unwrap_or_else(|code| panic!("{code}"));
        let one = Limiter::new(AccessLimits::default(), None, "pepper-1".into());
        let two = Limiter::new(AccessLimits::default(), None, "pepper-2".into());
        let tag = one.id_number_tag(&number);
        assert_eq!(tag.len(), 64);
        assert!(!tag.contains("640104199003150022"));
        assert_ne!(tag, two.id_number_tag(&number));
        assert_eq!(tag, one.id_number_tag(&number));
    }
}
