//! `Idempotency-Key` on state-changing POSTs (PROTOCOL.md "Idempotency"): the key is claimed
//! in the database before the handler runs, and the response recorded after; the same
//! request again gets the recorded response, a different one with the same key is refused.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header as http_header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shebao_core::ErrorCode;
use shebao_core::sign::sha256_hex;
use shebao_core::wire::header;
use tracing::Instrument;

use crate::error::{ApiError, REQUEST_ID};
use crate::signed::{BODY_LIMIT, DeviceContext, original_target};
use crate::state::AppState;
use crate::store::{Claim, Fingerprint, StoredResponse};

/// How long a claimed key is held by the request running it; after that a retry takes over
/// (the process that held it died).
const LEASE_SECONDS: i64 = 60;
const RESPONSE_LIMIT: usize = 4 * 1024 * 1024;

pub async fn idempotent(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match run(state, request, next).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn run(state: AppState, request: Request, next: Next) -> Result<Response, ApiError> {
    let device = request
        .extensions()
        .get::<DeviceContext>()
        .cloned()
        .ok_or_else(|| ApiError::internal("idempotency layer without a verified device"))?;
    let key = idempotency_key(&request)?;

    let (parts, body) = request.into_parts();
    let body = to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| ApiError::validation(&["body"], "the request body is unreadable"))?;
    let target = original_target(&parts);
    let body_hash = sha256_hex(&body);
    let now = state.clock.now();
    let subject = subject(&state, &parts, &device.kid, now).await?;
    let fingerprint = Fingerprint {
        method: parts.method.as_str(),
        target: &target,
        body_hash: &body_hash,
        subject: &subject,
    };
    let claim = state
        .store
        .claim_idempotency_key(&device.kid, &key, &fingerprint, now, now + LEASE_SECONDS)
        .await?;
    match claim {
        Claim::Started => {}
        Claim::Completed(stored) => return Ok(replay(stored)),
        Claim::Mismatch => {
            return Err(ApiError::new(
                ErrorCode::IdempotencyKeyReused,
                "this idempotency key was used for a different request",
            ));
        }
        Claim::InProgress => {
            return Err(ApiError::new(
                ErrorCode::IdempotencyInProgress,
                "the first request with this idempotency key is still running",
            ));
        }
    }

    // The handler and the recording run in their own task, so a client that hangs up
    // doesn't leave the key claimed with its effects half-recorded.
    let request = Request::from_parts(parts, Body::from(body));
    let request_id = REQUEST_ID.try_with(Clone::clone).unwrap_or_default();
    let task = async move {
        let response = next.run(request).await;
        record(&state, &device.kid, &key, response).await
    };
    tokio::spawn(REQUEST_ID.scope(request_id, task).in_current_span())
        .await
        .map_err(ApiError::internal)
}

/// Whom the request speaks for, so that the same key and body from another person (a family
/// sharing a device) is a different request: the person its `Identity-Token` and
/// `Session-Token` resolve to, not the tokens themselves, since a re-confirmed person's new
/// token replaying a journalled request must still get the stored answer. A token that
/// resolves to nobody counts as such; no token is `""`.
async fn subject(state: &AppState, parts: &Parts, kid: &str, now: i64) -> Result<String, ApiError> {
    let token = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .filter(|token| !token.is_empty())
            .map(|token| sha256_hex(token.as_bytes()))
    };
    let mut subject = Vec::new();
    if let Some(hash) = token(header::IDENTITY_TOKEN) {
        let person = state.store.person_for_token(&hash, kid, now).await?;
        subject.push(format!("identity:{}", person.as_deref().unwrap_or("-")));
    }
    if let Some(hash) = token(header::SESSION_TOKEN) {
        let owner = state.store.session_owner(&hash, kid, now).await?;
        let person = owner.map(|owner| owner.person_id);
        subject.push(format!("session:{}", person.as_deref().unwrap_or("-")));
    }
    Ok(subject.join(" "))
}

/// The header's value: a lower-case UUID v4.
fn idempotency_key(request: &Request) -> Result<String, ApiError> {
    let value = request
        .headers()
        .get(header::IDEMPOTENCY_KEY)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::IdempotencyKeyMissing,
                "this request needs an Idempotency-Key header",
            )
        })?;
    let text = value.to_str().unwrap_or_default();
    let valid = uuid::Uuid::parse_str(text)
        .is_ok_and(|uuid| uuid.get_version_num() == 4 && uuid.hyphenated().to_string() == text);
    if !valid {
        return Err(ApiError::validation(
            &["idempotency_key"],
            "the Idempotency-Key must be a lower-case UUID v4",
        ));
    }
    Ok(text.to_owned())
}

/// Stores a finished response under the key, unless it says "later" rather than "done": a
/// failure inside the gateway (5xx), a rate limit (429), anything with `Retry-After` (e.g.
/// `assessment_not_ready`, `account_locked`) or a conflict with something still running
/// (`payment_in_progress`). Those release the key, so that a retry with it runs again.
async fn record(state: &AppState, kid: &str, key: &str, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let body = match to_bytes(body, RESPONSE_LIMIT).await {
        Ok(body) => body,
        Err(error) => {
            let _ = state.store.release_idempotency_key(kid, key).await;
            return ApiError::internal(error).into_response();
        }
    };
    let outcome = if says_later(&parts) {
        state.store.release_idempotency_key(kid, key).await
    } else {
        let stored = StoredResponse {
            status: parts.status.as_u16(),
            content_type: parts
                .headers
                .get(http_header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned),
            body: body.to_vec(),
        };
        state
            .store
            .complete_idempotency_key(kid, key, &stored)
            .await
    };
    // LIMITATION: if recording fails after the handler committed, the key stays claimed
    // until its lease ends and a retry then runs the handler again; handlers refuse a second
    // effect (compare-and-set), so the retry gets a refusal rather than a double charge.
    if let Err(error) = outcome {
        tracing::error!(%error, "recording the idempotent response failed");
    }
    Response::from_parts(parts, Body::from(body))
}

fn says_later(parts: &axum::http::response::Parts) -> bool {
    let in_progress = matches!(
        parts.extensions.get::<ErrorCode>(),
        Some(ErrorCode::PaymentInProgress | ErrorCode::IdempotencyInProgress)
    );
    parts.status.is_server_error()
        || parts.status == StatusCode::TOO_MANY_REQUESTS
        || parts.headers.contains_key(http_header::RETRY_AFTER)
        || in_progress
}

fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, stored.body).into_response();
    if let Some(value) = stored
        .content_type
        .and_then(|content_type| HeaderValue::from_str(&content_type).ok())
    {
        response
            .headers_mut()
            .insert(http_header::CONTENT_TYPE, value);
    }
    response
}
