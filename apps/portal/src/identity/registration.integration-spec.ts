import { jest } from '@jest/globals';
import { Readable } from 'node:stream';
import request from 'supertest';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { extractCode, startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AuditService } from '../admin/audit.service.js';
import { RegistryService } from '../alumni/registry.service.js';
import { AlumniAccountRepository } from './alumni-account.repository.js';
import { Clock } from './clock.js';

const CSV = [
  'student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year,personal_id,email',
  '20000001A,Chan,Tai Man,1990-05-17,BSc Computing,BSc,PolyU,2012,A123456(3),chan.taiman@old.example.com',
  '20000002B,Lee,Ka Yan,1985-03-04,BA Design,BA,PolyU,2008,,',
  '20000003C,Ho,Wing,1979-12-31,MSc Engineering,MSc,PolyU,2003,,ho.wing@old.example.com',
].join('\n');

const CHAN = { surname: 'chan', givenName: ' Tai  Man ', dateOfBirth: '1990-05-17' };
const LEE = { surname: 'Lee', givenName: 'Ka Yan', dateOfBirth: '1985-03-04' };
const HO = { surname: 'Ho', givenName: 'Wing', dateOfBirth: '1979-12-31' };
const NOT_CORRECT = 'The information you entered is not correct';

describe('Register Email or Forget Email (PostgreSQL, SMTP, graduate registry)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let offsetMs = 0;
  const server = () => portal.app.getHttpServer();

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url }, { workers: true });
    jest.spyOn(portal.app.get(Clock), 'now').mockImplementation(() => new Date(Date.now() + offsetMs));
    await portal.app.get(RegistryService).importCsv(Readable.from([CSV]));
  });

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  // Fresh rate-limit windows for every test, starting just after the hour so none straddles a boundary.
  beforeEach(() => (offsetMs += 24 * 60 * 60_000 + 60 * 60_000 - ((Date.now() + offsetMs) % (60 * 60_000)) + 1000));

  it('answers a registry mismatch with the FAQ message, whatever was wrong', async () => {
    for (const body of [
      { ...CHAN, surname: 'Chen' },
      { ...CHAN, dateOfBirth: '1990-05-18' },
      { ...CHAN, personalId: 'A123457(3)' },
      { ...CHAN, personalId: 'B123456(3)' },
    ]) {
      const response = await request(server()).post('/api/auth/register/identify').send(body).expect(400);
      expect(response.body).toMatchObject({ code: 'identity-not-matched', message: NOT_CORRECT });
    }
    const failures = await portal.app.get(AuditService).list({ action: 'alumnus.register-email.identify' });
    expect(failures.filter((event) => event.outcome === 'failure').length).toBeGreaterThanOrEqual(4);
  });

  it('registers the email on record: identify, keep the email shown, enter the code, signed in', async () => {
    const agent = request.agent(server());
    const identified = await agent
      .post('/api/auth/register/identify')
      .send({ ...CHAN, personalId: 'a123456(3)' })
      .expect(200);
    expect(identified.body).toEqual({
      ticket: expect.any(String),
      maskedEmail: 'c***@old.example.com',
      alreadyRegistered: false,
      expiresAt: expect.any(String),
    });

    const after = smtp.messages.length;
    const chosen = await agent.post('/api/auth/register/email').send({ ticket: identified.body.ticket }).expect(202);
    expect(chosen.body.maskedEmail).toBe('c***@old.example.com');
    const code = extractCode(await smtp.waitForMessage('chan.taiman@old.example.com', 10_000, { after }));

    const wrong = await agent
      .post('/api/auth/register/verify')
      .send({ ticket: identified.body.ticket, code: code === '000000' ? '111111' : '000000' })
      .expect(400);
    expect(wrong.body.message).toBe('That code is not right. You have 4 tries left.');

    const verified = await agent.post('/api/auth/register/verify').send({ ticket: identified.body.ticket, code }).expect(200);
    expect(verified.body).toMatchObject({ authenticated: true, subject: { type: 'alumnus', roles: ['alumnus'] } });
    const account = await portal.app.get(AlumniAccountRepository).findById(verified.body.subject.id);
    expect(account).toMatchObject({ email: 'chan.taiman@old.example.com' });
    await smtp.waitForMessage(
      (mail) => mail.text?.includes('chan.taiman@old.example.com') === true && !/\b\d{6}\b/.test(mail.text ?? ''),
      10_000,
      {
        after,
      },
    );
    await agent.get(`/api/alumni/${account!.id}/sessions`).expect(200);

    // The ticket is spent.
    await agent.post('/api/auth/register/verify').send({ ticket: identified.body.ticket, code }).expect(400);

    // From now on the email signs in.
    const before = smtp.messages.length;
    const start = await request(server()).post('/api/auth/email/start').send({ email: 'Chan.TaiMan@old.example.com' }).expect(202);
    const signInCode = extractCode(await smtp.waitForMessage('chan.taiman@old.example.com', 10_000, { after: before }));
    await request(server()).post('/api/auth/email/verify').send({ requestId: start.body.requestId, code: signInCode }).expect(200);
  });

  it('registers another email when there is none on record', async () => {
    const identified = await request(server()).post('/api/auth/register/identify').send(LEE).expect(200);
    expect(identified.body).toMatchObject({ maskedEmail: null, alreadyRegistered: false });
    const none = await request(server()).post('/api/auth/register/email').send({ ticket: identified.body.ticket }).expect(400);
    expect(none.body.message).toMatch(/Please enter the email you want to sign in with\./);

    const after = smtp.messages.length;
    await request(server())
      .post('/api/auth/register/email')
      .send({ ticket: identified.body.ticket, email: 'KaYan@Example.com' })
      .expect(202);
    const code = extractCode(await smtp.waitForMessage('kayan@example.com', 10_000, { after }));
    const verified = await request(server()).post('/api/auth/register/verify').send({ ticket: identified.body.ticket, code }).expect(200);
    expect(await portal.app.get(AlumniAccountRepository).findById(verified.body.subject.id)).toMatchObject({ email: 'kayan@example.com' });
  });

  it('forget email: shows the registered email masked and replaces it with a new one', async () => {
    const first = await request(server()).post('/api/auth/register/identify').send(HO).expect(200);
    let after = smtp.messages.length;
    await request(server()).post('/api/auth/register/email').send({ ticket: first.body.ticket, email: 'wing.ho@example.com' }).expect(202);
    let code = extractCode(await smtp.waitForMessage('wing.ho@example.com', 10_000, { after }));
    const registered = await request(server()).post('/api/auth/register/verify').send({ ticket: first.body.ticket, code }).expect(200);

    const again = await request(server()).post('/api/auth/register/identify').send(HO).expect(200);
    expect(again.body).toMatchObject({ maskedEmail: 'w***@example.com', alreadyRegistered: true });
    after = smtp.messages.length;
    await request(server()).post('/api/auth/register/email').send({ ticket: again.body.ticket, email: 'ho.new@example.com' }).expect(202);
    code = extractCode(await smtp.waitForMessage('ho.new@example.com', 10_000, { after }));
    const replaced = await request(server()).post('/api/auth/register/verify').send({ ticket: again.body.ticket, code }).expect(200);
    expect(replaced.body.subject.id).toBe(registered.body.subject.id);
    expect(await portal.app.get(AlumniAccountRepository).findById(replaced.body.subject.id)).toMatchObject({ email: 'ho.new@example.com' });
    // The old address is told that another email now signs in.
    await smtp.waitForMessage('wing.ho@example.com', 10_000, { after });
  });

  it('refuses an email that another alumnus registered', async () => {
    const identified = await request(server()).post('/api/auth/register/identify').send(LEE).expect(200);
    const taken = await request(server())
      .post('/api/auth/register/email')
      .send({ ticket: identified.body.ticket, email: 'ho.new@example.com' })
      .expect(409);
    expect(taken.body).toMatchObject({ code: 'email-taken' });
  });

  it('refuses an unknown or expired ticket', async () => {
    await request(server()).post('/api/auth/register/email').send({ ticket: 'made-up' }).expect(400);
    const identified = await request(server()).post('/api/auth/register/identify').send(CHAN).expect(200);
    offsetMs += 21 * 60_000;
    const expired = await request(server()).post('/api/auth/register/email').send({ ticket: identified.body.ticket }).expect(400);
    expect(expired.body).toMatchObject({
      code: 'ticket-invalid',
      message: expect.stringContaining('Please enter your information again.'),
    });
  });

  it('limits registry look-ups per IP address', async () => {
    for (let i = 0; i < 10; i++)
      await request(server())
        .post('/api/auth/register/identify')
        .send({ ...LEE, surname: `X${i}` })
        .expect(400);
    const refused = await request(server()).post('/api/auth/register/identify').send(LEE).expect(429);
    expect(refused.body.message).toMatch(/^Too many attempts\. Please wait \d+ (minutes|seconds) and try again\.$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('validates the input with clear messages', async () => {
    const response = await request(server())
      .post('/api/auth/register/identify')
      .send({ surname: '', givenName: 'A', dateOfBirth: '17/05/1990' })
      .expect(400);
    expect(response.body.message).toEqual(
      expect.arrayContaining(['Please enter your surname.', 'Please enter your date of birth as YYYY-MM-DD.']),
    );
  });
});
