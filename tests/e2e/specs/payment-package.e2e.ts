import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_PEOPLE, MA_XIAOYAN, MA_XIAOYAN_PAYABLE, SANDBOX_DATE } from '../fixtures.js';
import { Artifacts } from '../support/artifacts.js';
import { choose, fieldValue, parseCashierForm, submitCashierForm } from '../support/cashier.js';
import { asTyped, isValidResidentId, withWrongCheckChar } from '../support/idcard.js';
import {
  findLeaks,
  leaksInFile,
  listFiles,
  maskIdNumber,
  needlesFor,
  redact,
} from '../support/privacy.js';
import { decodeQr } from '../support/qr.js';
import { verifyCertificate } from '../support/verify.js';
import { captchaAnswer, getPage, normaliseOrigin, wrongAnswer } from '../support/sandbox.js';
import {
  byTestId,
  doublePress,
  inputOf,
  testId,
  typeInto,
  waitForAttributeChange,
} from '../support/ui.js';

const person = MA_XIAOYAN;
const expected = MA_XIAOYAN_PAYABLE;
const NAMES = ALL_PEOPLE.map((p) => p.name);
/**
 * The embedded sandbox gateway keeps its database in SHEBAO_DATA_DIR (src-tauri/state.rs). It
 * stands in for the tax bureau's servers, whose population register holds these people by
 * design: it is not data the app keeps about its user, so the privacy scan leaves it out.
 */
const GATEWAY_DATABASE = /^sandbox-gateway\.sqlite3(-wal|-shm|-journal)?$/;
/** Anything read from the app goes through this before it reaches a message. */
const safe = (text: string | null | undefined) => redact(text ?? '(none)', NAMES);

/** Waits until some Vant field error message contains the text; returns it. */
async function fieldErrorContaining(
  fragment: string,
  timeout: number,
): Promise<string | undefined> {
  let found: string | undefined;
  await browser
    .waitUntil(
      async () => {
        for (const el of await $$('.van-field__error-message')) {
          if (!(await el.isDisplayed())) continue;
          const text = await el.getText();
          if (text.includes(fragment)) {
            found = text;
            return true;
          }
        }
        return false;
      },
      { timeout, interval: 200 },
    )
    .catch(() => undefined);
  return found;
}

async function visibleFieldErrors(): Promise<string[]> {
  const texts: string[] = [];
  for (const el of await $$('.van-field__error-message')) {
    if (await el.isDisplayed()) texts.push(await el.getText());
  }
  return texts;
}

