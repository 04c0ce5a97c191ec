import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_PEOPLE, MA_FUHAI, MA_FUHAI_PAYABLE } from '../fixtures.js';
import type { Artifacts } from '../support/artifacts.js';
import { confirmIdentity } from '../support/journey.js';
import { findLeaks, leaksInFile, needlesFor } from '../support/privacy.js';
import { artifactsFor, backHome, declareAll, homeAndOrigin } from '../support/start.js';
import { byTestId, testId } from '../support/ui.js';

const GATEWAY_DATABASE = /^sandbox-gateway\.sqlite3(-wal|-shm|-journal)?$/;
const REASON = '缴费基数需要调整';

/**
 * 申报查询及作废: 马福海 declares his quarter, finds the declaration under 已申报未缴款, voids it
 * with a reason after a confirmation stating the consequence, finds it under 已作废 with that
 * reason, and his quarter is payable again.
 */
describe('申报查询及作废: declare → void with a reason → the items are payable again', function () {
  let artifacts: Artifacts;
  let declarationId = '';
  let broken = false;

  before(() => {
    artifacts = artifactsFor('declaration-void');
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

  step('1. declares the quarter, then leaves without paying', async () => {
    const origin = await homeAndOrigin();
    await confirmIdentity(MA_FUHAI, origin);
    await testId('payable-row').waitForDisplayed({ timeout: 30_000 });
    await expect(testId('payable-row')).toHaveText(MA_FUHAI_PAYABLE.periodStart, {
      containing: true,
    });
    await artifacts.screenshot('payables');
    await declareAll();
    await testId('channel-unionpay').waitForDisplayed({ timeout: 30_000 });
    await backHome();
  });

  step('2. 申报查询 lists it under 已申报未缴款, with its details', async () => {
    await testId('open-declarations').click();
    const row = testId('declaration');
    await row.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'the declaration is listed' });
    assert.equal(await row.getAttribute('data-status'), 'declared');
    declarationId = (await row.getAttribute('data-id')) ?? '';
    assert.ok(declarationId, 'the row carries the declaration id');
    await expect(testId('declaration-period')).toHaveText(
      `${MA_FUHAI_PAYABLE.periodStart} 至 ${MA_FUHAI_PAYABLE.periodEnd}`,
    );
    await testId('declaration-detail-toggle').click();
    await testId('declaration-lines').waitForDisplayed();
    await artifacts.screenshot('declarations-declared');
  });

  step(
    '3. voiding asks for a reason, then for a confirmation stating the consequence',
    async () => {
      await testId('void-declaration').click();
      await testId('void-next').waitForClickable({ timeout: 10_000 });
      await testId('void-next').click();
      await expect(testId('void-sheet')).toHaveText('请填写作废原因', { containing: true });
      await artifacts.screenshot('void-reason-required');

      await testId('reason-preset-wrongBase').click();
      const input = await $(`${byTestId('void-reason-input')} textarea`);
      assert.equal(await input.getValue(), REASON, 'the preset fills in the reason');
      await artifacts.screenshot('void-reason');
      await testId('void-next').click();

      const consequence = testId('void-declaration-consequence');
      await consequence.waitForDisplayed({ timeout: 10_000 });
      const text = await consequence.getText();
      assert.ok(
        text.includes('回到待缴费用'),
        'the confirmation says the items become payable again',
      );
      assert.ok(text.includes(REASON), 'the confirmation repeats the reason');
      await artifacts.screenshot('void-confirm');
      await $(`${byTestId('void-declaration-dialog')} .van-dialog__confirm`).click();

      await testId('void-result').waitForDisplayed({
        timeout: 30_000,
        timeoutMsg: 'the declaration is voided',
      });
      assert.equal(await testId('void-result').getAttribute('data-id'), declarationId);
      await testId('declarations-empty').waitForDisplayed({ timeout: 10_000 });
      await artifacts.screenshot('declaration-voided');
    },
  );

  step('4. 已作废 lists it with the reason given', async () => {
    await $('.status-tab--voided').click();
    const row = $(`${byTestId('declaration')}[data-id="${declarationId}"]`);
    await row.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'the voided declaration is listed' });
    assert.equal(await row.getAttribute('data-status'), 'voided');
    await expect(testId('declaration-void-reason')).toHaveText(REASON);
    await artifacts.screenshot('declarations-voided');
  });

  step('5. the quarter is payable again and can be declared anew', async () => {
    await $('.status-tab--declared').click();
    await testId('to-payables').waitForClickable({ timeout: 10_000 });
    await testId('to-payables').click();
    const payable = testId('payable-row');
    await payable.waitForDisplayed({
      timeout: 30_000,
      timeoutMsg: 'the voided declaration’s items are payable again',
    });
    await expect(payable).toHaveText(MA_FUHAI_PAYABLE.periodStart, { containing: true });
    await testId('declare').waitForEnabled();
    await artifacts.screenshot('payable-again');
  });

  it('6. privacy: no full ID number or name in the app data dir or its console output', async () => {
    const dataDir = process.env.SHEBAO_DATA_DIR;
    assert.ok(dataDir && existsSync(dataDir), 'SHEBAO_DATA_DIR exists');
    const needles = ALL_PEOPLE.flatMap((p) => needlesFor(p.idNumber, p.name));
    const leaks = findLeaks(dataDir, needles, (file) => GATEWAY_DATABASE.test(file));
    assert.deepEqual(
      leaks.map((l) => `${l.file}: ${l.what}`),
      [],
      'personal data under SHEBAO_DATA_DIR',
    );
    const consoleLog = join(process.env.SHEBAO_ARTIFACTS_DIR ?? '', 'tauri-driver.log');
    if (existsSync(consoleLog)) assert.deepEqual(leaksInFile(consoleLog, needles), []);
  });
});
