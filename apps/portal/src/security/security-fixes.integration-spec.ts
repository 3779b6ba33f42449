import {
  QueueName,
  type EntryPoint,
  type GateEvent,
  type HandheldVerdict,
  type LiveEntry,
  type SecurityAlert,
} from '@campuspass/contracts';
import { decodeBase45, encodeBase45, QR_PREFIX } from '@campuspass/pass-token';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ecardOf } from '../../../../test/support/ecard-fixtures.js';
import { cookieHeader, openEventStream, type EventStreamClient } from '../../../../test/support/event-stream.js';
import type { GateKeyPair } from '../../../../test/support/gate-client.js';
import { gateEvent } from '../../../../test/support/gate-events.js';
import {
  deliverGateEvents,
  GATE_ALICE,
  inviteGuests,
  registeredGate,
  startPortalWithActiveAlumnus,
  type GatePortal,
} from '../../../../test/support/gate-fixtures.js';
import { post, send, type HttpSession } from '../../../../test/support/http-sessions.js';
import { AAO_ADMIN, createStaffAndSignIn, SECURITY_GUARD } from '../../../../test/support/staff-fixtures.js';
import { waitUntil } from '../../../../test/support/wait.js';
import { JobQueue } from '../core/queue/job-queue.service.js';
import { AlertsRepository } from './alerts.repository.js';
import { SecurityFeedStream } from './security-feed-stream.js';
import { SecurityFeed } from './security-feed.js';
import { PHOTOS_PER_MINUTE, SEARCHES_PER_MINUTE } from './security.service.js';
import { NEW_HANDHELD_LOCATIONS_PER_DAY } from './handheld.service.js';

const WORKER_TIMEOUT_MS = 30_000;
const hex = (uuid: string) => uuid.replaceAll('-', '');

