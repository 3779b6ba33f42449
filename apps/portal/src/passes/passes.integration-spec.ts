import { verify } from 'node:crypto';
import { jest } from '@jest/globals';
import { bytesToHex, campusDayOf, campusDayStart, campusDayToIsoDate, decodeBase45, decodePass, QR_PREFIX } from '@campuspass/pass-token';
import sharp from 'sharp';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { activateEcard, ALICE, BOB, ecardOf, seedRegistry } from '../../../../test/support/ecard-fixtures.js';
import { ed25519PublicKey } from '../../../../test/support/ed25519.js';
import { post, registerAndSignIn, type HttpSession } from '../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AAO_ADMIN, createStaffAndSignIn } from '../../../../test/support/staff-fixtures.js';
import { AuditService } from '../admin/audit.service.js';
import { Clock } from '../identity/clock.js';
import { KeysService } from '../keys/keys.service.js';
import { GUEST_PASS_QR_CID } from '../mail/mail-templates.js';
import { PassesService } from './passes.service.js';
import { renderQrSvg } from './pass-presentation.js';

const DAY_MS = 86_400_000;

interface GuestView {
  id: string;
  guestName: string;
  purpose: string;
  date: string;
  dateInWords: { en: string; 'zh-Hant': string };
  status: string;
  qrText: string;
  share: { link: string; whatsappUrl: string };
}

