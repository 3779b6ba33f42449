import { jest } from '@jest/globals';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey as pbkdf2 } from 'altcha-lib/algorithms/pbkdf2';
import { Readable } from 'node:stream';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { registerAndSignIn, staffSignIn } from '../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { extractCode, recipients, startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AuditService } from '../admin/audit.service.js';
import { StaffService } from '../admin/staff.service.js';
import { hkidCheckDigit } from '../alumni/hkid.js';
import { RegistryService } from '../alumni/registry.service.js';
import { AlumniAccountRepository } from './alumni-account.repository.js';
import { Clock } from './clock.js';
import { NETID_MESSAGES } from './netid-rules.js';

const hkid = (prefix: string, digits: string) => `${prefix}${digits}(${hkidCheckDigit(prefix, digits)})`;

const CHAN = { surname: 'Chan', givenName: 'Tai Man', dateOfBirth: '1970-05-17', personalId: hkid('A', '123456') };
const LEE = { surname: 'Lee', givenName: 'Ka Yan', dateOfBirth: '1992-03-04', personalId: hkid('B', '234567') };
const HO = { surname: 'Ho', givenName: 'Wing', dateOfBirth: '1993-12-31', personalId: hkid('C', '345678') };
const WONG = { surname: 'Wong', givenName: 'Siu Ming', dateOfBirth: '1994-01-02', personalId: hkid('D', '456789') };
const YIP = { surname: 'Yip', givenName: 'Mei', dateOfBirth: '1968-07-08', personalId: hkid('E', '567890') };
const MAK = { surname: 'Mak', givenName: 'Chun', dateOfBirth: '1975-02-03', personalId: hkid('G', '789012') };
const LAM = { surname: 'Lam', givenName: 'Po', dateOfBirth: '1971-08-09', personalId: hkid('L', '123987') };
const NG = { surname: 'Ng', givenName: 'Kit', dateOfBirth: '1972-06-07', personalId: hkid('K', '901234') };

const CSV = [
  'student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year,personal_id,email,student_netid,polyu_award',
  `90000001A,Chan,Tai Man,1970-05-17,BSc Computing,BSc,PolyU,1995,${CHAN.personalId},chan.taiman@old.example.com,,`,
  `90000002B,Lee,Ka Yan,1992-03-04,BA Design,BA,PolyU,2014,${LEE.personalId},lee.kayan@old.example.com,14000002d,`,
  `90000003C,Ho,Wing,1993-12-31,AD Business,Associate Degree,HKCC,2013,${HO.personalId},ho.wing@old.example.com,,yes`,
  `90000004D,Wong,Siu Ming,1994-01-02,HD Design,Higher Diploma,SPEED,2015,${WONG.personalId},wong.sm@old.example.com,,no`,
  `90000005E,Yip,Mei,1968-07-08,BA Social Work,BA,PolyU,1990,${YIP.personalId},yip.mei@old.example.com,,`,
  `90000006F,Mak,Chun,1975-02-03,BEng Civil,BEng,PolyU,1997,${MAK.personalId},mak.chun@old.example.com,,`,
  `90000009J,Lam,Po,1971-08-09,BSc Chemistry,BSc,PolyU,1993,${LAM.personalId},lam.po@old.example.com,,`,
  `90000008H,Ng,Kit,1972-06-07,BA Accountancy,BA,PolyU,1994,${NG.personalId},ng.kit@old.example.com,,`,
  // One person, two degrees, two student numbers and two Student NetIDs (FAQ 8): the AAO confirms which is the Alumni NetID.
  `90000007G,Tse,Hoi,1990-09-09,BSc Physics,BSc,PolyU,2012,${hkid('H', '890123')},tse.hoi@old.example.com,12000007g,`,
  `95000007G,Tse,Hoi,1990-09-09,MSc Physics,MSc,PolyU,2015,${hkid('H', '890123')},tse.hoi@old.example.com,15000007g,`,
].join('\n');

const PASSWORD = 'lantern harbour 1970';

/** A mail with a code to this address (the registration mail may still be on its way too). */
const codeMailTo = (to: string) => (mail: Parameters<typeof recipients>[0]) =>
  recipients(mail).includes(to) && /\b\d{6}\b/.test(mail.text ?? '');

