/**
 * The one door to the Tauri shell: a typed function per command of docs/api.md ("App
 * commands"), each calling the `commands` generated from the Rust side
 * (`./generated/bindings`). Each command gets `{ request }` with snake_case members, or no
 * arguments. The generated functions answer `{ status: 'ok', data }` or
 * `{ status: 'error', error }`; these unwrap them, and every failure rejects with an
 * {@link AppError}: anything that is not already `{code, message}` is reported as `network`,
 * since the shell did not answer in its own terms.
 */

import { commands } from './generated/bindings';
import type { PaidPaymentList, PaymentHistory } from './types';
import type {
  Account,
  AccountDevice,
  AccountDeviceList,
  AccountStatus,
  DeviceRequest,
  IssueTaxCertificateRequest,
  LogInRequest,
  RegisterAccountRequest,
  TaxPaymentsRequest,
  TaxPaymentsView,
} from './types';
import type * as Generated from './generated/bindings';
import type {
  AppError,
  AppInfo,
  AssessmentOptions,
  AssessmentProgress,
  AssessmentQuote,
  AssessmentRequest,
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
  InsuredInfo,
  IssueCertificateRequest,
  IssuedCertificate,
  ListDeclarationsRequest,
  NewAssessment,
  OpenPayLinkRequest,
  PayableList,
  PaymentExceptionList,
  PaymentOrder,
  PaymentStarted,
  Person,
  PersonRequest,
  QuoteRequest,
  RegisterRequest,
  RememberedPerson,
  ReplayedOutcome,
  SaveAsRequest,
  SavedSettings,
  Settings,
  SignOutRequest,
  StartPaymentRequest,
  Verification,
  VoidDeclarationRequest,
  VoidTicketRequest,
  WaitPaymentRequest,
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

/** What a generated command answers: its value, or the `{code, message}` it was refused with. */
type Answer<T> = { status: 'ok'; data: T } | { status: 'error'; error: unknown };

/** Runs a generated command and unwraps its answer; every failure rejects with an AppError. */
async function call<T>(command: () => Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await command();
  } catch (reason) {
    throw toAppError(reason);
  }
  if (answer.status === 'error') {
    throw toAppError(answer.error);
  }
  return answer.data;
}

/** Runs a generated command that cannot be refused (its Rust function answers no `Result`). */
async function infallible<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (reason) {
    throw toAppError(reason);
  }
}

export function appInfo(): Promise<AppInfo> {
  return call(() => commands.appInfo());
}

/** Every document type, in the core's order, with its Chinese name from the core. */
export function idTypes(): Promise<IdTypeInfo[]> {
  return infallible(() => commands.idTypes());
}

export function checkIdNumber(request: CheckIdNumberRequest): Promise<IdNumberCheck> {
  return call(() => commands.checkIdNumber(request));
}

export function newCaptcha(): Promise<Captcha> {
  return call(() => commands.newCaptcha());
}

export function confirmIdentity(request: ConfirmIdentityRequest): Promise<Person> {
  return call(() => commands.confirmIdentity(request));
}

export function listPayables(): Promise<PayableList> {
  return call(() => commands.listPayables());
}

/** Declarations filed but not paid yet (申报查询), each with its open payment order if any. */
export function listUnpaidDeclarations(): Promise<DeclarationList> {
  return call(() => commands.listUnpaidDeclarations());
}

/** Files the payables as one declaration; pressing twice for the same intent gives one. */
export function declare(request: DeclareRequest): Promise<Declaration> {
  return call(() => commands.declare(request));
}

export function startPayment(request: StartPaymentRequest): Promise<PaymentStarted> {
  return call(() => commands.startPayment(request));
}

/** Long-polls the gateway for up to 25 s and answers the order as it then stands. */
export function waitPayment(request: WaitPaymentRequest): Promise<PaymentOrder> {
  return call(() => commands.waitPayment(request));
}

/** Opens the attempt's cashier page in the system browser. */
export function openPayLink(request: OpenPayLinkRequest): Promise<null> {
  return call(() => commands.openPayLink(request));
}

