/**
 * Shapes exchanged with the Tauri commands of docs/api.md. Field names are the wire's
 * (snake_case); money is a decimal string with two places, months are `YYYY-MM`, instants
 * RFC 3339.
 */

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
 * What every failed command rejects with. `code` is stable and selects the translated text;
 * `message` is English for logs and is never shown. A code this build does not know yet is
 * kept as it came, so the screen can fall back to a generic text.
 */
export interface AppError {
  code: AppErrorCode | (string & {});
  message: string;
}

/** A decimal string with exactly two places, e.g. `"991.00"`. */
export type Money = string;

/** A month, `YYYY-MM`. */
export type YearMonth = string;

/** The document types of shebao-core's `IdType`, by their wire names. */
export type IdType =
  | 'resident_id_card'
  | 'residence_permit_hmt'
  | 'mainland_travel_permit_hk_mo'
  | 'mainland_travel_permit_tw'
  | 'foreign_permanent_residence'
  | 'passport';

/** A document type as the `id_types` command lists it, with the core's Chinese name. */
export interface IdTypeInfo {
  id_type: IdType;
  display_name_zh: string;
}

export type SecretStore = 'os' | 'session_only';

export interface AppInfo {
  sandbox: boolean;
  /** The gateway's notion of today in sandbox mode, `YYYY-MM-DD`. */
  sandbox_date: string | null;
  gateway_origin: string;
  /** `session_only` when the OS keyring is unavailable: the device key ends with the app. */
  secret_store: SecretStore;
}

export interface CheckIdNumberRequest {
  id_type: IdType;
  id_number: string;
}

export interface IdNumberCheck {
  valid: boolean;
  /** The refusal code when not valid (`id_length`, `id_check_digit`, …). */
  code?: string;
  /** The number as the core stores it (upper-case X) when valid. */
  normalized?: string;
}

export interface Captcha {
  captcha_id: string;
  /** A `data:image/png;base64,…` URL. */
  image: string;
}

export interface ConfirmIdentityRequest {
  name: string;
  id_type: IdType;
  id_number: string;
  captcha_id: string;
  captcha_answer: string;
}

/** The confirmed person, masked for display. */
export interface Person {
  name_masked: string;
  id_number_masked: string;
  insured: boolean;
}

export type InsuranceItem = 'pension' | 'medical';

/** Whether the policy figures behind an amount are published, derived or provisional. */
export type PolicyStatus = 'confirmed' | 'unconfirmed' | 'provisional';

/** An assessed, transmitted contribution that is not declared yet. */
export interface Payable {
  id: string;
  item: InsuranceItem;
  period_start: YearMonth;
  period_end: YearMonth;
  months: number;
  /** The monthly base. */
  base: Money;
  /** A fraction, e.g. `"0.20"` for 20 %. */
  rate: string | number;
  amount: Money;
  personal: Money;
  pooled: Money;
  policy_status: PolicyStatus;
}

export interface PayableList {
  items: Payable[];
  total: Money;
}

export interface DeclareRequest {
  payable_ids: string[];
}

export type DeclarationStatus = 'declared' | 'paid' | 'voided';

export interface Declaration {
  id: string;
  status: DeclarationStatus;
  total: Money;
  lines: Payable[];
  declared_at: string;
  /** The open payment order to resume, if a payment was started. */
  open_order_id?: string;
  /** When it was voided (申报作废), RFC 3339. */
  voided_at?: string;
  /** The payer's reason for voiding it. */
  void_reason?: string;
}

export type Channel = 'unionpay' | 'alipay' | 'wechatpay' | 'quickpass' | 'ningxia_wallet';

export type OrderStatus =
  'created' | 'awaiting_payment' | 'paid' | 'unknown' | 'voided' | 'refunded';

export interface PaymentOrder {
  id: string;
  declaration_id: string;
  /** 电子税票号码: opaque digits. */
  ticket_number: string;
  amount: Money;
  status: OrderStatus;
  paid_at?: string;
  channel?: Channel;
  period_start?: YearMonth;
  period_end?: YearMonth;
}

export type CertificateStatus = 'valid' | 'refunded' | 'superseded';

export interface CertificateLine {
  item: string;
  item_name: string;
  sub_item_name: string;
  period_start: YearMonth;
  period_end: YearMonth;
  base: Money;
  rate: string;
  amount: Money;
}

/** A 缴费证明 as the gateway issued it (masked holder). */
export interface PaymentCertificate {
  number: string;
  order_id: string;
  ticket_number: string;
  name_masked: string;
  id_number_masked: string;
  lines: CertificateLine[];
  total: Money;
  issued_on: string;
  tax_office: string;
  status: CertificateStatus;
}

/** A certificate saved on this device. */
export interface SavedCertificate {
  certificate: PaymentCertificate;
  /** Where the first page was saved (Pictures/社保缴费助手/... on desktop). */
  path: string;
  file_name: string;
  /** Every page's location, the first one included. */
  pages: string[];
}

