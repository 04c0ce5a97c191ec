import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SevereServiceError } from 'webdriverio';
import { SANDBOX_DATE } from './fixtures.js';
import { crashSetup, isCrashSpec, isPaymentAttempt, publishCrashSetup } from './support/crash.js';
import { TauriDriver } from './support/driver.js';
import { HoldingProxy } from './support/holding-proxy.js';
import { Screenshotter } from './support/screenshot.js';
import {
  appBinaryPath,
  isExecutable,
  resolveArtifactsDir,
  tauriDriverPath,
  which,
} from './support/paths.js';
import { StandaloneGateway, gatewayBinaryPath } from './support/standalone-gateway.js';

declare global {
  namespace WebdriverIO {
    interface Capabilities {
      /** Read by tauri-driver, which turns it into webkitgtk:browserOptions for WebKitWebDriver. */
      'tauri:options'?: { application: string; args?: string[] };
    }
  }
}

/** The phone-sized window the journeys are written for. */
export const WINDOW = { width: 390, height: 844 } as const;

const DRIVER_PORT = Number(process.env.SHEBAO_E2E_DRIVER_PORT ?? 4444);
const NATIVE_PORT = DRIVER_PORT + 1;
const APP = appBinaryPath();

let driver: TauriDriver | undefined;
/** The crash journeys' gateway and proxy, owned by the launcher process. */
let standalone: StandaloneGateway | undefined;
let proxy: HoldingProxy | undefined;
process.on('exit', () => {
  driver?.killNow();
  standalone?.killNow();
});

function fail(message: string): never {
  throw new SevereServiceError(message);
}

/**
 * The environment of tauri-driver, inherited by WebKitWebDriver and by the app it launches: the
 * only way to hand the app settings, since WebDriver starts it.
 */
function appEnvironment(dataDir: string | undefined): NodeJS.ProcessEnv {
  if (!dataDir) throw new Error('SHEBAO_DATA_DIR was not prepared by onPrepare');
  return {
    ...process.env,
    SHEBAO_SANDBOX_DATE: SANDBOX_DATE,
    SHEBAO_DATA_DIR: dataDir,
    WEBKIT_DISABLE_DMABUF_RENDERER: process.env.WEBKIT_DISABLE_DMABUF_RENDERER ?? '1',
    TAURI_WEBVIEW_AUTOMATION: 'true',
    NO_AT_BRIDGE: '1',
    LANGUAGE: 'zh_CN:zh',
    RUST_BACKTRACE: '1',
    RUST_LOG:
      process.env.RUST_LOG ??
      'info,shebao=debug,shebao_app=debug,shebao_core=debug,shebao_client=debug,shebao_gateway=debug,shebao_certificate=debug',
  };
}

