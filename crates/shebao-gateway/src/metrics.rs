//! Prometheus metrics of one gateway, served at `GET /metrics` in the OpenMetrics text format:
//! requests and their latency by route template and status, problem responses by error code,
//! and channel payment notifications by outcome. Each gateway has its own registry, so two
//! gateways in one process (tests, the app) never mix their counts. Labels never carry a
//! concrete path, an id or anything a person typed.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use shebao_core::ErrorCode;
use shebao_core::wire::Channel;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::PaymentOutcome;

pub const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route template (`/v1/payment-orders/{order_id}`), `unmatched` for the fallback.
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NotificationLabels {
    channel: &'static str,
    outcome: &'static str,
}

/// The gateway's registry and the handles that count into it.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram>,
    problems: Family<CodeLabels, Counter>,
    notifications: Family<NotificationLabels, Counter>,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 33 s: long polls wait up to 25 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("shebao");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> _,
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer, by method, route template and status",
            Unit::Seconds,
            latency.clone(),
        );
        let problems = Family::<CodeLabels, Counter>::default();
        registry.register(
            "problems",
            "problem+json answers (refusals and failures), by error code",
            problems.clone(),
        );
        let notifications = Family::<NotificationLabels, Counter>::default();
        registry.register(
            "payment_notifications",
            "Channel payment notifications, by channel and outcome (paid, duplicate, \
             already_recorded, unknown_attempt, amount_mismatch, conflict)",
            notifications.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            problems,
            notifications,
        }
    }
}

impl Metrics {
    pub fn payment_notification(&self, channel: Channel, outcome: &PaymentOutcome) {
        let outcome = match outcome {
            PaymentOutcome::Paid => "paid",
            PaymentOutcome::Duplicate => "duplicate",
            PaymentOutcome::AlreadyRecorded => "already_recorded",
            PaymentOutcome::UnknownAttempt => "unknown_attempt",
            PaymentOutcome::AmountMismatch => "amount_mismatch",
            PaymentOutcome::Conflict => "conflict",
        };
        self.notifications
            .get_or_create(&NotificationLabels {
                channel: channel.as_str(),
                outcome,
            })
            .inc();
    }

    fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// Counts every answer: the request counter and latency by route and status, and the error
/// code of a problem response (which [`ApiError`] leaves in the response's extensions).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let response = next.run(request).await;
    let labels = RequestLabels {
        method,
        route,
        status: response.status().as_u16(),
    };
    state.metrics.requests.get_or_create(&labels).inc();
    state
        .metrics
        .latency
        .get_or_create(&labels)
        .observe(started.elapsed().as_secs_f64());
    if let Some(code) = response.extensions().get::<ErrorCode>() {
        state
            .metrics
            .problems
            .get_or_create(&CodeLabels {
                code: code.as_str(),
            })
            .inc();
    }
    response
}

/// `GET /metrics`: the registry in the OpenMetrics text format.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    summary = "Prometheus metrics",
    description = "Requests and latency by method, route template and status; problem answers \
                   by error code; channel payment notifications by outcome. Unsigned.",
    responses(
        (status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text", body = String),
    )
)]
pub async fn scrape(State(state): State<AppState>) -> Response {
    match state.metrics.encode() {
        Ok(text) => {
            let mut response = text.into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(OPENMETRICS));
            response
        }
        Err(error) => ApiError::internal(error).into_response(),
    }
}
