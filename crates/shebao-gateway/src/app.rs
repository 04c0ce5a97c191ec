//! The router: which routes exist, which are signed, which are idempotent, and the layers
//! every request passes (request id, tracing span, body limit).

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use shebao_core::wire::header;
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::error::{ApiError, REQUEST_ID};
use crate::idempotency::idempotent;
use crate::ids;
use crate::routes::{certificates, identity, notifications, payments, public, verify};
use crate::signed::{BODY_LIMIT, signed};
use crate::state::AppState;

/// The gateway's id for the request being answered (`Request-Id`).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub fn router(state: AppState) -> Router {
    let idempotency = || middleware::from_fn_with_state(state.clone(), idempotent);
    let signed_routes = Router::new()
        .route("/v1/captchas", post(identity::new_captcha))
        .route("/v1/identity/confirmations", post(identity::confirm))
        .route("/v1/payables", get(payments::payables))
        .route(
            "/v1/declarations",
            post(payments::declare)
                .layer(idempotency())
                .get(payments::declarations),
        )
        .route(
            "/v1/declarations/{declaration_id}",
            get(payments::declaration),
        )
        .route(
            "/v1/payment-orders",
            post(payments::create_order).layer(idempotency()),
        )
        .route("/v1/payment-orders/{order_id}", get(payments::order))
        .route(
            "/v1/payment-orders/{order_id}/attempts",
            post(payments::create_attempt).layer(idempotency()),
        )
        .route(
            "/v1/certificates",
            post(certificates::issue).layer(idempotency()),
        )
        .route("/v1/certificates/{number}", get(certificates::certificate))
        .route_layer(middleware::from_fn_with_state(state.clone(), signed));

    let mut public_routes = Router::new()
        .route("/healthz", get(public::healthz))
        .route("/.well-known/shebao-keys", get(public::key_set))
        .route("/v1/devices", post(public::enroll_device))
        .route(
            "/v1/channels/unionpay/notifications",
            post(notifications::unionpay),
        )
        .route("/C/{payload}", get(verify::verify));
    if state.sandbox {
        public_routes = public_routes.merge(crate::sandbox::routes());
    }

    signed_routes
        .merge(public_routes)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(|response: &Response, latency: Duration, span: &Span| {
                    span.record("status", response.status().as_u16());
                    tracing::info!(latency_ms = latency.as_millis() as u64, "answered");
                }),
        )
        .layer(middleware::from_fn(request_id))
        .with_state(state)
}

/// One span per request: its id, method, route template and (when answered) status. Never
/// the concrete path, query, headers or body, which can carry personal data.
fn request_span(request: &Request) -> Span {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map_or("", |id| id.0.as_str());
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!(
        "request",
        request_id,
        method = %request.method(),
        path,
        status = tracing::field::Empty,
    )
}

/// Gives every request an id, visible to handlers and errors, and answers it in `Request-Id`.
async fn request_id(mut request: Request, next: Next) -> Response {
    let id = ids::request_id();
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = REQUEST_ID.scope(id.clone(), next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(header::REQUEST_ID, value);
    }
    response
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}