/** Issues (once) the order's 缴费证明, verifies it, and saves it to Pictures/社保缴费助手. */
export function issueCertificate(request: IssueCertificateRequest): Promise<IssuedCertificate> {
  return call(() => commands.issueCertificate(request));
}

/**
 * What the app sent again at this start (requests a crash or a lost network cut off), once:
 * a later call answers only what is new.
 */
export function pendingOutcomes(): Promise<ReplayedOutcome[]> {
  return call(() => commands.pendingOutcomes());
}

/**
 * Signs a person (the current one without a request) out of this device: their identity token
 * leaves the keyring.
 */
export function signOut(request?: SignOutRequest): Promise<null> {
  return call(() => commands.signOut(request ?? null));
}

/** The people remembered on this device (masked), the current one marked. */
export function rememberedPeople(): Promise<RememberedPerson[]> {
  return call(() => commands.rememberedPeople());
}

/** Makes a remembered person the current one (switching between family members). */
export function switchPerson(request: PersonRequest): Promise<Person> {
  return call(() => commands.switchPerson(request));
}

/** The certificates this device saved, newest first (已保存的证明). */
export function savedCertificates(): Promise<GalleryEntry[]> {
  return call(() => commands.savedCertificates());
}

/** A saved certificate drawn again from its stored data, every page as a PNG data URL. */
export function certificateImages(request: CertificateNumberRequest): Promise<CertificateImages> {
  return call(() => commands.certificateImages(request));
}

/** 验真 of a saved certificate: its QR read back, the signature, the gateway's status. */
export function verifySavedCertificate(request: CertificateNumberRequest): Promise<Verification> {
  return call(() => commands.verifySavedCertificate(request));
}

/** 验真 of an image file picked in the system's file dialog; `null` when cancelled. */
export function verifyCertificateFile(request: DialogTexts): Promise<Verification | null> {
  return call(() => commands.verifyCertificateFile(request));
}

/** "Save as…" through the system's save dialog; the path written, or `null` when cancelled. */
export function saveCertificateAs(request: SaveAsRequest): Promise<string | null> {
  return call(() => commands.saveCertificateAs(request));
}

/** Opens the file manager at the saved certificate. */
export function showCertificateInFolder(request: CertificateNumberRequest): Promise<null> {
  return call(() => commands.showCertificateInFolder(request));
}

/** Copies the certificate image to the clipboard. */
export function copyCertificateImage(request: CertificateNumberRequest): Promise<null> {
  return call(() => commands.copyCertificateImage(request));
}

/**
 * Revokes this device's key at the gateway, then removes this app's keyring entries, journal and
 * logs from the device; `device_revoked` is false when the gateway could not be reached.
 */
export function clearDevice(): Promise<DeviceCleared> {
  return call(() => commands.clearDevice());
}

export function getSettings(): Promise<Settings> {
  return call(() => commands.getSettings());
}

/**
 * Saves the settings. A remote gateway needs an https origin and its key set; switching gateway
 * forgets the identities confirmed on the old one and takes effect at the next start.
 */
export function saveSettings(request: Settings): Promise<SavedSettings> {
  return call(() => commands.saveSettings(request));
}

// Exception handling (缴款异常处理) and the declaration query with its void (申报查询及作废).

/** The confirmed person's payment orders without an outcome, each with its attempts. */
export function listPaymentExceptions(): Promise<PaymentExceptionList> {
  return call(() => commands.listPaymentExceptions());
}

/**
 * Ticket void (票证作废): the order's open attempts are closed at their channels, then the order
 * is voided. Answers the order: `voided`, or `paid` when a channel reports it was paid after all.
 */
export function voidTicket(request: VoidTicketRequest): Promise<PaymentOrder> {
  return call(() => commands.voidTicket(request));
}

/** The confirmed person's declarations in one status, newest first (申报查询). */
export function listDeclarations(request: ListDeclarationsRequest): Promise<DeclarationList> {
  return call(() => commands.listDeclarations(request));
}

/** 申报作废 with the payer's reason: its payables become payable again. */
export function voidDeclaration(request: VoidDeclarationRequest): Promise<Declaration> {
  return call(() => commands.voidDeclaration(request));
}

