import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, realpathSync } from 'node:fs';
import type { TestPerson } from '../fixtures.js';
import { asTyped } from './idcard.js';
import { captchaAnswer } from './sandbox.js';
import { testId, typeInto } from './ui.js';

/**
 * Home → 申报缴款套餐 → identity confirmed (the X check character typed as a lower-case x), the
 * captcha answered through `origin`'s sandbox-only answer route.
 */
export async function confirmIdentity(person: TestPerson, origin: string): Promise<void> {
  const open = testId('open-package');
  await open.waitForDisplayed({ timeout: 60_000, timeoutMsg: 'the app shows its home screen' });
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
}

/** Chooses UnionPay and presses 去支付, without waiting for the answer. */
export async function pressPayWithUnionPay(): Promise<void> {
  const channel = testId('channel-unionpay');
  await channel.waitForDisplayed({ timeout: 30_000, timeoutMsg: 'the pay screen offers UnionPay' });
  await channel.click();
  await testId('pay').click();
}

/** After 去支付: the ticket number and the cashier link the pay screen shows. */
export async function shownPayment(): Promise<{ ticket: string; payUrl: string }> {
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

/** The ids of running processes whose executable is `binary`. */
export function processesOf(binary: string): number[] {
  const real = realpathSync(binary);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/exe`) === real) pids.push(Number(entry));
    } catch {
      // Gone already, or another user's process.
    }
  }
  return pids;
}

/** Kills the app the way a crash or a flat battery would: SIGKILL, no chance to clean up. */
export async function crashApp(binary: string): Promise<void> {
  const pids = processesOf(binary);
  assert.ok(pids.length > 0, `the app (${binary}) is running`);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  await browser.waitUntil(async () => processesOf(binary).length === 0, {
    timeout: 10_000,
    timeoutMsg: 'the app process is gone after SIGKILL',
  });
}
