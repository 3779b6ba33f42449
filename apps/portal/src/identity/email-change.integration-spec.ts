import { jest } from '@jest/globals';
import { Readable } from 'node:stream';
import request from 'supertest';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { extractCode, recipients, startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AuditService } from '../admin/audit.service.js';
import { RegistryService } from '../alumni/registry.service.js';
import { AlumniAccountRepository } from './alumni-account.repository.js';
import { Clock } from './clock.js';

const CSV = [
  'student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year,email',
  '10000001A,Chan,Tai Man,1990-05-17,BSc Computing,BSc,PolyU,2012,',
  '10000002B,Wong,Siu Ming,1988-01-02,BA Design,BA,PolyU,2010,',
].join('\n');

describe('Changing the sign-in email, with re-authentication (PostgreSQL, SMTP)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let offsetMs = 0;
  let graduates: { chan: string; wong: string };
  let emailCounter = 0;

  const server = () => portal.app.getHttpServer();
  const advance = (ms: number) => (offsetMs += ms);

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url }, { workers: true });
    jest.spyOn(portal.app.get(Clock), 'now').mockImplementation(() => new Date(Date.now() + offsetMs));
    const registry = portal.app.get(RegistryService);
    await registry.importCsv(Readable.from([CSV]));
    const chan = await registry.findGraduateByIdentity({ surname: 'Chan', givenName: 'Tai Man', dateOfBirth: '1990-05-17' });
    const wong = await registry.findGraduateByIdentity({ surname: 'Wong', givenName: 'Siu Ming', dateOfBirth: '1988-01-02' });
    graduates = { chan: chan!.id, wong: wong!.id };
    await portal.app.get(AlumniAccountRepository).create(graduates.wong, 'wong@example.com', 'en', new Date());
  });

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  beforeEach(() => advance(24 * 60 * 60_000 + 60 * 60_000 - ((Date.now() + offsetMs) % (60 * 60_000)) + 1000));

  /** A fresh account for Chan under a new address, so each test starts from a known email. */
  async function chanAccount(): Promise<{ id: string; email: string }> {
    const email = `chan${++emailCounter}@example.com`;
    const repository = portal.app.get(AlumniAccountRepository);
    const existing = await repository.findByGraduateId(graduates.chan);
    if (existing) {
      await repository.changeEmail(existing.id, email, new Date());
      return { id: existing.id, email };
    }
    return { id: (await repository.create(graduates.chan, email, 'en', new Date())).id, email };
  }

  async function codeFor(email: string, after: number): Promise<string> {
    return extractCode(await smtp.waitForMessage(email, 10_000, { after }));
  }

  async function signIn(email: string) {
    const agent = request.agent(server());
    const after = smtp.messages.length;
    const start = await agent.post('/api/auth/email/start').send({ email }).expect(202);
    const code = await codeFor(email, after);
    const verified = await agent.post('/api/auth/email/verify').send({ requestId: start.body.requestId, code }).expect(200);
    return { agent, csrf: verified.body.csrfToken as string };
  }

  async function reauthenticate(agent: request.Agent, csrf: string, email: string) {
    const after = smtp.messages.length;
    const start = await agent.post('/api/auth/reauthenticate/start').set('X-CSRF-Token', csrf).send({}).expect(202);
    expect(start.body).toEqual({ requestId: expect.any(String), message: expect.stringContaining('sign-in email') });
    const code = await codeFor(email, after);
    return agent.post('/api/auth/reauthenticate/verify').set('X-CSRF-Token', csrf).send({ requestId: start.body.requestId, code });
  }

  it('changes the email after re-authentication, tells the old address, audits, and ends the other sessions', async () => {
    const account = await chanAccount();
    const other = await signIn(account.email);
    const { agent, csrf } = await signIn(account.email);

    // Signed in more than 10 minutes ago: a fresh proof is needed.
    advance(11 * 60_000);
    await agent.get('/api/session').expect(200);
    const refused = await agent
      .post('/api/account/email/start')
      .set('X-CSRF-Token', csrf)
      .send({ newEmail: 'chan.new@example.net' })
      .expect(403);
    expect(refused.body).toMatchObject({ code: 'reauthentication-required', message: expect.stringContaining('confirm it is you') });

    const reauthenticated = await reauthenticate(agent, csrf, account.email);
    expect(reauthenticated.status).toBe(200);
    expect(new Date(reauthenticated.body.validUntil).getTime()).toBeGreaterThan(Date.now() + offsetMs + 9 * 60_000);

    const after = smtp.messages.length;
    const start = await agent
      .post('/api/account/email/start')
      .set('X-CSRF-Token', csrf)
      .send({ newEmail: ' Chan.New@Example.net ' })
      .expect(202);
    expect(start.body).toEqual({
      requestId: expect.any(String),
      maskedEmail: 'c***@example.net',
      message: expect.stringContaining('c***@example.net'),
    });
    const mail = await smtp.waitForMessage('chan.new@example.net', 10_000, { after });
    expect(mail.subject).toBe('Confirm your email address for the Alumni Portal');
    const code = extractCode(mail);

    const noticeFrom = smtp.messages.length;
    const changed = await agent
      .post('/api/account/email/verify')
      .set('X-CSRF-Token', csrf)
      .send({ requestId: start.body.requestId, code })
      .expect(200);
    expect(changed.body).toEqual({ email: 'chan.new@example.net', otherSessionsEnded: 1 });

    const notice = await smtp.waitForMessage(
      (m) => recipients(m).includes(account.email) && m.subject === 'The sign-in email of your Alumni Portal account was changed',
      10_000,
      { after: noticeFrom },
    );
    expect(notice.text).toContain('c***@example.net');
    expect(notice.text).not.toContain('chan.new@example.net');

    expect((await portal.app.get(AlumniAccountRepository).findById(account.id))!.email).toBe('chan.new@example.net');
    // This session goes on; the other one ended.
    await agent.get(`/api/alumni/${account.id}/sessions`).expect(200);
    await other.agent.get(`/api/alumni/${account.id}/sessions`).expect(401);
    // The old address no longer signs in; the new one does.
    const oldStart = smtp.messages.length;
    await request(server()).post('/api/auth/email/start').send({ email: account.email }).expect(202);
    await signIn('chan.new@example.net');
    expect(smtp.messages.slice(oldStart).some((m) => recipients(m).includes(account.email) && /sign-in code/.test(m.subject ?? ''))).toBe(
      false,
    );

    const actions = (await portal.app.get(AuditService).list({ actorId: account.id })).map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining(['alumnus.reauthenticate:success', 'alumnus.email-change.start:success', 'alumnus.email-change:success']),
    );
  });

  it('accepts a sign-in within the last 10 minutes as the proof, and the window then closes', async () => {
    const account = await chanAccount();
    const { agent, csrf } = await signIn(account.email);
    advance(9 * 60_000);
    await agent
      .post('/api/account/email/start')
      .set('X-CSRF-Token', csrf)
      .send({ newEmail: `fresh${emailCounter}@example.net` })
      .expect(202);
    advance(2 * 60_000);
    await agent
      .post('/api/account/email/start')
      .set('X-CSRF-Token', csrf)
      .send({ newEmail: `fresh${emailCounter}@example.net` })
      .expect(403);
  });

  it('refuses an address another account uses (409, without saying whose), and the current address', async () => {
    const account = await chanAccount();
    const { agent, csrf } = await signIn(account.email);
    const taken = await agent.post('/api/account/email/start').set('X-CSRF-Token', csrf).send({ newEmail: 'WONG@example.com' }).expect(409);
    expect(taken.body).toMatchObject({ code: 'email-taken', message: expect.stringContaining('already used by another account') });
    expect(JSON.stringify(taken.body)).not.toMatch(/wong|Siu Ming/i);
    const same = await agent.post('/api/account/email/start').set('X-CSRF-Token', csrf).send({ newEmail: account.email }).expect(400);
    expect(same.body).toMatchObject({ code: 'email-unchanged' });
  });

  it('follows the code rules: wrong code counts tries, a code of another account is unknown, a used code is refused', async () => {
    const account = await chanAccount();
    const { agent, csrf } = await signIn(account.email);
    const newEmail = `rules${emailCounter}@example.net`;
    const after = smtp.messages.length;
    const start = await agent.post('/api/account/email/start').set('X-CSRF-Token', csrf).send({ newEmail }).expect(202);
    const code = await codeFor(newEmail, after);
    const wrong = await agent
      .post('/api/account/email/verify')
      .set('X-CSRF-Token', csrf)
      .send({ requestId: start.body.requestId, code: code === '000000' ? '111111' : '000000' })
      .expect(400);
    expect(wrong.body).toMatchObject({ code: 'code-wrong', message: 'That code is not right. You have 4 tries left.' });

    // Wong cannot use Chan's request, even with the right code.
    const wong = await signIn('wong@example.com');
    const foreign = await wong.agent
      .post('/api/account/email/verify')
      .set('X-CSRF-Token', wong.csrf)
      .send({ requestId: start.body.requestId, code })
      .expect(400);
    expect(foreign.body).toMatchObject({ code: 'request-unknown' });

    // A re-authentication code is not an email-change code.
    const reauthAfter = smtp.messages.length;
    const reauth = await agent.post('/api/auth/reauthenticate/start').set('X-CSRF-Token', csrf).send({}).expect(202);
    const reauthCode = await codeFor(account.email, reauthAfter);
    await agent
      .post('/api/account/email/verify')
      .set('X-CSRF-Token', csrf)
      .send({ requestId: reauth.body.requestId, code: reauthCode })
      .expect(400);

    await agent.post('/api/account/email/verify').set('X-CSRF-Token', csrf).send({ requestId: start.body.requestId, code }).expect(200);
    const again = await agent
      .post('/api/account/email/verify')
      .set('X-CSRF-Token', csrf)
      .send({ requestId: start.body.requestId, code })
      .expect(400);
    expect(again.body).toMatchObject({ code: 'code-expired' });
  });

  it('limits requests for codes to the new address, and needs the CSRF token and an alumnus session', async () => {
    const account = await chanAccount();
    const { agent, csrf } = await signIn(account.email);
    const newEmail = `limit${emailCounter}@example.net`;
    for (let i = 0; i < 5; i++) await agent.post('/api/account/email/start').set('X-CSRF-Token', csrf).send({ newEmail }).expect(202);
    const limited = await agent.post('/api/account/email/start').set('X-CSRF-Token', csrf).send({ newEmail }).expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await agent.post('/api/account/email/start').send({ newEmail: 'x@example.net' }).expect(403);
    await request(server()).post('/api/account/email/start').send({ newEmail: 'x@example.net' }).expect(401);
    await request(server()).post('/api/auth/reauthenticate/start').send({}).expect(401);
    // Let the codes arrive before the next test reads mail.
    const deadline = Date.now() + 10_000;
    while (smtp.messages.filter((m) => recipients(m).includes(newEmail)).length < 5 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});
