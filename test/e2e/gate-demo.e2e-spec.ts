import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import QRCode from 'qrcode';
import request from 'supertest';
import type { AgentStatus } from '../../apps/gate-agent/src/agent/gate-agent.types.js';
import { demoGateConfig } from '../../apps/portal/src/demo/demo-gate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/free-port.js';
import { qrFrame } from '../support/gate-fixtures.js';
import { builtEntry, runToExit } from '../support/portal-process.js';
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

interface BannerPeople {
  alumnus: { signInUrl: string; email: string; netId: string; netPassword: string };
  staff: Array<{ role: string; signInUrl: string; email: string; password: string }>;
}

/** The demo people as the last start-up banner in `output` prints them (what a newcomer reads and types). */
function bannerPeople(output: string): BannerPeople {
  const start = output.lastIndexOf(' Demo people (passwords also in ');
  if (start < 0) throw new Error(`no demo people in the start-up banner:\n${output}`);
  const banner = output.slice(start, output.indexOf('='.repeat(78), start));
  const alumnus = /Alumnus: .*\n +sign in at +(\S+)\n +email +(\S+) .*\n +or NetID +(\S+) +NetPassword (\S+)/.exec(banner);
  if (!alumnus) throw new Error(`the banner does not show the alumnus's sign-in:\n${banner}`);
  const staff = [...banner.matchAll(/\(([a-z-]+)\): .*\n +sign in at +(\S+).*\n +email +(\S+)\n +password +(\S+)/g)].map((match) => ({
    role: match[1]!,
    signInUrl: match[2]!,
    email: match[3]!,
    password: match[4]!,
  }));
  return { alumnus: { signInUrl: alumnus[1]!, email: alumnus[2]!, netId: alumnus[3]!, netPassword: alumnus[4]! }, staff };
}

/** The 6-digit code in the newest message to `email` in the portal's dev mailbox (as a newcomer reads it). */
async function mailboxCode(baseUrl: string, email: string, newerThan: number): Promise<string> {
  const mail = await waitFor(
    `a code for ${email} in the dev mailbox`,
    async () => ((await (await fetch(`${baseUrl}/api/dev/mailbox`)).json()) as Array<{ id: string; to: string[]; text: string }>)[0],
    (latest) => latest !== undefined && Number(latest.id) > newerThan && latest.to.includes(email),
    15_000,
  );
  return /\b(\d{6})\b/.exec(mail.text)![1]!;
}

async function newestMailId(baseUrl: string): Promise<number> {
  const list = (await (await fetch(`${baseUrl}/api/dev/mailbox`)).json()) as Array<{ id: string }>;
  return list.length > 0 ? Number(list[0]!.id) : 0;
}

