import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { DataSource } from 'typeorm';
import { staffSignIn as signInAsStaff } from '../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { extractCode, startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AuditService } from '../admin/audit.service.js';
import { StaffService } from '../admin/staff.service.js';
import { RegistryService } from './registry.service.js';
import { Readable } from 'node:stream';

const PASSWORD = 'correct horse battery staple';
const HEADER = 'student_number,surname,given_name,date_of_birth,personal_id,email,programme,award,institution,graduation_year';
const UPLOAD = [
  HEADER,
  '40000001A,Chan,Tai Man,1990-05-17,A123456(3),chan@example.com,BSc Computing,BSc,PolyU,2012',
  '40000002B,Lee,Ka Yan,2031-02-30,,,BA Design,BA,PolyU,2010',
  '40000003C,Ho,Wing,1979-12-31,,,MSc Engineering,MSc,HKCC,2003',
  '40000004D,Short',
].join('\n');
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

interface Session {
  agent: TestAgent;
  csrf: string;
}

describe('Registry upload by AAO admins (PostgreSQL, real HTTP app)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  const sessions: Record<string, Session> = {};
  const server = () => portal.app.getHttpServer();
  const graduates = async () => Number((await portal.app.get(DataSource).query(`SELECT count(*)::int AS n FROM graduate`))[0].n as number);

  const staffSignIn = (email: string): Promise<Session> => signInAsStaff(server(), smtp, email, PASSWORD);

  async function alumnusSignIn(): Promise<Session> {
    const agent = request.agent(server());
    const identified = await agent
      .post('/api/auth/register/identify')
      .send({ surname: 'Kwok', givenName: 'Mei', dateOfBirth: '1992-02-02' })
      .expect(200);
    const after = smtp.messages.length;
    await agent.post('/api/auth/register/email').send({ ticket: identified.body.ticket }).expect(202);
    const code = extractCode(await smtp.waitForMessage('kwok@example.com', 10_000, { after }));
    const verified = await agent.post('/api/auth/register/verify').send({ ticket: identified.body.ticket, code }).expect(200);
    return { agent, csrf: verified.body.csrfToken as string };
  }

  const upload = (session: Session, content: Buffer | string, name = 'graduates.csv') =>
    session.agent
      .post('/api/admin/registry/imports')
      .set('X-CSRF-Token', session.csrf)
      .attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content), name);

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url }, { workers: true });
    const staff = portal.app.get(StaffService);
    await staff.create({ email: 'admin@example.edu', name: 'Ada Admin', role: 'aao-admin', password: PASSWORD });
    await staff.create({ email: 'guard@example.edu', name: 'Gus Guard', role: 'security-staff', password: PASSWORD });
    await staff.create({ email: 'auditor@example.edu', name: 'Al Auditor', role: 'auditor', password: PASSWORD });
    await portal.app
      .get(RegistryService)
      .importCsv(
        Readable.from([
          'student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year,email\n39999999Z,Kwok,Mei,1992-02-02,BA,BA,PolyU,2014,kwok@example.com\n',
        ]),
      );
    for (const email of ['admin@example.edu', 'guard@example.edu', 'auditor@example.edu']) sessions[email] = await staffSignIn(email);
    sessions.alumnus = await alumnusSignIn();
  });

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  it('imports good rows, reports bad ones by line, and audits the counts without personal data', async () => {
    const admin = sessions['admin@example.edu'];
    const response = await upload(admin, UPLOAD).expect(200);
    expect(response.body).toEqual({
      rowsRead: 4,
      imported: { rows: 2, graduates: { inserted: 2, updated: 0 }, awards: { inserted: 2, updated: 0 } },
      rejected: [
        { line: 3, reason: expect.stringContaining('date_of_birth 2031-02-30 is not a real date') },
        { line: 5, reason: expect.stringMatching(/^has 2 fields, expected 10/) },
      ],
      rejectedCount: 2,
    });
    expect(await graduates()).toBe(3);

    const again = await upload(admin, UPLOAD).expect(200);
    expect(again.body.imported).toEqual({ rows: 2, graduates: { inserted: 0, updated: 0 }, awards: { inserted: 0, updated: 0 } });

    const audit = await portal.app.get(AuditService).list({ action: 'registry.import' });
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({
      actorType: 'staff',
      outcome: 'success',
      details: { rowsRead: 4, rowsImported: 2, graduatesInserted: expect.any(Number), rejectedCount: 2, bytes: Buffer.byteLength(UPLOAD) },
    });
    const written = JSON.stringify(audit);
    for (const personal of ['A123456', 'Chan', 'Tai Man', '40000001A', 'chan@example.com', '1990-05-17'])
      expect(written).not.toContain(personal);
  });

  it('refuses other roles (403), a request without the CSRF token (403) and anonymous callers (401)', async () => {
    const before = await graduates();
    for (const name of ['guard@example.edu', 'auditor@example.edu', 'alumnus']) {
      const refused = await upload(sessions[name], UPLOAD).expect(403);
      expect(refused.body).toMatchObject({ code: 'role-refused' });
    }
    const noToken = await sessions['admin@example.edu'].agent
      .post('/api/admin/registry/imports')
      .attach('file', Buffer.from(UPLOAD), 'graduates.csv')
      .expect(403);
    expect(noToken.body).toMatchObject({ code: 'csrf-token-invalid' });
    const anonymous = await request(server())
      .post('/api/admin/registry/imports')
      .attach('file', Buffer.from(UPLOAD), 'graduates.csv')
      .expect(401);
    expect(anonymous.body).toMatchObject({ code: 'sign-in-required' });
    expect(await graduates()).toBe(before);
  });

  it('refuses a file over 50 MB with 413 and imports nothing', async () => {
    const before = await graduates();
    const row = '40000009A,Big,File,1990-01-01,,,BSc,BSc,PolyU,2012\n';
    const oversize = Buffer.alloc(50 * 1024 * 1024 + 1, ' ');
    Buffer.from(`${HEADER}\n${row}`).copy(oversize);
    const response = await upload(sessions['admin@example.edu'], oversize).expect(413);
    expect(response.body).toMatchObject({
      code: 'file-too-large',
      message: 'The file is larger than 50 MB; split it and upload the parts. Nothing was imported.',
    });
    expect(await graduates()).toBe(before);
  });

  it('refuses what is not CSV by its content (a PNG, even named .csv; UTF-16; a bad header) with 400 and imports nothing', async () => {
    const admin = sessions['admin@example.edu'];
    const before = await graduates();
    const png = await upload(admin, PNG, 'graduates.csv').expect(400);
    expect(png.body).toMatchObject({ code: 'not-csv', message: expect.stringContaining('The file is a PNG image, not a CSV file.') });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(UPLOAD, 'utf16le')]);
    expect((await upload(admin, utf16).expect(400)).body).toMatchObject({ code: 'not-csv', message: expect.stringContaining('UTF-16') });
    const big5 = Buffer.concat([
      Buffer.from(`${HEADER}\n40000010A,`),
      Buffer.from([0xb3, 0xaf]),
      Buffer.from(',X,1990-01-01,,,B,B,PolyU,2012\n'),
    ]);
    expect((await upload(admin, big5).expect(400)).body).toMatchObject({ code: 'not-csv', message: expect.stringContaining('not UTF-8') });
    const header = await upload(admin, 'surname,given_name,dob\nChan,Tai Man,1990-01-01\n').expect(400);
    expect(header.body).toMatchObject({ code: 'bad-header', message: expect.stringContaining('missing column(s) student_number') });
    const missing = await admin.agent
      .post('/api/admin/registry/imports')
      .set('X-CSRF-Token', admin.csrf)
      .field('note', 'no file')
      .expect(400);
    expect(missing.body).toMatchObject({ code: 'file-missing' });
    expect(await graduates()).toBe(before);

    const failures = (await portal.app.get(AuditService).list({ action: 'registry.import' })).filter(
      (event) => event.outcome === 'failure',
    );
    expect(failures.map((event) => event.details.reason).sort()).toEqual(['bad-header', 'not-csv', 'not-csv', 'not-csv']);
  });
});
