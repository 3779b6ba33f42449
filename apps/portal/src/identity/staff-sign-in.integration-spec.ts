import { jest } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PassThrough, Readable } from 'node:stream';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { extractCode, startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AuditService } from '../admin/audit.service.js';
import { runStaffCreate } from '../admin/staff-create.command.js';
import { StaffService } from '../admin/staff.service.js';
import { AppModule } from '../app.module.js';
import { Clock } from './clock.js';

const PASSWORD = 'correct horse battery staple';

@Controller('identity-test')
class UndeclaredTestController {
  @Get()
  open() {
    return { reached: true };
  }
}

describe('Staff accounts and staff sign-in (PostgreSQL, SMTP)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let offsetMs = 0;
  const server = () => portal.app.getHttpServer();

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url }, { workers: true });
    jest.spyOn(portal.app.get(Clock), 'now').mockImplementation(() => new Date(Date.now() + offsetMs));
    await portal.app.get(StaffService).create({ email: 'Admin@Example.edu', name: 'Ada Admin', role: 'aao-admin', password: PASSWORD });
    await portal.app
      .get(StaffService)
      .create({ email: 'guard@example.edu', name: 'Gus Guard', role: 'security-staff', password: PASSWORD });
  });

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  beforeEach(() => (offsetMs += 24 * 60 * 60_000 + 60 * 60_000 - ((Date.now() + offsetMs) % (60 * 60_000)) + 1000));

  async function staffSignIn(email: string) {
    const agent = request.agent(server());
    const after = smtp.messages.length;
    const start = await agent.post('/api/auth/staff/start').send({ email, password: PASSWORD }).expect(202);
    const code = extractCode(await smtp.waitForMessage(email, 10_000, { after }));
    const verified = await agent.post('/api/auth/staff/verify').send({ requestId: start.body.requestId, code }).expect(200);
    const cookies = ([] as string[]).concat(verified.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]);
    return { agent, csrf: verified.body.csrfToken as string, body: verified.body, cookies: cookies.join('; ') };
  }

  it('signs in with password and emailed code, and audits both steps', async () => {
    const { agent, body } = await staffSignIn('admin@example.edu');
    expect(body).toMatchObject({ authenticated: true, subject: { type: 'staff', roles: ['aao-admin'] } });
    const me = await agent.get('/api/staff/me').expect(200);
    expect(me.body).toEqual({ id: body.subject.id, email: 'admin@example.edu', name: 'Ada Admin', role: 'aao-admin', active: true });
    const actions = (await portal.app.get(AuditService).list({ actorId: body.subject.id })).map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(expect.arrayContaining(['staff.sign-in.password:success', 'staff.sign-in:success']));
  });

  it('refuses a wrong password or an unknown email with one message, and audits the failure', async () => {
    for (const body of [
      { email: 'admin@example.edu', password: 'not the password' },
      { email: 'nobody@example.edu', password: PASSWORD },
    ]) {
      const response = await request(server()).post('/api/auth/staff/start').send(body).expect(401);
      expect(response.body).toMatchObject({ code: 'staff-credentials-wrong', message: 'The email or password is not right.' });
    }
    const failures = await portal.app.get(AuditService).list({ action: 'staff.sign-in.password' });
    expect(failures.filter((event) => event.outcome === 'failure').map((event) => event.details.reason)).toEqual(
      expect.arrayContaining(['wrong-password', 'unknown-email']),
    );
  });

  it('rate-limits password attempts per email', async () => {
    for (let i = 0; i < 5; i++) {
      await request(server()).post('/api/auth/staff/start').send({ email: 'guard@example.edu', password: 'wrong password' }).expect(401);
    }
    const refused = await request(server())
      .post('/api/auth/staff/start')
      .send({ email: 'guard@example.edu', password: PASSWORD })
      .expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('lets an AAO admin create staff (audited) and refuses other roles', async () => {
    const admin = await staffSignIn('admin@example.edu');
    await admin.agent.post('/api/staff').send({ email: 'aud@example.edu', name: 'Al Auditor', role: 'auditor' }).expect(403);
    const created = await admin.agent
      .post('/api/staff')
      .set('X-CSRF-Token', admin.csrf)
      .send({ email: 'aud@example.edu', name: 'Al Auditor', role: 'auditor' })
      .expect(201);
    expect(created.body).toMatchObject({ email: 'aud@example.edu', role: 'auditor', password: expect.stringMatching(/^.{24}$/) });
    const audit = await portal.app.get(AuditService).list({ action: 'staff.create', actorId: admin.body.subject.id });
    expect(audit[0]).toMatchObject({ actorType: 'staff', targetId: created.body.id, outcome: 'success' });

    const guard = await staffSignIn('guard@example.edu');
    const refused = await guard.agent
      .post('/api/staff')
      .set('X-CSRF-Token', guard.csrf)
      .send({ email: 'x@example.edu', name: 'X', role: 'auditor' })
      .expect(403);
    expect(refused.body).toMatchObject({ code: 'role-refused' });
  });

  it('staff:create reads the password from stdin, or generates one and prints it once', async () => {
    const dataSource = portal.app.get(DataSource);
    let output = '';
    const piped = Object.assign(Readable.from(['a long enough password\n']), { isTTY: false });
    await runStaffCreate(
      dataSource,
      { email: 'Piped@Example.edu', name: 'Pip', role: 'security-staff' },
      { stdin: piped, write: (t) => (output += t) },
    );
    expect(output).toMatch(/^Created staff account piped@example\.edu \(security-staff, id [0-9a-f-]{36}\)\.\n$/);

    output = '';
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    await runStaffCreate(
      dataSource,
      { email: 'gen@example.edu', name: 'Gen', role: 'auditor' },
      { stdin: terminal, write: (t) => (output += t) },
    );
    const password = /Password \(shown only this once; give it to Gen over a safe channel\): (\S+)\n/.exec(output)![1];
    const after = smtp.messages.length;
    await request(server()).post('/api/auth/staff/start').send({ email: 'gen@example.edu', password }).expect(202);
    await smtp.waitForMessage('gen@example.edu', 10_000, { after });

    await expect(
      runStaffCreate(dataSource, { email: 'gen@example.edu', name: 'Gen', role: 'auditor' }, { stdin: terminal, write: () => undefined }),
    ).rejects.toThrow('A staff account with the email gen@example.edu exists already.');
    await expect(
      runStaffCreate(dataSource, { email: 'x@example.edu', name: 'X', role: 'root' }, { stdin: terminal, write: () => undefined }),
    ).rejects.toThrow(/The role must be one of aao-admin, security-staff, auditor/);
    const short = Object.assign(Readable.from(['short\n']), { isTTY: false });
    await expect(
      runStaffCreate(dataSource, { email: 'y@example.edu', name: 'Y', role: 'auditor' }, { stdin: short, write: () => undefined }),
    ).rejects.toThrow('at least 8 characters');
    const stored = (await dataSource.query(`SELECT password_hash FROM staff_account WHERE email = 'piped@example.edu'`)) as {
      password_hash: string;
    }[];
    expect(stored[0].password_hash).toMatch(/^\$argon2id\$/);
  });

  it('offers password sign-in only when no identity provider is configured', async () => {
    const methods = await request(server()).get('/api/auth/staff/methods').expect(200);
    expect(methods.body).toEqual({ password: true, oidc: false, oidcStartUrl: null });
    const start = await request(server()).get('/api/auth/staff/oidc/start').expect(302);
    expect(start.headers.location).toBe('/staff/sign-in?error=staff-sign-in-method-off');
  });

  describe('a route that declares no access', () => {
    let app: INestApplication;

    beforeAll(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [AppModule.forRoot(portal.config, { workers: false })],
        controllers: [UndeclaredTestController],
      }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      app.setGlobalPrefix('api');
      await app.init();
    });

    afterAll(() => app?.close());

    it('is refused, even for a signed-in AAO admin', async () => {
      const anonymous = await request(app.getHttpServer()).get('/api/identity-test').expect(403);
      expect(anonymous.body).toMatchObject({
        code: 'route-undeclared',
        message: expect.stringContaining('does not declare who may use it'),
      });
      const admin = await staffSignIn('admin@example.edu');
      const signedIn = await request(app.getHttpServer()).get('/api/identity-test').set('Cookie', admin.cookies).expect(403);
      expect(signedIn.body).toMatchObject({ code: 'route-undeclared' });
      // The same cookie does open a declared route of that application.
      await request(app.getHttpServer()).get('/api/staff/me').set('Cookie', admin.cookies).expect(200);
    });
  });
});