describe('npm start runs a simulated gate beside the portal (development)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let workDir: string;
  let portal: ChildProcess;
  let output = '';
  const appSecret = randomBytes(32).toString('base64url');
  const keyEncryptionKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = createTestRedis();
    // Its own working directory: the demo gate lives under ./.data/gate, as in a fresh checkout.
    workDir = await mkdtemp(join(tmpdir(), 'gate-demo-'));
  });

  afterEach(async () => {
    // A test that failed half-way leaves no portal behind for the next one (it shares .data and the guard port).
    if (portal && portal.exitCode === null && portal.signalCode === null) {
      const gone = new Promise((resolve) => portal.once('exit', resolve));
      portal.kill('SIGKILL');
      await gone;
    }
  });

  afterAll(async () => {
    if (portal && portal.exitCode === null) portal.kill('SIGKILL');
    await redis?.cleanup();
    await database?.drop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  let port: number | undefined;
  let guardPort: number | undefined;
  let baseUrl: string;

  /** `npm start` (the built start.js) in the test's working directory, printing into `output`. */
  async function startDemo(args: string[] = []): Promise<{ exited: Promise<number | null> }> {
    // The same ports at every start of this test's "checkout", as a newcomer's restarts have.
    port ??= await freePort();
    guardPort ??= await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    output = '';
    portal = spawn(process.execPath, [builtEntry('apps/portal/dist/start.js'), ...args], {
      cwd: workDir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LOG_LEVEL: 'info',
        PORT: String(port),
        // The demo people and gate run on the embedded database only, unless asked for by name: this test gives its
        // own database, and is about them.
        DEMO_GATE: 'on',
        DEMO_SEED: 'on',
        DEMO_GATE_PORT: String(guardPort),
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        QUEUE_PREFIX: redis.prefix,
        APP_SECRET: appSecret,
        KEY_ENCRYPTION_KEY: keyEncryptionKey,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    portal.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    portal.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => portal.once('exit', (code) => resolve(code)));
    await waitFor(
      'the start-up banner',
      async () => output,
      // The banner ends with its rule; the gate agent's log lines may follow it.
      (text) => /\n Demo people[^\n]*\n[\s\S]*?\n={78}\n/.test(text),
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    return { exited };
  }

  it('enrolls a demo gate, runs the agent as a child watching .data/gate/frames, and stops it with the portal', async () => {
    const { exited } = await startDemo();

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

      // The banner's people, signed in with exactly what it prints, through the dev mailbox it names.
      expect(output).toContain(`   Mailbox        ${baseUrl.replace('127.0.0.1', 'localhost')}/dev/mailbox`);
      expect(output).toContain(`   Guard page     ${guardUrl}`);
      expect(output).toContain(`   Gate frames    ${framesDir}`);
      const people = bannerPeople(output);
      expect(people.staff.map((member) => member.role)).toEqual(['security-staff', 'aao-admin']);
      expect(people.alumnus.signInUrl).toMatch(/\/sign-in$/);

      // The alumna: emailed code, active eCard, today's pass; its QR shown to the gate is granted and synced.
      const alumna = request.agent(baseUrl);
      const seen = await newestMailId(baseUrl);
      const started = await alumna.post('/api/auth/email/start').send({ email: people.alumnus.email }).expect(202);
      const code = await mailboxCode(baseUrl, people.alumnus.email, seen);
      await alumna.post('/api/auth/email/verify').send({ requestId: started.body.requestId, code }).expect(200);
      expect(JSON.stringify((await alumna.get('/api/ecard').expect(200)).body)).toContain('"active"');
      const pass = (await alumna.get('/api/passes/today').expect(200)).body as { qrText: string };
      await request(baseUrl)
        .post('/api/auth/netid/sign-in')
        .send({ netId: people.alumnus.netId, password: people.alumnus.netPassword })
        .expect(200);
      await waitFor(
        'the demo gate to have a bundle with the pass key',
        async () => (await (await fetch(`${guardUrl}api/status`)).json()) as AgentStatus,
        (value) => value?.bundle.version > 0,
      );
      await writeFile(join(framesDir, 'day-pass.png'), await qrFrame(pass.qrText));
      const granted = await waitFor(
        'the day pass scan in gate_event',
        async () =>
          (await client.query<{ decision: string }>("SELECT decision FROM gate_event WHERE type = 'scan' AND pass_id IS NOT NULL")).rows,
        (list) => list?.length === 1,
      );
      expect(granted[0]).toEqual({ decision: 'granted' });

      // The staff: password and emailed code at /staff/sign-in, then their own area and not the other's.
      const [officer, admin] = people.staff;
      const signIn = async (member: { email: string; password: string }) => {
        const agent = request.agent(baseUrl);
        const after = await newestMailId(baseUrl);
        const start = await agent.post('/api/auth/staff/start').send({ email: member.email, password: member.password }).expect(202);
        const staffCode = await mailboxCode(baseUrl, member.email, after);
        await agent.post('/api/auth/staff/verify').send({ requestId: start.body.requestId, code: staffCode }).expect(200);
        return agent;
      };
      const officerAgent = await signIn(officer!);
      await officerAgent.get('/api/security/gates').expect(200);
      await officerAgent.get('/api/admin/audit').expect(403);
      const adminAgent = await signIn(admin!);
      await adminAgent.get('/api/admin/audit').expect(200);
      const reportGates = (await adminAgent.get('/api/reports/gates').expect(200)).body as { gates: Array<{ name: string }> };
      expect(reportGates.gates.map((gate) => gate.name)).toContain('Demo gate (npm start)');
    } finally {
      await client.end();
    }

    portal.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('gate agent stopped');
    await expect(fetch(`${guardUrl}api/status`)).rejects.toThrow();
  });

  it('restarts without duplicating the demo people, prints the same credentials, and survives a missing camera', async () => {
    const before = await demoCounts();
    const firstPeople = bannerPeople(output);
    const missing = '/dev/video-campuspass-test-missing';
    const { exited } = await startDemo([`--camera=${missing}`]);
    try {
      expect(bannerPeople(output)).toEqual(firstPeople);
      expect(await demoCounts()).toEqual(before);
      expect(before).toEqual({ staff: 2, graduates: 1, ecards: 1, netids: 1, gates: 1 });
      // No camera: the portal serves on and the banner says what to do.
      expect(output).toContain(`Simulated gate NOT RUNNING: no camera at ${missing}: plug in a USB camera`);
      expect(output).toContain('or start without --camera to read QR screenshots from');
      expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);
    } finally {
      portal.kill('SIGTERM');
      expect(await exited).toBe(0);
    }

    // What --camera writes for the agent is a config the real agent accepts.
    const configPath = join(workDir, 'camera.yaml');
    await writeFile(
      configPath,
      demoGateConfig({
        portalUrl: baseUrl,
        dataDir: join(workDir, 'camera-gate'),
        framesDir: join(workDir, 'camera-gate', 'frames'),
        guardPagePort: guardPort!,
        enrollmentCode: 'K7P2-9QXM-4TRD',
        camera: '/dev/video0',
      }),
    );
    const checked = await runToExit('apps/gate-agent/dist/main.js', {}, ['--check-config', '--config', configPath]);
    expect(checked).toMatchObject({ code: 0 });
    expect(checked.output).toContain('"input":"ffmpeg"');
  });

  async function demoCounts(): Promise<Record<string, number>> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<Record<string, number>>(
        `SELECT (SELECT count(*)::int FROM staff_account WHERE email LIKE 'demo.%') AS staff,
                (SELECT count(*)::int FROM graduate) AS graduates,
                (SELECT count(*)::int FROM ecard) AS ecards,
                (SELECT count(*)::int FROM alumni_netid) AS netids,
                (SELECT count(*)::int FROM gate) AS gates`,
      );
      return rows[0]!;
    } finally {
      await client.end();
    }
  }
});
