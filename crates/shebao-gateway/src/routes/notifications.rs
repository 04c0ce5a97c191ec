//! Payment notifications from channels: verified, deduplicated, applied in one transaction.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Serialize;
use shebao_core::ErrorCode;
use shebao_core::wire::Channel;

use crate::channels::{PaymentNotification, SIGNATURE_HEADER, verify_body};
use crate::clock::parse_rfc3339;
use crate::error::ApiError;
use crate::openapi::Refusal;
use crate::state::AppState;
use crate::store::{ChannelPayment, PaymentOutcome};

/// `{"result": "ok"}`: the channel may stop retrying.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationAccepted {
    #[schema(example = "ok")]
    result: &'static str,
}

/// `POST /v1/channels/unionpay/notifications`, signed with UnionPay's key in
/// `Channel-Signature`. A notification already recorded answers ok and changes nothing.
#[utoipa::path(
    post,
    path = "/v1/channels/unionpay/notifications",
    tag = "channels",
    summary = "UnionPay reports a payment",
    description = "Signed by the channel: `Channel-Signature` is the base64url Ed25519 signature over the exact body bytes. Deduplicated on the channel's transaction id.",
    params(("Channel-Signature" = String, Header, description = "base64url Ed25519 signature of the body by the channel's key")),
    request_body = PaymentNotification,
    responses((status = 200, description = "Applied, a duplicate payment flagged, or recorded before", body = NotificationAccepted), Refusal)
)]
pub async fn unionpay(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<NotificationAccepted>, ApiError> {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| ApiError::new(ErrorCode::SignatureMissing, "no Channel-Signature"))?;
    let key = state.channel_keys.get(Channel::Unionpay).ok_or_else(|| {
        ApiError::new(
            ErrorCode::SignatureInvalid,
            "no key is trusted for this channel",
        )
    })?;
    if !verify_body(key, &body, signature) {
        return Err(ApiError::new(
            ErrorCode::SignatureInvalid,
            "the channel signature does not verify",
        ));
    }
    let notification: PaymentNotification = serde_json::from_slice(&body)
        .map_err(|_| ApiError::validation(&["body"], "not a payment notification"))?;
    let paid_at = parse_rfc3339(&notification.paid_at)
        .ok_or_else(|| ApiError::validation(&["paid_at"], "paid_at must be RFC 3339"))?;

    let outcome = state
        .store
        .apply_channel_payment(&ChannelPayment {
            channel: Channel::Unionpay,
            channel_txn_id: &notification.channel_txn_id,
            attempt_id: &notification.attempt_id,
            amount: notification.amount,
            paid_at,
            now: state.clock.now(),
        })
        .await?;

    tracing::info!(attempt_id = %notification.attempt_id, ?outcome, "channel notification");
    state
        .metrics
        .payment_notification(Channel::Unionpay, &outcome);
    match outcome {
        PaymentOutcome::Paid | PaymentOutcome::Duplicate | PaymentOutcome::AlreadyRecorded => {
            Ok(Json(NotificationAccepted { result: "ok" }))
        }
        PaymentOutcome::UnknownAttempt => Err(ApiError::not_found()),
        PaymentOutcome::AmountMismatch => Err(ApiError::validation(
            &["amount"],
            "the amount does not match the payment attempt",
        )),
        PaymentOutcome::Conflict => Err(ApiError::internal(
            "payment state changed during the notification; the channel retries",
        )),
    }
}
