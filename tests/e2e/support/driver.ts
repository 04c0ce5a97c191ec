import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DriverOptions {
  /** Absolute path of the tauri-driver binary. */
  binary: string;
  /** Port tauri-driver listens on (the WebDriver client talks to it). */
  port: number;
  /** Port of the WebKitWebDriver that tauri-driver starts behind it. */
  nativePort: number;
  /** Environment of tauri-driver, hence of WebKitWebDriver and of the app it launches. */
  env: NodeJS.ProcessEnv;
  /** File that receives tauri-driver's, WebKitWebDriver's and the app's stdout and stderr. */
  logFile: string;
  /** How long to wait for the driver to answer, in milliseconds. */
  startTimeoutMs?: number;
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portAnswers(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (answer: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolveAnswer(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function statusReady(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/status`, {
      signal: AbortSignal.timeout(2000),
    });
    if (!response.ok) return false;
    const body = (await response.json()) as { value?: { ready?: boolean } };
    return body.value?.ready === true;
  } catch {
    return false;
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * One tauri-driver process (with the WebKitWebDriver it starts) in its own process group, so that
 * stopping it also ends the native driver and the app window it launched, and nothing else.
 */
export class TauriDriver {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly logFile: string,
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: DriverOptions): Promise<TauriDriver> {
    const { binary, port, nativePort, env, logFile } = options;
    for (const p of [port, nativePort]) {
      if (await portAnswers(p)) {
        throw new Error(
          `Port ${p} is already in use (another tauri-driver or WebKitWebDriver still running?). ` +
            'Only one WebDriver session can run at a time; stop the other run first.',
        );
      }
    }
    const out = openSync(logFile, 'a');
    const child = spawn(binary, ['--port', String(port), '--native-port', String(nativePort)], {
      env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    const driver = new TauriDriver(child, port, logFile);
    const exited = new Promise<number | null>((resolveExit) =>
      child.once('exit', (code) => resolveExit(code)),
    );
    const spawnError = new Promise<Error>((resolveError) => child.once('error', resolveError));

    const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
    while (Date.now() < deadline) {
      const early = await Promise.race([
        exited.then((code) => `exited with code ${code}`),
        spawnError.then((e) => `failed to start: ${e.message}`),
        sleep(250).then(() => undefined),
      ]);
      if (early !== undefined) {
        throw new Error(
          `tauri-driver (${binary}) ${early} before answering on port ${port}. Its output:\n${tail(logFile)}`,
        );
      }
      if ((await portAnswers(nativePort)) && (await statusReady(port))) return driver;
    }
    await driver.stop();
    throw new Error(
      `tauri-driver did not answer on port ${port} within ${options.startTimeoutMs ?? 20_000} ms. Its output:\n${tail(logFile)}`,
    );
  }

  /** SIGTERM to the process group, then SIGKILL after a grace period. */
  async stop(graceMs = 5000): Promise<void> {
    const pgid = this.child.pid;
    if (pgid === undefined || !groupAlive(pgid)) return;
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      return;
    }
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && groupAlive(pgid)) await sleep(100);
    if (groupAlive(pgid)) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        return;
      }
      const killDeadline = Date.now() + 2000;
      while (Date.now() < killDeadline && groupAlive(pgid)) await sleep(50);
    }
  }

  /** For process 'exit' handlers, where nothing asynchronous runs any more. */
  killNow(): void {
    const pgid = this.child.pid;
    if (pgid !== undefined && groupAlive(pgid)) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        return;
      }
    }
  }

  isRunning(): boolean {
    const pgid = this.child.pid;
    return pgid !== undefined && groupAlive(pgid);
  }
}