describe('Campus access passes (PostgreSQL, real HTTP app, alumni signed in)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  const sessions: Record<string, HttpSession> = {};
  const server = () => portal.app.getHttpServer();
  const alice = () => sessions.alice!;
  const bob = () => sessions.bob!;
  const today = () => campusDayOf(Date.now());
  const isoIn = (days: number) => campusDayToIsoDate(today() + days);
  const query = <T>(sql: string, params: unknown[] = []) => portal.app.get(DataSource).query(sql, params) as Promise<T>;
  const passCount = async () => (await query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM pass'))[0]!.n;

  /** Verifies the QR text with node:crypto alone against the keys the portal publishes to gates. */
  async function verifiesWithPublishedKey(qrText: string): Promise<boolean> {
    expect(qrText.startsWith(QR_PREFIX)).toBe(true);
    const bytes = Buffer.from(decodeBase45(qrText.slice(QR_PREFIX.length)));
    const message = bytes.subarray(0, bytes.length - 64);
    const signature = bytes.subarray(bytes.length - 64);
    const keys = await portal.app.get(KeysService).publishedKeys(today());
    expect(keys.length).toBeGreaterThan(0);
    return keys.some((key) => verify(null, message, ed25519PublicKey(key.publicKey), signature));
  }

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://alumni.example.edu' }, { workers: true });
    await seedRegistry(portal);
    // Keys valid from three days ago, so the campus-day edge test may sign for yesterday.
    await portal.app.get(KeysService).rotate({ now: new Date(Date.now() - 3 * DAY_MS) });
    sessions.admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
    sessions.alice = await registerAndSignIn(server(), smtp, ALICE);
    sessions.bob = await registerAndSignIn(server(), smtp, BOB);
    await activateEcard(alice(), 1);
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  it('refuses a day pass without an active eCard, with a message that says what to do', async () => {
    const refused = await bob().agent.get('/api/passes/today').expect(403);
    expect(refused.body).toMatchObject({ code: 'ecard-not-active', message: expect.stringMatching(/activate your Alumni eCard first/) });
    await request(server()).get('/api/passes/today').expect(401);
    expect(await passCount()).toBe(0);
    await activateEcard(bob(), 2);
  });

  it('issues one day pass per eCard per campus day, even to parallel requests; it verifies with node:crypto and decodes', async () => {
    const responses = await Promise.all(Array.from({ length: 6 }, () => alice().agent.get('/api/passes/today')));
    for (const response of responses) expect(response.status).toBe(200);
    const passIds = new Set(responses.map((response) => response.body.passId as string));
    expect(passIds.size).toBe(1);
    expect(await passCount()).toBe(1);

    const pass = responses[0]!.body;
    const ecard = await ecardOf(portal, 'alice@example.com');
    expect(pass).toMatchObject({
      campusDay: today(),
      date: campusDayToIsoDate(today()),
      dateInWords: {
        en: expect.stringMatching(/^\w+day, \d{1,2} \w+ \d{4}$/),
        'zh-Hant': expect.stringMatching(/^\d{4}年\d{1,2}月\d{1,2}日星期.$/),
      },
    });
    expect(pass.qrText.length).toBeLessThan(170);
    expect(pass.qrSvg).toBe(await renderQrSvg(pass.qrText));
    expect(pass.qrSvg).toMatch(/^<svg /);
    expect(await verifiesWithPublishedKey(pass.qrText)).toBe(true);
    const decoded = decodePass(pass.qrText);
    expect(decoded.fields).toEqual({
      kind: 'alumni-day',
      passId: (pass.passId as string).replaceAll('-', ''),
      campusDay: today(),
      scope: 0,
      flags: { singleEntry: false },
      ecardId: ecard.id,
    });
    const keys = await portal.app.get(KeysService).publishedKeys(today());
    expect(keys.map((key) => key.kid)).toContain(bytesToHex(decoded.kid));

    // A tampered pass does not verify.
    const tampered = pass.qrText.slice(0, 20) + (pass.qrText[20] === 'A' ? 'B' : 'A') + pass.qrText.slice(21);
    expect(await verifiesWithPublishedKey(tampered)).toBe(false);
    expect((await alice().agent.get('/api/passes/today').expect(200)).body.passId).toBe(pass.passId);
  });

  it('changes the day pass exactly at Hong Kong midnight (15:59:59.999Z vs 16:00:00Z)', async () => {
    const midnight = campusDayStart(today()); // 16:00:00.000Z of the previous UTC date
    expect(midnight.toISOString()).toMatch(/T16:00:00\.000Z$/);
    const { account_id: accountId } = await ecardOf(portal, 'bob@example.com');
    const clock = jest.spyOn(portal.app.get(Clock), 'now');
    const passes = portal.app.get(PassesService);

    clock.mockReturnValue(new Date(midnight.getTime() - 1));
    const before = await passes.todayPass(accountId);
    clock.mockReturnValue(new Date(midnight.getTime()));
    const after = await passes.todayPass(accountId);
    clock.mockReturnValue(new Date(midnight.getTime() + DAY_MS - 1)); // 23:59:59.999 Hong Kong time
    const lateSameDay = await passes.todayPass(accountId);

    expect(before.campusDay).toBe(today() - 1);
    expect(before.date).toBe(campusDayToIsoDate(today() - 1));
    expect(after.campusDay).toBe(today());
    expect(after.passId).not.toBe(before.passId);
    expect(lateSameDay.passId).toBe(after.passId);
    expect(decodePass(before.qrText).fields.campusDay).toBe(today() - 1);
    expect(await verifiesWithPublishedKey(after.qrText)).toBe(true);
  });

  it('creates one signed guest pass per guest, with share links', async () => {
    const policy = await alice().agent.get('/api/guest-passes/policy').expect(200);
    expect(policy.body).toMatchObject({ maxDaysAhead: 14, maxGuestsPerDay: 5, firstDate: isoIn(0), lastDate: isoIn(14) });
    const purpose = policy.body.purposes[0] as string;

    const created = await post(alice(), '/api/guest-passes', { date: isoIn(1), purpose, guests: ['Chan Tai Man', ' 李小龍 '] }).expect(201);
    expect(created.body).toHaveLength(2);
    const ecard = await ecardOf(portal, 'alice@example.com');
    for (const [index, pass] of (created.body as GuestView[]).entries()) {
      expect(pass).toMatchObject({
        guestName: ['Chan Tai Man', '李小龍'][index],
        purpose,
        date: isoIn(1),
        status: 'valid',
        share: { link: expect.stringMatching(/^https:\/\/alumni\.example\.edu\/g\/[A-Za-z0-9_-]{43}$/) },
      });
      expect(pass.share.whatsappUrl.startsWith('https://wa.me/?text=')).toBe(true);
      expect(decodeURIComponent(pass.share.whatsappUrl.slice('https://wa.me/?text='.length))).toContain(pass.share.link);
      expect(await verifiesWithPublishedKey(pass.qrText)).toBe(true);
      expect(decodePass(pass.qrText).fields).toEqual({
        kind: 'guest',
        passId: (pass.id as string).replaceAll('-', ''),
        campusDay: today() + 1,
        scope: 0,
        flags: { singleEntry: false },
        hostEcardId: ecard.id,
        guestIndex: index + 1,
      });
    }
    const list = await alice().agent.get('/api/guest-passes').expect(200);
    expect(list.body.map((pass: { id: string }) => pass.id)).toEqual(created.body.map((pass: { id: string }) => pass.id));
    const one = await alice().agent.get(`/api/guest-passes/${created.body[0].id}`).expect(200);
    expect(one.body.qrSvg).toBe(await renderQrSvg(created.body[0].qrText));
    expect(await portal.app.get(AuditService).list({ action: 'pass.guest.create' })).toHaveLength(1);
  });

  it('refuses bad guest requests with clear errors and stores nothing', async () => {
    const purpose = (await alice().agent.get('/api/guest-passes/policy').expect(200)).body.purposes[0] as string;
    const stored = await passCount();
    // Shape errors come from the global ValidationPipe (no code, messages listed); rule errors carry a code.
    const cases: Array<[object, number, string | undefined, RegExp]> = [
      [{ date: isoIn(-1), purpose, guests: ['A'] }, 400, 'guest-date-invalid', /has passed/],
      [{ date: isoIn(15), purpose, guests: ['A'] }, 400, 'guest-date-invalid', /at most 14 days ahead/],
      [{ date: '2026-02-30', purpose, guests: ['A'] }, 400, 'guest-date-invalid', /not a valid date/],
      [{ date: isoIn(2), purpose: 'Party', guests: ['A'] }, 400, 'guest-purpose-invalid', /from the list/],
      [
        { date: isoIn(2), purpose, guests: Array.from({ length: 500 }, (_, index) => `Guest ${index}`) },
        400,
        'guest-limit-exceeded',
        /at most 5 guests per day/,
      ],
      // Alice already has 2 guests on day +1: 4 more would make 6.
      [{ date: isoIn(1), purpose, guests: ['C', 'D', 'E', 'F'] }, 400, 'guest-limit-exceeded', /already have 2 for this date: 3 more/],
      [{ date: isoIn(2), purpose, guests: [] }, 400, undefined, /at least one guest name/],
      [{ date: isoIn(2), purpose, guests: ['x'.repeat(101)] }, 400, undefined, /1 to 100 characters/],
      [{ date: isoIn(2), purpose, guests: ['   '] }, 400, undefined, /1 to 100 characters/],
    ];
    for (const [body, status, code, message] of cases) {
      const response = await post(alice(), '/api/guest-passes', body);
      expect({ body, status: response.status, code: response.body.code }).toEqual({ body, status, code });
      expect(JSON.stringify(response.body)).toMatch(message);
    }
    expect(await passCount()).toBe(stored);
  });

  it("lets no alumnus see or cancel another's guest passes", async () => {
    const [pass] = (await alice().agent.get('/api/guest-passes').expect(200)).body as Array<{ id: string }>;
    const seen = await bob().agent.get(`/api/guest-passes/${pass!.id}`).expect(404);
    expect(seen.body).toMatchObject({ code: 'pass-not-found' });
    await post(bob(), `/api/guest-passes/${pass!.id}/cancel`).expect(404);
    await bob().agent.get('/api/guest-passes/not-a-uuid').expect(404);
    expect((await bob().agent.get('/api/guest-passes').expect(200)).body).toEqual([]);
    expect((await query<Array<{ status: string }>>('SELECT status FROM pass WHERE id = $1', [pass!.id]))[0]!.status).toBe('active');
  });

  it("emails a guest's pass with the link and the QR code inline (CID image)", async () => {
    const [pass] = (await alice().agent.get('/api/guest-passes').expect(200)).body as GuestView[];
    const after = smtp.messages.length;
    await post(bob(), `/api/guest-passes/${pass!.id}/share/email`, { to: 'guest@example.com', locale: 'en' }).expect(404);
    const bad = await post(alice(), `/api/guest-passes/${pass!.id}/share/email`, { to: 'not an address', locale: 'en' }).expect(400);
    expect(JSON.stringify(bad.body)).toMatch(/valid email address/);
    const shared = await post(alice(), `/api/guest-passes/${pass!.id}/share/email`, { to: 'guest@example.com', locale: 'zh-Hant' }).expect(
      202,
    );
    expect(shared.body).toMatchObject({ delivery: expect.stringMatching(/^(queued|sent)$/), to: expect.not.stringContaining('guest@') });

    const mail = await smtp.waitForMessage('guest@example.com', 10_000, { after });
    expect(smtp.messages.length).toBe(after + 1);
    expect(mail.subject).toContain(pass!.dateInWords['zh-Hant']);
    expect(mail.text).toContain(pass!.share.link);
    expect(mail.text).toContain(pass!.guestName);
    const html = String(mail.html);
    expect(html).toContain(`href="${pass!.share.link}"`);
    // The PNG travels as an inline attachment with a Content-ID, referenced from the HTML's <img>
    // (the test's mail parser swaps cid: links for data: URIs when it reads the message).
    const image = mail.attachments.find((attachment) => attachment.cid === GUEST_PASS_QR_CID);
    expect(image).toMatchObject({ contentType: 'image/png', contentDisposition: 'inline' });
    expect((await sharp(image!.content).metadata()).format).toBe('png');
    expect(html).toMatch(new RegExp(`<img src="(cid:${GUEST_PASS_QR_CID}|data:image/png;base64,[^"]+)"`));
    expect(html).toContain(image!.content.toString('base64').slice(0, 200));
  });

  it('shows the public guest page: valid with its QR, cancelled, expired; a tampered link is refused', async () => {
    const [first, second] = (await alice().agent.get('/api/guest-passes').expect(200)).body as GuestView[];
    const token = (first!.share.link as string).split('/g/')[1]!;
    const page = await request(server()).get(`/api/public/guest-passes/${token}`).expect(200);
    expect(page.body).toEqual({
      guestName: 'Chan Tai Man',
      date: isoIn(1),
      dateInWords: first!.dateInWords,
      status: 'valid',
      qrSvg: await renderQrSvg(first!.qrText),
    });
    expect(page.headers['cache-control']).toBe('no-store');

    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const bad of [tampered, 'short', `${token}x`]) {
      const refused = await request(server()).get(`/api/public/guest-passes/${bad}`).expect(404);
      expect(refused.body).toMatchObject({ code: 'guest-link-not-found', message: expect.stringMatching(/not valid/) });
    }

    const cancelled = await post(alice(), `/api/guest-passes/${first!.id}/cancel`).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect(cancelled.body.qrText).toBeUndefined();
    await post(alice(), `/api/guest-passes/${first!.id}/cancel`).expect(409);
    const after = await request(server()).get(`/api/public/guest-passes/${token}`).expect(200);
    expect(after.body).toMatchObject({ guestName: 'Chan Tai Man', status: 'cancelled' });
    expect(after.body.qrSvg).toBeUndefined();
    const revocations = await portal.app.get(PassesService).unexpiredRevocations(today());
    expect(revocations).toContainEqual({
      passId: first!.id,
      ecardId: (await ecardOf(portal, 'alice@example.com')).id,
      campusDay: today() + 1,
    });

    // Two days later the other guest's pass has expired: the page says so and shows no code.
    const secondToken = (second!.share.link as string).split('/g/')[1]!;
    jest.spyOn(portal.app.get(Clock), 'now').mockReturnValue(new Date(Date.now() + 2 * DAY_MS));
    const expired = await request(server()).get(`/api/public/guest-passes/${secondToken}`).expect(200);
    expect(expired.body).toMatchObject({ guestName: '李小龍', status: 'expired' });
    expect(expired.body.qrSvg).toBeUndefined();
    expect(await portal.app.get(PassesService).unexpiredRevocations(today() + 2)).toEqual([]);
  });

  it("revoking an eCard revokes its unexpired passes (own and guests'), audited", async () => {
    const dayPass = (await alice().agent.get('/api/passes/today').expect(200)).body;
    const [guest] = (
      await post(alice(), '/api/guest-passes', {
        date: isoIn(3),
        purpose: (await alice().agent.get('/api/guest-passes/policy')).body.purposes[0],
        guests: ['Ho Ka Yan'],
      }).expect(201)
    ).body as GuestView[];
    const { id: ecardId } = await ecardOf(portal, 'alice@example.com');
    const bobsPass = (await bob().agent.get('/api/passes/today').expect(200)).body;

    await post(sessions.admin!, `/api/admin/ecards/${ecardId}/revoke`, { reason: 'Not a graduate' }).expect(200);

    const revocations = await portal.app.get(PassesService).unexpiredRevocations(today());
    expect(revocations).toEqual(
      expect.arrayContaining([
        { passId: dayPass.passId, ecardId, campusDay: today() },
        { passId: guest!.id, ecardId, campusDay: today() + 3 },
      ]),
    );
    expect(revocations.map((revocation) => revocation.passId)).not.toContain(bobsPass.passId);
    const page = await request(server())
      .get(`/api/public/guest-passes/${(guest!.share.link as string).split('/g/')[1]}`)
      .expect(200);
    expect(page.body).toMatchObject({ status: 'revoked' });
    expect(page.body.qrSvg).toBeUndefined();
    const refused = await alice().agent.get('/api/passes/today').expect(403);
    expect(refused.body).toMatchObject({ code: 'ecard-not-active', message: expect.stringMatching(/revoked/) });
    const stored = await passCount();
    await post(alice(), '/api/guest-passes', { date: isoIn(3), purpose: guest!.purpose, guests: ['X'] }).expect(403);
    expect(await passCount()).toBe(stored);
    const [audit] = await portal.app.get(AuditService).list({ action: 'pass.revoke' });
    // Reinstated the same day: a new day pass, not the revoked one.
    await post(sessions.admin!, `/api/admin/ecards/${ecardId}/reinstate`).expect(200);
    const fresh = (await alice().agent.get('/api/passes/today').expect(200)).body;
    expect(fresh.passId).not.toBe(dayPass.passId);
    expect((await alice().agent.get('/api/passes/today').expect(200)).body.passId).toBe(fresh.passId);
    expect(audit).toMatchObject({
      targetType: 'ecard',
      targetId: String(ecardId),
      details: { passIds: expect.arrayContaining([dayPass.passId, guest!.id]) },
    });
  });
});
