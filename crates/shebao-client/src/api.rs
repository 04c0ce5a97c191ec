//! Typed calls of protocol v1, one per endpoint the app uses.

use shebao_core::wire::PaidPaymentList;
use shebao_core::wire::{Assessment, InsuredInfo, NewAssessment, NewRegistration};
use shebao_core::wire::{
    Captcha, ConfirmIdentity, Declaration, DeclarationList, DeclarationStatus, DeviceRevoked,
    IdentityConfirmed, NewCaptcha, NewCertificate, NewDeclaration, NewPaymentAttempt,
    NewPaymentOrder, PayableList, PaymentAttempt, PaymentCertificate, PaymentExceptionList,
    PaymentOrder, VoidDeclaration,
};

use shebao_core::wire::{
    Account, AccountDevice, AccountDeviceList, NewAccount, NewSession, NewTaxCertificate, Session,
    TaxPaymentCertificate, TaxPaymentList,
};

use crate::{Client, ClientError, new_idempotency_key};

/// Longest a single long-poll of an order waits on the gateway, in seconds.
pub const ORDER_WAIT_SECONDS: u32 = 25;

/// Where 参保登记 + 缴费登记 is posted (the app journals it under this target).
pub const REGISTRATIONS: &str = "/v1/registrations";
/// Where 核定 is posted (the app journals it under this target).
pub const ASSESSMENTS: &str = "/v1/assessments";

impl Client {
    pub async fn new_captcha(&self) -> Result<Captcha, ClientError> {
        let body = NewCaptcha {
            purpose: "identity".into(),
        };
        self.post("/v1/captchas", &body, None, None).await
    }

    pub async fn confirm_identity(
        &self,
        request: &ConfirmIdentity,
    ) -> Result<IdentityConfirmed, ClientError> {
        self.post("/v1/identity/confirmations", request, None, None)
            .await
    }

    /// Revokes the device that signs: from then on the gateway refuses its key ("clear this
    /// device"). Retried under one idempotency key like every state change.
    pub async fn revoke_this_device(&self) -> Result<DeviceRevoked, ClientError> {
        let key = new_idempotency_key();
        self.post(
            "/v1/devices/current/revocation",
            &serde_json::json!({}),
            Some(&key),
            None,
        )
        .await
    }

    pub async fn payables(&self, identity_token: &str) -> Result<PayableList, ClientError> {
        self.get("/v1/payables", Some(identity_token)).await
    }

    pub async fn declare(
        &self,
        identity_token: &str,
        payable_ids: Vec<String>,
        idempotency_key: &str,
    ) -> Result<Declaration, ClientError> {
        let body = NewDeclaration { payable_ids };
        self.post(
            "/v1/declarations",
            &body,
            Some(idempotency_key),
            Some(identity_token),
        )
        .await
    }

    /// The person's declared but unpaid declarations (申报查询), each with its open order.
    pub async fn unpaid_declarations(
        &self,
        identity_token: &str,
    ) -> Result<DeclarationList, ClientError> {
        self.get("/v1/declarations?status=declared", Some(identity_token))
            .await
    }

    pub async fn declaration(
        &self,
        identity_token: &str,
        declaration_id: &str,
    ) -> Result<Declaration, ClientError> {
        let target = format!("/v1/declarations/{declaration_id}");
        self.get(&target, Some(identity_token)).await
    }

    pub async fn create_payment_order(
        &self,
        identity_token: &str,
        declaration_id: &str,
        idempotency_key: &str,
    ) -> Result<PaymentOrder, ClientError> {
        let body = NewPaymentOrder {
            declaration_id: declaration_id.to_owned(),
        };
        self.post(
            "/v1/payment-orders",
            &body,
            Some(idempotency_key),
            Some(identity_token),
        )
        .await
    }

    pub async fn create_payment_attempt(
        &self,
        identity_token: &str,
        order_id: &str,
        attempt: &NewPaymentAttempt,
        idempotency_key: &str,
    ) -> Result<PaymentAttempt, ClientError> {
        let target = format!("/v1/payment-orders/{order_id}/attempts");
        self.post(
            &target,
            attempt,
            Some(idempotency_key),
            Some(identity_token),
        )
        .await
    }

