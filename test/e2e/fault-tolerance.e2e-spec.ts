import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { SerialPort } from 'serialport';
import { DataSource } from 'typeorm';
import { QueueName, type GateEvent } from '@campuspass/contracts';
import { decodePass } from '@campuspass/pass-token';
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from '../support/faults.js';
import { freePort } from '../support/free-port.js';
import { startAgentProcess, type AgentProcess } from '../support/gate-agent-process.js';
import {
  createGate,
  inviteGuests,
  newGateDataDir,
  qrFrame,
  startPortalWithActiveAlumnus,
  type GatePortal,
} from '../support/gate-fixtures.js';
import { openPtyPair, type PtyPair } from '../support/pty-pair.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import * as wait from '../support/wait.js';

// Fault tolerance of the whole entry path: gate agent (SQLite outbox) → Redis (gate-events queue) → portal worker →
// PostgreSQL. The portal runs on a PostgreSQL and a Redis of this file's own, so they can be crashed and restarted;
// the gates reach the portal's HTTP through a TCP proxy that can be cut. What a gate committed is its outbox (read
// with better-sqlite3); after each fault PostgreSQL must hold exactly those events (none lost, none doubled, the
// same signed bytes), and every pass scanned during the fault must have been granted during the fault.

/** The gate's event timestamps come from its trusted clock (portal time); the test's own clock may differ by this. */
const CLOCK_TOLERANCE_MS = 1500;
/** Distinct guest passes (single entry): scanned once each per gate, each is one person admitted. */
const GUEST_PASSES = 120;
/** A pass shown to a camera gate with no decision for this long is shown again. */
const SHOW_AGAIN_AFTER_MS = 6000;
/** How long each fault lasts at least. */
const OUTAGE_MS = 3000;

/** A read that throws (PostgreSQL restarting, a port not listening yet) counts as not done; 30 s unless told. */
const waitFor = <T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 30_000) =>
  wait.waitFor(
    what,
    () =>
      Promise.resolve()
        .then(read)
        .catch(() => undefined as T),
    (value) => value !== undefined && done(value),
    timeoutMs,
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded generator (mulberry32): the SIGKILL points are random, printed, and reproducible with FAULT_SEED. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface GuestPass {
  readonly passId: string;
  readonly qrText: string;
}

/** One outbox row: an event the gate committed. */
interface Committed {
  readonly eventId: string;
  readonly event: GateEvent;
  readonly delivered: boolean;
}

interface Gate {
  readonly name: string;
  readonly configPath: string;
  readonly dataDir: string;
  readonly framesDir: string;
  readonly guardPort: number;
  readonly databasePath: string;
  agent: AgentProcess;
  gateId: string;
}

/** Everything the gate committed so far, oldest first (readable while the agent runs: WAL). */
function readOutbox(databasePath: string): Committed[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], { event_id: string; event_json: string; delivered_at: number | null }>(
        'SELECT event_id, event_json, delivered_at FROM outbox ORDER BY sequence',
      )
      .all()
      .map((row) => ({ eventId: row.event_id, event: JSON.parse(row.event_json) as GateEvent, delivered: row.delivered_at !== null }));
  } finally {
    db.close();
  }
}

/** How many scans the gate has decided (committed), without parsing every event. */
function countScans(databasePath: string): number {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE json_extract(event_json, '$.type') = 'scan'").get()!.n;
  } finally {
    db.close();
  }
}

function scansOf(committed: readonly Committed[], passIds: readonly string[]): Committed[] {
  const wanted = new Set(passIds);
  return committed.filter((entry) => entry.event.type === 'scan' && entry.event.pass !== null && wanted.has(entry.event.pass.passId));
}

