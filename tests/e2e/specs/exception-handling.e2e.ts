import assert from 'node:assert/strict';
import { WANG_JIANGUO, WANG_JIANGUO_PAYABLE } from '../fixtures.js';
import type { Artifacts } from '../support/artifacts.js';
import { choose, parseCashierForm, submitCashierForm } from '../support/cashier.js';
import { confirmIdentity, pressPayWithUnionPay, shownPayment } from '../support/journey.js';
import { getPage } from '../support/sandbox.js';
import { artifactsFor, backHome, declareAll, homeAndOrigin } from '../support/start.js';
import { byTestId, testId } from '../support/ui.js';

/** The seed guide's refusal for Alipay's 花呗 and 余额宝 (the sandbox cashier shows it). */
const ALIPAY_REFUSAL = '支付宝支付需要绑定银行卡，花呗、余额宝无法使用。';

/**
 * 缴款异常处理: 王建国 starts paying with UnionPay and abandons it; 缴款异常处理 lists the
 * unfinished ticket with its attempt, voids it after a confirmation stating the consequence,
 * and he pays again with Alipay (a new order and ticket number). At Alipay's cashier 花呗 is
 * refused with the seed's reason; the bank card pays; the app shows it paid and issues the
 * certificate.
 */
describe('缴款异常处理: abandon a payment → void its ticket → pay again with Alipay', function () {
  let artifacts: Artifacts;
  let origin = '';
  let abandonedTicket = '';
  let ticket = '';
  let payUrl = '';
  let broken = false;

  before(() => {
    artifacts = artifactsFor('exception-handling');
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

  step('1. declares and starts paying with UnionPay, then abandons the payment', async () => {
    origin = await homeAndOrigin();
    await confirmIdentity(WANG_JIANGUO, origin);
    await declareAll();
    await pressPayWithUnionPay();
    const shown = await shownPayment();
    abandonedTicket = shown.ticket;
    await artifacts.screenshot('unionpay-started');
    await backHome();
    await artifacts.screenshot('home-with-services');
  });

  step('2. 缴款异常处理 lists the unfinished ticket with its UnionPay attempt', async () => {
    await testId('open-exceptions').click();
    const item = $(`${byTestId('exception')}[data-ticket="${abandonedTicket}"]`);
    await item.waitForDisplayed({
      timeout: 30_000,
      timeoutMsg: 'the abandoned ticket is listed in 缴款异常处理',
    });
    assert.equal(await $$(byTestId('exception')).length, 1, 'one unfinished payment');
    const attempt = testId('exception-attempt');
    assert.equal(await attempt.getAttribute('data-channel'), 'unionpay');
    assert.equal(await attempt.getAttribute('data-status'), 'pending');
    await expect(item).toHaveText(WANG_JIANGUO_PAYABLE.amount, { containing: true });
    await artifacts.screenshot('exceptions');
  });

  step('3. voiding asks first, stating the consequence, then voids the ticket', async () => {
    await testId('void-ticket').click();
    const consequence = testId('void-ticket-consequence');
    await consequence.waitForDisplayed({ timeout: 10_000 });
    const text = await consequence.getText();
    assert.ok(text.includes(abandonedTicket), 'the confirmation names the ticket');
    assert.ok(
      text.includes('可以重新缴款'),
      'the confirmation says the declaration can be paid again',
    );
    await expect($(byTestId('void-ticket-dialog'))).toHaveText('确定要作废此税票号吗？', {
      containing: true,
    });
    await artifacts.screenshot('void-ticket-confirm');
    await $(`${byTestId('void-ticket-dialog')} .van-dialog__confirm`).click();

    const result = $(`${byTestId('void-result')}[data-status="voided"]`);
    await result.waitForDisplayed({
      timeout: 30_000,
      timeoutMsg: 'the channel confirms the close and the ticket is voided',
    });
    await expect(testId('exception-status')).toHaveText('已作废');
    await artifacts.screenshot('ticket-voided');
  });

  step(
    '4. pays again with Alipay: its funding rules are shown, and a new ticket is made',
    async () => {
      await testId('pay-again').click();
      const alipay = testId('channel-alipay');
      await alipay.waitForDisplayed({
        timeout: 30_000,
        timeoutMsg: 'the pay screen offers Alipay',
      });
      await expect(testId('channel-refuses-alipay')).toHaveText('花呗、余额宝', {
        containing: true,
      });
      await alipay.click();
      await artifacts.screenshot('pay-channels');
      await testId('pay').click();

      const shown = await shownPayment();
      ticket = shown.ticket;
      payUrl = new URL(shown.payUrl, origin).toString();
      assert.notEqual(ticket, abandonedTicket, 'paying again makes a new ticket number');
      assert.match(payUrl, /\/sandbox\/alipay\/cashier\//, 'the attempt is on Alipay');
      await expect(testId('scan-hint')).toHaveText('支付宝', { containing: true });
      await testId('payment-qr').waitForDisplayed();
      await artifacts.screenshot('pay-alipay-qr');
    },
  );

  step("5. Alipay's cashier refuses 花呗 with the seed's reason", async () => {
    const page = await getPage(payUrl);
    assert.equal(page.status, 200, 'the Alipay cashier opens');
    const form = parseCashierForm(page.html, page.url);
    assert.ok(form.choices.get('source')?.includes('huabei'), 'the cashier offers 花呗');
    const refused = await submitCashierForm(choose(form, 'source', 'huabei'));
    artifacts.text('cashier-huabei-refused', 'html', refused.html);
    assert.equal(refused.status, 422, '花呗 is refused');
    assert.ok(refused.html.includes(ALIPAY_REFUSAL), "the refusal gives the seed guide's reason");

    // The same refusal as a person sees it: the cashier page in the app's window, then back.
    const appUrl = await browser.getUrl();
    try {
      await browser.url(payUrl);
      await $('input[name="source"][value="huabei"]').click();
      await artifacts.screenshot('cashier-alipay');
      await $('button[type="submit"]').click();
      await browser.waitUntil(async () => (await $('body').getText()).includes('花呗'), {
        timeout: 10_000,
      });
      await artifacts.screenshot('cashier-huabei-refused');
    } finally {
      await browser.url(appUrl);
    }
  });

  step('6. the bank card pays; the app (the same ticket, resumed) shows it paid', async () => {
    // Back from the cashier the pay screen reloaded: choosing Alipay again resumes the payment.
    const alipay = testId('channel-alipay');
    await alipay.waitForDisplayed({ timeout: 60_000, timeoutMsg: 'the pay screen is back' });
    await alipay.click();
    await testId('pay').click();
    const resumed = await shownPayment();
    assert.equal(resumed.ticket, ticket, 'the payment resumes on the same ticket');

    const page = await getPage(payUrl);
    const paid = await submitCashierForm(
      choose(parseCashierForm(page.html, page.url), 'source', 'bank_card'),
    );
    artifacts.text('cashier-bank-card', 'html', paid.html);
    assert.equal(paid.status, 200, 'the bank card is accepted');
    assert.ok(paid.html.includes('支付成功'), 'the cashier says 支付成功');

    const result = $(`${byTestId('paid-result')}[data-status="paid"]`);
    await result.waitForDisplayed({
      timeout: 30_000,
      timeoutMsg: 'the app notices the Alipay payment by itself',
    });
    await expect(testId('ticket-number')).toHaveText(ticket, { containing: true });
    await expect(testId('paid-amount')).toHaveText(WANG_JIANGUO_PAYABLE.amount, {
      containing: true,
    });
    await artifacts.screenshot('paid-alipay');
  });

  step('7. the certificate is issued for the new ticket', async () => {
    await testId('issue-certificate').waitForClickable({ timeout: 10_000 });
    await testId('issue-certificate').click();
    const certificate = testId('certificate');
    await certificate.waitForDisplayed({
      timeout: 60_000,
      timeoutMsg: 'the certificate is issued, rendered and saved',
    });
    await testId('certificate-preview').waitForDisplayed({ timeout: 10_000 });
    await artifacts.screenshot('certificate');
    await testId('back-home').click();
    await testId('open-exceptions').waitForDisplayed({ timeout: 20_000 });
    await testId('open-exceptions').click();
    await testId('exceptions-empty').waitForDisplayed({
      timeout: 30_000,
      timeoutMsg: 'nothing is left to handle in 缴款异常处理',
    });
    await artifacts.screenshot('exceptions-empty');
  });
});
