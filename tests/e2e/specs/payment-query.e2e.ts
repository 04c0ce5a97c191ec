import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_PEOPLE, MA_FUHAI, MA_FUHAI_PAYABLE } from '../fixtures.js';
import type { Artifacts } from '../support/artifacts.js';
import { choose, parseCashierForm, submitCashierForm } from '../support/cashier.js';
import { confirmIdentity, pressPayWithUnionPay, shownPayment } from '../support/journey.js';
import { findLeaks, leaksInFile, needlesFor } from '../support/privacy.js';
import { decodeQr } from '../support/qr.js';
import { getPage } from '../support/sandbox.js';
import { artifactsFor, backHome, declareAll, homeAndOrigin } from '../support/start.js';
import { byTestId, testId } from '../support/ui.js';
import { verifyCertificate } from '../support/verify.js';

const GATEWAY_DATABASE = /^sandbox-gateway\.sqlite3(-wal|-shm|-journal)?$/;
/** The quarter at the lowest base: 991.00 a month. */
const QUARTER_AMOUNT = '2973.00';
const QUARTER_MONTHS = ['2025-04', '2025-05', '2025-06'];

/**
 * 缴费查询及证明开具 and 缴费记录: 马福海 pays his quarter, finds the payment under
 * 缴费查询及证明开具 with its ticket number, ticks it and issues its 缴费证明 (the saved PNG's
 * QR read by zbarimg and verified by the Rust verifier), then sees the quarter paid in his
 * payment history.
 */
