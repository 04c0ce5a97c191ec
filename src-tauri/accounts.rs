//! The natural-person account (个人办税登录) and 完税查询及证明补打: registering an account
//! for the confirmed person, logging in with a document number and password, the person's
//! devices, the paid payments of a year and their 完税证明.
//!
//! The session token of a login lives in the OS keyring through [`Secrets`] (in memory only
//! without a keyring), one per gateway; it never reaches the webview. Logging out, signing the
//! logged-in person out, clearing the device and switching gateway remove it.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use shebao_client::{ClientError, new_idempotency_key};
use shebao_core::wire::{
    Account, AccountDevice, AccountDeviceList, CertificateStatus, IssuedCertificate, NewAccount,
    NewSession, TaxPayment,
};
use shebao_core::{Amount, ErrorCode, IdNumber, IdType, PhoneNumber};

use crate::actions::{self, CommandResult};
use crate::error::CommandError;
use crate::secrets::{Secrets, StoredAccountSession};
use crate::state::AppState;

/// The login of this run, in front of the keyring (and instead of it without one).
#[derive(Default)]
pub struct AccountLogin {
    current: Mutex<Option<StoredAccountSession>>,
}

impl AccountLogin {
    fn get(&self) -> Option<StoredAccountSession> {
        self.current.lock().ok()?.clone()
    }

    fn set(&self, session: Option<StoredAccountSession>) {
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = session;
    }
}

fn keyring_stopped<E>(_: E) -> CommandError {
    CommandError::new("internal", "keyring task stopped")
}

fn expired(session: &StoredAccountSession) -> bool {
    chrono::DateTime::parse_from_rfc3339(&session.expires_at)
        .map(|end| end.timestamp() <= crate::state::unix_now())
        .unwrap_or(true)
}

/// The live login on this device for this gateway: memory first, then the keyring. An expired
/// one is forgotten here.
async fn current_login(state: &AppState) -> Option<StoredAccountSession> {
    let mut found = state.accounts.get();
    if found.is_none()
        && let Some(secrets) = state.secrets()
    {
        found = tokio::task::spawn_blocking(move || secrets.load_account_session())
            .await
            .ok()
            .and_then(Result::ok)
            .flatten();
        state.accounts.set(found.clone());
    }
    match found {
        Some(session) if expired(&session) => {
            forget_login(state).await;
            None
        }
        found => found,
    }
}

async fn remember_login(state: &AppState, session: StoredAccountSession) -> CommandResult<()> {
    if let Some(secrets) = state.secrets() {
        let to_save = session.clone();
        let saved = tokio::task::spawn_blocking(move || secrets.save_account_session(&to_save))
            .await
            .map_err(keyring_stopped)?;
        if let Err(error) = saved {
            tracing::warn!(%error, "login kept for this session only");
        }
    }
    state.accounts.set(Some(session));
    Ok(())
}

/// Removes the login from memory and the keyring of this gateway.
async fn forget_login(state: &AppState) {
    state.accounts.set(None);
    if let Some(secrets) = state.secrets() {
        let deleted = tokio::task::spawn_blocking(move || secrets.delete_account_session()).await;
        if !matches!(deleted, Ok(Ok(()))) {
            tracing::warn!("could not remove the login from the keyring");
        }
    }
}

/// Ends the login of this device: the gateway is told (one try; a failure is logged, the
/// session then ends at its expiry) and the token leaves the keyring either way.
pub async fn end_login(state: &AppState) {
    if let Some(session) = current_login(state).await {
        match state.client.log_out(&session.session_token).await {
            Ok(()) => tracing::info!("logged out"),
            Err(error) if error.code() == Some(ErrorCode::SessionInvalid) => {}
            Err(error) => tracing::warn!(%error, "the gateway was not told of the logout"),
        }
    }
    forget_login(state).await;
}

/// A person signed out of this device takes their login along: the login whose masked number
/// and document type are theirs ends too.
pub async fn person_signed_out(state: &AppState, secrets: Option<Secrets>, person_id: &str) {
    let Some(login) = current_login(state).await else {
        return;
    };
    let Some(secrets) = secrets else {
        // Without a keyring nobody's masked number is known: end the login to be safe.
        end_login(state).await;
        return;
    };
    let id = person_id.to_owned();
    let person = tokio::task::spawn_blocking(move || secrets.load_person(&id))
        .await
        .ok()
        .and_then(Result::ok)
        .flatten();
    if person.is_none_or(|p| p.id_number_masked == login.id_number_masked) {
        end_login(state).await;
    }
}

