import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_PEOPLE, CHEN_JIAXIN, CHEN_JIAXIN_PAYABLE, type TestPerson } from '../fixtures.js';
import type { Artifacts } from '../support/artifacts.js';
import { choose, parseCashierForm, submitCashierForm } from '../support/cashier.js';
import { pressPayWithUnionPay, shownPayment } from '../support/journey.js';
import { findLeaks, leaksInFile, maskIdNumber, needlesFor, redact } from '../support/privacy.js';
import { decodeQr } from '../support/qr.js';
import { captchaAnswer, getPage } from '../support/sandbox.js';
import { artifactsFor, backHome, declareAll, homeAndOrigin } from '../support/start.js';
import { byTestId, testId, typeInto } from '../support/ui.js';
import { verifyCertificate } from '../support/verify.js';

const person = CHEN_JIAXIN;
const PHONE = '13800000000';
const PASSWORD = 'Shebao-2025';
const GATEWAY_DATABASE = /^sandbox-gateway\.sqlite3(-wal|-shm|-journal)?$/;
const NAMES = ALL_PEOPLE.map((p) => p.name);
const safe = (text: string | null | undefined) => redact(text ?? '(none)', NAMES);
/** The document type's name in the Vant picker. */
const PERMIT = '港澳台居民居住证';

/** Opens a document-type field's picker and chooses `label` in it. */
async function pickDocumentType(field: string, label: string): Promise<void> {
  await testId(field).click();
  const items = () =>
    $$(
      `//*[contains(@class,"van-popup")]//*[contains(@class,"van-picker-column__item")][contains(., "${label}")]`,
    );
  let item: WebdriverIO.Element | undefined;
  await browser.waitUntil(
    async () => {
      for (const candidate of await items()) {
        if (await candidate.isDisplayed()) {
          item = candidate;
          return true;
        }
      }
      return false;
    },
    { timeout: 10_000, timeoutMsg: `the picker offers ${label}` },
  );
  // Through the DOM: the picker's gradient mask lies over the items for WebDriver's clicks.
  await browser.execute((element) => (element as unknown as HTMLElement).click(), item!);
  await browser.pause(400);
  for (const confirm of await $$('.van-popup .van-picker__confirm')) {
    if (await confirm.isDisplayed()) {
      await browser.execute((element) => (element as unknown as HTMLElement).click(), confirm);
      break;
    }
  }
  await browser.waitUntil(
    async () => (await testId(field).getAttribute('data-id-type')) === person.idType,
    { timeout: 5_000, timeoutMsg: `the field ${field} says ${person.idType}` },
  );
  // The popup and its overlay fade out after the choice; until then they take the next click.
  await browser.waitUntil(
    async () => {
      for (const layer of await $$('.van-overlay, .van-popup')) {
        if (await layer.isDisplayed()) return false;
      }
      return true;
    },
    { timeout: 5_000, timeoutMsg: 'the document type picker closed' },
  );
}

/** Identity confirmation with a residence permit, from the home screen. */
async function confirmWithPermit(who: TestPerson, origin: string): Promise<void> {
  await testId('open-package').click();
  await typeInto('name-input', who.name);
  await pickDocumentType('id-type', PERMIT);
  await typeInto('id-number-input', who.idNumber);
  const captcha = testId('captcha-image');
  await captcha.waitForDisplayed({ timeout: 20_000 });
  await browser.waitUntil(async () => Boolean(await captcha.getAttribute('data-captcha-id')), {
    timeout: 20_000,
    timeoutMsg: 'a captcha is shown',
  });
  const captchaId = (await captcha.getAttribute('data-captcha-id')) ?? '';
  await typeInto('captcha-input', await captchaAnswer(origin, captchaId));
  await testId('confirm-identity').click();
  await testId('person-id-masked').waitForDisplayed({
    timeout: 30_000,
    timeoutMsg: 'identity confirmation leads to the payables screen',
  });
}