describe('缴费查询及证明开具: pay → find the payment → issue its certificate → payment history', function () {
  let artifacts: Artifacts;
  let origin = '';
  let ticket = '';
  let orderId = '';
  let certificateNumber = '';
  let broken = false;

  before(() => {
    artifacts = artifactsFor('payment-query');
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

  step('1. pays the quarter with UnionPay on the sandbox cashier', async () => {
    origin = await homeAndOrigin();
    await confirmIdentity(MA_FUHAI, origin);
    await declareAll();
    await pressPayWithUnionPay();
    const shown = await shownPayment();
    ticket = shown.ticket;
    const page = await getPage(new URL(shown.payUrl, origin).toString());
    assert.equal(page.status, 200, 'the cashier opens');
    const paid = await submitCashierForm(
      choose(parseCashierForm(page.html, page.url), 'source', 'bank_card'),
    );
    assert.equal(paid.status, 200, 'the bank card is accepted');
    await $(`${byTestId('paid-result')}[data-status="paid"]`).waitForDisplayed({
      timeout: 30_000,
      timeoutMsg: 'the app notices the payment by itself',
    });
    await artifacts.screenshot('paid');
    // Home without issuing here: the certificate comes from 缴费查询及证明开具.
    await testId('back-home').click();
    await testId('open-package').waitForDisplayed({ timeout: 20_000 });
  });

  step(
    '2. 缴费查询及证明开具 lists the payment with its ticket number, not yet certified',
    async () => {
      await testId('open-payments').scrollIntoView();
      await artifacts.screenshot('home');
      await testId('open-payments').click();
      const row = $(`${byTestId('payment')}[data-status="paid"]`);
      await row.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'the payment is listed' });
      orderId = (await row.getAttribute('data-id')) ?? '';
      assert.ok(orderId.startsWith('ord_'), 'the row carries the order id');
      await expect(testId('payment-ticket')).toHaveText(ticket);
      await expect(testId('payment-amount')).toHaveText(QUARTER_AMOUNT);
      await expect(testId('payment-period')).toHaveText(
        `${MA_FUHAI_PAYABLE.periodStart} 至 ${MA_FUHAI_PAYABLE.periodEnd}`,
      );
      await expect(testId('payment-certificate-state')).toHaveText('未开具');
      await testId('payment-detail-toggle').click();
      await testId('payment-lines').waitForDisplayed();
      await expect(testId('payment-lines')).toHaveText('企业职工基本养老保险费', {
        containing: true,
      });
      await artifacts.screenshot('payments');
    },
  );

  step('3. ticked and issued: the certificate is saved, its QR reads and verifies', async () => {
    await testId('payment-select').click();
    await expect(testId('selected-summary')).toHaveText(`已选 1 笔，共 ${QUARTER_AMOUNT} 元`);
    await artifacts.screenshot('payments-selected');
    await testId('issue-selected').click();

    const result = $(`${byTestId('issue-result')}[data-id="${orderId}"]`);
    await result.waitForDisplayed({
      timeout: 60_000,
      timeoutMsg: 'the certificate is issued, rendered and saved',
    });
    await testId('issue-result-preview').waitForDisplayed({ timeout: 10_000 });
    certificateNumber = (await result.getAttribute('data-number')) ?? '';
    assert.match(certificateNumber, /^\d+$/, 'the result names the certificate number');
    const path = (await result.getAttribute('data-path')) ?? '';
    assert.ok(existsSync(path), 'the saved certificate file exists');
    assert.ok(
      path.includes(join('Pictures', '社保缴费助手')),
      'the certificate is saved in Pictures/社保缴费助手',
    );
    await testId('certificate-actions').waitForDisplayed();
    await artifacts.screenshot('certificate-issued');

    const zbar = await decodeQr(path);
    assert.ok(zbar, 'zbarimg decodes the QR on the saved certificate');
    const keys = await fetch(`${origin}/.well-known/shebao-keys`);
    assert.equal(keys.status, 200, 'the gateway publishes its key set');
    const keysFile = artifacts.text('shebao-keys', 'json', await keys.text());
    const verified = await verifyCertificate(path, keysFile);
    assert.equal(verified.verdict, 'valid', 'the Rust verifier finds the signature valid');
    assert.equal(verified.qr_text, zbar.text, 'zbarimg and the Rust decoder read the same QR');
    assert.equal(verified.number, certificateNumber);
    assert.equal(verified.amount_fen, Math.round(Number(QUARTER_AMOUNT) * 100));
    assert.equal(verified.first_month, MA_FUHAI_PAYABLE.periodStart);
    assert.equal(verified.last_month, MA_FUHAI_PAYABLE.periodEnd);

    await testId('issue-results-close').click();
    await testId('issue-results').waitForDisplayed({ reverse: true, timeout: 10_000 });
    const row = $(`${byTestId('payment')}[data-id="${orderId}"]`);
    await browser.waitUntil(async () => (await row.getAttribute('data-certificate')) !== '', {
      timeout: 10_000,
      timeoutMsg: 'the row shows the certificate issued',
    });
    assert.equal(await row.getAttribute('data-certificate'), certificateNumber);
    await testId('view-certificate').waitForDisplayed();
    await artifacts.screenshot('payments-certified');
  });

  step('4. 查看证明 opens the saved certificate again', async () => {
    await testId('view-certificate').click();
    await testId('certificate-image').waitForDisplayed({
      timeout: 60_000,
      timeoutMsg: 'the saved certificate is drawn again',
    });
    assert.equal(await testId('certificate-detail').getAttribute('data-number'), certificateNumber);
    await artifacts.screenshot('certificate-viewed');
    // The certificate belongs to the saved certificates: its arrow leads there, then home.
    await $('.van-nav-bar__left').click();
    await testId('gallery-entry').waitForDisplayed({ timeout: 20_000 });
    await backHome();
  });

  step('5. 缴费记录 shows the quarter paid, with the amount of the year', async () => {
    await testId('open-history').click();
    const year = $(`${byTestId('history-year')}[data-year="2025"]`);
    await year.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'the history shows 2025' });
    for (const month of QUARTER_MONTHS) {
      const cell = $(`${byTestId('history-cell')}[data-month="${month}"]`);
      assert.equal(await cell.getAttribute('data-state'), 'paid', `${month} is paid`);
      const label = await cell.getAttribute('aria-label');
      assert.equal(label, `2025年${Number(month.slice(5))}月 已缴`);
    }
    assert.equal(
      await $(`${byTestId('history-cell')}[data-month="2025-07"]`).getAttribute('data-state'),
      'future',
    );
    await expect(testId('history-year-amount')).toHaveText(`实缴 ${QUARTER_AMOUNT} 元`, {
      containing: true,
    });
    await expect(testId('history-paid-through')).toHaveText(MA_FUHAI_PAYABLE.periodEnd);
    await artifacts.screenshot('history');
    await testId('history-explain').scrollIntoView();
    await artifacts.screenshot('history-explain');
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
