//! Payment notifications from channels: verified with the channel's own key, deduplicated,
//! applied in one transaction.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::Serialize;
use shebao_core::ErrorCode;
use shebao_core::wire::Channel;

use crate::channels::{PaymentNotification, SIGNATURE_HEADER, verify_body};
use crate::clock::parse_rfc3339;
use crate::error::ApiError;
use crate::openapi::Refusal;
use crate::recovery;
use crate::state::AppState;
use crate::store::{ChannelPayment, PaymentOutcome, PaymentSource};

/// `{"result": "ok"}`: the channel may stop retrying.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationAccepted {
    #[schema(example = "ok")]
    result: &'static str,
}

/// `POST /v1/channels/{channel}/notifications`, signed with that channel's key in
/// `Channel-Signature`. A notification already recorded answers ok and changes nothing; a
/// payment for an order paid or voided already is refunded right away (else by the recovery
/// job).
#[utoipa::path(
    post,
    path = "/v1/channels/{channel}/notifications",
    tag = "channels",
    summary = "A channel reports a payment",
    description = "Signed by the channel: `Channel-Signature` is the base64url Ed25519 signature over the exact body bytes, by the key of the channel the path names. Deduplicated on the channel's transaction id.",
    params(
        ("channel" = Channel, Path, description = "The reporting channel"),
        ("Channel-Signature" = String, Header, description = "base64url Ed25519 signature of the body by the channel's key"),
    ),
    request_body = PaymentNotification,
    responses((status = 200, description = "Applied, a duplicate payment flagged, or recorded before", body = NotificationAccepted), Refusal)
)]
pub async fn notification(
    State(state): State<AppState>,
    Path(channel): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<NotificationAccepted>, ApiError> {
    let channel = Channel::parse(&channel).ok_or_else(ApiError::not_found)?;
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| ApiError::new(ErrorCode::SignatureMissing, "no Channel-Signature"))?;
    let key = state.channel_keys.get(channel).ok_or_else(|| {
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
            source: PaymentSource::Notification,
            channel,
            channel_txn_id: &notification.channel_txn_id,
            attempt_id: &notification.attempt_id,
            amount: notification.amount,
            paid_at,
            now: state.clock.now(),
        })
        .await?;

    tracing::info!(attempt_id = %notification.attempt_id, ?outcome, "channel notification");
    state.metrics.payment_notification(channel, &outcome);
    if outcome == PaymentOutcome::Duplicate {
        refund_duplicate(&state, &notification.attempt_id).await;
    }
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

/// Refunds a duplicate payment at once; when that fails the recovery job tries again.
async fn refund_duplicate(state: &AppState, attempt_id: &str) {
    let Some(channels) = state.channels.as_ref() else {
        return;
    };
    let refunded = match state.store.attempt_row(attempt_id).await {
        Ok(Some(attempt)) => {
            recovery::refund(&state.store, channels, &attempt, None, state.clock.now()).await
        }
        Ok(None) => Ok(false),
        Err(error) => Err(error.into()),
    };
    if let Err(error) = refunded {
        tracing::warn!(%attempt_id, %error, "refunding a duplicate payment failed; the recovery job retries");
    }
}
