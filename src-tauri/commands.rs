//! One async Tauri command per user action, each a thin door to `actions.rs`.

use serde::Deserialize;
use shebao_core::wire::{
    Captcha, Declaration, DeclarationList, PayableList, PaymentOrder, PersonSummary,
};
use tauri::State;
use tauri_plugin_opener::OpenerExt;

use crate::actions::{
    self, CommandResult, DeclareRequest, IdCheck, IdCheckRequest, IdTypeInfo,
    IssueCertificateRequest, IssuedCertificate, PaymentStart, SavedSettings, StartPaymentRequest,
    WaitPaymentRequest,
};
use crate::error::CommandError;
use crate::journal::ReplayedOutcome;
use crate::settings::Settings;
use crate::state::{AppInfo, AppState, DeviceCleared};
use shebao_core::ErrorCode;
use shebao_core::wire::ConfirmIdentity;

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    Ok(state.info.clone())
}

#[tauri::command]
pub async fn pending_outcomes(state: State<'_, AppState>) -> CommandResult<Vec<ReplayedOutcome>> {
    actions::pending_outcomes(&state).await
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> CommandResult<Settings> {
    actions::get_settings(&state).await
}

#[tauri::command]
pub async fn save_settings(
    state: State<'_, AppState>,
    request: Settings,
) -> CommandResult<SavedSettings> {
    actions::save_settings(&state, request).await
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> CommandResult<()> {
    actions::sign_out(&state).await
}

#[tauri::command]
pub async fn clear_device(state: State<'_, AppState>) -> CommandResult<DeviceCleared> {
    actions::clear_device(&state).await
}

#[tauri::command]
pub fn id_types() -> Vec<IdTypeInfo> {
    actions::id_types()
}

#[tauri::command]
pub async fn check_id_number(
    state: State<'_, AppState>,
    request: IdCheckRequest,
) -> CommandResult<IdCheck> {
    actions::check_id_number(&state, request).await
}

#[tauri::command]
pub async fn new_captcha(state: State<'_, AppState>) -> CommandResult<Captcha> {
    actions::new_captcha(&state).await
}

#[tauri::command]
pub async fn confirm_identity(
    state: State<'_, AppState>,
    request: ConfirmIdentity,
) -> CommandResult<PersonSummary> {
    actions::confirm_identity(&state, request).await
}

#[tauri::command]
pub async fn list_payables(state: State<'_, AppState>) -> CommandResult<PayableList> {
    actions::list_payables(&state).await
}

#[tauri::command]
pub async fn declare(
    state: State<'_, AppState>,
    request: DeclareRequest,
) -> CommandResult<Declaration> {
    actions::declare(&state, request).await
}

#[tauri::command]
pub async fn list_unpaid_declarations(
    state: State<'_, AppState>,
) -> CommandResult<DeclarationList> {
    actions::list_unpaid_declarations(&state).await
}

#[tauri::command]
pub async fn start_payment(
    state: State<'_, AppState>,
    request: StartPaymentRequest,
) -> CommandResult<PaymentStart> {
    actions::start_payment(&state, request).await
}

#[tauri::command]
pub async fn wait_payment(
    state: State<'_, AppState>,
    request: WaitPaymentRequest,
) -> CommandResult<PaymentOrder> {
    actions::wait_payment(&state, request).await
}

#[tauri::command]
pub async fn issue_certificate(
    state: State<'_, AppState>,
    request: IssueCertificateRequest,
) -> CommandResult<IssuedCertificate> {
    actions::issue_certificate(&state, request).await
}

#[derive(Deserialize)]
pub struct OpenPayLinkRequest {
    attempt_id: String,
}

/// Opens the channel's page for an attempt this app started, in the system browser.
#[tauri::command]
pub async fn open_pay_link(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: OpenPayLinkRequest,
) -> CommandResult<()> {
    let url = state
        .pay_links
        .lock()
        .ok()
        .and_then(|links| links.get(&request.attempt_id).cloned())
        .ok_or_else(|| CommandError::domain(ErrorCode::NotFound))?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|error| CommandError::new("open_failed", error.to_string()))
}
