import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_PEOPLE, ZHANG_XIAOMEI, ZHANG_XIAOMEI_ASSESSMENT } from '../fixtures.js';
import { Artifacts } from '../support/artifacts.js';
import { choose, parseCashierForm, submitCashierForm } from '../support/cashier.js';
import { asTyped } from '../support/idcard.js';
import { maskIdNumber, redact } from '../support/privacy.js';
import { captchaAnswer, getPage, normaliseOrigin } from '../support/sandbox.js';
import { byTestId, doublePress, testId, typeInto } from '../support/ui.js';

const person = ZHANG_XIAOMEI;
const expected = ZHANG_XIAOMEI_ASSESSMENT;
const NAMES = ALL_PEOPLE.map((p) => p.name);
const safe = (text: string | null | undefined) => redact(text ?? '(none)', NAMES);

/** Clicks an element after scrolling it to the middle, clear of the sticky action bar. */
async function clickCentered(id: string) {
  const el = await testId(id).getElement();
  await browser.execute(
    (node: HTMLElement) => node.scrollIntoView({ block: 'center' }),
    el as unknown as HTMLElement,
  );
  await browser.pause(200);
  await el.click();
}

/** Back to the home screen through the title bar's arrow, as a person would. */
async function goHome() {
  await $('.van-nav-bar__left').click();
  await testId('open-package').waitForDisplayed({ timeout: 15_000 });
}

