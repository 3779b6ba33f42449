// Throughput and memory of the graduate registry import (apps/portal/src/alumni) on the BUILT code:
// writes a 100,000-row CSV to a temp file, imports it into a fresh database, then imports it again
// (every row unchanged). Needs TEST_DATABASE_URL, a PostgreSQL server where databases may be created,
// e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node test/bench/registry-import.bench.mjs
// Build first (`npx tsc -b tsconfig.build.json`). Results are written up in docs/benchmarks.md.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../apps/portal/dist/core/database/data-source-options.js';
import { GraduateEntity } from '../../apps/portal/dist/alumni/graduate.entity.js';
import { hkidCheckDigit } from '../../apps/portal/dist/alumni/hkid.js';
import { PersonalIdHasher } from '../../apps/portal/dist/alumni/personal-id-hasher.js';
import { RegistryRepository } from '../../apps/portal/dist/alumni/registry.repository.js';
import { RegistryService } from '../../apps/portal/dist/alumni/registry.service.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.error('Set TEST_DATABASE_URL to a PostgreSQL server where this benchmark may create a database.');
  process.exit(2);
}

const SURNAMES = ['Chan', 'Wong', 'Lee', 'Cheung', 'Lau', 'Ng', '陳', '黃', 'Ho', 'Leung'];
const GIVEN = ['Tai Man', 'Siu Ming', 'Ka Yan', 'Wing', '大文', 'Mei', 'Chi Keung', 'Hoi Yan'];
const INSTITUTIONS = ['PolyU', 'HKCC', 'SPEED'];

async function writeCsv(file) {
  const out = createWriteStream(file);
  const write = async (line) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write(
    'student_number,surname,given_name,date_of_birth,personal_id,email,student_netid,programme,award,institution,graduation_year\n',
  );
  let row = 0;
  // About 7 in 10 students have one award, the rest two (rows of one student are adjacent).
  for (let student = 0; row < ROWS; student++) {
    const awards = student % 10 < 7 ? 1 : 2;
    const number = `${String(10_000_000 + student)}D`;
    const year = 1975 + (student % 45);
    const dob = `${year - 22}-${String(1 + (student % 12)).padStart(2, '0')}-${String(1 + (student % 28)).padStart(2, '0')}`;
    const letter = String.fromCharCode(65 + (student % 26));
    const digits = String(student % 1_000_000).padStart(6, '0');
    const hkid = student % 5 < 3 ? `${letter}${digits}(${hkidCheckDigit(letter, digits)})` : '';
    const email = student % 2 ? `alumnus${student}@example.com` : '';
    const netId = year >= 2011 ? number.toLowerCase() : '';
    for (let a = 0; a < awards && row < ROWS; a++, row++) {
      await write(
        `${number},${SURNAMES[student % SURNAMES.length]},${GIVEN[student % GIVEN.length]},${dob},${hkid},${email},${netId},` +
          `"Programme ${student % 300}, level ${a}",Award ${a},${INSTITUTIONS[student % 3]},${year + a * 2}\n`,
      );
    }
  }
  out.end();
  await once(out, 'finish');
}

async function admin(sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const dir = await mkdtemp(path.join(tmpdir(), 'registry-bench-'));
const file = path.join(dir, 'registry.csv');
const database = `cpbench_registry_${randomBytes(4).toString('hex')}`;
const url = new URL(adminUrl);
url.pathname = `/${database}`;
let dataSource;
try {
  await writeCsv(file);
  await admin(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  dataSource = new DataSource(dataSourceOptions(url.toString()));
  await dataSource.initialize();
  await dataSource.runMigrations();
  const service = new RegistryService(
    new RegistryRepository(dataSource.getRepository(GraduateEntity)),
    new PersonalIdHasher({ appSecret: randomBytes(32).toString('base64url') }),
  );

  console.log(`node ${process.version}, ${process.arch}; ${ROWS.toLocaleString('en-US')} rows, ${mb((await stat(file)).size)} CSV`);
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  for (const pass of ['first import (all new)', 're-import (all unchanged)']) {
    const start = performance.now();
    const report = await service.importCsv(createReadStream(file));
    const seconds = (performance.now() - start) / 1000;
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(
      `${pass.padEnd(26)} ${(report.rowsRead / seconds).toFixed(0).padStart(7)} rows/s  ${seconds.toFixed(1).padStart(5)} s  ` +
        `graduates +${report.imported.graduates.inserted}/~${report.imported.graduates.updated}  ` +
        `awards +${report.imported.awards.inserted}/~${report.imported.awards.updated}  rejected ${report.rejectedCount}`,
    );
  }
  clearInterval(sampler);
  console.log(
    `RSS before import ${mb(baseline)}, peak during imports ${mb(peak)} (sampled every 20 ms); ` +
      `process max RSS ${mb(process.resourceUsage().maxRSS * 1024)}`,
  );
} finally {
  await dataSource?.destroy();
  await admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
