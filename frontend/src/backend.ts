/**
 * The one door to the Tauri shell: a typed function per command of docs/api.md ("App
 * commands"). Each command gets `{ request }` with snake_case members, or no arguments. Every
 * failure rejects with an {@link AppError}; anything that is not already `{code, message}` is
 * reported as `network`, since the shell did not answer in its own terms.
 */

import { invoke } from '@tauri-apps/api/core';

import type {
  AssessmentOptions,
  AssessmentProgress,
  AssessmentQuote,
  AssessmentRequest,
  InsuredInfo,
  NewAssessment,
  QuoteRequest,
  RegisterRequest,
} from './types';
import type {
  AppError,
  AppInfo,
  Captcha,
  CertificateImages,
  CertificateNumberRequest,
  CheckIdNumberRequest,
  ConfirmIdentityRequest,
  Declaration,
  DeclarationList,
  DeclareRequest,
  DeviceCleared,
  DialogTexts,
  GalleryEntry,
  IdNumberCheck,
  IdTypeInfo,
  IssueCertificateRequest,
  IssuedCertificate,
  OpenPayLinkRequest,
  PayableList,
  PaymentOrder,
  PaymentStarted,
  Person,
  PersonRequest,
  RememberedPerson,
  ReplayedOutcome,
  SaveAsRequest,
  SavedSettings,
  Settings,
  SignOutRequest,
  StartPaymentRequest,
  Verification,
  WaitPaymentRequest,
} from './types';
import type { PaidPaymentList, PaymentHistory } from './types';
import type {
  ListDeclarationsRequest,
  PaymentExceptionList,
  VoidDeclarationRequest,
  VoidTicketRequest,
} from './types';

/** Turns whatever a command rejected with into `{code, message}`. */
export function toAppError(reason: unknown): AppError {
  if (isAppError(reason)) {
    return { code: reason.code, message: typeof reason.message === 'string' ? reason.message : '' };
  }

  const message =
    reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
  return { code: 'network', message };
}

function isAppError(value: unknown): value is { code: string; message?: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    typeof value.code === 'string' &&
    value.code.length > 0
  );
}

async function call<T>(command: string, request?: object): Promise<T> {
  try {
    return await invoke<T>(command, request === undefined ? undefined : { request });
  } catch (reason) {
    throw toAppError(reason);
  }
}

export function appInfo(): Promise<AppInfo> {
  return call('app_info');
}

/** Every document type, in the core's order, with its Chinese name from the core. */
export function idTypes(): Promise<IdTypeInfo[]> {
  return call('id_types');
}

export function checkIdNumber(request: CheckIdNumberRequest): Promise<IdNumberCheck> {
  return call('check_id_number', request);
}

export function newCaptcha(): Promise<Captcha> {
  return call('new_captcha');
}

export function confirmIdentity(request: ConfirmIdentityRequest): Promise<Person> {
  return call('confirm_identity', request);
}

export function listPayables(): Promise<PayableList> {
  return call('list_payables');
}

/** Declarations filed but not paid yet (申报查询), each with its open payment order if any. */
export function listUnpaidDeclarations(): Promise<DeclarationList> {
  return call('list_unpaid_declarations');
}

/** Files the payables as one declaration; pressing twice for the same intent gives one. */
export function declare(request: DeclareRequest): Promise<Declaration> {
  return call('declare', request);
}

export function startPayment(request: StartPaymentRequest): Promise<PaymentStarted> {
  return call('start_payment', request);
}

/** Long-polls the gateway for up to 25 s and answers the order as it then stands. */
export function waitPayment(request: WaitPaymentRequest): Promise<PaymentOrder> {
  return call('wait_payment', request);
}

/** Opens the attempt's cashier page in the system browser. */
export function openPayLink(request: OpenPayLinkRequest): Promise<null> {
  return call('open_pay_link', request);
}

/** Issues (once) the order's 缴费证明, verifies it, and saves it to Pictures/社保缴费助手. */
export function issueCertificate(request: IssueCertificateRequest): Promise<IssuedCertificate> {
  return call('issue_certificate', request);
}

/**
 * What the app sent again at this start (requests a crash or a lost network cut off), once:
 * a later call answers only what is new.
 */
export function pendingOutcomes(): Promise<ReplayedOutcome[]> {
  return call('pending_outcomes');
}

/**
 * Signs a person (the current one without a request) out of this device: their identity token
 * leaves the keyring.
 */
export function signOut(request?: SignOutRequest): Promise<null> {
  return call('sign_out', request);
}

/** The people remembered on this device (masked), the current one marked. */
export function rememberedPeople(): Promise<RememberedPerson[]> {
  return call('remembered_people');
}

