//! Request signatures in, response signatures out (PROTOCOL.md "Request signature" and
//! "Response signature"), for every signed route.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{OriginalUri, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header as http_header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shebao_core::ErrorCode;
use shebao_core::sign::{self, AuthorizationHeader, RequestParts, ResponseParts, WINDOW_SECONDS};
use shebao_core::wire::header;

use crate::app::RequestId;
use crate::error::ApiError;
use crate::state::AppState;

/// The largest request body the gateway reads.
pub const BODY_LIMIT: usize = 64 * 1024;
/// The largest response body the gateway signs.
const RESPONSE_LIMIT: usize = 4 * 1024 * 1024;

/// The verified signer of a request, for the handlers and layers below.
#[derive(Debug, Clone)]
pub struct DeviceContext {
    pub kid: String,
}

/// Verifies the request's signature and refuses it in the protocol's order, then signs
/// whatever answers it (a refusal included) with the gateway's response key.
pub async fn signed(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| AuthorizationHeader::parse(value).ok());
    // The response binds the request's nonce when the header parsed, else the empty string.
    let nonce = authorization
        .as_ref()
        .map(|header| header.nonce.clone())
        .unwrap_or_default();

    let response = match verify(&state, authorization, request).await {
        Ok(request) => next.run(request).await,
        Err(error) => error.into_response(),
    };
    sign_response(&state, response, &nonce, &request_id).await
}

async fn verify(
    state: &AppState,
    authorization: Option<AuthorizationHeader>,
    request: Request,
) -> Result<Request, ApiError> {
    let authorization = authorization.ok_or_else(|| {
        ApiError::new(
            ErrorCode::SignatureMissing,
            "the Authorization header is missing or malformed",
        )
    })?;

    let device = state
        .store
        .device(&authorization.kid)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::DeviceUnknown, "no device has this key id"))?;
    if device.revoked {
        return Err(ApiError::new(
            ErrorCode::DeviceRevoked,
            "this device was revoked",
        ));
    }

    let now = state.clock.now();
    if (now - authorization.ts).abs() > WINDOW_SECONDS {
        return Err(ApiError::new(
            ErrorCode::TimestampOutOfWindow,
            "the request time is too far from the gateway's clock",
        )
        .with_server_time(now));
    }

    let key = sign::verifying_key_from_b64(&device.public_key).map_err(ApiError::internal)?;
    let (mut parts, body) = request.into_parts();
    let body = to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        ApiError::validation(&["body"], "the request body is unreadable or over 64 KiB")
    })?;
    let target = original_target(&parts);
    let signed_parts = RequestParts {
        method: parts.method.as_str(),
        host: host(&parts),
        target: &target,
        ts: authorization.ts,
        nonce: &authorization.nonce,
        idempotency_key: parts
            .headers
            .get(header::IDEMPOTENCY_KEY)
            .and_then(|value| value.to_str().ok()),
        body: &body,
    };
    signed_parts
        .verify(&key, &authorization.sig)
        .map_err(|_| ApiError::new(ErrorCode::SignatureInvalid, "the signature does not verify"))?;

    if !state
        .store
        .remember_nonce(&authorization.kid, &authorization.nonce, now)
        .await?
    {
        return Err(ApiError::new(
            ErrorCode::NonceReplayed,
            "this nonce was already used",
        ));
    }

    parts.extensions.insert(DeviceContext {
        kid: authorization.kid,
    });
    Ok(Request::from_parts(parts, Body::from(body)))
}

/// The `Host` header as sent (HTTP/2: the URI authority).
fn host(parts: &Parts) -> &str {
    parts
        .headers
        .get(http_header::HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| parts.uri.authority().map(|authority| authority.as_str()))
        .unwrap_or("")
}

/// Path and query exactly as the client sent them.
pub fn original_target(parts: &Parts) -> String {
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |original| &original.0);
    uri.path_and_query().map_or_else(
        || uri.path().to_owned(),
        |target| target.as_str().to_owned(),
    )
}

/// Adds `Shebao-Signature` (over status, request nonce, ts, request id, body) and
/// `Request-Id` to a response.
async fn sign_response(
    state: &AppState,
    response: Response,
    nonce: &str,
    request_id: &str,
) -> Response {
    let (mut parts, body) = response.into_parts();
    let body = match to_bytes(body, RESPONSE_LIMIT).await {
        Ok(body) => body,
        Err(error) => {
            let (error_parts, error_body) = ApiError::internal(error).into_response().into_parts();
            parts = error_parts;
            to_bytes(error_body, RESPONSE_LIMIT)
                .await
                .unwrap_or_else(|_| Bytes::new())
        }
    };
    let signature = state.keys.sign_response(&ResponseParts {
        status: parts.status.as_u16(),
        request_nonce: nonce,
        ts: state.clock.now(),
        request_id,
        body: &body,
    });
    if let Ok(value) = HeaderValue::from_str(&signature) {
        parts.headers.insert(header::SIGNATURE, value);
    }
    if let Ok(value) = HeaderValue::from_str(request_id) {
        parts.headers.insert(header::REQUEST_ID, value);
    }
    Response::from_parts(parts, Body::from(body))
}
