//! Natural-person accounts (docs/protocol.md "Natural-person accounts"): registration after
//! identity confirmation, login with a document number and password, logout, and the person's
//! devices, one of which (a lost phone) can be revoked.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shebao_core::sign::sha256_hex;
use shebao_core::wire::{
    Account, AccountDevice, AccountDeviceList, NewAccount, NewSession, Session,
};
use shebao_core::{ErrorCode, IdNumber, PhoneNumber};

use crate::clock::rfc3339;
use crate::error::ApiError;
use crate::extract::{AccountSession, ApiJson, Device, Person};
use crate::limits::{ClientAddress, Operation};
use crate::openapi::Refusal;
use crate::state::AppState;
use crate::store::{AccountRow, FailedLogin, PersonDevice};
use crate::{ids, passwords};

#[utoipa::path(
    post,
    path = "/v1/accounts",
    tag = "accounts",
    summary = "Register an account for the confirmed person",
    description = "One account per person (`account_exists` otherwise). The password needs 8 to 128 characters of two kinds among letters, digits and others, without the phone number (`password_too_weak`); it is kept as an Argon2id hash.",
    security(("device_signature" = [], "identity_token" = [])),
    params(("Idempotency-Key" = String, Header, description = "A fresh lower-case UUID v4 per intent; the same key and request again answer the first response", pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")),
    request_body = NewAccount,
    responses((status = 201, description = "Registered", body = Account), Refusal)
)]
pub async fn register(
    State(state): State<AppState>,
    address: ClientAddress,
    person: Result<Person, ApiError>,
    ApiJson(body): ApiJson<NewAccount>,
) -> Result<(StatusCode, Json<Account>), ApiError> {
    let now = state.clock.now();
    state
        .limiter
        .by_address(&state.store, Operation::Registration, &address, now)
        .await?;
    let person = person?;
    let phone = PhoneNumber::parse(&body.phone).map_err(|_| {
        ApiError::validation(&["phone"], "the phone is not a mainland mobile number")
    })?;
    passwords::check_policy(&body.password, phone.expose())?;
    if state.store.account_of_person(&person.id).await?.is_some() {
        return Err(account_exists());
    }

    let account = AccountRow {
        id: ids::random_id("acc_", 16),
        person_id: person.id,
        phone: phone.expose().to_owned(),
        password_hash: passwords::hash(body.password).await?,
        locked_until: None,
        created_at: now,
    };
    if !state.store.insert_account(&account).await? {
        return Err(account_exists());
    }
    tracing::info!(account_id = %account.id, "account registered");
    Ok((
        StatusCode::CREATED,
        Json(Account {
            account_id: account.id,
            phone_masked: phone.masked(),
            created_at: rfc3339(now),
        }),
    ))
}

fn account_exists() -> ApiError {
    ApiError::new(
        ErrorCode::AccountExists,
        "this person has an account already",
    )
}

/// Logs in. An unknown number, a person without an account and a wrong password all answer
/// `credentials_invalid` (after the same Argon2 work), so login can't tell anyone whether a
/// number has an account.
#[utoipa::path(
    post,
    path = "/v1/sessions",
    tag = "accounts",
    summary = "Log in with a document number and password",
    description = "An unknown number, no account and a wrong password all answer `credentials_invalid`. The configured number of wrong passwords in a row (5 by default) locks the account (`account_locked`, with `retry_after`) for the lock time; the locking attempt is answered `account_locked` already. The session is bound to this device and lasts the configured time (30 minutes by default).",
    security(("device_signature" = [])),
    request_body = NewSession,
    responses((status = 201, description = "Logged in: a session token for this device", body = Session), Refusal)
)]
pub async fn login(
    State(state): State<AppState>,
    Device(device): Device,
    address: ClientAddress,
    ApiJson(body): ApiJson<NewSession>,
) -> Result<(StatusCode, Json<Session>), ApiError> {
    let now = state.clock.now();
    state
        .limiter
        .by_address(&state.store, Operation::Login, &address, now)
        .await?;
    let number = IdNumber::parse(body.id_type, &body.id_number, state.clock.today())
        .map_err(|_| ApiError::validation(&["id_number"], "the document number is malformed"))?;
    state
        .limiter
        .by_id_number(&state.store, Operation::Login, &number, now)
        .await?;

    let account = match state
        .store
        .person_by_document(number.id_type(), number.expose())
        .await?
    {
        Some(person) => state.store.account_of_person(&person.id).await?,
        None => None,
    };
    if let Some(locked_until) = account
        .as_ref()
        .and_then(|account| account.locked_until)
        .filter(|until| *until > now)
    {
        return Err(locked(locked_until, now));
    }
    let stored = account
        .as_ref()
        .map(|account| account.password_hash.clone());
    let matches = passwords::verify(body.password, stored).await?;
    let account = match account {
        Some(account) if matches => account,
        Some(account) => {
            let lock_until = now + i64::from(state.limiter.limits.lock_seconds);
            let failed = state
                .store
                .record_failed_login(&account.id, state.limiter.limits.login_failures, lock_until)
                .await?;
            return Err(match failed {
                FailedLogin::Locked(until) => locked(until, now),
                FailedLogin::Counted => credentials_invalid(),
            });
        }
        None => return Err(credentials_invalid()),
    };

    let token = ids::secret_token();
    let expires_at = now + i64::from(state.limiter.limits.session_seconds);
    state
        .store
        .open_session(
            &sha256_hex(token.as_bytes()),
            &account,
            &device.kid,
            now,
            expires_at,
        )
        .await?;
    state
        .store
        .touch_person_device(&account.person_id, &device.kid, now)
        .await?;
    tracing::info!(account_id = %account.id, "logged in");
    Ok((
        StatusCode::CREATED,
        Json(Session {
            session_token: token,
            expires_at: rfc3339(expires_at),
        }),
    ))
}

