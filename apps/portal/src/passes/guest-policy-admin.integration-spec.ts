import { campusDayOf, campusDayToIsoDate, decodePass } from '@campuspass/pass-token';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { activateEcard, ALICE, seedRegistry } from '../../../../test/support/ecard-fixtures.js';
import { post, registerAndSignIn, send, type HttpSession } from '../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AAO_ADMIN, AUDITOR, createStaffAndSignIn, SECURITY_GUARD } from '../../../../test/support/staff-fixtures.js';
import { AuditService } from '../admin/audit.service.js';
import { KeysService } from '../keys/keys.service.js';

const DAY_MS = 86_400_000;
const VALID = { maxDaysAhead: 3, maxGuestsPerDay: 2, purposes: ['Alumni dinner', 'Library visit'], singleEntry: true };

describe('AAO guest policy (PostgreSQL, real HTTP app)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  const sessions: Record<string, HttpSession> = {};
  const server = () => portal.app.getHttpServer();
  const isoIn = (days: number) => campusDayToIsoDate(campusDayOf(Date.now()) + days);
  const query = <T>(sql: string, params: unknown[] = []) => portal.app.get(DataSource).query(sql, params) as Promise<T>;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://alumni.example.edu' }, { workers: true });
    await seedRegistry(portal);
    await portal.app.get(KeysService).rotate({ now: new Date(Date.now() - 3 * DAY_MS) });
    sessions.admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
    sessions.auditor = await createStaffAndSignIn(portal, smtp, AUDITOR);
    sessions.guard = await createStaffAndSignIn(portal, smtp, SECURITY_GUARD);
    sessions.alice = await registerAndSignIn(server(), smtp, ALICE);
    await activateEcard(sessions.alice, 5);
  });

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  it('shows the policy to AAO admins and auditors only; signed out 401', async () => {
    const policy = await sessions.admin!.agent.get('/api/admin/guest-policy').expect(200);
    expect(policy.body).toEqual({
      maxDaysAhead: 14,
      maxGuestsPerDay: 5,
      purposes: ['Visit', 'Campus tour', 'Event', 'Library', 'Sports facilities', 'Dining', 'Meeting'],
      singleEntry: false,
      updatedAt: expect.any(String),
    });
    expect((await sessions.auditor!.agent.get('/api/admin/guest-policy').expect(200)).body).toEqual(policy.body);
    await sessions.alice!.agent.get('/api/admin/guest-policy').expect(403);
    await sessions.guard!.agent.get('/api/admin/guest-policy').expect(403);
    await request(server()).get('/api/admin/guest-policy').expect(401);
  });

  it('refuses an invalid policy with a message per problem, and changes nothing', async () => {
    const before = (await sessions.admin!.agent.get('/api/admin/guest-policy').expect(200)).body;
    const cases: Array<[object, RegExp]> = [
      [{ ...VALID, maxDaysAhead: -1 }, /maxDaysAhead must be a whole number of days from 0 to 365/],
      [{ ...VALID, maxDaysAhead: 366 }, /maxDaysAhead must be a whole number of days from 0 to 365/],
      [{ ...VALID, maxDaysAhead: 1.5 }, /maxDaysAhead must be a whole number/],
      [{ ...VALID, maxDaysAhead: '3' }, /maxDaysAhead must be a whole number/],
      [{ ...VALID, maxGuestsPerDay: 0 }, /maxGuestsPerDay must be a whole number from 1 to 50/],
      [{ ...VALID, maxGuestsPerDay: 51 }, /maxGuestsPerDay must be a whole number from 1 to 50/],
      [{ ...VALID, purposes: [] }, /at least one purpose/],
      [{ ...VALID, purposes: Array.from({ length: 31 }, (_, index) => `Purpose ${index}`) }, /at most 30 purposes/],
      [{ ...VALID, purposes: ['Visit', '   '] }, /A purpose cannot be empty/],
      [{ ...VALID, purposes: ['Visit', ' visit '] }, /only once/],
      [{ ...VALID, purposes: ['x'.repeat(101)] }, /at most 100 characters/],
      [{ ...VALID, purposes: ['Visit', 7] }, /Each purpose must be text/],
      [{ ...VALID, purposes: 'Visit' }, /list of purposes/],
      [{ ...VALID, singleEntry: 'yes' }, /singleEntry must be true or false/],
      [{ maxDaysAhead: 3 }, /maxGuestsPerDay/],
      [{ ...VALID, extra: 1 }, /property extra should not exist/],
    ];
    for (const [body, message] of cases) {
      const refused = await send(sessions.admin!, 'put', '/api/admin/guest-policy', body);
      expect({ body, status: refused.status }).toEqual({ body, status: 400 });
      expect(JSON.stringify(refused.body)).toMatch(message);
    }
    expect((await sessions.admin!.agent.get('/api/admin/guest-policy').expect(200)).body).toEqual(before);
    expect(await portal.app.get(AuditService).list({ action: 'admin.guest-policy.update' })).toEqual([]);
  });

  it('lets only AAO admins change it', async () => {
    await send(sessions.auditor!, 'put', '/api/admin/guest-policy', VALID).expect(403);
    await send(sessions.guard!, 'put', '/api/admin/guest-policy', VALID).expect(403);
    await send(sessions.alice!, 'put', '/api/admin/guest-policy', VALID).expect(403);
    await request(server()).put('/api/admin/guest-policy').send(VALID).expect(401);
  });

  it('applies a change to new guest passes (audited with before and after), leaving issued passes as they were', async () => {
    const oldPurpose = 'Visit';
    const issued = (
      await post(sessions.alice!, '/api/guest-passes', { date: isoIn(10), purpose: oldPurpose, guests: ['Olivia Old'] }).expect(201)
    ).body as Array<{ id: string; qrText: string }>;
    expect(decodePass(issued[0]!.qrText).fields.flags).toEqual({ singleEntry: false });

    const changed = await send(sessions.admin!, 'put', '/api/admin/guest-policy', {
      ...VALID,
      purposes: ['  Alumni   dinner ', 'Library visit'],
    }).expect(200);
    expect(changed.body).toEqual({ ...VALID, updatedAt: expect.any(String) });
    const [audit] = await portal.app.get(AuditService).list({ action: 'admin.guest-policy.update' });
    const [{ id: adminId }] = await query<Array<{ id: string }>>(`SELECT id FROM staff_account WHERE email = $1`, [AAO_ADMIN.email]);
    expect(audit).toMatchObject({
      actorType: 'staff',
      actorId: adminId,
      outcome: 'success',
      details: {
        before: {
          maxDaysAhead: 14,
          maxGuestsPerDay: 5,
          purposes: ['Visit', 'Campus tour', 'Event', 'Library', 'Sports facilities', 'Dining', 'Meeting'],
          singleEntry: false,
        },
        after: VALID,
      },
    });

    // The alumnus's form now offers the new purposes and limits.
    const policy = (await sessions.alice!.agent.get('/api/guest-passes/policy').expect(200)).body;
    expect(policy).toMatchObject({ maxDaysAhead: 3, maxGuestsPerDay: 2, purposes: VALID.purposes, lastDate: isoIn(3), singleEntry: true });
    const refusals: Array<[object, string, RegExp]> = [
      [{ date: isoIn(1), purpose: oldPurpose, guests: ['A'] }, 'guest-purpose-invalid', /Alumni dinner, Library visit/],
      [{ date: isoIn(4), purpose: 'Alumni dinner', guests: ['A'] }, 'guest-date-invalid', /at most 3 days ahead/],
      [{ date: isoIn(1), purpose: 'Alumni dinner', guests: ['A', 'B', 'C'] }, 'guest-limit-exceeded', /at most 2 guests per day/],
    ];
    for (const [body, code, message] of refusals) {
      const refused = await post(sessions.alice!, '/api/guest-passes', body).expect(400);
      expect(refused.body.code).toBe(code);
      expect(JSON.stringify(refused.body)).toMatch(message);
    }
    const created = (
      await post(sessions.alice!, '/api/guest-passes', {
        date: isoIn(3),
        purpose: 'Library visit',
        guests: ['Nina New', 'Ned New'],
      }).expect(201)
    ).body as Array<{ qrText: string }>;
    expect(created).toHaveLength(2);
    expect(decodePass(created[0]!.qrText).fields.flags).toEqual({ singleEntry: true });

    // The pass issued before the change: same purpose, date, status and QR as issued (day +10 is past the new limit).
    const [stored] = await query<Array<{ purpose: string; status: string; qr_text: string; campus_day: number }>>(
      `SELECT purpose, status, qr_text, campus_day FROM pass WHERE id = $1`,
      [issued[0]!.id],
    );
    expect(stored).toEqual({ purpose: oldPurpose, status: 'active', qr_text: issued[0]!.qrText, campus_day: campusDayOf(Date.now()) + 10 });
    const listed = (await sessions.alice!.agent.get('/api/guest-passes').expect(200)).body as Array<{
      id: string;
      purpose: string;
      status: string;
    }>;
    expect(listed.find((pass) => pass.id === issued[0]!.id)).toMatchObject({ purpose: oldPurpose, status: 'valid' });
  });
});
