//! What each user action does, on the app's state: parse, call the client, map the error.
//! `commands.rs` exposes each as a Tauri command; tests call them directly.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::{Deserialize, Serialize};
use shebao_core::wire::{
    Channel, ConfirmIdentity, Declaration, DeclarationList, NewCertificate, NewDeclaration,
    NewPaymentAttempt, NewPaymentOrder, PayableList, PaymentAttempt, PaymentCertificate,
    PaymentOrder, PersonSummary,
};
use shebao_core::{ErrorCode, IdNumber, IdType};

use crate::certificates::{self, SavedCertificate};
use crate::error::CommandError;
use crate::journal::ReplayedOutcome;
use crate::settings::Settings;
use crate::state::{AppState, DeviceCleared};

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

#[derive(Debug, Serialize)]
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

/// Signs the current person out of this device: their identity token leaves the keyring.
pub async fn sign_out(state: &AppState) -> CommandResult<()> {
    match state.session() {
        Some(session) => state.sign_out(&session.person_id).await,
        None => Ok(()),
    }
}

/// "Clear this device": tokens and device key out of the keyring, the journal and logs gone.
pub async fn clear_device(state: &AppState) -> CommandResult<DeviceCleared> {
    state.clear_device().await
}

#[derive(Debug, Deserialize)]
pub struct IdCheckRequest {
    pub id_type: IdType,
    pub id_number: String,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct IdCheck {
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<ErrorCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalized: Option<String>,
}

/// A document type the app offers, with the Chinese name the core gives it.
#[derive(Debug, Serialize, PartialEq, Eq)]
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

#[derive(Debug, Deserialize)]
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

#[derive(Debug, Deserialize)]
pub struct StartPaymentRequest {
    pub declaration_id: String,
    pub channel: Channel,
}

#[derive(Serialize)]
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
    let order = match declaration.open_order_id {
        // A payment started earlier (before a restart, say) is resumed, never doubled.
        Some(order_id) => state.client.payment_order(token, &order_id, false).await?,
        None => {
            let intent = format!("order:{}", request.declaration_id);
            let body = NewPaymentOrder {
                declaration_id: request.declaration_id.clone(),
            };
            state
                .send_journaled(&session, &intent, "/v1/payment-orders", &body)
                .await?
        }
    };
    let intent = format!("attempt:{}:{}", order.id, request.channel.as_str());
    let body = NewPaymentAttempt {
        channel: request.channel,
    };
    let target = format!("/v1/payment-orders/{}/attempts", order.id);
    let attempt: PaymentAttempt = state
        .send_journaled(&session, &intent, &target, &body)
        .await?;
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

fn qr_svg(text: &str) -> CommandResult<String> {
    let code = QrCode::new(text.as_bytes())
        .map_err(|_| CommandError::new("internal", "payment link does not fit a QR code"))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

#[derive(Debug, Deserialize)]
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

#[derive(Debug, Deserialize)]
pub struct IssueCertificateRequest {
    pub order_id: String,
}

#[derive(Serialize)]
pub struct IssuedCertificate {
    #[serde(flatten)]
    pub saved: SavedCertificate,
    /// The saved PNG as a data URL, for the preview.
    pub image: String,
}

/// Asks the gateway for the order's 缴费证明 (issued once), checks its signature against the
/// trusted certificate keys, renders it and saves it to Pictures/社保缴费助手.
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
    let (verify_origin, signed) = certificates::verify(&certificate, state.client.trusted_keys())?;

    let album = state
        .album_dir
        .clone()
        .ok_or_else(|| CommandError::new("save_failed", "no home folder to save pictures in"))?;
    let font_path = state.font_path.clone();
    let sandbox = state.info.sandbox;
    let saved = tokio::task::spawn_blocking(move || {
        certificates::render_and_save(
            &certificate,
            signed,
            verify_origin,
            sandbox,
            &font_path,
            &album,
        )
    })
    .await
    .map_err(|_| CommandError::new("internal", "certificate rendering stopped"))??;

    let png = std::fs::read(&saved.path)
        .map_err(|error| CommandError::new("save_failed", error.to_string()))?;
    let image = format!("data:image/png;base64,{}", BASE64.encode(png));
    Ok(IssuedCertificate { saved, image })
}
