// Gate events from the queue to PostgreSQL, with the BUILT portal as it runs in production: the HTTP process
// (apps/portal/dist/main.js) and the worker process (apps/portal/dist/worker.js) on a database of their own.
//
// 1. Throughput and drain: BACKLOG signed events (default 100,000, from 20 gates, a campus day's mix) are put on the
//    gate-events queue as gates do (addBulk, jobId = eventId, the gate's job options) while no worker runs, as after a
//    long outage; then the worker process starts and drains them. Reports events/s (rows ÷ time from the first row
//    stored to the last, by received_at) and the wall time from the worker's start until the last row.
// 2. Peer: plain BullMQ with a no-op processor, the same concurrency, the same number of jobs of the same size, on
//    the same Redis, in this process.
// 3. Dashboard responsiveness: latency p50/p95 of GET /api/security/ingest and GET /api/admin/gates (a signed-in
//    security-staff session), sequential requests every PROBE_INTERVAL_MS, while idle and while draining.
//
// Needs PostgreSQL and Redis: TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379
// npm run bench:ingest   (builds first; or `node test/bench/ingest.bench.mjs` after `npx tsc -b tsconfig.build.json`).
// BENCH_PROFILE=1 writes a CPU profile of the worker process to .data/bench-profile/; BENCH_WORKER_NODE_ARGS adds Node
// options to the draining worker processes; BENCH_KEEP_DB=1 keeps the benchmark's database (200,000 stored events) for
// EXPLAIN. Results in docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { GATE_EVENT_FORMAT, QueueName } from '@campuspass/contracts';
import { GATE_EVENT_JOB_NAME, GATE_EVENT_JOB_OPTIONS } from '../../apps/gate-agent/dist/sync/bullmq-gate-event-publisher.js';
import { GATE_EVENT_CONCURRENCY } from '../../apps/portal/dist/entries/gate-event-ingest.job.js';
import {
  children,
  createBenchDatabase,
  dropBenchDatabase,
  freePort,
  processCpuMs,
  signInStaff,
  startMailCatcher,
  startProcess,
  untilServing,
} from './bench-services.mjs';

// `--entries-worker`: this file as a worker process that runs the entries module alone (the gate-events worker of
// the built portal, without the other modules' listeners of stored entries), for the second drain below.
if (process.argv.includes('--entries-worker')) {
  await import('reflect-metadata');
  const { Module } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  const { loadAppConfig } = await import('../../apps/portal/dist/config/app-config.js');
  const { AppConfigModule } = await import('../../apps/portal/dist/config/app-config.module.js');
  const { DatabaseModule } = await import('../../apps/portal/dist/core/database/database.module.js');
  const { QueueModule } = await import('../../apps/portal/dist/core/queue/queue.module.js');
  const { EntriesModule } = await import('../../apps/portal/dist/entries/entries.module.js');
  const config = loadAppConfig(process.env);
  class EntriesWorkerOnly {}
  Module({
    imports: [AppConfigModule.forRoot(config), DatabaseModule.forRoot(config), QueueModule.forRoot({ workers: true }), EntriesModule],
  })(EntriesWorkerOnly);
  const context = await NestFactory.createApplicationContext(EntriesWorkerOnly, { logger: ['error', 'warn'] });
  process.once('SIGTERM', () => context.close().then(() => process.exit(0)));
  await new Promise(() => undefined);
}

const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 100_000);
const GATES = Number(process.env.BENCH_GATES ?? 20);
const PROBE_INTERVAL_MS = Number(process.env.PROBE_INTERVAL_MS ?? 200);
const IDLE_PROBES = Number(process.env.IDLE_PROBES ?? 50);
const PROFILE = process.env.BENCH_PROFILE === '1';
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
/** Node options of the draining worker processes, e.g. BENCH_WORKER_NODE_ARGS="--max-semi-space-size=32". */
const WORKER_NODE_ARGS = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
const adminUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!adminUrl) {
  console.error('Set TEST_DATABASE_URL to a PostgreSQL server where this benchmark may create a database (and REDIS_URL).');
  process.exit(2);
}
const ROOT = path.resolve(import.meta.dirname, '../..');
const log = (message) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