describe('申报缴款套餐: identity → payables → declaration → UnionPay payment → paid', function () {
  const artifactsDir = process.env.SHEBAO_ARTIFACTS_DIR;
  const dataDir = process.env.SHEBAO_DATA_DIR;
  let artifacts: Artifacts;
  let origin = '';
  let payUrl = '';
  let journeyBroken = false;

  before(function () {
    assert.ok(artifactsDir, 'SHEBAO_ARTIFACTS_DIR is prepared by wdio.conf.ts');
    assert.ok(dataDir, 'SHEBAO_DATA_DIR is prepared by wdio.conf.ts');
    assert.ok(isValidResidentId(person.idNumber), 'the fixture ID number passes GB 11643');
    artifacts = new Artifacts(artifactsDir, browser);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') journeyBroken = true;
  });

  /** A journey step: skipped once an earlier step failed, since it would only fail for that reason. */
  function step(title: string, body: () => Promise<void>) {
    it(title, async function () {
      if (journeyBroken) this.skip();
      await body();
    });
  }

  step('1. home shows the sandbox banner with the pinned date, and opens the package', async () => {
    const started = await browser
      .waitUntil(
        async () =>
          (await $(byTestId('open-package')).isDisplayed()) ||
          (await $(byTestId('privacy-accept')).isDisplayed()),
        { timeout: 60_000, interval: 300 },
      )
      .catch(() => false);
    if (!started) {
      const url = await browser.getUrl().catch(() => 'unknown');
      const hint = /^https?:\/\/localhost/.test(url)
        ? '; that is the dev server: this binary was built without the embedded frontend ' +
          '(a plain cargo build overwrote it?); rebuild with npx tauri build --debug --no-bundle'
        : '';
      assert.fail(
        `the app showed neither the home screen nor the privacy notice within 60 s (window at ${url}${hint})`,
      );
    }
    if (await $(byTestId('privacy-accept')).isDisplayed()) {
      await artifacts.screenshotAs('00-privacy-consent.png');
      await $(byTestId('privacy-accept')).click();
      await $(byTestId('open-package')).waitForDisplayed({ timeout: 20_000 });
    }

    const banner = testId('sandbox-banner');
    await banner.waitForDisplayed();
    const bannerText = await banner.getText();
    assert.ok(
      bannerText.includes('演示环境'),
      `the sandbox banner says 演示环境; it says "${safe(bannerText)}"`,
    );
    assert.ok(
      bannerText.includes(SANDBOX_DATE),
      `the sandbox banner shows ${SANDBOX_DATE}; it says "${safe(bannerText)}"`,
    );
    const rawOrigin = await banner.getAttribute('data-gateway-origin');
    assert.ok(rawOrigin, 'the sandbox banner carries data-gateway-origin');
    origin = normaliseOrigin(rawOrigin);

    const health = await fetch(`${origin}/healthz`);
    assert.equal(health.status, 200, `GET ${origin}/healthz`);
    const info = (await (await fetch(`${origin}/sandbox/info`)).json()) as {
      sandbox_date?: string;
    };
    assert.equal(
      info.sandbox_date,
      SANDBOX_DATE,
      'the embedded gateway runs on SHEBAO_SANDBOX_DATE',
    );

    await artifacts.screenshot('home');
    await testId('open-package').click();
  });

  step(
    '2. identity: a wrong check digit, then a wrong captcha, are refused; the right ones pass',
    async () => {
      await inputOf('id-number-input');
      await artifacts.screenshot('identity');

      await typeInto('name-input', person.name);
      await typeInto('id-number-input', asTyped(withWrongCheckChar(person.idNumber)));
      await browser.keys('Tab');
      let idError = await fieldErrorContaining('校验', 3000);
      if (idError === undefined) {
        await testId('confirm-identity').click();
        idError = await fieldErrorContaining('校验', 5000);
      }
      const shownErrors = (await visibleFieldErrors()).map(safe).join(' | ') || 'none';
      assert.ok(
        idError !== undefined,
        `an ID number with a wrong check digit gets a field error mentioning 校验; shown: ${shownErrors}`,
      );
      await artifacts.screenshot('identity-check-digit-error');

      const rightId = asTyped(person.idNumber);
      await typeInto('id-number-input', rightId);
      await browser.keys('Tab');

      const captcha = testId('captcha-image');
      await captcha.waitForDisplayed();
      const firstCaptchaId = await captcha.getAttribute('data-captcha-id');
      assert.ok(firstCaptchaId, 'the captcha image carries data-captcha-id');
      const firstAnswer = await captchaAnswer(origin, firstCaptchaId);
      await typeInto('captcha-input', wrongAnswer(firstAnswer));
      await testId('confirm-identity').click();

      const formError = testId('form-error');
      await formError.waitForDisplayed({
        timeout: 20_000,
        timeoutMsg: 'a wrong captcha shows [data-testid=form-error]',
      });
      await browser.waitUntil(async () => (await formError.getText()).includes('验证码'), {
        timeout: 5000,
        timeoutMsg: 'the form error for a wrong captcha mentions 验证码',
      });
      const secondCaptchaId = await waitForAttributeChange(
        'captcha-image',
        'data-captcha-id',
        firstCaptchaId,
        15_000,
      );
      const stale = await fetch(
        `${origin}/sandbox/captchas/${encodeURIComponent(firstCaptchaId)}/answer`,
      );
      assert.notEqual(
        stale.status,
        200,
        'a captcha is single use: the refused one is gone from the gateway',
      );
      const lingering = (await visibleFieldErrors()).filter((t) => t.includes('校验'));
      assert.equal(
        lingering.length,
        0,
        'the corrected ID number no longer shows a check-digit error',
      );
      await artifacts.screenshot('identity-captcha-error');

      const idInput = await inputOf('id-number-input');
      if ((await idInput.getValue()) !== rightId) await typeInto('id-number-input', rightId);
      const nameInput = await inputOf('name-input');
      if ((await nameInput.getValue()) !== person.name) await typeInto('name-input', person.name);

      await typeInto('captcha-input', await captchaAnswer(origin, secondCaptchaId));
      await artifacts.screenshot('identity-ready');
      await testId('confirm-identity').click();
    },
  );

  step(
    '3. payables: masked identity, the 2025-06 pension item, declared once despite a double press',
    async () => {
      const maskedEl = testId('person-id-masked');
      await maskedEl.waitForDisplayed({
        timeout: 30_000,
        timeoutMsg: 'the payables screen shows [data-testid=person-id-masked]',
      });
      const masked = (await maskedEl.getText()).trim();
      const wantMasked = maskIdNumber(person.idNumber);
      assert.ok(
        masked === wantMasked,
        `the person's number is shown as ${wantMasked}; shown: "${safe(masked)}"`,
      );
      const screenText = await $('body').getText();
      assert.ok(
        !screenText.toUpperCase().includes(person.idNumber.toUpperCase()),
        'the payables screen never shows the full ID number',
      );

      await testId('payable-row').waitForDisplayed({ timeout: 20_000 });
      const rowCount = await $$(byTestId('payable-row')).length;
      assert.ok(rowCount >= 1, `at least one payable row; found ${rowCount}`);
      await artifacts.screenshot('payables');

      await testId('payable-detail-toggle').click();
      await expect(testId('detail-period')).toHaveText(expected.period, { containing: true });
      await expect(testId('detail-base')).toHaveText(expected.base, { containing: true });
      await expect(testId('detail-rate')).toHaveText(expected.rate, { containing: true });
      await expect(testId('detail-amount')).toHaveText(expected.amount, { containing: true });
      await expect(testId('total-amount')).toHaveText(expected.amount, { containing: true });
      await artifacts.screenshot('payable-detail');

      await doublePress('declare');
      const confirm = $('.van-dialog__confirm');
      await confirm.waitForClickable({
        timeout: 10_000,
        timeoutMsg: 'declaring asks for confirmation in a Vant dialog',
      });
      let openDialogs = 0;
      for (const dialog of await $$('.van-dialog'))
        if (await dialog.isDisplayed()) openDialogs += 1;
      assert.equal(openDialogs, 1, 'a double press on declare opens one confirmation dialog');
      await artifacts.screenshot('declare-confirm');
      await confirm.click();
    },
  );

  step('4. pay: UnionPay gives a ticket number and a QR that decodes to the pay link', async () => {
    const channel = testId('channel-unionpay');
    await channel.waitForDisplayed({
      timeout: 30_000,
      timeoutMsg: 'after declaring, the pay screen offers [data-testid=channel-unionpay]',
    });
    await channel.click();
    await artifacts.screenshot('pay-channel');
    await doublePress('pay');

    const ticketEl = testId('ticket-number');
    await ticketEl.waitForDisplayed({
      timeout: 30_000,
      timeoutMsg: 'paying shows [data-testid=ticket-number]',
    });
    await browser.waitUntil(async () => (await ticketEl.getText()).trim() !== '', {
      timeout: 10_000,
      timeoutMsg: 'the ticket number is filled in',
    });
    const ticket = (await ticketEl.getText()).trim();
    assert.match(ticket, /^\d+$/, 'the electronic tax ticket number is digits only');

    const qr = testId('payment-qr');
    await qr.waitForDisplayed({ timeout: 10_000 });
    await expect(testId('payment-status')).toHaveText('等待', { containing: true });

    const link = testId('pay-link');
    await link.waitForExist();
    const dataUrl = await link.getAttribute('data-url');
    assert.ok(dataUrl, '[data-testid=pay-link] carries data-url');
    payUrl = new URL(dataUrl, origin).toString();

    await artifacts.screenshot('payment-qr');
    const qrPng = await artifacts.elementScreenshot(qr, 'payment-qr-element');
    const decoded = await decodeQr(qrPng);
    assert.ok(decoded, 'zbarimg decodes the QR code on the pay screen');
    artifacts.text('payment-qr-decoded', 'txt', `${decoded.text}\n`);
    if (decoded.text === dataUrl) {
      console.log(`e2e: the QR (${decoded.from}) carries exactly the pay link`);
    } else {
      assert.ok(
        decoded.text.toUpperCase().startsWith(origin.toUpperCase()),
        'the QR text is the pay link, or at least starts with the gateway origin',
      );
      console.log(
        `e2e: the QR (${decoded.from}) carries a text other than the pay link that starts with the gateway origin`,
      );
    }

    await browser.pause(1500);
    assert.equal(
      (await ticketEl.getText()).trim(),
      ticket,
      'a double press on pay makes one payment order: the ticket number stays',
    );
  });

  step('5. the sandbox cashier takes the money from the pre-filled test bank card', async () => {
    const page = await getPage(payUrl);
    assert.equal(page.status, 200, 'the cashier page opens');
    artifacts.text('cashier', 'html', page.html);
    assert.ok(
      page.html.includes(expected.amount),
      `the cashier page shows the amount ${expected.amount}`,
    );

    let form = parseCashierForm(page.html, page.url);
    const card = form.fields.find(
      ([name, value]) => /card/i.test(name) && /^\d{12,19}$/.test(value.replace(/\s/g, '')),
    );
    assert.ok(
      card,
      `the cashier form has a pre-filled test card number; its fields: ${form.fields.map(([n]) => n).join(', ')}`,
    );
    assert.ok(
      form.choices.get('source')?.includes('bank_card'),
      'the cashier form offers source = bank_card',
    );
    form = choose(form, 'source', 'bank_card');
    assert.equal(fieldValue(form, 'source'), 'bank_card');

    const result = await submitCashierForm(form);
    artifacts.text('cashier-result', 'html', result.html);
    assert.equal(result.status, 200, `the cashier answers the ${form.method} with 200`);
    assert.ok(result.html.includes('支付成功'), 'the cashier says 支付成功');
  });

  step('6. the app notices the payment by itself and shows it paid', async () => {
    const paid = $(`${byTestId('paid-result')}[data-status="paid"]`);
    await paid.waitForDisplayed({
      timeout: 30_000,
      timeoutMsg: 'within 30 s the app shows [data-testid=paid-result][data-status=paid]',
    });
    await expect(testId('paid-amount')).toHaveText(expected.amount, { containing: true });
    await artifacts.screenshot('paid');
  });

  step(
    '7. the certificate: issued once, saved to Pictures/社保缴费助手, its QR verifies',
    async () => {
      const issue = testId('issue-certificate');
      await issue.waitForClickable({
        timeout: 10_000,
        timeoutMsg: 'the paid screen offers [data-testid=issue-certificate]',
      });
      await issue.click();

      const saved = testId('certificate');
      await saved.waitForDisplayed({
        timeout: 60_000,
        timeoutMsg: 'the certificate is issued, rendered and saved: [data-testid=certificate]',
      });
      await testId('certificate-preview').waitForDisplayed({ timeout: 10_000 });
      const path = await saved.getAttribute('data-path');
      assert.ok(path, '[data-testid=certificate] carries data-path');
      assert.ok(
        path.startsWith(join(artifactsDir ?? '', 'Pictures', '社保缴费助手')),
        `the certificate is saved in Pictures/社保缴费助手 (got ${safe(path)})`,
      );
      assert.match(
        path,
        /缴费证明_2025-06_\d+\.png$/,
        'the file is named <kind>_<period>_<number>.png',
      );
      assert.ok(existsSync(path), 'the saved certificate file exists');
      await expect(testId('certificate-path')).toHaveText('社保缴费助手', { containing: true });
      await artifacts.screenshot('certificate');

      const zbar = await decodeQr(path);
      assert.ok(zbar, 'zbarimg decodes the QR on the saved certificate');
      const keys = await fetch(`${origin}/.well-known/shebao-keys`);
      assert.equal(keys.status, 200, 'the gateway publishes its key set');
      const keysFile = artifacts.text('shebao-keys', 'json', await keys.text());
      const verified = await verifyCertificate(path, keysFile);
      assert.equal(verified.verdict, 'valid', 'the Rust verifier finds the signature valid');
      assert.equal(verified.qr_text, zbar.text, 'zbarimg and the Rust decoder read the same QR');
      assert.equal(
        verified.amount_fen,
        Math.round(Number(expected.amount) * 100),
        'the signed amount in fen is the declared amount',
      );
      assert.equal(verified.first_month, '2025-06', 'the signed fee period starts in 2025-06');
      assert.equal(verified.last_month, '2025-06', 'the signed fee period ends in 2025-06');
      assert.equal(
        verified.number,
        await saved.getAttribute('data-number'),
        'the signed certificate number is the one the app shows',
      );
    },
  );

  step(
    '7b. saved certificates: the gallery lists it and draws it again from stored data',
    async () => {
      const number = await testId('certificate').getAttribute('data-number');
      await testId('open-gallery').click();
      const entry = testId('gallery-entry');
      await entry.waitForDisplayed({
        timeout: 20_000,
        timeoutMsg: 'the gallery lists the saved certificate: [data-testid=gallery-entry]',
      });
      const entries = await $$(byTestId('gallery-entry'));
      assert.equal(entries.length, 1, 'one certificate saved in this run');
      assert.equal(await entry.getAttribute('data-number'), number, 'the gallery lists its number');
      const listed = await $('body').getText();
      assert.ok(!listed.includes(person.name), 'the gallery shows no full name');
      await artifacts.screenshot('gallery');

      await entry.click();
      await testId('certificate-image').waitForDisplayed({
        timeout: 60_000,
        timeoutMsg: 'the saved certificate is drawn again: [data-testid=certificate-image]',
      });
      await testId('certificate-actions').waitForDisplayed();
      await artifacts.screenshot('gallery-certificate');
    },
  );

  step(
    '7c. 验真 of the saved certificate: signature and gateway status valid, origin local',
    async () => {
      const number = await testId('certificate-detail').getAttribute('data-number');
      await testId('certificate-verify').click();
      const result = testId('verify-result');
      await result.waitForDisplayed({
        timeout: 60_000,
        timeoutMsg: '验真 shows a verdict: [data-testid=verify-result]',
      });
      assert.equal(await result.getAttribute('data-verdict'), 'valid', 'the verdict is valid');
      await expect(testId('verify-verdict')).toHaveText('真实有效');
      await expect(testId('verify-number')).toHaveText(number ?? '');
      await testId('verify-local-only').waitForDisplayed({
        timeoutMsg: 'the app says the sandbox verification origin reaches only this machine',
      });
      await artifacts.screenshot('verify-valid');
    },
  );

  step('7d. settings: the language switches every text to English and back', async () => {
    await $('.van-nav-bar__left').click();
    await testId('open-settings').waitForClickable({ timeout: 10_000 });
    await testId('open-settings').click();
    const english = testId('settings-language-en');
    await english.waitForClickable({ timeout: 20_000 });
    await artifacts.screenshot('settings');
    await english.click();
    await browser.waitUntil(async () => (await $('body').getText()).includes('Large text'), {
      timeout: 10_000,
      timeoutMsg: 'after choosing English the settings screen reads "Large text"',
    });
    await artifacts.screenshot('settings-en');
    await $('.van-nav-bar__left').click();
    await testId('open-package').waitForDisplayed({ timeout: 10_000 });
    await expect(testId('open-settings')).toHaveText('Settings', { containing: true });
    await artifacts.screenshot('home-en');

    await testId('open-settings').click();
    await testId('settings-language-zh-CN').waitForClickable({ timeout: 20_000 });
    await testId('settings-language-zh-CN').click();
    await browser.waitUntil(async () => (await $('body').getText()).includes('长辈模式'), {
      timeout: 10_000,
      timeoutMsg: 'back in Chinese the settings screen reads 长辈模式',
    });

    // 长辈模式: the whole column is zoomed (the screenshot shows it), and back when turned off.
    await testId('settings-large-text').click();
    await browser.waitUntil(
      async () => (await $('html').getAttribute('class'))?.includes('large-text') ?? false,
      { timeout: 10_000, timeoutMsg: '长辈模式 puts the large-text class on the page' },
    );
    await artifacts.screenshot('settings-large-text');
    // WebKitWebDriver places clicks without the CSS zoom, so this one goes through the DOM.
    const toggle = await testId('settings-large-text');
    await browser.execute((element) => (element as unknown as HTMLElement).click(), toggle);
    await browser.waitUntil(
      async () => !((await $('html').getAttribute('class')) ?? '').includes('large-text'),
      { timeout: 10_000, timeoutMsg: '长辈模式 turns off again' },
    );
  });

  it('8. privacy: no full ID number or name in the app data dir (logs included) or in its console output', async () => {
    assert.ok(dataDir && existsSync(dataDir), 'SHEBAO_DATA_DIR exists');
    await browser.pause(1500);

    const files = listFiles(dataDir);
    const logs = files.filter((f) => /^logs[\\/]/.test(f.file) && f.size > 0);
    assert.ok(
      logs.length > 0,
      `the app wrote logs under SHEBAO_DATA_DIR/logs/ (files there: ${files.map((f) => f.file).join(', ') || 'none'})`,
    );

    const needles = ALL_PEOPLE.flatMap((p) => needlesFor(p.idNumber, p.name));
    const scanned = files.filter((f) => !GATEWAY_DATABASE.test(f.file));
    const leaks = findLeaks(dataDir, needles, (file) => GATEWAY_DATABASE.test(file)).map(
      (l) => `${l.file}: ${l.what}`,
    );
    assert.equal(
      leaks.length,
      0,
      `personal data under SHEBAO_DATA_DIR (${scanned.length} files scanned, the sandbox gateway's database left out):\n  ${leaks.join('\n  ')}`,
    );

    const consoleLog = join(artifactsDir ?? '', 'tauri-driver.log');
    if (existsSync(consoleLog)) {
      const consoleLeaks = leaksInFile(consoleLog, needles);
      assert.equal(
        consoleLeaks.length,
        0,
        `personal data in the app's stdout/stderr (tauri-driver.log): ${consoleLeaks.join(', ')}`,
      );
    }
  });
});