fn credentials_invalid() -> ApiError {
    ApiError::new(
        ErrorCode::CredentialsInvalid,
        "the document number or the password is wrong",
    )
}

fn locked(until: i64, now: i64) -> ApiError {
    ApiError::new(
        ErrorCode::AccountLocked,
        "too many wrong passwords; the account is locked for retry_after seconds",
    )
    .with_retry_after(u64::try_from(until - now).unwrap_or(1).max(1))
}

#[utoipa::path(
    delete,
    path = "/v1/sessions/current",
    tag = "accounts",
    summary = "Log out",
    description = "Ends the session of `Session-Token`; it is refused (`session_invalid`) from then on.",
    security(("device_signature" = [], "session_token" = [])),
    responses((status = 204, description = "Logged out"), Refusal)
)]
pub async fn logout(
    State(state): State<AppState>,
    session: AccountSession,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .end_session(&session.token_hash, state.clock.now())
        .await?;
    tracing::info!(account_id = %session.account_id, "logged out");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/v1/account/devices",
    tag = "accounts",
    summary = "The devices this person has used",
    description = "Every device the session's person confirmed their identity or logged in on, first used first; `current` marks the one asking.",
    security(("device_signature" = [], "session_token" = [])),
    responses((status = 200, description = "The person's devices", body = AccountDeviceList), Refusal)
)]
pub async fn devices(
    State(state): State<AppState>,
    session: AccountSession,
) -> Result<Json<AccountDeviceList>, ApiError> {
    let items = state
        .store
        .person_devices(&session.person_id)
        .await?
        .into_iter()
        .map(|device| summary(device, &session.kid))
        .collect();
    Ok(Json(AccountDeviceList { items }))
}

#[utoipa::path(
    post,
    path = "/v1/account/devices/{device_id}/revocation",
    tag = "accounts",
    summary = "Revoke one of this person's devices (a lost phone)",
    description = "The device's signed requests are refused with `device_revoked` from then on and its sessions end. A device this person never used is `not_found`. Revoking a revoked device answers it again with its first revocation time.",
    security(("device_signature" = [], "session_token" = [])),
    params(
        ("device_id" = String, Path, description = "`dev_...`, from the device list"),
        ("Idempotency-Key" = String, Header, description = "A fresh lower-case UUID v4 per intent; the same key and request again answer the first response", pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"),
    ),
    responses((status = 200, description = "Revoked", body = AccountDevice), Refusal)
)]
pub async fn revoke_device(
    State(state): State<AppState>,
    session: AccountSession,
    Path(device_id): Path<String>,
) -> Result<Json<AccountDevice>, ApiError> {
    let device = state
        .store
        .revoke_person_device(&session.person_id, &device_id, state.clock.now())
        .await?
        .ok_or_else(ApiError::not_found)?;
    tracing::info!(account_id = %session.account_id, device_id = %device.kid, "device revoked by its person");
    Ok(Json(summary(device, &session.kid)))
}

fn summary(device: PersonDevice, current_kid: &str) -> AccountDevice {
    AccountDevice {
        current: device.kid == current_kid,
        id: device.kid,
        enrolled_at: rfc3339(device.enrolled_at),
        last_seen: rfc3339(device.last_seen),
        revoked_at: device.revoked_at.map(rfc3339),
    }
}