/** A 缴费证明 issued by the gateway, checked, rendered and saved by the shell. */
export interface IssuedCertificate extends SavedCertificate {
  /** The saved PNG as a data URL. */
  image: string;
}

/** A saved certificate drawn again from its stored data. */
export interface CertificateImages extends SavedCertificate {
  /** Every page as a PNG data URL. */
  images: string[];
}

/** One row of the saved certificates (已保存的证明): masked holder only. */
export interface GalleryEntry {
  number: string;
  name_masked: string;
  total: Money;
  period_start: YearMonth | null;
  period_end: YearMonth | null;
  issued_on: string;
  file_name: string;
  path: string;
  pages: number;
  /** Unix seconds. */
  saved_at: number;
}

export interface CertificateNumberRequest {
  number: string;
}

/** The texts of a native file dialog, in the UI's language. */
export interface DialogTexts {
  title: string;
  filter_name: string;
}

export interface SaveAsRequest extends CertificateNumberRequest, DialogTexts {}

/** What 验真 found. */
export type Verdict =
  | 'valid'
  | 'refunded'
  | 'superseded'
  | 'not_found'
  | 'status_unavailable'
  | 'tampered'
  | 'unknown_key'
  | 'not_a_certificate'
  | 'no_qr_code';

export interface Verification {
  verdict: Verdict;
  /** The signed payload's fields: present only when its signature verified. */
  number: string | null;
  amount: Money | null;
  period_start: YearMonth | null;
  period_end: YearMonth | null;
  issued_on: string | null;
  key_index: number | null;
  /** The verification origin written in the QR (lower case). */
  verify_origin: string | null;
  /** The origin is this machine's own address: a phone scanning the QR cannot reach it. */
  origin_local_only: boolean;
}

/** A person remembered on this device (masked). */
export interface RememberedPerson extends Person {
  person_id: string;
  current: boolean;
}

export interface PersonRequest {
  person_id: string;
}

export interface SignOutRequest {
  /** The current person when absent. */
  person_id?: string;
}

export interface DeclarationList {
  items: Declaration[];
}

export interface IssueCertificateRequest {
  order_id: string;
}

export type AttemptStatus =
  | 'pending'
  | 'succeeded'
  | 'closed'
  | 'failed'
  | 'expired'
  | 'unknown'
  | 'refund_pending'
  | 'refunded';

export interface PaymentAttempt {
  id: string;
  order_id: string;
  channel: Channel;
  status: AttemptStatus;
  amount: Money;
  qr_text: string;
  pay_url: string;
  expires_at: string;
}

export interface StartPaymentRequest {
  declaration_id: string;
  channel: Channel;
}

export interface PaymentStarted {
  order: PaymentOrder;
  attempt: PaymentAttempt;
  /** The attempt's QR code as a standalone SVG document. */
  qr_svg: string;
}

export interface WaitPaymentRequest {
  order_id: string;
}

export interface OpenPayLinkRequest {
  attempt_id: string;
}

/** What a journaled request became after the app sent it again at start. */
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

export interface ReplayedOutcome {
  kind: ReplayedKind;
  /** `answered`, or the gateway's refusal code. */
  outcome: string;
  /** The declaration, order or attempt id, or the certificate number the answer named. */
  answer_id: string | null;
}

/** A gateway key as served at `/.well-known/shebao-keys`. */
export interface GatewayKey {
  kid: string;
  use: 'response' | 'certificate';
  index?: number;
  public_key: string;
  not_before: string;
  not_after: string;
}

export type GatewaySetting =
  { kind: 'sandbox' } | { kind: 'remote'; origin: string; keys: { keys: GatewayKey[] } };

export interface Settings {
  gateway: GatewaySetting;
  language: 'zh-CN' | 'en';
  large_text: boolean;
  /** The first-start privacy notice was read and accepted. */
  privacy_accepted: boolean;
  /** The colour theme: the system's preference (default) or one theme always. */
  theme: 'system' | 'light' | 'dark';
  /** Local notifications before the policy table's deadlines; off until turned on. */
  reminders: boolean;
}

export interface SavedSettings {
  settings: Settings;
  /** The gateway changed: the app uses it from its next start. */
  restart_needed: boolean;
}

/** What "clear this device" did at the gateway. */
export interface DeviceCleared {
  device_revoked: boolean;
}

// Exception handling (缴款异常处理) and the declaration query with its void (申报查询及作废).

/** A payment order without an outcome, with its attempts: what ticket void can be asked for. */
export interface PaymentException {
  order: PaymentOrder;
  attempts: PaymentAttempt[];
}

export interface PaymentExceptionList {
  items: PaymentException[];
}

export interface VoidTicketRequest {
  order_id: string;
}

