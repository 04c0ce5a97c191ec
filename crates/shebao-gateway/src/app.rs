//! The router: which routes exist, which are signed, which are idempotent, and the layers
//! every request passes (request id, tracing span, metrics, body limit). Routes are added
//! only through `utoipa_axum::routes!`, so the OpenAPI document is built from the same
//! handlers the router serves.

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::{Extension, Router};
use shebao_core::wire::header;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId as TowerRequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use tracing::Span;
use utoipa::openapi::OpenApi as Document;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

use crate::error::{ApiError, REQUEST_ID};
use crate::idempotency::idempotent;
use crate::ids;
use crate::routes::{
    accounts, certificates, devices, exceptions, health, identity, notifications, paid_payments,
    payments, process, public, tax_certificates, verify,
};
use crate::signed::{BODY_LIMIT, signed};
use crate::state::AppState;
use crate::{metrics, openapi};

/// The gateway's id for the request being answered (`Request-Id`, also `x-request-id`).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The header tower-http's request-id layers read and write.
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    build(state).0
}

/// The served router and the OpenAPI document of exactly its routes.
pub fn build(state: AppState) -> (Router, Document) {
    let (routes, collected) = documented_routes(&state).split_for_parts();
    let document = openapi::document(collected);
    let router = routes
        .fallback(not_found)
        .layer(Extension(openapi::Served::new(&document)))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(no_store))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
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
        .layer(PropagateRequestIdLayer::new(X_REQUEST_ID))
        .layer(SetRequestIdLayer::new(X_REQUEST_ID, GatewayRequestId))
        // The gateway names every request itself: whatever a client sends in `x-request-id`
        // never reaches a log line or a response.
        .layer(middleware::map_request(|mut request: Request| async move {
            request.headers_mut().remove(X_REQUEST_ID);
            request
        }))
        .with_state(state);
    (router, document)
}

/// `Cache-Control: no-store` on every `/v1/` answer: they carry personal data.
async fn no_store(request: Request, next: Next) -> Response {
    let personal = request.uri().path().starts_with("/v1/");
    let mut response = next.run(request).await;
    if personal {
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        );
    }
    response
}

/// Every route, each with its OpenAPI operation.
fn documented_routes(state: &AppState) -> OpenApiRouter<AppState> {
    let idempotent = |(schemas, paths, method_router): UtoipaMethodRouter<AppState>| {
        let layer = middleware::from_fn_with_state(state.clone(), idempotent);
        (schemas, paths, method_router.layer(layer))
    };
    let signed_routes = OpenApiRouter::new()
        .routes(routes!(identity::new_captcha))
        .routes(routes!(identity::confirm))
        .routes(idempotent(routes!(process::register)))
        .routes(routes!(process::insured))
        .routes(idempotent(routes!(process::assess)))
        .routes(routes!(process::assessment))
        .routes(routes!(payments::payables))
        .routes(idempotent(routes!(payments::declare)))
        .routes(routes!(payments::declarations))
        .routes(routes!(payments::declaration))
        .routes(routes!(paid_payments::paid_payments))
        .routes(idempotent(routes!(process::void_declaration)))
        .routes(idempotent(routes!(payments::create_order)))
        .routes(routes!(payments::order))
        .routes(idempotent(routes!(payments::create_attempt)))
        .routes(routes!(exceptions::exceptions))
        .routes(idempotent(routes!(exceptions::void)))
        .routes(idempotent(routes!(certificates::issue)))
        .routes(routes!(certificates::certificate))
        .routes(routes!(tax_certificates::payments))
        .routes(idempotent(routes!(tax_certificates::issue)))
        .routes(routes!(tax_certificates::certificate))
        .routes(idempotent(routes!(accounts::register)))
        .routes(routes!(accounts::login))
        .routes(routes!(accounts::logout))
        .routes(routes!(accounts::devices))
        .routes(idempotent(routes!(accounts::revoke_device)))
        .routes(idempotent(routes!(devices::revoke_current)))
        .route_layer(middleware::from_fn_with_state(state.clone(), signed));

    let mut public_routes = OpenApiRouter::new()
        .routes(routes!(health::health))
        .routes(routes!(health::healthz))
        .routes(routes!(health::ready))
        .routes(routes!(health::readyz))
        .routes(routes!(metrics::scrape))
        .routes(routes!(openapi::serve))
        .routes(routes!(public::key_set))
        .routes(routes!(public::enroll_device))
        .routes(routes!(notifications::notification))
        .routes(routes!(verify::verify));
    if state.sandbox {
        public_routes = public_routes.merge(crate::sandbox::routes());
    }
    signed_routes.merge(public_routes)
}

