//! Request extractors that refuse in problem+json: JSON bodies, the verified device, the
//! person an `Identity-Token` stands for, and the account of a `Session-Token`.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header as http_header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use shebao_core::ErrorCode;
use shebao_core::money::{AMOUNT_FORMAT, DECIMAL_FORMAT};
use shebao_core::sign::sha256_hex;
use shebao_core::wire::header;

use crate::error::ApiError;
use crate::signed::DeviceContext;
use crate::state::AppState;

/// A JSON object body; a malformed one is `validation_failed`, naming the member that is
/// wrong when there is one (`body` otherwise). The detail never repeats the body's content.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(http_header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(|essence| essence.trim().to_ascii_lowercase())
            .is_some_and(|essence| {
                essence == "application/json"
                    || (essence.starts_with("application/") && essence.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::validation(
                &["body"],
                "the body must be application/json",
            ));
        }
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| ApiError::validation(&["body"], "the body could not be read"))?;
        parse_object(&body).map(Self)
    }
}

/// Parses a JSON object into `T`. Serde reads a struct from an array too; the protocol's
/// bodies are objects, so anything else is refused first.
fn parse_object<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
        return Err(ApiError::validation(
            &["body"],
            "the body is not valid JSON",
        ));
    }
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err(ApiError::validation(
            &["body"],
            "the body must be a JSON object",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        // Only the core's own format messages are passed on: serde's others quote the value.
        let message = error.inner().to_string();
        let detail = [AMOUNT_FORMAT, DECIMAL_FORMAT]
            .into_iter()
            .find(|format| message.starts_with(format))
            .map_or_else(
                || "a member of the body is missing or has the wrong type".to_owned(),
                |format| format!("{path} {format}"),
            );
        let field = if path == "." { "body" } else { path.as_str() };
        ApiError::validation(&[field], detail)
    })
}

/// The device that signed the request.
pub struct Device(pub DeviceContext);

impl<S: Send + Sync> FromRequestParts<S> for Device {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<DeviceContext>()
            .cloned()
            .map(Self)
            .ok_or_else(|| ApiError::internal("handler reached without a verified device"))
    }
}

/// The confirmed person of a live identity token issued to the signing device.
pub struct Person {
    pub id: String,
}

impl FromRequestParts<AppState> for Person {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let invalid = || {
            ApiError::new(
                ErrorCode::IdentityTokenInvalid,
                "the identity token is missing, unknown, expired or not this device's",
            )
        };
        let device = parts
            .extensions
            .get::<DeviceContext>()
            .ok_or_else(|| ApiError::internal("handler reached without a verified device"))?;
        let token = parts
            .headers
            .get(header::IDENTITY_TOKEN)
            .and_then(|value| value.to_str().ok())
            .filter(|token| !token.is_empty())
            .ok_or_else(invalid)?;
        let person_id = state
            .store
            .person_for_token(
                &sha256_hex(token.as_bytes()),
                &device.kid,
                state.clock.now(),
            )
            .await?
            .ok_or_else(invalid)?;
        Ok(Self { id: person_id })
    }
}

/// The owner of a live `Session-Token` of the signing device. Using a session records the
/// device as seen for its person.
pub struct AccountSession {
    pub account_id: String,
    pub person_id: String,
    /// The SHA-256 of the token, which logout ends.
    pub token_hash: String,
    pub kid: String,
}

impl FromRequestParts<AppState> for AccountSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let invalid = || {
            ApiError::new(
                ErrorCode::SessionInvalid,
                "the session token is missing, unknown, expired, ended or not this device's",
            )
        };
        let device = parts
            .extensions
            .get::<DeviceContext>()
            .ok_or_else(|| ApiError::internal("handler reached without a verified device"))?;
        let token = parts
            .headers
            .get(header::SESSION_TOKEN)
            .and_then(|value| value.to_str().ok())
            .filter(|token| !token.is_empty())
            .ok_or_else(invalid)?;
        let token_hash = sha256_hex(token.as_bytes());
        let now = state.clock.now();
        let owner = state
            .store
            .session_owner(&token_hash, &device.kid, now)
            .await?
            .ok_or_else(invalid)?;
        state
            .store
            .touch_person_device(&owner.person_id, &device.kid, now)
            .await?;
        Ok(Self {
            account_id: owner.account_id,
            person_id: owner.person_id,
            token_hash,
            kid: device.kid.clone(),
        })
    }
}
