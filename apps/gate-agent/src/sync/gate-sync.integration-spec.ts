import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GATE_EVENT_FORMAT, QueueName, type GateEvent, type GateHeartbeatRequest } from '@campuspass/contracts';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { createGate, inviteGuests, startPortalWithActiveAlumnus, type GatePortal } from '../../../../test/support/gate-fixtures.js';
import type { HttpSession } from '../../../../test/support/http-sessions.js';
import type { TestPortal } from '../../../../test/support/portal-app.js';
import * as wait from '../../../../test/support/wait.js';
import { GatesService } from '../../../portal/src/gates/gates.service.js';
import { KeysService } from '../../../portal/src/keys/keys.service.js';
import { PinnedBundleKey } from '../bundle/bundle-signature.js';
import { GateBundleHolder } from '../bundle/gate-bundle-holder.js';
import { SimulatedNtpStatus } from '../clock/simulated-ntp-status.adapter.js';
import { TrustedClock } from '../clock/trusted-clock.js';
import { runGateAgentCli } from '../cli/run-gate-agent-cli.js';
import { gateConfigSchema, type GateConfig } from '../config/gate-config.schema.js';
import { IdentityStore } from '../identity/identity-store.js';
import { SqliteGateStore } from '../store/sqlite/sqlite-gate-store.js';
import { BullmqGateEventPublisher } from './bullmq-gate-event-publisher.js';
import { BundlePuller } from './bundle-puller.js';
import { ensureEnrolled, type EnrolledGate } from './enroll-gate.js';
import type { GateEventPublisher, SignedGateEventJob } from './gate-event-publisher.port.js';
import { GateSync } from './gate-sync.js';
import { HeartbeatSender } from './heartbeat-sender.js';
import { OutboxDrainer } from './outbox-drainer.js';
import { PortalClient } from './portal-client.js';
import { SyncErrorCode } from './sync.error.js';

/** Built by `npm run build:ts` (npm test builds first). */
const DRAIN_PROCESS = resolve(import.meta.dirname, '../../dist/sync/drain-outbox-process.js');
const BACKOFF = { minSeconds: 1, maxSeconds: 2, jitterPercent: 20 };

/** This spec's waits give up after 30 s unless one says otherwise (the shared helper's default is 15 s). */
const waitFor = <T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 30_000) =>
  wait.waitFor(what, read, done, timeoutMs);

