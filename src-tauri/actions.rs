//! What each user action does, on the app's state: parse, call the client, map the error.
//! `commands.rs` exposes each as a Tauri command; tests call them directly.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::{Deserialize, Serialize};
use shebao_core::wire::{
    Channel, ConfirmIdentity, Declaration, DeclarationList, DeclarationStatus, NewCertificate,
    NewDeclaration, NewPaymentAttempt, NewPaymentOrder, OrderStatus, PayableList, PaymentAttempt,
    PaymentCertificate, PaymentExceptionList, PaymentOrder, PersonSummary, VoidDeclaration,
};
use shebao_core::{ErrorCode, IdNumber, IdType};

use crate::certificates::{self, SavedCertificate};
use crate::error::CommandError;
use crate::journal::{ReplayedOutcome, StoredCertificate};
use crate::settings::Settings;
use crate::state::{AppState, DeviceCleared, RememberedPerson};
use crate::verification::{self, Verification};

pub type CommandResult<T> = Result<T, CommandError>;

/// What the journal replayed at this start (payments cut off by a crash or a lost network),
/// answered once so the home screen can say what became of them.
pub async fn pending_outcomes(state: &AppState) -> CommandResult<Vec<ReplayedOutcome>> {
    state.take_replayed_outcomes().await
}

/// The settings as saved (the defaults when none were).
pub async fn get_settings(state: &AppState) -> CommandResult<Settings> {
    Ok(state.settings())
}

#[derive(Debug, Serialize, specta::Type)]
pub struct SavedSettings {
    pub settings: Settings,
    /// The gateway changed: it is used from the next start.
    pub restart_needed: bool,
}

/// Saves the settings; a bad gateway origin or key set is refused and changes nothing.
pub async fn save_settings(state: &AppState, request: Settings) -> CommandResult<SavedSettings> {
    let restart_needed = state.save_settings(request).await?;
    Ok(SavedSettings {
        settings: state.settings(),
        restart_needed,
    })
}

#[derive(Debug, Default, Deserialize, specta::Type)]
pub struct SignOutRequest {
    /// A remembered person; the current one when absent.
    #[serde(default)]
    pub person_id: Option<String>,
}

/// Signs a person (the current one by default) out of this device: their identity token
/// leaves the keyring.
pub async fn sign_out(state: &AppState, request: SignOutRequest) -> CommandResult<()> {
    match request
        .person_id
        .or_else(|| state.session().map(|s| s.person_id))
    {
        Some(person_id) => state.sign_out(&person_id).await,
        None => Ok(()),
    }
}

