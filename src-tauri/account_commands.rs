//! The thin Tauri commands of the natural-person account and 完税查询及证明补打
//! (`accounts.rs` does the work).

use shebao_core::wire::{Account, AccountDevice, AccountDeviceList, NewAccount, NewSession};
use tauri::State;

use crate::accounts::{
    self, AccountStatus, DeviceRequest, IssueTaxCertificateRequest, TaxPaymentsRequest,
    TaxPaymentsView,
};
use crate::actions::{CommandResult, IssuedCertificate};
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn account_status(state: State<'_, AppState>) -> CommandResult<AccountStatus> {
    accounts::account_status(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn register_account(
    state: State<'_, AppState>,
    request: NewAccount,
) -> CommandResult<Account> {
    accounts::register_account(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn log_in(
    state: State<'_, AppState>,
    request: NewSession,
) -> CommandResult<AccountStatus> {
    accounts::log_in(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn log_out(state: State<'_, AppState>) -> CommandResult<()> {
    accounts::log_out(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn account_devices(state: State<'_, AppState>) -> CommandResult<AccountDeviceList> {
    accounts::account_devices(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn revoke_account_device(
    state: State<'_, AppState>,
    request: DeviceRequest,
) -> CommandResult<AccountDevice> {
    accounts::revoke_account_device(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_tax_payments(
    state: State<'_, AppState>,
    request: TaxPaymentsRequest,
) -> CommandResult<TaxPaymentsView> {
    accounts::list_tax_payments(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn issue_tax_certificate(
    state: State<'_, AppState>,
    request: IssueTaxCertificateRequest,
) -> CommandResult<IssuedCertificate> {
    accounts::issue_tax_certificate(&state, request).await
}