    /// The order's status; with `wait` the gateway holds the answer until the status
    /// leaves created/awaiting_payment or `ORDER_WAIT_SECONDS` pass.
    pub async fn payment_order(
        &self,
        identity_token: &str,
        order_id: &str,
        wait: bool,
    ) -> Result<PaymentOrder, ClientError> {
        let target = if wait {
            format!("/v1/payment-orders/{order_id}?wait={ORDER_WAIT_SECONDS}")
        } else {
            format!("/v1/payment-orders/{order_id}")
        };
        self.get(&target, Some(identity_token)).await
    }

    /// Issues the 缴费证明 of a paid order; asking again returns the same certificate.
    pub async fn issue_certificate(
        &self,
        identity_token: &str,
        order_id: &str,
        idempotency_key: &str,
    ) -> Result<PaymentCertificate, ClientError> {
        let body = NewCertificate {
            order_id: order_id.to_owned(),
        };
        self.post(
            "/v1/certificates",
            &body,
            Some(idempotency_key),
            Some(identity_token),
        )
        .await
    }

    // Channels, exception handling (缴款异常处理) and declaration void (申报作废).

    /// The person's declarations in one status (申报查询), newest first.
    pub async fn declarations(
        &self,
        identity_token: &str,
        status: DeclarationStatus,
    ) -> Result<DeclarationList, ClientError> {
        let status = match status {
            DeclarationStatus::Declared => "declared",
            DeclarationStatus::Paid => "paid",
            DeclarationStatus::Voided => "voided",
        };
        let target = format!("/v1/declarations?status={status}");
        self.get(&target, Some(identity_token)).await
    }

    /// 缴费查询: the person's paid payments (refunded ones marked), newest first, each with
    /// its 缴费证明 if issued.
    pub async fn paid_payments(
        &self,
        identity_token: &str,
    ) -> Result<PaidPaymentList, ClientError> {
        self.get("/v1/payments", Some(identity_token)).await
    }

    /// 申报作废: voids an unpaid declaration without an open payment order, with the payer's
    /// reason; its payables become payable again.
    pub async fn void_declaration(
        &self,
        identity_token: &str,
        declaration_id: &str,
        reason: &str,
        idempotency_key: &str,
    ) -> Result<Declaration, ClientError> {
        let target = format!("/v1/declarations/{declaration_id}/void");
        let body = VoidDeclaration {
            reason: reason.to_owned(),
        };
        self.post(&target, &body, Some(idempotency_key), Some(identity_token))
            .await
    }

    /// The person's payment orders without an outcome, each with its attempts (缴款异常处理).
    pub async fn payment_exceptions(
        &self,
        identity_token: &str,
    ) -> Result<PaymentExceptionList, ClientError> {
        self.get("/v1/payment-exceptions", Some(identity_token))
            .await
    }

    /// Ticket void (票证作废): the order's open attempts are closed at their channels, then the
    /// order is voided — or answered `paid` when a channel reports that it was paid after all.
    pub async fn void_payment_order(
        &self,
        identity_token: &str,
        order_id: &str,
        idempotency_key: &str,
    ) -> Result<PaymentOrder, ClientError> {
        let target = format!("/v1/payment-orders/{order_id}/void");
        self.post(
            &target,
            &serde_json::json!({}),
            Some(idempotency_key),
            Some(identity_token),
        )
        .await
    }

    // The steps before payment: registration, the insured-information query, assessment.

    /// 参保登记 + 缴费登记 of the token's person; `already_insured` when they are.
    pub async fn register(
        &self,
        identity_token: &str,
        registration: &NewRegistration,
        idempotency_key: &str,
    ) -> Result<InsuredInfo, ClientError> {
        self.post(
            REGISTRATIONS,
            registration,
            Some(idempotency_key),
            Some(identity_token),
        )
        .await
    }

