/** English text of every screen, with the same keys as the Chinese reference. */

import type { IdType } from '../types';
import type { Messages } from './zh-CN';

/**
 * English names of the document types. The Chinese names come from the core (`id_types`
 * command), so the Chinese messages have no such list.
 */
export const idTypeNamesEn: Record<IdType, string> = {
  resident_id_card: 'Resident ID card',
  residence_permit_hmt: 'Residence permit for Hong Kong, Macao and Taiwan residents',
  mainland_travel_permit_hk_mo: 'Mainland travel permit for Hong Kong and Macao residents',
  mainland_travel_permit_tw: 'Mainland travel permit for Taiwan residents',
  foreign_permanent_residence: 'Foreign permanent resident ID card',
  passport: 'Passport',
};

const en: Messages = {
  app: {
    title: 'Shebao',
    subtitle: 'Social insurance for flexible workers in Ningxia',
  },
  common: {
    unit: 'yuan',
    money: '{amount} yuan',
    periodRange: '{start} to {end}',
    retry: 'Try again',
    home: 'Back to home',
    loading: 'Loading…',
    switchLocale: '中文',
  },
  shell: {
    sandboxBanner: 'Demo environment · simulated date {date} · all data is fictional',
    sandboxBannerUndated: 'Demo environment · all data is fictional',
    sessionOnly:
      'The system keyring is unavailable: this device key lasts only until the app quits. If a payment is interrupted, the app cannot resume it automatically, so finish paying while the app stays open.',
    replayedAnswered: 'The {kind} cut off last time was sent again at this start and went through.',
    replayedRefused:
      'The {kind} cut off last time was sent again at this start and was refused; please start it again.',
    replayedKinds: {
      declaration: 'declaration',
      payment_order: 'payment order',
      payment_attempt: 'payment request',
      certificate: 'payment certificate',
      request: 'request',
    },
  },
  steps: {
    identity: 'Identity',
    review: 'Review',
    declare: 'Declare',
    pay: 'Pay',
  },
  home: {
    packageTitle: 'Declare and pay in one go (recommended)',
    packageIntro:
      'Confirm who you are, check the assessed contributions that appear, then declare and pay them.',
    start: 'Start',
    beforeTitle: 'Before you start',
    assessmentNote:
      'Your contributions must be assessed first, at a social security office or in the 我的宁夏 app. The assessment then takes about 5–15 minutes to reach the tax bureau before it shows up here.',
    helpTitle: 'Need help?',
    hotlineTax: 'Tax service hotline',
    hotlineTaxHint: 'Payments, tax tickets, receipts',
    hotlineTaxNumber: '12366',
    hotlineSocial: 'Social security hotline',
    hotlineSocialHint: 'Enrolment, assessment, contribution base',
    hotlineSocialNumber: '12333',
    offlineHelp:
      'If you find it hard to assess and pay on your own, staff at collecting bank branches, district offices, community service centres and neighbourhood committees can guide you.',
    equalValidity:
      'Receipts from the 我的宁夏 app, self-service terminals at tax service halls and collecting bank branches are as valid as those issued at a tax service counter: all are legal receipts for reimbursement, bookkeeping and "4050" subsidy applications.',
  },
  identity: {
    title: 'Confirm identity',
    intro: "Enter the payer's ID details. The assessed contributions appear once confirmed.",
    name: 'Name',
    namePlaceholder: 'As shown on the ID document',
    nameRequired: 'Enter the name',
    idType: 'ID type',
    idTypePickerTitle: 'Choose the ID type',
    idNumber: 'ID number',
    idNumberPlaceholder: 'Enter the ID number',
    idNumberRequired: 'Enter the ID number',
    refusalWithRule: '{refusal} {rule}',
    idRules: {
      resident_id_card: 'A resident ID number has 18 characters: 17 digits, then a digit or X.',
      residence_permit_hmt:
        'A residence permit number has 18 characters, opens with 810000, 820000 or 830000 and ends with a digit or X.',
      mainland_travel_permit_hk_mo:
        'A permit number is H or M and 8 digits, 11 characters with the 2-digit renewal count.',
      mainland_travel_permit_tw: 'A permit number has 8 digits, 10 with the 2-digit renewal count.',
      foreign_permanent_residence:
        'A permanent resident ID number has 18 characters opening with 9; an old card has 3 letters and 12 digits.',
      passport: 'A passport number has 5 to 17 letters and digits.',
    },
    keyboardDone: 'Done',
    captcha: 'Captcha',
    captchaPlaceholder: 'As shown',
    captchaRequired: 'Enter the captcha',
    captchaAlt: 'Captcha picture',
    captchaRefresh: 'New one',
    captchaFailed: 'The captcha did not load. Tap "New one" to try again.',
    confirm: 'Confirm',
    privacy:
      'Only the name, ID type, ID number and captcha are sent, to the tax bureau, to confirm your identity. This device keeps no full name or ID number: only the confirmed identity token and the masked name and number, in the system keyring, so you need not type them again.',
    pickerConfirm: 'OK',
    pickerCancel: 'Cancel',
  },
  payables: {
    title: 'Review',
    person: 'Payer',
    idNumber: 'ID number',
    listTitle: 'Contributions due',
    items: {
      pension: 'Basic pension insurance for enterprise employees',
      medical: 'Basic medical insurance for employees',
    },
    period: 'Fee period',
    amount: 'Amount due',
    detail: 'Details',
    detailHide: 'Hide',
    months: 'Months',
    monthsValue: '{months} month(s)',
    base: 'Contribution base',
    rate: 'Rate',
    rateValue: '{percent}%',
    personal: 'Personal account',
    pooled: 'Pooled fund',
    provisional: 'Provisional',
    provisionalNote:
      "This period's base figures are not published yet; last year's figures are used until they are.",
    unconfirmed: 'Unconfirmed',
    unconfirmedNote:
      'These figures come from public sources and are not yet checked against an official notice.',
    loading: 'Looking up contributions due…',
    unpaidTitle: 'Declared, not paid yet',
    unpaidWaiting: 'Declared; not paid yet.',
    unpaidInProgress:
      'A payment was started and not finished; continuing will not charge you twice.',
    payDeclared: 'Pay now',
    resumePayment: 'Continue paying',
    emptyTitle: 'Nothing to pay right now',
    emptyHint:
      'After an assessment, the data usually takes 5–15 minutes to reach the tax bureau. Refresh in a while.',
    notInsured:
      'No insurance record was found. Enrol and get assessed at a social security office or in the 我的宁夏 app first; for questions call 12333.',
    refresh: 'Refresh',
    reconfirm: 'Confirm identity again',
    total: 'Total',
    declare: 'Declare',
    confirmTitle: 'Confirm declaration',
    confirmAmount: 'Amount',
    confirmPeriod: 'Fee period',
    confirmNote: 'Please pay soon after declaring.',
    confirmOk: 'Declare',
    confirmCancel: 'Not yet',
  },
  pay: {
    title: 'Pay',
    summaryTitle: 'Payment',
    amount: 'Amount',
    period: 'Fee period',
    declaration: 'Declaration',
    channelTitle: 'Pay with',
    channels: {
      unionpay: 'UnionPay',
    },
    channelNotes: {
      unionpay: 'Pays from a bank card',
    },
    pay: 'Pay now',
    ticketNumber: 'Tax ticket number',
    qrAlt: 'Payment QR code',
    scanHint: 'Scan with your phone to pay, or open the cashier page in a browser',
    openCashier: 'Open the cashier page in a browser',
    payUrlHint: 'If no browser opens, copy this address into one: ',
    chooseChannel: 'Choose a payment method first',
    noRepeat: 'This page updates by itself after you pay. Do not pay twice.',
    status: {
      waiting: 'Waiting for payment…',
      unknown: 'Confirming the payment result. Do not pay again.',
      reconnecting: 'Connection lost, reconnecting…',
      voided: 'This tax ticket was voided; the payment did not go through.',
      stopped: 'The payment result cannot be checked right now.',
    },
    resume: 'Check again',
    missing: 'This declaration was not found. Please start again from the home page.',
  },
  paid: {
    title: 'Result',
    success: 'Payment successful',
    amount: 'Amount paid',
    ticketNumber: 'Tax ticket number',
    period: 'Fee period',
    paidAt: 'Paid at',
    nextStep:
      'Issue the payment certificate now: the image is saved to your album and serves for reimbursement and subsidy applications (such as "4050"). Certificates from every channel are equally valid.',
    certificateTitle: 'Payment certificate',
    issueCertificate: 'Issue payment certificate',
    issuingCertificate: 'Issuing…',
    certificateSaved: 'Saved to your album',
    certificateFolder: 'Pictures / 社保缴费助手 / {file}',
    certificateVerified:
      'The QR code on the certificate passed the signature check; anyone can scan it to verify.',
    certificatePreviewAlt: 'Preview of the payment certificate',
    missing: 'This payment was not found. Please start again from the home page.',
  },
  errors: {
    signature_missing: 'The request was not signed and was refused. Restart the app and try again.',
    device_unknown:
      'This device is no longer enrolled. Restart the app so that it enrols the device again.',
    device_revoked: "This device's access was revoked. If you did not do this, call 12366.",
    timestamp_out_of_window:
      "This device's clock is too far from the server's. Set the time to update automatically, then try again.",
    signature_invalid:
      'The request signature did not verify. Restart the app and try again; if it persists, call 12366.',
    nonce_replayed: 'This request repeated an earlier one and was refused. Please try again.',
    idempotency_key_missing:
      'The request lacked its duplicate guard and was refused. Please try again.',
    idempotency_key_reused:
      'This submission differs from an earlier one with the same key. Start again from the home page.',
    idempotency_in_progress:
      'The same operation is still being processed. Wait a moment before checking; do not submit again.',
    captcha_invalid: 'The captcha was wrong or expired. Read the new captcha and enter it again.',
    identity_not_confirmed:
      'The name and ID number do not match, or no insurance record was found. Check them and try again; for questions call 12333.',
    identity_token_invalid: 'Your identity confirmation has expired. Please confirm it again.',
    validation_failed: 'Some details are not valid. Check them and submit again.',
    not_found: 'No matching record was found. Start again from the home page.',
    payable_not_available:
      'These contributions are already declared or cannot be declared yet. Refresh the list and try again.',
    declaration_not_payable:
      'This declaration is already paid or voided. Go back home to see what is due now.',
    payment_in_progress:
      'A payment for these contributions is already being processed. Do not pay again.',
    certificate_not_available:
      'A payment certificate can be issued only after the payment has gone through. Try again once it is paid.',
    policy_not_published:
      'The figures for this period are not published yet. Try again once they are, or call 12333.',
    base_out_of_range:
      'The contribution base is outside the allowed range. Choose a base between the limits.',
    period_type_not_allowed:
      'The policy does not offer the payment interval (monthly, quarterly or yearly) of this assessment, so it cannot be paid here. Call 12333 to have it assessed again.',
    back_payment_not_allowed:
      'Contributions of an earlier year cannot be paid here. Take your ID document to a social insurance office or tax service hall, or call 12366.',
    already_insured:
      'You are already registered for social insurance. Go on to have your contributions assessed.',
    not_insured:
      'You are not registered for social insurance yet. Register first (参保登记), then have your contributions assessed.',
    period_already_assessed:
      'These months are already assessed. Pay the assessed contributions, or void their declaration first.',
    assessment_not_ready:
      'Your assessment is being transmitted to the tax office. You can pay once it arrives; the time is shown.',
    declaration_not_voidable: 'This declaration is already paid or voided, so it cannot be voided.',
    rate_limited: 'Too many attempts. Wait a little and try again.',
    id_length: 'The ID number has the wrong length. Please check it.',
    id_characters: 'The ID number contains invalid characters. Please check it.',
    id_region: 'The region code (first 6 digits) of the ID number is not valid. Please check it.',
    id_birth_date: 'The birth date inside the ID number is not valid. Please check it.',
    id_check_digit:
      'The last (check) character of the ID number does not match. A digit may be mistyped; check each one.',
    id_legacy_15:
      'This is an old 15-digit ID number, which cannot be used to pay. Use the 18-character number.',
    id_prefix:
      'The number does not start the way this document type does. Check the document type and the first characters.',
    name_invalid:
      'The name is not valid. Enter it as on the ID document; use "·" between parts of a minority name.',
    internal: 'The service had a problem. Try again later; if it persists, call 12366.',
    network: 'The connection failed. Check the network and try again.',
    keyring_unavailable:
      'The system keyring cannot store the device key. You can go on, but you must confirm your identity again after the app quits.',
    open_failed: 'The browser could not be opened. Scan the QR code with your phone to pay.',
    certificate_invalid:
      'The certificate received did not pass the signature check and was not saved. Try again later; if it persists, call 12366.',
    render_failed:
      'The certificate image could not be made. Try again later; if it persists, call 12366.',
    save_failed:
      'The certificate could not be saved. Check that the Pictures folder is writable, then try again.',
    journal_failed:
      'The app could not write its local record of this step, so it did not send it (to avoid paying twice). Check the free disk space and try again.',
    unknown: 'That did not work (code {code}). Try again later; if it persists, call 12366.',
  },
};

export default en;
