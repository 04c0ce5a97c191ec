//! One async command per user action: parse, call the client, map the error.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::{Deserialize, Serialize};
use shebao_core::wire::{
    Channel, ConfirmIdentity, Declaration, DeclarationList, NewPaymentAttempt, PayableList,
    PaymentAttempt, PaymentOrder, PersonSummary,
};
use shebao_core::{ErrorCode, IdNumber, IdType};
use tauri::State;
use tauri_plugin_opener::OpenerExt;
use zeroize::Zeroizing;

use crate::certificates::{self, SavedCertificate};
use crate::error::CommandError;
use crate::state::{AppInfo, AppState, Session};

type CommandResult<T> = Result<T, CommandError>;

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    Ok(state.info.clone())
}

#[derive(Deserialize)]
pub struct IdCheckRequest {
    id_type: IdType,
    id_number: String,
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
#[tauri::command]
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
#[tauri::command]
pub async fn check_id_number(
    state: State<'_, AppState>,
    request: IdCheckRequest,
) -> CommandResult<IdCheck> {
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

#[tauri::command]
pub async fn new_captcha(state: State<'_, AppState>) -> CommandResult<shebao_core::wire::Captcha> {
    Ok(state.client.new_captcha().await?)
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn confirm_identity(
    state: State<'_, AppState>,
    request: ConfirmIdentity,
) -> CommandResult<PersonSummary> {
    IdNumber::parse(request.id_type, &request.id_number, state.today())
        .map_err(CommandError::domain)?;
    shebao_core::PersonName::parse(&request.name).map_err(CommandError::domain)?;

    let confirmed = state.client.confirm_identity(&request).await?;

    let person = confirmed.person;
    let mut session = state
        .session
        .lock()
        .map_err(|_| CommandError::new("internal", "session lock poisoned"))?;
    *session = Some(Session {
        identity_token: Zeroizing::new(confirmed.identity_token),
    });
    tracing::info!(person = %person.id_number_masked, "identity confirmed");
    Ok(person)
}

#[tauri::command]
pub async fn list_payables(state: State<'_, AppState>) -> CommandResult<PayableList> {
    let token = state
        .identity_token()
        .ok_or_else(CommandError::not_confirmed)?;
    Ok(state.client.payables(&token).await?)
}

#[derive(Deserialize)]
pub struct DeclareRequest {
    payable_ids: Vec<String>,
}

/// Declares the chosen payables. Pressed twice, it answers the same declaration twice.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn declare(
    state: State<'_, AppState>,
    request: DeclareRequest,
) -> CommandResult<Declaration> {
    let token = state
        .identity_token()
        .ok_or_else(CommandError::not_confirmed)?;
    let mut ids = request.payable_ids;
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(CommandError::domain(ErrorCode::ValidationFailed));
    }

    let _money = state.money_lock.lock().await;
    let intent = format!("declare:{}", ids.join(","));
    let key = state.intent_key(&intent);
    let result = state.client.declare(&token, ids, &key).await;
    state.settle_intent(&intent, &result);
    Ok(result?)
}

/// Declarations filed but not paid yet, to pay or resume paying.
#[tauri::command]
pub async fn list_unpaid_declarations(
    state: State<'_, AppState>,
) -> CommandResult<DeclarationList> {
    let token = state
        .identity_token()
        .ok_or_else(CommandError::not_confirmed)?;
    Ok(state.client.unpaid_declarations(&token).await?)
}

#[derive(Deserialize)]
pub struct StartPaymentRequest {
    declaration_id: String,
    channel: Channel,
}

#[derive(Serialize)]
pub struct PaymentStart {
    order: PaymentOrder,
    attempt: PaymentAttempt,
    qr_svg: String,
}

/// Creates the payment order for a declaration (once) and an attempt on the chosen channel.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn start_payment(
    state: State<'_, AppState>,
    request: StartPaymentRequest,
) -> CommandResult<PaymentStart> {
    let token = state
        .identity_token()
        .ok_or_else(CommandError::not_confirmed)?;

    let _money = state.money_lock.lock().await;
    let declaration = state
        .client
        .declaration(&token, &request.declaration_id)
        .await?;
    let order = match declaration.open_order_id {
        // A payment started earlier (before a restart, say) is resumed, never doubled.
        Some(order_id) => state.client.payment_order(&token, &order_id, false).await?,
        None => {
            let order_intent = format!("order:{}", request.declaration_id);
            let order_key = state.intent_key(&order_intent);
            let result = state
                .client
                .create_payment_order(&token, &request.declaration_id, &order_key)
                .await;
            state.settle_intent(&order_intent, &result);
            result?
        }
    };
    let attempt_intent = format!("attempt:{}:{}", order.id, request.channel.as_str());
    let new_attempt = NewPaymentAttempt {
        channel: request.channel,
    };
    let attempt_key = state.intent_key(&attempt_intent);
    let result = state
        .client
        .create_payment_attempt(&token, &order.id, &new_attempt, &attempt_key)
        .await;
    state.settle_intent(&attempt_intent, &result);
    let attempt = result?;
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

#[derive(Deserialize)]
pub struct WaitPaymentRequest {
    order_id: String,
}

/// Long-polls the gateway for the order's status; the gateway alone decides "paid".
#[tauri::command]
pub async fn wait_payment(
    state: State<'_, AppState>,
    request: WaitPaymentRequest,
) -> CommandResult<PaymentOrder> {
    let token = state
        .identity_token()
        .ok_or_else(CommandError::not_confirmed)?;
    Ok(state
        .client
        .payment_order(&token, &request.order_id, true)
        .await?)
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

#[derive(Deserialize)]
pub struct IssueCertificateRequest {
    order_id: String,
}

#[derive(Serialize)]
pub struct IssuedCertificate {
    #[serde(flatten)]
    saved: SavedCertificate,
    /// The saved PNG as a data URL, for the preview.
    image: String,
}

/// Asks the gateway for the order's 缴费证明 (issued once), checks its signature against the
/// trusted certificate keys, renders it and saves it to Pictures/社保缴费助手.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn issue_certificate(
    state: State<'_, AppState>,
    request: IssueCertificateRequest,
) -> CommandResult<IssuedCertificate> {
    let token = state
        .identity_token()
        .ok_or_else(CommandError::not_confirmed)?;
    let intent = format!("certificate:{}", request.order_id);
    let key = state.intent_key(&intent);
    let result = state
        .client
        .issue_certificate(&token, &request.order_id, &key)
        .await;
    state.settle_intent(&intent, &result);
    let certificate = result?;
    let (verify_origin, signed) = certificates::verify(&certificate, state.client.trusted_keys())?;

    let album = certificates::album_dir()
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
