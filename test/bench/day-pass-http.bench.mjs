// The alumni day pass under HTTP load, with the BUILT portal as it runs in production: the HTTP process
// (apps/portal/dist/main.js, NODE_ENV=production) on a database of its own, loaded with autocannon.
//
// Setup, through the portal's own CLI and HTTP API as an alumnus does it: signing keys (`keys:rotate`), a graduate in
// the registry (`registry:import`), Register Email (identify → email → the mailed code → verify: signed in), contact
// details, an eCard photo (the eCard activates at once), and one GET /api/passes/today, which issues and signs the
// day's pass. Then, in the same process and the same run, the same connections and duration each:
//   a. GET /api/passes/today with the alumnus's session cookie: what the web app's eCard page ("today's QR") calls;
//      session lookup, the active eCard, the stored pass, and its QR code as SVG (cached by the portal per QR text);
//   b. the peer: GET /health/live, a static NestJS route (@Public, no cookie sent, so no session lookup; it returns
//      a constant and touches neither PostgreSQL nor Redis) through the same middleware (pino-http, helmet) and guard;
//   c. GET /ecard with Accept: text/html, the web app's shell (index.html, express sendFile) the page loads first.
// Each target gets a warm-up, then BENCH_ROUNDS measured runs (the order reversed every other round). Every response
// body is checked (autocannon's verifyBody: the pass id / "ok" / the root element); a wrong one counts as a mismatch.
// Reports req/s, latency p50/p97.5/p99/max, errors, timeouts, non-2xx, mismatches, the portal's CPU per request and
// this database's PostgreSQL backends' CPU per request (from /proc), and the load average before and after each run.
// autocannon is required (no fallback loader): without it the bench stops and says how to add it.
//
// No rate limit applies to GET /api/passes/today (the portal's limits are on sign-in, registration, codes, guest-pass
// mail, the public guest page, gate enrollment and staff searches; there is no global throttler), so one session is
// what the server sees from one alumnus, and nothing is disabled for the bench.
//
// Needs PostgreSQL and Redis, `autocannon` in node_modules and the built portal and web app:
// TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:http
// (or `node test/bench/day-pass-http.bench.mjs` after `npx tsc -b tsconfig.build.json` and
// `npx vite build --config apps/web/vite.config.ts`). BENCH_CONNECTIONS (10), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS
// (3), BENCH_ROUNDS (2), BENCH_PORTAL_NODE_ARGS (Node options of the HTTP process). Results in docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import sharp from 'sharp';
import {
  children,
  cookieJar,
  createBenchDatabase,
  dropBenchDatabase,
  freePort,
  processCpuMs,
  startMailCatcher,
  startProcess,
  untilServing,
} from './bench-services.mjs';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** Node options of the HTTP process, e.g. BENCH_PORTAL_NODE_ARGS="--cpu-prof --cpu-prof-dir=.data/bench-profile". */
const PORTAL_NODE_ARGS = (process.env.BENCH_PORTAL_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
const adminUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!adminUrl) {
  console.error('Set TEST_DATABASE_URL to a PostgreSQL server where this benchmark may create a database (and REDIS_URL).');
  process.exit(2);
}
const autocannon = await import('autocannon').then(
  (module) => module.default,
  () => null,
);
if (!autocannon) {
  console.error('The autocannon package is not in node_modules: add it to the root devDependencies and run `npm ci`.');
  process.exit(2);
}
const ROOT = path.resolve(import.meta.dirname, '../..');
for (const built of ['apps/portal/dist/main.js', 'apps/web/dist/index.html']) {
  if (!existsSync(path.join(ROOT, built))) {
    console.error(`${built} is missing: build first (npx tsc -b tsconfig.build.json; npx vite build --config apps/web/vite.config.ts).`);
    process.exit(2);
  }
}
const log = (message) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

// --- Services of this run: a database, a Redis prefix, an SMTP server for the registration code. ---
const { name: database, url: databaseUrl } = await createBenchDatabase(adminUrl, 'cpbench_http');
const prefix = `cpbench-http-${randomBytes(4).toString('hex')}`;
const mailCatcher = await startMailCatcher();
const tempDir = mkdtempSync(path.join(os.tmpdir(), 'cpbench-http-'));

// Production configuration (secure cookies, HSTS, no dev mail catcher); the gates' Redis user is never used here.
const gateRedis = new URL(redisUrl);
gateRedis.username = 'campuspass-gate';
gateRedis.password = randomBytes(8).toString('hex');
const portalEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://alumni.example.edu',
  DATABASE_URL: databaseUrl.toString(),
  DATABASE_MIGRATE: 'auto',
  REDIS_URL: redisUrl,
  GATE_REDIS_URL: gateRedis.toString(),
  QUEUE_PREFIX: prefix,
  APP_SECRET: randomBytes(32).toString('base64url'),
  KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  SMTP_URL: `smtp://127.0.0.1:${mailCatcher.port}`,
  LOG_LEVEL: 'warn',
  DEMO_GATE: 'off',
};

