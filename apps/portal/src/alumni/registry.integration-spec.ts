import { createHmac, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { loadAppConfig } from '../config/app-config.js';
import { AppConfigModule } from '../config/app-config.module.js';
import { deriveKey } from '../core/crypto/secrets.js';
import { dataSourceOptions } from '../core/database/data-source-options.js';
import { AlumniModule } from './alumni.module.js';
import { RegistryImportException } from './registry.exception.js';
import { RegistryImportWriter } from './registry.repository.js';
import { RegistryService, type RegistryImportOptions } from './registry.service.js';

const HEADER =
  'student_number,surname,given_name,date_of_birth,personal_id,email,student_netid,programme,award,institution,graduation_year';
const TODAY = '2026-11-26';

/** The file the first test imports; line numbers in the expectations count from its header (line 1). */
const FIRST_FILE = [
  HEADER,
  /* 2 */ 's1001,Chan,Tai Man,1990-01-31,A123456(3),taiman@example.com,S1001,BSc (Hons) in Computing,Bachelor of Science,PolyU,2012',
  /* 3 */ 'S1001,Chan,Tai Man,1990-01-31,a 123456 (3),taiman@example.com,s1001,MSc in Information Technology,Master of Science,PolyU,2015',
  /* 4 */ 'S1002,陳,大文,1985-06-15,AB987654(3),,,Higher Diploma in Engineering,Higher Diploma,HKCC,2005',
  /* 5 */ `S1003,"O'Brien'); DROP TABLE graduate;--",<b>Ka Yan</b>,1970-03-03,,kayan@example.com,,"Certificate, ""Evening""",Certificate,SPEED,1995`,
  /* 6 */ 'S1004,Future,Person,2031-02-01,,,,BSc,Bachelor,PolyU,2020',
  /* 7 */ 'S1005,Wrong,Check,1980-01-01,A123456(4),,,BSc,Bachelor,PolyU,2002',
  /* 8 */ 'S1006,Bad,Institution,1980-01-01,,,,BSc,Bachelor,HKU,2002',
  /* 9 */ 'S1007,Not,Real,2031-02-30,,,,BSc,Bachelor,PolyU,2002',
  /* 10 */ 'S1001,Chan,Tai Ming,1990-01-31,A123456(3),taiman@example.com,s1001,BEng,Bachelor of Engineering,PolyU,2013',
  /* 11 */ 'S1008,Short,Row',
  /* 12 */ 'S1009,Lee,Siu Ming,1979-12-01,C668668(9),siuming@example.com,s1001,BA,Bachelor of Arts,PolyU,2001',
].join('\n');

describe('RegistryService (PostgreSQL)', () => {
  let database: TestDatabase;
  let app: INestApplicationContext;
  let registry: RegistryService;
  let dataSource: DataSource;
  const appSecret = randomBytes(32).toString('base64url');

  const importText = (text: string, options: RegistryImportOptions = {}) =>
    registry.importCsv(Readable.from([text]), { today: TODAY, ...options });
  // One chunk per line, so early rows reach the database before a later line fails.
  const importLines = (text: string, options: RegistryImportOptions = {}) =>
    registry.importCsv(Readable.from(text.split(/(?<=\n)/)), { today: TODAY, ...options });
  const count = async (table: 'graduate' | 'graduate_award') =>
    Number((await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    database = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppConfigModule.forRoot(loadAppConfig({ APP_SECRET: appSecret, LOG_LEVEL: 'silent' })),
        TypeOrmModule.forRoot(dataSourceOptions(database.url)),
        AlumniModule,
      ],
    }).compile();
    app = await moduleRef.init();
    registry = app.get(RegistryService);
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('imports the good rows and reports every bad one with its line and reason', async () => {
    const report = await importText(FIRST_FILE);
    expect(report.rejected).toEqual([
      { line: 6, reason: 'date_of_birth 2031-02-01 is in the future' },
      { line: 7, reason: 'personal_id has a wrong check digit' },
      { line: 8, reason: 'institution "HKU" is not one of PolyU, HKCC, SPEED' },
      { line: 9, reason: 'date_of_birth 2031-02-30 is not a real date' },
      { line: 10, reason: 'student_number S1001: personal details differ from line 2 (rows of one student must agree)' },
      { line: 11, reason: expect.stringMatching(/^has 3 fields, expected 11/) },
      { line: 12, reason: 'student_netid s1001 is already given to student_number S1001 in this file' },
    ]);
    expect(report).toMatchObject({
      rowsRead: 11,
      rejectedCount: 7,
      imported: { rows: 4, graduates: { inserted: 3, updated: 0 }, awards: { inserted: 4, updated: 0 } },
    });
    expect(await count('graduate')).toBe(3);
    expect(await count('graduate_award')).toBe(4);

    // SQL and HTML were only text: stored as typed, the table still there.
    const [odd] = await dataSource.query(`SELECT surname, given_name FROM graduate WHERE student_number = 'S1003'`);
    expect(odd).toEqual({ surname: "O'Brien'); DROP TABLE graduate;--", given_name: '<b>Ka Yan</b>' });
    const [award] = await dataSource.query(
      `SELECT a.programme FROM graduate_award a JOIN graduate g ON g.id = a.graduate_id WHERE g.student_number = 'S1003'`,
    );
    expect(award.programme).toBe('Certificate, "Evening"');
  });

  it('stores the personal ID only as its keyed hash, never in clear', async () => {
    const rows: { row: string; hash: Buffer | null; student_number: string }[] = await dataSource.query(
      `SELECT g::text AS row, g.personal_id_hash AS hash, g.student_number FROM graduate g ORDER BY g.student_number`,
    );
    const everything = rows.map((row) => row.row).join('\n');
    for (const clear of ['A123456', 'A1234563', '123456', 'AB987654', '987654']) expect(everything).not.toContain(clear);
    const expected = createHmac('sha256', deriveKey(appSecret, 'personal-id-hmac')).update('A1234563').digest();
    expect(rows.find((row) => row.student_number === 'S1001')?.hash?.equals(expected)).toBe(true);
    expect(rows.find((row) => row.student_number === 'S1003')?.hash).toBeNull();
  });

  it('re-imports idempotently: nothing duplicated, nothing counted as updated', async () => {
    const before = [await count('graduate'), await count('graduate_award')];
    const [{ updated_at: stamp }] = await dataSource.query(`SELECT updated_at FROM graduate WHERE student_number = 'S1001'`);
    const report = await importText(FIRST_FILE);
    expect(report.imported).toEqual({ rows: 4, graduates: { inserted: 0, updated: 0 }, awards: { inserted: 0, updated: 0 } });
    expect(report.rejectedCount).toBe(7);
    expect([await count('graduate'), await count('graduate_award')]).toEqual(before);
    const [{ updated_at: after }] = await dataSource.query(`SELECT updated_at FROM graduate WHERE student_number = 'S1001'`);
    expect(after).toEqual(stamp);
  });

  it('updates changed values on re-import and adds new awards', async () => {
    const report = await importText(
      [
        HEADER,
        'S1001,Chan,Tai Man,1990-01-31,A123456(3),new.taiman@example.com,s1001,BSc (Hons) in Computing,Bachelor of Science,PolyU,2012',
        'S1002,陳,大文,1985-06-15,AB987654(3),,,Higher Diploma in Engineering,Higher Diploma,SPEED,2005',
        'S1002,陳,大文,1985-06-15,AB987654(3),,,BEng in Civil Engineering,Bachelor of Engineering,PolyU,2008',
      ].join('\n'),
    );
    expect(report).toMatchObject({
      rowsRead: 3,
      rejectedCount: 0,
      imported: { rows: 3, graduates: { inserted: 0, updated: 1 }, awards: { inserted: 1, updated: 1 } },
    });
    expect(await count('graduate')).toBe(3);
    expect(await count('graduate_award')).toBe(5);
    const chan = await registry.findByStudentNetId('S1001');
    expect(chan?.email).toBe('new.taiman@example.com');
    expect(chan?.awards).toHaveLength(2);
  });

  it('keeps stored values of an optional column the file leaves out', async () => {
    const report = await importText(
      'student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year\n' +
        'S1001,Chan,Tai Man,1990-01-31,BSc (Hons) in Computing,Bachelor of Science,PolyU,2012\n',
    );
    expect(report.imported.graduates).toEqual({ inserted: 0, updated: 0 });
    const chan = await registry.findByStudentNetId('s1001');
    expect(chan).toMatchObject({ email: 'new.taiman@example.com', hasPersonalId: true });
  });

  it('refuses a NetID the registry already gives to another student', async () => {
    const report = await importText(`${HEADER}\nS2001,Ho,Wing,1992-02-02,,,S1001,BSc,Bachelor,PolyU,2014\n`);
    expect(report.rejected).toEqual([{ line: 2, reason: 'student_netid s1001 already belongs to student_number S1001 in the registry' }]);
    expect(await count('graduate')).toBe(3);
  });

  it('writes nothing from a malformed file, not even the batches written before the broken line', async () => {
    const before = [await count('graduate'), await count('graduate_award')];
    const good = Array.from({ length: 6 }, (_, i) => `S30${i},Good,Row,1990-01-01,,,,BSc,Bachelor,PolyU,2012`);
    const upsert = jest.spyOn(RegistryImportWriter.prototype, 'upsert');
    async function* file() {
      yield `${HEADER}\n${good.join('\n')}\n`;
      // The broken line arrives only once a batch is in the database (inside the import's transaction).
      while (upsert.mock.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await upsert.mock.results[0].value;
      yield `S3999,"Unclosed,Row,1990-01-01,,,,BSc,Bachelor,PolyU,2012\n${good.join('\n')}\n`;
    }
    try {
      const error: unknown = await registry
        .importCsv(Readable.from(file()), { today: TODAY, batchSize: 2 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RegistryImportException);
      expect(error).toMatchObject({ code: 'malformed-csv', details: { line: 8 } });
      expect((error as Error).message).toMatch(/^line 8: /);
    } finally {
      upsert.mockRestore();
    }
    expect([await count('graduate'), await count('graduate_award')]).toEqual(before);
  });

  it('runs one import at a time', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    async function* slowFile() {
      yield `${HEADER}\nS8001,Slow,Import,1990-01-01,,,,BSc,Bachelor,PolyU,2012\n`;
      await released;
      yield 'S8002,Slow,Import,1990-01-01,,,,BSc,Bachelor,PolyU,2012\n';
    }
    const first = registry.importCsv(Readable.from(slowFile()), { today: TODAY });
    // Give the first import time to open its transaction and take the lock.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(importText(`${HEADER}\nS8003,Second,Import,1990-01-01,,,,BSc,Bachelor,PolyU,2012\n`)).rejects.toMatchObject({
      code: 'import-in-progress',
    });
    release();
    expect((await first).imported.graduates.inserted).toBe(2);
    await dataSource.query(`DELETE FROM graduate WHERE student_number IN ('S8001', 'S8002')`);
  });

  it('refuses a file over the size cap and writes nothing', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `S40${i},Big,File,1990-01-01,,,,BSc,Bachelor,PolyU,2012`);
    await expect(importLines([HEADER, ...rows].join('\n'), { maxBytes: 1000, batchSize: 5 })).rejects.toMatchObject({
      code: 'file-too-large',
    });
    expect(await count('graduate')).toBe(3);
  });

  it('merges the rows of one student across batches', async () => {
    const rows = Array.from({ length: 1234 }, (_, i) => {
      const student = `S5${String(i % 400).padStart(3, '0')}`;
      return `${student},Batch,Person ${i % 400},1980-01-01,,,,Programme ${Math.floor(i / 400)},Award,PolyU,2001`;
    });
    const report = await importText([HEADER, ...rows].join('\n'), { batchSize: 100 });
    expect(report).toMatchObject({ rowsRead: 1234, rejectedCount: 0, imported: { rows: 1234, awards: { inserted: 1234 } } });
    expect(report.imported.graduates.inserted).toBe(400);
    expect(await count('graduate')).toBe(403);
    expect(await count('graduate_award')).toBe(5 + 1234);
  });

  it('lists at most the first rejections asked for, and counts them all', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `S60${i},Bad,Year,1980-01-01,,,,BSc,Bachelor,PolyU,1900`);
    const report = await importText([HEADER, ...rows].join('\n'), { maxListedRejections: 5 });
    expect(report.rejected.map((row) => row.line)).toEqual([2, 3, 4, 5, 6]);
    expect(report.rejectedCount).toBe(30);
  });

  describe('findGraduateByIdentity', () => {
    it('finds a graduate by name and date of birth, whatever the case, spacing or width of the name', async () => {
      const graduate = await registry.findGraduateByIdentity({ surname: '  CHAN ', givenName: 'tai   man', dateOfBirth: '1990-01-31' });
      expect(graduate).toEqual({
        id: expect.any(String),
        studentNumber: 'S1001',
        surname: 'Chan',
        givenName: 'Tai Man',
        dateOfBirth: '1990-01-31',
        email: 'new.taiman@example.com',
        studentNetId: 's1001',
        hasPersonalId: true,
        awards: [
          {
            programme: 'BSc (Hons) in Computing',
            award: 'Bachelor of Science',
            institution: 'PolyU',
            graduationYear: 2012,
            polyuAward: true,
          },
          {
            programme: 'MSc in Information Technology',
            award: 'Master of Science',
            institution: 'PolyU',
            graduationYear: 2015,
            polyuAward: true,
          },
        ],
      });
      expect(
        await registry.findGraduateByIdentity({ surname: 'ＣＨＡＮ', givenName: 'Tai\u3000Man', dateOfBirth: '1990-01-31' }),
      ).not.toBeNull();
    });

    it('finds a Chinese name', async () => {
      const graduate = await registry.findGraduateByIdentity({ surname: '陳', givenName: ' 大文 ', dateOfBirth: '1985-06-15' });
      expect(graduate?.studentNumber).toBe('S1002');
    });

    it('compares the personal ID by its hash, in any spelling', async () => {
      const query = { surname: 'Chan', givenName: 'Tai Man', dateOfBirth: '1990-01-31' };
      expect((await registry.findGraduateByIdentity({ ...query, personalId: 'a123456(3)' }))?.studentNumber).toBe('S1001');
      expect((await registry.findGraduateByIdentity({ ...query, personalId: 'A1234563' }))?.studentNumber).toBe('S1001');
      expect(await registry.findGraduateByIdentity({ ...query, personalId: 'G123456(A)' })).toBeNull();
      expect(await registry.findGraduateByIdentity({ ...query, personalId: 'A123456(4)' })).toBeNull();
      expect(await registry.findGraduateByIdentity({ ...query, personalId: '' })).toBeNull();
    });

    it('does not match when a personal ID is given and none is on record', async () => {
      const query = { surname: "O'Brien'); DROP TABLE graduate;--", givenName: '<b>Ka Yan</b>', dateOfBirth: '1970-03-03' };
      expect((await registry.findGraduateByIdentity(query))?.studentNumber).toBe('S1003');
      expect(await registry.findGraduateByIdentity({ ...query, personalId: 'A123456(3)' })).toBeNull();
    });

    it('does not match another date of birth, name or a date that is not a date', async () => {
      expect(await registry.findGraduateByIdentity({ surname: 'Chan', givenName: 'Tai Man', dateOfBirth: '1990-01-30' })).toBeNull();
      expect(await registry.findGraduateByIdentity({ surname: 'Chan', givenName: 'Tai', dateOfBirth: '1990-01-31' })).toBeNull();
      expect(await registry.findGraduateByIdentity({ surname: 'Chan', givenName: 'Tai Man', dateOfBirth: '1990-02-31' })).toBeNull();
      expect(await registry.findGraduateByIdentity({ surname: ' ', givenName: 'Tai Man', dateOfBirth: '1990-01-31' })).toBeNull();
    });

    it('returns null when two graduates match (the AAO resolves those), unless the personal ID tells them apart', async () => {
      await importText(
        [
          HEADER,
          'S7001,Wong,Mei,1988-08-08,K000000(0),,,BSc,Bachelor,PolyU,2010',
          'S7002,WONG,mei,1988-08-08,XA000000(8),,,BA,Bachelor,HKCC,2011',
        ].join('\n'),
      );
      expect(await registry.findGraduateByIdentity({ surname: 'Wong', givenName: 'Mei', dateOfBirth: '1988-08-08' })).toBeNull();
      const graduate = await registry.findGraduateByIdentity({
        surname: 'Wong',
        givenName: 'Mei',
        dateOfBirth: '1988-08-08',
        personalId: 'XA000000(8)',
      });
      expect(graduate?.studentNumber).toBe('S7002');
    });
  });

  describe('findByStudentNetId', () => {
    it('finds by NetID case-insensitively, and nothing for an unknown or odd one', async () => {
      expect((await registry.findByStudentNetId(' S1001 '))?.studentNumber).toBe('S1001');
      expect(await registry.findByStudentNetId('s9999')).toBeNull();
      expect(await registry.findByStudentNetId("' OR 1=1 --")).toBeNull();
    });
  });
});