/// The people remembered on this device (masked), the current one marked.
pub async fn remembered_people(state: &AppState) -> CommandResult<Vec<RememberedPerson>> {
    state.remembered_people().await
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct PersonRequest {
    pub person_id: String,
}

/// Makes a remembered person the current one (switching between family members).
pub async fn switch_person(
    state: &AppState,
    request: PersonRequest,
) -> CommandResult<PersonSummary> {
    state.switch_person(&request.person_id).await
}

/// "Clear this device": tokens and device key out of the keyring, the journal and logs gone.
pub async fn clear_device(state: &AppState) -> CommandResult<DeviceCleared> {
    state.clear_device().await
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct IdCheckRequest {
    pub id_type: IdType,
    pub id_number: String,
}

#[derive(Debug, Serialize, PartialEq, Eq, specta::Type)]
pub struct IdCheck {
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<ErrorCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalized: Option<String>,
}

/// A document type the app offers, with the Chinese name the core gives it.
#[derive(Debug, Serialize, PartialEq, Eq, specta::Type)]
pub struct IdTypeInfo {
    id_type: IdType,
    display_name_zh: &'static str,
}

/// Every document type a person can confirm with, in the core's order.
pub fn id_types() -> Vec<IdTypeInfo> {
    IdType::ALL
        .iter()
        .map(|&id_type| IdTypeInfo {
            id_type,
            display_name_zh: id_type.display_name_zh(),
        })
        .collect()
}

/// Validates an ID number as the user types, with the core's rules.
pub async fn check_id_number(state: &AppState, request: IdCheckRequest) -> CommandResult<IdCheck> {
    Ok(check(&request, state.today()))
}

fn check(request: &IdCheckRequest, today: chrono::NaiveDate) -> IdCheck {
    match IdNumber::parse(request.id_type, &request.id_number, today) {
        Ok(number) => IdCheck {
            valid: true,
            code: None,
            normalized: Some(number.expose().to_owned()),
        },
        Err(code) => IdCheck {
            valid: false,
            code: Some(code),
            normalized: None,
        },
    }
}

pub async fn new_captcha(state: &AppState) -> CommandResult<shebao_core::wire::Captcha> {
    Ok(state.client.new_captcha().await?)
}

#[tracing::instrument(skip_all)]
pub async fn confirm_identity(
    state: &AppState,
    request: ConfirmIdentity,
) -> CommandResult<PersonSummary> {
    IdNumber::parse(request.id_type, &request.id_number, state.today())
        .map_err(CommandError::domain)?;
    shebao_core::PersonName::parse(&request.name).map_err(CommandError::domain)?;

    let confirmed = state.client.confirm_identity(&request).await?;

    let person = confirmed.person;
    state.confirmed(&person, confirmed.identity_token).await?;
    tracing::info!(person = %person.id_number_masked, "identity confirmed");
    Ok(person)
}

pub async fn list_payables(state: &AppState) -> CommandResult<PayableList> {
    let session = state.require_session()?;
    Ok(state.client.payables(&session.identity_token).await?)
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct DeclareRequest {
    pub payable_ids: Vec<String>,
}

/// Declares the chosen payables. Pressed twice, it answers the same declaration twice.
#[tracing::instrument(skip_all)]
pub async fn declare(state: &AppState, request: DeclareRequest) -> CommandResult<Declaration> {
    let session = state.require_session()?;
    let mut ids = request.payable_ids;
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(CommandError::domain(ErrorCode::ValidationFailed));
    }

    let _money = state.money_lock.lock().await;
    let intent = format!("{}:declare:{}", session.person_id, ids.join(","));
    let body = NewDeclaration { payable_ids: ids };
    state
        .send_journaled(&session, &intent, "/v1/declarations", &body)
        .await
}

/// Declarations filed but not paid yet, to pay or resume paying.
pub async fn list_unpaid_declarations(state: &AppState) -> CommandResult<DeclarationList> {
    let session = state.require_session()?;
    Ok(state
        .client
        .unpaid_declarations(&session.identity_token)
        .await?)
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct StartPaymentRequest {
    pub declaration_id: String,
    pub channel: Channel,
}

#[derive(Serialize, specta::Type)]
pub struct PaymentStart {
    pub order: PaymentOrder,
    pub attempt: PaymentAttempt,
    pub qr_svg: String,
}

/// Creates the payment order for a declaration (once) and an attempt on the chosen channel.
#[tracing::instrument(skip_all)]
pub async fn start_payment(
    state: &AppState,
    request: StartPaymentRequest,
) -> CommandResult<PaymentStart> {
    let session = state.require_session()?;
    let token = &session.identity_token;

    let _money = state.money_lock.lock().await;
    let declaration = state
        .client
        .declaration(token, &request.declaration_id)
        .await?;
    let (order, attempt) = match declaration.open_order_id {
        // A payment started earlier (before a restart, say) is resumed, never doubled.
        Some(order_id) => {
            let order = state.client.payment_order(token, &order_id, false).await?;
            let attempt = new_attempt(state, &session, &order, request.channel).await?;
            (order, attempt)
        }
        None => {
            let order = new_order(state, &session, &request.declaration_id).await?;
            match new_attempt(state, &session, &order, request.channel).await {
                // The order intent's key answered an order voided since (a ticket void whose
                // answer a crash cut off before the key was forgotten): a new order, once.
                Err(error) if error.code == ErrorCode::DeclarationNotPayable.as_str() => {
                    forget_order_intent(state, &request.declaration_id).await?;
                    let order = new_order(state, &session, &request.declaration_id).await?;
                    let attempt = new_attempt(state, &session, &order, request.channel).await?;
                    (order, attempt)
                }
                attempt => (order, attempt?),
            }
        }
    };
    tracing::info!(order_id = %order.id, attempt_id = %attempt.id, "payment started");

    let qr_svg = qr_svg(&attempt.qr_text)?;
    if let Ok(mut links) = state.pay_links.lock() {
        links.insert(attempt.id.clone(), attempt.pay_url.clone());
    }
    Ok(PaymentStart {
        order,
        attempt,
        qr_svg,
    })
}

async fn new_order(
    state: &AppState,
    session: &crate::state::Session,
    declaration_id: &str,
) -> CommandResult<PaymentOrder> {
    let body = NewPaymentOrder {
        declaration_id: declaration_id.to_owned(),
    };
    state
        .send_journaled(
            session,
            &order_intent(declaration_id),
            "/v1/payment-orders",
            &body,
        )
        .await
}

/// An attempt on the chosen channel: the order's pending attempt of that channel when there
/// is one (a resumed payment); `payment_in_progress` while another channel's is in flight.
async fn new_attempt(
    state: &AppState,
    session: &crate::state::Session,
    order: &PaymentOrder,
    channel: Channel,
) -> CommandResult<PaymentAttempt> {
    let intent = format!("attempt:{}:{}", order.id, channel.as_str());
    let target = format!("/v1/payment-orders/{}/attempts", order.id);
    state
        .send_journaled(session, &intent, &target, &NewPaymentAttempt { channel })
        .await
}

fn qr_svg(text: &str) -> CommandResult<String> {
    let code = QrCode::new(text.as_bytes())
        .map_err(|_| CommandError::new("internal", "payment link does not fit a QR code"))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct WaitPaymentRequest {
    pub order_id: String,
}

/// Long-polls the gateway for the order's status; the gateway alone decides "paid".
pub async fn wait_payment(
    state: &AppState,
    request: WaitPaymentRequest,
) -> CommandResult<PaymentOrder> {
    let session = state.require_session()?;
    Ok(state
        .client
        .payment_order(&session.identity_token, &request.order_id, true)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2025, 6, 15).unwrap_or_default()
    }

    #[test]
    fn should_report_the_core_code_for_a_bad_check_digit() {
        let request = IdCheckRequest {
            id_type: IdType::ResidentIdCard,
            id_number: "640104199003150023".into(),
        };
        let result = check(&request, today());
        assert_eq!(result.code, Some(ErrorCode::IdCheckDigit));
        assert!(!result.valid);
    }

    #[test]
    fn should_accept_lower_case_x_and_normalise_it() {
        let request = IdCheckRequest {
            id_type: IdType::ResidentIdCard,
            id_number: "64020219850720001x".into(),
        };
        let result = check(&request, today());
        assert!(result.valid);
        assert_eq!(result.normalized.as_deref(), Some("64020219850720001X"));
    }

    #[test]
    fn should_list_every_document_type_with_its_chinese_name() {
        let listed = serde_json::to_value(id_types()).unwrap_or_default();
        let listed = listed.as_array().cloned().unwrap_or_default();
        assert_eq!(listed.len(), IdType::ALL.len());
        assert_eq!(
            listed[1],
            serde_json::json!({"id_type": "residence_permit_hmt", "display_name_zh": "港澳台居民居住证"})
        );
    }

    #[test]
    fn should_render_a_pay_link_as_an_svg_qr() {
        let svg = qr_svg("http://127.0.0.1:1/sandbox/unionpay/cashier/att_x").unwrap_or_default();
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"));
        assert!(svg.contains("<svg"));
    }
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct IssueCertificateRequest {
    pub order_id: String,
}

#[derive(Serialize, specta::Type)]
pub struct IssuedCertificate {
    #[serde(flatten)]
    pub saved: SavedCertificate,
    /// The saved PNG as a data URL, for the preview.
    pub image: String,
}

/// Asks the gateway for the order's 缴费证明 (issued once), checks its signature against the
/// trusted certificate keys, renders it, saves it to the album (Pictures/社保缴费助手 on
/// desktop) and remembers it for the gallery.
#[tracing::instrument(skip_all)]
pub async fn issue_certificate(
    state: &AppState,
    request: IssueCertificateRequest,
) -> CommandResult<IssuedCertificate> {
    let session = state.require_session()?;
    let intent = format!("certificate:{}", request.order_id);
    let body = NewCertificate {
        order_id: request.order_id.clone(),
    };
    let certificate: PaymentCertificate = state
        .send_journaled(&session, &intent, "/v1/certificates", &body)
        .await?;
    save_issued(
        state,
        shebao_core::wire::IssuedCertificate::Payment(certificate),
    )
    .await
}

/// Checks an issued certificate's signature against the trusted certificate keys, renders
/// it, saves it to the album and remembers it for the gallery (either kind).
pub async fn save_issued(
    state: &AppState,
    certificate: shebao_core::wire::IssuedCertificate,
) -> CommandResult<IssuedCertificate> {
    let (verify_origin, signed) = certificates::verify(&certificate, state.client.trusted_keys())?;

    let album = state.album.clone();
    let font_path = state.font_path.clone();
    let sandbox = state.info.sandbox;
    let (saved, first_page) = tokio::task::spawn_blocking(move || {
        let pages = certificates::render(&certificate, signed, verify_origin, sandbox, &font_path)?;
        let first_page = pages.first().cloned().unwrap_or_default();
        let saved = certificates::save_pages(&certificate, pages, album.as_ref())?;
        Ok::<_, CommandError>((saved, first_page))
    })
    .await
    .map_err(|_| CommandError::new("internal", "certificate rendering stopped"))??;

    remember_saved(state, &saved).await?;
    Ok(IssuedCertificate {
        image: png_data_url(&first_page),
        saved,
    })
}

fn png_data_url(png: &[u8]) -> String {
    format!("data:image/png;base64,{}", BASE64.encode(png))
}

/// Writes a saved certificate into the journal, for the gallery.
async fn remember_saved(state: &AppState, saved: &SavedCertificate) -> CommandResult<()> {
    let internal = |_| CommandError::new("internal", "certificate does not serialise");
    let stored = StoredCertificate {
        number: saved.certificate.number().to_owned(),
        certificate: serde_json::to_string(&saved.certificate).map_err(internal)?,
        sandbox: state.info.sandbox,
        file_name: saved.file_name.clone(),
        pages: serde_json::to_string(&saved.pages).map_err(internal)?,
        saved_at: crate::state::unix_now(),
    };
    state
        .journal
        .save_certificate(state.gateway(), &stored)
        .await
        .map_err(|error| {
            tracing::error!(%error, "saved certificate not remembered");
            CommandError::new(
                "journal_failed",
                "the saved certificate could not be remembered",
            )
        })
}

/// A certificate in the gallery: what the list shows (masked holder only) and where it went.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct GalleryEntry {
    pub kind: shebao_core::certificate::CertificateKind,
    pub number: String,
    pub name_masked: String,
    pub total: shebao_core::Amount,
    pub period_start: Option<shebao_core::YearMonth>,
    pub period_end: Option<shebao_core::YearMonth>,
    pub issued_on: chrono::NaiveDate,
    pub file_name: String,
    pub path: String,
    #[specta(type = u32)]
    pub pages: usize,
    /// When this device saved it (Unix seconds).
    #[specta(type = u32)]
    pub saved_at: i64,
}

/// A stored certificate read back, with its pages' locations.
pub struct SavedRecord {
    pub saved: SavedCertificate,
    pub sandbox: bool,
}

fn read_record(stored: StoredCertificate) -> CommandResult<SavedRecord> {
    let unreadable = |_| CommandError::new("internal", "saved certificate does not parse");
    // Entries saved before certificates had kinds are 缴费证明 without the `kind` tag.
    let certificate =
        serde_json::from_str::<shebao_core::wire::IssuedCertificate>(&stored.certificate)
            .or_else(|_| {
                serde_json::from_str::<PaymentCertificate>(&stored.certificate)
                    .map(shebao_core::wire::IssuedCertificate::Payment)
            })
            .map_err(unreadable)?;
    let pages: Vec<String> = serde_json::from_str(&stored.pages).map_err(unreadable)?;
    Ok(SavedRecord {
        saved: SavedCertificate {
            certificate,
            path: pages.first().cloned().unwrap_or_default(),
            file_name: stored.file_name,
            pages,
        },
        sandbox: stored.sandbox,
    })
}

fn journal_read_failed(error: crate::journal::JournalError) -> CommandError {
    tracing::error!(%error, "journal unavailable");
    CommandError::new("journal_failed", "the local journal could not be read")
}

/// The certificates this device saved from the current gateway, newest first (已保存的证明).
pub async fn saved_certificates(state: &AppState) -> CommandResult<Vec<GalleryEntry>> {
    let stored = state
        .journal
        .saved_certificates(state.gateway())
        .await
        .map_err(journal_read_failed)?;
    stored
        .into_iter()
        .map(|stored| {
            let saved_at = stored.saved_at;
            let record = read_record(stored)?.saved;
            let certificate = &record.certificate;
            let period = certificate.fee_period();
            Ok(GalleryEntry {
                kind: certificate.kind(),
                number: certificate.number().to_owned(),
                name_masked: certificate.name_masked().to_owned(),
                total: certificate.total(),
                period_start: period.map(|(first, _)| first),
                period_end: period.map(|(_, last)| last),
                issued_on: certificate.issued_on(),
                file_name: record.file_name.clone(),
                path: record.path.clone(),
                pages: record.pages.len(),
                saved_at,
            })
        })
        .collect()
}

/// One saved certificate, or `not_found`.
pub async fn saved_record(state: &AppState, number: &str) -> CommandResult<SavedRecord> {
    let stored = state
        .journal
        .saved_certificate(state.gateway(), number)
        .await
        .map_err(journal_read_failed)?
        .ok_or_else(|| CommandError::domain(ErrorCode::NotFound))?;
    read_record(stored)
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct CertificateNumberRequest {
    pub number: String,
}

/// A saved certificate drawn again from its stored data (not read back from the album, which
/// the person may have tidied), every page as a PNG.
pub async fn render_saved(
    state: &AppState,
    number: &str,
) -> CommandResult<(SavedRecord, Vec<Vec<u8>>)> {
    let record = saved_record(state, number).await?;
    let (verify_origin, signed) =
        certificates::verify(&record.saved.certificate, state.client.trusted_keys())?;
    let certificate = record.saved.certificate.clone();
    let font_path = state.font_path.clone();
    let sandbox = record.sandbox;
    let pages = tokio::task::spawn_blocking(move || {
        certificates::render(&certificate, signed, verify_origin, sandbox, &font_path)
    })
    .await
    .map_err(|_| CommandError::new("internal", "certificate rendering stopped"))??;
    Ok((record, pages))
}

/// A saved certificate as the gallery shows it: its fields and its pages re-rendered.
#[derive(Serialize, specta::Type)]
pub struct CertificateImages {
    #[serde(flatten)]
    pub saved: SavedCertificate,
    /// Every page as a PNG data URL.
    pub images: Vec<String>,
}

pub async fn certificate_images(
    state: &AppState,
    request: CertificateNumberRequest,
) -> CommandResult<CertificateImages> {
    let (record, pages) = render_saved(state, &request.number).await?;
    Ok(CertificateImages {
        saved: record.saved,
        images: pages.iter().map(|page| png_data_url(page)).collect(),
    })
}

/// 验真 of an image's bytes: its QR, the signature against the trusted keys, then the
/// gateway's status.
pub async fn verify_image(state: &AppState, image: Vec<u8>) -> CommandResult<Verification> {
    let trusted = state.client.trusted_keys().clone();
    let checked = tokio::task::spawn_blocking(move || verification::check_image(&image, &trusted))
        .await
        .map_err(|_| CommandError::new("internal", "QR reading stopped"))?;
    let (signed, mut found) = match checked {
        Ok(found) => found,
        Err(verdict) => return Ok(verdict),
    };
    found.verdict = verification::gateway_status(&state.info.gateway_origin, &signed).await;
    tracing::info!(verdict = ?found.verdict, "certificate verified");
    Ok(found)
}

/// 验真 of a saved certificate: its first page drawn again, then read as any image would be.
pub async fn verify_saved(
    state: &AppState,
    request: CertificateNumberRequest,
) -> CommandResult<Verification> {
    let (_, pages) = render_saved(state, &request.number).await?;
    let first = pages.into_iter().next().unwrap_or_default();
    verify_image(state, first).await
}

/// Writes rendered pages at `path` (further pages next to it, `_第n页`); answers the path.
pub async fn write_pages(path: &std::path::Path, pages: &[Vec<u8>]) -> CommandResult<String> {
    let failed = |error: std::io::Error| CommandError::new("save_failed", error.to_string());
    let first = path.to_string_lossy().into_owned();
    for (index, page) in pages.iter().enumerate() {
        let target = match index {
            0 => path.to_path_buf(),
            _ => path.with_file_name(certificates::page_file_name(
                &path.file_name().unwrap_or_default().to_string_lossy(),
                index + 1,
            )),
        };
        tokio::fs::write(&target, page).await.map_err(failed)?;
    }
    Ok(first)
}

/// A PNG decoded to RGBA pixels, for the clipboard.
pub fn rgba_of(png: &[u8]) -> CommandResult<(Vec<u8>, u32, u32)> {
    let image = image::load_from_memory(png)
        .map_err(|error| CommandError::new("internal", error.to_string()))?
        .to_rgba8();
    let (width, height) = image.dimensions();
    Ok((image.into_raw(), width, height))
}

// Exception handling (缴款异常处理: ticket void, 票证作废) and the declaration query with its
// void (申报查询及作废).

/// The person's payment orders without an outcome, each with its attempts (缴款异常处理).
pub async fn list_payment_exceptions(state: &AppState) -> CommandResult<PaymentExceptionList> {
    let session = state.require_session()?;
    Ok(state
        .client
        .payment_exceptions(&session.identity_token)
        .await?)
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct VoidTicketRequest {
    pub order_id: String,
}

/// Ticket void (票证作废) of an order without an outcome. Answers the order: `voided` (its
/// declaration can be paid again, with a new order and ticket number), or `paid` when the
/// channel reports that the money was taken after all.
#[tracing::instrument(skip_all)]
pub async fn void_ticket(
    state: &AppState,
    request: VoidTicketRequest,
) -> CommandResult<PaymentOrder> {
    let session = state.require_session()?;

    let _money = state.money_lock.lock().await;
    let intent = format!("void-ticket:{}", request.order_id);
    let target = format!("/v1/payment-orders/{}/void", request.order_id);
    let order: PaymentOrder = state
        .send_journaled(&session, &intent, &target, &serde_json::json!({}))
        .await?;
    if order.status == OrderStatus::Voided {
        forget_order_intent(state, &order.declaration_id).await?;
    }
    tracing::info!(order_id = %order.id, status = ?order.status, "ticket void answered");
    Ok(order)
}

/// The intent's key of "make the payment order of this declaration" names a voided order from
/// now on: the next payment of the declaration is a new order.
async fn forget_order_intent(state: &AppState, declaration_id: &str) -> CommandResult<()> {
    let intent = format!("{}:{}", state.gateway(), order_intent(declaration_id));
    state.journal.forget_intent(&intent).await.map_err(|error| {
        tracing::error!(%error, "journal unavailable");
        CommandError::new("journal_failed", "the local journal could not be written")
    })
}

fn order_intent(declaration_id: &str) -> String {
    format!("order:{declaration_id}")
}

#[derive(Debug, Deserialize, specta::Type)]
pub struct ListDeclarationsRequest {
    pub status: DeclarationStatus,
}

/// The person's declarations in one status, newest first (申报查询).
pub async fn list_declarations(
    state: &AppState,
    request: ListDeclarationsRequest,
) -> CommandResult<DeclarationList> {
    let session = state.require_session()?;
    Ok(state
        .client
        .declarations(&session.identity_token, request.status)
        .await?)
}

/// The longest void reason the gateway takes, in characters.
const MAX_VOID_REASON_CHARS: usize = 200;

#[derive(Debug, Deserialize, specta::Type)]
pub struct VoidDeclarationRequest {
    pub declaration_id: String,
    pub reason: String,
}

/// 申报作废 of an unpaid declaration without an open payment order, with the payer's reason:
/// its payables become payable again. The reason is part of the intent, so a second press
/// with the same reason replays the first request and another reason is a new one.
#[tracing::instrument(skip_all)]
pub async fn void_declaration(
    state: &AppState,
    request: VoidDeclarationRequest,
) -> CommandResult<Declaration> {
    let session = state.require_session()?;
    let reason = request.reason.trim();
    let length = reason.chars().count();
    if length == 0 || length > MAX_VOID_REASON_CHARS || reason.chars().any(char::is_control) {
        return Err(CommandError::domain(ErrorCode::ValidationFailed));
    }

    let _money = state.money_lock.lock().await;
    let intent = format!(
        "void-declaration:{}:{}",
        request.declaration_id,
        &shebao_core::sign::sha256_hex(reason.as_bytes())[..16]
    );
    let target = format!("/v1/declarations/{}/void", request.declaration_id);
    let body = VoidDeclaration {
        reason: reason.to_owned(),
    };
    let declaration: Declaration = state
        .send_journaled(&session, &intent, &target, &body)
        .await?;
    tracing::info!(declaration_id = %declaration.id, "declaration voided");
    Ok(declaration)
}
