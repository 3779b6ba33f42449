import { jest } from '@jest/globals';
import { campusDayOf, campusDayToIsoDate, decodePass } from '@campuspass/pass-token';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { activateEcard, ALICE, BOB, ecardOf, guestPassPurpose, seedRegistry } from '../../../../test/support/ecard-fixtures.js';
import { post, registerAndSignIn, type HttpSession } from '../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AAO_ADMIN, createStaffAndSignIn } from '../../../../test/support/staff-fixtures.js';
import { AuditService } from '../admin/audit.service.js';
import { Clock } from '../identity/clock.js';
import { RateLimitService } from '../identity/rate-limit.service.js';
import { KeysService } from '../keys/keys.service.js';
import { PASSES_RATE_LIMITS } from './passes.service.js';

interface GuestView {
  id: string;
  qrText: string;
  share: { link: string };
}

describe('Passes: eCard revocation atomicity, rate limits, single-entry guest passes (PostgreSQL, real HTTP app)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  const sessions: Record<string, HttpSession> = {};
  const server = () => portal.app.getHttpServer();
  const today = () => campusDayOf(Date.now());
  const isoIn = (days: number) => campusDayToIsoDate(today() + days);
  const query = <T>(sql: string, params: unknown[] = []) => portal.app.get(DataSource).query(sql, params) as Promise<T>;
  const createGuests = async (session: HttpSession, days: number, guests: string[]) =>
    (await post(session, '/api/guest-passes', { date: isoIn(days), purpose: await guestPassPurpose(session), guests }).expect(201))
      .body as GuestView[];
  /** Fixed clock: a rate-limit window cannot end in the middle of a test. */
  const freezeClock = () => jest.spyOn(portal.app.get(Clock), 'now').mockReturnValue(new Date());

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://alumni.example.edu' }, { workers: true });
    await seedRegistry(portal);
    await portal.app.get(KeysService).rotate({ now: new Date() });
    sessions.admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
    sessions.alice = await registerAndSignIn(server(), smtp, ALICE);
    sessions.bob = await registerAndSignIn(server(), smtp, BOB);
    await activateEcard(sessions.alice, 1);
    await activateEcard(sessions.bob, 2);
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  it('issues guest passes multi-entry by default, and single-entry once the AAO turns it on', async () => {
    const alice = sessions.alice!;
    expect((await alice.agent.get('/api/guest-passes/policy').expect(200)).body.singleEntry).toBe(false);
    const [multi] = await createGuests(alice, 1, ['Multi Entry']);
    expect(decodePass(multi!.qrText).fields.flags).toEqual({ singleEntry: false });

    await query(`UPDATE guest_policy SET single_entry = true`);
    expect((await alice.agent.get('/api/guest-passes/policy').expect(200)).body.singleEntry).toBe(true);
    const [single] = await createGuests(alice, 1, ['Single Entry']);
    expect(decodePass(single!.qrText).fields).toMatchObject({ kind: 'guest', flags: { singleEntry: true } });
    // The alumni day pass is not a guest pass: unaffected.
    const day = (await alice.agent.get('/api/passes/today').expect(200)).body;
    expect(decodePass(day.qrText).fields.flags).toEqual({ singleEntry: false });
    await query(`UPDATE guest_policy SET single_entry = false`);
  });

  it('limits the public guest page per client IP (429 with a clear message and Retry-After)', async () => {
    freezeClock();
    const [guest] = (await sessions.alice!.agent.get('/api/guest-passes').expect(200)).body as GuestView[];
    const token = guest!.share.link.split('/g/')[1]!;
    const { limit } = PASSES_RATE_LIMITS.guestPagePerIp;
    for (let index = 0; index < limit - 1; index++) await request(server()).get(`/api/public/guest-passes/${token}`).expect(200);
    // Unknown links count too: guessing links is what the limit is for.
    await request(server()).get('/api/public/guest-passes/not-a-real-token').expect(404);
    const refused = await request(server()).get(`/api/public/guest-passes/${token}`).expect(429);
    expect(refused.body).toMatchObject({ code: 'rate-limited', message: expect.stringMatching(/Too many guest page requests.*wait/) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits emails of guest passes per pass and per account (429), sending nothing more', async () => {
    freezeClock();
    const bob = sessions.bob!;
    const { id: accountId } = (await query<Array<{ id: string }>>(`SELECT id FROM alumni_account WHERE email = 'bob@example.com'`))[0]!;
    const passes = await createGuests(bob, 2, ['G One', 'G Two']);
    const share = (pass: GuestView) => post(bob, `/api/guest-passes/${pass.id}/share/email`, { to: 'guest@example.com', locale: 'en' });
    const toGuest = () => smtp.messages.filter((mail) => JSON.stringify(mail.to).includes('guest@example.com')).length;
    const perPass = PASSES_RATE_LIMITS.shareEmailPerPass.limit;
    const perAccount = PASSES_RATE_LIMITS.shareEmailPerAccount.limit;

    for (let index = 0; index < perPass; index++) await share(passes[0]!).expect(202);
    const perPassRefusal = await share(passes[0]!).expect(429);
    expect(perPassRefusal.body).toMatchObject({
      code: 'rate-limited',
      message: expect.stringMatching(/Too many emails of this guest pass/),
    });
    expect(Number(perPassRefusal.headers['retry-after'])).toBeGreaterThan(0);

    // Only the shares that went out count against the account (not the one the pass's limit refused): spend what
    // is left of it but one, on the same limiter the portal uses, then the next share goes out and the one after
    // is refused. Had the refused share been counted, that next share would be refused too.
    const rateLimits = portal.app.get(RateLimitService);
    for (let used = perPass; used < perAccount - 1; used++) {
      await rateLimits.count(PASSES_RATE_LIMITS.shareEmailPerAccount, `account:${accountId}`);
    }
    await share(passes[1]!).expect(202);
    const perAccountRefusal = await share(passes[1]!).expect(429);
    expect(perAccountRefusal.body).toMatchObject({
      code: 'rate-limited',
      message: expect.stringMatching(/Too many guest passes emailed from your account/),
    });
    // The account's refusal did not spend the second pass's own limit either (one share of it went out).
    const [counted] = await query<Array<{ hits: number }>>(
      `SELECT coalesce(sum(hits), 0)::int AS hits FROM rate_limit_counter WHERE name = $1`,
      [PASSES_RATE_LIMITS.shareEmailPerPass.name],
    );
    expect(counted!.hits).toBe(perPass + 1 + 1);

    const accepted = perPass + 1;
    const deadline = Date.now() + 20_000;
    while (toGuest() < accepted && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(toGuest()).toBe(accepted);
  }, 120_000);

  it('revokes an eCard and its passes in one transaction: a failing pass update leaves the card active', async () => {
    const alice = sessions.alice!;
    const dayPass = (await alice.agent.get('/api/passes/today').expect(200)).body;
    const { id: ecardId } = await ecardOf(portal, ALICE.email);
    await query(`CREATE FUNCTION test_fail_pass_revoke() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN RAISE EXCEPTION 'injected failure while revoking passes'; END $$`);
    await query(`CREATE TRIGGER test_fail_pass_revoke BEFORE UPDATE ON pass FOR EACH ROW
                 WHEN (NEW.status = 'revoked') EXECUTE FUNCTION test_fail_pass_revoke()`);
    try {
      await post(sessions.admin!, `/api/admin/ecards/${ecardId}/revoke`, { reason: 'Not a graduate' }).expect(500);
    } finally {
      await query(`DROP TRIGGER test_fail_pass_revoke ON pass`);
      await query(`DROP FUNCTION test_fail_pass_revoke()`);
    }
    expect(await query(`SELECT status, revoked_at FROM ecard WHERE id = $1`, [ecardId])).toEqual([{ status: 'active', revoked_at: null }]);
    expect(await query(`SELECT status FROM pass WHERE id = $1`, [dayPass.passId])).toEqual([{ status: 'active' }]);
    expect(await portal.app.get(AuditService).list({ action: 'ecard.revoke' })).toEqual([]);
    expect((await alice.agent.get('/api/passes/today').expect(200)).body.passId).toBe(dayPass.passId);

    // Without the fault both change, with one commit: a reader never sees a revoked card with live passes.
    const revoked = await post(sessions.admin!, `/api/admin/ecards/${ecardId}/revoke`, { reason: 'Not a graduate' }).expect(200);
    expect(revoked.body).toMatchObject({ status: 'revoked', revocationReason: 'Not a graduate' });
    const [card] = await query<Array<{ revoked_at: Date; xmin: string }>>(`SELECT revoked_at, xmin::text FROM ecard WHERE id = $1`, [
      ecardId,
    ]);
    const passes = await query<Array<{ status: string; revoked_at: Date; xmin: string }>>(
      `SELECT status, revoked_at, xmin::text FROM pass WHERE ecard_id = $1 AND campus_day >= $2`,
      [ecardId, today()],
    );
    expect(passes.length).toBeGreaterThan(1);
    for (const pass of passes) {
      expect(pass).toMatchObject({ status: 'revoked', revoked_at: card!.revoked_at, xmin: card!.xmin });
    }
    expect((await portal.app.get(AuditService).list({ action: 'ecard.revoke' })).map((event) => event.outcome)).toEqual(['success']);
    expect((await portal.app.get(AuditService).list({ action: 'pass.revoke' }))[0]).toMatchObject({
      details: { passIds: expect.arrayContaining([dayPass.passId]) },
    });
    await post(sessions.admin!, `/api/admin/ecards/${ecardId}/revoke`, { reason: 'again' }).expect(409);
  });
});
