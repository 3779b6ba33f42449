import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { AgentStatus, GateAgentEvents } from '../agent/gate-agent.types.js';
import type { TypedEventEmitter } from '../hardware/typed-event-emitter.js';
import type { SyncLog } from '../sync/sync-log.js';
import { GUARD_PAGE_CSS, GUARD_PAGE_HTML, GUARD_PAGE_JS } from './guard-page.assets.js';
import {
  DEFAULT_PIN_ATTEMPT_LIMITS,
  GUARD_PIN_PATTERN,
  GUARD_PIN_RULE,
  parseGuardPinHash,
  PinAttemptLimiter,
  verifyGuardPin,
  type GuardPinHash,
  type PinAttemptLimits,
} from './guard-pin.js';

/** What the guard page needs from the agent. */
export interface GuardPageAgent {
  readonly events: TypedEventEmitter<GateAgentEvents>;
  status(): AgentStatus;
  manualOpen(operator: string): { eventId: string };
  /** Records a refused manual open (wrong PIN) as an alert event; never given the PIN. */
  refuseManualOpen(operator: string, detail: string): void;
}

export interface GuardPageServerOptions {
  readonly host: string;
  readonly port: number;
  readonly agent: GuardPageAgent;
  readonly log: SyncLog;
  /** How often the status is pushed to open pages. Default 2000 ms. */
  readonly statusIntervalMs?: number;
  /** guardPage.manualOpenPinHash (`scrypt$N$r$p$salt$hash`); without it manual open is disabled. */
  readonly manualOpenPinHash?: string;
  /** Wrong-PIN rate limit. Default: 5 per minute, then refused for 5 minutes. */
  readonly pinAttemptLimits?: PinAttemptLimits;
}

export const MANUAL_OPEN_DISABLED_MESSAGE =
  'manual open is disabled on this gate: no guard PIN is configured (set guardPage.manualOpenPinHash in the gate configuration to the output of `gate-agent hash-pin`)';

/** Scans kept for a page opened after them (the page lists the latest first). */
const RECENT_SCANS = 20;
const MAX_BODY_BYTES = 2048;

const manualOpenSchema = z.strictObject({
  operator: z
    .string({ error: 'expected operator: the guard’s name as text' })
    .trim()
    .min(2, { error: 'type your name (at least 2 characters) before opening the gate' })
    .max(80, { error: 'expected a name of at most 80 characters' })
    // Shown on the portal's security pages: no control, format (bidirectional overrides, invisible) or separator
    // characters that disguise a name, except the zero-width joiners emoji and some scripts need.
    .regex(/^(?:[\u200c\u200d]|[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}])+$/u, { error: 'expected a name without control characters' }),
  // The message never echoes the value: it is a PIN.
  pin: z
    .string({ error: 'expected pin: the guard PIN as text' })
    .regex(GUARD_PIN_PATTERN, { error: `type the guard PIN (${GUARD_PIN_RULE})` }),
});
const MANUAL_OPEN_BODY = '{"operator": "<guard name>", "pin": "<guard PIN>"}';

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
  readonly #pinHash: GuardPinHash | undefined;
  readonly #pinLimiter: PinAttemptLimiter;

  constructor(private readonly options: GuardPageServerOptions) {
    if (options.manualOpenPinHash === undefined) {
      this.#pinHash = undefined;
    } else {
      const parsed = parseGuardPinHash(options.manualOpenPinHash);
      if (typeof parsed === 'string') throw new RangeError(`guardPage.manualOpenPinHash: ${parsed}`);
      this.#pinHash = parsed;
    }
    this.#pinLimiter = new PinAttemptLimiter(options.pinAttemptLimits ?? DEFAULT_PIN_ATTEMPT_LIMITS);
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
      if (method === 'GET') return this.#json(response, 200, this.#manualOpenState());
      if (method !== 'POST') return this.#json(response, 405, { message: 'use GET or POST' }, { Allow: 'GET, POST' });
      return this.#manualOpen(request, response);
    }
    return this.#json(response, 404, { message: `nothing at ${path}` });
  }

  async #manualOpen(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A cross-site page cannot send application/json without a preflight this server never answers, and a
    // browser always names its origin on a POST: together they keep other web pages from opening the gate.
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return this.#json(response, 415, { message: `expected a JSON body: ${MANUAL_OPEN_BODY}` });
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${request.headers.host ?? ''}`) {
      return this.#json(response, 403, { message: 'manual open is only accepted from the guard page itself' });
    }
    if (this.#pinHash === undefined) return this.#json(response, 403, { message: MANUAL_OPEN_DISABLED_MESSAGE });
    let body: unknown;
    try {
      body = JSON.parse(await readBody(request));
    } catch {
      // JSON.parse's message quotes the text, which holds the PIN: not echoed.
      return this.#json(response, 400, { message: `expected a JSON body: ${MANUAL_OPEN_BODY}` });
    }
    const parsed = manualOpenSchema.safeParse(body);
    if (!parsed.success) {
      return this.#json(response, 400, { message: parsed.error.issues.map((issue) => issue.message).join('; ') });
    }
    const { operator, pin } = parsed.data;
    const lockedForMs = this.#pinLimiter.lockedForMs();
    if (lockedForMs > 0) {
      const seconds = Math.ceil(lockedForMs / 1000);
      this.options.log.warn({ operator, lockedForSeconds: seconds }, 'manual open refused: locked after too many wrong PINs');
      return this.#json(
        response,
        429,
        { message: `too many wrong PINs: manual open is refused for ${seconds} more seconds` },
        { 'Retry-After': String(seconds) },
      );
    }
    if (!(await verifyGuardPin(pin, this.#pinHash))) {
      const locked = this.#pinLimiter.recordFailure();
      this.options.log.warn({ operator, locked }, 'manual open refused: wrong guard PIN');
      this.options.agent.refuseManualOpen(operator, locked ? 'wrong guard PIN; too many, manual open locked' : 'wrong guard PIN');
      const lockout = this.#pinLimiter.lockedForMs();
      return this.#json(response, 403, {
        message: locked
          ? `wrong PIN; too many wrong PINs: manual open is refused for ${Math.ceil(lockout / 1000)} seconds`
          : 'wrong PIN; the gate stays shut',
      });
    }
    this.#pinLimiter.recordSuccess();
    try {
      const { eventId } = this.options.agent.manualOpen(operator);
      return this.#json(response, 201, { eventId });
    } catch (error) {
      return this.#json(response, 409, { message: (error as Error).message });
    }
  }

  #manualOpenState(): { enabled: boolean; lockedForSeconds: number; message: string | null } {
    if (this.#pinHash === undefined) return { enabled: false, lockedForSeconds: 0, message: MANUAL_OPEN_DISABLED_MESSAGE };
    return { enabled: true, lockedForSeconds: Math.ceil(this.#pinLimiter.lockedForMs() / 1000), message: null };
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
