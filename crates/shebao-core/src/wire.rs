//! JSON bodies of protocol v1, shared by the gateway (which writes them) and the client
//! (which reads them). Field names are the wire's.

use serde::{Deserialize, Serialize};

use crate::policy::{FigureStatus, InsuranceItem};
use crate::{Amount, ErrorCode, IdType, PeriodType, YearMonth};

/// Header names of the protocol.
pub mod header {
    pub const AUTHORIZATION: &str = "authorization";
    pub const SIGNATURE: &str = "shebao-signature";
    pub const REQUEST_ID: &str = "request-id";
    pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
    pub const IDENTITY_TOKEN: &str = "identity-token";
    pub const SESSION_TOKEN: &str = "session-token";
}

/// A problem+json error body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub code: ErrorCode,
    pub detail: String,
    pub request_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum KeyUse {
    Response,
    Certificate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PublicKeyEntry {
    pub kid: String,
    #[serde(rename = "use")]
    pub key_use: KeyUse,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u8>,
    pub public_key: String,
    pub not_before: String,
    pub not_after: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeySet {
    pub keys: Vec<PublicKeyEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EnrollDevice {
    pub public_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeviceEnrolled {
    pub device_id: String,
}

/// A device's revocation of itself ("clear this device"): its signatures are refused from
/// `revoked_at` on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeviceRevoked {
    pub device_id: String,
    /// RFC 3339.
    pub revoked_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewCaptcha {
    pub purpose: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Captcha {
    pub captcha_id: String,
    /// A PNG data URL.
    pub image: String,
    pub expires_in: u32,
}

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConfirmIdentity {
    pub name: String,
    pub id_type: IdType,
    pub id_number: String,
    pub captcha_id: String,
    pub captcha_answer: String,
}

impl std::fmt::Debug for ConfirmIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfirmIdentity")
            .field("id_type", &self.id_type)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PersonSummary {
    pub name_masked: String,
    pub id_number_masked: String,
    pub insured: bool,
}

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IdentityConfirmed {
    pub identity_token: String,
    pub person: PersonSummary,
}

impl std::fmt::Debug for IdentityConfirmed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityConfirmed")
            .field("person", &self.person)
            .finish_non_exhaustive()
    }
}

/// `POST /v1/accounts`: a natural-person account for the person of the `Identity-Token`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewAccount {
    /// A mainland mobile number, 11 digits starting with 1.
    pub phone: String,
    /// At least 8 characters, not only digits, not only letters.
    pub password: String,
}

impl std::fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount").finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Account {
    pub account_id: String,
    /// `138****0000`.
    pub phone_masked: String,
    pub created_at: String,
}

/// `POST /v1/sessions`: log in with a document number and the account's password.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewSession {
    pub id_type: IdType,
    pub id_number: String,
    pub password: String,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("id_type", &self.id_type)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Session {
    /// Sent as `Session-Token` by the device that logged in.
    pub session_token: String,
    pub expires_at: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// One device the account's person has used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountDevice {
    /// The device id (the `kid` of its signatures).
    pub id: String,
    pub enrolled_at: String,
    /// The last identity confirmation, login or session request of this person from it.
    pub last_seen: String,
    /// The device that sent this request.
    pub current: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountDeviceList {
    pub items: Vec<AccountDevice>,
}

/// Contributions assessed, transmitted and not yet declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Payable {
    pub id: String,
    pub item: InsuranceItem,
    pub period_start: YearMonth,
    pub period_end: YearMonth,
    pub months: u32,
    /// The monthly base.
    pub base: Amount,
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+(\.[0-9]+)?$", example = "0.08"))]
    pub rate: rust_decimal::Decimal,
    pub amount: Amount,
    pub personal: Amount,
    pub pooled: Amount,
    pub policy_status: FigureStatus,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PayableList {
    pub items: Vec<Payable>,
    pub total: Amount,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewDeclaration {
    pub payable_ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DeclarationStatus {
    Declared,
    Paid,
    Voided,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Declaration {
    pub id: String,
    pub status: DeclarationStatus,
    pub total: Amount,
    pub lines: Vec<Payable>,
    pub declared_at: String,
    /// The declaration's open payment order (created, awaiting payment or unknown), if any:
    /// a payment to resume rather than start again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_order_id: Option<String>,
    /// When a voided declaration was voided (申报作废).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voided_at: Option<String>,
    /// The reason given when it was voided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub void_reason: Option<String>,
}

/// 申报作废: voids an unpaid declaration without an open payment order; its payables become
/// payable again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VoidDeclaration {
    /// Why, in the payer's words: 1 to 200 characters.
    pub reason: String,
}

/// 参保登记 + 缴费登记 of the confirmed person as a flexible-employment insured person.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewRegistration {
    /// The first insured month: not after the current month. Unset: the current month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_month: Option<YearMonth>,
}

/// Months assessed before the current month and not paid yet (欠费).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Arrear {
    pub payable_id: String,
    pub item: InsuranceItem,
    pub period_start: YearMonth,
    pub period_end: YearMonth,
    /// The months of the period before the current month.
    pub months: u32,
    /// The monthly base.
    pub base: Amount,
    /// Whether a declaration of it waits for payment.
    pub declared: bool,
}

/// 参保信息查询: what the registers say about the confirmed person.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InsuredInfo {
    pub insured: bool,
    /// The items the person is insured for (empty when not insured).
    pub items: Vec<InsuranceItem>,
    /// 经办机构: the social insurance agency the person is registered with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insured_since: Option<YearMonth>,
    /// The latest month covered by a paid contribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_through: Option<YearMonth>,
    /// Assessed months before the current month that are not paid, oldest first.
    pub arrears: Vec<Arrear>,
    /// The number of months in `arrears`.
    pub arrears_months: u32,
}

/// An assessment's lifecycle: `assessed → transmitting → payable` (传输 to the tax side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AssessmentStatus {
    Assessed,
    Transmitting,
    Payable,
}

