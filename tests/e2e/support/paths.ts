import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tests/e2e */
export const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root (the Tauri app package). */
export const REPO_ROOT = resolve(E2E_DIR, '..', '..');

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds a program on PATH, as a shell would. */
export function which(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The debug build of the app that `npx tauri build --debug --no-bundle` leaves behind.
 * SHEBAO_APP_BINARY overrides it; CARGO_TARGET_DIR is honoured like cargo does.
 */
export function appBinaryPath(): string {
  const override = process.env.SHEBAO_APP_BINARY;
  if (override) return resolve(REPO_ROOT, override);
  const targetDir = process.env.CARGO_TARGET_DIR;
  const base = targetDir
    ? isAbsolute(targetDir)
      ? targetDir
      : resolve(REPO_ROOT, targetDir)
    : join(REPO_ROOT, 'target');
  return join(base, 'debug', 'shebao');
}

/** tauri-driver: TAURI_DRIVER, then ~/.cargo/bin, then PATH. */
export function tauriDriverPath(): string | undefined {
  const override = process.env.TAURI_DRIVER;
  if (override) return isExecutable(override) ? override : undefined;
  const cargoHome = process.env.CARGO_HOME ?? join(homedir(), '.cargo');
  const fromCargo = join(cargoHome, 'bin', 'tauri-driver');
  if (isExecutable(fromCargo)) return fromCargo;
  return which('tauri-driver');
}

function timestamp(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}` +
    `-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
  );
}

/**
 * Where screenshots and other evidence of a run go: $SHEBAO_ARTIFACTS_DIR when set (scripts/run.sh
 * sets it to artifacts/run-<timestamp>), otherwise tests/e2e/artifacts/<timestamp>. Created if missing.
 */
export function resolveArtifactsDir(): string {
  const fromEnv = process.env.SHEBAO_ARTIFACTS_DIR;
  const dir = fromEnv ? resolve(REPO_ROOT, fromEnv) : join(E2E_DIR, 'artifacts', timestamp());
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  return dir;
}