/**
 * 完税查询及证明补打: 陈嘉欣 confirms her identity with her residence permit and pays her June
 * pension; the 完税查询 asks for a personal tax login, she registers a natural-person account
 * (after the identity confirmation), logs in, finds the paid payment for 2025, issues a 完税证明
 * (saved to Pictures/社保缴费助手, its QR decoded by zbarimg and verified by the Rust verifier
 * and by 验真 in the app), sees this device among her devices, and logs out.
 */
describe('完税查询及证明补打: pay → register → log in → 完税证明 → devices → log out', function () {
  let artifacts: Artifacts;
  let origin = '';
  let certificatePath = '';
  let certificateNumber = '';
  let broken = false;

  before(() => {
    artifacts = artifactsFor('tax-certificate');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') broken = true;
  });

  function step(title: string, body: () => Promise<void>) {
    it(title, async function () {
      if (broken) this.skip();
      await body();
    });
  }

  step('1. confirms her identity with the residence permit and pays the June pension', async () => {
    origin = await homeAndOrigin();
    await confirmWithPermit(person, origin);
    await expect(testId('person-id-masked')).toHaveText(maskIdNumber(person.idNumber));
    await declareAll();
    await pressPayWithUnionPay();
    const { payUrl } = await shownPayment();

    const page = await getPage(new URL(payUrl, origin).toString());
    assert.equal(page.status, 200, 'the cashier page opens');
    const form = choose(parseCashierForm(page.html, page.url), 'source', 'bank_card');
    const result = await submitCashierForm(form);
    assert.ok(result.html.includes('支付成功'), 'the cashier says 支付成功');
    await $(`${byTestId('paid-result')}[data-status="paid"]`).waitForDisplayed({
      timeout: 30_000,
      timeoutMsg: 'the app shows the payment paid',
    });
    await artifacts.screenshot('paid');
    await testId('back-home').click();
    await testId('open-package').waitForDisplayed({ timeout: 20_000 });
  });

  step('2. 完税查询及证明补打 on the home screen asks for a personal tax login', async () => {
    const entry = testId('open-taxCertificates');
    await expect(entry).toHaveText('完税查询及证明补打', { containing: true });
    await artifacts.screenshot('home-services');
    await entry.click();
    await testId('login-form').waitForDisplayed({
      timeout: 20_000,
      timeoutMsg: 'without a login the screen shows the login form',
    });
    await artifacts.screenshot('tax-login');
  });

  step('3. registers a natural-person account for the confirmed person', async () => {
    await testId('open-register').click();
    const shownPerson = await (await testId('register-person').$('input')).getValue();
    assert.ok(
      shownPerson.includes(maskIdNumber(person.idNumber)),
      `the registration names the confirmed person, masked: "${safe(shownPerson)}"`,
    );
    assert.ok(!shownPerson.includes(person.idNumber), 'and never the full number');
    await artifacts.screenshot('register');
    await typeInto('register-phone', PHONE);
    await typeInto('register-password', PASSWORD);
    await typeInto('register-password-again', PASSWORD);
    await testId('register-submit').click();
    await testId('register-done').waitForDisplayed({
      timeout: 30_000,
      timeoutMsg: 'the account is registered',
    });
    await expect(testId('register-done')).toHaveText('138****0000', { containing: true });
    await artifacts.screenshot('registered');
    await testId('register-to-login').click();
    await testId('login-form').waitForDisplayed({ timeout: 20_000 });
  });

  step('4. logs in with the residence permit and the password', async () => {
    await pickDocumentType('login-id-type', PERMIT);
    await typeInto('login-id-number', person.idNumber);
    await typeInto('login-password', PASSWORD);
    await testId('login-submit').click();
    const bar = testId('tax-logged-in');
    await bar.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'the login succeeds' });
    const text = await bar.getText();
    assert.ok(text.includes(maskIdNumber(person.idNumber)), `masked number: "${safe(text)}"`);
    assert.ok(!text.includes(person.idNumber), 'the full number is not shown');
  });

  step('5. 完税查询 of this year lists the paid payment, without a 完税证明 yet', async () => {
    // Payment dates follow the real clock (the sandbox pins only its "today"): this year in China.
    const thisYear = String(new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear());
    await expect(testId('tax-year')).toHaveAttribute('data-year', thisYear);
    const row = testId('tax-payment');
    await row.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'the paid payment is listed' });
    assert.equal(await $$(byTestId('tax-payment')).length, 1, 'one paid payment');
    await expect(row).toHaveText(CHEN_JIAXIN_PAYABLE.amount, { containing: true });
    await expect(row).toHaveText(CHEN_JIAXIN_PAYABLE.period, { containing: true });
    assert.equal(await row.getAttribute('data-certificate'), 'none');
    await artifacts.screenshot('tax-payments');
  });

  step(
    '6. 开具完税证明 asks first, then saves the certificate to Pictures/社保缴费助手',
    async () => {
      const orderId = (await testId('tax-payment').getAttribute('data-order-id')) ?? '';
      await testId(`select-${orderId}`).click();
      await expect(testId('tax-selected-count')).toHaveText('已选 1 笔');
      await testId('issue-tax-certificate').click();
      const dialog = testId('tax-confirm');
      await dialog.waitForDisplayed({ timeout: 10_000, timeoutMsg: 'issuing asks first' });
      await expect(dialog).toHaveText('会被替换', { containing: true });
      await artifacts.screenshot('tax-confirm');
      await $(`${byTestId('tax-confirm')} .van-dialog__confirm`).click();

      const saved = testId('tax-certificate');
      await saved.waitForDisplayed({
        timeout: 60_000,
        timeoutMsg: 'the 完税证明 is issued, checked, drawn and saved',
      });
      await testId('tax-certificate-preview').waitForDisplayed({ timeout: 10_000 });
      certificatePath = (await saved.getAttribute('data-path')) ?? '';
      certificateNumber = (await saved.getAttribute('data-number')) ?? '';
      assert.ok(
        certificatePath.startsWith(
          join(process.env.SHEBAO_ARTIFACTS_DIR ?? '', 'Pictures', '社保缴费助手'),
        ),
        `saved in Pictures/社保缴费助手 (got ${safe(certificatePath)})`,
      );
      assert.match(certificatePath, /完税证明_2025-06_\d+\.png$/, 'named <kind>_<period>_<number>');
      assert.ok(existsSync(certificatePath), 'the saved file exists');
      await testId('certificate-actions').waitForDisplayed();
      await artifacts.screenshot('tax-certificate');
    },
  );

  step(
    '7. the saved PNG: zbarimg decodes its QR and the Rust verifier finds it valid',
    async () => {
      const zbar = await decodeQr(certificatePath);
      assert.ok(zbar, 'zbarimg decodes the QR on the saved 完税证明');
      const keys = await fetch(`${origin}/.well-known/shebao-keys`);
      const keysFile = artifacts.text('shebao-keys', 'json', await keys.text());
      const verified = await verifyCertificate(certificatePath, keysFile);
      assert.equal(verified.verdict, 'valid', 'the signature verifies');
      assert.equal(verified.qr_text, zbar.text, 'zbarimg and the Rust decoder read the same QR');
      assert.equal(verified.number, certificateNumber, 'the signed number is the one shown');
      assert.equal(verified.amount_fen, 99_100, 'the signed amount is 991.00');
      assert.equal(verified.first_month, '2025-06');
      assert.equal(verified.last_month, '2025-06');

      // The QR's link, asked at the embedded gateway (the payload after /C/, as printed).
      const payload = zbar.text.split('/C/')[1] ?? '';
      const answer = await fetch(`${origin}/C/${payload}`, {
        headers: { Accept: 'application/json' },
      });
      const status = (await answer.json()) as { verdict?: string; kind?: string };
      assert.equal(status.verdict, 'valid', `the gateway says valid (${answer.status})`);
      assert.equal(status.kind, 'tax_payment', 'the gateway knows it as a 完税证明');
    },
  );

  step(
    '8. the list marks the payment; the gallery lists the 完税证明 and 验真 says valid',
    async () => {
      await testId('tax-back').click();
      const row = $(`${byTestId('tax-payment')}[data-certificate="valid"]`);
      await row.waitForDisplayed({ timeout: 20_000, timeoutMsg: 'the payment is marked' });
      await expect(row).toHaveText(certificateNumber, { containing: true });
      await expect(testId('tax-issued-certificate')).toHaveAttribute('data-status', 'valid');
      await artifacts.screenshot('tax-payments-issued');

      await backHome();
      await testId('open-gallery').click();
      const entry = $(`${byTestId('gallery-entry')}[data-number="${certificateNumber}"]`);
      await entry.waitForDisplayed({ timeout: 20_000, timeoutMsg: 'the gallery lists it' });
      assert.equal(await entry.getAttribute('data-kind'), 'tax_payment');
      await artifacts.screenshot('gallery');
      await entry.click();
      await testId('certificate-image').waitForDisplayed({ timeout: 60_000 });
      await testId('certificate-verify').click();
      const result = testId('verify-result');
      await result.waitForDisplayed({ timeout: 60_000, timeoutMsg: '验真 shows a verdict' });
      assert.equal(await result.getAttribute('data-verdict'), 'valid');
      await expect(testId('verify-number')).toHaveText(certificateNumber);
      await artifacts.screenshot('verify-valid');
    },
  );

  step('9. the account lists this device, marked; logging out asks for a login again', async () => {
    await $('.van-nav-bar__left').click();
    await testId('open-package').waitForDisplayed({ timeout: 20_000 });
    await testId('open-settings').click();
    await testId('settings-account').waitForClickable({ timeout: 20_000 });
    await testId('settings-account').click();
    const device = $(`${byTestId('account-device')}[data-current="true"]`);
    await device.waitForDisplayed({ timeout: 20_000, timeoutMsg: 'this device is listed' });
    await expect(testId('this-device')).toHaveText('本机');
    await artifacts.screenshot('account-devices');

    await testId('log-out').click();
    await testId('login-form').waitForDisplayed({
      timeout: 20_000,
      timeoutMsg: 'after logging out the login form is back',
    });
    await backHome();
    await testId('open-taxCertificates').click();
    await testId('login-form').waitForDisplayed({
      timeout: 20_000,
      timeoutMsg: 'the 完税查询 asks for a login again',
    });
    await artifacts.screenshot('logged-out');
  });

  it('10. privacy: no full ID number, name or password in the data dir or the console', async () => {
    const dataDir = process.env.SHEBAO_DATA_DIR;
    assert.ok(dataDir && existsSync(dataDir), 'SHEBAO_DATA_DIR exists');
    await browser.pause(1500);
    const needles = [
      ...ALL_PEOPLE.flatMap((p) => needlesFor(p.idNumber, p.name)),
      { label: 'password', bytes: Buffer.from(PASSWORD) },
      { label: 'phone', bytes: Buffer.from(PHONE) },
    ];
    const leaks = findLeaks(dataDir, needles, (file) => GATEWAY_DATABASE.test(file)).map(
      (l) => `${l.file}: ${l.what}`,
    );
    assert.equal(leaks.length, 0, `personal data under SHEBAO_DATA_DIR:\n  ${leaks.join('\n  ')}`);
    const consoleLog = join(process.env.SHEBAO_ARTIFACTS_DIR ?? '', 'tauri-driver.log');
    if (existsSync(consoleLog)) {
      const consoleLeaks = leaksInFile(consoleLog, needles);
      assert.equal(
        consoleLeaks.length,
        0,
        `personal data in the console: ${consoleLeaks.join(', ')}`,
      );
    }
  });
});
