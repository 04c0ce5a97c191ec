import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WANG_JIANGUO, WANG_JIANGUO_PAYABLE } from '../fixtures.js';
import { Artifacts } from '../support/artifacts.js';
import { crashSetup, isPaymentAttempt } from '../support/crash.js';
import { proxiedRequests, type ProxiedRequest } from '../support/holding-proxy.js';
import { confirmIdentity, crashApp, pressPayWithUnionPay } from '../support/journey.js';
import { appBinaryPath } from '../support/paths.js';
import { testId } from '../support/ui.js';

/**
 * The first half of the crash journey (crash-2-resumed.e2e.ts is the second): the app, talking
 * to a standalone gateway through a proxy, declares and presses 去支付; the payment attempt
 * request reaches the gateway, which creates the attempt, but its answer is held back by the
 * proxy; the app process is then killed with SIGKILL.
 */
describe('a crash after the payment request left and before its answer arrived', () => {
  const setup = crashSetup();
  let artifacts: Artifacts;

  before(() => {
    const dir = join(process.env.SHEBAO_ARTIFACTS_DIR ?? '.', 'crash-1-interrupted');
    mkdirSync(dir, { recursive: true });
    artifacts = new Artifacts(dir, browser);
  });

  it('declares and presses 去支付; the app dies while the answer is on its way', async () => {
    assert.deepEqual(
      proxiedRequests(setup.proxyLog).filter((r) => r.target.startsWith('/v1/payment-orders')),
      [],
      'the crash journey starts on a gateway where this device has paid nothing',
    );
    await testId('open-package').waitForDisplayed({ timeout: 60_000 });
    assert.equal(
      await $('[data-testid="sandbox-banner"]').isExisting(),
      false,
      'the app talks to the remote gateway of its settings, not to its embedded sandbox',
    );
    await confirmIdentity(WANG_JIANGUO, setup.origin);
    await expect(testId('total-amount')).toHaveText(WANG_JIANGUO_PAYABLE.amount, {
      containing: true,
    });
    await testId('declare').click();
    const confirm = $('.van-dialog__confirm');
    await confirm.waitForClickable({ timeout: 10_000 });
    await confirm.click();

    await pressPayWithUnionPay();
    let held: ProxiedRequest | undefined;
    await browser.waitUntil(
      async () => {
        held = proxiedRequests(setup.proxyLog).find((request) => request.held);
        return held !== undefined;
      },
      { timeout: 30_000, timeoutMsg: 'the payment attempt request reaches the gateway' },
    );
    assert.ok(
      held && isPaymentAttempt(held.method, held.target),
      'the held request is the attempt',
    );
    assert.equal(held.status, 201, 'the gateway created the attempt');
    assert.ok(held.idempotencyKey, 'the attempt request carries an idempotency key');
    await artifacts.screenshot('payment-request-in-flight');

    await crashApp(appBinaryPath());
  });
});