/// 核定: items, base or grade, period type and first month of the person whose identity
/// token the request carries (for 代他人核定, the family member's own token on this device).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewAssessment {
    /// Distinct items, each enabled in the policy table.
    pub items: Vec<InsuranceItem>,
    /// The monthly base; give this or `grade`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<Amount>,
    /// A grade (档次) as its share of the average wage, one of the policy table's presets
    /// (e.g. "0.60"); give this or `base`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::money::plain_decimal_option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]+)?$", example = "0.60"))]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub grade: Option<rust_decimal::Decimal>,
    pub period_type: PeriodType,
    /// The first month of the period: a month a period of `period_type` opens with, not
    /// after the current month.
    pub start_month: YearMonth,
}

/// An assessment and the payables it made, priced.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Assessment {
    pub id: String,
    pub status: AssessmentStatus,
    pub period_type: PeriodType,
    pub period_start: YearMonth,
    pub period_end: YearMonth,
    /// The monthly base.
    pub base: Amount,
    /// One payable per item; `policy_status` marks provisional or unconfirmed figures.
    pub items: Vec<Payable>,
    pub total: Amount,
    pub assessed_at: String,
    /// When transmission (传输) to the tax side completes and the items become payable.
    pub ready_at: String,
}

/// A person's declarations, newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeclarationList {
    pub items: Vec<Declaration>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewPaymentOrder {
    pub declaration_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Created,
    AwaitingPayment,
    Paid,
    Unknown,
    Voided,
    /// Paid, then refunded by an operator (an approved refund application).
    Refunded,
}

impl OrderStatus {
    /// Whether the order may still change without anyone acting on it.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Created | Self::AwaitingPayment | Self::Unknown)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 银联支付.
    Unionpay,
    /// 支付宝.
    Alipay,
    /// 微信支付.
    Wechatpay,
    /// 云闪付 (UnionPay QuickPass).
    Quickpass,
    /// 我的宁夏 wallet (我的宁夏·钱包).
    NingxiaWallet,
}