export interface ListDeclarationsRequest {
  status: DeclarationStatus;
}

export interface VoidDeclarationRequest {
  declaration_id: string;
  /** 1 to 200 characters, in the payer's words. */
  reason: string;
}

// The steps before payment: registration (参保登记), insured information (参保信息查询) and
// assessment (核定) with its transmission (传输) wait.

/** Assessed months before the current month that are not paid (欠费). */
export interface Arrear {
  payable_id: string;
  item: InsuranceItem;
  period_start: YearMonth;
  period_end: YearMonth;
  /** The months of the period before the current month. */
  months: number;
  base: Money;
  /** A declaration of it waits for payment. */
  declared: boolean;
}

export interface InsuredInfo {
  insured: boolean;
  items: InsuranceItem[];
  /** 经办机构 */
  agency?: string;
  insured_since?: YearMonth;
  /** The latest month covered by a paid contribution. */
  paid_through?: YearMonth;
  arrears: Arrear[];
  arrears_months: number;
}

export interface RegisterRequest {
  /** The first insured month; the current month when absent. */
  since_month?: YearMonth;
}

export type PeriodType = 'monthly' | 'quarterly' | 'yearly';

export interface ItemOption {
  item: InsuranceItem;
  rate: string;
  personal_share: string;
  status: PolicyStatus;
}

export interface PeriodTypeOption {
  period_type: PeriodType;
  /** Oldest first; the last one holds the current month. */
  start_months: YearMonth[];
}

export interface AssessmentOptions {
  current_month: YearMonth;
  items: ItemOption[];
  period_types: PeriodTypeOption[];
  back_payment_allowed: boolean;
}

export interface QuoteRequest {
  items: InsuranceItem[];
  period_type: PeriodType;
  start_month: YearMonth;
  base?: Money;
  /** A grade's share of the average wage, e.g. `"0.60"`. */
  grade?: string;
}

export interface Grade {
  share: string;
  base: Money;
}

export interface QuoteLine {
  item: InsuranceItem;
  rate: string;
  monthly_amount: Money;
  amount: Money;
  personal: Money;
  pooled: Money;
  policy_status: PolicyStatus;
}

/** The price of a choice from the app's policy table (the gateway's assessment counts). */
export interface AssessmentQuote {
  period_start: YearMonth;
  period_end: YearMonth;
  months: number;
  base_min: Money;
  base_max: Money;
  grades: Grade[];
  range_status: PolicyStatus;
  base: Money | null;
  /** `base_out_of_range` or `validation_failed`; no lines then. */
  base_refusal: string | null;
  lines: QuoteLine[];
  monthly_total: Money;
  total: Money;
  policy_status: PolicyStatus;
}

export type NewAssessment = QuoteRequest;

export type AssessmentStatus = 'assessed' | 'transmitting' | 'payable';

/** An assessment and the seconds its transmission still takes (by the gateway's clock). */
export interface AssessmentProgress {
  id: string;
  status: AssessmentStatus;
  period_type: PeriodType;
  period_start: YearMonth;
  period_end: YearMonth;
  base: Money;
  items: Payable[];
  total: Money;
  assessed_at: string;
  ready_at: string;
  seconds_left: number;
}

export interface AssessmentRequest {
  assessment_id: string;
}

// 缴费查询及证明开具 and 缴费记录.

/** One of the person's payments as 缴费查询 lists it: paid, or refunded since. */
export interface PaidPayment {
  order_id: string;
  /** 电子税票号码: opaque digits. */
  ticket_number: string;
  status: 'paid' | 'refunded';
  period_start: YearMonth;
  period_end: YearMonth;
  lines: CertificateLine[];
  amount: Money;
  /** RFC 3339, UTC+8. */
  paid_at: string;
  /** 缴款日期, YYYY-MM-DD. */
  paid_on: string;
  channel?: Channel;
  refunded_at?: string;
  /** The order's 缴费证明, once issued. */
  certificate_number?: string;
  certificate_status?: CertificateStatus;
}

export interface PaidPaymentList {
  items: PaidPayment[];
}

export type MonthState = 'paid' | 'arrears' | 'gap' | 'due' | 'future' | 'not_insured';

export interface HistoryMonth {
  month: YearMonth;
  state: MonthState;
}

export interface HistoryYear {
  year: number;
  /** What the paid payments cost for this year's fee months. */
  paid_amount: Money;
  paid_months: number;
  arrears_months: number;
  gap_months: number;
  /** Twelve months, January first. */
  months: HistoryMonth[];
}

/** 缴费记录: the person's months, newest year first. */
export interface PaymentHistory {
  current_month: YearMonth;
  insured: boolean;
  items: InsuranceItem[];
  insured_since?: YearMonth;
  paid_through?: YearMonth;
  paid_amount: Money;
  paid_months: number;
  arrears_months: number;
  gap_months: number;
  years: HistoryYear[];
}