export const config: WebdriverIO.Config = {
  runner: 'local',
  hostname: '127.0.0.1',
  port: DRIVER_PORT,
  // In this order: the crash journey's second half needs its first. Each file is a session of
  // its own, with a tauri-driver (and app process) of its own.
  specs: [
    './specs/payment-package.e2e.ts',
    './specs/registration-assessment.e2e.ts',
    // 缴款异常处理 and 申报作废, each with a sandbox person of its own.
    './specs/exception-handling.e2e.ts',
    './specs/declaration-void.e2e.ts',
    // tax-certificate.e2e.ts (完税查询及证明补打, 陈嘉欣) and payment-query.e2e.ts (缴费查询及证明开具
    // and 缴费记录, 马福海) run in a session of their own: scripts/test.sh names them with --spec.
    './specs/crash-1-interrupted.e2e.ts',
    './specs/crash-2-resumed.e2e.ts',
  ],
  maxInstances: 1,
  capabilities: [
    {
      'tauri:options': { application: APP },
      'wdio:enforceWebDriverClassic': true,
      'wdio:maxInstances': 1,
    },
  ],
  logLevel: 'warn',
  bail: 0,
  waitforTimeout: 15_000,
  connectionRetryTimeout: 90_000,
  connectionRetryCount: 0,
  specFileRetries: 0,
  framework: 'mocha',
  reporters: ['spec'],
  mochaOpts: {
    ui: 'bdd',
    timeout: 180_000,
  },

  async onPrepare() {
    if (!isExecutable(APP)) {
      fail(
        `The app binary ${APP} does not exist or is not executable.\n` +
          'Build it first, from the repository root: npx tauri build --debug --no-bundle',
      );
    }
    if (!tauriDriverPath()) {
      fail(
        'tauri-driver was not found in ~/.cargo/bin or on PATH. Install it: cargo install tauri-driver --locked --version ^2',
      );
    }
    if (!which('WebKitWebDriver'))
      fail('WebKitWebDriver was not found on PATH. Install the Debian package webkit2gtk-driver.');
    if (!isExecutable(gatewayBinaryPath()))
      fail(
        `The gateway binary ${gatewayBinaryPath()} does not exist. Build it: cargo build -p shebao-gateway`,
      );
    if (!which('zbarimg'))
      fail('zbarimg was not found on PATH. Install the Debian package zbar-tools.');
    if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
      fail(
        'No display: run the journeys under Xvfb, e.g. dbus-run-session -- bash scripts/e2e-session.sh',
      );
    }

    const artifacts = resolveArtifactsDir();
    process.env.SHEBAO_ARTIFACTS_DIR = artifacts;
    process.env.SHEBAO_DATA_DIR = mkdtempSync(join(tmpdir(), 'shebao-e2e-data-'));
    console.log(`e2e: app ${APP}`);
    console.log(`e2e: artifacts ${artifacts}`);
    console.log(`e2e: app data dir (SHEBAO_DATA_DIR) ${process.env.SHEBAO_DATA_DIR}`);

    // The crash journeys: a standalone sandbox gateway (on the PostgreSQL server of
    // scripts/with-postgres.sh when there is one, else SQLite), the holding proxy in front of it,
    // and an app data folder whose settings name the proxy as the remote gateway.
    const crashDir = mkdtempSync(join(tmpdir(), 'shebao-e2e-crash-'));
    const dataDir = join(crashDir, 'app');
    mkdirSync(dataDir);
    standalone = await StandaloneGateway.start({
      database: process.env.SHEBAO_TEST_POSTGRES_URL ?? join(crashDir, 'gateway.sqlite3'),
      sandboxDate: SANDBOX_DATE,
      logFile: join(artifacts, 'standalone-gateway.log'),
    });
    const proxyLog = join(artifacts, 'crash-proxy.jsonl');
    proxy = await HoldingProxy.start(standalone.origin, proxyLog, isPaymentAttempt);
    writeFileSync(
      join(dataDir, 'settings.json'),
      JSON.stringify({
        gateway: { kind: 'remote', origin: proxy.origin, keys: await standalone.keySet() },
        language: 'zh-CN',
        large_text: false,
        // Accepted already: the crash journeys start at the home screen, not the notice.
        privacy_accepted: true,
      }),
    );
    publishCrashSetup({ origin: proxy.origin, dataDir, proxyLog, database: standalone.database });
    console.log(
      `e2e: crash journeys: gateway ${standalone.origin} on ${standalone.database}, proxy ${proxy.origin}`,
    );
  },

  async beforeSession(_config, _capabilities, specs) {
    const dataDir = specs.some(isCrashSpec) ? crashSetup().dataDir : process.env.SHEBAO_DATA_DIR;
    const binary = tauriDriverPath();
    if (!binary) throw new Error('tauri-driver was not found');
    const artifacts = process.env.SHEBAO_ARTIFACTS_DIR ?? resolveArtifactsDir();
    try {
      driver = await TauriDriver.start({
        binary,
        port: DRIVER_PORT,
        nativePort: NATIVE_PORT,
        env: appEnvironment(dataDir),
        logFile: join(artifacts, 'tauri-driver.log'),
      });
    } catch (error) {
      console.error(`e2e: could not start tauri-driver: ${(error as Error).message}`);
      throw error;
    }
  },

  async before() {
    try {
      await browser.setWindowSize(WINDOW.width, WINDOW.height);
      const size = await browser.getWindowSize();
      if (size.width !== WINDOW.width || size.height !== WINDOW.height) {
        console.warn(
          `e2e: asked for a ${WINDOW.width}×${WINDOW.height} window, got ${size.width}×${size.height}; continuing`,
        );
      }
    } catch (error) {
      console.warn(
        `e2e: the driver could not resize the window (${(error as Error).message.split('\n')[0]}); continuing at its own size`,
      );
    }
  },

  async afterTest(test, _context, { passed, error }) {
    if (passed || !error) return;
    const artifacts = process.env.SHEBAO_ARTIFACTS_DIR;
    if (!artifacts) return;
    const slug = test.title
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60);
    await new Screenshotter(browser)
      .window(join(artifacts, `failed-${slug}.png`))
      .catch(() => undefined);
  },

  async afterSession() {
    await driver?.stop();
    driver = undefined;
  },

  async onComplete(exitCode) {
    await proxy?.close();
    await standalone?.stop();
    const artifacts = process.env.SHEBAO_ARTIFACTS_DIR;
    if (artifacts)
      console.log(
        `e2e: ${exitCode === 0 ? 'passed' : 'FAILED'}; screenshots and logs in ${artifacts}`,
      );
  },
};
