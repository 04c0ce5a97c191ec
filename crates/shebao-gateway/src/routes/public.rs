//! Unsigned endpoints: the key set, device enrollment.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shebao_core::sign;
use shebao_core::wire::{DeviceEnrolled, EnrollDevice, KeySet};

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::ids;
use crate::openapi::Refusal;
use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/.well-known/shebao-keys",
    tag = "public",
    summary = "The gateway's key set",
    description = "Response keys (verify `Shebao-Signature`) and certificate keys (verify QR payloads).",
    responses((status = 200, description = "The key set", body = KeySet))
)]
pub async fn key_set(State(state): State<AppState>) -> Json<KeySet> {
    Json(state.keys.key_set.clone())
}

/// Enrolls a device's Ed25519 public key; its id becomes the `kid` of its signatures.
#[utoipa::path(
    post,
    path = "/v1/devices",
    tag = "public",
    summary = "Enroll a device",
    description = "Registers an Ed25519 public key; the answered `device_id` is the `kid` of the device's signatures. Unsigned.",
    request_body = EnrollDevice,
    responses((status = 201, description = "Enrolled", body = DeviceEnrolled), Refusal)
)]
pub async fn enroll_device(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<EnrollDevice>,
) -> Result<(StatusCode, Json<DeviceEnrolled>), ApiError> {
    let key = sign::verifying_key_from_b64(&body.public_key)
        .ok()
        .filter(|key| !key.is_weak())
        .ok_or_else(|| {
            ApiError::validation(&["public_key"], "not a base64url Ed25519 public key")
        })?;

    let device_id = ids::random_id("dev_", 16);
    state
        .store
        .insert_device(&device_id, &sign::b64(key.as_bytes()), state.clock.now())
        .await?;

    tracing::info!(%device_id, "device enrolled");
    Ok((StatusCode::CREATED, Json(DeviceEnrolled { device_id })))
}
