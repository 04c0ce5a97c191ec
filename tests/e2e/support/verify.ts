import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { appBinaryPath } from './paths.js';

const run = promisify(execFile);

/** What `shebao-verify` reports about a certificate image. */
export interface Verification {
  qr_text: string;
  verdict: 'valid' | 'invalid_signature' | 'unknown_key' | 'malformed';
  key_index: number;
  number: string;
  amount_fen: number;
  first_month: string;
  last_month: string;
  issued_on: string;
}

/**
 * Verifies a saved certificate with the project's Rust verifier (`shebao-verify`, built beside
 * the app): an independent QR decoder (rqrr) and an Ed25519 check against the key set's
 * certificate keys. A verdict other than valid is returned, not thrown, so the test can say which.
 */
export async function verifyCertificate(image: string, keysFile: string): Promise<Verification> {
  const binary = join(dirname(appBinaryPath()), 'shebao-verify');
  if (!existsSync(binary))
    throw new Error(`${binary} is missing: build it with cargo build -p shebao-certificate`);
  try {
    const { stdout } = await run(binary, [image, keysFile], { encoding: 'utf8' });
    return JSON.parse(stdout) as Verification;
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (failed.code === 1 && failed.stdout) return JSON.parse(failed.stdout) as Verification;
    throw new Error(`shebao-verify failed: ${failed.stderr ?? String(error)}`);
  }
}
