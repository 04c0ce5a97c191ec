// Generated from ErrorCode::ALL by the test should_keep_the_frontend_error_codes_fresh
// in crates/shebao-core/src/error.rs. Do not edit by hand: change the Rust enum and run
// `SHEBAO_REGENERATE=1 cargo test -p shebao-core frontend_error_codes`.

/** Every stable error code of shebao-core, in declaration order. */
export const ERROR_CODES = [
  'signature_missing',
  'device_unknown',
  'device_revoked',
  'timestamp_out_of_window',
  'signature_invalid',
  'nonce_replayed',
  'idempotency_key_missing',
  'idempotency_key_reused',
  'idempotency_in_progress',
  'captcha_invalid',
  'identity_not_confirmed',
  'identity_token_invalid',
  'account_exists',
  'credentials_invalid',
  'account_locked',
  'session_invalid',
  'password_too_weak',
  'validation_failed',
  'not_found',
  'payable_not_available',
  'declaration_not_payable',
  'payment_in_progress',
  'certificate_not_available',
  'policy_not_published',
  'base_out_of_range',
  'period_type_not_allowed',
  'back_payment_not_allowed',
  'already_insured',
  'not_insured',
  'period_already_assessed',
  'assessment_not_ready',
  'declaration_not_voidable',
  'rate_limited',
  'id_length',
  'id_characters',
  'id_region',
  'id_birth_date',
  'id_check_digit',
  'id_legacy_15',
  'id_prefix',
  'name_invalid',
  'internal',
] as const;

/** A stable, snake_case error code from shebao-core. */
export type ErrorCode = (typeof ERROR_CODES)[number];
