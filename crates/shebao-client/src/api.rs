//! Typed calls of protocol v1, one per endpoint the app uses.

use shebao_core::wire::PaidPaymentList;
use shebao_core::wire::{Assessment, InsuredInfo, NewAssessment, NewRegistration};
use shebao_core::wire::{
    Captcha, ConfirmIdentity, Declaration, DeclarationList, DeclarationStatus, DeviceRevoked,
    IdentityConfirmed, NewCaptcha, NewCertificate, NewDeclaration, NewPaymentAttempt,
    NewPaymentOrder, PayableList, PaymentAttempt, PaymentCertificate, PaymentExceptionList,
    PaymentOrder, VoidDeclaration,
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
}
