import { jest } from '@jest/globals';
import { Readable } from 'node:stream';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { extractCode, startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AuditService } from '../admin/audit.service.js';
import { RegistryService } from '../alumni/registry.service.js';
import { AlumniAccountRepository } from './alumni-account.repository.js';
import { Clock } from './clock.js';
import { IdentityHousekeeping } from './identity-housekeeping.service.js';

const CSV = [
  'student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year,email',
  '10000001A,Chan,Tai Man,1990-05-17,BSc Computing,BSc,PolyU,2012,chan.taiman@old.example.com',
  '10000002B,Wong,Siu Ming,1988-01-02,BA Design,BA,PolyU,2010,',
].join('\n');

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const UNREGISTERED = 'nobody@example.com';

describe('Email sign-in by one-time code and sessions (PostgreSQL, SMTP)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let offsetMs = 0;
  const accounts: Record<string, string> = {};

  const server = () => portal.app.getHttpServer();
  const advance = (ms: number) => (offsetMs += ms);

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url }, { workers: true });
    jest.spyOn(portal.app.get(Clock), 'now').mockImplementation(() => new Date(Date.now() + offsetMs));
    await portal.app.get(RegistryService).importCsv(Readable.from([CSV]));
    const registry = portal.app.get(RegistryService);
    const chan = await registry.findGraduateByIdentity({ surname: 'Chan', givenName: 'Tai Man', dateOfBirth: '1990-05-17' });
    const wong = await registry.findGraduateByIdentity({ surname: 'Wong', givenName: 'Siu Ming', dateOfBirth: '1988-01-02' });
    const repository = portal.app.get(AlumniAccountRepository);
    accounts[ALICE] = (await repository.create(chan!.id, ALICE, 'en', new Date())).id;
    accounts[BOB] = (await repository.create(wong!.id, BOB, 'zh-Hant', new Date())).id;
  });

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  // Every test starts in fresh rate-limit windows, with the previous test's sessions long expired.
  // Fixed rate-limit windows start on the hour: begin each test just after one, so none straddles a boundary.
  beforeEach(() => advance(24 * 60 * 60_000 + 60 * 60_000 - ((Date.now() + offsetMs) % (60 * 60_000)) + 1000));

  async function askForCode(agent: TestAgent, email: string) {
    const after = smtp.messages.length;
    const response = await agent.post('/api/auth/email/start').send({ email }).expect(202);
    return { requestId: response.body.requestId as string, after };
  }

  async function codeSentTo(email: string, after: number): Promise<string> {
    return extractCode(await smtp.waitForMessage(email, 10_000, { after }));
  }

  async function signIn(email: string, agent = request.agent(server()).set('User-Agent', 'identity-test')) {
    const { requestId, after } = await askForCode(agent, email);
    const code = await codeSentTo(email, after);
    const response = await agent.post('/api/auth/email/verify').send({ requestId, code });
    expect(response.body).toMatchObject({ authenticated: true });
    return { agent, csrf: response.body.csrfToken as string, response };
  }

  function cookie(response: request.Response, name: string): string | undefined {
    const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
    return cookies.find((line) => line.startsWith(`${name}=`));
  }

  async function expectMailCount(email: string, after: number, count: number) {
    const deadline = Date.now() + 10_000;
    const sent = () => smtp.messages.slice(after).filter((mail) => JSON.stringify(mail.to).includes(email)).length;
    while (sent() < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent()).toBe(count);
  }

  const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

  describe('signing in', () => {
    it('sends a code to a registered email and signs in with it', async () => {
      const agent = request.agent(server());
      const start = await agent.post('/api/auth/email/start').send({ email: ' Alice@Example.com ', locale: 'en' }).expect(202);
      expect(start.body).toEqual({
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        message: expect.stringContaining('If this email is registered'),
      });
      const mail = await smtp.waitForMessage(ALICE);
      const code = extractCode(mail);

      const verified = await agent.post('/api/auth/email/verify').send({ requestId: start.body.requestId, code }).expect(200);
      expect(verified.body).toMatchObject({ authenticated: true, subject: { type: 'alumnus', id: accounts[ALICE], roles: ['alumnus'] } });
      const sessionCookie = cookie(verified, 'cp_session')!;
      expect(sessionCookie).toMatch(/HttpOnly/i);
      expect(sessionCookie).toMatch(/SameSite=Lax/i);
      expect(sessionCookie).toMatch(/Path=\//);
      expect(sessionCookie).not.toMatch(/Secure/i);
      const csrfCookie = cookie(verified, 'cp_csrf')!;
      expect(csrfCookie).not.toMatch(/HttpOnly/i);
      expect(csrfCookie).toContain(`cp_csrf=${verified.body.csrfToken}`);

      const session = await agent.get('/api/session').expect(200);
      expect(session.body).toMatchObject({ authenticated: true, subject: { id: accounts[ALICE] }, csrfToken: verified.body.csrfToken });

      // The table holds the token's HMAC only.
      const token = /cp_session=([^;]+)/.exec(sessionCookie)![1];
      const rows = (await portal.app.get(AuditService).list({ actorId: accounts[ALICE], action: 'alumnus.sign-in' })).map((e) => e.outcome);
      expect(rows).toContain('success');
      const { DataSource } = await import('typeorm');
      const stored = (await portal.app.get(DataSource).query(`SELECT encode(id, 'hex') AS id, roles FROM auth_session`)) as {
        id: string;
      }[];
      expect(stored.length).toBeGreaterThan(0);
      expect(JSON.stringify(stored)).not.toContain(token);
      expect(stored.every((row) => row.id.length === 64)).toBe(true);

      // Single use.
      await request(server()).post('/api/auth/email/verify').send({ requestId: start.body.requestId, code }).expect(400);
    });

    it('says how many tries are left after a wrong code, and still accepts the right one', async () => {
      const agent = request.agent(server());
      const { requestId, after } = await askForCode(agent, ALICE);
      const code = await codeSentTo(ALICE, after);
      const response = await agent
        .post('/api/auth/email/verify')
        .send({ requestId, code: wrong(code) })
        .expect(400);
      expect(response.body).toMatchObject({ code: 'code-wrong', message: 'That code is not right. You have 4 tries left.' });
      await agent.post('/api/auth/email/verify').send({ requestId, code }).expect(200);
      const failures = await portal.app.get(AuditService).list({ actorId: accounts[ALICE], action: 'alumnus.sign-in' });
      expect(failures.some((event) => event.outcome === 'failure' && event.details.reason === 'code-wrong')).toBe(true);
    });

    it('ends the code after five wrong tries', async () => {
      const agent = request.agent(server());
      const { requestId, after } = await askForCode(agent, ALICE);
      const code = await codeSentTo(ALICE, after);
      for (const left of [4, 3, 2, 1]) {
        const response = await agent
          .post('/api/auth/email/verify')
          .send({ requestId, code: wrong(code) })
          .expect(400);
        expect(response.body.message).toBe(`That code is not right. You have ${left} ${left === 1 ? 'try' : 'tries'} left.`);
      }
      const fifth = await agent
        .post('/api/auth/email/verify')
        .send({ requestId, code: wrong(code) })
        .expect(400);
      expect(fifth.body).toMatchObject({ code: 'code-tries-used' });
      const right = await agent.post('/api/auth/email/verify').send({ requestId, code }).expect(400);
      expect(right.body).toMatchObject({ code: 'code-tries-used', message: 'You have used all 5 tries for this code. Ask for a new one.' });
    });

    it('refuses an expired code', async () => {
      const agent = request.agent(server());
      const { requestId, after } = await askForCode(agent, ALICE);
      const code = await codeSentTo(ALICE, after);
      advance(10 * 60_000 + 1000);
      const response = await agent.post('/api/auth/email/verify').send({ requestId, code }).expect(400);
      expect(response.body).toMatchObject({ code: 'code-expired', message: 'That code has expired. Ask for a new one.' });
    });

    it('throttles resends, and a resend resets neither the tries nor the failures', async () => {
      const agent = request.agent(server());
      const { requestId, after } = await askForCode(agent, ALICE);
      const first = await codeSentTo(ALICE, after);
      for (let i = 0; i < 3; i++)
        await agent
          .post('/api/auth/email/verify')
          .send({ requestId, code: wrong(first) })
          .expect(400);

      const tooSoon = await agent.post('/api/auth/email/resend').send({ requestId }).expect(429);
      expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);
      expect(tooSoon.body.message).toMatch(/You can ask for a new one in \d+ seconds\./);

      advance(61_000);
      const before = smtp.messages.length;
      await agent.post('/api/auth/email/resend').send({ requestId }).expect(202);
      const second = await codeSentTo(ALICE, before);

      const fourth = await agent
        .post('/api/auth/email/verify')
        .send({ requestId, code: wrong(second) })
        .expect(400);
      expect(fourth.body.message).toBe('That code is not right. You have 1 try left.');
      await agent.post('/api/auth/email/verify').send({ requestId, code: second }).expect(200);
    });

    it('counts wrong codes per account across requests, and refuses with 429 at the limit', async () => {
      const agent = request.agent(server());
      for (let round = 0; round < 2; round++) {
        const { requestId, after } = await askForCode(agent, BOB);
        const code = await codeSentTo(BOB, after);
        for (let i = 0; i < 5; i++)
          await agent
            .post('/api/auth/email/verify')
            .send({ requestId, code: wrong(code) })
            .expect(400);
      }
      const { requestId, after } = await askForCode(agent, BOB);
      const code = await codeSentTo(BOB, after);
      const locked = await agent.post('/api/auth/email/verify').send({ requestId, code }).expect(429);
      expect(locked.body.message).toMatch(/^Too many wrong codes\. Please wait \d+ (minutes|seconds) and try again\.$/);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('gives an unregistered email the same answer, sends no mail, and answers its codes alike', async () => {
      const agent = request.agent(server());
      const registered = await agent.post('/api/auth/email/start').send({ email: ALICE }).expect(202);
      const unregistered = await agent.post('/api/auth/email/start').send({ email: UNREGISTERED }).expect(202);
      expect(Object.keys(unregistered.body).sort()).toEqual(Object.keys(registered.body).sort());
      expect(unregistered.body.message).toBe(registered.body.message);

      const wrongAnswer = await agent
        .post('/api/auth/email/verify')
        .send({ requestId: unregistered.body.requestId, code: '123456' })
        .expect(400);
      expect(wrongAnswer.body).toMatchObject({ code: 'code-wrong', message: 'That code is not right. You have 4 tries left.' });

      await smtp.waitForMessage(ALICE);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(smtp.messages.some((mail) => JSON.stringify(mail.to).includes(UNREGISTERED))).toBe(false);
    });

    it('limits requests for codes per email (registered or not) and per IP address, with Retry-After', async () => {
      const after = smtp.messages.length;
      for (const email of [ALICE, UNREGISTERED]) {
        for (let i = 0; i < 5; i++) await request(server()).post('/api/auth/email/start').send({ email }).expect(202);
        const refused = await request(server()).post('/api/auth/email/start').send({ email }).expect(429);
        expect(refused.body.message).toMatch(
          /^Too many requests for a code for this email\. Please wait \d+ (minutes|seconds) and try again\.$/,
        );
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      }
      advance(60 * 60_000);
      for (let i = 0; i < 20; i++)
        await request(server())
          .post('/api/auth/email/start')
          .send({ email: `someone${i}@example.com` })
          .expect(202);
      const refused = await request(server()).post('/api/auth/email/start').send({ email: 'one-more@example.com' }).expect(429);
      expect(refused.body.message).toMatch(/^Too many requests for a code\. Please wait/);
      // Let the five codes for Alice arrive now, so no later test reads one of them as its own.
      await expectMailCount(ALICE, after, 5);
    });

    it('refuses a form post to a sign-in route (login CSRF), and is never cached', async () => {
      const form = await request(server())
        .post('/api/auth/email/verify')
        .type('form')
        .send({ requestId: '9b2f6f0e-8d7c-4c55-9a43-6f1d2b0c1e11', code: '123456' })
        .expect(415);
      expect(form.body).toMatchObject({
        code: 'json-required',
        message: 'Please send this request as JSON (Content-Type: application/json).',
      });
      const start = await request(server()).post('/api/auth/email/start').send({ email: UNREGISTERED }).expect(202);
      expect(start.headers['cache-control']).toBe('no-store');
    });

    it('rejects a malformed code or request id with a clear message', async () => {
      const response = await request(server()).post('/api/auth/email/verify').send({ requestId: 'x', code: '12' }).expect(400);
      expect(JSON.stringify(response.body.message)).toContain('The code is the 6 digits from the email we sent you.');
    });
  });

  describe('sessions', () => {
    it('requires the CSRF token for cookie-authenticated unsafe requests', async () => {
      const { agent, csrf } = await signIn(ALICE);
      const missing = await agent.post('/api/session/sign-out').expect(403);
      expect(missing.body).toMatchObject({ code: 'csrf-token-invalid', message: expect.stringContaining('X-CSRF-Token') });
      await agent.post('/api/session/sign-out').set('X-CSRF-Token', 'not-the-token').expect(403);
      expect((await agent.get('/api/session').expect(200)).body.authenticated).toBe(true);
      await agent.post('/api/session/sign-out').set('X-CSRF-Token', csrf).expect(204);
    });

    it('signs out this session only', async () => {
      const first = await signIn(ALICE);
      const second = await signIn(ALICE);
      await first.agent.post('/api/session/sign-out').set('X-CSRF-Token', first.csrf).expect(204);
      const ended = await first.agent.get('/api/session').expect(200, { authenticated: false });
      expect(ended.headers['cache-control']).toBe('no-store');
      await first.agent.get(`/api/alumni/${accounts[ALICE]}/sessions`).expect(401);
      await second.agent.get(`/api/alumni/${accounts[ALICE]}/sessions`).expect(200);
    });

    it('signs out everywhere', async () => {
      const first = await signIn(ALICE);
      const second = await signIn(ALICE);
      const other = await signIn(BOB);
      const response = await first.agent.post('/api/session/sign-out-everywhere').set('X-CSRF-Token', first.csrf).expect(200);
      expect(response.body.ended).toBeGreaterThanOrEqual(2);
      await second.agent.get(`/api/alumni/${accounts[ALICE]}/sessions`).expect(401);
      await other.agent.get(`/api/alumni/${accounts[BOB]}/sessions`).expect(200);
    });

    it("lists the alumnus's own sessions and refuses another alumnus's", async () => {
      const { agent } = await signIn(ALICE);
      const own = await agent.get(`/api/alumni/${accounts[ALICE]}/sessions`).expect(200);
      expect(own.body).toEqual(expect.arrayContaining([expect.objectContaining({ current: true, userAgent: expect.any(String) })]));
      expect(JSON.stringify(own.body)).not.toMatch(/cp_session|token/i);
      const other = await agent.get(`/api/alumni/${accounts[BOB]}/sessions`).expect(403);
      expect(other.body).toMatchObject({ code: 'not-your-record', message: 'You can only see your own sessions.' });
      await request(server()).get(`/api/alumni/${accounts[ALICE]}/sessions`).expect(401);
    });

    it('refuses an alumnus on a staff route', async () => {
      const { agent } = await signIn(ALICE);
      const response = await agent.get('/api/staff/me').expect(403);
      expect(response.body).toMatchObject({ code: 'role-refused' });
    });

    it('gives a new session id at every sign-in and ends the one the browser had', async () => {
      const { agent, response: first } = await signIn(ALICE);
      const { response: second } = await signIn(ALICE, agent);
      const firstToken = /cp_session=([^;]+)/.exec(cookie(first, 'cp_session')!)![1];
      const secondToken = /cp_session=([^;]+)/.exec(cookie(second, 'cp_session')!)![1];
      expect(secondToken).not.toBe(firstToken);
      await request(server()).get(`/api/alumni/${accounts[ALICE]}/sessions`).set('Cookie', `cp_session=${firstToken}`).expect(401);
      await agent.get(`/api/alumni/${accounts[ALICE]}/sessions`).expect(200);
    });

    it('ends a session after 30 idle minutes; activity slides the deadline', async () => {
      const { agent } = await signIn(ALICE);
      const path = `/api/alumni/${accounts[ALICE]}/sessions`;
      advance(25 * 60_000);
      await agent.get(path).expect(200);
      advance(25 * 60_000);
      await agent.get(path).expect(200);
      advance(31 * 60_000);
      const ended = await agent.get(path).expect(401);
      expect(ended.body).toMatchObject({ code: 'session-ended', message: 'Your session has ended. Please sign in again.' });
      // The page learns it is signed out, and the ended session's cookies are dropped.
      const session = await agent.get('/api/session').expect(200, { authenticated: false });
      expect(cookie(session, 'cp_session')).toMatch(/^cp_session=;.*Expires=Thu, 01 Jan 1970/);
      // Activity after the end does not bring it back.
      advance(-20 * 60_000);
      await agent.get(path).expect(401);
    });

    it('ends a session 12 hours after sign-in, however active', async () => {
      const { agent } = await signIn(ALICE);
      const path = `/api/alumni/${accounts[ALICE]}/sessions`;
      for (let elapsed = 0; elapsed < 12 * 60; elapsed += 25) {
        await agent.get(path).expect(200);
        advance(25 * 60_000);
      }
      await agent.get(path).expect(401);
    });
    it('housekeeping drops codes a day after expiry and ended sessions after 30 days', async () => {
      const { DataSource } = await import('typeorm');
      const database = portal.app.get(DataSource);
      const count = async (table: string) => Number(((await database.query(`SELECT count(*) AS n FROM ${table}`)) as { n: string }[])[0].n);
      await signIn(ALICE);
      await request(server()).post('/api/auth/email/start').send({ email: UNREGISTERED }).expect(202);
      const housekeeping = portal.app.get(IdentityHousekeeping);

      advance(2 * 24 * 60 * 60_000);
      await housekeeping.run();
      expect(await count('one_time_code')).toBe(0);
      expect(await count('rate_limit_counter')).toBe(0);
      const sessionsKept = Number(
        (
          (await database.query(`SELECT count(*) AS n FROM auth_session WHERE created_at > $1`, [
            new Date(Date.now() + offsetMs - 3 * 24 * 60 * 60_000),
          ])) as { n: string }[]
        )[0].n,
      );
      expect(sessionsKept).toBeGreaterThan(0);

      advance(31 * 24 * 60 * 60_000);
      await housekeeping.run();
      expect(await count('auth_session')).toBe(0);
    });
  });
});
