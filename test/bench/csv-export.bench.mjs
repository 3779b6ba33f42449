// The CSV export of a year of entries (GET /api/reports/entries.csv, apps/portal/src/entries/reports) on the BUILT
// portal, as a process of its own: seeds a throwaway database with a year of gate events (2,000,000 by default, with
// generate_series), signs an auditor in, downloads the year and reports rows/s, MB/s and the portal's RSS before and
// during the export (sampled from /proc every 50 ms). Also times the year's summary (the charts' figures).
// Needs TEST_DATABASE_URL (a PostgreSQL server where databases may be created) and REDIS_URL, e.g.
//   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379 npm run bench:export
// Results are written up in docs/benchmarks.md ("CSV export of a year of entries").
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../apps/portal/dist/core/database/data-source-options.js';
import { freePort, signInStaff, startMailCatcher } from './bench-services.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000_000);
const adminUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!adminUrl) {
  console.error('Set TEST_DATABASE_URL to a PostgreSQL server where this benchmark may create a database.');
  process.exit(2);
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function admin(sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Kilobytes of a /proc/<pid>/status line (VmRSS, VmHWM). */
async function procStatus(pid, field) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
}

const database = `cpbench_export_${randomBytes(4).toString('hex')}`;
const url = new URL(adminUrl);
url.pathname = `/${database}`;
const databaseUrl = url.toString();

const mailCatcher = await startMailCatcher();

let portal;
await admin(`CREATE DATABASE ${database}`);
try {
  // --- a year of entries -----------------------------------------------------------------------------------------
  const dataSource = new DataSource(dataSourceOptions(databaseUrl));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const started = Date.now();
  const gates = await dataSource.query(
    `INSERT INTO gate (name, public_key, status, created_at)
     SELECT name, decode(md5(name) || md5(name || 'x'), 'hex'), 'active', now() FROM unnest(ARRAY['North Entrance', 'South Gate', 'Library Side Door']) AS name
     RETURNING id`,
  );
  await dataSource.query(`
    INSERT INTO graduate (student_number, surname, given_name, surname_key, given_name_key, date_of_birth)
    SELECT 'B' || n, (ARRAY['陳', 'Wong', '李', 'Chan', '黃', 'Lee'])[1 + n % 6], (ARRAY['大文', 'Siu Ming', '嘉欣', 'Tai Man', '小明'])[1 + n % 5],
           'k' || n, 'k' || n, date '1990-01-01' + n % 5000
      FROM generate_series(1, 5000) AS n`);
  await dataSource.query(`
    INSERT INTO alumni_account (graduate_id, email, created_at, updated_at)
    SELECT id, 'bench-' || lower(student_number) || '@example.com', now(), now() FROM graduate ORDER BY student_number`);
  await dataSource.query(`
    INSERT INTO ecard (account_id, graduate_id, status, activated_at, photo_status)
    SELECT a.id, a.graduate_id, 'active', now(), 'approved' FROM alumni_account a ORDER BY a.email`);
  // 100,000 guest passes, each scanned twice (throwaway database: the bundle triggers are off while seeding).
  await dataSource.query(`ALTER TABLE pass DISABLE TRIGGER USER`);
  await dataSource.query(`
    INSERT INTO pass (id, kind, ecard_id, guest_index, guest_name, purpose, campus_day, kid, qr_text, status, share_token_hash, created_at)
    SELECT md5('guest' || k)::uuid, 'guest', 1 + k % 5000, 1 + k / 5000, (ARRAY['陳小明', 'Mary Lee', '=1+1', 'Ho Ka Yan'])[1 + k % 4], 'Visit',
           20089 + k % 365, '00000000', 'CP1:BENCH' || k, 'active', decode(md5('s' || k) || md5('t' || k), 'hex'), now()
      FROM generate_series(0, 99999) AS k`);
  // One event every ~16 s through 2025 (Hong Kong): odd n are scans (1 in 13 denied; 1 in 5 of a guest pass), even n
  // the passage after the scan before. Payloads are the size the gates' signed JSON has.
  await dataSource.query(
    `INSERT INTO gate_event (event_id, gate_id, sequence, type, occurred_at, clock_trusted, bundle_version, decision, reason,
                             pass_id, pass_kind, pass_campus_day, pass_ecard_id, pass_guest_index, passage, received_at, flags, payload, signature)
     SELECT gen_random_uuid(), ($1::uuid[])[1 + (n / 2) % 3], n, CASE WHEN n % 2 = 1 THEN 'scan' ELSE 'passage' END, at, true, 1,
            CASE WHEN n % 2 = 0 THEN NULL WHEN n % 13 = 0 THEN 'denied' ELSE 'granted' END,
            CASE WHEN n % 2 = 1 AND n % 13 = 0 THEN (ARRAY['wrong-day', 'revoked', 're-entry-window', 'bad-signature'])[1 + n % 4] END,
            CASE WHEN guest THEN md5('guest' || ((n / 20) % 100000))::uuid ELSE md5('alumni' || n)::uuid END,
            CASE WHEN guest THEN 'guest' ELSE 'alumni-day' END, 20089, 1 + (n / 2) % 5000,
            CASE WHEN guest THEN 1 + ((n / 20) % 100000) / 5000 END,
            CASE WHEN n % 2 = 0 THEN 'passed' END, at + interval '3 seconds', '{}', repeat('x', 420), decode(repeat('00', 64), 'hex')
       FROM (SELECT n, timestamptz '2025-01-01 00:00+08' + ((n - 1) * (365 * 86400.0 / $2)) * interval '1 second' AS at,
                    (n % 10 IN (3, 4)) AS guest
               FROM generate_series(1, $2::int) AS n) AS s`,
    [gates.map((gate) => gate.id), EVENTS],
  );
  await dataSource.query(`ALTER TABLE pass ENABLE TRIGGER USER`);
  await dataSource.query(`VACUUM ANALYZE gate_event`);
  await dataSource.query(`VACUUM ANALYZE pass`);
  const { size } = (await dataSource.query(`SELECT pg_size_pretty(pg_total_relation_size('gate_event')) AS size`))[0];
  console.log(`seeded ${EVENTS.toLocaleString('en')} gate events (gate_event ${size}) in ${seconds(Date.now() - started)}`);

  const { StaffService } = await import('../../apps/portal/dist/admin/staff.service.js');
  const { StaffRepository } = await import('../../apps/portal/dist/admin/staff.repository.js');
  const { StaffAccountEntity } = await import('../../apps/portal/dist/admin/staff-account.entity.js');
  const { AuditService } = await import('../../apps/portal/dist/admin/audit.service.js');
  const { AuditRepository } = await import('../../apps/portal/dist/admin/audit.repository.js');
  const { AuditEventEntity } = await import('../../apps/portal/dist/admin/audit-event.entity.js');
  const staff = new StaffService(
    new StaffRepository(dataSource.getRepository(StaffAccountEntity)),
    new AuditService(new AuditRepository(dataSource.getRepository(AuditEventEntity))),
  );
  const password = 'correct horse battery staple';
  await staff.create({ email: 'bench-auditor@example.edu', name: 'Bench Auditor', role: 'auditor', password });
  await dataSource.destroy();

  // --- the portal as a process ----------------------------------------------------------------------------------
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  portal = spawn(process.execPath, ['apps/portal/dist/start.js'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      DEMO_GATE: 'off',
      DEMO_SEED: 'off',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      DATABASE_MIGRATE: 'manual',
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: `cpbench-${randomBytes(3).toString('hex')}`,
      SMTP_URL: `smtp://127.0.0.1:${mailCatcher.port}`,
      APP_SECRET: randomBytes(32).toString('base64url'),
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // e.g. BENCH_PORTAL_NODE_OPTIONS=--max-old-space-size=128 to run the portal in a smaller heap.
      ...(process.env.BENCH_PORTAL_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_PORTAL_NODE_OPTIONS } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (const deadline = Date.now() + 60_000; ;) {
    if (portal.exitCode !== null) throw new Error(`the portal exited with ${portal.exitCode}`);
    if (
      await fetch(`${baseUrl}/health/live`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error('the portal did not start within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  const cookie = await signInStaff(baseUrl, mailCatcher.mails, { email: 'bench-auditor@example.edu', password });

  // --- the summary of the year --------------------------------------------------------------------------------
  const summaryTimes = [];
  let summary;
  for (let run = 0; run < 3; run++) {
    const before = performance.now();
    const response = await fetch(`${baseUrl}/api/reports/summary?from=2025-01-01&to=2025-12-31`, {
      headers: { cookie, accept: 'application/json' },
    });
    summary = await response.json();
    if (!response.ok) throw new Error(`summary: ${response.status} ${JSON.stringify(summary)}`);
    summaryTimes.push(performance.now() - before);
  }
  console.log(
    `summary of the year: ${summaryTimes.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} ` +
      `(visits ${summary.totals.visits.toLocaleString('en')}, unique alumni ${summary.totals.uniqueAlumni}, guests ${summary.totals.uniqueGuests.toLocaleString('en')})`,
  );

  // --- the export, twice: a leak would add to the RSS again; a heap that only grew to its working size would not ---
  const rssStart = await procStatus(portal.pid, 'VmRSS');
  for (let run = 1; run <= 2; run++) {
    const rssBefore = await procStatus(portal.pid, 'VmRSS');
    let rssPeak = rssBefore;
    let newlines = 0;
    // The highest RSS seen in each tenth of the rows.
    const byTenth = Array.from({ length: 10 }, () => 0);
    const sampler = setInterval(() => {
      procStatus(portal.pid, 'VmRSS').then(
        (rss) => {
          rssPeak = Math.max(rssPeak, rss);
          const tenth = Math.min(9, Math.floor((newlines / EVENTS) * 10));
          byTenth[tenth] = Math.max(byTenth[tenth], rss);
        },
        () => undefined,
      );
    }, 50);
    const exportStarted = performance.now();
    // As the page's Download link: a same-origin navigation (exports are refused cross-site).
    const response = await fetch(`${baseUrl}/api/reports/entries.csv?from=2025-01-01&to=2025-12-31`, {
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
    });
    if (!response.ok) throw new Error(`export: ${response.status} ${await response.text()}`);
    let bytes = 0;
    let firstByteMs;
    for await (const chunk of response.body) {
      firstByteMs ??= performance.now() - exportStarted;
      bytes += chunk.length;
      for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) newlines++;
    }
    const exportMs = performance.now() - exportStarted;
    clearInterval(sampler);
    const rows = newlines - 1;
    if (rows !== EVENTS) throw new Error(`the export has ${rows} rows, expected ${EVENTS}`);
    console.log(
      `export ${run} of the year: ${rows.toLocaleString('en')} rows, ${mb(bytes)} in ${seconds(exportMs)} — ` +
        `${Math.round(rows / (exportMs / 1000)).toLocaleString('en')} rows/s, ${(bytes / 1024 / 1024 / (exportMs / 1000)).toFixed(1)} MB/s; ` +
        `first byte after ${firstByteMs.toFixed(0)} ms`,
    );
    console.log(
      `  portal RSS: ${mb(rssBefore)} before, ${mb(rssPeak)} at most during it (+${mb(rssPeak - rssStart)} over the first export's start); ` +
        `by tenth of the rows: ${byTenth.map((rss) => (rss ? (rss / 1024 / 1024).toFixed(0) : '–')).join(' · ')} MB`,
    );
  }
} finally {
  if (portal && portal.exitCode === null) {
    portal.kill('SIGTERM');
    await new Promise((resolve) => portal.once('exit', resolve));
  }
  await mailCatcher.close();
  // BENCH_KEEP=1 keeps the database to look at plans (EXPLAIN) afterwards.
  if (process.env.BENCH_KEEP) console.log(`kept database ${database}`);
  else await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
}
