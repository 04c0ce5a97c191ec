//! The OpenAPI 3.1 description of the gateway, generated from the handlers' `#[utoipa::path]`
//! annotations and the wire types of `shebao-core` as the router is built, so a route cannot
//! be served without being described. Served at `GET /openapi.json`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Extension;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use shebao_core::wire::Problem;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, OpenApi as Document, Ref, RefOr, ResponseBuilder, ResponsesBuilder,
};
use utoipa::{IntoResponses, Modify, OpenApi};

use crate::error::PROBLEM_JSON;

/// The security scheme of signed requests (PROTOCOL.md "Request signature").
pub const DEVICE_SIGNATURE: &str = "device_signature";
/// The security scheme of requests for a confirmed person.
pub const IDENTITY_TOKEN: &str = "identity_token";
/// The security scheme of requests in a logged-in account session.
pub const SESSION_TOKEN: &str = "session_token";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Shebao gateway",
        description = "Reference tax / social-security gateway of Shebao protocol v1. Signing, \
                       idempotency and identity rules: docs/protocol.md; endpoints: docs/api.md.",
    ),
    modifiers(&SecuritySchemes),
    components(schemas(Problem)),
    tags(
        (name = "operations", description = "Health, readiness, metrics, this document (unsigned)"),
        (name = "public", description = "Unsigned protocol endpoints: key set, enrollment, certificate verification"),
        (name = "devices", description = "What a device does about itself: its revocation when the app clears the device (signed)"),
        (name = "identity", description = "Captchas and identity confirmation (signed)"),
        (name = "accounts", description = "Natural-person accounts: registration, login, logout, the person's devices (signed)"),
        (name = "process", description = "Registration, insured information, assessment and its transmission, declaration void (signed, identity token)"),
        (name = "payments", description = "Payables, declarations, payment orders and attempts (signed, identity token)"),
        (name = "certificates", description = "Payment certificates (signed, identity token)"),
        (name = "tax-certificates", description = "完税查询及证明补打: paid payments and tax payment certificates of a logged-in person (signed, session token)"),
        (name = "channels", description = "Payment channels notifying the gateway (channel-signed)"),
        (name = "sandbox", description = "Only in sandbox mode: captcha answers, the sandbox date, the simulated channels' cashier pages"),
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, document: &mut Document) {
        let components = document.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            DEVICE_SIGNATURE,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`SHEBAO1-ED25519 kid=<device id>,ts=<unix seconds>,nonce=<22 base64url \
                 characters>,sig=<86 base64url characters>`: an Ed25519 signature by the \
                 enrolled device over the method, Host, request target, ts, nonce, \
                 Idempotency-Key and the SHA-256 of the body (docs/protocol.md). Every answer \
                 to a signed request, refusals included, carries `Shebao-Signature` and \
                 `Request-Id`.",
            ))),
        );
        components.add_security_scheme(
            IDENTITY_TOKEN,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Identity-Token",
                "The `identity_token` of `POST /v1/identity/confirmations`, bound to the \
                 device that confirmed the person; valid 24 hours.",
            ))),
        );
        components.add_security_scheme(
            SESSION_TOKEN,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Session-Token",
                "The `session_token` of `POST /v1/sessions`, bound to the device that logged \
                 in; valid until `expires_at` or logout.",
            ))),
        );
    }
}

/// Every refusal and failure: `application/problem+json` with a stable `code`.
pub struct Refusal;

impl IntoResponses for Refusal {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        ResponsesBuilder::new()
            .response(
                "default",
                ResponseBuilder::new()
                    .description("A refusal or failure (problem+json with a stable `code`)")
                    .content(
                        PROBLEM_JSON,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    ),
            )
            .build()
            .into()
    }
}

/// The base document (info, tags, security schemes, the problem schema) with the paths and
/// schemas the router collected.
pub fn document(collected: Document) -> Document {
    ApiDoc::openapi().merge_from(collected)
}

/// The document, serialised once when the router is built.
#[derive(Clone)]
pub struct Served(pub Arc<String>);

impl Served {
    pub fn new(document: &Document) -> Self {
        Self(Arc::new(document.to_pretty_json().unwrap_or_else(
            |error| {
                tracing::error!(%error, "the OpenAPI document does not serialise");
                "{}".to_owned()
            },
        )))
    }
}

#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    summary = "This OpenAPI document",
    description = "Generated from the gateway's code; lists every route this gateway serves \
                   (sandbox routes only in sandbox mode).",
    responses((status = 200, description = "OpenAPI 3.1 JSON", content_type = "application/json", body = Object))
)]
pub async fn serve(Extension(served): Extension<Served>) -> Response {
    let mut response = served.0.as_str().to_owned().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