impl Channel {
    pub const ALL: [Self; 5] = [
        Self::Unionpay,
        Self::Alipay,
        Self::Wechatpay,
        Self::Quickpass,
        Self::NingxiaWallet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unionpay => "unionpay",
            Self::Alipay => "alipay",
            Self::Wechatpay => "wechatpay",
            Self::Quickpass => "quickpass",
            Self::NingxiaWallet => "ningxia_wallet",
        }
    }

    /// The channel of a path segment or stored text (`as_str`'s inverse).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|channel| channel.as_str() == text)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentOrder {
    pub id: String,
    pub declaration_id: String,
    /// 电子税票号码: opaque digits.
    pub ticket_number: String,
    pub amount: Amount,
    pub status: OrderStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<String>,
    pub period_start: YearMonth,
    pub period_end: YearMonth,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewPaymentAttempt {
    pub channel: Channel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    Pending,
    Succeeded,
    Closed,
    Failed,
    Expired,
    Unknown,
    /// A duplicate success (its order already paid or voided) whose refund was asked for.
    RefundPending,
    /// Its money went back: a duplicate refunded automatically, or an operator's refund.
    Refunded,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentAttempt {
    pub id: String,
    pub order_id: String,
    pub channel: Channel,
    pub status: AttemptStatus,
    pub amount: Amount,
    /// The text to put in the QR code a phone scans.
    pub qr_text: String,
    /// The channel's page for paying from this device.
    pub pay_url: String,
    pub expires_at: String,
}

/// A payment order without an outcome (created, awaiting payment or unknown), with its
/// attempts: what 缴款异常处理 lists and what ticket void (票证作废) can be asked for.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentException {
    pub order: PaymentOrder,
    pub attempts: Vec<PaymentAttempt>,
}

/// A person's payment orders without an outcome, newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentExceptionList {
    pub items: Vec<PaymentException>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewCertificate {
    pub order_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    Valid,
    Refunded,
    Superseded,
}

/// One paid line of a payment certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CertificateLine {
    pub item: InsuranceItem,
    /// 征收项目, e.g. 企业职工基本养老保险费.
    pub item_name: String,
    /// 征收品目, e.g. 职工基本养老保险(个人缴纳).
    pub sub_item_name: String,
    pub period_start: YearMonth,
    pub period_end: YearMonth,
    /// The monthly base.
    pub base: Amount,
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+(\.[0-9]+)?$", example = "0.08"))]
    pub rate: rust_decimal::Decimal,
    pub amount: Amount,
}

/// A 缴费证明 as the gateway issues it: the data to render, and the signed QR text that
/// proves it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaymentCertificate {
    /// The certificate number, decimal digits.
    pub number: String,
    pub order_id: String,
    pub ticket_number: String,
    pub name_masked: String,
    pub id_number_masked: String,
    pub id_type: IdType,
    pub lines: Vec<CertificateLine>,
    pub total: Amount,
    pub issued_on: chrono::NaiveDate,
    /// 税务机关.
    pub tax_office: String,
    /// `<VERIFY-ORIGIN>/C/<base32>` per the certificate QR payload v1.
    pub qr_text: String,
    pub status: CertificateStatus,
}

/// One paid line of a 完税证明: a payment line and the electronic tax ticket (电子税票号码) it
/// was paid under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaxPaymentLine {
    pub ticket_number: String,
    #[serde(flatten)]
    pub line: CertificateLine,
}

/// A 完税证明 as the gateway issues it: the payments of a span of time, each line under its
/// own ticket, with the same signed QR payload v1 as a 缴费证明 (number, total, the fee period
/// the lines span, issue date, holder tag).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaxPaymentCertificate {
    /// The certificate number, decimal digits (the same number space as 缴费证明).
    pub number: String,
    /// The payment orders it covers, in print order: by fee period, then payment time.
    pub order_ids: Vec<String>,
    pub name_masked: String,
    pub id_number_masked: String,
    pub id_type: IdType,
    pub lines: Vec<TaxPaymentLine>,
    pub total: Amount,
    pub issued_on: chrono::NaiveDate,
    /// 税务机关.
    pub tax_office: String,
    /// `<VERIFY-ORIGIN>/C/<base32>` per the certificate QR payload v1.
    pub qr_text: String,
    pub status: CertificateStatus,
}