describe('Alumni NetID: registration, sign-in, Forgot NetID / NetPassword (PostgreSQL, SMTP, ALTCHA)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  let offsetMs = 0;
  const server = () => portal.app.getHttpServer();

  /** Solves a fresh challenge as the widget does: base64 of { challenge, solution }. */
  async function captcha(): Promise<string> {
    const challenge = (await request(server()).get('/api/auth/captcha/challenge').expect(200)).body as Challenge;
    const solution = await solveChallenge({ challenge, deriveKey: pbkdf2 });
    if (!solution) throw new Error('the test could not solve the captcha');
    return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
  }

  /** Step 1: details, captcha, Display Name, NetPassword; a code goes to the email on record. */
  async function register(person: object, displayName: string, extra: Record<string, unknown> = {}) {
    return request(server())
      .post('/api/auth/netid/register')
      .send({ ...person, displayName, password: PASSWORD, captcha: await captcha(), ...extra });
  }

  /** Step 1, then the code from the mail sent to `email`: step 2's answer. */
  async function registerWithCode(person: object, displayName: string, email: string, extra: Record<string, unknown> = {}) {
    const after = smtp.messages.length;
    const started = await register(person, displayName, extra);
    expect(started.status).toBe(202);
    const code = extractCode(await smtp.waitForMessage(codeMailTo(email), 10_000, { after }));
    return request(server()).post('/api/auth/netid/register/verify').send({ ticket: started.body.ticket, code });
  }

  // Fresh rate-limit windows: a day later, just after the hour.
  const nextWindow = () => (offsetMs += 24 * 60 * 60_000 + 60 * 60_000 - ((Date.now() + offsetMs) % (60 * 60_000)) + 1000);

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    // TRUST_PROXY: the sign-in limit tests speak from several client addresses through X-Forwarded-For.
    portal = await startTestPortal(
      { SMTP_URL: smtp.url, CAPTCHA_COST: '1', CAPTCHA_COUNTER_MAX: '20', TRUST_PROXY: '127.0.0.0/8,::1' },
      { workers: true },
    );
    jest.spyOn(portal.app.get(Clock), 'now').mockImplementation(() => new Date(Date.now() + offsetMs));
    const report = await portal.app.get(RegistryService).importCsv(Readable.from([CSV]));
    expect(report.rejectedCount).toBe(0);
    // Chan registers first; the other tests lean on it.
    const done = await registerWithCode(CHAN, 'Chan Tai-Man', 'chan.taiman@old.example.com');
    expect(done.status).toBe(201);
  });

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  beforeEach(nextWindow);

  it('keeps polyu_award when a later registry file leaves the column out, and changes it when the column says so', async () => {
    const registry = portal.app.get(RegistryService);
    const header = 'student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year';
    const hoRow = '90000003C,Ho,Wing,1993-12-31,AD Business,Associate Degree,HKCC,2013';
    const without = await registry.importCsv(Readable.from([`${header}\n${hoRow}\n`]));
    expect(without).toMatchObject({ rejectedCount: 0, imported: { awards: { inserted: 0, updated: 0 } } });
    expect((await registry.findGraduateByIdentity(HO))?.awards).toEqual([
      expect.objectContaining({ institution: 'HKCC', polyuAward: true }),
    ]);
    const no = await registry.importCsv(Readable.from([`${header},polyu_award\n${hoRow},no\n`]));
    expect(no.imported.awards.updated).toBe(1);
    expect((await registry.findGraduateByIdentity(HO))?.awards[0]?.polyuAward).toBe(false);
    const back = await registry.importCsv(Readable.from([`${header},polyu_award\n${hoRow},Yes\n`]));
    expect(back.imported.awards.updated).toBe(1);
    expect((await registry.findGraduateByIdentity(HO))?.awards[0]?.polyuAward).toBe(true);
  });

  it('registers: the NetID and alias come from the Display Name, and "Completion of NetID Registration" carries the NetID', async () => {
    const mail = await smtp.waitForMessage(
      (message) => recipients(message).includes('chan.taiman@old.example.com') && !/\b\d{6}\b/.test(message.text ?? ''),
      10_000,
    );
    expect(mail.subject).toBe('Completion of NetID Registration');
    expect(mail.text).toContain('chan.tai-man');
    expect(mail.text).toContain('chan.tai-man@connect.polyu.hk');

    const after = smtp.messages.length;
    const done = await registerWithCode(YIP, 'Yip Mei 1968', 'yip.mei@old.example.com', { locale: 'zh-Hant' });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({
      netId: 'yip.mei.1968',
      emailAlias: 'yip.mei.1968@connect.polyu.hk',
      maskedEmail: 'y***@old.example.com',
    });
    const zh = await smtp.waitForMessage(
      (message) => recipients(message).includes('yip.mei@old.example.com') && !/\b\d{6}\b/.test(message.text ?? ''),
      10_000,
      { after },
    );
    expect(zh.subject).toContain('Completion of NetID Registration');
    expect(zh.text).toContain('yip.mei.1968');
  });

  it('creates no NetID on knowledge of the details alone: the code sent to the email on record is required', async () => {
    const after = smtp.messages.length;
    const started = await register(MAK, 'Mak Chun 1975');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      ticket: expect.any(String),
      maskedEmail: 'm***@old.example.com',
      message: expect.stringContaining('m***@old.example.com'),
    });
    const codeMail = await smtp.waitForMessage(codeMailTo('mak.chun@old.example.com'), 10_000, { after });
    const code = extractCode(codeMail);
    // Without the code there is no NetID and no account: the NetPassword does not sign in.
    const early = await request(server()).post('/api/auth/netid/sign-in').send({ netId: 'mak.chun.1975', password: PASSWORD });
    expect(early.status).toBe(401);
    const dataSource = portal.app.get(DataSource);
    expect(await dataSource.query(`SELECT 1 FROM alumni_netid WHERE net_id = 'mak.chun.1975'`)).toHaveLength(0);

    const verify = (ticket: string, value: string) =>
      request(server()).post('/api/auth/netid/register/verify').send({ ticket, code: value });
    const wrong = await verify(started.body.ticket, code === '000000' ? '111111' : '000000');
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'code-wrong', message: 'That code is not right. You have 4 tries left.' });
    expect((await verify('not-a-ticket', code)).body.code).toBe('ticket-invalid');
    const completionMails = () =>
      smtp.messages
        .slice(after)
        .filter((mail) => recipients(mail).includes('mak.chun@old.example.com') && mail.subject === 'Completion of NetID Registration');
    expect(completionMails()).toHaveLength(0);

    const done = await verify(started.body.ticket, code);
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ netId: 'mak.chun.1975', maskedEmail: 'm***@old.example.com' });
    const completion = await smtp.waitForMessage(
      (mail) => recipients(mail).includes('mak.chun@old.example.com') && mail.subject === 'Completion of NetID Registration',
      10_000,
      { after },
    );
    expect(completion.text).toContain('mak.chun.1975');
    // Used once.
    expect((await verify(started.body.ticket, code)).body.code).toBe('ticket-invalid');
    await request(server()).post('/api/auth/netid/sign-in').send({ netId: 'mak.chun.1975', password: PASSWORD }).expect(200);
  });

  it("sends the code to the account's registered email when there is one (not the registry's), and puts the NetID on that account", async () => {
    const graduate = await portal.app.get(RegistryService).findGraduateByIdentity(LAM);
    const account = await portal.app.get(AlumniAccountRepository).create(graduate!.id, 'lam.po@new.example.com', 'en', new Date());
    const after = smtp.messages.length;
    const started = await register(LAM, 'Lam Po 1971');
    expect(started.status).toBe(202);
    expect(started.body.maskedEmail).toBe('l***@new.example.com');
    const code = extractCode(await smtp.waitForMessage(codeMailTo('lam.po@new.example.com'), 10_000, { after }));
    const done = await request(server()).post('/api/auth/netid/register/verify').send({ ticket: started.body.ticket, code });
    expect(done.status).toBe(201);
    const rows: Array<{ account_id: string }> = await portal.app
      .get(DataSource)
      .query(`SELECT account_id FROM alumni_netid WHERE net_id = 'lam.po.1971'`);
    expect(rows).toEqual([{ account_id: account.id }]);
    expect(smtp.messages.slice(after).some((mail) => recipients(mail).includes('lam.po@old.example.com'))).toBe(false);
  });

  it('answers with the FAQ messages, word for word', async () => {
    const wrong = await register({ ...HO, dateOfBirth: '1993-12-30' }, 'Ho Wing');
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'identity-not-matched', message: 'The information you entered is not correct' });
    const wrongId = await register({ ...HO, personalId: hkid('C', '345679') }, 'Ho Wing');
    expect(wrongId.body.message).toBe(NETID_MESSAGES.notCorrect);

    const again = await register(CHAN, 'Chan Tai Man Again');
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('According to our record, you have already registered an Alumni NetID before');

    // From 2011 on, the Student NetID is the Alumni NetID: the same FAQ message, with what to do.
    const student = await register(LEE, 'Lee Ka Yan');
    expect(student.status).toBe(409);
    expect(student.body).toMatchObject({
      message: NETID_MESSAGES.alreadyRegistered,
      details: { hint: expect.stringMatching(/Student NetID/) },
    });

    const noCaptcha = await request(server())
      .post('/api/auth/netid/register')
      .send({ ...HO, displayName: 'Ho Wing', password: PASSWORD });
    expect(noCaptcha.status).toBe(400);
    expect(noCaptcha.body).toMatchObject({ code: 'captcha-invalid', message: 'Invalid Captcha' });

    const taken = await register(HO, 'chan  TAI-man');
    expect(taken.status).toBe(409);
    expect(taken.body.message).toBe('Display Name has already been used by other users. Email Alias has already been used by other users.');
    // A Student NetID in the registry is taken too.
    expect((await register(HO, '14000002d')).body.message).toBe(NETID_MESSAGES.displayNameTaken);

    const badName = await register(HO, 'Ho_Wing!');
    expect(badName.status).toBe(400);
    expect(badName.body.message).toBe('Display Name can only contain alphanumeric character, hyphen and space only.');
  });

  it('refuses HKCC/SPEED graduates without a PolyU award, common passwords and a wrong HKID check digit', async () => {
    const wong = await register(WONG, 'Wong Siu Ming');
    expect(wong.status).toBe(400);
    expect(wong.body.code).toBe('netid-not-eligible');
    expect(wong.body.message).toMatch(/HKCC\/SPEED graduates with a PolyU award/);

    const common = await register(HO, 'Ho Wing', { password: 'Password123' });
    expect(common.status).toBe(400);
    expect(common.body).toMatchObject({ code: 'password-rejected', message: expect.stringMatching(/most common passwords/) });
    const short = await register(HO, 'Ho Wing', { password: 'short' });
    expect(short.body.message).toBe('The NetPassword must be at least 8 characters long.');

    const wrongDigit = hkidCheckDigit('C', '345678') === '0' ? '1' : '0';
    const badDigit = await register({ ...HO, personalId: `C345678(${wrongDigit})` }, 'Ho Wing');
    expect(badDigit.status).toBe(400);
    expect(JSON.stringify(badDigit.body.message)).toMatch(/HKID number as on your card/);
  });

  it('refuses a captcha solution sent a second time, and a forged one', async () => {
    const payload = await captcha();
    const first = await request(server())
      .post('/api/auth/netid/register')
      .send({ ...HO, dateOfBirth: '1993-01-01', displayName: 'Ho Wing', password: PASSWORD, captcha: payload });
    expect(first.body.message).toBe(NETID_MESSAGES.notCorrect); // the captcha passed; the details did not
    const replay = await request(server())
      .post('/api/auth/netid/register')
      .send({ ...HO, displayName: 'Ho Wing', password: PASSWORD, captcha: payload });
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual(expect.objectContaining({ code: 'captcha-invalid', message: 'Invalid Captcha' }));

    // The proof is the derived key (its HMAC is in the signed challenge): any other key is refused.
    const decoded = JSON.parse(Buffer.from(await captcha(), 'base64').toString('utf8')) as {
      challenge: Challenge;
      solution: { derivedKey: string };
    };
    const last = decoded.solution.derivedKey.slice(-1);
    decoded.solution.derivedKey = decoded.solution.derivedKey.slice(0, -1) + (last === '0' ? '1' : '0');
    const forged = await request(server())
      .post('/api/auth/netid/register')
      .send({ ...HO, displayName: 'Ho Wing', password: PASSWORD, captcha: Buffer.from(JSON.stringify(decoded)).toString('base64') });
    expect(forged.body.message).toBe('Invalid Captcha');
    expect((await register(HO, 'Ho Wing', { captcha: 'bm90IGpzb24=' })).body.message).toBe('Invalid Captcha');
  });

  it('lets one of two registrations racing for one Display Name win', async () => {
    const after = smtp.messages.length;
    const [ho, tse] = await Promise.all([register(HO, 'Same Name'), register(NG, 'Same Name')]);
    expect([ho.status, tse.status]).toEqual([202, 202]);
    const hoCode = extractCode(await smtp.waitForMessage(codeMailTo('ho.wing@old.example.com'), 10_000, { after }));
    const twinCode = extractCode(await smtp.waitForMessage(codeMailTo('ng.kit@old.example.com'), 10_000, { after }));
    const [first, second] = await Promise.all([
      request(server()).post('/api/auth/netid/register/verify').send({ ticket: ho.body.ticket, code: hoCode }),
      request(server()).post('/api/auth/netid/register/verify').send({ ticket: tse.body.ticket, code: twinCode }),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    const loser = first.status === 409 ? first : second;
    expect(loser.body.message).toBe(NETID_MESSAGES.displayNameTaken);
  });

  it('signs in with NetID and NetPassword: a new session id, and no way to tell an unknown NetID from a wrong password', async () => {
    const agent = request.agent(server());
    const first = await agent.post('/api/auth/netid/sign-in').send({ netId: ' Chan.Tai-Man ', password: PASSWORD }).expect(200);
    expect(first.body).toMatchObject({ authenticated: true, subject: { type: 'alumnus', roles: ['alumnus'] } });
    const cookie1 = String(first.headers['set-cookie']);
    const second = await agent.post('/api/auth/netid/sign-in').send({ netId: 'chan.tai-man', password: PASSWORD }).expect(200);
    expect(String(second.headers['set-cookie'])).not.toBe(cookie1);
    expect((await agent.get('/api/session').expect(200)).body.authenticated).toBe(true);

    const time = async (netId: string) => {
      const started = performance.now();
      const response = await request(server()).post('/api/auth/netid/sign-in').send({ netId, password: 'not the password' });
      return { ms: performance.now() - started, status: response.status, body: response.body };
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      const w = await time('yip.mei.1968');
      const u = await time(`nobody.${i}`);
      expect(u.status).toBe(w.status);
      expect(u.body).toEqual(w.body);
      wrong.push(w.ms);
      unknown.push(u.ms);
    }
    expect(wrong[0]).toBeGreaterThan(0);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1];
    // Both verify an argon2id hash: similar timing (a missing hash would answer many times faster).
    const ratio = median(unknown) / median(wrong);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  const signInFrom = (ip: string, password: string, netId = 'yip.mei.1968') =>
    request(server()).post('/api/auth/netid/sign-in').set('X-Forwarded-For', ip).send({ netId, password });

  it('stops brute force on a NetID: 429 after 5 tries from one address, the right password refused there until the window passes', async () => {
    for (let i = 0; i < 5; i++) await signInFrom('203.0.113.1', `guess number ${i}`).expect(401);
    const blocked = await signInFrom('203.0.113.1', 'guess again').expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    const right = await signInFrom('203.0.113.1', PASSWORD);
    expect(right.status).toBe(429);
    expect(right.body.message).toMatch(/^Too many sign-in attempts for this NetID\. Please wait/);
    offsetMs += 15 * 60_000;
    await signInFrom('203.0.113.1', PASSWORD).expect(200);
  });

  it('lets the owner in from another address while a stranger is locked out, and stops guessing from many addresses', async () => {
    // A stranger uses up their own attempts on the NetID: the owner, elsewhere, still signs in.
    for (let i = 0; i < 5; i++) await signInFrom('198.51.100.7', `stranger ${i}`).expect(401);
    await signInFrom('198.51.100.7', 'stranger again').expect(429);
    await signInFrom('192.0.2.10', PASSWORD).expect(200);
    // Right passwords cost nothing: they never add up to a lockout.
    for (let i = 0; i < 12; i++) await signInFrom(`192.0.2.${20 + (i % 3)}`, PASSWORD, 'chan.tai-man').expect(200);

    // Guesses spread over many addresses end at the NetID's failure limit (10 per window), right password or not.
    for (let i = 5; i < 10; i++) await signInFrom(`198.51.100.${i + 10}`, `spread guess ${i}`).expect(401);
    const refused = await signInFrom('198.51.100.99', 'spread guess 10');
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/^Too many sign-in attempts for this NetID\. Please wait/);
    await signInFrom('192.0.2.11', PASSWORD).expect(429);
    offsetMs += 15 * 60_000;
    await signInFrom('192.0.2.11', PASSWORD).expect(200);
  });

  it('evaluates at most 5 of 20 parallel guesses of a code, and refuses the right code after them', async () => {
    const after = smtp.messages.length;
    const started = await request(server())
      .post('/api/auth/netid/forgot-netid/start')
      .send({ ...CHAN })
      .expect(202);
    const code = extractCode(await smtp.waitForMessage(codeMailTo('chan.taiman@old.example.com'), 10_000, { after }));
    const wrongCode = (i: number) => {
      const guess = String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
      return guess === code ? '999999' : guess;
    };
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(server())
          .post('/api/auth/netid/forgot-netid/verify')
          .send({ ticket: started.body.ticket, code: wrongCode(i) }),
      ),
    );
    const evaluated = answers.filter((answer) => /^That code is not right/.test(String(answer.body.message)));
    const refused = answers.filter((answer) => !/^That code is not right/.test(String(answer.body.message)));
    expect(evaluated.length).toBeLessThanOrEqual(5);
    expect(evaluated.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect([400, 429]).toContain(answer.status);
      expect(['code-tries-used', 'rate-limited']).toContain(answer.body.code);
    }
    const rows: Array<{ failed_tries: number }> = await portal.app
      .get(DataSource)
      .query(`SELECT o.failed_tries FROM one_time_code o WHERE o.purpose = 'netid-recovery' ORDER BY o.created_at DESC LIMIT 1`);
    expect(rows[0]?.failed_tries).toBe(5);
    const right = await request(server()).post('/api/auth/netid/forgot-netid/verify').send({ ticket: started.body.ticket, code });
    expect(right.status).toBe(400);
    expect(right.body.code).toBe('code-tries-used');
  });

  it('Forgot NetID: details, the emailed code, the NetID shown', async () => {
    const wrong = await request(server())
      .post('/api/auth/netid/forgot-netid/start')
      .send({ ...CHAN, givenName: 'Tai Ming' })
      .expect(400);
    expect(wrong.body.message).toBe(NETID_MESSAGES.notCorrect);
    const after = smtp.messages.length;
    const started = await request(server()).post('/api/auth/netid/forgot-netid/start').send(CHAN).expect(202);
    expect(started.body.maskedEmail).toBe('c***@old.example.com');
    const code = extractCode(await smtp.waitForMessage(codeMailTo('chan.taiman@old.example.com'), 10_000, { after }));
    const bad = await request(server())
      .post('/api/auth/netid/forgot-netid/verify')
      .send({ ticket: started.body.ticket, code: code === '000000' ? '111111' : '000000' })
      .expect(400);
    expect(bad.body.message).toBe('That code is not right. You have 4 tries left.');
    const shown = await request(server()).post('/api/auth/netid/forgot-netid/verify').send({ ticket: started.body.ticket, code });
    expect(shown.body).toEqual({ netId: 'chan.tai-man' });
    expect(shown.status).toBe(200);
    // Single use.
    await request(server()).post('/api/auth/netid/forgot-netid/verify').send({ ticket: started.body.ticket, code }).expect(400);
  });

  it('Forgot NetID shows a 2011+ alumnus their Student NetID (their Alumni NetID) once their email is registered', async () => {
    const start = () => request(server()).post('/api/auth/netid/forgot-netid/start').send(LEE);
    expect((await start().expect(400)).body.message).toBe(NETID_MESSAGES.notCorrect); // no registered email yet
    await registerAndSignIn(server(), smtp, { ...LEE, email: 'lee.kayan@old.example.com' });
    const after = smtp.messages.length;
    const started = await start().expect(202);
    const code = extractCode(await smtp.waitForMessage(codeMailTo('lee.kayan@old.example.com'), 10_000, { after }));
    const shown = await request(server()).post('/api/auth/netid/forgot-netid/verify').send({ ticket: started.body.ticket, code });
    expect(shown.body).toEqual({ netId: '14000002d' });
    // Its NetPassword is the university's: no reset here.
    const reset = await request(server())
      .post('/api/auth/netid/forgot-password/start')
      .send({ ...LEE, netId: '14000002d' })
      .expect(400);
    expect(reset.body.message).toBe(NETID_MESSAGES.notCorrect);
  });

  it('Forgot NetPassword: a new NetPassword after the emailed code, and every session of the account ends', async () => {
    const phone = request.agent(server());
    const laptop = request.agent(server());
    await phone.post('/api/auth/netid/sign-in').send({ netId: 'chan.tai-man', password: PASSWORD }).expect(200);
    await laptop.post('/api/auth/netid/sign-in').send({ netId: 'chan.tai-man', password: PASSWORD }).expect(200);

    const notMine = await request(server())
      .post('/api/auth/netid/forgot-password/start')
      .send({ ...CHAN, netId: 'yip.mei.1968' })
      .expect(400);
    expect(notMine.body.message).toBe(NETID_MESSAGES.notCorrect);

    const after = smtp.messages.length;
    const started = await request(server())
      .post('/api/auth/netid/forgot-password/start')
      .send({ ...CHAN, netId: 'CHAN.TAI-MAN' })
      .expect(202);
    const code = extractCode(await smtp.waitForMessage(codeMailTo('chan.taiman@old.example.com'), 10_000, { after }));
    const common = await request(server())
      .post('/api/auth/netid/forgot-password/reset')
      .send({ ticket: started.body.ticket, code, password: 'qwertyuiop' })
      .expect(400);
    expect(common.body.code).toBe('password-rejected');
    const reset = await request(server())
      .post('/api/auth/netid/forgot-password/reset')
      .send({ ticket: started.body.ticket, code, password: 'a brand new netpassword' })
      .expect(200);
    expect(reset.body).toMatchObject({ netId: 'chan.tai-man', sessionsEnded: expect.any(Number) });
    expect(reset.body.sessionsEnded).toBeGreaterThanOrEqual(2);

    expect((await phone.get('/api/session').expect(200)).body).toEqual({ authenticated: false });
    expect((await laptop.get('/api/session').expect(200)).body).toEqual({ authenticated: false });
    await request(server()).post('/api/auth/netid/sign-in').send({ netId: 'chan.tai-man', password: PASSWORD }).expect(401);
    await request(server())
      .post('/api/auth/netid/sign-in')
      .send({ netId: 'chan.tai-man', password: 'a brand new netpassword' })
      .expect(200);
  });

  it("lets the AAO see a person's NetIDs and confirm the Alumni NetID (audited); alumni may not", async () => {
    await portal.app
      .get(StaffService)
      .create({ email: 'aao@example.edu', name: 'Ada Admin', role: 'aao-admin', password: 'staff password for tests' });
    const staff = await staffSignIn(server(), smtp, 'aao@example.edu', 'staff password for tests');
    const graduate = await portal.app.get(RegistryService).findByStudentNetId('15000007g');
    const listed = await staff.agent.get(`/api/staff/netids/${graduate!.id}`).expect(200);
    expect(listed.body).toEqual({
      netIds: [
        { netId: '12000007g', kind: 'student', studentNumber: '90000007G', confirmed: false },
        { netId: '15000007g', kind: 'student', studentNumber: '95000007G', confirmed: false },
      ],
      confirmedNetId: null,
    });
    const refused = await staff.agent
      .put(`/api/staff/netids/${graduate!.id}/alumni-netid`)
      .set('x-csrf-token', staff.csrf)
      .send({ netId: 'chan.tai-man' })
      .expect(404);
    expect(refused.body.message).toMatch(/is not one of this person's NetIDs \(12000007g, 15000007g\)/);
    const confirmed = await staff.agent
      .put(`/api/staff/netids/${graduate!.id}/alumni-netid`)
      .set('x-csrf-token', staff.csrf)
      .send({ netId: '12000007G' })
      .expect(200);
    expect(confirmed.body.confirmedNetId).toBe('12000007g');
    const audit = await portal.app.get(AuditService).list({ action: 'staff.netid.confirm-alumni-netid' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 'success', targetId: graduate!.id, details: { netId: '12000007g', previous: null } });

    const alumnus = request.agent(server());
    await alumnus.post('/api/auth/netid/sign-in').send({ netId: 'yip.mei.1968', password: PASSWORD }).expect(200);
    await alumnus.get(`/api/staff/netids/${graduate!.id}`).expect(403);
  });
});
