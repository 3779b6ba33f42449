import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { AgentStatus, GateAgentEvents } from '../agent/gate-agent.types.js';
import type { TypedEventEmitter } from '../hardware/typed-event-emitter.js';
import type { SyncLog } from '../sync/sync-log.js';
import { GUARD_PAGE_CSS, GUARD_PAGE_HTML, GUARD_PAGE_JS } from './guard-page.assets.js';

/** What the guard page needs from the agent. */
export interface GuardPageAgent {
  readonly events: TypedEventEmitter<GateAgentEvents>;
  status(): AgentStatus;
  manualOpen(operator: string): { eventId: string };
}

export interface GuardPageServerOptions {
  readonly host: string;
  readonly port: number;
  readonly agent: GuardPageAgent;
  readonly log: SyncLog;
  /** How often the status is pushed to open pages. Default 2000 ms. */
  readonly statusIntervalMs?: number;
}

/** Scans kept for a page opened after them (the page lists the latest first). */
const RECENT_SCANS = 20;
const MAX_BODY_BYTES = 2048;

const manualOpenSchema = z.strictObject({
  operator: z
    .string({ error: 'expected operator: the guard’s name as text' })
    .trim()
    .min(2, { error: 'type your name (at least 2 characters) before opening the gate' })
    .max(80, { error: 'expected a name of at most 80 characters' })
    .regex(/^[^\p{Cc}]+$/u, { error: 'expected a name without control characters' }),
});

const SECURITY_HEADERS: Record<string, string> = {
  // Everything the page uses is served here: no CDN, no inline script; thumbnails are data: URLs.
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/**
 * The gate's guard page on node:http: a small self-contained page, an SSE stream of scans, passages, alerts and
 * the gate status, and the manual-open button. Listens on guardPage.host (127.0.0.1 unless configured otherwise).
 * Carries no secrets: the status names no keys, codes or credentials, and scans show only the bundle's display data.
 */
export class GuardPageServer {
  readonly #server: Server;
  readonly #streams = new Set<ServerResponse>();
  readonly #recent: string[] = [];
  readonly #unsubscribe: (() => void)[] = [];
  #statusTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: GuardPageServerOptions) {
    this.#server = createServer((request, response) => {
      this.#route(request, response).catch((error: unknown) => {
        options.log.error({ error: (error as Error).message }, 'guard page request failed');
        if (!response.headersSent) this.#json(response, 500, { message: 'internal error; see the agent log' });
        else response.end();
      });
    });
  }

  /** Starts listening; resolves with the page's URL. */
  async start(): Promise<string> {
    const { agent } = this.options;
    this.#unsubscribe.push(
      agent.events.on('scan', (view) => {
        const data = JSON.stringify(view);
        this.#recent.push(data);
        if (this.#recent.length > RECENT_SCANS) this.#recent.shift();
        this.#broadcast('scan', data);
        this.#broadcastStatus();
      }),
      agent.events.on('passage', (view) => this.#broadcast('passage', JSON.stringify(view))),
      agent.events.on('manual-open', (view) => this.#broadcast('manual-open', JSON.stringify(view))),
      agent.events.on('alert', (view) => this.#broadcast('alert', JSON.stringify(view))),
      agent.events.on('phase', () => this.#broadcastStatus()),
    );
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.options.port, this.options.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#statusTimer = setInterval(() => this.#broadcastStatus(), this.options.statusIntervalMs ?? 2000);
    this.#statusTimer.unref();
    return this.url;
  }

  get url(): string {
    const address = this.#server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}/`;
  }

  async stop(): Promise<void> {
    clearInterval(this.#statusTimer);
    for (const remove of this.#unsubscribe.splice(0)) remove();
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://guard.local').pathname;
    const method = request.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') {
      switch (path) {
        case '/':
          return this.#asset(response, 'text/html; charset=utf-8', GUARD_PAGE_HTML);
        case '/guard-page.css':
          return this.#asset(response, 'text/css; charset=utf-8', GUARD_PAGE_CSS);
        case '/guard-page.js':
          return this.#asset(response, 'text/javascript; charset=utf-8', GUARD_PAGE_JS);
        case '/events':
          return this.#openStream(request, response);
        case '/api/status':
          return this.#json(response, 200, this.options.agent.status());
      }
    }
    if (path === '/api/manual-open') {
      if (method !== 'POST') return this.#json(response, 405, { message: 'use POST' }, { Allow: 'POST' });
      return this.#manualOpen(request, response);
    }
    return this.#json(response, 404, { message: `nothing at ${path}` });
  }

  async #manualOpen(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A cross-site page cannot send application/json without a preflight this server never answers, and a
    // browser always names its origin on a POST: together they keep other web pages from opening the gate.
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return this.#json(response, 415, { message: 'expected a JSON body: {"operator": "<guard name>"}' });
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${request.headers.host ?? ''}`) {
      return this.#json(response, 403, { message: 'manual open is only accepted from the guard page itself' });
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch (error) {
      return this.#json(response, 400, { message: `expected a JSON body: {"operator": "<guard name>"} (${(error as Error).message})` });
    }
    const parsed = manualOpenSchema.safeParse(body);
    if (!parsed.success) {
      return this.#json(response, 400, { message: parsed.error.issues.map((issue) => issue.message).join('; ') });
    }
    try {
      const { eventId } = this.options.agent.manualOpen(parsed.data.operator);
      return this.#json(response, 201, { eventId });
    } catch (error) {
      return this.#json(response, 409, { message: (error as Error).message });
    }
  }

  #openStream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write('retry: 2000\n\n');
    response.write(frame('status', JSON.stringify(this.options.agent.status())));
    for (const data of this.#recent) response.write(frame('scan', data));
    this.#streams.add(response);
    request.on('close', () => this.#streams.delete(response));
  }

  #broadcastStatus(): void {
    if (this.#streams.size === 0) return;
    this.#broadcast('status', JSON.stringify(this.options.agent.status()));
  }

  #broadcast(event: string, data: string): void {
    const text = frame(event, data);
    for (const stream of this.#streams) stream.write(text);
  }

  #asset(response: ServerResponse, type: string, body: string): void {
    response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    response.end(body);
  }

  #json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      ...SECURITY_HEADERS,
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    response.end(text);
  }
}

function frame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`body larger than ${MAX_BODY_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
