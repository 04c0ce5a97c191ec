import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './paths.js';

/**
 * `target/debug/shebao-gateway` (built by `cargo build -p shebao-gateway`);
 * SHEBAO_GATEWAY_BINARY overrides it.
 */
export function gatewayBinaryPath(): string {
  return (
    process.env.SHEBAO_GATEWAY_BINARY ??
    join(process.env.CARGO_TARGET_DIR ?? join(REPO_ROOT, 'target'), 'debug', 'shebao-gateway')
  );
}

/** A `shebao-gateway serve --sandbox` process of its own, as an operator would run it. */
export class StandaloneGateway {
  private constructor(
    private readonly child: ChildProcess,
    readonly origin: string,
    /** `sqlite:<path>` or the PostgreSQL URL it serves from (no password in it). */
    readonly database: string,
  ) {}

  /**
   * Starts the gateway on `database` (a PostgreSQL URL, or a SQLite file path) on a free
   * loopback port, its JSON logs to `logFile`; resolves once it prints the address it listens on.
   */
  static async start(options: {
    database: string;
    sandboxDate: string;
    logFile: string;
  }): Promise<StandaloneGateway> {
    const log = openSync(options.logFile, 'a');
    const child = spawn(
      gatewayBinaryPath(),
      [
        'serve',
        '--sandbox',
        '--sandbox-date',
        options.sandboxDate,
        '--database',
        options.database,
        '--bind',
        '127.0.0.1:0',
      ],
      { stdio: ['ignore', 'pipe', log] },
    );
    const origin = await new Promise<string>((started, failed) => {
      const timer = setTimeout(
        () => failed(new Error(`the gateway did not start within 60 s; see ${options.logFile}`)),
        60_000,
      );
      child.once('error', failed);
      child.once('exit', (code) =>
        failed(new Error(`the gateway exited (${code}) before listening; see ${options.logFile}`)),
      );
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const match = /^shebao-gateway listening on (\S+)$/.exec(line.trim());
        if (match) {
          clearTimeout(timer);
          started(match[1]);
        }
      });
    });
    const shown = options.database.startsWith('postgres')
      ? new URL(options.database).origin.replace(/^postgres(ql)?:/, 'postgres:')
      : `sqlite:${options.database}`;
    return new StandaloneGateway(child, origin, shown);
  }

  /** The key set it serves, which the app's settings must trust. */
  async keySet(): Promise<unknown> {
    const response = await fetch(`${this.origin}/.well-known/shebao-keys`);
    if (response.status !== 200) throw new Error(`the key set answered ${response.status}`);
    return response.json();
  }

  /** For process exit handlers: SIGKILL, now. */
  killNow(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  /** SIGTERM: the gateway finishes what is in flight and exits. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((timeout) => setTimeout(timeout, 10_000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