/// One span per request: its id, method, route template and (when answered) status. Never
/// the concrete path, query, headers or body, which can carry personal data.
fn request_span(request: &Request) -> Span {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map_or("", |id| id.0.as_str());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!(
        "request",
        request_id,
        method = %request.method(),
        route,
        status = tracing::field::Empty,
    )
}

/// `req_` + 12 random bytes for tower-http's `SetRequestIdLayer`.
#[derive(Debug, Clone, Copy)]
struct GatewayRequestId;

impl MakeRequestId for GatewayRequestId {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<TowerRequestId> {
        HeaderValue::from_str(&ids::request_id())
            .ok()
            .map(TowerRequestId::new)
    }
}

/// Hands the request's id to handlers and errors, and answers it in the protocol's
/// `Request-Id` header too.
async fn request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .extensions()
        .get::<TowerRequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .map_or_else(ids::request_id, str::to_owned);
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeSet;

    use tokio::sync::watch;

    use super::*;
    use crate::GatewayConfig;

    /// The paths an axum router serves, read from its `Debug` output (axum has no other way
    /// to list them): the `Node { paths: {RouteId(n): "/path", ...} }` of its path router,
    /// which comes before the fallback router's.
    fn served_paths(router: &Router) -> BTreeSet<String> {
        let debug = format!("{router:?}");
        let (path_router, _) = debug.split_once("fallback_router").unwrap();
        let mut paths = BTreeSet::new();
        let mut rest = path_router;
        while let Some(start) = rest.find("Node { paths: {") {
            let block = &rest[start..];
            let end = block.find("} }").unwrap();
            for quoted in block[..end].split('"').skip(1).step_by(2) {
                if !quoted.contains("__private__axum") {
                    paths.insert(quoted.to_owned());
                }
            }
            rest = &block[end..];
        }
        paths
    }

    async fn built(sandbox: bool) -> (Router, Document) {
        let dir = tempfile::TempDir::new().unwrap();
        let config = GatewayConfig {
            sandbox,
            ..GatewayConfig::sandbox(
                dir.path().join("gateway.sqlite3"),
                "127.0.0.1:0".parse().unwrap(),
                None,
            )
        };
        let (_stop, stopped) = watch::channel(false);
        let state = crate::prepare(
            &config,
            "税务局".to_owned(),
            Some("https://v.example".to_owned()),
            "http://127.0.0.1:1",
            stopped,
        )
        .await
        .unwrap();
        let built = build(state);
        // The router keeps the pool; the files may go.
        drop(dir);
        built
    }

    #[tokio::test]
    async fn should_describe_every_route_it_serves() {
        for sandbox in [true, false] {
            let (router, document) = built(sandbox).await;
            let served = served_paths(&router);
            assert!(
                served.contains("/v1/identity/confirmations") && served.contains("/ready"),
                "the router's paths could not be read: {served:?}"
            );
            assert_eq!(
                served.iter().any(|path| path.starts_with("/sandbox/")),
                sandbox
            );
            let described: BTreeSet<String> = document.paths.paths.keys().cloned().collect();
            assert_eq!(
                served, described,
                "served and described paths differ (sandbox: {sandbox})"
            );
        }
    }

    #[test]
    fn should_read_the_paths_of_a_plain_router() {
        let router: Router = Router::new()
            .route("/a/{id}", axum::routing::get(|| async {}))
            .route("/b", axum::routing::post(|| async {}));
        let expected: BTreeSet<String> = ["/a/{id}", "/b"].map(str::to_owned).into();
        assert_eq!(served_paths(&router), expected);
    }
}
