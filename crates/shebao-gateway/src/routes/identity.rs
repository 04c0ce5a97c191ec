//! Captchas and identity confirmation (PROTOCOL.md "Identity and sessions").

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shebao_core::sign::sha256_hex;
use shebao_core::wire::{Captcha, ConfirmIdentity, IdentityConfirmed, NewCaptcha, PersonSummary};
use shebao_core::{ErrorCode, IdNumber, PersonName};

use crate::captcha;
use crate::error::ApiError;
use crate::extract::{ApiJson, Device};
use crate::ids;
use crate::limits::{ClientAddress, Operation};
use crate::openapi::Refusal;
use crate::state::AppState;

/// How long a captcha can be answered.
const CAPTCHA_SECONDS: u32 = 120;
/// How long an identity token is valid.
const IDENTITY_TOKEN_SECONDS: i64 = 24 * 3600;

#[utoipa::path(
    post,
    path = "/v1/captchas",
    tag = "identity",
    summary = "A new captcha",
    description = "Single use, 120 seconds, for identity confirmation by the same device. Rate-limited per client address (`rate_limited`).",
    security(("device_signature" = [])),
    request_body = NewCaptcha,
    responses((status = 201, description = "The captcha image", body = Captcha), Refusal)
)]
pub async fn new_captcha(
    State(state): State<AppState>,
    Device(device): Device,
    address: ClientAddress,
    ApiJson(body): ApiJson<NewCaptcha>,
) -> Result<(StatusCode, Json<Captcha>), ApiError> {
    state
        .limiter
        .by_address(
            &state.store,
            Operation::Captcha,
            &address,
            state.clock.now(),
        )
        .await?;
    if body.purpose != "identity" {
        return Err(ApiError::validation(
            &["purpose"],
            "the only purpose is identity",
        ));
    }

    let image = tokio::task::spawn_blocking(captcha::generate)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::internal("captcha image could not be drawn"))?;

    let captcha_id = ids::random_id("cap_", 16);
    let expires_at = state.clock.now() + i64::from(CAPTCHA_SECONDS);
    let sandbox_answer = state.sandbox.then_some(image.answer.as_str());
    state
        .store
        .insert_captcha(
            &captcha_id,
            &device.kid,
            &captcha::answer_hash(&image.answer),
            expires_at,
            sandbox_answer,
        )
        .await?;

    Ok((
        StatusCode::CREATED,
        Json(Captcha {
            captcha_id,
            image: captcha::data_url(&image.png),
            expires_in: CAPTCHA_SECONDS,
        }),
    ))
}

/// Confirms a person: the captcha first (consumed whatever happens), then the name and number
/// against the population register. An unknown number and a name that doesn't match get the
/// same answer, so the endpoint can't be used to learn whether a number is registered.
#[utoipa::path(
    post,
    path = "/v1/identity/confirmations",
    tag = "identity",
    summary = "Confirm a person",
    description = "The captcha first (consumed whatever happens), then name and document number. An unknown number and a wrong name both answer `identity_not_confirmed`. Rate-limited per client address and per document number (`rate_limited`).",
    security(("device_signature" = [])),
    request_body = ConfirmIdentity,
    responses((status = 200, description = "Confirmed: an identity token for this device", body = IdentityConfirmed), Refusal)
)]
pub async fn confirm(
    State(state): State<AppState>,
    Device(device): Device,
    address: ClientAddress,
    ApiJson(body): ApiJson<ConfirmIdentity>,
) -> Result<Json<IdentityConfirmed>, ApiError> {
    let now = state.clock.now();
    state
        .limiter
        .by_address(&state.store, Operation::IdentityConfirmation, &address, now)
        .await?;
    let captcha = state.store.take_captcha(&body.captcha_id).await?;
    let captcha_ok = captcha.is_some_and(|captcha| {
        captcha.kid == device.kid
            && captcha.expires_at > now
            && captcha.answer_hash == captcha::answer_hash(&body.captcha_answer)
    });
    if !captcha_ok {
        return Err(ApiError::new(
            ErrorCode::CaptchaInvalid,
            "the captcha is wrong, expired or already used",
        ));
    }

    let name = PersonName::parse(&body.name);
    let number = IdNumber::parse(body.id_type, &body.id_number, state.clock.today());
    let (name, number) = match (name, number) {
        (Ok(name), Ok(number)) => (name, number),
        (name, number) => {
            let mut fields = Vec::new();
            if name.is_err() {
                fields.push("name");
            }
            if number.is_err() {
                fields.push("id_number");
            }
            return Err(ApiError::validation(
                &fields,
                "the name or document number is malformed",
            ));
        }
    };

    state
        .limiter
        .by_id_number(&state.store, Operation::IdentityConfirmation, &number, now)
        .await?;

    let person = state
        .store
        .person_by_document(number.id_type(), number.expose())
        .await?
        .filter(|person| person.name == name.expose())
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::IdentityNotConfirmed,
                "the name and document number do not identify a registered person",
            )
        })?;

    let token = ids::secret_token();
    state
        .store
        .insert_identity_token(
            &sha256_hex(token.as_bytes()),
            &device.kid,
            &person.id,
            now,
            now + IDENTITY_TOKEN_SECONDS,
        )
        .await?;
    state
        .store
        .touch_person_device(&person.id, &device.kid, now)
        .await?;

    tracing::info!(person_id = %person.id, "identity confirmed");
    Ok(Json(IdentityConfirmed {
        identity_token: token,
        person: PersonSummary {
            name_masked: name.masked(),
            id_number_masked: number.masked(),
            insured: person.insured,
        },
    }))
}
