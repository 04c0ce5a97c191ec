//! What a device does about itself: revoking its own key when the person clears the app from
//! the device, so that a copy of the key (a backup, a stolen disk) signs nothing afterwards.

use axum::Json;
use axum::extract::State;
use shebao_core::wire::DeviceRevoked;

use crate::clock::rfc3339;
use crate::error::ApiError;
use crate::extract::Device;
use crate::openapi::Refusal;
use crate::state::AppState;

#[utoipa::path(
    post,
    path = "/v1/devices/current/revocation",
    tag = "devices",
    summary = "Revoke the device that signs this request",
    description = "The signing device's requests are refused with `device_revoked` from then on, this one's answer excepted; the same request again is refused that way too. No body.",
    security(("device_signature" = [])),
    params(("Idempotency-Key" = String, Header, description = "A fresh lower-case UUID v4 per intent; the same key and request again answer the first response", pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")),
    responses((status = 200, description = "Revoked", body = DeviceRevoked), Refusal)
)]
pub async fn revoke_current(
    State(state): State<AppState>,
    Device(device): Device,
) -> Result<Json<DeviceRevoked>, ApiError> {
    let now = state.clock.now();
    // The signature check let the request in, so the device exists and was not revoked; a
    // revocation racing this one is as good as this one.
    state.store.revoke_device(&device.kid, now).await?;
    tracing::info!(device_id = %device.kid, "device revoked by itself");
    Ok(Json(DeviceRevoked {
        device_id: device.kid,
        revoked_at: rfc3339(now),
    }))
}
