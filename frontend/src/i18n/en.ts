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
    back: 'Back',
    cancel: 'Cancel',
    ok: 'OK',
    loadFailed: 'Could not load',
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
      ticket_void: 'ticket void',
      declaration_void: 'declaration void',
      registration: 'registration',
      assessment: 'assessment',
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
  nav: {
    gallery: 'Saved certificates',
    galleryHint: 'Certificates saved on this device: view, save a copy, verify',
    verify: 'Verify a certificate',
    verifyHint: 'Check an image or a saved certificate: signature and status',
    settings: 'Settings',
    settingsHint: 'Language, large text, gateway, clear this device',
    people: 'Payers',
    peopleHint: 'Switch between family members, add a payer, sign out',
    currentPerson: 'Current payer: {name} ({number})',
    servicesTitle: 'Payments',
    exceptions: 'Payment exceptions',
    exceptionsHint:
      'A payment cut off, no result after paying, another method: void the ticket, pay again',
    declarations: 'Declarations',
    declarationsHint: 'Your declarations; void one that is not paid',
    noPerson: 'No payer confirmed yet',
    insured: 'Insured status',
    insuredHint: 'Status, agency, months paid and arrears',
    assessment: 'Assessment and payment',
    assessmentHint: 'Register if needed, choose a grade or base, pay after transmission',
  },
  channels: {
    title: 'Other ways to pay',
    intro:
      'Each of these channels takes flexible workers’ contributions; the receipts they issue are equally valid.',
    taxApp: {
      name: 'Ningxia Tax app (宁夏税务)',
      tip: 'Tax services → Mobile tax → at the bottom, 灵活就业人员社会保险查询缴纳; the “declare and pay package” is recommended. Also reachable from the 我的宁夏 app.',
    },
    myNingxia: {
      name: '我的宁夏 app',
      tip: 'Home → 一件事一次办 → 灵活就业人员参保核定与缴费. After the assessment succeeds, press 传输 (transmit); about 15 minutes later open 养老保险缴费 → 本人缴费. The result is under 我的 → 我的个人专属 → 我的缴费.',
    },
    bankApps: {
      name: 'Mobile banking apps',
      tip: 'Postal Savings, Shizuishan, Yellow River, China Merchants and China Construction Bank apps: Living payments → social insurance. Assess by searching 电子社保卡 → local services → Ningxia HR app; wait 5–10 minutes before paying.',
    },
    wechat: {
      name: 'WeChat city services',
      tip: 'WeChat: Me → Services (Pay) → City services → Social insurance, choose 宁夏社保缴费, then flexible-worker pension or medical insurance.',
    },
    terminals: {
      name: 'Bank branches and self-service terminals',
      tip: 'Self-service payment machines at branches of ABC, Bank of Communications, China Merchants, CCB, Postal Savings, Yellow River, Shizuishan and Bank of Ningxia, or in the tax hall; identify with your own ID card or face recognition plus an SMS code.',
    },
    taxHall: {
      name: 'Tax service hall',
      tip: 'Have your contributions assessed at the social-security office where you are insured (ID card or social security card), then pay at the local tax hall by card (POS), WeChat, Alipay, UnionPay QuickPass or cash.',
    },
    paymentTip:
      'Alipay and WeChat payments need a linked bank card: Huabei, Yu’ebao, the Alipay balance and WeChat Change cannot be used.',
  },
  gallery: {
    title: 'Saved certificates',
    loading: 'Reading the saved certificates…',
    empty: 'No certificate saved yet',
    emptyHint: 'A payment certificate issued after paying is saved to the album and listed here.',
    loadFailed: 'Could not read them',
    number: 'Certificate number',
    period: 'Fee period',
    amount: 'Amount',
    issuedOn: 'Issued on',
    holder: 'Payer',
    pages: '{count} pages',
    open: 'View',
    detailTitle: 'Payment certificate',
    rendering: 'Drawing the certificate again…',
    imageAlt: 'Payment certificate image (page {page})',
    savedAt: 'Saved at: {path}',
    saveAs: 'Save as…',
    showInFolder: 'Show in folder',
    copy: 'Copy image',
    copied: 'Copied to the clipboard',
    savedAs: 'Saved a copy to {path}',
    verify: 'Verify',
    dialogTitle: 'Save the payment certificate',
    filterName: 'PNG image',
  },
  verify: {
    title: 'Verify a certificate',
    intro:
      'Reads the QR code on the certificate, checks its signature with the certificate keys this app trusts, then asks the gateway for the certificate’s status.',
    chooseFile: 'Choose an image file',
    chooseSaved: 'Choose a saved certificate',
    noSaved: 'No certificate has been saved on this device yet.',
    checking: 'Verifying…',
    dialogTitle: 'Choose the certificate image to verify',
    filterName: 'Images',
    resultTitle: 'Result',
    verdicts: {
      valid: 'Genuine and valid',
      refunded: 'Refunded',
      superseded: 'Replaced',
      not_found: 'Not issued here',
      status_unavailable: 'Signature valid, status unknown',
      tampered: 'Certificate altered',
      unknown_key: 'Unknown signing key',
      not_a_certificate: 'Not a payment certificate',
      no_qr_code: 'No QR code found',
    },
    explanations: {
      valid: 'The QR signature verifies and the gateway confirms this certificate is valid.',
      refunded:
        'The signature verifies, but this payment was refunded: the certificate is no longer valid.',
      superseded:
        'The signature verifies, but a newly issued certificate replaced this one; use the new one.',
      not_found:
        'The signature verifies, but the gateway never issued a certificate with this content.',
      status_unavailable:
        'The signature verifies, but the gateway could not be asked for the status right now; try again later.',
      tampered:
        'The QR content does not match its signature: the certificate may have been altered and is not proof of payment.',
      unknown_key:
        'The QR is signed with a key that is not among the keys this app trusts, so it cannot be checked.',
      not_a_certificate:
        'The QR code in the image is not a payment certificate’s (a payment QR, for example).',
      no_qr_code:
        'No readable QR code in the image, or the file is not an image. Choose a payment certificate image.',
    },
    number: 'Certificate number',
    amount: 'Amount',
    period: 'Fee period',
    issuedOn: 'Issued on',
    keyIndex: 'Signing key number',
    origin: 'Verification address',
    originLocalOnly:
      'This is the demo environment’s address on this computer (127.0.0.1): it opens only here, a phone scanning the QR cannot reach it. Verify in this app instead.',
    again: 'Verify another',
  },
  settings: {
    title: 'Settings',
    loading: 'Reading the settings…',
    display: 'Display',
    language: 'Language',
    languages: {
      'zh-CN': '简体中文',
      en: 'English',
    },
    largeText: 'Large text',
    largeTextHint: 'Bigger text and buttons',
    gateway: 'Gateway',
    sandbox: 'Demo environment (built in)',
    remote: 'Remote gateway',
    origin: 'Gateway address',
    originPlaceholder: 'https://gw.example.cn',
    keys: 'Trusted keys (JSON)',
    keysPlaceholder: 'Paste what the gateway serves at /.well-known/shebao-keys',
    keysInvalid: 'The keys are not valid JSON; paste the whole key set.',
    gatewayNote:
      'After switching gateway, payers confirmed on the old one must confirm again; the new address is used from the next start.',
    saveGateway: 'Save gateway',
    saved: 'Saved',
    restartNeeded: 'Saved. Restart the app to use the new gateway.',
    privacyTitle: 'Privacy',
    showPrivacy: 'Read the privacy notice',
    clearDevice: 'Clear this device',
    clearDeviceHint:
      'Signs out every payer and deletes this device’s key, request journal, saved-certificate list and logs',
    clearConfirmTitle: 'Clear this device?',
    clearConfirmMessage:
      'This device’s registration is revoked at the gateway first; then every payer is signed out; the device key and identity tokens leave the system keyring; the request journal, the list of saved certificates and the logs are deleted. You will have to confirm your identity again, and an unfinished payment can no longer be resumed on this device. Certificate images in the album are kept.',
    clearConfirm: 'Clear',
    cleared: 'This device was cleared and its old registration revoked at the gateway',
    clearedNotRevoked:
      'This device was cleared, but the gateway could not be reached, so its old registration was not revoked. Sign in to your natural-person account on another device and revoke it under “My devices”.',
  },
  people: {
    title: 'Payers',
    loading: 'Reading the payers…',
    empty: 'No payer confirmed on this device yet',
    emptyHint: 'After confirming an identity the payer is kept on this device to switch to later.',
    current: 'Current',
    switch: 'Switch',
    switched: 'Switched to {name}',
    signOut: 'Sign out',
    signOutConfirmTitle: 'Sign this payer out?',
    signOutConfirmMessage:
      '{name}’s identity token is deleted from this device; they will have to confirm again next time. Payments made and saved certificates are not affected.',
    signedOut: 'Signed out',
    add: 'Add a payer',
    sessionOnly: 'The system keyring is unavailable, so payers cannot be kept on this device.',
  },
  privacy: {
    title: 'Privacy notice',
    intro: 'Before you start: how this app handles your information.',
    collectedTitle: 'What is collected',
    collected:
      'The name, document type, document number and captcha you enter to confirm an identity, sent only to the tax authority for that confirmation. Paying sends only the numbers a declaration and a payment need; bank card details are entered on the payment channel’s page, never here.',
    keptTitle: 'Where it is kept',
    kept: 'Identity tokens, the device key and the masked name and number are kept in the system keyring; the request journal, the list of saved certificates and the settings in this app’s data folder; certificate images in the album (Pictures / 社保缴费助手). The full name and number are never stored on this device, nor written to the logs.',
    clearTitle: 'How to clear it',
    clear:
      'Settings → Clear this device deletes everything this app keeps on the device at once; Payers signs out one payer. Delete images from the album itself.',
    accept: 'Agree and continue',
    close: 'Close',
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
      alipay: 'Alipay',
      wechatpay: 'WeChat Pay',
      quickpass: 'UnionPay QuickPass (云闪付)',
      ningxia_wallet: 'My Ningxia wallet (我的宁夏)',
    },
    channelNotes: {
      unionpay: 'Pays from a bank card',
      alipay: 'Pays from the bank card linked to Alipay',
      wechatpay: 'Pays from the bank card linked to WeChat',
      quickpass: 'Pays from the bank card linked to QuickPass',
      ningxia_wallet: 'Pays from the bank card linked to the My Ningxia wallet',
    },
    channelRules: {
      accepts: 'Takes: {sources}',
      refuses: 'Refuses: {sources}',
      unionpay: { accepts: 'bank cards', refuses: '' },
      alipay: { accepts: 'a linked bank card', refuses: 'Huabei, Yu’e Bao' },
      wechatpay: { accepts: 'a linked bank card', refuses: 'WeChat balance (零钱)' },
      quickpass: { accepts: 'bank cards', refuses: '' },
      ningxia_wallet: {
        accepts: 'the wallet’s linked bank card',
        refuses: 'WeChat balance, Alipay balance, Huabei',
      },
      note: 'Social-security fees are paid from a bank card only. A source the channel refuses is turned down at the cashier; use a bank card instead.',
    },
    channelApps: {
      unionpay: 'your bank’s app or QuickPass',
      alipay: 'Alipay',
      wechatpay: 'WeChat',
      quickpass: 'QuickPass',
      ningxia_wallet: 'the My Ningxia app',
    },
    scanWith: 'Scan the QR code with {app} on your phone to pay',
    handoff: 'Pay in {app}',
    handoffHint: 'Come back to this app after paying: the result updates by itself.',
    showQr: 'Show the QR code (scan it with another device)',
    hideQr: 'Hide the QR code',
    channelChosen: 'Paying with {channel}',
    switchChannel: 'Use another payment method',
    switchChannelTitle: 'Use another payment method',
    switchChannelMessage:
      'This ticket’s payment was started with {channel}. So that nothing is charged twice, void this ticket in “Payment exceptions” first (only an unpaid ticket can be voided), then pay again: you get a new ticket number.',
    openExceptions: 'Go to payment exceptions',
    payAgain: 'Pay again',
    loadingDeclaration: 'Loading the declaration…',
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
      voided:
        'This tax ticket was voided; the payment did not go through. The declaration stands and can be paid again.',
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
    openGallery: 'Open the saved certificates',
    missing: 'This payment was not found. Please start again from the home page.',
  },
  exceptions: {
    title: 'Payment exceptions',
    intro:
      'When a payment was cut off, has no result long after you paid, or you want another payment method, void the unfinished ticket and pay again. A paid ticket is never voided.',
    loading: 'Looking for unfinished payments…',
    loadFailed: 'Could not load',
    empty: 'No payment needs attention',
    emptyHint: 'Payments that have a ticket number but no result yet are listed here.',
    refresh: 'Refresh',
    ticketNumber: 'Tax ticket number',
    amount: 'Amount',
    period: 'Fee period',
    orderStatus: {
      created: 'Not paid yet',
      awaiting_payment: 'Not paid yet',
      unknown: 'Confirming the result',
      paid: 'Paid',
      voided: 'Voided',
      refunded: 'Refunded',
    },
    attempts: 'Payment attempts',
    noAttempts: 'No payment method chosen yet',
    attemptStatus: {
      pending: 'Waiting for payment',
      succeeded: 'Paid',
      closed: 'Closed',
      failed: 'Failed',
      expired: 'Expired',
      unknown: 'Confirming the result',
      refund_pending: 'Refund in progress',
      refunded: 'Refunded',
    },
    expiresAt: 'Link valid until {time}',
    void: 'Void',
    confirmTitle: 'Void this tax ticket?',
    confirmMessage:
      'Once ticket {ticket} ({amount} yuan) is voided, its payment at the channel is closed and can no longer be paid. The declaration stands: you can pay it again (with a new ticket number). If the channel confirms that it took the money, the ticket is not voided and counts as paid.',
    confirmOk: 'Void',
    voiding: 'Closing the payment at the channel and voiding…',
    voided: 'Ticket voided',
    voidedHint:
      'Ticket {ticket} is voided. The declaration stands: pay it again, with another method if you like.',
    foundPaid:
      'The channel confirms this was paid: the ticket was not voided and the payment succeeded.',
    payAgain: 'Pay again',
    viewPaid: 'See the result',
    reconfirm: 'Confirm identity',
    errors: {
      payment_in_progress:
        'The channel has not confirmed that this payment is closed, so the ticket was not voided. Try again later; if you paid, the result updates by itself.',
      declaration_not_payable:
        'This ticket is paid or voided already; nothing to do. Refresh the list.',
    },
  },
  declarations: {
    title: 'Declarations',
    intro:
      'A declaration that is not paid can be voided: its items go back to the amounts due and can be declared again. A paid declaration cannot be voided.',
    statuses: {
      declared: 'Not paid',
      paid: 'Paid',
      voided: 'Voided',
    },
    loading: 'Looking up declarations…',
    loadFailed: 'Could not load',
    empty: {
      declared: 'No unpaid declaration',
      paid: 'No paid declaration',
      voided: 'No voided declaration',
    },
    emptyHint: 'Pull down to refresh.',
    pulling: 'Pull to refresh',
    loosing: 'Release to refresh',
    refreshing: 'Refreshing…',
    total: 'Amount declared',
    period: 'Fee period',
    declaredAt: 'Declared at',
    voidedAt: 'Voided at',
    voidReason: 'Reason for voiding',
    detail: 'Details',
    detailHide: 'Hide',
    openOrder:
      'A payment of this declaration is unfinished. To void the declaration, first void its ticket in “Payment exceptions”.',
    pay: 'Pay',
    void: 'Void',
    reasonTitle: 'Void the declaration',
    reasonLabel: 'Reason',
    reasonPlaceholder: 'Why are you voiding it? Up to 200 characters',
    reasonRequired: 'Give a reason',
    reasonTooLong: 'The reason can be at most 200 characters',
    reasonPresets: {
      wrongBase: 'The contribution base needs changing',
      wrongPeriod: 'Wrong fee period',
      otherChannel: 'Paying through another channel',
      notNow: 'Not paying now',
    },
    next: 'Next',
    confirmTitle: 'Void this declaration?',
    confirmMessage:
      'Once voided, this declaration ({amount} yuan, {period}) can no longer be paid; its items go back to the amounts due and can be declared again. Reason: {reason}',
    confirmOk: 'Void',
    voided: 'Declaration voided; its items are due again.',
    toPayables: 'See the amounts due',
    reconfirm: 'Confirm identity',
    errors: {
      payment_in_progress:
        'A payment of this declaration is unfinished, so it cannot be voided. Void its ticket in “Payment exceptions” first.',
    },
  },
  insured: {
    title: 'Insured status',
    loading: 'Looking up the insured status…',
    status: 'Status',
    insured: 'Insured',
    notInsured: 'Not insured',
    person: 'Payer',
    items: 'Insured for',
    agency: 'Agency',
    since: 'Insured since',
    paidThrough: 'Paid through',
    noPayment: 'No payment yet',
    arrearsTitle: 'Arrears',
    arrearsNone: 'No months in arrears',
    arrearsMonths: '{months} months unpaid',
    arrearMonths: '{months} months unpaid',
    declared: 'Declared, awaiting payment',
    gapTitle: 'What a gap means',
    gapNote:
      'Unpaid months do not count towards your contribution years; with fewer than 15 years at retirement age there is no monthly pension. If you also have employee medical insurance, its cover may be suspended during a gap. Pay this year’s arrears soon; for earlier years ask the social insurance agency.',
    notInsuredNote:
      'No registration as a flexible-employment insured person was found. You can register here first and then assess your contributions, or register at the social insurance agency; questions: 12333.',
    goAssess: 'Assess contributions',
    goRegister: 'Register',
    goPay: 'Pay',
    reconfirm: 'Confirm identity again',
  },
  assessment: {
    title: 'Assessment and payment',
    loading: 'Loading your insured status and the contribution figures…',
    steps: {
      register: 'Register',
      choose: 'Assess',
      confirm: 'Confirm',
      transmit: 'Transmit',
    },
    registerTitle: 'You are not registered yet',
    registerIntro:
      'Flexible workers register with the social insurance agency, then as payers with the tax office, before contributions can be assessed. Both registrations are done here in one step.',
    registerSince: 'Insured from: {month}',
    register: 'Register',
    registerConfirmTitle: 'Register now?',
    registerConfirmMessage:
      '{name} will be registered for the basic pension insurance as a flexible-employment worker, and as a payer, from {month}. Contributions can be assessed right after.',
    registerOk: 'Register',
    registered: 'Registered',
    alreadyInsured: 'Insured: assess directly',
    items: 'Items',
    itemRate: 'rate {percent}%',
    periodType: 'Period',
    periodTypes: {
      monthly: 'Monthly',
      quarterly: 'Quarterly',
      yearly: 'Yearly',
    },
    startMonth: 'First month',
    periodRange: 'Fee period {start} to {end} ({months} months)',
    baseTitle: 'Contribution base',
    baseModes: {
      grade: 'Grade',
      custom: 'Own base',
    },
    gradeLabel: '{percent}% grade',
    baseInput: 'Monthly base',
    basePlaceholder: 'e.g. 5000',
    baseRange: 'Allowed: {min} to {max} yuan a month',
    baseFormat: 'Enter an amount with at most two decimals',
    provisional: 'Provisional',
    provisionalNote:
      'The figures for this period are not published yet; last year’s are used until they are.',
    unconfirmed: 'Unconfirmed',
    monthly: 'Per month',
    total: 'Total',
    totalMonths: '{months} months',
    quoteLoading: 'Calculating…',
    quoteNote: 'Priced with the figures built into the app; the assessment decides.',
    next: 'Next',
    previous: 'Back',
    summaryTitle: 'Check the assessment',
    person: 'Payer',
    base: 'Base',
    period: 'Fee period',
    months: 'Months',
    submit: 'Submit',
    transmittingTitle: 'Assessed, transmitting',
    transmittingNote:
      'The assessment is being transmitted to the tax office; then it can be paid. This usually takes 5–15 minutes: you may leave and pay later through the payment package.',
    countdownLabel: 'About',
    countdown: '{minutes} min {seconds} s left',
    checking: 'Checking the transmission…',
    readyTitle: 'Transmitted: ready to pay',
    readyNote: 'Next, check the amount due and declare it, then choose how to pay.',
    pay: 'Pay now',
    assessmentTotal: 'Assessed',
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
    account_exists: 'This person already has an account. Log in with its password instead.',
    credentials_invalid: 'The ID number or the password is wrong. Check them and try again.',
    account_locked:
      'Too many wrong passwords: the account is locked for a while. Wait and try again later.',
    session_invalid: 'You have been logged out or the login has expired. Please log in again.',
    password_too_weak:
      'The password is too weak. Use at least 8 characters of two kinds (letters, digits, symbols), without your phone number.',
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
    read_failed: 'The chosen file could not be read; check that it exists and can be opened.',
    copy_failed: 'Could not copy to the clipboard; use “Save as…” instead.',
    journal_failed:
      'The app could not write its local record of this step, so it did not send it (to avoid paying twice). Check the free disk space and try again.',
    unknown: 'That did not work (code {code}). Try again later; if it persists, call 12366.',
  },
};

export default en;