/**
 * The portal's operator CLI, as a child process. Asynchronous on purpose: a blocked event loop (spawnSync) keeps fetch
 * from retiring a kept-alive socket the server closes meanwhile, and the next request would fail on it.
 */
async function cli(...args) {
  const child = spawn(process.execPath, [path.join(ROOT, 'apps/portal/dist/cli.js'), ...args], { cwd: ROOT, env: portalEnv });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`cli ${args[0]} exited with ${code}:\n${output}`);
  return output;
}

let http;
let worker;
let failed = false;
const db = new pg.Client({ connectionString: databaseUrl.toString() });
try {
  // --- The HTTP process (migrates the new database at start-up) and a worker (it sends the registration mail). ---
  const port = await freePort();
  http = startProcess(ROOT, 'apps/portal/dist/main.js', { ...portalEnv, PORT: String(port) }, PORTAL_NODE_ARGS);
  const baseUrl = `http://127.0.0.1:${port}`;
  await untilServing(http, baseUrl);
  await db.connect();
  worker = startProcess(ROOT, 'apps/portal/dist/worker.js', portalEnv);
  await cli('keys:rotate');

  // --- An alumnus: registry → Register Email → signed in → contact details → photo: an active eCard. ---
  const graduate = { surname: 'Chan', givenName: 'Bench', dateOfBirth: '1990-05-17', email: 'bench.alumnus@example.com' };
  const csvFile = path.join(tempDir, 'registry.csv');
  writeFileSync(
    csvFile,
    'student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year\n' +
      `BENCH0001,${graduate.surname},${graduate.givenName},${graduate.dateOfBirth},BSc Computing,BSc,PolyU,2012\n`,
  );
  await cli('registry:import', csvFile);

  const jar = cookieJar();
  const keepCookies = jar.keep;
  const cookieHeader = jar.header;
  let csrf = '';
  async function call(method, pathname, body, expected) {
    const isForm = body instanceof FormData;
    const response = keepCookies(
      await fetch(`${baseUrl}${pathname}`, {
        method,
        headers: {
          accept: 'application/json',
          cookie: cookieHeader(),
          ...(csrf ? { 'x-csrf-token': csrf } : {}),
          ...(body && !isForm ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
      }),
    );
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${pathname} answered ${response.status}, expected ${expected}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  const { ticket } = await call(
    'POST',
    '/api/auth/register/identify',
    { surname: graduate.surname, givenName: graduate.givenName, dateOfBirth: graduate.dateOfBirth },
    200,
  );
  const seen = mailCatcher.mails.length;
  await call('POST', '/api/auth/register/email', { ticket, email: graduate.email, locale: 'en' }, 202);
  let code;
  for (const deadline = Date.now() + 30_000; !code; await sleep(100)) {
    code = /\b(\d{6})\b/.exec(mailCatcher.mails.slice(seen).at(-1)?.text ?? '')?.[1];
    if (!code && Date.now() > deadline) throw new Error(`no registration code mailed within 30 s:\n${worker.output()}`);
  }
  ({ csrfToken: csrf } = await call('POST', '/api/auth/register/verify', { ticket, code }, 200));
  const profile = await call('GET', '/api/profile', undefined, 200);
  await call(
    'PUT',
    '/api/profile/contact',
    {
      version: profile.contact.version,
      additionalEmails: [],
      phones: [{ type: 'mobile', countryCode: '+852', number: '9123 4567' }],
      address: { lines: ['Flat 3, 12/F'], city: 'Hong Kong', region: null, country: 'Hong Kong' },
      preferredLanguage: 'en',
      newsConsent: false,
    },
    200,
  );
  const pixels = Buffer.alloc(600 * 800 * 3);
  for (let index = 0; index < pixels.length; index++) pixels[index] = (index * 2654435761) >>> 24;
  const photo = await sharp(pixels, { raw: { width: 600, height: 800, channels: 3 } })
    .blur(3)
    .jpeg()
    .toBuffer();
  const form = new FormData();
  form.append('photo', new Blob([photo], { type: 'image/jpeg' }), 'me.jpg');
  await call('POST', '/api/ecard/photo', form, 201);
  const pass = await call('GET', '/api/passes/today', undefined, 200);
  if (!pass.passId || !pass.qrText || !pass.qrSvg?.includes('<svg')) throw new Error(`unexpected day pass: ${JSON.stringify(pass)}`);
  const sessionCookie = cookieHeader();
  // The worker has done its part (the mail); the HTTP process alone serves what is measured.
  await worker.stop();
  worker = undefined;
  log(`alumnus signed in with an active eCard; today's pass ${pass.passId} (${pass.date}), ${pass.qrSvg.length} bytes of SVG`);

  // --- Load. ---
  const targets = [
    {
      name: 'day pass  GET /api/passes/today (session cookie)',
      short: 'day-pass',
      path: '/api/passes/today',
      headers: { cookie: sessionCookie, accept: 'application/json' },
      verifyBody: (body) => body.includes(pass.passId) && body.includes('<svg'),
    },
    {
      name: 'static    GET /health/live (no cookie)',
      short: 'live',
      path: '/health/live',
      headers: { accept: 'application/json' },
      verifyBody: (body) => body === '{"status":"ok"}',
    },
    {
      name: 'shell     GET /ecard (Accept: text/html)',
      short: 'shell',
      path: '/ecard',
      headers: { accept: 'text/html' },
      verifyBody: (body) => body.includes('<div id="root"></div>'),
    },
  ];
  /** CPU ms of this database's PostgreSQL backends (the portal's pool), by pid. */
  const backendCpu = async () => {
    const { rows } = await db.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return new Map(rows.map(({ pid }) => [pid, processCpuMs(pid)]));
  };
  async function run(target, seconds) {
    const pgBefore = await backendCpu();
    const cpuBefore = processCpuMs(http.child.pid);
    const loadBefore = load();
    const result = await autocannon({
      url: `${baseUrl}${target.path}`,
      connections: CONNECTIONS,
      duration: seconds,
      headers: target.headers,
      verifyBody: target.verifyBody,
    });
    const cpu = processCpuMs(http.child.pid) - cpuBefore;
    // Backends that started during the run count whole; one that ended during it is lost (the pool keeps them).
    const pgCpu = [...(await backendCpu())].reduce((sum, [pid, ms]) => sum + ms - (pgBefore.get(pid) ?? 0), 0);
    const total = result.requests.total;
    return { target, result, loadBefore, loadAfter: load(), cpuPerRequest: cpu / total, pgPerRequest: pgCpu / total };
  }

  log(`warm-up: ${WARMUP_SECONDS} s per target, ${CONNECTIONS} connections`);
  for (const target of targets) await run(target, WARMUP_SECONDS);
  const runs = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of round % 2 ? targets : [...targets].reverse()) {
      const measured = await run(target, SECONDS);
      runs.push({ round, ...measured });
      const { result } = measured;
      log(
        `round ${round} ${target.short}: ${fmt(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (load ${measured.loadBefore} → ${measured.loadAfter})`,
      );
    }
  }
  const after = await call('GET', '/api/passes/today', undefined, 200);
  if (after.passId !== pass.passId) throw new Error(`the day pass changed under load: ${pass.passId} → ${after.passId}`);
  const rss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${http.child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

  // --- Report. ---
  const cpus = os.cpus();
  const pad = (text, width) => String(text).padStart(width);
  console.log(`
Machine: ${cpus[0]?.model} × ${cpus.length}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Linux ${os.release()}, Node ${process.version}
Portal: apps/portal/dist/main.js (NODE_ENV=production, LOG_LEVEL=warn), one process; PostgreSQL ${adminUrl.replace(/\/\/[^@]*@/, '//')}, Redis ${redisUrl}
Load: autocannon in this process, ${CONNECTIONS} connections, ${SECONDS} s per run, ${WARMUP_SECONDS} s warm-up per target, ${ROUNDS} rounds
Day pass: ${fmt(Buffer.byteLength(JSON.stringify(pass)))} bytes of JSON; portal peak RSS ${fmt(rss)} MB

round  target     req/s   p50 ms  p97.5 ms  p99 ms  max ms  requests  errors  timeouts  non-2xx  mismatches  portal CPU ms/req  PG CPU ms/req  load before → after`);
  for (const { round, target, result, loadBefore, loadAfter, cpuPerRequest, pgPerRequest } of runs) {
    console.log(
      [
        pad(round, 5),
        target.short.padEnd(8),
        pad(fmt(result.requests.average), 7),
        pad(result.latency.p50, 8),
        pad(result.latency.p97_5, 9),
        pad(result.latency.p99, 7),
        pad(result.latency.max, 7),
        pad(fmt(result.requests.total), 9),
        pad(result.errors, 7),
        pad(result.timeouts, 9),
        pad(result.non2xx, 8),
        pad(result.mismatches ?? 0, 11),
        pad(fmt(cpuPerRequest, 3), 18),
        pad(fmt(pgPerRequest, 3), 14),
        `  ${loadBefore} → ${loadAfter}`,
      ].join(' '),
    );
  }
  const bad = runs.filter(({ result }) => result.errors || result.timeouts || result.non2xx || result.mismatches);
  if (bad.length) {
    failed = true;
    console.error(`${bad.length} run(s) had errors, timeouts, non-2xx answers or wrong bodies: see the table.`);
  }
} catch (error) {
  failed = true;
  console.error(error);
  if (http) console.error(`portal output:\n${http.output().slice(-4000)}`);
} finally {
  // Gracefully first (a --cpu-prof profile is written at exit), then whatever is left.
  const stopping = Promise.all([worker?.stop(), http?.stop()]).catch(() => undefined);
  await Promise.race([stopping, sleep(15_000)]);
  for (const child of children) child.kill('SIGKILL');
  await db.end().catch(() => undefined);
  // This run's keys only.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  await mailCatcher.close();
  rmSync(tempDir, { recursive: true, force: true });
  await dropBenchDatabase(adminUrl, database);
}
process.exit(failed ? 1 : 0);