/// Runs `call` with the login's token; `session_invalid` without a login, and a login the
/// gateway no longer knows (ended, expired, its device revoked) is forgotten.
async fn with_login<T, F, Fut>(state: &AppState, call: F) -> CommandResult<T>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, ClientError>>,
{
    let Some(login) = current_login(state).await else {
        return Err(CommandError::new(
            ErrorCode::SessionInvalid.as_str(),
            "not logged in on this device",
        ));
    };
    match call(login.session_token.clone()).await {
        Err(error) if error.code() == Some(ErrorCode::SessionInvalid) => {
            forget_login(state).await;
            Err(error.into())
        }
        answer => answer.map_err(CommandError::from),
    }
}

/// Whether a natural person is logged in on this device, and who (masked).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, specta::Type)]
pub struct AccountStatus {
    pub logged_in: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_type: Option<IdType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_number_masked: Option<String>,
    /// When the login ends (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

impl AccountStatus {
    fn of(login: Option<StoredAccountSession>) -> Self {
        match login {
            Some(login) => Self {
                logged_in: true,
                id_type: Some(login.id_type),
                id_number_masked: Some(login.id_number_masked),
                expires_at: Some(login.expires_at),
            },
            None => Self {
                logged_in: false,
                id_type: None,
                id_number_masked: None,
                expires_at: None,
            },
        }
    }
}

pub async fn account_status(state: &AppState) -> CommandResult<AccountStatus> {
    Ok(AccountStatus::of(current_login(state).await))
}

/// Registers a natural-person account for the confirmed person (their identity token): a
/// mainland mobile number and a password (the gateway's policy: `password_too_weak`).
#[tracing::instrument(skip_all)]
pub async fn register_account(state: &AppState, request: NewAccount) -> CommandResult<Account> {
    let person = state.require_session()?;
    let phone = PhoneNumber::parse(request.phone.trim())
        .map_err(|_| CommandError::new("validation_failed", "phone"))?;
    let account = NewAccount {
        phone: phone.expose().to_owned(),
        password: request.password,
    };
    let key = new_idempotency_key();
    let registered = state
        .client
        .register_account(&person.identity_token, &account, &key)
        .await?;
    tracing::info!("account registered");
    Ok(registered)
}

/// Logs in with a document number (checked and normalised with the core's rules first) and
/// the account's password; the session token goes to the keyring.
#[tracing::instrument(skip_all)]
pub async fn log_in(state: &AppState, request: NewSession) -> CommandResult<AccountStatus> {
    let number = IdNumber::parse(request.id_type, &request.id_number, state.today())
        .map_err(CommandError::domain)?;
    let login = NewSession {
        id_type: request.id_type,
        id_number: number.expose().to_owned(),
        password: request.password,
    };
    let session = state.client.log_in(&login).await?;
    let stored = StoredAccountSession {
        session_token: session.session_token.clone(),
        expires_at: session.expires_at.clone(),
        id_type: number.id_type(),
        id_number_masked: number.masked(),
    };
    remember_login(state, stored.clone()).await?;
    tracing::info!("logged in");
    Ok(AccountStatus::of(Some(stored)))
}

pub async fn log_out(state: &AppState) -> CommandResult<()> {
    end_login(state).await;
    Ok(())
}

/// The devices the logged-in person used, this one marked `current`.
pub async fn account_devices(state: &AppState) -> CommandResult<AccountDeviceList> {
    with_login(state, |token| async move {
        state.client.account_devices(&token).await
    })
    .await
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct DeviceRequest {
    pub device_id: String,
}

/// A device id as the gateway gives them (`dev_` and letters or digits).
fn valid_device_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Revokes another device of the logged-in person (a lost phone): its key is refused from
/// then on. This device is cleared with `clear_device` instead, which also removes its data.
#[tracing::instrument(skip_all)]
pub async fn revoke_account_device(
    state: &AppState,
    request: DeviceRequest,
) -> CommandResult<AccountDevice> {
    if !valid_device_id(&request.device_id) {
        return Err(CommandError::new("validation_failed", "device_id"));
    }
    if request.device_id == state.client.device_id() {
        return Err(CommandError::new(
            "validation_failed",
            "this device is cleared with clear_device",
        ));
    }
    let key = new_idempotency_key();
    let revoked = with_login(state, |token| async move {
        state
            .client
            .revoke_account_device(&token, &request.device_id, &key)
            .await
    })
    .await?;
    tracing::info!(device_id = %revoked.id, "device revoked by its person");
    Ok(revoked)
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct TaxPaymentsRequest {
    pub year: i32,
}

/// A 完税证明 this device saved for the logged-in person, as the gateway sees it now.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TaxCertificateState {
    pub number: String,
    pub status: CertificateStatus,
    pub order_ids: Vec<String>,
    pub total: Amount,
    pub issued_on: chrono::NaiveDate,
}

/// 完税查询 of one year, with the 完税证明 this device saved and their status now (valid,
/// superseded by a newer one, or refunded).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TaxPaymentsView {
    pub items: Vec<TaxPayment>,
    pub certificates: Vec<TaxCertificateState>,
}

/// How many saved 完税证明 have their status asked for with a list.
const STATUS_LOOKUPS: usize = 20;

pub async fn list_tax_payments(
    state: &AppState,
    request: TaxPaymentsRequest,
) -> CommandResult<TaxPaymentsView> {
    if !(2000..=9999).contains(&request.year) {
        return Err(CommandError::new("validation_failed", "year"));
    }
    let items = with_login(state, |token| async move {
        state.client.tax_payments(&token, request.year).await
    })
    .await?
    .items;

    let saved = state
        .journal
        .saved_certificates(state.gateway())
        .await
        .map_err(|error| {
            tracing::error!(%error, "journal unavailable");
            CommandError::new("journal_failed", "the local journal could not be read")
        })?;
    let mut certificates = Vec::new();
    for stored in saved {
        if certificates.len() == STATUS_LOOKUPS {
            break;
        }
        let Ok(IssuedCertificate::TaxPayment(saved)) =
            serde_json::from_str::<IssuedCertificate>(&stored.certificate)
        else {
            continue;
        };
        let number = saved.number.clone();
        let now = with_login(state, |token| async move {
            state.client.tax_certificate(&token, &number).await
        })
        .await;
        match now {
            Ok(now) => certificates.push(TaxCertificateState {
                number: now.number,
                status: now.status,
                order_ids: now.order_ids,
                total: now.total,
                issued_on: now.issued_on,
            }),
            // Another person's certificate saved on this device.
            Err(error) if error.code == ErrorCode::NotFound.as_str() => {}
            Err(error) => return Err(error),
        }
    }
    Ok(TaxPaymentsView {
        items,
        certificates,
    })
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct IssueTaxCertificateRequest {
    pub order_ids: Vec<String>,
}

/// The most payments one 完税证明 covers.
const MAX_ORDERS: usize = 100;

/// Issues the 完税证明 of the selected payments (or answers the valid one with exactly this
/// selection: 证明补打), checks its QR signature, renders it, saves it to the album and
/// remembers it for the gallery, like a 缴费证明.
#[tracing::instrument(skip_all)]
pub async fn issue_tax_certificate(
    state: &AppState,
    request: IssueTaxCertificateRequest,
) -> CommandResult<actions::IssuedCertificate> {
    let mut order_ids = request.order_ids;
    order_ids.sort();
    order_ids.dedup();
    if order_ids.is_empty() || order_ids.len() > MAX_ORDERS {
        return Err(CommandError::new("validation_failed", "order_ids"));
    }
    let key = new_idempotency_key();
    let certificate = with_login(state, |token| async move {
        state
            .client
            .issue_tax_certificate(&token, order_ids, &key)
            .await
    })
    .await?;
    actions::save_issued(state, IssuedCertificate::TaxPayment(certificate)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_accept_gateway_device_ids_only() {
        assert!(valid_device_id("dev_3f9a0c2b7d1e4a5b"));
        assert!(!valid_device_id(""));
        assert!(!valid_device_id("dev_1/../../v1/x"));
        assert!(!valid_device_id("dev_1?x=1"));
    }

    #[test]
    fn should_call_a_login_past_its_end_or_unreadable_expired() {
        let login = |expires_at: &str| StoredAccountSession {
            session_token: "tok".into(),
            expires_at: expires_at.into(),
            id_type: IdType::ResidentIdCard,
            id_number_masked: "640104********0022".into(),
        };
        assert!(expired(&login("2000-01-01T00:00:00+08:00")));
        assert!(expired(&login("soon")));
        assert!(!expired(&login("2999-01-01T00:00:00+08:00")));
    }
}