/** Regression tests of the security review's findings (handheld re-use, feed sessions, photos, forgeries, inputs, paging). */
describe('Security API: review fixes', () => {
  let gatePortal: GatePortal;
  let guard: HttpSession;
  let admin: HttpSession;
  let dataSource: DataSource;
  let queue: Queue;
  let aliceEcard: number;
  let alicePass: { passId: string; qrText: string; campusDay: number };
  let staffCount = 0;
  const streams: EventStreamClient[] = [];

  const server = () => gatePortal.portal.app.getHttpServer();
  const newGuard = () =>
    createStaffAndSignIn(gatePortal.portal, gatePortal.smtp, {
      email: `guard${++staffCount}@example.edu`,
      name: `Guard ${staffCount}`,
      role: 'security-staff',
    });
  const check = async (session: HttpSession, qr: string, location?: string) =>
    (await post(session, '/api/security/handheld/check', location ? { qr, location } : { qr }).expect(200)).body as HandheldVerdict;
  /** Moves every grant of the pass out of any re-entry window (as if it happened an hour ago). */
  const ageGrants = (passId: string) =>
    dataSource.query(
      `UPDATE gate_event SET occurred_at = occurred_at - interval '1 hour' WHERE pass_id = $1::uuid AND decision = 'granted'`,
      [passId],
    );
  const tamper = (qrText: string) => {
    const bytes = decodeBase45(qrText.slice(QR_PREFIX.length));
    bytes[bytes.length - 1]! ^= 0x01;
    return QR_PREFIX + encodeBase45(bytes);
  };
  /**
   * Sends requests until one is refused with 429 (fixed one-minute windows: a run that crosses into the next
   * minute may need up to twice the limit); returns how many were answered first.
   */
  const untilLimited = async (limit: number, request: (index: number) => Promise<number>): Promise<number> => {
    for (let index = 0; index <= 2 * limit + 1; index++) {
      const status = await request(index);
      if (status === 429) return index;
    }
    throw new Error(`no 429 within ${2 * limit + 2} requests`);
  };
  const openFeed = async (session: HttpSession): Promise<EventStreamClient> => {
    const port = (server().address() as { port: number }).port;
    const client = await openEventStream(`http://127.0.0.1:${port}/api/security/feed`, { cookie: cookieHeader(session) });
    streams.push(client);
    return client;
  };
  const newGate = (name: string) => registeredGate(gatePortal.portal, name);
  /** Sends the events through the gate-events queue as the gate would, and waits until they are stored. */
  const deliver = (gate: { id: string; keys: GateKeyPair }, events: GateEvent[]) =>
    deliverGateEvents(gatePortal.portal, queue, gate, events, WORKER_TIMEOUT_MS);

  beforeAll(async () => {
    gatePortal = await startPortalWithActiveAlumnus({ SECURITY_HANDHELD_CHECKS_PER_MINUTE: '1000' });
    const { portal, smtp } = gatePortal;
    guard = await createStaffAndSignIn(portal, smtp, SECURITY_GUARD);
    admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
    dataSource = portal.app.get(DataSource);
    queue = portal.app.get(JobQueue).queue(QueueName.GateEvents);
    aliceEcard = (await ecardOf(portal, GATE_ALICE.email)).id;
    const today = (await gatePortal.alice.agent.get('/api/passes/today').expect(200)).body as {
      passId: string;
      qrText: string;
      campusDay: number;
    };
    alicePass = { passId: hex(today.passId), qrText: today.qrText, campusDay: today.campusDay };
  }, 120_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await gatePortal?.close();
  });

  describe('holder photos', () => {
    it('serves a photo only for a card admitted today, never for a guest entry of its host, and limits the rate', async () => {
      // Alice holds today's pass but nobody admitted her yet: no photo (a pass alone is no reason to look).
      await guard.agent.get(`/api/security/ecards/${aliceEcard}/photo`).expect(404);
      const [guest] = await inviteGuests(gatePortal.alice, ['Photo Guest']);
      expect((await check(guard, guest!.qrText, 'Photo door')).decision).toBe('granted');
      // A guest's entry shows no photo, and does not open the host's.
      const missing = await guard.agent.get(`/api/security/ecards/${aliceEcard}/photo`).expect(404);
      expect(missing.body.code).toBe('photo-not-found');
      await guard.agent.get('/api/security/ecards/2/photo').expect(404);

      const verdict = await check(guard, alicePass.qrText, 'Photo door');
      expect(verdict.decision).toBe('granted');
      const photo = await guard.agent.get(verdict.holder!.photoUrl!).expect(200);
      expect(photo.headers['content-type']).toBe('image/jpeg');

      // An old grant (a pass of two days ago) names the holder but offers no photo: the endpoint would refuse it.
      const oldGate = await newGate('Old Gate');
      const old = gateEvent(oldGate.id, 1, {
        occurredAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
        pass: { passId: 'ab'.repeat(16), kind: 'alumni-day', campusDay: alicePass.campusDay - 2, ecardId: aliceEcard, guestIndex: null },
      });
      await deliver(oldGate, [old]);
      const [oldEntry] = (await guard.agent.get('/api/security/entries').query({ gateId: oldGate.id }).expect(200)).body
        .entries as LiveEntry[];
      expect(oldEntry).toMatchObject({ eventId: old.eventId, decision: 'granted', holder: { name: 'Chan Tai Man', photoUrl: null } });

      const harvester = await newGuard();
      const answered = await untilLimited(
        PHOTOS_PER_MINUTE,
        async (i) => (await harvester.agent.get(`/api/security/ecards/${1000 + i}/photo`)).status,
      );
      expect(answered).toBeGreaterThanOrEqual(PHOTOS_PER_MINUTE);
      const limited = await harvester.agent.get(`/api/security/ecards/${aliceEcard}/photo`).expect(429);
      expect(limited.body.code).toBe('rate-limited');
      // Another staff member is not held back.
      await guard.agent.get(`/api/security/ecards/${aliceEcard}/photo`).expect(200);
      await ageGrants(alicePass.passId);
    });
  });

  describe('handheld check: single entry and re-entry window', () => {
    beforeAll(async () => {
      const policy = (await admin.agent.get('/api/admin/guest-policy').expect(200)).body as {
        maxDaysAhead: number;
        purposes: string[];
      };
      await send(admin, 'put', '/api/admin/guest-policy', {
        maxDaysAhead: policy.maxDaysAhead,
        maxGuestsPerDay: 50,
        purposes: policy.purposes,
        singleEntry: true,
      }).expect(200);
    });

    it('denies a single-entry guest pass already admitted today, at a handheld point or a turnstile', async () => {
      const [once, atGate] = await inviteGuests(gatePortal.alice, ['Single Visitor', 'Gate Visitor']);
      const first = await check(guard, once!.qrText, 'North side door');
      expect(first).toMatchObject({ decision: 'granted', reason: null });
      const again = await check(guard, once!.qrText, 'South side door');
      expect(again).toMatchObject({ decision: 'denied', reason: 'already-used' });
      expect(again.message).toMatch(/single-entry/);
      // Still used hours later (outside any re-entry window).
      await ageGrants(hex(once!.id));
      expect(await check(guard, once!.qrText, 'North side door')).toMatchObject({ decision: 'denied', reason: 'already-used' });

      // Admitted by a turnstile: the handheld check knows.
      const gate = await newGate('Fixes Gate');
      const [{ guest_index: guestIndex }] = (await dataSource.query(`SELECT guest_index FROM pass WHERE id = $1`, [atGate!.id])) as [
        { guest_index: number },
      ];
      await deliver(gate, [
        gateEvent(gate.id, 1, {
          occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
          pass: { passId: hex(atGate!.id), kind: 'guest', campusDay: alicePass.campusDay, ecardId: aliceEcard, guestIndex },
        }),
      ]);
      expect(await check(guard, atGate!.qrText)).toMatchObject({ decision: 'denied', reason: 'already-used' });
    });

    it('denies any pass admitted within the re-entry window, and admits it again after', async () => {
      expect(await check(guard, alicePass.qrText, 'West side door')).toMatchObject({ decision: 'granted' });
      const soon = await check(guard, alicePass.qrText, 'East side door');
      expect(soon).toMatchObject({ decision: 'denied', reason: 're-entry-window' });
      expect(soon.message).toMatch(/moments ago/);
      await ageGrants(alicePass.passId);
      expect(await check(guard, alicePass.qrText, 'East side door')).toMatchObject({ decision: 'granted' });
      await ageGrants(alicePass.passId);
    });

    it('grants a single-entry pass once when two guards check it at the same moment', async () => {
      const [contested] = await inviteGuests(gatePortal.alice, ['Contested Visitor']);
      const second = await newGuard();
      const verdicts = await Promise.all([
        check(guard, contested!.qrText, 'Library side door'),
        check(second, contested!.qrText, 'Museum side door'),
        check(guard, contested!.qrText, 'Museum side door'),
      ]);
      expect(verdicts.filter((verdict) => verdict.decision === 'granted')).toHaveLength(1);
      expect(verdicts.filter((verdict) => verdict.reason === 'already-used')).toHaveLength(2);
      const [stored] = (await dataSource.query(
        `SELECT count(*)::int AS n FROM gate_event WHERE pass_id = $1::uuid AND decision = 'granted'`,
        [contested!.id],
      )) as Array<{ n: number }>;
      expect(stored!.n).toBe(1);
    });
  });

  describe('forged QR codes', () => {
    it('names nobody (verdict, feed, search), raises forged-passes for the point, not repeated denials of the real pass', async () => {
      const feed = await openFeed(guard);
      await gatePortal.portal.app.get(SecurityFeed).subscribed(AbortSignal.timeout(10_000));
      const forged = tamper(alicePass.qrText);
      const verdicts: HandheldVerdict[] = [];
      for (let i = 0; i < 4; i++) verdicts.push(await check(guard, forged, 'Forgery door'));
      expect(verdicts.map((verdict) => [verdict.reason, verdict.holder])).toEqual(Array(4).fill(['bad-signature', null]));
      const live = (await feed.next('a forged entry', (e) => e.event === 'entry' && (e.data as LiveEntry).eventId === verdicts[3]!.eventId))
        .data as LiveEntry;
      expect(live.holder).toBeNull();
      expect(live.passId).toBe(alicePass.passId);

      const byPass = (await guard.agent.get('/api/security/entries').query({ passId: alicePass.passId, decision: 'denied' }).expect(200))
        .body.entries as LiveEntry[];
      const forgedRows = byPass.filter((entry) => verdicts.some((verdict) => verdict.eventId === entry.eventId));
      expect(forgedRows).toHaveLength(4);
      expect(forgedRows.every((entry) => entry.holder === null)).toBe(true);
      // Searching for the person does not list what a forger did with her pass id.
      const byName = (await guard.agent.get('/api/security/entries').query({ q: 'chan tai man', limit: '200' }).expect(200)).body
        .entries as LiveEntry[];
      expect(byName.some((entry) => verdicts.some((verdict) => verdict.eventId === entry.eventId))).toBe(false);
      expect(byName.length).toBeGreaterThan(0);

      const alerts = (await guard.agent.get('/api/security/alerts').expect(200)).body.alerts as SecurityAlert[];
      expect(alerts.some((alert) => alert.kind === 'repeated-denials' && alert.passId === alicePass.passId)).toBe(false);
      const forgedAlert = alerts.find((alert) => alert.kind === 'forged-passes' && alert.gateId === live.gateId);
      expect(forgedAlert).toMatchObject({ count: 4, passId: null, gateName: 'Forgery door', severity: 'warning' });
      expect(forgedAlert!.message).toMatch(/did not sign/);
    });
  });

  describe('handheld locations', () => {
    it("refuses a turnstile's name and control characters, reuses a point whatever its case, limits new ones per day", async () => {
      await newGate('Main Gate');
      for (const location of ['main gate', '  MAIN GATE ']) {
        const refused = await post(guard, '/api/security/handheld/check', { qr: alicePass.qrText, location }).expect(400);
        expect(refused.body.code).toBe('handheld-location-taken');
        expect(refused.body.message).toMatch(/is the name of a turnstile gate/);
      }
      const nul = await post(guard, '/api/security/handheld/check', { qr: alicePass.qrText, location: 'Side\u0000door' }).expect(400);
      expect(nul.body.message).toMatch(/location contains control characters/);

      const first = await check(guard, 'CP1:NOT-A-PASS', 'Chapel side door');
      const again = await check(guard, 'CP1:NOT-A-PASS', 'chapel  SIDE door');
      const rows = (await dataSource.query(`SELECT DISTINCT gate_id FROM gate_event WHERE event_id = ANY($1::uuid[])`, [
        [first.eventId, again.eventId],
      ])) as unknown[];
      expect(rows).toHaveLength(1);

      const busy = await newGuard();
      for (let i = 0; i < NEW_HANDHELD_LOCATIONS_PER_DAY; i++) await check(busy, 'CP1:NOT-A-PASS', `Door ${i}`);
      // Known points stay usable; an eleventh new one is refused with what to do.
      await check(busy, 'CP1:NOT-A-PASS', 'Door 3');
      const limited = await post(busy, '/api/security/handheld/check', { qr: 'CP1:NOT-A-PASS', location: 'Door eleven' }).expect(429);
      expect(limited.body.code).toBe('handheld-locations-exhausted');
      expect(limited.body.message).toMatch(/Choose one you used before/);

      // The search's gate filter lists handheld points too, with their kind.
      const points = (await guard.agent.get('/api/security/entry-points').expect(200)).body.points as EntryPoint[];
      expect(points).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Main Gate', kind: 'turnstile' })]));
      expect(points).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Chapel side door', kind: 'handheld' })]));
      expect(points.findIndex((point) => point.kind === 'handheld')).toBeGreaterThan(
        points.findLastIndex((point) => point.kind === 'turnstile'),
      );
    });
  });

  describe('entry search and inputs', () => {
    it('needs 3 characters, has the trigram index on guest names, and limits searches per staff member', async () => {
      const short = await guard.agent.get('/api/security/entries').query({ q: 'ch' }).expect(400);
      expect(short.body.message).toMatch(/q must be 3 to 100 characters/);
      const indexes = (await dataSource.query(
        `SELECT indexdef FROM pg_indexes WHERE indexname = 'security_pass_guest_name_trgm_idx'`,
      )) as Array<{
        indexdef: string;
      }>;
      expect(indexes[0]?.indexdef).toMatch(/USING gin \(guest_name gin_trgm_ops\)/);
      // Guests by their name, graduates word by word in any order.
      const guests = (await guard.agent.get('/api/security/entries').query({ q: 'single visit' }).expect(200)).body.entries as LiveEntry[];
      expect(guests.length).toBeGreaterThan(0);
      expect(guests.every((entry) => entry.holder?.name === 'Single Visitor')).toBe(true);
      const hosts = (await guard.agent.get('/api/security/entries').query({ q: 'MAN CHAN' }).expect(200)).body.entries as LiveEntry[];
      expect(hosts.length).toBeGreaterThan(0);

      const searcher = await newGuard();
      const answered = await untilLimited(
        SEARCHES_PER_MINUTE,
        async () => (await searcher.agent.get('/api/security/entries').query({ limit: '1' })).status,
      );
      expect(answered).toBeGreaterThanOrEqual(SEARCHES_PER_MINUTE);
      const limited = await searcher.agent.get('/api/security/entries').expect(429);
      expect(limited.body.code).toBe('rate-limited');
    });

    it('refuses control characters in any query parameter or body field with a 400 saying which', async () => {
      const queries: Array<[string, RegExp]> = [
        ['/api/security/entries?q=ab%00c', /^q contains control characters/],
        ['/api/security/entries?cursor=%00', /^cursor contains control characters/],
        ['/api/security/alerts?state=open%01', /^state contains control characters/],
        ['/api/security/alerts?cursor=x%7F', /^cursor contains control characters/],
      ];
      for (const [url, message] of queries) {
        const answer = await guard.agent.get(url).expect(400);
        expect(answer.body).toMatchObject({ code: 'security-query-invalid', message: expect.stringMatching(message) });
      }
      const bodies: Array<[string, object, RegExp]> = [
        ['/api/security/handheld/check', { qr: 'CP1:AB\u0000CD' }, /^qr contains control characters/],
        ['/api/security/alerts/1/acknowledge', { note: 'checked\u0000' }, /^note contains control characters/],
      ];
      for (const [url, body, message] of bodies) {
        const answer = await post(guard, url, body).expect(400);
        expect(answer.body).toMatchObject({ code: 'security-input-invalid', message: expect.stringMatching(message) });
      }
      // Line breaks in a note are text, not control characters to refuse (no such alert: 404).
      await post(guard, '/api/security/alerts/999999/acknowledge', { note: 'Line one\nline two' }).expect(404);
    });
  });

  describe('alert list paging', () => {
    it('pages alerts by cursor (open first, then latest), with none twice and none left out', async () => {
      const repository = gatePortal.portal.app.get(AlertsRepository);
      for (let n = 1; n <= 7; n++) {
        await repository.raise({
          kind: 'manual-open',
          severity: 'info',
          gateId: null,
          passId: null,
          message: `Paging alert ${n}`,
          dedupKey: `paging|${n}`,
          // Two share a time: the id breaks the tie.
          at: new Date(Date.now() - 3_600_000 - Math.min(n, 6) * 1000),
        });
      }
      const all = (await guard.agent.get('/api/security/alerts?state=all').expect(200)).body as {
        alerts: SecurityAlert[];
        nextCursor: null;
      };
      expect(all.nextCursor).toBeNull();
      // Acknowledge one so both states are in the list.
      await post(guard, `/api/security/alerts/${all.alerts[0]!.id}/acknowledge`, { note: 'Seen' }).expect(200);
      const expected = ((await guard.agent.get('/api/security/alerts?state=all').expect(200)).body.alerts as SecurityAlert[]).map(
        (a) => a.id,
      );
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = (
          await guard.agent
            .get('/api/security/alerts')
            .query({ state: 'all', limit: '2', ...(cursor ? { cursor } : {}) })
            .expect(200)
        ).body as { alerts: SecurityAlert[]; nextCursor: string | null };
        expect(page.alerts.length).toBeLessThanOrEqual(2);
        seen.push(...page.alerts.map((alert) => alert.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      expect(seen).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / 2));

      for (const query of [{ limit: '0' }, { limit: '501' }, { cursor: 'bm90IGEgY3Vyc29y' }]) {
        const answer = await guard.agent.get('/api/security/alerts').query(query).expect(400);
        expect(answer.body.code).toBe('security-query-invalid');
      }
    });
  });

  describe('live feed sessions', () => {
    let limits: SecurityFeedStream['limits'];
    beforeAll(() => {
      limits = gatePortal.portal.app.get(SecurityFeedStream).limits;
      limits.checkEveryMs = 300;
    });

    it('ends a stream once its session is signed out, and sends pings while it lasts', async () => {
      const leaving = await newGuard();
      const stream = await openFeed(leaving);
      expect(stream.status).toBe(200);
      await stream.next('a ping', (e) => e.event === 'ping', 10_000);
      await post(leaving, '/api/session/sign-out').expect((answer) => {
        if (answer.status >= 300) throw new Error(`sign-out answered ${answer.status}`);
      });
      await waitUntil('the stream ended', () => stream.ended, 15_000);
      // A new stream of that session is refused by the access guard.
      expect((await openFeed(leaving)).status).toBe(401);
    });

    it('ends a stream after its lifetime, so the browser reconnects through the guard', async () => {
      const saved = limits.maxLifetimeMs;
      limits.maxLifetimeMs = 1500;
      try {
        const stream = await openFeed(guard);
        expect(stream.status).toBe(200);
        await waitUntil('the stream ended', () => stream.ended, 15_000);
      } finally {
        limits.maxLifetimeMs = saved;
      }
    });

    it('caps streams per session and per process with a 429', async () => {
      const viewer = await newGuard();
      const open: EventStreamClient[] = [];
      for (let i = 0; i < limits.perSession; i++) open.push(await openFeed(viewer));
      expect(open.map((stream) => stream.status)).toEqual(Array(limits.perSession).fill(200));
      const refused = await openFeed(viewer);
      expect(refused.status).toBe(429);
      // Another session still gets one; closing a stream frees its place.
      const other = await openFeed(guard);
      expect(other.status).toBe(200);
      open[0]!.close();
      const streamsOf = gatePortal.portal.app.get(SecurityFeedStream);
      await waitUntil('the closed stream released', async () => (await openFeed(viewer)).status === 200, 15_000);

      const savedProcess = limits.perProcess;
      limits.perProcess = streamsOf.openCount;
      try {
        expect((await openFeed(guard)).status).toBe(429);
      } finally {
        limits.perProcess = savedProcess;
      }
      for (const stream of [...open, other]) stream.close();
    });
  });
});
