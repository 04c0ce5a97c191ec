/**
 * Shapes exchanged with the Tauri commands of docs/api.md, under the names the screens use.
 * They are the types generated from the Rust side (`./generated/bindings`, see docs/api.md);
 * only what the frontend adds is written here. Field names are the wire's (snake_case); money
 * is a decimal string with two places, months are `YYYY-MM`, instants RFC 3339.
 *
 * A Rust type that serde writes and reads differently has two generated variants: answers are
 * the `_Serialize` one, requests the `_Deserialize` one.
 */

import type * as Generated from './generated/bindings';
import type { ErrorCode } from './generated/error-codes';

export type { ErrorCode } from './generated/error-codes';

/** Codes the app adds to shebao-core's list: the shell's own refusals. */
export type AppOnlyErrorCode =
  | 'network'
  | 'keyring_unavailable'
  | 'open_failed'
  | 'certificate_invalid'
  | 'render_failed'
  | 'save_failed'
  | 'journal_failed'
  | 'read_failed'
  | 'copy_failed';

/** Every code a command can reject with. */
export type AppErrorCode = ErrorCode | AppOnlyErrorCode;

/**
 * What every failed command rejects with: the shell's `CommandError`. `code` is stable and
 * selects the translated text; `message` is English for logs and is never shown. A code this
 * build does not know yet is kept as it came, so the screen can fall back to a generic text.
 */
export interface AppError extends Generated.CommandError {
  code: AppErrorCode | (string & {});
}

/** A decimal string with exactly two places, e.g. `"991.00"`. */
export type Money = Generated.Amount;

/** A month, `YYYY-MM`. */
export type YearMonth = Generated.YearMonth;

export type IdType = Generated.IdType;
export type IdTypeInfo = Generated.IdTypeInfo;
export type SecretStore = Generated.SecretStoreKind;
export type AppInfo = Generated.AppInfo_Serialize;

export type CheckIdNumberRequest = Generated.IdCheckRequest;
export type IdNumberCheck = Generated.IdCheck_Serialize;
export type Captcha = Generated.Captcha;
export type ConfirmIdentityRequest = Generated.ConfirmIdentity;

/** The confirmed person, masked for display. */
export type Person = Generated.PersonSummary;

export type InsuranceItem = Generated.InsuranceItem;

/** Whether the policy figures behind an amount are published, derived or provisional. */
export type PolicyStatus = Generated.FigureStatus;

export type Payable = Generated.Payable;
export type PayableList = Generated.PayableList;
export type DeclareRequest = Generated.DeclareRequest;
export type DeclarationStatus = Generated.DeclarationStatus;
export type Declaration = Generated.Declaration_Serialize;
export type Channel = Generated.PaymentChannel;
export type OrderStatus = Generated.OrderStatus;
export type PaymentOrder = Generated.PaymentOrder_Serialize;
export type CertificateStatus = Generated.CertificateStatus;
export type CertificateLine = Generated.CertificateLine;
export type PaymentCertificate = Generated.PaymentCertificate;
export type SavedCertificate = Generated.SavedCertificate;
export type IssuedCertificate = Generated.IssuedCertificate;
export type CertificateImages = Generated.CertificateImages;
export type GalleryEntry = Generated.GalleryEntry_Serialize;
export type CertificateNumberRequest = Generated.CertificateNumberRequest;
export type DialogTexts = Generated.DialogTexts;
export type SaveAsRequest = Generated.SaveAsRequest;
export type Verdict = Generated.Verdict;
export type Verification = Generated.Verification_Serialize;
export type RememberedPerson = Generated.RememberedPerson;
export type PersonRequest = Generated.PersonRequest;
export type SignOutRequest = Generated.SignOutRequest_Deserialize;
export type DeclarationList = Generated.DeclarationList_Serialize;
export type IssueCertificateRequest = Generated.IssueCertificateRequest;
export type AttemptStatus = Generated.AttemptStatus;
export type PaymentAttempt = Generated.PaymentAttempt;
export type StartPaymentRequest = Generated.StartPaymentRequest;
export type PaymentStarted = Generated.PaymentStart_Serialize;
export type WaitPaymentRequest = Generated.WaitPaymentRequest;
export type OpenPayLinkRequest = Generated.OpenPayLinkRequest;

