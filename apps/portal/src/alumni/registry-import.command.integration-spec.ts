import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { REGISTRY_IMPORT_EXIT, runRegistryImport } from './registry-import.command.js';

const HEADER =
  'student_number,surname,given_name,date_of_birth,personal_id,email,student_netid,programme,award,institution,graduation_year';

describe('registry:import command (PostgreSQL)', () => {
  let database: TestDatabase;
  let dir: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'campuspass-registry-'));
    Object.assign(process.env, {
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      DATABASE_MIGRATE: 'manual',
      APP_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'silent',
    });
  });

  afterAll(async () => {
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
    await database?.drop();
  });

  async function run(name: string, content?: string, options = {}) {
    const file = path.join(dir, name);
    if (content !== undefined) await writeFile(file, content);
    let out = '';
    let err = '';
    const code = await runRegistryImport(file, options, { out: (text) => (out += text), err: (text) => (err += text) });
    return { code, out, err };
  }

  it('exits 0 when every row is imported and prints the report', async () => {
    const result = await run('good.csv', `${HEADER}\nS1,Chan,Tai Man,1990-01-31,A123456(3),t@example.com,s1,BSc,Bachelor,PolyU,2012\n`);
    expect(result).toEqual({
      code: REGISTRY_IMPORT_EXIT.allImported,
      out: expect.stringContaining('1 row(s) read, 1 imported, 0 rejected.'),
      err: '',
    });
    expect(result.out).toContain('graduates: 1 new, 0 updated; awards: 1 new, 0 updated.');
  });

  it('exits 1 when rows were rejected, listing them by line', async () => {
    const result = await run(
      'bad.csv',
      `${HEADER}\nS1,Chan,Tai Man,1990-01-31,A123456(3),t@example.com,s1,BSc,Bachelor,PolyU,2012\nS2,Lee,Ka Yan,2031-02-30,,,,BSc,Bachelor,PolyU,2012\n`,
    );
    expect(result.code).toBe(REGISTRY_IMPORT_EXIT.rowsRejected);
    expect(result.out).toContain('line 3: date_of_birth 2031-02-30 is not a real date');
  });

  it('prints the report as JSON on request', async () => {
    const result = await run('json.csv', `${HEADER}\nS3,Ho,Wing,1992-02-02,,,,BA,Bachelor,HKCC,2014\n`, { json: true });
    expect(JSON.parse(result.out)).toMatchObject({ rowsRead: 1, rejectedCount: 0, imported: { graduates: { inserted: 1 } } });
  });

  it('exits 2 for a malformed file, a missing file and a bad header, writing nothing', async () => {
    const broken = await run('broken.csv', `${HEADER}\nS9,"Ho,Wing,1992-02-02,,,,BA,Bachelor,HKCC,2014\n`);
    expect(broken.code).toBe(REGISTRY_IMPORT_EXIT.fileRefused);
    expect(broken.err).toMatch(/nothing was written.*line 2: a quoted field/);
    const missing = await run('missing.csv');
    expect(missing).toMatchObject({ code: REGISTRY_IMPORT_EXIT.fileRefused, err: expect.stringContaining('no such file') });
    const header = await run('header.csv', 'surname,given_name,dob\nChan,Tai Man,1990-01-01\n');
    expect(header).toMatchObject({
      code: REGISTRY_IMPORT_EXIT.fileRefused,
      err: expect.stringContaining('missing column(s) student_number'),
    });

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT student_number FROM graduate ORDER BY student_number`);
      expect(rows.map((row) => row.student_number)).toEqual(['S1', 'S3']);
    } finally {
      await client.end();
    }
  });
});
