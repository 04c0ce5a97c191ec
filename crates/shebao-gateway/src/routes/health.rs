//! Liveness and readiness, unsigned, for orchestrators and load balancers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;
use crate::store::Unready;

/// How long `/ready` waits for the database: less than a load balancer's health check.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// `{"status": "ok"}`: the process is up and answering.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Whether the gateway can serve requests now.
#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready` or `not_ready`.
    #[schema(example = "ready")]
    pub status: &'static str,
    /// Why not: `database_unreachable`, `migrations_pending` or `shutting_down`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

#[utoipa::path(
    get,
    path = "/health",
    tag = "operations",
    summary = "Liveness",
    description = "200 while the process is up; touches nothing else.",
    responses((status = 200, description = "The process is up", body = Health))
)]
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// `/health` under the name PROTOCOL.md gives it (unsigned like every public page).
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    summary = "Liveness (the protocol's name for /health)",
    responses((status = 200, description = "The process is up", body = Health))
)]
pub async fn healthz() -> Json<Health> {
    health().await
}

#[utoipa::path(
    get,
    path = "/ready",
    tag = "operations",
    summary = "Readiness",
    description = "200 when the database answers and every migration of this build is \
                   applied; 503 with the reason otherwise, and while shutting down.",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "Not ready, with the reason", body = Readiness),
    )
)]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let reason = if *state.stopped.borrow() {
        Some("shutting_down")
    } else {
        // A database that does not answer is unready now, not after the pool's wait.
        match tokio::time::timeout(READY_TIMEOUT, state.store.unready()).await {
            Ok(unready) => unready.map(|unready| match unready {
                Unready::Unreachable => "database_unreachable",
                Unready::MigrationsPending => "migrations_pending",
            }),
            Err(_) => Some("database_unreachable"),
        }
    };
    match reason {
        None => (
            StatusCode::OK,
            Json(Readiness {
                status: "ready",
                reason: None,
            }),
        ),
        Some(reason) => {
            tracing::warn!(reason, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Readiness {
                    status: "not_ready",
                    reason: Some(reason),
                }),
            )
        }
    }
}

/// `/ready` under the name PROTOCOL.md gives it.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    summary = "Readiness (the protocol's name for /ready)",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "Not ready, with the reason", body = Readiness),
    )
)]
pub async fn readyz(state: State<AppState>) -> (StatusCode, Json<Readiness>) {
    ready(state).await
}
