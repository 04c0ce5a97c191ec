/**
 * Self-check of the end-to-end harness, without the app: tauri-driver (spawned and stopped the
 * way wdio.conf.ts does it) + WebKitWebDriver + a WebKitGTK window (MiniBrowser) under the current
 * display, a phone-sized window, a double press through pointer actions, an element screenshot of
 * a QR code decoded by zbarimg, and a clean stop with the ports free again.
 * Run inside scripts/e2e-session.sh (dbus + unlocked keyring + Xvfb): npm run check-harness -w tests/e2e
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { remote } from 'webdriverio';
import { Artifacts } from '../support/artifacts.js';
import { portAnswers, TauriDriver } from '../support/driver.js';
import { resolveArtifactsDir, tauriDriverPath, which } from '../support/paths.js';
import { decodeQr } from '../support/qr.js';
import { byTestId, doublePress } from '../support/ui.js';

const PORT = Number(process.env.SHEBAO_E2E_DRIVER_PORT ?? 4444);

function miniBrowser(): string {
  for (const lib of ['/usr/lib', '/usr/libexec']) {
    if (!existsSync(lib)) continue;
    for (const entry of readdirSync(lib)) {
      const candidate = join(lib, entry, 'webkit2gtk-4.1', 'MiniBrowser');
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new Error('MiniBrowser (from libwebkit2gtk-4.1-0) was not found');
}

async function main(): Promise<void> {
  assert.ok(process.env.DISPLAY || process.env.WAYLAND_DISPLAY, 'a display (run under xvfb-run)');
  const driverBinary = tauriDriverPath();
  assert.ok(
    driverBinary,
    'tauri-driver is installed (cargo install tauri-driver --locked --version ^2)',
  );
  assert.ok(which('WebKitWebDriver'), 'WebKitWebDriver is on PATH (webkit2gtk-driver)');

  const dir = join(resolveArtifactsDir(), 'harness-check');
  mkdirSync(dir, { recursive: true });

  const started = Date.now();
  const driver = await TauriDriver.start({
    binary: driverBinary,
    port: PORT,
    nativePort: PORT + 1,
    env: {
      ...process.env,
      WEBKIT_DISABLE_DMABUF_RENDERER: process.env.WEBKIT_DISABLE_DMABUF_RENDERER ?? '1',
      NO_AT_BRIDGE: '1',
    },
    logFile: join(dir, 'tauri-driver.log'),
  });
  console.log(`harness: tauri-driver answered on ${PORT} after ${Date.now() - started} ms`);

  try {
    const browser = await remote({
      hostname: '127.0.0.1',
      port: PORT,
      logLevel: 'warn',
      connectionRetryCount: 0,
      capabilities: {
        'tauri:options': { application: miniBrowser(), args: ['--automation'] },
        'wdio:enforceWebDriverClassic': true,
      },
    });
    try {
      const qrText = 'http://127.0.0.1:43117/sandbox/unionpay/cashier/att_harness';
      const svg = await QRCode.toString(qrText, { type: 'svg', margin: 0 });
      const html =
        '<!doctype html><meta charset="utf-8"><body style="margin:16px;font-family:sans-serif">' +
        '<div data-testid="sandbox-banner" data-gateway-origin="http://127.0.0.1:43117">演示环境 · 2025-06-15</div>' +
        '<button data-testid="declare" style="font-size:20px;padding:12px" onclick="this.dataset.presses=String(Number(this.dataset.presses||0)+1)">申报</button>' +
        `<div data-testid="payment-qr" style="width:200px;height:200px;margin-top:16px">${svg.replace('<svg ', '<svg width="200" height="200" ')}</div>` +
        '</body>';
      await browser.url(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);

      try {
        await browser.setWindowSize(390, 844);
      } catch (error) {
        console.warn(`harness: setWindowSize refused (${(error as Error).message.split('\n')[0]})`);
      }
      const size = await browser.getWindowSize();
      console.log(`harness: window ${size.width}×${size.height}`);

      const banner = await browser.$(byTestId('sandbox-banner')).getText();
      assert.ok(banner.includes('演示环境'), 'Chinese text reaches the DOM');

      await doublePress('declare', browser);
      const presses = await browser.$(byTestId('declare')).getAttribute('data-presses');
      assert.equal(presses, '2', 'a double press delivers two clicks');

      const artifacts = new Artifacts(dir, browser);
      await artifacts.screenshot('window');
      const png = await artifacts.elementScreenshot(
        browser.$(byTestId('payment-qr')),
        'qr-element',
      );
      const decoded = await decodeQr(png);
      assert.equal(decoded?.text, qrText, 'zbarimg decodes an element screenshot of an SVG QR');
      console.log(
        `harness: screenshots via ${artifacts.captureMode}; QR decoded (${decoded?.from})`,
      );
    } finally {
      await browser.deleteSession();
    }
  } finally {
    await driver.stop();
  }

  assert.equal(driver.isRunning(), false, 'tauri-driver and its process group are gone');
  assert.equal(await portAnswers(PORT), false, `port ${PORT} is free again`);
  assert.equal(await portAnswers(PORT + 1), false, `port ${PORT + 1} is free again`);
  console.log(`harness: OK in ${((Date.now() - started) / 1000).toFixed(1)} s; evidence in ${dir}`);
}

main().catch((error: unknown) => {
  console.error(`harness: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
