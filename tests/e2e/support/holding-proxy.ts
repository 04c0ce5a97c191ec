import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import {
  createServer,
  request as upstreamRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that went through the proxy, as the proxy's log file holds it (JSON lines). */
export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent. */
  target: string;
  idempotencyKey: string | null;
  /** The gateway's status code. */
  status: number;
  /** True for the one response the proxy kept from the app. */
  held: boolean;
  /** The gateway's response body (kept only for the held response). */
  body?: string;
}

/**
 * An HTTP proxy between the app and a standalone gateway that forwards every request and every
 * response byte for byte, except one: the gateway's answer to the first request `holds` picks
 * is recorded but never passed on, as if the network (or the app) died after the request left
 * and before its answer arrived. Every request is logged to `logFile`, so that the specs (other
 * processes) can see what the app sent and when the held answer exists.
 */
export class HoldingProxy {
  private holding = true;
  private readonly held: ServerResponse[] = [];

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(
    upstream: string,
    logFile: string,
    holds: (method: string, target: string) => boolean,
  ): Promise<HoldingProxy> {
    const gateway = new URL(upstream);
    let proxy: HoldingProxy | undefined;
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const method = request.method ?? 'GET';
      const target = request.url ?? '/';
      const forwarded = upstreamRequest(
        {
          host: gateway.hostname,
          port: gateway.port,
          method,
          path: target,
          // The Host header the app signed goes through unchanged.
          headers: request.headers,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            const body = Buffer.concat(chunks);
            const hold = proxy !== undefined && proxy.holding && holds(method, target);
            const key = request.headers['idempotency-key'];
            const record: ProxiedRequest = {
              method,
              target,
              idempotencyKey: typeof key === 'string' ? key : null,
              status: answer.statusCode ?? 0,
              held: hold,
            };
            if (hold && proxy) {
              proxy.holding = false;
              proxy.held.push(response);
              record.body = body.toString('utf8');
            } else {
              const headers = { ...answer.headers };
              delete headers['transfer-encoding'];
              headers['content-length'] = String(body.length);
              response.writeHead(answer.statusCode ?? 502, headers);
              response.end(body);
            }
            appendFileSync(logFile, `${JSON.stringify(record)}\n`);
          });
        },
      );
      forwarded.on('error', (error) => {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`proxy: the gateway did not answer: ${error.message}`);
      });
      request.pipe(forwarded);
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    proxy = new HoldingProxy(server, `http://127.0.0.1:${port}`);
    return proxy;
  }

  async close(): Promise<void> {
    for (const response of this.held) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((closed) => this.server.close(() => closed()));
  }
}

/** The requests the proxy has logged so far. */
export function proxiedRequests(logFile: string): ProxiedRequest[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ProxiedRequest);
}
