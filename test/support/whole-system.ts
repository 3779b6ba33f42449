import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AgentStatus } from '../../apps/gate-agent/src/agent/gate-agent.types.js';
import { startAgentProcess } from './gate-agent-process.js';
import { launchBrowser } from './browser.js';
import { createTestDatabase } from './database.js';
import { freePort } from './free-port.js';
import { builtEntry, REPO_ROOT } from './portal-process.js';
import { createTestRedis } from './redis.js';
import { startTestSmtpServer } from './smtp.js';
import type { WebPortal } from './web-portal.js';

/**
 * Helpers for the whole-system test (test/e2e/whole-system.e2e-spec.ts): the portal's HTTP process and its queue
 * worker as two processes, the relay-board emulator and the gate agent as processes of their own.
 */

/** A child process started by these helpers: what it printed, and a stop that never leaves it running. */
export interface ChildHandle {
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
}

function spawnChild(args: readonly string[], env: NodeJS.ProcessEnv, command: string = process.execPath): ChildHandle {
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Waits until the child printed `text`; throws with its output when it exits first or `timeoutMs` passes. */
async function waitForOutput(handle: ChildHandle, what: string, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!handle.output().includes(text)) {
    if (handle.child.exitCode !== null)
      throw new Error(`${what} exited with ${handle.child.exitCode} before it was ready:\n${handle.output()}`);
    if (Date.now() > deadline) {
      await handle.stop(1000);
      throw new Error(`${what} was not ready within ${timeoutMs} ms (no "${text}" in its output):\n${handle.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the process answers `url` with 2xx; throws with its output when it exits first or `timeoutMs` passes. */
async function waitForHttp(handle: ChildHandle, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (handle.child.exitCode !== null)
      throw new Error(`${url}: the process exited with ${handle.child.exitCode} before serving:\n${handle.output()}`);
    if (
      await fetch(url).then(
        (response) => response.ok,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${handle.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A {@link WebPortal} whose queue workers run in a process of their own (`worker.js`) beside the HTTP one (`main.js`). */
export interface SplitWebPortal extends WebPortal {
  readonly worker: ChildHandle;
}

/**
 * The portal as it is deployed apart: `apps/portal/dist/main.js` (HTTP only) and `apps/portal/dist/worker.js` (queue
 * workers: mail, gate events, security feed publisher) as two processes on this test's own database, Redis prefix and
 * SMTP server, and a headless Chromium, all three started at once. Signing keys are made under a database lock, so
 * the two processes may start together.
 */
export async function startSplitWebPortal(): Promise<SplitWebPortal> {
  const smtp = await startTestSmtpServer();
  const database = await createTestDatabase().catch(async (error: unknown) => {
    await smtp.close();
    throw error;
  });
  const redis = createTestRedis();
  const appSecret = randomBytes(32).toString('base64url');
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    SMTP_URL: smtp.url,
    APP_SECRET: appSecret,
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
  };
  let http: (ChildHandle & { readonly baseUrl: string }) | undefined;
  let worker: ChildHandle | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let closing: Promise<void> | undefined;
  const closeAll = () =>
    (closing ??= (async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser?.close().catch(() => undefined);
      await worker?.stop();
      await http?.stop();
      await redis.cleanup();
      await database.drop();
      await smtp.close();
    })());
  try {
    // Both at once, on a port chosen here so the worker writes the same public URL into mail as the HTTP process.
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const shared = { ...env, PORT: String(port), PUBLIC_URL: baseUrl, DEMO_GATE: 'off' };
    http = { ...spawnChild([builtEntry('apps/portal/dist/main.js')], shared), baseUrl };
    worker = spawnChild([builtEntry('apps/portal/dist/worker.js')], shared);
    const [launched] = await Promise.all([
      launchBrowser().then((started) => (browser = started)),
      waitForOutput(worker, 'the portal worker (worker.js)', 'workers running', 60_000),
      waitForHttp(http, `${baseUrl}/health/live`, 60_000),
    ]);
    const running = http;
    return {
      portal: { baseUrl, process: running, database, close: closeAll },
      worker,
      smtp,
      browser: launched,
      appSecret,
      url: (pathname) => new URL(pathname, baseUrl).href,
      async newPage({ locale = 'en-US', width = 390, height = 844 } = {}) {
        const context = await launched.newContext({ locale, viewport: { width, height } });
        contexts.push(context);
        return context.newPage();
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** One switch of the emulated board, as its --log JSON lines record it. */
export interface RelaySwitch {
  readonly kind: 'switch';
  readonly channel: number;
  readonly on: boolean;
  readonly bytes: string;
  readonly at: string;
}

/** The relay-board emulator (apps/gate-agent/dist/tools/relay-emulator.js) as a process on one end of a pty pair. */
export interface RelayEmulatorProcess extends ChildHandle {
  /** Every record it logged so far (switches, bad checksums, unknown bytes), oldest first. */
  records(): Promise<Array<RelaySwitch | { readonly kind: string; readonly bytes: string }>>;
  /** The frames that switched a relay on: one per pulse. */
  pulses(): Promise<RelaySwitch[]>;
}

export async function startRelayEmulator(ptyPath: string, logFile: string, board = 'lcus-1'): Promise<RelayEmulatorProcess> {
  await writeFile(logFile, '');
  const handle = spawnChild(
    [builtEntry('apps/gate-agent/dist/tools/relay-emulator.js'), '--path', ptyPath, '--board', board, '--log', logFile],
    {},
  );
  await waitForOutput(handle, 'the relay-board emulator', `ready ${ptyPath}`, 15_000);
  const records = async () =>
    (await readFile(logFile, 'utf8'))
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as RelaySwitch | { kind: string; bytes: string });
  return {
    ...handle,
    records,
    async pulses() {
      return (await records()).filter((record): record is RelaySwitch => record.kind === 'switch' && (record as RelaySwitch).on);
    },
  };
}

/** One decision the agent logged ("scan decided"). */
export interface LoggedScan {
  readonly eventId: string;
  readonly decision: 'granted' | 'denied';
  readonly reason: string | null;
}

/** The built gate agent as its own process, as systemd runs it. */
export interface GateAgentProcess extends ChildHandle {
  readonly guardUrl: string;
  readonly framesDir: string;
  status(): Promise<AgentStatus>;
  /** The scans decided so far, from the agent's JSON log lines, oldest first. */
  scans(): LoggedScan[];
}

export interface GateAgentOptions {
  readonly portalUrl: string;
  readonly enrollmentCode: string;
  readonly dataDir: string;
  readonly framesDir: string;
  /** The pty end the agent drives as its serial relay board (LCUS-1). */
  readonly relayPath: string;
  readonly guardPort: number;
}

/**
 * Writes the gate's config (file input on `framesDir`, serial LCUS-1 relay on `relayPath`, simulated passage sensor,
 * heartbeats every 10 s so a newer bundle is pulled within about 10 s) and starts the agent as a process, with the
 * V8 and malloc settings a gate runs with. Resolves once it is enrolled and holds a bundle.
 */
export async function startGateAgent(options: GateAgentOptions): Promise<GateAgentProcess> {
  const configPath = join(options.dataDir, 'gate.yaml');
  await writeFile(
    configPath,
    [
      'portal:',
      `  url: ${options.portalUrl}`,
      `  enrollmentCode: ${options.enrollmentCode}`,
      '  requestTimeoutMs: 5000',
      'storage:',
      `  dataDir: ${JSON.stringify(options.dataDir)}`,
      `input: { type: file, path: ${JSON.stringify(options.framesDir)} }`,
      'scan: { repeatHoldMs: 0 }',
      `relay: { type: serial, path: ${JSON.stringify(options.relayPath)}, board: lcus-1, channel: 1, baudRate: 9600, pulseMs: 300 }`,
      'passageSensor: { type: simulated, passAfterMs: 100, timeoutMs: 2000 }',
      'indicator: { type: simulated }',
      'clock: { trustNtp: false }',
      'sync: { heartbeatIntervalSeconds: 10, bundleIntervalSeconds: 30, backoff: { minSeconds: 1, maxSeconds: 2 } }',
      `guardPage: { host: 127.0.0.1, port: ${options.guardPort} }`,
      'log: { level: info }',
      '',
    ].join('\n'),
  );
  // As systemd runs it (V8 and malloc settings of a gate); resolves once it is enrolled and holds a bundle.
  const agent = await startAgentProcess(configPath, options.guardPort);
  return {
    child: agent.child,
    output: agent.output,
    guardUrl: agent.guardUrl,
    framesDir: options.framesDir,
    status: agent.status,
    async stop(graceMs = 5000) {
      const timer = setTimeout(() => void agent.kill(), graceMs);
      try {
        return await agent.stop();
      } finally {
        clearTimeout(timer);
      }
    },
    scans() {
      return agent
        .output()
        .split('\n')
        .flatMap((line) => {
          if (!line.includes('scan decided')) return [];
          try {
            const entry = JSON.parse(line) as LoggedScan & { msg?: string };
            return entry.msg === 'scan decided' ? [{ eventId: entry.eventId, decision: entry.decision, reason: entry.reason ?? null }] : [];
          } catch {
            return [];
          }
        });
    },
  };
}

/**
 * Puts a camera frame into the gate's frames folder atomically: written under a name the file input ignores, then
 * renamed to `<name>.png`, so the agent never reads half a file.
 */
export async function dropFrame(framesDir: string, name: string, png: Buffer): Promise<void> {
  const partial = join(framesDir, `.${name}.partial`);
  await writeFile(partial, png);
  await rename(partial, join(framesDir, `${name}.png`));
}

/** A JSON request as the signed-in page (its cookies and CSRF token), failing with the portal's answer. */
export async function requestAsPage<T>(page: Page, method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<T> {
  const origin = new URL(page.url()).origin;
  const csrf = (await page.context().cookies(origin)).find((cookie) => cookie.name === 'cp_csrf')?.value;
  const response = await page.request.fetch(`${origin}${pathname}`, {
    method,
    headers: { accept: 'application/json', ...(csrf ? { 'X-CSRF-Token': decodeURIComponent(csrf) } : {}) },
    ...(body === undefined ? {} : { data: body }),
  });
  if (!response.ok()) throw new Error(`${method} ${pathname} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}