/** A TCP relay to Redis that the test can cut and restore on the same port: a real outage for the gate's client. */
async function startRedisRelay(
  redisUrl: string,
): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const target = new URL(redisUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const cut = async () => {
    // close() waits for open connections, so they are destroyed first: the client sees the link drop at once.
    const closed = new Promise((resolve) => server!.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await listen();
  const auth = target.username || target.password ? `${target.username}:${target.password}@` : '';
  return { url: `redis://${auth}127.0.0.1:${port}`, cut, restore: listen, close: cut };
}

describe('Gate sync against the real portal (PostgreSQL, Redis, HTTP, ingest worker)', () => {
  let gatePortal: GatePortal;
  let portal: TestPortal;
  let baseUrl: string;
  let alice: HttpSession;
  const directories: string[] = [];
  const stores: SqliteGateStore[] = [];
  const query = <T>(sql: string, params: unknown[] = []) => portal.app.get(DataSource).query(sql, params) as Promise<T>;

  async function newDataDir(): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), 'gate-sync-'));
    directories.push(directory);
    return directory;
  }

  function config(dataDir: string, sync: Record<string, unknown> = {}): GateConfig {
    return gateConfigSchema.parse({
      portal: { url: baseUrl, requestTimeoutMs: 5000 },
      storage: { dataDir },
      sync: { backoff: { minSeconds: BACKOFF.minSeconds, maxSeconds: BACKOFF.maxSeconds }, jitterPercent: BACKOFF.jitterPercent, ...sync },
    });
  }

  function openStore(dataDir: string): SqliteGateStore {
    const store = new SqliteGateStore({
      filePath: join(dataDir, 'gate.sqlite'),
      outbox: { maxEvents: 10_000, retentionDays: 30, alertThreshold: 0.8 },
    });
    stores.push(store);
    return store;
  }

  const untrustedClock = (store: SqliteGateStore) =>
    new TrustedClock({ store: store.clock, ntp: new SimulatedNtpStatus(false), config: { maxSkewSeconds: 60, trustNtp: false } });

  async function enrolledGate(name: string): Promise<{ dataDir: string; enrolled: EnrolledGate }> {
    const dataDir = await newDataDir();
    const { code } = await createGate(portal, name);
    const enrolled = await ensureEnrolled({
      store: new IdentityStore(dataDir),
      client: new PortalClient({ baseUrl, timeoutMs: 5000 }),
      portalUrl: baseUrl,
      enrollmentCode: code,
    });
    return { dataDir, enrolled };
  }

  function health(overrides: Partial<GateHeartbeatRequest> = {}): GateHeartbeatRequest {
    return {
      agentVersion: '0.1.0',
      bundleVersion: 0,
      clockTrusted: false,
      clockOffsetMs: null,
      outboxPending: 0,
      outboxFill: 0,
      oldestPendingAt: null,
      relay: 'ok',
      passageSensor: 'absent',
      input: 'ok',
      fireInput: 'absent',
      uptimeSeconds: 5,
      ...overrides,
    };
  }

  function scanEvent(gateId: string): Omit<GateEvent, 'sequence'> {
    return {
      format: GATE_EVENT_FORMAT,
      eventId: randomUUID(),
      gateId,
      type: 'scan',
      occurredAt: new Date().toISOString(),
      clockTrusted: true,
      bundleVersion: 1,
      decision: 'denied',
      reason: 'no-bundle',
      pass: null,
      passage: null,
      scanEventId: null,
      operator: null,
      detail: null,
    };
  }

  const countEvents = async (gateId: string) =>
    Number((await query<Array<{ n: string }>>('SELECT count(*) AS n FROM gate_event WHERE gate_id = $1', [gateId]))[0]!.n);

  beforeAll(async () => {
    gatePortal = await startPortalWithActiveAlumnus();
    ({ portal, baseUrl, alice } = gatePortal);
  });

  afterAll(async () => {
    for (const store of stores) store.close();
    await gatePortal?.close();
    for (const directory of directories) await rm(directory, { recursive: true, force: true });
  });

  it('enrolls with a one-time code: key and enrollment pinned with mode 0600; a wrong or used code is refused clearly', async () => {
    const dataDir = await newDataDir();
    const configPath = join(dataDir, 'gate.yaml');
    await writeFile(configPath, `portal:\n  url: ${baseUrl}\nstorage:\n  dataDir: ${dataDir}\n`);
    const cli = async (argv: string[]) => {
      let stdout = '';
      let stderr = '';
      const exitCode = await runGateAgentCli(argv, {
        env: {},
        cwd: dataDir,
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
      });
      return { exitCode, stdout, stderr };
    };

    const wrong = await cli(['--config', configPath, '--enroll', 'AAAA-BBBB-CCCC']);
    expect(wrong.exitCode).toBe(77);
    expect(wrong.stderr).toMatch(/sync-enrollment-refused: the portal refused the enrollment code .*new code/);
    await expect(stat(join(dataDir, 'enrollment.json'))).rejects.toMatchObject({ code: 'ENOENT' });

    const { gateId, code } = await createGate(portal, 'North 1');
    const enrolled = await cli(['--config', configPath, '--enroll', code.toLowerCase()]);
    expect(enrolled).toMatchObject({ exitCode: 0, stderr: '' });
    const printed = JSON.parse(enrolled.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({ enrolled: true, enrolledNow: true, gateId, gateName: 'North 1' });
    expect(enrolled.stdout).not.toContain('redis://');
    for (const file of ['identity.json', 'enrollment.json']) expect((await stat(join(dataDir, file))).mode & 0o777).toBe(0o600);
    const pinned = JSON.parse(await readFile(join(dataDir, 'enrollment.json'), 'utf8')) as { response: { bundlePublicKey: string } };
    const bundleKey = (await portal.app.get(KeysService).list()).find((key) => key.purpose === 'bundle' && key.status === 'active')!;
    expect(Buffer.from(pinned.response.bundlePublicKey, 'hex').toString('base64')).toBe(bundleKey.publicKey);

    // Enrolled already: nothing is sent, the pinned answer is kept.
    expect(JSON.parse((await cli(['--config', configPath, '--enroll', code])).stdout)).toMatchObject({ enrolledNow: false, gateId });
    // The same code on another gate: used.
    const otherDir = await newDataDir();
    await expect(
      ensureEnrolled({
        store: new IdentityStore(otherDir),
        client: new PortalClient({ baseUrl, timeoutMs: 5000 }),
        portalUrl: baseUrl,
        enrollmentCode: code,
      }),
    ).rejects.toMatchObject({ code: SyncErrorCode.EnrollmentRefused });
    // Not enrolled and no code: says how to enroll.
    await expect(
      ensureEnrolled({ store: new IdentityStore(otherDir), client: new PortalClient({ baseUrl, timeoutMs: 5000 }), portalUrl: baseUrl }),
    ).rejects.toThrow(/not enrolled.*portal\.enrollmentCode.*--enroll <code>/);
  });

  it('pulls a full bundle, then 304, then a delta with a revoked pass; saves it durably and trusts the signed portal time', async () => {
    const { dataDir, enrolled } = await enrolledGate('North 2');
    const store = openStore(dataDir);
    const clock = untrustedClock(store);
    const sync = new GateSync({
      config: config(dataDir),
      identity: enrolled.identity,
      enrollment: enrolled.enrollment,
      stores: store,
      clock,
      health: () => health(),
      publisher: { publish: () => Promise.resolve(), close: () => Promise.resolve() },
    });
    expect(sync.holder.restore()).toEqual({ status: 'empty' });

    const full = await sync.puller.pullOnce();
    expect(full).toMatchObject({ status: 'applied', kind: 'full' });
    expect(sync.holder.current()).toMatchObject({ gateId: enrolled.enrollment.gateId, gateName: 'North 2', version: full.version });
    expect(clock.status()).toMatchObject({ trusted: true, source: 'portal' });
    expect(await sync.puller.pullOnce()).toEqual({ status: 'not-modified', version: full.version });

    // Alice invites a guest for today, then cancels: the pass is revoked.
    const [guest] = await inviteGuests(alice, ['Lee Siu Lung']);
    await alice.agent.post(`/api/guest-passes/${guest!.id}/cancel`).set('X-CSRF-Token', alice.csrf).expect(200);
    const passId = guest!.id.replaceAll('-', '');

    const delta = await sync.puller.pullOnce();
    expect(delta).toMatchObject({ status: 'applied', kind: 'delta', fullRetry: false });
    expect(delta.version).toBeGreaterThan(full.version);
    expect(sync.holder.current()!.isRevoked(passId)).toBe(true);

    // Durable: a restarted agent restores the same state from SQLite.
    const restarted = new GateBundleHolder({
      gateId: enrolled.enrollment.gateId,
      pinnedKey: new PinnedBundleKey(Buffer.from(enrolled.enrollment.bundlePublicKey, 'hex')),
      store: openStore(dataDir).bundle,
      clock,
    });
    expect(restarted.restore()).toEqual({ status: 'restored', version: delta.version });
    expect(restarted.current()!.isRevoked(passId)).toBe(true);
  });

  it('asks for a full bundle when the delta does not fit the version held', async () => {
    const { dataDir, enrolled } = await enrolledGate('North 3');
    const store = openStore(dataDir);
    const clock = untrustedClock(store);
    const pinnedKey = new PinnedBundleKey(Buffer.from(enrolled.enrollment.bundlePublicKey, 'hex'));
    const holder = new GateBundleHolder({ gateId: enrolled.enrollment.gateId, pinnedKey, store: store.bundle, clock });
    const client = new PortalClient({ baseUrl, timeoutMs: 5000 });
    const signer = { gateId: enrolled.enrollment.gateId, identity: enrolled.identity };
    const puller = new BundlePuller({ client, signer, holder, clock, intervalSeconds: 300, backoff: BACKOFF });
    const first = await puller.pullOnce();
    // The gate claims a version it does not hold (a version that was never served to it): the delta will not fit.
    const held = holder.current()!;
    await portal.app.get(GatesService).setPolicy(enrolled.enrollment.gateId, { ...held.policy, reEntryWindowSeconds: 120 });
    const skewed = new BundlePuller({
      client: {
        fetchBundle: (s: typeof signer, since: number, etag: string | undefined) =>
          client.fetchBundle(s, since === 0 ? 0 : since - 1, etag),
      } as unknown as PortalClient,
      signer,
      holder,
      clock,
      intervalSeconds: 300,
      backoff: BACKOFF,
    });
    const outcome = await skewed.pullOnce();
    expect(first.version).toBeLessThan(outcome.version);
    expect(outcome).toMatchObject({ status: 'applied', kind: 'full', fullRetry: true });
    expect(holder.current()!.policy.reEntryWindowSeconds).toBe(120);
  });

  it('sends heartbeats that make the clock trusted with the verified portal time, refuses a portal time under another key, and sends at once on a change', async () => {
    const { dataDir, enrolled } = await enrolledGate('North 4');
    const store = openStore(dataDir);
    const clock = untrustedClock(store);
    const pinnedKey = new PinnedBundleKey(Buffer.from(enrolled.enrollment.bundlePublicKey, 'hex'));
    const signer = { gateId: enrolled.enrollment.gateId, identity: enrolled.identity };
    const client = new PortalClient({ baseUrl, timeoutMs: 5000 });
    let newer = 0;
    const sender = new HeartbeatSender({
      client,
      signer,
      pinnedKey,
      clock,
      health: () => health({ outboxPending: 7, outboxFill: 0.01 }),
      onNewerBundle: (version) => (newer = version),
      intervalSeconds: 60,
      backoff: BACKOFF,
    });
    expect(clock.status().trusted).toBe(false);
    const outcome = await sender.sendOnce();
    expect(outcome).toMatchObject({ clockTrusted: true, newerBundle: true });
    expect(Math.abs(outcome.portalTime.getTime() - Date.now())).toBeLessThan(5000);
    expect(newer).toBe(outcome.portalBundleVersion);
    expect(clock.status()).toMatchObject({ trusted: true, source: 'portal' });
    const [status] = await query<Array<{ outbox_pending: number }>>('SELECT outbox_pending FROM gate_status WHERE gate_id = $1', [
      signer.gateId,
    ]);
    expect(status).toMatchObject({ outbox_pending: 7 });

    // A second heartbeat right away still goes through (its timestamp is moved to the next second).
    await expect(sender.sendOnce()).resolves.toMatchObject({ clockTrusted: true });

    const otherStore = openStore(await newDataDir());
    const otherClock = untrustedClock(otherStore);
    const forgedKey = new PinnedBundleKey(new Uint8Array(32).fill(7));
    const wrongKey = new HeartbeatSender({
      client,
      signer,
      pinnedKey: forgedKey,
      clock: otherClock,
      health: () => health(),
      intervalSeconds: 60,
      backoff: BACKOFF,
    });
    await expect(wrongKey.sendOnce()).rejects.toMatchObject({ code: SyncErrorCode.BadPortalTimeSignature });
    expect(otherClock.status().trusted).toBe(false);

    // Started, the sender sends at once when the clock, the bundle or a device changed, not for counters (the same
    // gate: a client of its own would reuse a timestamp; a fresh, untrusted clock).
    const freshClock = untrustedClock(openStore(await newDataDir()));
    const gateId = signer.gateId;
    let current = health({ input: 'fault', outboxPending: 7, outboxFill: 0.01 });
    const started = new HeartbeatSender({
      client,
      signer,
      pinnedKey,
      clock: freshClock,
      // As the agent reports it: the clock's trust as it is when the heartbeat is built.
      health: () => ({ ...current, clockTrusted: freshClock.reading().trusted }),
      intervalSeconds: 120,
      changeCheckMs: 200,
      backoff: BACKOFF,
    });
    type Row = { received_at: Date; bundle_version: string; clock_trusted: boolean; input: string; outbox_pending: number };
    const row = async () =>
      (
        await query<Row[]>('SELECT received_at, bundle_version, clock_trusted, input, outbox_pending FROM gate_status WHERE gate_id = $1', [
          gateId,
        ])
      )[0];
    try {
      started.start();
      // The first heartbeat is sent before its own answer made the clock trusted; the next follows at once.
      await waitFor('the heartbeat with the trusted clock', row, (value) => value?.clock_trusted === true, 5000);
      current = { ...current, bundleVersion: 7, input: 'ok' };
      const changed = await waitFor('the heartbeat with the new bundle', row, (value) => Number(value?.bundle_version) === 7, 5000);
      expect(changed).toMatchObject({ input: 'ok', clock_trusted: true });
      // Counters alone wait for the interval.
      current = { ...current, outboxPending: 3, outboxFill: 0.001 };
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await row()).toMatchObject({ outbox_pending: 7, received_at: changed!.received_at });
    } finally {
      await started.stop();
    }
  });

  it('drains 300 outbox events into gate_event exactly once, though stopped mid-batch and re-sending a batch after a crash', async () => {
    const { dataDir, enrolled } = await enrolledGate('North 5');
    const gateId = enrolled.enrollment.gateId;
    const store = openStore(dataDir);
    for (let index = 0; index < 300; index++) store.outbox.append(scanEvent(gateId));
    const queueOptions = {
      redisUrl: enrolled.enrollment.eventQueue.redisUrl,
      prefix: enrolled.enrollment.eventQueue.prefix,
      timeoutMs: 5000,
    };
    expect(queueOptions.prefix).toBe(portal.redis.prefix);

    // A crash between addBulk and markDelivered: the third batch reached the queue, the outbox never heard of it.
    const real = new BullmqGateEventPublisher(queueOptions);
    let batches = 0;
    const crashing: GateEventPublisher = {
      async publish(jobs: readonly SignedGateEventJob[]) {
        batches++;
        await real.publish(jobs);
        if (batches === 3) throw new Error('power cut after the batch was queued');
      },
      close: () => real.close(),
    };
    const drainer = (publisher: GateEventPublisher) =>
      new OutboxDrainer({ outbox: store.outbox, publisher, identity: enrolled.identity, gateId, batchSize: 50, backoff: BACKOFF });
    const first = drainer(crashing);
    first.start();
    await waitFor(
      'the crashed batch',
      () => batches,
      (n) => n >= 3,
    );
    await first.stop();
    await crashing.close();
    expect(store.outbox.status().pending).toBe(200);
    const resent = store.outbox.peek(50);
    expect(resent.every((entry) => entry.attempts === 1)).toBe(true);

    // The portal ingested the crashed batch; drop the finished jobs so a re-send is not deduplicated by jobId:
    // the gate_event primary key alone must keep the count exact.
    await waitFor(
      '150 ingested',
      () => countEvents(gateId),
      (n) => n === 150,
    );
    const queue = new Queue(QueueName.GateEvents, { connection: { url: portal.redis.url }, prefix: portal.redis.prefix });
    await queue.clean(0, 10_000, 'completed');

    // Restart; stop it mid-drain (after the first batch), then restart again.
    const publishers = [new BullmqGateEventPublisher(queueOptions), new BullmqGateEventPublisher(queueOptions)];
    const second = drainer(publishers[0]!);
    second.start();
    await waitFor(
      'a batch of the second run',
      () => second.status().delivered,
      (n) => n > 0,
    );
    await second.stop();
    expect(store.outbox.status().pending).toBe(300 - 100 - second.status().delivered);
    const third = drainer(publishers[1]!);
    third.start();
    await waitFor(
      'the outbox empty',
      () => store.outbox.status().pending,
      (n) => n === 0,
    );
    await third.stop();
    for (const publisher of publishers) await publisher.close();
    await waitFor(
      '300 ingested',
      () => countEvents(gateId),
      (n) => n === 300,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await countEvents(gateId)).toBe(300);
    const [{ sequences }] = await query<Array<{ sequences: string }>>(
      'SELECT count(DISTINCT sequence) AS sequences FROM gate_event WHERE gate_id = $1',
      [gateId],
    );
    expect(Number(sequences)).toBe(300);
    expect((await queue.getJobCounts('failed')).failed).toBe(0);
    await queue.close();
  }, 120_000);

  it('counts every event once after the draining process is killed with SIGKILL mid-drain and run again', async () => {
    expect(existsSync(DRAIN_PROCESS)).toBe(true);
    const { dataDir, enrolled } = await enrolledGate('North 8');
    const gateId = enrolled.enrollment.gateId;
    const store = openStore(dataDir);
    for (let index = 0; index < 300; index++) store.outbox.append(scanEvent(gateId));
    const drain = (killOn?: string, extraArgs: string[] = []) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolveRun) => {
        const child = spawn(process.execPath, [DRAIN_PROCESS, '--data-dir', dataDir, '--batch', '20', ...extraArgs], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.stdout.on('data', (chunk: Buffer) => {
          if (killOn !== undefined && chunk.toString().includes(killOn)) child.kill('SIGKILL');
        });
        child.on('exit', (code, signal) => resolveRun({ code, signal, stderr }));
      });

    // Killed between batches, then killed while a queued batch is not yet marked delivered.
    expect((await drain('delivered')).signal).toBe('SIGKILL');
    const pendingAfterFirstKill = store.outbox.status().pending;
    expect(pendingAfterFirstKill).toBeLessThan(300);
    expect((await drain('queued', ['--hold-ms', '30000'])).signal).toBe('SIGKILL');
    const pendingAfterKill = store.outbox.status().pending;
    expect(pendingAfterKill).toBe(pendingAfterFirstKill);
    // The worker ingests what reached the queue: the held batch too, though the outbox still has it pending.
    await waitFor(
      'the held batch ingested',
      () => countEvents(gateId),
      (n) => n === 300 - pendingAfterKill + 20,
    );
    const ingestedAfterKill = await countEvents(gateId);
    const queue = new Queue(QueueName.GateEvents, { connection: { url: portal.redis.url }, prefix: portal.redis.prefix });
    await queue.clean(0, 10_000, 'completed');

    const rerun = await drain();
    expect(rerun).toMatchObject({ code: 0, stderr: '' });
    expect(store.outbox.status().pending).toBe(0);
    await waitFor(
      '300 ingested',
      () => countEvents(gateId),
      (n) => n === 300,
    );
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
    expect(await countEvents(gateId)).toBe(300);
    expect((await queue.getJobCounts('failed')).failed).toBe(0);
    await queue.close();
    // How many the killed run had queued but not marked delivered (re-sent by the second run, counted once).
    process.stdout.write(
      `SIGKILL drain: ${pendingAfterKill} pending after the kill, ${ingestedAfterKill - (300 - pendingAfterKill)} of them re-sent duplicates\n`,
    );
  }, 120_000);

  it('keeps events in the outbox while Redis is unreachable and delivers them once it is back; wakes on append', async () => {
    const { dataDir, enrolled } = await enrolledGate('North 6');
    const gateId = enrolled.enrollment.gateId;
    const store = openStore(dataDir);
    const relay = await startRedisRelay(enrolled.enrollment.eventQueue.redisUrl);
    const publisher = new BullmqGateEventPublisher({ redisUrl: relay.url, prefix: enrolled.enrollment.eventQueue.prefix, timeoutMs: 2000 });
    const drainer = new OutboxDrainer({
      outbox: store.outbox,
      publisher,
      identity: enrolled.identity,
      gateId,
      batchSize: 20,
      backoff: BACKOFF,
      idlePollMs: 60_000,
    });
    try {
      drainer.start();
      // Woken by the append, not by the (one-minute) idle poll.
      store.outbox.append(scanEvent(gateId));
      drainer.wake();
      await waitFor(
        'the first event ingested',
        () => countEvents(gateId),
        (n) => n === 1,
        10_000,
      );

      await relay.cut();
      for (let index = 0; index < 30; index++) store.outbox.append(scanEvent(gateId));
      drainer.wake();
      await waitFor(
        'a failed batch',
        () => drainer.status().failedBatches,
        (n) => n >= 1,
        10_000,
      );
      expect(drainer.status().lastError).toMatch(/sync-queue-unavailable/);
      expect(store.outbox.status().pending).toBe(30);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(store.outbox.status().pending).toBe(30);
      expect(await countEvents(gateId)).toBe(1);

      await relay.restore();
      await waitFor(
        'the backlog delivered',
        () => store.outbox.status().pending,
        (n) => n === 0,
        30_000,
      );
      await waitFor(
        '31 ingested',
        () => countEvents(gateId),
        (n) => n === 31,
      );
    } finally {
      await drainer.stop();
      await publisher.close();
      await relay.close();
    }
  }, 120_000);

  it('stops pulling and heartbeating for a revoked gate', async () => {
    const { dataDir, enrolled } = await enrolledGate('North 7');
    const store = openStore(dataDir);
    const sync = new GateSync({
      config: config(dataDir),
      identity: enrolled.identity,
      enrollment: enrolled.enrollment,
      stores: store,
      clock: untrustedClock(store),
      health: () => health(),
    });
    await sync.puller.pullOnce();
    await portal.app.get(GatesService).revokeGate(enrolled.enrollment.gateId, 'stolen');
    await expect(sync.puller.pullOnce()).rejects.toMatchObject({ code: SyncErrorCode.GateRevoked, details: { status: 401 } });
    await expect(sync.heartbeat.sendOnce()).rejects.toMatchObject({ code: SyncErrorCode.GateRevoked });
    sync.start();
    await waitFor('the puller to give up', () => sync.puller.status().revoked && sync.heartbeat.revoked, Boolean, 10_000);
    await sync.stop();
    expect(sync.puller.status().lastError).toMatch(/revoked/);
  });
});
