//! Unsigned endpoints: health, the key set, device enrollment.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use shebao_core::sign;
use shebao_core::wire::{DeviceEnrolled, EnrollDevice, KeySet};

use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::ids;
use crate::state::AppState;

pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

pub async fn key_set(State(state): State<AppState>) -> Json<KeySet> {
    Json(state.keys.key_set.clone())
}

/// Enrolls a device's Ed25519 public key; its id becomes the `kid` of its signatures.
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