    /// 参保信息查询: status, items, agency, since, paid through and arrears.
    pub async fn insured_info(&self, identity_token: &str) -> Result<InsuredInfo, ClientError> {
        self.get("/v1/insured-info", Some(identity_token)).await
    }

    /// 核定: the assessment, in transmission (传输) until its `ready_at`.
    pub async fn create_assessment(
        &self,
        identity_token: &str,
        assessment: &NewAssessment,
        idempotency_key: &str,
    ) -> Result<Assessment, ClientError> {
        self.post(
            ASSESSMENTS,
            assessment,
            Some(idempotency_key),
            Some(identity_token),
        )
        .await
    }

    /// One of the person's assessments with its transmission status.
    pub async fn assessment(
        &self,
        identity_token: &str,
        assessment_id: &str,
    ) -> Result<Assessment, ClientError> {
        let target = format!("{ASSESSMENTS}/{assessment_id}");
        self.get(&target, Some(identity_token)).await
    }

    // Natural-person accounts (个人办税登录) and 完税查询及证明补打: a `Session-Token` of
    // `POST /v1/sessions` instead of an identity token.

    /// Registers a natural-person account for the person of `identity_token` (one per person:
    /// `account_exists` otherwise).
    pub async fn register_account(
        &self,
        identity_token: &str,
        account: &NewAccount,
        idempotency_key: &str,
    ) -> Result<Account, ClientError> {
        self.post(
            "/v1/accounts",
            account,
            Some(idempotency_key),
            Some(identity_token),
        )
        .await
    }

    /// Logs in with a document number and the account's password: a session of this device.
    /// Sent once (a login is not replayed): `credentials_invalid`, `account_locked`.
    pub async fn log_in(&self, login: &NewSession) -> Result<Session, ClientError> {
        self.post("/v1/sessions", login, None, None).await
    }

    /// Ends the session; it is refused (`session_invalid`) from then on.
    pub async fn log_out(&self, session_token: &str) -> Result<(), ClientError> {
        self.delete_as_account("/v1/sessions/current", session_token)
            .await
    }

    /// The devices the session's person confirmed their identity or logged in on.
    pub async fn account_devices(
        &self,
        session_token: &str,
    ) -> Result<AccountDeviceList, ClientError> {
        self.get_as_account("/v1/account/devices", session_token)
            .await
    }

    /// Revokes one of the person's devices (a lost phone): its key is refused from then on.
    pub async fn revoke_account_device(
        &self,
        session_token: &str,
        device_id: &str,
        idempotency_key: &str,
    ) -> Result<AccountDevice, ClientError> {
        let target = format!("/v1/account/devices/{device_id}/revocation");
        self.post_as_account(
            &target,
            &serde_json::json!({}),
            idempotency_key,
            session_token,
        )
        .await
    }

    /// 完税查询: the person's paid payments of one calendar year (by payment date), newest
    /// first, each with the valid 完税证明 covering it.
    pub async fn tax_payments(
        &self,
        session_token: &str,
        year: i32,
    ) -> Result<TaxPaymentList, ClientError> {
        let target = format!("/v1/tax-payments?year={year}");
        self.get_as_account(&target, session_token).await
    }

    /// Issues the 完税证明 of the selected paid orders, or answers the valid one that has
    /// exactly this selection already (证明补打). A new one supersedes every valid 完税证明
    /// covering one of its payments.
    pub async fn issue_tax_certificate(
        &self,
        session_token: &str,
        order_ids: Vec<String>,
        idempotency_key: &str,
    ) -> Result<TaxPaymentCertificate, ClientError> {
        let body = NewTaxCertificate { order_ids };
        self.post_as_account(
            "/v1/tax-certificates",
            &body,
            idempotency_key,
            session_token,
        )
        .await
    }

    /// One of the person's 完税证明 in any status (valid, superseded, refunded).
    pub async fn tax_certificate(
        &self,
        session_token: &str,
        number: &str,
    ) -> Result<TaxPaymentCertificate, ClientError> {
        let target = format!("/v1/tax-certificates/{number}");
        self.get_as_account(&target, session_token).await
    }
}
