import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import QRCode from 'qrcode';
import type { AgentStatus } from '../../apps/gate-agent/src/agent/gate-agent.types.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/free-port.js';
import { builtEntry } from '../support/portal-process.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

async function waitFor<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined as T);
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('npm start runs a simulated gate beside the portal (development)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let workDir: string;
  let portal: ChildProcess;
  let output = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = createTestRedis();
    // Its own working directory: the demo gate lives under ./.data/gate, as in a fresh checkout.
    workDir = await mkdtemp(join(tmpdir(), 'gate-demo-'));
  });

  afterAll(async () => {
    if (portal && portal.exitCode === null) portal.kill('SIGKILL');
    await redis?.cleanup();
    await database?.drop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('enrolls a demo gate, runs the agent as a child watching .data/gate/frames, and stops it with the portal', async () => {
    const [port, guardPort] = [await freePort(), await freePort()];
    portal = spawn(process.execPath, [builtEntry('apps/portal/dist/start.js')], {
      cwd: workDir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LOG_LEVEL: 'info',
        PORT: String(port),
        // Test portals default to DEMO_GATE=off (test/support/portal-process.ts); this one is about the demo gate.
        DEMO_GATE: 'on',
        DEMO_GATE_PORT: String(guardPort),
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        QUEUE_PREFIX: redis.prefix,
        APP_SECRET: randomBytes(32).toString('base64url'),
        KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    portal.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    portal.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => portal.once('exit', (code) => resolve(code)));

    const guardUrl = `http://127.0.0.1:${guardPort}/`;
    await waitFor(
      'the portal to announce the simulated gate',
      async () => output,
      (text) => text.includes('Simulated gate: guard page at'),
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    const framesDir = join(workDir, '.data', 'gate', 'frames');
    expect(output).toContain(`drop a screenshot of a pass QR code into ${framesDir}`);
    const status = await waitFor(
      'the demo gate to run with a bundle',
      async () => (await (await fetch(`${guardUrl}api/status`)).json()) as AgentStatus,
      (value) => value?.phase === 'running' && value.bundle.version > 0,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    expect(status).toMatchObject({ gate: { name: 'Demo gate (npm start)' }, relay: { kind: 'simulated', state: 'off' } });
    const config = await readFile(join(workDir, '.data', 'gate', 'gate.yaml'), 'utf8');
    expect(config).toMatch(/type: file/);
    expect(config).toContain(framesDir);
    // The demo gate has no guard PIN: its page offers no manual open.
    await expect((await fetch(`${guardUrl}api/manual-open`)).json()).resolves.toMatchObject({ enabled: false });

    // A screenshot of a QR code that is not a pass: decided (denied, malformed) and synced to the portal.
    await writeFile(join(framesDir, 'screenshot.png'), await QRCode.toBuffer('HELLO CAMPUS', { width: 300 }));
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const rows = await waitFor(
        'the scan in gate_event',
        async () => (await client.query<{ type: string; reason: string }>("SELECT type, reason FROM gate_event WHERE type = 'scan'")).rows,
        (list) => list?.length === 1,
      );
      expect(rows[0]).toEqual({ type: 'scan', reason: 'malformed' });
    } finally {
      await client.end();
    }

    portal.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('gate agent stopped');
    await expect(fetch(`${guardUrl}api/status`)).rejects.toThrow();
  });
});
