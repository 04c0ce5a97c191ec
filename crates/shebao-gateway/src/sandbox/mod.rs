//! Sandbox mode: fictional people, the simulated payment channels, and the routes that exist
//! only here (the captcha answer for automated journeys, the sandbox's date).

pub mod cashier;
pub mod seed;

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::GatewayError;
use crate::clock::Clock;
use crate::error::ApiError;
use crate::openapi::Refusal;
use crate::state::AppState;
use crate::store::Store;

/// First start in sandbox mode: the seed and the simulated channels' key pairs. Later starts
/// find both and change nothing.
pub async fn prepare(store: &Store, clock: &Clock) -> Result<(), GatewayError> {
    seed::seed(store, clock.today(), clock.now()).await?;
    cashier::ensure_keys(store, clock.now()).await
}

/// The routes that exist only in sandbox mode.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(captcha_answer))
        .routes(routes!(info))
        .merge(cashier::routes())
}

/// `{"answer"}`: what the captcha image shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaptchaAnswer {
    answer: String,
}

/// `{"sandbox_date": "YYYY-MM-DD"}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SandboxInfo {
    sandbox_date: chrono::NaiveDate,
}

#[utoipa::path(
    get,
    path = "/sandbox/captchas/{captcha_id}/answer",
    tag = "sandbox",
    summary = "A captcha's answer (sandbox only)",
    description = "Lets automated journeys confirm fictional people. Exists only in sandbox mode.",
    params(("captcha_id" = String, Path, description = "`cap_...`")),
    responses((status = 200, description = "The answer", body = CaptchaAnswer), Refusal)
)]
async fn captcha_answer(
    State(state): State<AppState>,
    Path(captcha_id): Path<String>,
) -> Result<Json<CaptchaAnswer>, ApiError> {
    let answer = state
        .store
        .sandbox_captcha_answer(&captcha_id, state.clock.now())
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(CaptchaAnswer { answer }))
}

/// The date the sandbox treats as today.
#[utoipa::path(
    get,
    path = "/sandbox/info",
    tag = "sandbox",
    summary = "The sandbox's date (sandbox only)",
    responses((status = 200, description = "What the sandbox treats as today", body = SandboxInfo))
)]
async fn info(State(state): State<AppState>) -> Json<SandboxInfo> {
    Json(SandboxInfo {
        sandbox_date: state.clock.today(),
    })
}
