//! Sandbox mode: fictional people, the simulated UnionPay channel, and the routes that exist
//! only here (the captcha answer for automated journeys, the sandbox's date).

pub mod seed;
pub mod unionpay;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::GatewayError;
use crate::clock::Clock;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::Store;

/// First start in sandbox mode: the seed and the simulated channel's key pair. Later starts
/// find both and change nothing.
pub async fn prepare(store: &Store, clock: &Clock) -> Result<(), GatewayError> {
    seed::seed(store, clock.today(), clock.now()).await?;
    unionpay::ensure_key(store, clock.now()).await
}

/// The routes that exist only in sandbox mode.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sandbox/captchas/{captcha_id}/answer", get(captcha_answer))
        .route("/sandbox/info", get(info))
        .merge(unionpay::routes())
}

async fn captcha_answer(
    State(state): State<AppState>,
    Path(captcha_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let answer = state
        .store
        .sandbox_captcha_answer(&captcha_id, state.clock.now())
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(json!({"answer": answer})))
}

/// The date the sandbox treats as today.
async fn info(State(state): State<AppState>) -> Json<Value> {
    Json(json!({"sandbox_date": state.clock.today().to_string()}))
}