describe('Fault tolerance: gates keep admitting through outages; PostgreSQL ends with exactly the events the gates committed', () => {
  let redis: PrivateRedis;
  let postgres: PrivatePostgres;
  let gatePortal: GatePortal;
  let proxy: TcpProxy;
  let queueConnection: Redis;
  let queue: Queue;
  let passes: GuestPass[] = [];
  const frames = new Map<string, Buffer>();
  const gates: Gate[] = [];
  const ptys: PtyPair[] = [];
  const scanners: SerialPort[] = [];

  const query = <T>(sql: string, params: unknown[] = []) => gatePortal.portal.app.get(DataSource).query(sql, params) as Promise<T>;
  const storedRows = (gateId: string) =>
    query<Array<{ event_id: string; payload: string }>>('SELECT event_id::text AS event_id, payload FROM gate_event WHERE gate_id = $1', [
      gateId,
    ]);
  const storedCount = async (gateId: string) =>
    (await query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM gate_event WHERE gate_id = $1', [gateId]))[0]!.n;

  /** A gate enrolled through the proxy, reading frames from a directory or lines from a serial scanner. */
  async function startGate(name: string, input: { type: 'file' } | { type: 'serial-scanner'; path: string }): Promise<Gate> {
    const { dataDir, framesDir } = await newGateDataDir('cp-fault-gate-');
    const guardPort = await freePort();
    const { code } = await createGate(gatePortal.portal, name);
    const configPath = join(dataDir, 'gate.yaml');
    const inputYaml =
      input.type === 'file'
        ? `input: { type: file, path: ${JSON.stringify(framesDir)} }`
        : `input: { type: serial-scanner, path: ${input.path}, baudRate: 115200 }`;
    await writeFile(
      configPath,
      [
        'portal:',
        `  url: http://127.0.0.1:${proxy.port}`,
        `  enrollmentCode: ${code}`,
        '  requestTimeoutMs: 2000',
        'storage:',
        `  dataDir: ${dataDir}`,
        inputYaml,
        // Half-size frames decode faster on a loaded machine; the 400 px code stays readable.
        'decoder: { downscale: 2 }',
        'scan: { repeatHoldMs: 0 }',
        'relay: { type: simulated, pulseMs: 100 }',
        'passageSensor: { type: simulated, passAfterMs: 50, timeoutMs: 2000 }',
        'indicator: { type: simulated }',
        'clock: { trustNtp: false }',
        'sync: { heartbeatIntervalSeconds: 10, backoff: { minSeconds: 1, maxSeconds: 2 }, jitterPercent: 0 }',
        `guardPage: { host: 127.0.0.1, port: ${guardPort} }`,
        'log: { level: info }',
        '',
      ].join('\n'),
    );
    const agent = await startListeningAgent(configPath, guardPort);
    const gate: Gate = {
      name,
      configPath,
      dataDir,
      framesDir,
      guardPort,
      databasePath: join(dataDir, 'gate.sqlite'),
      agent,
      gateId: (await agent.status()).gate.id!,
    };
    gates.push(gate);
    return gate;
  }

  /** The agent started, and its input open (it starts after the phase turns running), so no scan arrives before it listens. */
  async function startListeningAgent(configPath: string, guardPort: number): Promise<AgentProcess> {
    const agent = await startAgentProcess(configPath, guardPort);
    // Logged once the input has started (a serial port opened and flushed).
    await waitFor(
      'the gate input to start',
      () => agent.output(),
      (output) => output.includes('gate agent running'),
    );
    return agent;
  }

  async function frameOf(pass: GuestPass): Promise<Buffer> {
    let frame = frames.get(pass.passId);
    if (!frame) {
      frame = await qrFrame(pass.qrText);
      frames.set(pass.passId, frame);
    }
    return frame;
  }

  /**
   * Shows each pass to the gate's camera (a frame file each) and waits until the gate committed a decision on each.
   * The camera loop decodes the newest frame and skips frames that came while it was busy (slow on a loaded machine),
   * so a pass not decided after a while is shown again, as a person holds the phone up again.
   */
  async function showPasses(gate: Gate, shown: readonly GuestPass[], tag: string): Promise<Committed[]> {
    const passIds = shown.map((pass) => pass.passId);
    const decided = () => new Set(scansOf(readOutbox(gate.databasePath), passIds).map((entry) => entry.event.pass!.passId));
    const deadline = Date.now() + 60_000;
    for (let round = 0; ; round++) {
      const waiting = shown.filter((pass) => !decided().has(pass.passId));
      if (waiting.length === 0) break;
      if (Date.now() > deadline)
        throw new Error(`${gate.name}: ${waiting.length} of the ${shown.length} ${tag} passes not decided in 60 s`);
      for (const [index, pass] of waiting.entries()) {
        await writeFile(join(gate.framesDir, `${tag}-${round}-${String(index).padStart(3, '0')}.png`), await frameOf(pass));
        await sleep(20);
      }
      // Until every pass is decided, or no new decision came for a while (its frame was skipped: show it again).
      let count = decided().size;
      let progressAt = Date.now();
      while (count < shown.length && Date.now() - progressAt < SHOW_AGAIN_AFTER_MS && Date.now() < deadline) {
        await sleep(200);
        const now = decided().size;
        if (now > count) [count, progressAt] = [now, Date.now()];
      }
    }
    return scansOf(readOutbox(gate.databasePath), passIds);
  }

  /**
   * Waits until the gate has nothing left to send and no passage open, and PostgreSQL holds every event of its
   * outbox; then checks that PostgreSQL holds exactly those (same ids, same signed contents, no others).
   */
  async function expectExactlyCommitted(gate: Gate, timeoutMs = 60_000): Promise<Committed[]> {
    await waitFor(
      `${gate.name}: outbox drained and passages closed`,
      () => gate.agent.status(),
      (status) => status.outbox.pending === 0 && status.passagesOpen === 0,
      timeoutMs,
    );
    let rows: Array<{ event_id: string; payload: string }> = [];
    let committed: Committed[] = [];
    await waitFor(
      `${gate.name}: every committed event in gate_event`,
      async () => {
        rows = await storedRows(gate.gateId);
        committed = readOutbox(gate.databasePath);
        const stored = new Set(rows.map((row) => row.event_id));
        return {
          committed: committed.length,
          stored: rows.length,
          missing: committed.filter((entry) => !stored.has(entry.eventId)).length,
        };
      },
      (progress) => progress.missing === 0,
      timeoutMs,
    );
    const storedIds = rows.map((row) => row.event_id);
    expect(storedIds).toHaveLength(new Set(storedIds).size);
    expect(new Set(storedIds)).toEqual(new Set(committed.map((entry) => entry.eventId)));
    const byId = new Map(committed.map((entry) => [entry.eventId, entry.event]));
    for (const row of rows) expect(JSON.parse(row.payload)).toEqual(byId.get(row.event_id));
    expect(committed.every((entry) => entry.delivered)).toBe(true);
    return committed;
  }

  /** Each pass has a granted scan whose gate timestamp lies inside the fault window. */
  function expectGrantedWithin(committed: readonly Committed[], shown: readonly GuestPass[], window: { start: number; end: number }) {
    const grants = scansOf(
      committed,
      shown.map((pass) => pass.passId),
    ).filter((entry) => entry.event.decision === 'granted');
    expect(new Set(grants.map((entry) => entry.event.pass!.passId))).toEqual(new Set(shown.map((pass) => pass.passId)));
    for (const grant of grants) {
      const at = Date.parse(grant.event.occurredAt);
      expect(at).toBeGreaterThanOrEqual(window.start - CLOCK_TOLERANCE_MS);
      expect(at).toBeLessThanOrEqual(window.end + CLOCK_TOLERANCE_MS);
    }
  }

  async function stopGate(gate: Gate): Promise<void> {
    expect(await gate.agent.stop()).toBe(0);
    // A clean stop commits nothing it cannot deliver: the outbox still matches gate_event.
    expect(readOutbox(gate.databasePath).filter((entry) => !entry.delivered)).toEqual([]);
  }

  beforeAll(async () => {
    redis = await startPrivateRedis();
    postgres = await startPrivatePostgres();
    const admin = new pg.Client({ connectionString: postgres.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE campuspass');
    await admin.end();
    gatePortal = await startPortalWithActiveAlumnus({
      DATABASE_URL: postgres.urlFor('campuspass'),
      DATABASE_MIGRATE: 'auto',
      REDIS_URL: redis.url,
    });
    proxy = await startTcpProxy('127.0.0.1', Number(new URL(gatePortal.baseUrl).port));
    queueConnection = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 200 });
    queueConnection.on('error', () => undefined);
    queue = new Queue(QueueName.GateEvents, { connection: queueConnection, prefix: gatePortal.portal.config.redis.prefix });
    queue.on('error', () => undefined);
    // Single-entry guest passes, enough for every scenario: each admits one person once per gate.
    await query('UPDATE guest_policy SET max_guests_per_day = $1, single_entry = true', [GUEST_PASSES]);
    const issued = await inviteGuests(
      gatePortal.alice,
      Array.from({ length: GUEST_PASSES }, (_, index) => `Guest ${String(index + 1).padStart(3, '0')}`),
    );
    passes = issued.map((guest) => ({ passId: decodePass(guest.qrText).fields.passId, qrText: guest.qrText }));
  });

  afterAll(async () => {
    for (const gate of gates) await gate.agent.kill().catch(() => undefined);
    for (const scanner of scanners) await new Promise<void>((resolve) => (scanner.isOpen ? scanner.close(() => resolve()) : resolve()));
    for (const pty of ptys) await pty.close();
    await queue?.close().catch(() => undefined);
    queueConnection?.disconnect();
    await proxy?.close();
    // With its PostgreSQL and Redis up, so it closes cleanly.
    await redis?.start().catch(() => undefined);
    await postgres?.start().catch(() => undefined);
    await gatePortal?.close();
    await redis?.close();
    await postgres?.close();
    for (const gate of gates) await rm(gate.dataDir, { recursive: true, force: true });
  });

  // A failed scenario leaves no fault behind for the next one.
  afterEach(async () => {
    await redis.start();
    await postgres.start();
    await proxy.restore().catch(() => undefined); // listening already
    await queue.resume();
  });

  it('Redis crashes during a burst of scans: the gate keeps admitting; queued jobs survive (AOF); nothing lost or doubled', async () => {
    const gate = await startGate('Redis fault gate', { type: 'file' });
    const [before, during, after] = [passes.slice(0, 3), passes.slice(3, 9), passes.slice(9, 12)];
    await expectExactlyCommitted(gate);
    const storedBefore = await storedCount(gate.gateId);
    // Jobs the gate has handed over (and marked delivered) but the portal has not ingested yet: the ones a Redis
    // without persistence would lose.
    await queue.pause();
    await showPasses(gate, before, 'before');
    await waitFor(
      'the first scans handed to Redis',
      () => gate.agent.status(),
      (status) => status.outbox.pending === 0,
    );
    expect((await queue.getJobCounts('wait')).wait).toBeGreaterThanOrEqual(before.length);
    expect(await storedCount(gate.gateId)).toBe(storedBefore);

    const start = Date.now();
    await redis.stop('SIGKILL');
    await showPasses(gate, during, 'during');
    const offline = await waitFor(
      'the gate to fail delivering while Redis is down',
      () => gate.agent.status(),
      (status) => status.outbox.pending >= during.length && status.outbox.lastError !== null,
    );
    expect(offline.outbox.lastError).toMatch(/queue|Redis/i);
    await sleep(Math.max(0, start + OUTAGE_MS - Date.now()));
    await redis.start();
    const end = Date.now();
    await queue.resume();

    await showPasses(gate, after, 'after');
    const committed = await expectExactlyCommitted(gate);
    expectGrantedWithin(committed, during, { start, end });
    expectGrantedWithin(committed, [...before, ...after], { start: 0, end: Date.now() });
    await stopGate(gate);
  });

  it('the portal is down (HTTP and workers): the gate admits from its cached bundle, then heartbeats and syncs again', async () => {
    const gate = await startGate('Portal fault gate', { type: 'file' });
    const [before, during, after] = [passes.slice(20, 23), passes.slice(23, 29), passes.slice(29, 32)];
    await showPasses(gate, before, 'before');
    await expectExactlyCommitted(gate);
    const storedBefore = await storedCount(gate.gateId);
    const failedHeartbeats = () => gate.agent.output().split('"heartbeat failed"').length - 1;
    const failuresBefore = failedHeartbeats();

    const start = Date.now();
    await proxy.cut();
    await queue.pause();
    await showPasses(gate, during, 'during');
    // A heartbeat falls due within its 10 s interval and fails: the gate knows the portal is gone.
    await waitFor('a failed heartbeat while the portal is down', failedHeartbeats, (count) => count > failuresBefore, 20_000);
    expect(await storedCount(gate.gateId)).toBe(storedBefore);
    await sleep(Math.max(0, start + OUTAGE_MS - Date.now()));
    await proxy.restore();
    await queue.resume();
    const end = Date.now();

    await waitFor(
      'a heartbeat accepted after the portal is back',
      () => gate.agent.status(),
      (status) => status.lastHeartbeatAt !== null && Date.parse(status.lastHeartbeatAt) >= end,
      20_000,
    );
    await showPasses(gate, after, 'after');
    const committed = await expectExactlyCommitted(gate);
    expectGrantedWithin(committed, during, { start, end });
    await stopGate(gate);
  });

  it('PostgreSQL crashes and restarts during ingestion: BullMQ retries, gate_event ends with exactly the committed events', async () => {
    const gate = await startGate('PostgreSQL fault gate', { type: 'file' });
    const [before, backlog, during, after] = [passes.slice(40, 43), passes.slice(43, 49), passes.slice(49, 55), passes.slice(55, 58)];
    await showPasses(gate, before, 'before');
    await expectExactlyCommitted(gate);
    const storedBefore = await storedCount(gate.gateId);
    // A backlog in the queue, then the database goes while the worker takes it on.
    await queue.pause();
    await showPasses(gate, backlog, 'backlog');
    await waitFor(
      'the backlog handed to Redis',
      () => gate.agent.status(),
      (status) => status.outbox.pending === 0,
    );
    const backlogIds = readOutbox(gate.databasePath)
      .slice(-backlog.length)
      .map((entry) => entry.eventId);

    const start = Date.now();
    await postgres.crash();
    await showPasses(gate, during, 'during');
    await queue.resume();
    await waitFor(
      'ingestion failing and retried later',
      () => queue.getJobCounts('delayed'),
      (counts) => (counts.delayed ?? 0) > 0,
    );
    await sleep(Math.max(0, start + OUTAGE_MS - Date.now()));
    await postgres.start();
    const end = Date.now();
    await waitFor(
      'the portal to read PostgreSQL again',
      () => storedCount(gate.gateId),
      (count) => count >= storedBefore,
    );

    await showPasses(gate, after, 'after');
    const committed = await expectExactlyCommitted(gate, 90_000);
    expectGrantedWithin(committed, during, { start, end });
    // The backlog's jobs failed at least once (the database was gone) before they were stored.
    const jobs = (await Promise.all(backlogIds.map((id) => queue.getJob(id)))) as Array<Job | undefined>;
    expect(jobs.some((job) => (job?.stacktrace?.length ?? 0) > 0)).toBe(true);
    await stopGate(gate);
  });

  it('the gate agent SIGKILLed at random points of 1,000 scans: every committed event in gate_event exactly once', async () => {
    const pty = await openPtyPair();
    ptys.push(pty);
    const scanner = new SerialPort({ path: pty.b, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => scanner.open((error) => (error ? reject(error) : resolve())));
    scanners.push(scanner);
    const gate = await startGate('SIGKILL gate', { type: 'serial-scanner', path: pty.a });

    const SCANS = 1000;
    const KILLS = 5;
    const SCAN_BATCH = 20;
    const seed = Number(process.env.FAULT_SEED ?? Date.now() % 2 ** 31);
    const random = seededRandom(seed);
    const killAfter = new Set<number>();
    while (killAfter.size < KILLS) killAfter.add(50 + Math.floor(random() * (SCANS - 100)));
    const killDelays = new Map([...killAfter].map((index) => [index, Math.floor(random() * 40)]));
    process.stdout.write(`fault-tolerance: FAULT_SEED=${seed}; SIGKILL after scans ${[...killAfter].sort((a, b) => a - b).join(', ')}\n`);

    const startedAt = Date.now();
    const write = (text: string) =>
      new Promise<void>((resolve, reject) => scanner.write(text, (error) => (error ? reject(error) : resolve())));
    // Sent in batches, each waited for: a kill then finds at most one batch in flight. The serial port is flushed when
    // the restarted agent opens it (as a real UART's buffer is), so what the dead agent had not decided is lost, like a
    // scan nobody saw; what it had decided is committed.
    let decidedTarget = 0;
    let lost = 0;
    for (let batchStart = 0; batchStart < SCANS; batchStart += SCAN_BATCH) {
      const batchEnd = Math.min(batchStart + SCAN_BATCH, SCANS);
      for (let index = batchStart; index < batchEnd; index++) {
        await write(`${passes[index % passes.length]!.qrText}\r\n`);
        decidedTarget++;
        if (!killAfter.has(index)) continue;
        await sleep(killDelays.get(index)!);
        await gate.agent.kill();
        gate.agent = await startListeningAgent(gate.configPath, gate.guardPort);
        // What the killed agent decided is in the outbox; the rest of this batch so far never will be.
        const decided = countScans(gate.databasePath);
        lost += decidedTarget - decided;
        decidedTarget = decided;
      }
      await waitFor(
        `scans ${batchStart + 1}–${batchEnd} decided`,
        () => countScans(gate.databasePath),
        (count) => count >= decidedTarget,
      );
    }
    const committed = await expectExactlyCommitted(gate, 120_000);
    const scans = committed.filter((entry) => entry.event.type === 'scan');
    const granted = scans.filter((entry) => entry.event.decision === 'granted');
    process.stdout.write(
      `fault-tolerance: ${SCANS} scans sent, ${scans.length} decided (${granted.length} granted, ${lost} in flight at a kill), ${committed.length} events committed and stored once, in ${Math.round((Date.now() - startedAt) / 1000)} s\n`,
    );
    expect(scans.length).toBeLessThanOrEqual(SCANS);
    expect(lost).toBeLessThanOrEqual(SCAN_BATCH * KILLS);
    expect(scans.length).toBe(SCANS - lost);
    // Single-entry passes: each person admitted. A grant whose passage did not happen (timed out while the relay was
    // held on by the burst, or cut short by a kill) leaves the pass usable, but no pass passes twice.
    expect(new Set(granted.map((entry) => entry.event.pass!.passId)).size).toBe(passes.length);
    const passed = committed.filter((entry) => entry.event.type === 'passage' && entry.event.passage === 'passed');
    expect(passed.length).toBeGreaterThan(0);
    expect(new Set(passed.map((entry) => entry.event.pass!.passId)).size).toBe(passed.length);
    // Every grant has exactly one outcome, kills or not: a passage the agent never saw end (killed between the grant
    // and the passage) is recorded as interrupted when it starts again.
    const passagesOf = new Map<string, GateEvent['passage'][]>();
    for (const entry of committed) {
      if (entry.event.type !== 'passage') continue;
      const outcomes = passagesOf.get(entry.event.scanEventId!) ?? [];
      outcomes.push(entry.event.passage);
      passagesOf.set(entry.event.scanEventId!, outcomes);
    }
    const withoutOne = granted.filter((entry) => passagesOf.get(entry.eventId)?.length !== 1);
    expect(withoutOne.map((entry) => ({ scan: entry.eventId, passages: passagesOf.get(entry.eventId) ?? [] }))).toEqual([]);
    const outcomes = granted.map((entry) => passagesOf.get(entry.eventId)![0]);
    expect(outcomes.every((outcome) => ['passed', 'not-passed', 'sensor-fault', 'interrupted'].includes(outcome!))).toBe(true);
    expect(committed.filter((entry) => entry.event.type === 'passage')).toHaveLength(granted.length);
    const interrupted = outcomes.filter((outcome) => outcome === 'interrupted').length;
    process.stdout.write(
      `fault-tolerance: every one of the ${granted.length} grants has one passage event; ${interrupted} interrupted by a kill\n`,
    );
    await stopGate(gate);
  });

  it('the same events delivered twice (outbox replayed by the gate, jobs re-added): stored once', async () => {
    // Only this gate's jobs in the completed set from here on.
    await queue.clean(0, 0, 'completed');
    const pty = await openPtyPair();
    ptys.push(pty);
    const scanner = new SerialPort({ path: pty.b, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => scanner.open((error) => (error ? reject(error) : resolve())));
    scanners.push(scanner);
    const gate = await startGate('Replay gate', { type: 'serial-scanner', path: pty.a });
    for (const pass of passes.slice(0, 40)) scanner.write(`${pass.qrText}\r\n`);
    await waitFor(
      'the replay gate deciding 40 scans',
      () => readOutbox(gate.databasePath).filter((entry) => entry.event.type === 'scan').length,
      (count) => count >= 40,
    );
    const committed = await expectExactlyCommitted(gate);
    const eventIds = new Set(committed.map((entry) => entry.eventId));
    const completedJobs = async () =>
      ((await queue.getJobs(['completed'], 0, -1)) as Array<Job | undefined>).filter(
        (job): job is Job => job !== undefined && eventIds.has(job.id!),
      );
    // A job is marked completed one Redis round trip after its rows commit.
    const firstDelivery = await waitFor('first delivery completed', completedJobs, (jobs) => jobs.length >= committed.length);
    expect(firstDelivery).toHaveLength(committed.length);
    const signedJobs = firstDelivery.map((job) => ({ name: job.name, data: job.data as unknown, opts: { ...job.opts, jobId: job.id! } }));

    // 1. The gate sends its whole outbox again, as after a crash between the queue's answer and marking delivered.
    //    BullMQ drops a job whose id it still holds, so the completed jobs go first: the worker really sees each twice.
    await stopGate(gate);
    await queue.clean(0, 0, 'completed');
    const db = new Database(gate.databasePath, { fileMustExist: true });
    try {
      db.prepare('UPDATE outbox SET delivered_at = NULL').run();
    } finally {
      db.close();
    }
    gate.agent = await startListeningAgent(gate.configPath, gate.guardPort);
    await waitFor(
      'the gate to re-send its outbox',
      () => gate.agent.status(),
      (status) => status.outbox.pending === 0,
    );
    const replayed = await waitFor('the replayed jobs processed', completedJobs, (jobs) => jobs.length === committed.length);
    expect(replayed.map((job) => job.returnvalue as { stored: boolean }).every((result) => result.stored === false)).toBe(true);

    // 2. The same signed jobs added again by someone else, twice at once.
    await queue.clean(0, 0, 'completed');
    await Promise.all([queue.addBulk(signedJobs as never), queue.addBulk(signedJobs as never)]);
    const readded = await waitFor('the re-added jobs processed', completedJobs, (jobs) => jobs.length === committed.length);
    expect(readded.map((job) => job.returnvalue as { stored: boolean }).every((result) => result.stored === false)).toBe(true);

    await expectExactlyCommitted(gate);
    const [{ n: deadLetters }] = await query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM gate_event_dead_letter');
    expect(deadLetters).toBe(0);
    await stopGate(gate);
  });
});
