import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from './database.js';
import { freePort } from './free-port.js';
import { createTestRedis } from './redis.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface PortalProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far (JSON log lines). */
  output(): string;
  stop(): Promise<number | null>;
}

/** The built entry point of an app, with a clear error when `npm run build` has not run. */
export function builtEntry(relativePath: string): string {
  const file = path.join(REPO_ROOT, relativePath);
  if (!existsSync(file)) throw new Error(`${relativePath} is missing: run "npm run build" first (npm test does it for you).`);
  return file;
}

/**
 * Runs a built portal entry point as its own process, as an operator would, and waits until it serves.
 * @param entry e.g. apps/portal/dist/start.js
 */
export async function startPortalProcess(entry: string, env: NodeJS.ProcessEnv): Promise<PortalProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [builtEntry(entry)], {
    cwd: REPO_ROOT,
    // No simulated gate (npm start's demo) beside test portals: it would share the checkout's .data/gate and port 8080.
    // No demo people either: they would write the checkout's .data/demo-credentials.json and add rows tests count.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'info',
      PORT: String(port),
      DEMO_GATE: 'off',
      DEMO_SEED: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode} before serving:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/health/live`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} did not serve within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    baseUrl,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs a built entry point to completion and returns its exit code and output. */
export function runToExit(entry: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [builtEntry(entry), ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

export interface RunningPortal {
  readonly baseUrl: string;
  readonly process: PortalProcess;
  readonly database: TestDatabase;
  close(): Promise<void>;
}

/**
 * `npm start`'s entry point as a process on this test's own database and Redis prefix.
 * `env` overrides variables, e.g. REDIS_URL of a closed port to test an outage.
 */
export async function startPortal(env: NodeJS.ProcessEnv = {}): Promise<RunningPortal> {
  const database = await createTestDatabase();
  const redis = createTestRedis();
  try {
    const portal = await startPortalProcess('apps/portal/dist/start.js', {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      APP_SECRET: randomBytes(32).toString('base64url'),
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ...env,
    });
    return {
      baseUrl: portal.baseUrl,
      process: portal,
      database,
      async close() {
        await portal.stop();
        await redis.cleanup();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
