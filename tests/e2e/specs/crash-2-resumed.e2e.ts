import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WANG_JIANGUO, WANG_JIANGUO_PAYABLE } from '../fixtures.js';
import { Artifacts } from '../support/artifacts.js';
import { choose, parseCashierForm, submitCashierForm } from '../support/cashier.js';
import { crashSetup, isPaymentAttempt } from '../support/crash.js';
import { proxiedRequests, type ProxiedRequest } from '../support/holding-proxy.js';
import { confirmIdentity, pressPayWithUnionPay, shownPayment } from '../support/journey.js';
import { getPage } from '../support/sandbox.js';
import { byTestId, testId } from '../support/ui.js';

/**
 * The second half of the crash journey: the app starts again after being killed in the middle
 * of paying (crash-1-interrupted.e2e.ts). Its journal sends the unanswered attempt request again
 * with the same idempotency key, the gateway answers with the attempt it created the first time,
 * and paying goes on with that attempt: one order, one attempt, one payment.
 */
describe('starting again after the crash: the payment completes exactly once', () => {
  const setup = crashSetup();
  let artifacts: Artifacts;
  let held: ProxiedRequest;

  before(() => {
    const dir = join(process.env.SHEBAO_ARTIFACTS_DIR ?? '.', 'crash-2-resumed');
    mkdirSync(dir, { recursive: true });
    artifacts = new Artifacts(dir, browser);
    const found = proxiedRequests(setup.proxyLog).find((request) => request.held);
    assert.ok(found, 'crash-1-interrupted left a payment request without its answer');
    held = found;
  });

  it('sends the unanswered request again at start, with the same idempotency key', async () => {
    let replayed: ProxiedRequest | undefined;
    await browser.waitUntil(
      async () => {
        replayed = proxiedRequests(setup.proxyLog).find(
          (request) =>
            !request.held &&
            request.method === held.method &&
            request.target === held.target &&
            request.idempotencyKey === held.idempotencyKey,
        );
        return replayed !== undefined;
      },
      { timeout: 60_000, timeoutMsg: 'the journal replays the payment request at start' },
    );
    assert.equal(replayed?.status, held.status, 'the gateway answers the replay as the first time');
    const notice = testId('replayed-notice');
    await notice.waitForDisplayed({
      timeout: 30_000,
      timeoutMsg: 'the app says what happened to the interrupted payment',
    });
    assert.equal(await notice.getAttribute('data-outcome'), 'answered');
    await artifacts.screenshot('replayed-after-crash');
  });

  it('resumes the same attempt, and paying once marks the order paid', async () => {
    const attemptId = (JSON.parse(held.body ?? '{}') as { id?: string }).id;
    assert.ok(attemptId, 'the held answer names the attempt the gateway created');

    await confirmIdentity(WANG_JIANGUO, setup.origin);
    const unpaid = testId('unpaid-declaration');
    await unpaid.waitForDisplayed({
      timeout: 20_000,
      timeoutMsg: 'the declared but unpaid declaration is offered after the crash',
    });
    await expect(unpaid).toHaveText(WANG_JIANGUO_PAYABLE.amount, { containing: true });
    await testId('pay-declared').click();
    await pressPayWithUnionPay();
    const resumed = await shownPayment();
    assert.ok(
      resumed.payUrl.includes(attemptId),
      'the pay screen shows the cashier of the attempt created before the crash',
    );

    const page = await getPage(new URL(resumed.payUrl, setup.origin).toString());
    assert.equal(page.status, 200, 'the cashier of the resumed attempt opens');
    const result = await submitCashierForm(
      choose(parseCashierForm(page.html, page.url), 'source', 'bank_card'),
    );
    assert.equal(result.status, 200, 'the cashier takes the payment');

    const paid = $(`${byTestId('paid-result')}[data-status="paid"]`);
    await paid.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'the app shows the order paid' });
    await expect(testId('paid-amount')).toHaveText(WANG_JIANGUO_PAYABLE.amount, {
      containing: true,
    });
    await expect(testId('ticket-number')).toHaveText(resumed.ticket);
    await artifacts.screenshot('paid-once-after-crash');

    const sent = proxiedRequests(setup.proxyLog);
    const orderKeys = new Set(
      sent
        .filter((r) => r.method === 'POST' && r.target === '/v1/payment-orders')
        .map((r) => r.idempotencyKey),
    );
    assert.equal(orderKeys.size, 1, 'one payment order was ever asked for');
    const attemptKeys = new Set(
      sent.filter((r) => isPaymentAttempt(r.method, r.target)).map((r) => r.idempotencyKey),
    );
    assert.deepEqual([...attemptKeys], [held.idempotencyKey], 'one payment attempt was asked for');
  });
});
