//! The error every command rejects with: a stable code and an English message for logs.
//! The frontend shows its own translated text for the code.

use serde::Serialize;
use shebao_client::ClientError;
use shebao_core::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct CommandError {
    pub code: String,
    pub message: String,
}

impl CommandError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
        }
    }

    pub fn domain(code: ErrorCode) -> Self {
        Self::new(code.as_str(), code.as_str())
    }

    pub fn not_confirmed() -> Self {
        Self::new(
            ErrorCode::IdentityTokenInvalid.as_str(),
            "no confirmed identity on this device",
        )
    }
}

impl From<ClientError> for CommandError {
    fn from(error: ClientError) -> Self {
        match error {
            ClientError::Api(problem) => Self::new(problem.code.as_str(), problem.detail),
            ClientError::Network(what) => Self::new("network", what),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_serialize_as_code_and_message() {
        let error = CommandError::domain(ErrorCode::CaptchaInvalid);
        assert_eq!(
            serde_json::to_string(&error).unwrap_or_default(),
            r#"{"code":"captcha_invalid","message":"captcha_invalid"}"#
        );
        let network = CommandError::from(ClientError::Network("timed out".into()));
        assert_eq!(
            serde_json::to_string(&network).unwrap_or_default(),
            r#"{"code":"network","message":"timed out"}"#
        );
    }

    #[test]
    fn should_pass_a_gateway_refusal_on_as_its_code_and_detail() {
        let problem = shebao_core::wire::Problem {
            type_uri: "about:blank".into(),
            title: "Payment in progress".into(),
            status: 409,
            code: ErrorCode::PaymentInProgress,
            detail: "another payment of this declaration is in progress".into(),
            request_id: "req_1".into(),
            server_time: None,
            retry_after: None,
            min: None,
            max: None,
            ready_at: None,
            fields: None,
        };
        let error = CommandError::from(ClientError::Api(Box::new(problem)));
        assert_eq!(
            serde_json::to_string(&error).unwrap_or_default(),
            r#"{"code":"payment_in_progress","message":"another payment of this declaration is in progress"}"#
        );
    }

    #[test]
    fn should_say_no_identity_is_confirmed_in_the_tokens_code() {
        assert_eq!(
            serde_json::to_value(CommandError::not_confirmed()).unwrap_or_default(),
            serde_json::json!({
                "code": "identity_token_invalid",
                "message": "no confirmed identity on this device"
            })
        );
    }
}