/// One paid payment as the 完税查询 (tax payment query) lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaxPayment {
    /// The payment order, to select for a 完税证明.
    pub order_id: String,
    /// 电子税票号码: opaque digits.
    pub ticket_number: String,
    pub period_start: YearMonth,
    pub period_end: YearMonth,
    /// What was paid, one line per item (征收项目 and 征收品目).
    pub lines: Vec<CertificateLine>,
    pub amount: Amount,
    /// When it was paid, RFC 3339 in UTC+8.
    pub paid_at: String,
    /// The payment date (缴款日期) in UTC+8, what the date filters compare.
    pub paid_on: chrono::NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// 税务机关.
    pub tax_office: String,
    /// The valid 完税证明 covering this payment, if one was issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_number: Option<String>,
}

/// The answer of the 完税查询: paid payments, newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaxPaymentList {
    pub items: Vec<TaxPayment>,
}

/// One of the confirmed person's payments as 缴费查询 (payment query and certificate issue)
/// lists it: a payment order that was paid, and perhaps refunded since.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaidPayment {
    /// The payment order, to issue its 缴费证明 for.
    pub order_id: String,
    /// 电子税票号码: opaque digits.
    pub ticket_number: String,
    /// `paid`, or `refunded` after an operator refund (its months are unpaid again).
    pub status: OrderStatus,
    pub period_start: YearMonth,
    pub period_end: YearMonth,
    /// What was paid, one line per item (征收项目 and 征收品目).
    pub lines: Vec<CertificateLine>,
    pub amount: Amount,
    /// When it was paid, RFC 3339 in UTC+8.
    pub paid_at: String,
    /// The payment date (缴款日期) in UTC+8.
    pub paid_on: chrono::NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// When it was refunded, RFC 3339 in UTC+8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refunded_at: Option<String>,
    /// The order's 缴费证明, once issued (one per order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_number: Option<String>,
    /// That certificate's status (`refunded` after a refund).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_status: Option<CertificateStatus>,
}

/// The answer of 缴费查询: the person's paid and refunded payments, newest payment first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PaidPaymentList {
    pub items: Vec<PaidPayment>,
}

/// `POST /v1/tax-certificates`: the payments (from the 完税查询) a 完税证明 covers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewTaxCertificate {
    /// 1 to 100 distinct `ord_...` ids of the person's paid payment orders; their order does
    /// not matter.
    pub order_ids: Vec<String>,
}

/// Either certificate, tagged by its kind: `{"kind": "payment", ...}` or
/// `{"kind": "tax_payment", ...}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
// The app's own `IssuedCertificate` (a saved certificate with its image) holds the TypeScript
// name; a container's serde name changes nothing in this enum's JSON.
#[cfg_attr(
    feature = "specta",
    derive(specta::Type),
    serde(rename = "AnyCertificate")
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IssuedCertificate {
    Payment(PaymentCertificate),
    TaxPayment(TaxPaymentCertificate),
}

impl IssuedCertificate {
    pub fn kind(&self) -> crate::certificate::CertificateKind {
        match self {
            Self::Payment(_) => crate::certificate::CertificateKind::Payment,
            Self::TaxPayment(_) => crate::certificate::CertificateKind::TaxPayment,
        }
    }

    /// The certificate number (one number space for both kinds).
    pub fn number(&self) -> &str {
        match self {
            Self::Payment(c) => &c.number,
            Self::TaxPayment(c) => &c.number,
        }
    }

    pub fn total(&self) -> Amount {
        match self {
            Self::Payment(c) => c.total,
            Self::TaxPayment(c) => c.total,
        }
    }