// The steps before payment: registration (参保登记), insured information (参保信息查询) and
// assessment (核定) with its transmission (传输) wait.

/** 参保信息查询 of the current person. */
export function insuredInfo(): Promise<InsuredInfo> {
  return call(() => commands.insuredInfo());
}

/** 参保登记 + 缴费登记 of the current person; pressed twice, one registration. */
export function register(request: RegisterRequest = {}): Promise<InsuredInfo> {
  return call(() => commands.register(request));
}

/** What an assessment may be made of today: items, period types and their start months. */
export function assessmentOptions(): Promise<AssessmentOptions> {
  return call(() => commands.assessmentOptions());
}

/** The allowed base range, grades and amounts of a choice, from the policy table. */
export function quoteAssessment(request: QuoteRequest): Promise<AssessmentQuote> {
  return call(() => commands.quoteAssessment(request));
}

/** 核定: the assessment, in transmission until `ready_at`; pressed twice, one assessment. */
export function createAssessment(request: NewAssessment): Promise<AssessmentProgress> {
  return call(() => commands.createAssessment(request));
}

/** An assessment with its transmission status and the seconds left. */
export function getAssessment(request: AssessmentRequest): Promise<AssessmentProgress> {
  return call(() => commands.getAssessment(request));
}

/** 关于缴费标准: the policy table behind the figures, each with its source and status. */
export function policyFigures(): Promise<Generated.PolicyFigures_Serialize> {
  return call(() => commands.policyFigures());
}

/** Payment reminders due now (the sandbox's date in the sandbox), not yet shown. */
export function dueReminders(): Promise<Generated.DueReminder[]> {
  return call(() => commands.dueReminders());
}

/** Remembers that a reminder was shown, so it is shown once. */
export async function markReminderSent(id: string): Promise<void> {
  await call(() => commands.markReminderSent({ id }));
}

// The natural-person account (个人办税登录) and 完税查询及证明补打. The session token stays in
// the shell (the OS keyring); the webview only learns whether someone is logged in.

/** Whether a natural person is logged in on this device (masked number only). */
export function accountStatus(): Promise<AccountStatus> {
  return call(() => commands.accountStatus());
}

/** 自然人注册 for the confirmed person: a mobile number and a password. */
export function registerAccount(request: RegisterAccountRequest): Promise<Account> {
  return call(() => commands.registerAccount(request));
}

/** 个人办税登录 with a document number and the account's password. */
export function logIn(request: LogInRequest): Promise<AccountStatus> {
  return call(() => commands.logIn(request));
}

/** Ends the login: the gateway is told and the token leaves the keyring. */
export function logOut(): Promise<null> {
  return call(() => commands.logOut());
}

/** The devices the logged-in person used, this one marked `current`. */
export function accountDevices(): Promise<AccountDeviceList> {
  return call(() => commands.accountDevices());
}

/** Revokes another device of the person (a lost phone): its key is refused from then on. */
export function revokeAccountDevice(request: DeviceRequest): Promise<AccountDevice> {
  return call(() => commands.revokeAccountDevice(request));
}

/** 完税查询 of one year, with the 完税证明 this device saved and their status now. */
export function listTaxPayments(request: TaxPaymentsRequest): Promise<TaxPaymentsView> {
  return call(() => commands.listTaxPayments(request));
}

/** 开具完税证明 for the selected payments: checked, drawn and saved like a 缴费证明. */
export function issueTaxCertificate(
  request: IssueTaxCertificateRequest,
): Promise<IssuedCertificate> {
  return call(() => commands.issueTaxCertificate(request));
}

// 缴费查询及证明开具 and 缴费记录.

/** 缴费查询: the confirmed person's paid payments (refunded ones marked), newest first. */
export function listPaidPayments(): Promise<PaidPaymentList> {
  return call(() => commands.listPaidPayments());
}

/** 缴费记录: paid months, arrears and gaps by year, from insured information and payments. */
export function paymentHistory(): Promise<PaymentHistory> {
  return call(() => commands.paymentHistory());
}
