//! The one error type of every endpoint, answered as `application/problem+json` with a stable
//! `code` from `shebao_core::ErrorCode`. Details are short English sentences for logs and never
//! contain personal data.

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shebao_core::wire::Problem;
use shebao_core::{Amount, ErrorCode};

tokio::task_local! {
    /// The id of the request being answered, set by the request-id middleware so that an error
    /// built anywhere below it carries the same `request_id` as the `Request-Id` header.
    pub static REQUEST_ID: String;
}

pub const PROBLEM_JSON: &str = "application/problem+json";
const TYPE_BASE: &str = "https://shebao.example/problems/";

/// A refusal or failure, rendered as problem+json.
#[derive(Debug, Clone)]
pub struct ApiError {
    code: ErrorCode,
    detail: Cow<'static, str>,
    server_time: Option<i64>,
    retry_after: Option<u64>,
    fields: Option<Vec<String>>,
    /// Boxed so that the error stays small: few refusals carry these.
    extra: Option<Box<Extra>>,
}

/// Problem members only some refusals carry.
#[derive(Debug, Clone, Default)]
struct Extra {
    /// `min` and `max` of a refused amount.
    range: Option<(Amount, Amount)>,
    /// `ready_at` (RFC 3339) and `retry_after` (seconds).
    ready_at: Option<(String, u64)>,
}

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            detail: detail.into(),
            server_time: None,
            retry_after: None,
            fields: None,
            extra: None,
        }
    }

    /// `validation_failed` naming the request members that are wrong.
    pub fn validation(fields: &[&str], detail: impl Into<Cow<'static, str>>) -> Self {
        Self {
            fields: Some(fields.iter().map(|field| (*field).to_owned()).collect()),
            ..Self::new(ErrorCode::ValidationFailed, detail)
        }
    }

    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, "no such resource")
    }

    /// `internal`, logging the cause (which must not carry personal data: database and I/O
    /// errors don't).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            ErrorCode::Internal,
            "the gateway could not complete the request",
        )
    }

    pub fn with_server_time(mut self, server_time: i64) -> Self {
        self.server_time = Some(server_time);
        self
    }

    /// `retry_after` seconds (`rate_limited`, `account_locked`), also sent as the
    /// `Retry-After` header.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// The allowed range of a refused amount (`base_out_of_range`): `min` and `max`.
    pub fn with_range(mut self, min: Amount, max: Amount) -> Self {
        self.extra.get_or_insert_default().range = Some((min, max));
        self
    }

    /// When what was asked for will be ready (`assessment_not_ready`): `ready_at` (RFC 3339)
    /// and `retry_after` (seconds from now, also the `Retry-After` header).
    pub fn with_ready_at(mut self, ready_at: String, retry_after: u64) -> Self {
        self.retry_after = Some(retry_after);
        self.extra.get_or_insert_default().ready_at = Some((ready_at, retry_after));
        self
    }

    fn problem(&self) -> Problem {
        let extra = self.extra.as_deref();
        let range = extra.and_then(|extra| extra.range);
        let ready_at = extra.and_then(|extra| extra.ready_at.clone());
        Problem {
            type_uri: format!("{TYPE_BASE}{}", self.code.as_str()),
            title: title(self.code),
            status: self.code.http_status(),
            code: self.code,
            detail: self.detail.clone().into_owned(),
            request_id: REQUEST_ID.try_with(Clone::clone).unwrap_or_default(),
            server_time: self.server_time,
            retry_after: self.retry_after,
            min: range.map(|(min, _)| min),
            max: range.map(|(_, max)| max),
            ready_at: ready_at.map(|(at, _)| at),
            fields: self.fields.clone(),
        }
    }
}

/// A domain refusal from `shebao-core` (policy, documents) keeps its own code.
impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        if code == ErrorCode::Internal {
            return Self::internal("core reported an internal error");
        }
        Self::new(code, "refused by a domain rule")
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if self.code != ErrorCode::Internal {
            tracing::info!(code = self.code.as_str(), "request refused");
        }
        let body = match serde_json::to_vec(&problem) {
            Ok(body) => body,
            Err(_) => br#"{"code":"internal"}"#.to_vec(),
        };
        let mut response = (status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        // For the metrics layer, which counts problems by code.
        response.extensions_mut().insert(self.code);
        response
    }
}

/// `signature_missing` → "Signature missing".
fn title(code: ErrorCode) -> String {
    let text = code.as_str().replace('_', " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[tokio::test]
    async fn should_render_the_problem_members() {
        let response = REQUEST_ID
            .scope("req_1".to_owned(), async {
                ApiError::new(ErrorCode::TimestampOutOfWindow, "too far")
                    .with_server_time(42)
                    .into_response()
            })
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "type": "https://shebao.example/problems/timestamp_out_of_window",
                "title": "Timestamp out of window",
                "status": 401,
                "code": "timestamp_out_of_window",
                "detail": "too far",
                "request_id": "req_1",
                "server_time": 42,
            })
        );
    }
}