/** Makes a remembered person the current one (switching between family members). */
export function switchPerson(request: PersonRequest): Promise<Person> {
  return call('switch_person', request);
}

/** The certificates this device saved, newest first (已保存的证明). */
export function savedCertificates(): Promise<GalleryEntry[]> {
  return call('saved_certificates');
}

/** A saved certificate drawn again from its stored data, every page as a PNG data URL. */
export function certificateImages(request: CertificateNumberRequest): Promise<CertificateImages> {
  return call('certificate_images', request);
}

/** 验真 of a saved certificate: its QR read back, the signature, the gateway's status. */
export function verifySavedCertificate(request: CertificateNumberRequest): Promise<Verification> {
  return call('verify_saved_certificate', request);
}

/** 验真 of an image file picked in the system's file dialog; `null` when cancelled. */
export function verifyCertificateFile(request: DialogTexts): Promise<Verification | null> {
  return call('verify_certificate_file', request);
}

/** "Save as…" through the system's save dialog; the path written, or `null` when cancelled. */
export function saveCertificateAs(request: SaveAsRequest): Promise<string | null> {
  return call('save_certificate_as', request);
}

/** Opens the file manager at the saved certificate. */
export function showCertificateInFolder(request: CertificateNumberRequest): Promise<null> {
  return call('show_certificate_in_folder', request);
}

/** Copies the certificate image to the clipboard. */
export function copyCertificateImage(request: CertificateNumberRequest): Promise<null> {
  return call('copy_certificate_image', request);
}

/**
 * Revokes this device's key at the gateway, then removes this app's keyring entries, journal and
 * logs from the device; `device_revoked` is false when the gateway could not be reached.
 */
export function clearDevice(): Promise<DeviceCleared> {
  return call('clear_device');
}

export function getSettings(): Promise<Settings> {
  return call('get_settings');
}

/**
 * Saves the settings. A remote gateway needs an https origin and its key set; switching gateway
 * forgets the identities confirmed on the old one and takes effect at the next start.
 */
export function saveSettings(request: Settings): Promise<SavedSettings> {
  return call('save_settings', request);
}

// Exception handling (缴款异常处理) and the declaration query with its void (申报查询及作废).

/** The confirmed person's payment orders without an outcome, each with its attempts. */
export function listPaymentExceptions(): Promise<PaymentExceptionList> {
  return call('list_payment_exceptions');
}

/**
 * Ticket void (票证作废): the order's open attempts are closed at their channels, then the order
 * is voided. Answers the order: `voided`, or `paid` when a channel reports it was paid after all.
 */
export function voidTicket(request: VoidTicketRequest): Promise<PaymentOrder> {
  return call('void_ticket', request);
}

/** The confirmed person's declarations in one status, newest first (申报查询). */
export function listDeclarations(request: ListDeclarationsRequest): Promise<DeclarationList> {
  return call('list_declarations', request);
}

/** 申报作废 with the payer's reason: its payables become payable again. */
export function voidDeclaration(request: VoidDeclarationRequest): Promise<Declaration> {
  return call('void_declaration', request);
}

// The steps before payment: registration (参保登记), insured information (参保信息查询) and
// assessment (核定) with its transmission (传输) wait.

/** 参保信息查询 of the current person. */
export function insuredInfo(): Promise<InsuredInfo> {
  return call('insured_info');
}

/** 参保登记 + 缴费登记 of the current person; pressed twice, one registration. */
export function register(request: RegisterRequest = {}): Promise<InsuredInfo> {
  return call('register', request);
}

/** What an assessment may be made of today: items, period types and their start months. */
export function assessmentOptions(): Promise<AssessmentOptions> {
  return call('assessment_options');
}

/** The allowed base range, grades and amounts of a choice, from the policy table. */
export function quoteAssessment(request: QuoteRequest): Promise<AssessmentQuote> {
  return call('quote_assessment', request);
}

/** 核定: the assessment, in transmission until `ready_at`; pressed twice, one assessment. */
export function createAssessment(request: NewAssessment): Promise<AssessmentProgress> {
  return call('create_assessment', request);
}

/** An assessment with its transmission status and the seconds left. */
export function getAssessment(request: AssessmentRequest): Promise<AssessmentProgress> {
  return call('get_assessment', request);
}

// 缴费查询及证明开具 and 缴费记录.

/** 缴费查询: the confirmed person's paid payments (refunded ones marked), newest first. */
export function listPaidPayments(): Promise<PaidPaymentList> {
  return call('list_paid_payments');
}

/** 缴费记录: paid months, arrears and gaps by year, from insured information and payments. */
export function paymentHistory(): Promise<PaymentHistory> {
  return call('payment_history');
}