// --- Services of this run: a database, a Redis prefix, an SMTP server for the staff sign-in code. ---
const { name: database, url: databaseUrl } = await createBenchDatabase(adminUrl, 'cpbench_ingest');
const prefix = `cpbench-ingest-${randomBytes(4).toString('hex')}`;

const mailCatcher = await startMailCatcher();

const portalEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DATABASE_URL: databaseUrl.toString(),
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: prefix,
  APP_SECRET: randomBytes(32).toString('base64url'),
  KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  SMTP_URL: `smtp://127.0.0.1:${mailCatcher.port}`,
  LOG_LEVEL: 'warn',
  DEMO_GATE: 'off',
  DEMO_SEED: 'off',
};

const db = new pg.Client({ connectionString: databaseUrl.toString() });
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
let http;
let worker;
let failed = false;
let lastWorkerOutput;
try {
  // --- The HTTP process (migrates the new database at start-up) and a worker for the staff sign-in mail. ---
  const port = await freePort();
  http = startProcess(ROOT, 'apps/portal/dist/main.js', { ...portalEnv, PORT: String(port) });
  const baseUrl = `http://127.0.0.1:${port}`;
  await untilServing(http, baseUrl);
  await db.connect();
  worker = startProcess(ROOT, 'apps/portal/dist/worker.js', portalEnv);

  // Staff: created with the CLI, signed in with the password and the mailed code.
  const created = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'apps/portal/dist/cli.js'),
      'staff:create',
      '--email',
      'guard@example.edu',
      '--name',
      'Bench Guard',
      '--role',
      'security-staff',
    ],
    { cwd: ROOT, env: portalEnv, encoding: 'utf8' },
  );
  const password = /Password \(shown only this once[^)]*\): (\S+)/.exec(created.stdout + created.stderr)?.[1];
  if (!password) throw new Error(`staff:create failed:\n${created.stdout}${created.stderr}`);
  const sessionCookie = await signInStaff(
    baseUrl,
    mailCatcher.mails,
    { email: 'guard@example.edu', password },
    () => `:\n${worker.output()}`,
  );

  // Gates: enrolled (active, with an identity key), the default policy (re-entry window 60 s).
  const gates = [];
  for (let index = 0; index < GATES; index++) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const id = randomUUID();
    await db.query(`INSERT INTO gate (id, name, public_key, status, created_at, enrolled_at) VALUES ($1, $2, $3, 'active', now(), now())`, [
      id,
      `Bench gate ${index + 1}`,
      raw,
    ]);
    gates.push({ id, privateKey, sequence: 0 });
  }

  // The worker goes: a long outage. Events pile up in the queue meanwhile.
  await worker.stop();
  worker = undefined;
  const queue = new Queue(QueueName.GateEvents, { connection: redis, prefix });

  // A campus day: 62 % granted scans (one in 50 of them scanned again at the next gate 20 s later: two-gates), 30 %
  // passages, 6 % denials, 1 % manual opens, a few sensor faults, one decision in 997 on an untrusted clock; times
  // spread over 14 hours, each gate in its own order.
  const dayStart = Date.UTC(2026, 10, 26, 0, 0, 0);
  const campusDay = Math.floor(dayStart / 86_400_000) - 7305;
  function nextEvent(gate, index) {
    const kind = index % 100;
    const occurredAt = new Date(dayStart + Math.floor((index / BACKLOG) * 14 * 3600_000)).toISOString();
    const pass = { passId: randomBytes(16).toString('hex'), kind: 'alumni-day', campusDay, ecardId: 1 + (index % 5000), guestIndex: null };
    const base = {
      format: GATE_EVENT_FORMAT,
      eventId: randomUUID(),
      gateId: gate.id,
      sequence: ++gate.sequence,
      type: 'scan',
      occurredAt,
      clockTrusted: index % 997 !== 0,
      bundleVersion: 42,
      decision: 'granted',
      reason: null,
      pass,
      passage: null,
      scanEventId: null,
      operator: null,
      detail: null,
    };
    if (kind < 62) return base;
    if (kind < 92 || (kind === 99 && index % 1000 !== 99)) {
      return { ...base, type: 'passage', decision: null, pass, passage: 'passed', scanEventId: randomUUID() };
    }
    if (kind < 98) return { ...base, decision: 'denied', reason: 're-entry-window' };
    if (kind === 98) return { ...base, type: 'manual-open', decision: null, pass: null, operator: 'Guard 7' };
    return { ...base, type: 'sensor-fault', decision: null, pass: null, detail: 'beam blocked' };
  }
  const signed = (gate, event) => {
    const payload = JSON.stringify(event);
    return { gateId: gate.id, payload, signature: sign(null, Buffer.from(payload), gate.privateKey).toString('base64') };
  };
  let filled = 0;
  async function fill() {
    log(`filling the queue with ${fmt(BACKLOG)} signed events from ${GATES} gates`);
    const fillStarted = performance.now();
    let payloadBytes = 0;
    for (let index = filled; index < filled + BACKLOG;) {
      const jobs = [];
      for (const end = Math.min(filled + BACKLOG, index + 1000); index < end; index++) {
        const gate = gates[index % GATES];
        const event = nextEvent(gate, index % BACKLOG);
        jobs.push({ name: GATE_EVENT_JOB_NAME, data: signed(gate, event), opts: { ...GATE_EVENT_JOB_OPTIONS, jobId: event.eventId } });
        // The same pass at the next gate 20 s later: inside the 60 s window, so both are flagged two-gates.
        if (index % 50 === 0 && event.decision === 'granted' && index + 1 < filled + BACKLOG) {
          index++;
          const other = gates[index % GATES];
          const twin = {
            ...nextEvent(other, index % BACKLOG),
            type: 'scan',
            decision: 'granted',
            reason: null,
            passage: null,
            scanEventId: null,
          };
          twin.pass = event.pass;
          twin.occurredAt = new Date(Date.parse(event.occurredAt) + 20_000).toISOString();
          jobs.push({ name: GATE_EVENT_JOB_NAME, data: signed(other, twin), opts: { ...GATE_EVENT_JOB_OPTIONS, jobId: twin.eventId } });
        }
      }
      payloadBytes += jobs.reduce((sum, job) => sum + job.data.payload.length, 0);
      await queue.addBulk(jobs);
    }
    filled += BACKLOG;
    log(`queued in ${fmt((performance.now() - fillStarted) / 1000, 1)} s; ${fmt(payloadBytes / BACKLOG)} bytes of payload per event`);
  }
  await fill();

  // --- Dashboard probes. ---
  const probe = async (pathname) => {
    const t = performance.now();
    const response = await fetch(`${baseUrl}${pathname}`, { headers: { cookie: sessionCookie, accept: 'application/json' } });
    const body = await response.json();
    if (!response.ok) throw new Error(`${pathname} answered ${response.status}: ${JSON.stringify(body)}`);
    return { ms: performance.now() - t, body };
  };
  const latencies = () => ({ ingest: [], gates: [] });
  const summary = (times) => {
    const sorted = [...times].sort((a, b) => a - b);
    return { n: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1) };
  };
  const idle = latencies();
  for (let i = 0; i < IDLE_PROBES; i++) {
    idle.ingest.push((await probe('/api/security/ingest')).ms);
    idle.gates.push((await probe('/api/admin/gates')).ms);
    await sleep(PROBE_INTERVAL_MS);
  }
  const before = (await probe('/api/security/ingest')).body.metrics;
  log(`idle: ingest status says ${fmt(before.queue.waiting)} waiting, lag ${fmt(before.lagMs / 1000, 1)} s`);

  // --- A drain: worker processes start with the backlog waiting; CPU of the workers, of this database's PostgreSQL
  // backends and of Redis from the first row stored to the last. ---
  const profileDir = path.join(ROOT, '.data/bench-profile');
  if (PROFILE) mkdirSync(profileDir, { recursive: true });
  const count = async () => Number((await db.query('SELECT count(*)::int AS n FROM gate_event')).rows[0].n);
  const backendCpu = async () => {
    const { rows: backends } = await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
    return new Map(backends.map(({ pid }) => [pid, processCpuMs(pid)]));
  };
  const redisCpuMs = async () => {
    const info = await redis.info('cpu');
    const value = (name) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
    return (value('used_cpu_user') + value('used_cpu_sys')) * 1000;
  };
  async function drain(startWorker, withProbes) {
    const storedBefore = await count();
    const target = storedBefore + BACKLOG;
    const loadBefore = os.loadavg()[0];
    const drainStarted = performance.now();
    const drainStartedAt = new Date();
    const workers = Array.from({ length: WORKERS }, startWorker);
    const workersCpuMs = () => workers.reduce((sum, each) => sum + processCpuMs(each.child.pid), 0);
    const draining = latencies();
    const seen = [];
    let probing = withProbes;
    const prober = (async () => {
      while (probing) {
        const status = await probe('/api/security/ingest');
        draining.ingest.push(status.ms);
        seen.push(status.body.metrics);
        draining.gates.push((await probe('/api/admin/gates')).ms);
        await sleep(PROBE_INTERVAL_MS);
      }
    })();
    let stored = storedBefore;
    let cpuAtFirst;
    const timeline = [];
    for (const deadline = Date.now() + 30 * 60_000; stored < target; await sleep(100)) {
      for (const each of workers) if (each.child.exitCode !== null) throw new Error(`worker exited:\n${each.output()}`);
      if (Date.now() > deadline) throw new Error(`only ${stored - storedBefore} of ${BACKLOG} stored after 30 minutes`);
      stored = await count();
      const elapsed = performance.now() - drainStarted;
      if (elapsed >= timeline.length * 5000) timeline.push(`${fmt(elapsed / 1000)} s: ${fmt(stored - storedBefore)}`);
      if (stored > storedBefore && !cpuAtFirst) {
        cpuAtFirst = {
          stored,
          worker: workersCpuMs(),
          http: processCpuMs(http.child.pid),
          pg: await backendCpu(),
          redis: await redisCpuMs(),
        };
      }
    }
    const pgAtLast = await backendCpu();
    const cpu = {
      events: stored - cpuAtFirst.stored,
      worker: workersCpuMs() - cpuAtFirst.worker,
      http: processCpuMs(http.child.pid) - cpuAtFirst.http,
      pg: [...pgAtLast].reduce((sum, [pid, ms]) => sum + ms - (cpuAtFirst.pg.get(pid) ?? 0), 0),
      redis: (await redisCpuMs()) - cpuAtFirst.redis,
    };
    const wallMs = performance.now() - drainStarted;
    probing = false;
    await prober;
    const loadAfter = os.loadavg()[0];
    const { rows } = await db.query(
      `SELECT count(*)::int AS n, extract(epoch FROM max(received_at) - min(received_at)) * 1000 AS span_ms,
              count(*) FILTER (WHERE 'two-gates' = ANY (flags))::int AS two_gates,
              count(*) FILTER (WHERE 'clock-untrusted' = ANY (flags))::int AS clock_untrusted,
              count(*) FILTER (WHERE 'manual-open' = ANY (flags))::int AS manual_open
         FROM gate_event WHERE received_at >= $1`,
      [drainStartedAt],
    );
    await Promise.all(workers.map((each) => each.stop()));
    lastWorkerOutput = workers.map((each) => each.output()).join('\n');
    return { ...rows[0], rate: (rows[0].n / rows[0].span_ms) * 1000, wallMs, cpu, timeline, seen, draining, loadBefore, loadAfter };
  }

  const cpuBefore = process.cpuUsage();
  worker = undefined;
  const full = await drain(
    () =>
      startProcess(ROOT, 'apps/portal/dist/worker.js', portalEnv, [
        ...WORKER_NODE_ARGS,
        ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ]),
    true,
  );
  const benchCpuPercent = ((process.cpuUsage(cpuBefore).user + process.cpuUsage(cpuBefore).system) / 1000 / full.wallMs) * 100;
  const dead = Number((await db.query('SELECT count(*)::int AS n FROM gate_event_dead_letter')).rows[0].n);
  const peakRate = Math.max(...full.seen.map((m) => m.eventsPerSecond10s));
  const maxLag = Math.max(...full.seen.map((m) => m.lagMs));

  // --- The same again with the entries module alone in the worker (no alert or live-feed listeners). ---
  await fill();
  const alone = await drain(
    () => startProcess(ROOT, path.relative(ROOT, import.meta.filename), portalEnv, WORKER_NODE_ARGS, ['--entries-worker']),
    false,
  );

  // --- Peer: plain BullMQ, no-op processor, same concurrency, same jobs (sizes), same Redis, this process. ---
  const noopName = 'bench-noop';
  const noopQueue = new Queue(noopName, { connection: redis, prefix });
  const sample = signed(gates[0], nextEvent(gates[0], 0));
  for (let index = 0; index < BACKLOG; index += 1000) {
    await noopQueue.addBulk(
      Array.from({ length: Math.min(1000, BACKLOG - index) }, () => ({
        name: 'noop',
        data: sample,
        opts: { ...GATE_EVENT_JOB_OPTIONS, jobId: randomUUID() },
      })),
    );
  }
  let done = 0;
  const noopCpuBefore = process.cpuUsage();
  const noopRedisBefore = await (async () => {
    const info = await redis.info('cpu');
    const value = (name) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
    return (value('used_cpu_user') + value('used_cpu_sys')) * 1000;
  })();
  let noopFirst = 0;
  let noopLast = 0;
  const noopStarted = performance.now();
  const noop = new Worker(
    noopName,
    async () => {
      noopFirst ||= performance.now();
      return { stored: true };
    },
    { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix, concurrency: GATE_EVENT_CONCURRENCY },
  );
  noop.on('completed', () => {
    if (++done === BACKLOG) noopLast = performance.now();
  });
  while (done < BACKLOG) await sleep(100);
  const noopCpu = process.cpuUsage(noopCpuBefore);
  const noopRedisMs =
    (await (async () => {
      const info = await redis.info('cpu');
      const value = (name) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
      return (value('used_cpu_user') + value('used_cpu_sys')) * 1000;
    })()) - noopRedisBefore;
  await noop.close();
  const noopWallMs = noopLast - noopStarted;
  const noopSpanMs = noopLast - noopFirst;

  // --- Report. ---
  const idleIngest = summary(idle.ingest);
  const idleGates = summary(idle.gates);
  const drainIngest = summary(full.draining.ingest);
  const drainGates = summary(full.draining.gates);
  const perThousand = (ms, events) => fmt((ms / events) * 1000);
  const cpuLines = ({ cpu }) => `CPU per 1,000 events stored (first row → last, ${fmt(cpu.events)} events)
  worker process${WORKERS > 1 ? 'es' : ''} (Node, all threads)  ${perThousand(cpu.worker, cpu.events)} ms  → one free core: ~${fmt((cpu.events / cpu.worker) * 1000)} events/s
  PostgreSQL backends of this db     ${perThousand(cpu.pg, cpu.events)} ms
  Redis server (shared)              ${perThousand(cpu.redis, cpu.events)} ms`;
  console.log(`
Machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, Node ${process.version}; PostgreSQL ${adminUrl.replace(/\/\/[^@]*@/, '//')}; Redis ${redisUrl}
Workers: ${WORKERS} process${WORKERS > 1 ? 'es' : ''}, concurrency ${GATE_EVENT_CONCURRENCY} each; HTTP: apps/portal/dist/main.js

1. gate events, queue → PostgreSQL, ${fmt(BACKLOG)} backlog from ${GATES} gates, apps/portal/dist/worker.js (the whole portal)
  load average                        ${full.loadBefore.toFixed(2)} before, ${full.loadAfter.toFixed(2)} after
  stored rows                         ${fmt(full.n)} (two-gates ${fmt(full.two_gates)}, clock-untrusted ${fmt(full.clock_untrusted)}, manual-open ${fmt(full.manual_open)}; dead letters ${dead})
  events/s, first row → last row     ${fmt(full.rate)}
  drain, first row → last row        ${fmt(full.span_ms / 1000, 1)} s
  drain, worker start → last row     ${fmt(full.wallMs / 1000, 1)} s
  ingest status during the drain     peak ${fmt(peakRate)} events/s (10 s), max lag ${fmt(maxLag / 1000, 1)} s
  rows stored, every 5 s             ${full.timeline.join(' · ')}
${cpuLines(full)}
  HTTP process (dashboard probes)    ${perThousand(full.cpu.http, full.cpu.events)} ms
  bench process (probes, counting)   ${fmt(benchCpuPercent)} % of a core
2. the same, the worker running the entries module alone (no alert / live-feed listeners), ${fmt(alone.n)} more rows
  load average                        ${alone.loadBefore.toFixed(2)} before, ${alone.loadAfter.toFixed(2)} after
  events/s, first row → last row     ${fmt(alone.rate)}
  drain, first row → last row        ${fmt(alone.span_ms / 1000, 1)} s
  drain, worker start → last row     ${fmt(alone.wallMs / 1000, 1)} s
  rows stored, every 5 s             ${alone.timeline.join(' · ')}
${cpuLines(alone)}
3. plain BullMQ no-op, same concurrency (${fmt(BACKLOG)} jobs of the same size, worker in this process)
  jobs/s, first job → last           ${fmt((BACKLOG / noopSpanMs) * 1000)}
  drain, worker start → last         ${fmt(noopWallMs / 1000, 1)} s
  CPU per 1,000 jobs                  worker ${perThousand((noopCpu.user + noopCpu.system) / 1000, BACKLOG)} ms, Redis ${perThousand(noopRedisMs, BACKLOG)} ms
4. dashboard latency (ms), during drain 1  idle p50 / p95 (n)      draining p50 / p95 / max (n)
  GET /api/security/ingest           ${fmt(idleIngest.p50, 1)} / ${fmt(idleIngest.p95, 1)} (${idleIngest.n})          ${fmt(drainIngest.p50, 1)} / ${fmt(drainIngest.p95, 1)} / ${fmt(drainIngest.max, 1)} (${drainIngest.n})
  GET /api/admin/gates               ${fmt(idleGates.p50, 1)} / ${fmt(idleGates.p95, 1)} (${idleGates.n})          ${fmt(drainGates.p50, 1)} / ${fmt(drainGates.p95, 1)} / ${fmt(drainGates.max, 1)} (${drainGates.n})
`);
  if (PROFILE) console.log(`CPU profile of the worker in ${profileDir}`);
  if (process.env.BENCH_WORKER_LOG) console.log(lastWorkerOutput);
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  for (const child of children) child.kill('SIGKILL');
  await worker?.stop().catch(() => undefined);
  await http?.stop().catch(() => undefined);
  await db.end().catch(() => undefined);
  // This run's keys only.
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
  await mailCatcher.close();
  if (process.env.BENCH_KEEP_DB === '1') {
    console.log(`kept the database ${database} (BENCH_KEEP_DB=1): drop it when done`);
  } else {
    await dropBenchDatabase(adminUrl, database);
  }
}
process.exit(failed ? 1 : 0);