/**
 * What a journaled request became after the app sent it again at start: the kinds
 * `journal::kind_of` names (the Rust side carries them as text), for their translated names.
 */
export type ReplayedKind =
  | 'declaration'
  | 'payment_order'
  | 'payment_attempt'
  | 'certificate'
  | 'ticket_void'
  | 'declaration_void'
  | 'registration'
  | 'assessment'
  | 'request';

export type ReplayedOutcome = Generated.ReplayedOutcome_Serialize;

/** A gateway key as served at `/.well-known/shebao-keys`. */
export type GatewayKey = Generated.PublicKeyEntry_Serialize;
export type GatewaySetting = Generated.GatewaySetting_Serialize;
export type Settings = Generated.Settings_Serialize;
export type SavedSettings = Generated.SavedSettings_Serialize;
export type DeviceCleared = Generated.DeviceCleared;

// Exception handling (缴款异常处理) and the declaration query with its void (申报查询及作废).

export type PaymentException = Generated.PaymentException_Serialize;
export type PaymentExceptionList = Generated.PaymentExceptionList_Serialize;
export type VoidTicketRequest = Generated.VoidTicketRequest;
export type ListDeclarationsRequest = Generated.ListDeclarationsRequest;
export type VoidDeclarationRequest = Generated.VoidDeclarationRequest;

// The steps before payment: registration (参保登记), insured information (参保信息查询) and
// assessment (核定) with its transmission (传输) wait.

export type Arrear = Generated.Arrear;
export type InsuredInfo = Generated.InsuredInfo_Serialize;
export type RegisterRequest = Generated.NewRegistration_Deserialize;
export type PeriodType = Generated.PeriodType;
export type ItemOption = Generated.ItemOption;
export type PeriodTypeOption = Generated.PeriodTypeOption;
export type AssessmentOptions = Generated.AssessmentOptions;
export type QuoteRequest = Generated.QuoteRequest_Deserialize;
export type Grade = Generated.Grade;
export type QuoteLine = Generated.QuoteLine;
export type AssessmentQuote = Generated.AssessmentQuote_Serialize;
export type NewAssessment = Generated.NewAssessment_Deserialize;
export type AssessmentStatus = Generated.AssessmentStatus;
export type AssessmentProgress = Generated.AssessmentProgress;
export type AssessmentRequest = Generated.AssessmentRequest;

// The natural-person account (个人办税登录) and 完税查询及证明补打.

/** Whether a natural person is logged in on this device, and who (masked only). */
export type AccountStatus = Generated.AccountStatus_Serialize;
export type RegisterAccountRequest = Generated.NewAccount;
export type Account = Generated.Account;
export type LogInRequest = Generated.NewSession;
/** A device the logged-in person confirmed their identity or logged in on. */
export type AccountDevice = Generated.AccountDevice_Serialize;
export type AccountDeviceList = Generated.AccountDeviceList_Serialize;
export type DeviceRequest = Generated.DeviceRequest;
/** One paid payment in the 完税查询. */
export type TaxPayment = Generated.TaxPayment_Serialize;
/** A 完税证明 this device saved, with its status at the gateway now. */
export type TaxCertificateState = Generated.TaxCertificateState;
export type TaxPaymentsView = Generated.TaxPaymentsView_Serialize;
export type TaxPaymentsRequest = Generated.TaxPaymentsRequest;
export type IssueTaxCertificateRequest = Generated.IssueTaxCertificateRequest;
/** 缴费证明 (one payment) or 完税证明 (the payments a logged-in person selects). */
export type CertificateKind = Generated.CertificateKind;
/** A 完税证明 as the gateway issues it, tagged as in `AnyCertificate`. */
export type TaxPaymentCertificate = Generated.TaxPaymentCertificate & { kind: 'tax_payment' };
export type TaxPaymentLine = Generated.TaxPaymentLine;

// 缴费查询及证明开具 and 缴费记录.

/** One of the person's payments as 缴费查询 lists it: paid, or refunded since. */
export type PaidPayment = Generated.PaidPayment_Serialize;
export type PaidPaymentList = Generated.PaidPaymentList_Serialize;
export type MonthState = Generated.MonthState;
export type HistoryMonth = Generated.HistoryMonth;
export type HistoryYear = Generated.HistoryYear;
/** 缴费记录: the person's months, newest year first. */
export type PaymentHistory = Generated.PaymentHistory;
