/**
 * What the launcher (wdio.conf.ts) prepares for the crash journeys and hands to their workers
 * through the environment: a standalone gateway, the holding proxy in front of it, and an app
 * data folder whose settings point the app at the proxy.
 */
export interface CrashSetup {
  /** The proxy's origin: the gateway as the app (and the journeys) reach it. */
  origin: string;
  /** The app data folder of the crash journeys (settings.json, journal, ...). */
  dataDir: string;
  /** The proxy's log of every request, JSON lines (support/holding-proxy.ts). */
  proxyLog: string;
  /** `sqlite:<path>` or `postgres://host:port` the gateway serves from. */
  database: string;
}

const VARIABLE = 'SHEBAO_E2E_CRASH';

export function publishCrashSetup(setup: CrashSetup): void {
  process.env[VARIABLE] = JSON.stringify(setup);
}

export function crashSetup(): CrashSetup {
  const text = process.env[VARIABLE];
  if (!text) throw new Error(`${VARIABLE} was not prepared by wdio.conf.ts onPrepare`);
  return JSON.parse(text) as CrashSetup;
}

/** Crash journeys run against the standalone gateway, the others against the embedded sandbox. */
export function isCrashSpec(spec: string): boolean {
  return /\/crash-[^/]*\.e2e\.ts$/.test(spec);
}

/** The held request: a new payment attempt (the deduction itself). */
export function isPaymentAttempt(method: string, target: string): boolean {
  return method === 'POST' && /^\/v1\/payment-orders\/[^/?]+\/attempts$/.test(target);
}
