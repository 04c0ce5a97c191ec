//! One async Tauri command per user action, each a thin door to `actions.rs`.

use serde::Deserialize;
use shebao_core::wire::{
    Captcha, Declaration, DeclarationList, PayableList, PaymentOrder, PersonSummary,
};
use tauri::State;
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::actions::{
    self, CertificateImages, CertificateNumberRequest, CommandResult, DeclareRequest, GalleryEntry,
    IdCheck, IdCheckRequest, IdTypeInfo, IssueCertificateRequest, IssuedCertificate, PaymentStart,
    PersonRequest, SavedSettings, SignOutRequest, StartPaymentRequest, WaitPaymentRequest,
};
use crate::error::CommandError;
use crate::journal::ReplayedOutcome;
use crate::process;
use crate::settings::Settings;
use crate::state::{AppInfo, AppState, DeviceCleared, RememberedPerson};
use crate::verification::Verification;
use shebao_core::ErrorCode;
// Exception handling and declaration void.
use crate::actions::{ListDeclarationsRequest, VoidDeclarationRequest, VoidTicketRequest};
use shebao_core::wire::ConfirmIdentity;
use shebao_core::wire::PaymentExceptionList;

#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    Ok(state.info.clone())
}

#[tauri::command]
#[specta::specta]
pub async fn pending_outcomes(state: State<'_, AppState>) -> CommandResult<Vec<ReplayedOutcome>> {
    actions::pending_outcomes(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, AppState>) -> CommandResult<Settings> {
    actions::get_settings(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    state: State<'_, AppState>,
    request: Settings,
) -> CommandResult<SavedSettings> {
    actions::save_settings(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_out(
    state: State<'_, AppState>,
    request: Option<SignOutRequest>,
) -> CommandResult<()> {
    actions::sign_out(&state, request.unwrap_or_default()).await
}

#[tauri::command]
#[specta::specta]
pub async fn clear_device(state: State<'_, AppState>) -> CommandResult<DeviceCleared> {
    actions::clear_device(&state).await
}

#[tauri::command]
#[specta::specta]
pub fn id_types() -> Vec<IdTypeInfo> {
    actions::id_types()
}

#[tauri::command]
#[specta::specta]
pub async fn check_id_number(
    state: State<'_, AppState>,
    request: IdCheckRequest,
) -> CommandResult<IdCheck> {
    actions::check_id_number(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn new_captcha(state: State<'_, AppState>) -> CommandResult<Captcha> {
    actions::new_captcha(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn confirm_identity(
    state: State<'_, AppState>,
    request: ConfirmIdentity,
) -> CommandResult<PersonSummary> {
    actions::confirm_identity(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_payables(state: State<'_, AppState>) -> CommandResult<PayableList> {
    actions::list_payables(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn declare(
    state: State<'_, AppState>,
    request: DeclareRequest,
) -> CommandResult<Declaration> {
    actions::declare(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_unpaid_declarations(
    state: State<'_, AppState>,
) -> CommandResult<DeclarationList> {
    actions::list_unpaid_declarations(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn start_payment(
    state: State<'_, AppState>,
    request: StartPaymentRequest,
) -> CommandResult<PaymentStart> {
    actions::start_payment(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn wait_payment(
    state: State<'_, AppState>,
    request: WaitPaymentRequest,
) -> CommandResult<PaymentOrder> {
    actions::wait_payment(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn issue_certificate(
    state: State<'_, AppState>,
    request: IssueCertificateRequest,
) -> CommandResult<IssuedCertificate> {
    actions::issue_certificate(&state, request).await
}

#[derive(Deserialize, specta::Type)]
pub struct OpenPayLinkRequest {
    attempt_id: String,
}

/// Opens the channel's page for an attempt this app started, in the system browser.
#[tauri::command]
#[specta::specta]
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

#[tauri::command]
#[specta::specta]
pub async fn remembered_people(state: State<'_, AppState>) -> CommandResult<Vec<RememberedPerson>> {
    actions::remembered_people(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn switch_person(
    state: State<'_, AppState>,
    request: PersonRequest,
) -> CommandResult<PersonSummary> {
    actions::switch_person(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn saved_certificates(state: State<'_, AppState>) -> CommandResult<Vec<GalleryEntry>> {
    actions::saved_certificates(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn certificate_images(
    state: State<'_, AppState>,
    request: CertificateNumberRequest,
) -> CommandResult<CertificateImages> {
    actions::certificate_images(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn verify_saved_certificate(
    state: State<'_, AppState>,
    request: CertificateNumberRequest,
) -> CommandResult<Verification> {
    actions::verify_saved(&state, request).await
}

/// The texts of a native file dialog, in the UI's language (the frontend's i18n files).
#[derive(Deserialize, specta::Type)]
pub struct DialogTexts {
    title: String,
    filter_name: String,
}

fn dialog_failed(error: impl std::fmt::Display) -> CommandError {
    CommandError::new("open_failed", error.to_string())
}

/// 验真 of an image file the person picks in the system's file dialog; `null` when they
/// cancel. The path never comes from the webview.
#[tauri::command]
#[specta::specta]
pub async fn verify_certificate_file(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: DialogTexts,
) -> CommandResult<Option<Verification>> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(&request.title)
        .add_filter(&request.filter_name, &["png", "jpg", "jpeg"])
        .pick_file(move |picked| {
            let _ = sender.send(picked);
        });
    let Some(picked) = receiver.await.map_err(dialog_failed)? else {
        return Ok(None);
    };
    let path = picked.into_path().map_err(dialog_failed)?;
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|error| CommandError::new("read_failed", error.to_string()))?;
    actions::verify_image(&state, bytes).await.map(Some)
}

#[derive(Deserialize, specta::Type)]
pub struct SaveAsRequest {
    number: String,
    #[serde(flatten)]
    dialog: DialogTexts,
}

/// "Save as…": the certificate drawn again from its stored data, written where the person
/// chooses in the system's save dialog (further pages next to it). Answers the path, or
/// `null` when they cancel.
#[tauri::command]
#[specta::specta]
pub async fn save_certificate_as(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: SaveAsRequest,
) -> CommandResult<Option<String>> {
    let (record, pages) = actions::render_saved(&state, &request.number).await?;
    let (sender, receiver) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(&request.dialog.title)
        .set_file_name(&record.saved.file_name)
        .add_filter(&request.dialog.filter_name, &["png"])
        .save_file(move |picked| {
            let _ = sender.send(picked);
        });
    let Some(picked) = receiver.await.map_err(dialog_failed)? else {
        return Ok(None);
    };
    let path = picked.into_path().map_err(dialog_failed)?;
    actions::write_pages(&path, &pages).await.map(Some)
}

/// "Show in folder": the file manager opens the album folder with the certificate selected.
#[tauri::command]
#[specta::specta]
pub async fn show_certificate_in_folder(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: CertificateNumberRequest,
) -> CommandResult<()> {
    let record = actions::saved_record(&state, &request.number).await?;
    app.opener()
        .reveal_item_in_dir(&record.saved.path)
        .map_err(|error| CommandError::new("open_failed", error.to_string()))
}

/// Copies the certificate's first page, drawn again, to the clipboard as an image.
#[tauri::command]
#[specta::specta]
pub async fn copy_certificate_image(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: CertificateNumberRequest,
) -> CommandResult<()> {
    let (_, pages) = actions::render_saved(&state, &request.number).await?;
    let first = pages.into_iter().next().unwrap_or_default();
    let (rgba, width, height) = tokio::task::spawn_blocking(move || actions::rgba_of(&first))
        .await
        .map_err(|_| CommandError::new("internal", "image decoding stopped"))??;
    let image = tauri::image::Image::new_owned(rgba, width, height);
    app.clipboard()
        .write_image(&image)
        .map_err(|error| CommandError::new("copy_failed", error.to_string()))
}

// Exception handling (缴款异常处理) and the declaration query with its void (申报查询及作废).

#[tauri::command]
#[specta::specta]
pub async fn list_payment_exceptions(
    state: State<'_, AppState>,
) -> CommandResult<PaymentExceptionList> {
    actions::list_payment_exceptions(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn void_ticket(
    state: State<'_, AppState>,
    request: VoidTicketRequest,
) -> CommandResult<PaymentOrder> {
    actions::void_ticket(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_declarations(
    state: State<'_, AppState>,
    request: ListDeclarationsRequest,
) -> CommandResult<DeclarationList> {
    actions::list_declarations(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn void_declaration(
    state: State<'_, AppState>,
    request: VoidDeclarationRequest,
) -> CommandResult<Declaration> {
    actions::void_declaration(&state, request).await
}

// The steps before payment: registration (参保登记), insured information (参保信息查询) and
// assessment (核定) with its transmission wait.

#[tauri::command]
#[specta::specta]
pub async fn insured_info(
    state: State<'_, AppState>,
) -> CommandResult<shebao_core::wire::InsuredInfo> {
    process::insured_info(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn register(
    state: State<'_, AppState>,
    request: Option<shebao_core::wire::NewRegistration>,
) -> CommandResult<shebao_core::wire::InsuredInfo> {
    process::register(&state, request.unwrap_or_default()).await
}

#[tauri::command]
#[specta::specta]
pub async fn assessment_options(
    state: State<'_, AppState>,
) -> CommandResult<process::AssessmentOptions> {
    process::assessment_options(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn quote_assessment(
    state: State<'_, AppState>,
    request: process::QuoteRequest,
) -> CommandResult<process::AssessmentQuote> {
    process::quote_assessment(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_assessment(
    state: State<'_, AppState>,
    request: shebao_core::wire::NewAssessment,
) -> CommandResult<process::AssessmentProgress> {
    process::create_assessment(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_assessment(
    state: State<'_, AppState>,
    request: process::AssessmentRequest,
) -> CommandResult<process::AssessmentProgress> {
    process::get_assessment(&state, request).await
}
