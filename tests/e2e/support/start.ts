import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Artifacts } from './artifacts.js';
import { normaliseOrigin } from './sandbox.js';
import { byTestId, testId } from './ui.js';

/** A journey's own folder of screenshots under SHEBAO_ARTIFACTS_DIR, numbered from 01. */
export function artifactsFor(journey: string): Artifacts {
  const root = process.env.SHEBAO_ARTIFACTS_DIR;
  assert.ok(root, 'SHEBAO_ARTIFACTS_DIR is prepared by wdio.conf.ts');
  const dir = join(root, journey);
  mkdirSync(dir, { recursive: true });
  return new Artifacts(dir, browser);
}

/**
 * Waits for the home screen (accepting the privacy notice when this data folder has not yet)
 * and answers the embedded gateway's origin from the sandbox banner.
 */
export async function homeAndOrigin(): Promise<string> {
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
  const banner = testId('sandbox-banner');
  await banner.waitForDisplayed({ timeout: 20_000 });
  const origin = await banner.getAttribute('data-gateway-origin');
  assert.ok(origin, 'the sandbox banner carries data-gateway-origin');
  return normaliseOrigin(origin);
}

/** Back to the home screen through the title bar's arrow. */
export async function backHome(): Promise<void> {
  await $('.van-nav-bar__left').click();
  await testId('open-package').waitForDisplayed({ timeout: 20_000 });
}

/** Confirms the declaration dialog of the payables screen (a Vant dialog). */
export async function declareAll(): Promise<void> {
  await testId('payable-row').waitForDisplayed({ timeout: 30_000 });
  await testId('declare').click();
  const confirm = $('.van-dialog__confirm');
  await confirm.waitForClickable({ timeout: 10_000, timeoutMsg: 'declaring asks first' });
  await confirm.click();
}
