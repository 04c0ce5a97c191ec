//! The one list of stable error codes: protocol refusals and domain refusals alike.

use serde::{Deserialize, Serialize};

/// A stable, snake_case error code. The gateway puts it in problem+json's `code`, the app
/// passes it to the frontend, which shows its own translated text for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    SignatureMissing,
    DeviceUnknown,
    DeviceRevoked,
    TimestampOutOfWindow,
    SignatureInvalid,
    NonceReplayed,
    IdempotencyKeyMissing,
    IdempotencyKeyReused,
    IdempotencyInProgress,
    CaptchaInvalid,
    IdentityNotConfirmed,
    IdentityTokenInvalid,
    AccountExists,
    CredentialsInvalid,
    AccountLocked,
    SessionInvalid,
    PasswordTooWeak,
    ValidationFailed,
    NotFound,
    PayableNotAvailable,
    DeclarationNotPayable,
    PaymentInProgress,
    CertificateNotAvailable,
    PolicyNotPublished,
    BaseOutOfRange,
    PeriodTypeNotAllowed,
    BackPaymentNotAllowed,
    AlreadyInsured,
    NotInsured,
    PeriodAlreadyAssessed,
    AssessmentNotReady,
    DeclarationNotVoidable,
    RateLimited,
    IdLength,
    IdCharacters,
    IdRegion,
    IdBirthDate,
    IdCheckDigit,
    #[serde(rename = "id_legacy_15")]
    IdLegacy15,
    IdPrefix,
    NameInvalid,
    Internal,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: &'static [ErrorCode] = &[
        Self::SignatureMissing,
        Self::DeviceUnknown,
        Self::DeviceRevoked,
        Self::TimestampOutOfWindow,
        Self::SignatureInvalid,
        Self::NonceReplayed,
        Self::IdempotencyKeyMissing,
        Self::IdempotencyKeyReused,
        Self::IdempotencyInProgress,
        Self::CaptchaInvalid,
        Self::IdentityNotConfirmed,
        Self::IdentityTokenInvalid,
        Self::AccountExists,
        Self::CredentialsInvalid,
        Self::AccountLocked,
        Self::SessionInvalid,
        Self::PasswordTooWeak,
        Self::ValidationFailed,
        Self::NotFound,
        Self::PayableNotAvailable,
        Self::DeclarationNotPayable,
        Self::PaymentInProgress,
        Self::CertificateNotAvailable,
        Self::PolicyNotPublished,
        Self::BaseOutOfRange,
        Self::PeriodTypeNotAllowed,
        Self::BackPaymentNotAllowed,
        Self::AlreadyInsured,
        Self::NotInsured,
        Self::PeriodAlreadyAssessed,
        Self::AssessmentNotReady,
        Self::DeclarationNotVoidable,
        Self::RateLimited,
        Self::IdLength,
        Self::IdCharacters,
        Self::IdRegion,
        Self::IdBirthDate,
        Self::IdCheckDigit,
        Self::IdLegacy15,
        Self::IdPrefix,
        Self::NameInvalid,
        Self::Internal,
    ];

    /// The snake_case text used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignatureMissing => "signature_missing",
            Self::DeviceUnknown => "device_unknown",
            Self::DeviceRevoked => "device_revoked",
            Self::TimestampOutOfWindow => "timestamp_out_of_window",
            Self::SignatureInvalid => "signature_invalid",
            Self::NonceReplayed => "nonce_replayed",
            Self::IdempotencyKeyMissing => "idempotency_key_missing",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::IdempotencyInProgress => "idempotency_in_progress",
            Self::CaptchaInvalid => "captcha_invalid",
            Self::IdentityNotConfirmed => "identity_not_confirmed",
            Self::IdentityTokenInvalid => "identity_token_invalid",
            Self::AccountExists => "account_exists",
            Self::CredentialsInvalid => "credentials_invalid",
            Self::AccountLocked => "account_locked",
            Self::SessionInvalid => "session_invalid",
            Self::PasswordTooWeak => "password_too_weak",
            Self::ValidationFailed => "validation_failed",
            Self::NotFound => "not_found",
            Self::PayableNotAvailable => "payable_not_available",
            Self::DeclarationNotPayable => "declaration_not_payable",
            Self::PaymentInProgress => "payment_in_progress",
            Self::CertificateNotAvailable => "certificate_not_available",
            Self::PolicyNotPublished => "policy_not_published",
            Self::BaseOutOfRange => "base_out_of_range",
            Self::PeriodTypeNotAllowed => "period_type_not_allowed",
            Self::BackPaymentNotAllowed => "back_payment_not_allowed",
            Self::AlreadyInsured => "already_insured",
            Self::NotInsured => "not_insured",
            Self::PeriodAlreadyAssessed => "period_already_assessed",
            Self::AssessmentNotReady => "assessment_not_ready",
            Self::DeclarationNotVoidable => "declaration_not_voidable",
            Self::RateLimited => "rate_limited",
            Self::IdLength => "id_length",
            Self::IdCharacters => "id_characters",
            Self::IdRegion => "id_region",
            Self::IdBirthDate => "id_birth_date",
            Self::IdCheckDigit => "id_check_digit",
            Self::IdLegacy15 => "id_legacy_15",
            Self::IdPrefix => "id_prefix",
            Self::NameInvalid => "name_invalid",
            Self::Internal => "internal",
        }
    }

    /// The HTTP status the gateway answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            Self::SignatureMissing
            | Self::DeviceUnknown
            | Self::DeviceRevoked
            | Self::TimestampOutOfWindow
            | Self::SignatureInvalid
            | Self::NonceReplayed
            | Self::IdentityTokenInvalid
            | Self::CredentialsInvalid
            | Self::SessionInvalid => 401,
            Self::IdentityNotConfirmed => 403,
            Self::NotFound => 404,
            Self::IdempotencyInProgress
            | Self::PayableNotAvailable
            | Self::DeclarationNotPayable
            | Self::PaymentInProgress
            | Self::CertificateNotAvailable
            | Self::AccountExists
            | Self::AlreadyInsured
            | Self::NotInsured
            | Self::PeriodAlreadyAssessed
            | Self::AssessmentNotReady
            | Self::DeclarationNotVoidable => 409,
            Self::AccountLocked => 423,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::IdempotencyKeyMissing => 400,
            Self::IdempotencyKeyReused
            | Self::CaptchaInvalid
            | Self::ValidationFailed
            | Self::PasswordTooWeak
            | Self::PolicyNotPublished
            | Self::BaseOutOfRange
            | Self::PeriodTypeNotAllowed
            | Self::BackPaymentNotAllowed
            | Self::IdLength
            | Self::IdCharacters
            | Self::IdRegion
            | Self::IdBirthDate
            | Self::IdCheckDigit
            | Self::IdLegacy15
            | Self::IdPrefix
            | Self::NameInvalid => 422,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::path::PathBuf;

    /// The frontend's copy of the codes, relative to this crate.
    const FRONTEND_FILE: &str = "../../frontend/src/generated/error-codes.ts";
    const REGENERATE_VAR: &str = "SHEBAO_REGENERATE";

    /// The TypeScript module the frontend imports, rendered from [`ErrorCode::ALL`].
    fn render_typescript() -> String {
        let mut text = String::new();
        text.push_str(
            "// Generated from ErrorCode::ALL by the test should_keep_the_frontend_error_codes_fresh\n",
        );
        text.push_str(&format!(
            "// in crates/shebao-core/src/error.rs. Do not edit by hand: change the Rust enum and run\n\
             // `{REGENERATE_VAR}=1 cargo test -p shebao-core frontend_error_codes`.\n"
        ));
        text.push_str("\n/** Every stable error code of shebao-core, in declaration order. */\n");
        text.push_str("export const ERROR_CODES = [\n");
        for code in ErrorCode::ALL {
            text.push_str(&format!("  '{}',\n", code.as_str()));
        }
        text.push_str("] as const;\n\n");
        text.push_str("/** A stable, snake_case error code from shebao-core. */\n");
        text.push_str("export type ErrorCode = (typeof ERROR_CODES)[number];\n");
        text
    }

    fn frontend_file() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(FRONTEND_FILE)
    }

    #[test]
    fn should_keep_the_frontend_error_codes_fresh() {
        let expected = render_typescript();
        let path = frontend_file();
        if std::env::var_os(REGENERATE_VAR).is_some_and(|value| value == "1") {
            std::fs::write(&path, &expected).unwrap();
            return;
        }

        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "{} is stale: run `{REGENERATE_VAR}=1 cargo test -p shebao-core frontend_error_codes` \
             (or `cargo test -p shebao-core -- --ignored regenerate`) and commit the result",
            path.display()
        );
    }

    #[test]
    #[ignore = "writes the frontend file; run on purpose with --ignored regenerate"]
    fn regenerate_frontend_error_codes() {
        std::fs::write(frontend_file(), render_typescript()).unwrap();
    }

    #[test]
    fn should_list_every_variant_in_all() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, U32Deserializer};

        // The derived `Deserialize` also reads a variant index, so index `ALL.len()` must be
        // refused: `ALL` then holds every variant, in declaration order.
        for (index, code) in (0u32..).zip(ErrorCode::ALL) {
            let deserializer: U32Deserializer<Error> = index.into_deserializer();
            assert_eq!(ErrorCode::deserialize(deserializer).unwrap(), *code);
        }
        let past_the_end = u32::try_from(ErrorCode::ALL.len()).unwrap();
        let deserializer: U32Deserializer<Error> = past_the_end.into_deserializer();
        assert!(ErrorCode::deserialize(deserializer).is_err());
    }

    #[test]
    fn should_answer_422_for_every_identity_refusal() {
        for code in [
            ErrorCode::IdLength,
            ErrorCode::IdCharacters,
            ErrorCode::IdRegion,
            ErrorCode::IdBirthDate,
            ErrorCode::IdCheckDigit,
            ErrorCode::IdLegacy15,
            ErrorCode::IdPrefix,
        ] {
            assert_eq!(code.http_status(), 422, "{code}");
        }
    }

    #[test]
    fn should_serialize_every_code_as_its_wire_text() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: ErrorCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, *code);
        }
    }
}