    /// `<VERIFY-ORIGIN>/C/<base32>`: the signed QR payload v1.
    pub fn qr_text(&self) -> &str {
        match self {
            Self::Payment(c) => &c.qr_text,
            Self::TaxPayment(c) => &c.qr_text,
        }
    }

    pub fn name_masked(&self) -> &str {
        match self {
            Self::Payment(c) => &c.name_masked,
            Self::TaxPayment(c) => &c.name_masked,
        }
    }

    pub fn issued_on(&self) -> chrono::NaiveDate {
        match self {
            Self::Payment(c) => c.issued_on,
            Self::TaxPayment(c) => c.issued_on,
        }
    }

    /// The fee period its lines span: (first month, last month); `None` without lines.
    pub fn fee_period(&self) -> Option<(YearMonth, YearMonth)> {
        let lines: Vec<&CertificateLine> = match self {
            Self::Payment(c) => c.lines.iter().collect(),
            Self::TaxPayment(c) => c.lines.iter().map(|paid| &paid.line).collect(),
        };
        let first = lines.iter().map(|line| line.period_start).min()?;
        let last = lines.iter().map(|line| line.period_end).max()?;
        Some((first, last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::CertificateKind;

    fn line(month: &str) -> CertificateLine {
        CertificateLine {
            item: InsuranceItem::Pension,
            item_name: "企业职工基本养老保险费".into(),
            sub_item_name: "职工基本养老保险(个人缴纳)".into(),
            period_start: month.parse().unwrap(),
            period_end: month.parse().unwrap(),
            base: "4955.00".parse().unwrap(),
            rate: "0.20".parse().unwrap(),
            amount: "991.00".parse().unwrap(),
        }
    }

    #[test]
    fn should_tag_a_tax_payment_certificate_and_flatten_its_lines() {
        let certificate = IssuedCertificate::TaxPayment(TaxPaymentCertificate {
            number: "20250000000789".into(),
            order_ids: vec!["ord_1".into()],
            name_masked: "马*燕".into(),
            id_number_masked: "640104********0022".into(),
            id_type: IdType::ResidentIdCard,
            lines: vec![TaxPaymentLine {
                ticket_number: "364016250700012345".into(),
                line: line("2025-06"),
            }],
            total: "991.00".parse().unwrap(),
            issued_on: chrono::NaiveDate::from_ymd_opt(2025, 7, 3).unwrap(),
            tax_office: "国家税务总局银川市税务局（演示）".into(),
            qr_text: "HTTP://X/C/A".into(),
            status: CertificateStatus::Valid,
        });

        let json = serde_json::to_value(&certificate).unwrap();

        assert_eq!(json["kind"], "tax_payment");
        assert_eq!(json["lines"][0]["ticket_number"], "364016250700012345");
        assert_eq!(json["lines"][0]["period_start"], "2025-06");
        let back: IssuedCertificate = serde_json::from_value(json).unwrap();
        assert_eq!(back.kind(), CertificateKind::TaxPayment);
    }

    #[test]
    fn should_read_a_payment_certificate_under_its_kind_tag() {
        let json = serde_json::json!({
            "kind": "payment",
            "number": "20250000000456",
            "order_id": "ord_1",
            "ticket_number": "364016250700012345",
            "name_masked": "马*燕",
            "id_number_masked": "640104********0022",
            "id_type": serde_json::to_value(IdType::ResidentIdCard).unwrap(),
            "lines": [serde_json::to_value(line("2025-06")).unwrap()],
            "total": "991.00",
            "issued_on": "2025-07-03",
            "tax_office": "国家税务总局银川市税务局（演示）",
            "qr_text": "HTTP://X/C/A",
            "status": "valid",
        });
        let certificate: IssuedCertificate = serde_json::from_value(json).unwrap();
        assert_eq!(certificate.kind(), CertificateKind::Payment);
        assert!(
            matches!(certificate, IssuedCertificate::Payment(p) if p.order_id == "ord_1"),
            "a payment certificate"
        );
    }
}