describe('参保核定与缴费: a person not insured registers, is assessed, waits for the transmission and pays', function () {
  const artifactsDir = process.env.SHEBAO_ARTIFACTS_DIR;
  let artifacts: Artifacts;
  let origin = '';
  let payUrl = '';
  let journeyBroken = false;

  before(function () {
    assert.ok(artifactsDir, 'SHEBAO_ARTIFACTS_DIR is prepared by wdio.conf.ts');
    const dir = join(artifactsDir, 'assessment');
    mkdirSync(dir, { recursive: true });
    artifacts = new Artifacts(dir, browser);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') journeyBroken = true;
  });

  function step(title: string, body: () => Promise<void>) {
    it(title, async function () {
      if (journeyBroken) this.skip();
      await body();
    });
  }

  step('1. home lists the insured-information and assessment entries', async () => {
    await browser.waitUntil(
      async () =>
        (await $(byTestId('open-package')).isDisplayed()) ||
        (await $(byTestId('privacy-accept')).isDisplayed()),
      { timeout: 60_000, interval: 300, timeoutMsg: 'the app shows its home screen' },
    );
    if (await $(byTestId('privacy-accept')).isDisplayed()) {
      await $(byTestId('privacy-accept')).click();
      await testId('open-package').waitForDisplayed({ timeout: 20_000 });
    }
    const rawOrigin = await testId('sandbox-banner').getAttribute('data-gateway-origin');
    assert.ok(rawOrigin, 'the sandbox banner carries data-gateway-origin');
    origin = normaliseOrigin(rawOrigin);
    await testId('open-insured').waitForDisplayed();
    await testId('open-assessment').waitForDisplayed();
    await artifacts.screenshot('home');
  });

  step('2. 张晓梅 confirms her identity: nothing to pay, not insured', async () => {
    await testId('open-package').click();
    const captcha = testId('captcha-image');
    await captcha.waitForDisplayed({ timeout: 20_000 });
    await typeInto('name-input', person.name);
    await typeInto('id-number-input', asTyped(person.idNumber));
    const captchaId = await captcha.getAttribute('data-captcha-id');
    assert.ok(captchaId, 'the captcha image carries data-captcha-id');
    await typeInto('captcha-input', await captchaAnswer(origin, captchaId));
    await testId('confirm-identity').click();

    const empty = testId('payables-empty');
    await empty.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'no payables for her yet' });
    const masked = (await testId('person-id-masked').getText()).trim();
    assert.equal(masked, maskIdNumber(person.idNumber), `masked number; shown "${safe(masked)}"`);
    assert.ok(
      (await empty.getText()).includes('参保登记'),
      'the empty list says she is not insured',
    );
    await artifacts.screenshot('payables-not-insured');
  });

  step('3. 参保信息查询 says 未参保 and offers registration', async () => {
    await goHome();
    await testId('open-insured').click();
    const status = testId('insured-status');
    await status.waitForDisplayed({ timeout: 20_000 });
    assert.equal(await status.getAttribute('data-insured'), 'false');
    await expect(status).toHaveText('未参保', { containing: true });
    await artifacts.screenshot('insured-not-insured');
    await testId('go-assessment').click();
  });

  step('4. registration first, after a confirmation that says what it does', async () => {
    await testId('register-card').waitForDisplayed({ timeout: 20_000 });
    await artifacts.screenshot('register');
    await testId('register').click();
    const consequence = testId('register-consequence');
    await consequence.waitForDisplayed({ timeout: 10_000 });
    await expect(consequence).toHaveText('2025-06', { containing: true });
    await browser.pause(400); // the dialog's fade-in, for a readable screenshot
    await artifacts.screenshot('register-confirm');
    await $('.van-dialog__confirm').click();
    const line = testId('insured-line');
    await line.waitForDisplayed({ timeout: 20_000, timeoutMsg: 'registered: the choices follow' });
    await expect(line).toHaveText('参保登记成功', { containing: true });
  });

  step('5. choices priced as they are made: the lowest grade, then the 100 % grade', async () => {
    const monthly = testId('quote-monthly');
    await monthly.waitForDisplayed({ timeout: 20_000 });
    await expect(monthly).toHaveText(expected.lowestMonthly);
    await expect(testId('base-range')).toHaveText('4955.00', { containing: true });
    await artifacts.screenshot('assessment-choose');

    await clickCentered(`grade-${expected.grade}`);
    await browser.waitUntil(async () => (await monthly.getText()).trim() === expected.amount, {
      timeout: 10_000,
      timeoutMsg: `the monthly amount becomes ${expected.amount}`,
    });
    await artifacts.screenshot('assessment-grade');

    await testId('assessment-next').click();
    await testId('summary').waitForDisplayed({ timeout: 10_000 });
    await expect(testId('summary-base')).toHaveText(expected.base, { containing: true });
    await expect(testId('summary-total')).toHaveText(expected.amount);
    await artifacts.screenshot('assessment-summary');
  });

  step('6. submitted once; the transmission counts down and ends by itself', async () => {
    await doublePress('assessment-submit');
    const waiting = testId('transmitting');
    await waiting.waitForDisplayed({ timeout: 20_000, timeoutMsg: 'the transmission wait shows' });
    const assessmentId = await waiting.getAttribute('data-assessment-id');
    await expect(testId('countdown')).toHaveText('秒', { containing: true });
    await artifacts.screenshot('transmitting');

    const ready = testId('ready');
    await ready.waitForDisplayed({
      timeout: 30_000,
      timeoutMsg: 'after the sandbox delay (3 s) the items are payable, without a press',
    });
    await expect(testId('ready-total')).toHaveText(expected.amount);
    assert.ok(assessmentId?.startsWith('asm_'), 'the wait named its assessment');
    await artifacts.screenshot('ready');
    await testId('assessment-pay').click();
  });

  step('7. the payables show the assessed item once; declared and paid on UnionPay', async () => {
    await testId('payable-row').waitForDisplayed({ timeout: 30_000 });
    assert.equal((await $$(byTestId('payable-row'))).length, 1, 'one payable: assessed once');
    await expect(testId('total-amount')).toHaveText(expected.amount, { containing: true });
    await artifacts.screenshot('payables');
    await testId('declare').click();
    await $('.van-dialog__confirm').waitForClickable({ timeout: 10_000 });
    await $('.van-dialog__confirm').click();

    await testId('channel-unionpay').waitForDisplayed({ timeout: 30_000 });
    await testId('channel-unionpay').click();
    await testId('pay').click();
    const link = testId('pay-link');
    await link.waitForExist({ timeout: 30_000 });
    const dataUrl = await link.getAttribute('data-url');
    assert.ok(dataUrl, '[data-testid=pay-link] carries data-url');
    payUrl = new URL(dataUrl, origin).toString();
    await testId('payment-qr').waitForDisplayed({ timeout: 10_000 });
    await artifacts.screenshot('payment-qr');

    const page = await getPage(payUrl);
    assert.equal(page.status, 200, 'the cashier page opens');
    assert.ok(page.html.includes(expected.amount), `the cashier asks for ${expected.amount}`);
    const form = choose(parseCashierForm(page.html, page.url), 'source', 'bank_card');
    const result = await submitCashierForm(form);
    assert.equal(result.status, 200, 'the cashier takes the money');
    assert.ok(result.html.includes('支付成功'), 'the cashier says 支付成功');

    const paid = $(`${byTestId('paid-result')}[data-status="paid"]`);
    await paid.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'the app shows the payment paid' });
    await expect(testId('paid-amount')).toHaveText(expected.amount, { containing: true });
    await artifacts.screenshot('paid');
  });

  step(
    '8. the certificate is issued and saved; the insured information is paid through 2025-06',
    async () => {
      await testId('issue-certificate').waitForClickable({ timeout: 10_000 });
      await testId('issue-certificate').click();
      const saved = testId('certificate');
      await saved.waitForDisplayed({ timeout: 60_000, timeoutMsg: 'the certificate is saved' });
      const path = await saved.getAttribute('data-path');
      assert.ok(path && existsSync(path), `the certificate file exists (${safe(path)})`);
      assert.match(path, /缴费证明_2025-06_\d+\.png$/, 'named after its fee period');
      await artifacts.screenshot('certificate');

      await clickCentered('back-home');
      await testId('open-insured').waitForDisplayed({ timeout: 15_000 });
      await testId('open-insured').click();
      const status = testId('insured-status');
      await status.waitForDisplayed({ timeout: 20_000 });
      assert.equal(await status.getAttribute('data-insured'), 'true');
      await expect(testId('paid-through')).toHaveText(expected.period);
      await testId('arrears-none').waitForDisplayed();
      await artifacts.screenshot('insured-paid');
    },
  );
});
