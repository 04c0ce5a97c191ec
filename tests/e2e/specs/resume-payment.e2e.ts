import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WANG_JIANGUO, WANG_JIANGUO_PAYABLE } from '../fixtures.js';
import { Artifacts } from '../support/artifacts.js';
import { choose, parseCashierForm, submitCashierForm } from '../support/cashier.js';
import { asTyped } from '../support/idcard.js';
import { captchaAnswer, getPage, normaliseOrigin } from '../support/sandbox.js';
import { byTestId, testId, typeInto } from '../support/ui.js';

const person = WANG_JIANGUO;
const expected = WANG_JIANGUO_PAYABLE;
const artifactsDir = process.env.SHEBAO_ARTIFACTS_DIR;

/** Home → 申报缴款套餐 → identity confirmed (the X check character typed as a lower-case x). */
async function confirmIdentity(): Promise<string> {
  const open = testId('open-package');
  await open.waitForDisplayed({ timeout: 60_000, timeoutMsg: 'the app shows its home screen' });
  const origin = normaliseOrigin(
    (await testId('sandbox-banner').getAttribute('data-gateway-origin')) ?? '',
  );
  await open.click();

  await typeInto('name-input', person.name);
  await typeInto('id-number-input', asTyped(person.idNumber));
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
  return origin;
}

/** Chooses UnionPay and starts paying; returns the ticket number and the cashier link. */
async function startPayment(): Promise<{ ticket: string; payUrl: string }> {
  const channel = testId('channel-unionpay');
  await channel.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'the pay screen offers UnionPay' });
  await channel.click();
  await testId('pay').click();
  const ticketEl = testId('ticket-number');
  await ticketEl.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'paying shows a ticket number' });
  await browser.waitUntil(async () => /^\d+$/.test((await ticketEl.getText()).trim()), {
    timeout: 10_000,
    timeoutMsg: 'the ticket number is filled in',
  });
  const payUrl = (await testId('pay-link').getAttribute('data-url')) ?? '';
  assert.ok(payUrl, 'the pay screen carries the cashier link');
  return { ticket: (await ticketEl.getText()).trim(), payUrl };
}

describe('closing the app in the middle of paying, then paying: one order, one charge', () => {
  let artifacts: Artifacts;
  let firstTicket = '';

  before(() => {
    assert.ok(artifactsDir, 'SHEBAO_ARTIFACTS_DIR is prepared by wdio.conf.ts');
    const dir = join(artifactsDir, 'resume-payment');
    mkdirSync(dir, { recursive: true });
    artifacts = new Artifacts(dir, browser);
  });

  it('1. declares and starts a UnionPay payment, then the app is closed', async () => {
    await confirmIdentity();
    await expect(testId('total-amount')).toHaveText(expected.amount, { containing: true });
    await testId('declare').click();
    const confirm = $('.van-dialog__confirm');
    await confirm.waitForClickable({ timeout: 10_000 });
    await confirm.click();

    firstTicket = (await startPayment()).ticket;
    await artifacts.screenshot('payment-started');

    await browser.reloadSession();
  });

  it('2. after the restart the declaration waits under 已申报待缴款 and resumes the same order', async () => {
    assert.ok(firstTicket, 'the first part started a payment');
    const origin = await confirmIdentity();

    const unpaid = testId('unpaid-declaration');
    await unpaid.waitForDisplayed({
      timeout: 20_000,
      timeoutMsg: 'the declared but unpaid declaration is offered after a restart',
    });
    await expect(unpaid).toHaveText(expected.amount, { containing: true });
    assert.equal(
      await $(byTestId('payables-empty')).isExisting(),
      false,
      'the screen does not claim that nothing is due',
    );
    await artifacts.screenshot('unpaid-after-restart');
    await testId('pay-declared').click();

    const resumed = await startPayment();
    assert.equal(resumed.ticket, firstTicket, 'the same payment order (same ticket) is resumed');

    const page = await getPage(new URL(resumed.payUrl, origin).toString());
    assert.equal(page.status, 200, 'the cashier of the resumed payment opens');
    const result = await submitCashierForm(
      choose(parseCashierForm(page.html, page.url), 'source', 'bank_card'),
    );
    assert.equal(result.status, 200, 'the cashier takes the payment');

    const paid = $(`${byTestId('paid-result')}[data-status="paid"]`);
    await paid.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'the app shows the order paid' });
    await expect(testId('paid-amount')).toHaveText(expected.amount, { containing: true });
    await expect(testId('ticket-number')).toHaveText(firstTicket);
    await artifacts.screenshot('paid-after-resume');
  });
});
