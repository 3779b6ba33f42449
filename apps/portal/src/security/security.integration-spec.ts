import { randomBytes } from 'node:crypto';
import { QueueName, type GateEvent, type HandheldVerdict, type LiveEntry, type SecurityAlert } from '@campuspass/contracts';
import { decodeBase45, encodeBase45, encodePass, QR_PREFIX } from '@campuspass/pass-token';
import { createNodeSigner } from '@campuspass/pass-token/node';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ecardOf } from '../../../../test/support/ecard-fixtures.js';
import { cookieHeader, openEventStream, type EventStreamClient } from '../../../../test/support/event-stream.js';
import { newGateKeyPair, signGateRequest, type GateKeyPair } from '../../../../test/support/gate-client.js';
import { addGateEvents, gateEvent, gateEventJob } from '../../../../test/support/gate-events.js';
import {
  campusToday,
  deliverGateEvents,
  GATE_ALICE,
  type GatePortal,
  inviteGuests,
  registeredGate,
  startPortalWithActiveAlumnus,
} from '../../../../test/support/gate-fixtures.js';
import { post, type HttpSession } from '../../../../test/support/http-sessions.js';
import { AAO_ADMIN, AUDITOR, createStaffAndSignIn, SECURITY_GUARD } from '../../../../test/support/staff-fixtures.js';
import { waitFor } from '../../../../test/support/wait.js';
import { JobQueue } from '../core/queue/job-queue.service.js';
import { GatesRepository } from '../gates/gates.repository.js';
import { AlertsRepository } from './alerts.repository.js';
import { SecurityFeed } from './security-feed.js';

const WORKER_TIMEOUT_MS = 30_000;
const hex = (uuid: string) => uuid.replaceAll('-', '');
const DAY_MS = 86_400_000;

describe('Security API: live feed, gate tiles, alerts, entry search, handheld check', () => {
  let gatePortal: GatePortal;
  let guard: HttpSession;
  let admin: HttpSession;
  let auditor: HttpSession;
  let queue: Queue;
  let dataSource: DataSource;
  let aliceEcard: number;
  let alicePass: { passId: string; qrText: string; campusDay: number };
  let sequence = 0;
  const streams: EventStreamClient[] = [];

  const server = () => gatePortal.portal.app.getHttpServer();
  const newGate = (name: string) => registeredGate(gatePortal.portal, name);
  /** Sends the events through the gate-events queue as the gate would, and waits until they are stored. */
  const deliver = (gate: { id: string; keys: GateKeyPair }, events: GateEvent[]) =>
    deliverGateEvents(gatePortal.portal, queue, gate, events, WORKER_TIMEOUT_MS);
  const event = (gateId: string, overrides: Partial<GateEvent> = {}) =>
    gateEvent(gateId, ++sequence, { occurredAt: new Date().toISOString(), ...overrides });
  const alicePassField = (): GateEvent['pass'] => ({
    passId: alicePass.passId,
    kind: 'alumni-day',
    campusDay: alicePass.campusDay,
    ecardId: aliceEcard,
    guestIndex: null,
  });
  const openAlerts = async (): Promise<SecurityAlert[]> =>
    (await guard.agent.get('/api/security/alerts?state=open').expect(200)).body.alerts as SecurityAlert[];
  const openFeed = async (): Promise<EventStreamClient> => {
    const address = server().address() as { port: number };
    const client = await openEventStream(`http://127.0.0.1:${address.port}/api/security/feed`, { cookie: cookieHeader(guard) });
    streams.push(client);
    await gatePortal.portal.app.get(SecurityFeed).subscribed(AbortSignal.timeout(10_000));
    return client;
  };
  const handheld = (qr: string, location?: string) =>
    post(guard, '/api/security/handheld/check', location ? { qr, location } : { qr }).expect(200);

  beforeAll(async () => {
    // Short thresholds: a gate is offline after 2 s of silence, checked every second.
    gatePortal = await startPortalWithActiveAlumnus({ SECURITY_GATE_OFFLINE_ALERT_SECONDS: '2', SECURITY_ALERT_CHECK_SECONDS: '1' });
    const { portal, smtp } = gatePortal;
    guard = await createStaffAndSignIn(portal, smtp, SECURITY_GUARD);
    admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
    auditor = await createStaffAndSignIn(portal, smtp, AUDITOR);
    queue = portal.app.get(JobQueue).queue(QueueName.GateEvents);
    dataSource = portal.app.get(DataSource);
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

  describe('roles', () => {
    const reads = [
      '/api/security/gates',
      '/api/security/feed',
      '/api/security/entries',
      '/api/security/alerts',
      '/api/security/ecards/1/photo',
    ];
    const writes = [
      ['/api/security/alerts/1/acknowledge', { note: 'seen' }],
      ['/api/security/handheld/check', { qr: 'CP1:XYZ' }],
    ] as const;

    it('refuses signed-out callers (401) and alumni, AAO admins and auditors (403) on every endpoint', async () => {
      for (const url of reads) {
        await request(server()).get(url).expect(401);
        for (const session of [gatePortal.alice, admin, auditor]) {
          const answer = await session.agent.get(url).expect(403);
          expect(answer.body.code).toBe('role-refused');
        }
      }
      for (const [url, body] of writes) {
        await request(server()).post(url).send(body).expect(401);
        for (const session of [gatePortal.alice, admin, auditor]) {
          expect((await post(session, url, body).expect(403)).body.code).toBe('role-refused');
        }
      }
    });

    it('requires the CSRF token on the POSTs', async () => {
      for (const [url, body] of writes) {
        const answer = await guard.agent.post(url).send(body).expect(403);
        expect(answer.body.code).toBe('csrf-token-invalid');
      }
    });
  });

  describe('live feed', () => {
    it('streams an entry a gate put on the queue as a LiveEntry with name and photo, and replays it to a later client', async () => {
      const gate = await newGate('North Entrance, Turnstile 1');
      const first = await openFeed();
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(first.headers['cache-control']).toContain('no-transform');
      expect(first.headers['x-accel-buffering']).toBe('no');

      const scan = event(gate.id, { pass: alicePassField() });
      await addGateEvents(queue, [gateEventJob(scan, gate.id, gate.keys.privateKey)]);
      const received = (
        await first.next('the entry on the feed', (e) => e.event === 'entry' && (e.data as LiveEntry).eventId === scan.eventId)
      ).data as LiveEntry;
      expect(received).toMatchObject({
        gateId: gate.id,
        gateName: 'North Entrance, Turnstile 1',
        type: 'scan',
        decision: 'granted',
        passId: alicePass.passId,
        holder: { name: 'Chan Tai Man', kind: 'alumni-day', ecardId: aliceEcard, hostName: null },
        occurredAt: scan.occurredAt,
      });
      expect(received.holder!.photoUrl).toMatch(new RegExp(`^/api/security/ecards/${aliceEcard}/photo\\?v=[0-9a-f]{8}$`));

      const photo = await guard.agent.get(received.holder!.photoUrl!).expect(200);
      expect(photo.headers['content-type']).toBe('image/jpeg');
      expect(photo.headers['cache-control']).toBe('private, max-age=300');
      expect((photo.body as Buffer).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      await guard.agent.get('/api/security/ecards/999999/photo').expect(404);

      const later = await openFeed();
      const replayed = await later.next('the backlog', (e) => e.event === 'entry' && (e.data as LiveEntry).eventId === scan.eventId);
      expect(replayed.data).toEqual(received);
    });

    it('sends alerts raised and changed as alert events', async () => {
      const gate = await newGate('Feed Alert Gate');
      const feed = await openFeed();
      await deliver(gate, [event(gate.id, { type: 'forced-passage', decision: null, pass: null })]);
      const raised = await feed.next(
        'the alert',
        (e) => e.event === 'alert' && (e.data as SecurityAlert).gateId === gate.id && (e.data as SecurityAlert).kind === 'forced-passage',
      );
      const alert = raised.data as SecurityAlert;
      await post(guard, `/api/security/alerts/${alert.id}/acknowledge`, { note: 'Checked the camera' }).expect(200);
      await feed.next(
        'the acknowledged alert',
        (e) => e.event === 'alert' && (e.data as SecurityAlert).id === alert.id && (e.data as SecurityAlert).acknowledgedAt !== null,
      );
    });
  });

  describe('gate tiles', () => {
    it('shows turnstiles with their heartbeat, online within the threshold, and the latest scan', async () => {
      const fresh = await newGate('Tile Gate Fresh');
      const stale = await newGate('Tile Gate Stale');
      const gates = gatePortal.portal.app.get(GatesRepository);
      const heartbeat = {
        agentVersion: '1.2.3',
        bundleVersion: 42,
        clockTrusted: true,
        clockOffsetMs: -12,
        outboxPending: 3,
        outboxFill: 0.01,
        oldestPendingAt: null,
        relay: 'ok',
        passageSensor: 'ok',
        input: 'absent',
        fireInput: 'normal',
        uptimeSeconds: 100,
      } as const;
      // The start-up heartbeat (sent before the gate had a bundle, a trusted clock or its input open) is replaced by
      // the next one: the tile shows the latest, never a mix.
      const startUp = { ...heartbeat, bundleVersion: 0, clockTrusted: false, clockOffsetMs: null, input: 'fault' } as const;
      await gates.saveHeartbeat(fresh.id, startUp, new Date(Date.now() - 2000));
      await gates.saveHeartbeat(fresh.id, heartbeat, new Date());
      await gates.saveHeartbeat(stale.id, heartbeat, new Date(Date.now() - 5 * 60_000));
      const scan = event(fresh.id, { pass: alicePassField() });
      // The last scan is the latest scan event: not the passage or the clock alert the gate recorded after it.
      const after = new Date(Date.parse(scan.occurredAt) + 1500).toISOString();
      await deliver(fresh, [
        scan,
        event(fresh.id, { type: 'passage', decision: null, passage: 'passed', scanEventId: scan.eventId, occurredAt: after }),
        event(fresh.id, { type: 'alert', decision: null, reason: 'clock-trusted', pass: null, occurredAt: after }),
      ]);

      const tiles = (await guard.agent.get('/api/security/gates').expect(200)).body.gates as Array<Record<string, unknown>>;
      expect(tiles.find((tile) => tile.gateId === fresh.id)).toEqual({
        gateId: fresh.id,
        name: 'Tile Gate Fresh',
        zone: '0',
        status: 'active',
        online: true,
        lastHeartbeatAt: expect.any(String),
        agentVersion: '1.2.3',
        bundleVersion: 42,
        clockTrusted: true,
        clockOffsetMs: -12,
        outboxPending: 3,
        outboxFill: 0.01,
        relay: 'ok',
        passageSensor: 'ok',
        input: 'absent',
        fireInput: 'normal',
        lastEntryAt: scan.occurredAt,
      });
      expect(tiles.find((tile) => tile.gateId === stale.id)).toMatchObject({ online: false, lastEntryAt: null });
    });
  });

  describe('alerts', () => {
    it('raises each kind from stored entries and folds repeats of an open alert into its count', async () => {
      const gate = await newGate('Alert Gate');
      const other = await newGate('Alert Gate Two');
      const [guest] = await inviteGuests(gatePortal.alice, ['Revoked Guest']);
      const guestPassId = hex(guest!.id);
      await dataSource.query(
        `UPDATE pass SET status = 'revoked', revoked_at = now() - interval '1 minute', reason = 'test' WHERE id = $1`,
        [guest!.id],
      );
      const guestPass: GateEvent['pass'] = {
        passId: guestPassId,
        kind: 'guest',
        campusDay: alicePass.campusDay,
        ecardId: aliceEcard,
        guestIndex: 1,
      };
      const denied = randomBytes(16).toString('hex');
      const deniedPass: GateEvent['pass'] = {
        passId: denied,
        kind: 'alumni-day',
        campusDay: alicePass.campusDay,
        ecardId: aliceEcard,
        guestIndex: null,
      };
      const twoGatesPass: GateEvent['pass'] = { ...alicePassField()! };

      await deliver(gate, [
        event(gate.id, { type: 'forced-passage', decision: null, pass: null }),
        event(gate.id, { type: 'forced-passage', decision: null, pass: null }),
        event(gate.id, { type: 'sensor-fault', decision: null, pass: null }),
        event(gate.id, { clockTrusted: false, decision: 'denied', reason: 'clock-untrusted', pass: null }),
        event(gate.id, { type: 'manual-open', decision: null, pass: null, operator: 'Gus at the desk' }),
        event(gate.id, { pass: guestPass }),
        event(gate.id, { decision: 'denied', reason: 'wrong-day', pass: deniedPass }),
        event(gate.id, { decision: 'denied', reason: 'wrong-day', pass: deniedPass }),
        event(gate.id, { decision: 'denied', reason: 'wrong-day', pass: deniedPass }),
        event(gate.id, { pass: twoGatesPass }),
        event(gate.id, { type: 'alert', decision: null, pass: null, reason: 'outbox-filling', detail: 'the outbox holds 900 of 1000' }),
      ]);
      await deliver(other, [event(other.id, { pass: twoGatesPass })]);

      const mine = await waitFor(
        'every alert kind raised',
        async () =>
          (await openAlerts()).filter((alert) => alert.gateId === gate.id || alert.gateId === other.id || alert.passId === denied),
        (alerts) => new Set(alerts.map((alert) => alert.kind)).size >= 8,
        WORKER_TIMEOUT_MS,
      );
      const byKind = new Map(mine.map((alert) => [alert.kind, alert]));
      expect([...byKind.keys()].sort()).toEqual(
        [
          'clock-untrusted',
          'forced-passage',
          'manual-open',
          'outbox-filling',
          'repeated-denials',
          'revoked-before-scan',
          'sensor-fault',
          'two-gates',
        ].sort(),
      );
      expect(byKind.get('forced-passage')).toMatchObject({ severity: 'critical', gateName: 'Alert Gate', count: 2, acknowledgedAt: null });
      expect(byKind.get('revoked-before-scan')).toMatchObject({ passId: guestPassId, count: 1 });
      expect(byKind.get('repeated-denials')).toMatchObject({ passId: denied, count: 1 });
      expect(byKind.get('manual-open')!.message).toContain('Gus at the desk');

      // A passage sensor fault reported on a grant's passage is a sensor fault too, folded into the open alert.
      const scan = event(gate.id, { pass: alicePassField() });
      await deliver(gate, [
        scan,
        event(gate.id, { type: 'passage', decision: null, passage: 'sensor-fault', scanEventId: scan.eventId, pass: alicePassField() }),
      ]);
      await waitFor(
        'the sensor fault folded',
        async () => (await openAlerts()).find((alert) => alert.gateId === gate.id && alert.kind === 'sensor-fault')?.count,
        (count) => count === 2,
        WORKER_TIMEOUT_MS,
      );
    });

    it('raises gate-offline, clock, fire and outbox alerts from the periodic check, once per lasting condition', async () => {
      const gate = await newGate('Offline Gate');
      await gatePortal.portal.app.get(GatesRepository).saveHeartbeat(
        gate.id,
        {
          agentVersion: '1.0.0',
          bundleVersion: 1,
          clockTrusted: false,
          clockOffsetMs: null,
          outboxPending: 900,
          outboxFill: 0.9,
          oldestPendingAt: null,
          relay: 'ok',
          passageSensor: 'ok',
          input: 'ok',
          fireInput: 'active',
          uptimeSeconds: 5,
        },
        new Date(Date.now() - 60_000),
      );
      const alerts = await waitFor(
        'the periodic check raised four alerts',
        async () => (await openAlerts()).filter((alert) => alert.gateId === gate.id),
        (found) => found.length >= 4,
        WORKER_TIMEOUT_MS,
      );
      expect(alerts.map((alert) => alert.kind).sort()).toEqual(['clock-untrusted', 'fire-input', 'gate-offline', 'outbox-filling']);
      expect(alerts.find((alert) => alert.kind === 'gate-offline')).toMatchObject({ severity: 'critical', gateName: 'Offline Gate' });
      // Several more checks later: still one alert each, not one per check.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      const rows = (await dataSource.query(`SELECT kind, count(*)::int AS n FROM security_alert WHERE gate_id = $1 GROUP BY kind`, [
        gate.id,
      ])) as Array<{
        kind: string;
        n: number;
      }>;
      expect(rows.every((row) => row.n === 1)).toBe(true);

      // Acknowledged while the gate is still offline: the check does not reopen it.
      const offline = alerts.find((alert) => alert.kind === 'gate-offline')!;
      await post(guard, `/api/security/alerts/${offline.id}/acknowledge`, { note: 'Technician on the way' }).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 3500));
      expect((await openAlerts()).some((alert) => alert.gateId === gate.id && alert.kind === 'gate-offline')).toBe(false);
    });

    it('folds concurrent raising of one alert into one row, also for lasting conditions', async () => {
      const gate = await newGate('Race Gate');
      const alerts = gatePortal.portal.app.get(AlertsRepository);
      const occurrence = {
        kind: 'forced-passage' as const,
        severity: 'critical' as const,
        gateId: gate.id,
        passId: null,
        message: 'Forced passage at Race Gate',
        dedupKey: `forced-passage|${gate.id}`,
        at: new Date(),
      };
      const ids = await Promise.all(Array.from({ length: 20 }, () => alerts.raise(occurrence)));
      expect(new Set(ids).size).toBe(1);
      const condition = { ...occurrence, kind: 'fire-input' as const, dedupKey: `fire-input|${gate.id}` };
      const raised = await Promise.all(Array.from({ length: 10 }, () => alerts.raiseCondition(condition, new Date(Date.now() - 60_000))));
      expect(raised.filter((id) => id !== null)).toHaveLength(1);
      const rows = (await dataSource.query(`SELECT kind, count FROM security_alert WHERE gate_id = $1 ORDER BY kind`, [gate.id])) as Array<{
        kind: string;
        count: number;
      }>;
      expect(rows).toEqual([
        { kind: 'fire-input', count: 1 },
        { kind: 'forced-passage', count: 20 },
      ]);
    });

    it('acknowledges with a note (audited, 409 the second time, validated); the next occurrence opens a new alert', async () => {
      const gate = await newGate('Ack Gate');
      await deliver(gate, [event(gate.id, { type: 'forced-passage', decision: null, pass: null })]);
      const alert = await waitFor(
        'the alert',
        async () => (await openAlerts()).find((found) => found.gateId === gate.id),
        (found) => found !== undefined,
        WORKER_TIMEOUT_MS,
      );
      const url = `/api/security/alerts/${alert!.id}/acknowledge`;
      for (const body of [{}, { note: '' }, { note: '   ' }, { note: 'x'.repeat(1001) }, { note: 42 }, { note: 'ok', extra: 1 }]) {
        const answer = await post(guard, url, body).expect(400);
        expect(JSON.stringify(answer.body.message)).toMatch(/note|extra/);
      }
      await post(guard, '/api/security/alerts/987654321/acknowledge', { note: 'seen' }).expect(404);
      await post(guard, '/api/security/alerts/abc/acknowledge', { note: 'seen' }).expect(404);

      const acknowledged = (await post(guard, url, { note: '  Checked on camera: a cleaner pushed it  ' }).expect(200))
        .body as SecurityAlert;
      expect(acknowledged).toMatchObject({
        id: alert!.id,
        acknowledgedBy: SECURITY_GUARD.name,
        note: 'Checked on camera: a cleaner pushed it',
        acknowledgedAt: expect.any(String),
      });
      const audit = (await dataSource.query(
        `SELECT actor_type, action, target_id, outcome, details FROM audit_event WHERE action = 'security.alert.acknowledge' AND target_id = $1`,
        [alert!.id],
      )) as Array<{ actor_type: string; outcome: string; details: { note: string } }>;
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor_type: 'staff',
        outcome: 'success',
        details: { note: 'Checked on camera: a cleaner pushed it' },
      });

      const again = await post(guard, url, { note: 'again' }).expect(409);
      expect(again.body.code).toBe('alert-already-acknowledged');

      const listed = (await guard.agent.get('/api/security/alerts?state=acknowledged').expect(200)).body.alerts as SecurityAlert[];
      expect(listed.some((found) => found.id === alert!.id)).toBe(true);
      await guard.agent.get('/api/security/alerts?state=closed').expect(400);

      await deliver(gate, [event(gate.id, { type: 'forced-passage', decision: null, pass: null })]);
      const reopened = await waitFor(
        'a new alert',
        async () => (await openAlerts()).find((found) => found.gateId === gate.id),
        (found) => found !== undefined,
        WORKER_TIMEOUT_MS,
      );
      expect(reopened!.id).not.toBe(alert!.id);
      expect(reopened!.count).toBe(1);
      const all = (await guard.agent.get('/api/security/alerts?state=all').expect(200)).body.alerts as SecurityAlert[];
      expect(all.filter((found) => found.gateId === gate.id)).toHaveLength(2);
    });
  });

  describe('entry search', () => {
    let gate: { id: string; keys: GateKeyPair };
    let events: GateEvent[];
    const search = async (query: Record<string, string>) =>
      (await guard.agent.get('/api/security/entries').query(query).expect(200)).body as { entries: LiveEntry[]; nextCursor: string | null };

    beforeAll(async () => {
      gate = await newGate('Search Gate');
      const [guest] = await inviteGuests(gatePortal.alice, ['Zhang Wei']);
      const base = Date.UTC(2026, 0, 10, 2, 0, 0);
      events = [
        gateEvent(gate.id, 1, { occurredAt: new Date(base).toISOString(), pass: alicePassField() }),
        gateEvent(gate.id, 2, {
          occurredAt: new Date(base + 60_000).toISOString(),
          decision: 'denied',
          reason: 'wrong-day',
          pass: alicePassField(),
        }),
        gateEvent(gate.id, 3, {
          occurredAt: new Date(base + 120_000).toISOString(),
          pass: { passId: hex(guest!.id), kind: 'guest', campusDay: alicePass.campusDay, ecardId: aliceEcard, guestIndex: 1 },
        }),
        gateEvent(gate.id, 4, { occurredAt: new Date(base + 180_000).toISOString(), type: 'forced-passage', decision: null, pass: null }),
        gateEvent(gate.id, 5, { occurredAt: new Date(base + 240_000).toISOString(), decision: 'denied', reason: 'malformed', pass: null }),
      ];
      await deliver(gate, events);
    });

    it('filters by gate, decision, time, pass and person (names, case-insensitive, and alumni number)', async () => {
      const ids = (page: { entries: LiveEntry[] }) => page.entries.map((entry) => entry.eventId);
      const [e1, e2, e3, e4, e5] = events.map((found) => found.eventId);
      expect(ids(await search({ gateId: gate.id }))).toEqual([e5, e4, e3, e2, e1]);
      expect(ids(await search({ gateId: gate.id, decision: 'denied' }))).toEqual([e5, e2]);
      expect(ids(await search({ gateId: gate.id, decision: 'granted' }))).toEqual([e3, e1]);
      expect(ids(await search({ gateId: gate.id, from: '2026-01-10T10:01:00+08:00', to: '2026-01-10T02:03:00Z' }))).toEqual([e4, e3, e2]);
      expect(ids(await search({ gateId: gate.id, passId: alicePass.passId.toUpperCase() }))).toEqual([e2, e1]);
      expect(ids(await search({ gateId: gate.id, q: 'zhang' }))).toEqual([e3]);
      // Guests' entries name their host too: a search for the alumnus finds both.
      expect(ids(await search({ gateId: gate.id, q: 'chan tai' }))).toEqual([e3, e2, e1]);
      expect(ids(await search({ gateId: gate.id, q: 'TAI MAN CHAN' }))).toEqual([e3, e2, e1]);
      const alumniNumber = `A${String(aliceEcard).padStart(8, '0')}`;
      expect(ids(await search({ gateId: gate.id, q: alumniNumber.toLowerCase() }))).toEqual([e3, e2, e1]);
      expect(ids(await search({ gateId: gate.id, q: 'nobody here' }))).toEqual([]);

      const guestEntry = (await search({ gateId: gate.id, q: 'zhang' })).entries[0]!;
      // Granted, but no photo: the only one would be the host's.
      expect(guestEntry.holder).toEqual({
        name: 'Zhang Wei',
        kind: 'guest',
        hostName: 'Chan Tai Man',
        ecardId: aliceEcard,
        photoUrl: null,
      });
      const deniedEntry = (await search({ gateId: gate.id, decision: 'denied', passId: alicePass.passId })).entries[0]!;
      expect(deniedEntry.holder).toMatchObject({ name: 'Chan Tai Man', photoUrl: null });
      // Never a personal ID number (Alice's is on her registry row).
      expect(JSON.stringify(await search({ gateId: gate.id }))).not.toMatch(/A123456/);
    });

    it('pages newest first by cursor, with no entry twice and none left out', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { entries: LiveEntry[]; nextCursor: string | null } = await search({
          gateId: gate.id,
          limit: '2',
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...page.entries.map((entry) => entry.eventId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(events.map((found) => found.eventId).reverse());
      expect(pages).toBe(3);
    });

    it('says what is wrong with each invalid parameter', async () => {
      const cases: Array<[Record<string, string>, RegExp]> = [
        [{ passId: 'abc' }, /passId/],
        [{ gateId: 'gate-1' }, /gateId/],
        [{ decision: 'maybe' }, /decision/],
        [{ from: 'yesterday' }, /from/],
        [{ to: '2026-01-10' }, /to must/],
        [{ from: '2026-01-11T00:00:00Z', to: '2026-01-10T00:00:00Z' }, /from must not be later/],
        [{ limit: '0' }, /limit/],
        [{ limit: '201' }, /limit/],
        [{ limit: 'ten' }, /limit/],
        [{ cursor: 'bm90IGEgY3Vyc29y' }, /cursor/],
        [{ q: 'x' }, /q must/],
        [{ name: 'Alice' }, /Unknown parameter name/],
      ];
      for (const [query, message] of cases) {
        const answer = await guard.agent.get('/api/security/entries').query(query).expect(400);
        expect(answer.body.code).toBe('security-query-invalid');
        expect(answer.body.message).toMatch(message);
      }
    });
  });

  describe('handheld check', () => {
    const tamper = (qrText: string) => {
      const bytes = decodeBase45(qrText.slice(QR_PREFIX.length));
      bytes[bytes.length - 1]! ^= 0x01;
      return QR_PREFIX + encodeBase45(bytes);
    };

    it('grants a valid pass, shows the holder, records it (search, feed) at the handheld location', async () => {
      // Earlier tests admitted Alice's pass at gates moments ago: those grants move out of the re-entry window.
      await dataSource.query(
        `UPDATE gate_event SET occurred_at = occurred_at - interval '1 hour' WHERE pass_id = $1::uuid AND decision = 'granted'`,
        [alicePass.passId],
      );
      const feed = await openFeed();
      const verdict = (await handheld(alicePass.qrText, '  Library side door  ')).body as HandheldVerdict;
      expect(verdict).toMatchObject({
        decision: 'granted',
        reason: null,
        holder: { name: 'Chan Tai Man', kind: 'alumni-day', ecardId: aliceEcard, hostName: null },
        campusDay: campusToday(),
        eventId: expect.any(String),
      });
      expect(verdict.holder!.photoUrl).toMatch(new RegExp(`^/api/security/ecards/${aliceEcard}/photo`));

      const live = (
        await feed.next('the handheld entry on the feed', (e) => e.event === 'entry' && (e.data as LiveEntry).eventId === verdict.eventId)
      ).data as LiveEntry;
      expect(live).toMatchObject({
        gateName: 'Library side door',
        decision: 'granted',
        passId: alicePass.passId,
        operator: SECURITY_GUARD.name,
        flags: ['handheld'],
      });
      const found = (await guard.agent.get('/api/security/entries').query({ passId: alicePass.passId, gateId: live.gateId }).expect(200))
        .body.entries as LiveEntry[];
      expect(found.map((entry) => entry.eventId)).toEqual([verdict.eventId]);
      const [stored] = (await dataSource.query(
        `SELECT payload, octet_length(signature) AS signature_length FROM gate_event WHERE event_id = $1`,
        [verdict.eventId],
      )) as Array<{ payload: string; signature_length: number }>;
      expect(JSON.parse(stored!.payload)).toMatchObject({
        eventId: verdict.eventId,
        gateId: live.gateId,
        type: 'scan',
        decision: 'granted',
      });
      expect(stored!.signature_length).toBe(0);

      // A second check at the same place: the same handheld row, the next sequence; no location: the default one.
      const second = (await handheld(alicePass.qrText, 'Library side door')).body as HandheldVerdict;
      const third = (await handheld(alicePass.qrText)).body as HandheldVerdict;
      const rows = (await dataSource.query(
        `SELECT g.name, g.kind, ge.sequence FROM gate_event ge JOIN gate g ON g.id = ge.gate_id WHERE ge.event_id = ANY($1::uuid[]) ORDER BY ge.received_at`,
        [[verdict.eventId, second.eventId, third.eventId]],
      )) as Array<{ name: string; kind: string; sequence: string }>;
      expect(rows).toEqual([
        { name: 'Library side door', kind: 'handheld', sequence: '1' },
        { name: 'Library side door', kind: 'handheld', sequence: '2' },
        { name: 'Handheld check', kind: 'handheld', sequence: '1' },
      ]);

      // Handheld rows are not turnstiles: no tile, and no signed gate request can be made as one.
      const tiles = (await guard.agent.get('/api/security/gates').expect(200)).body.gates as Array<{ gateId: string }>;
      expect(tiles.some((tile) => tile.gateId === live.gateId)).toBe(false);
      const someKey = newGateKeyPair();
      const bundle = await request(server())
        .get('/api/gate/bundle')
        .set(signGateRequest({ gateId: live.gateId, privateKey: someKey.privateKey, method: 'GET', pathWithQuery: '/api/gate/bundle' }))
        .expect(401);
      expect(bundle.body.code).toBe('gate-signature-invalid');
    });

    it('denies forged, tampered, malformed, another day, revoked and cancelled passes, saying why', async () => {
      const forged = encodePass(
        {
          kind: 'alumni-day',
          passId: randomBytes(16).toString('hex'),
          campusDay: alicePass.campusDay,
          scope: 0,
          flags: { singleEntry: false },
          ecardId: aliceEcard,
        },
        createNodeSigner(new Uint8Array(randomBytes(32))),
      ).qrText;
      const tomorrow = new Date(Date.now() + DAY_MS + 60_000).toLocaleDateString('en-CA', { timeZone: 'Asia/Hong_Kong' });
      const [later] = await inviteGuests(gatePortal.alice, ['Tomorrow Guest'], tomorrow);
      const [revoked, cancelled] = await inviteGuests(gatePortal.alice, ['Revoked Visitor', 'Cancelled Visitor']);
      await dataSource.query(`UPDATE pass SET status = 'revoked', revoked_at = now(), reason = 'test' WHERE id = $1`, [revoked!.id]);
      await post(gatePortal.alice, `/api/guest-passes/${cancelled!.id}/cancel`).expect(200);

      const cases: Array<[string, string, string | null]> = [
        [forged, 'unknown-key', null],
        [tamper(alicePass.qrText), 'bad-signature', null],
        ['https://example.com/not-a-pass', 'malformed', null],
        [later!.qrText, 'wrong-day', 'Tomorrow Guest'],
        [revoked!.qrText, 'revoked', 'Revoked Visitor'],
        [cancelled!.qrText, 'pass-cancelled', 'Cancelled Visitor'],
      ];
      for (const [qr, reason, holderName] of cases) {
        const verdict = (await handheld(qr)).body as HandheldVerdict;
        expect({ reason, decision: verdict.decision, got: verdict.reason, holder: verdict.holder?.name ?? null }).toEqual({
          reason,
          decision: 'denied',
          got: reason,
          holder: holderName,
        });
        expect(verdict.message.length).toBeGreaterThan(10);
        expect(verdict.holder?.photoUrl ?? null).toBeNull();
        const [row] = (await dataSource.query(`SELECT decision, reason, flags FROM gate_event WHERE event_id = $1`, [
          verdict.eventId,
        ])) as Array<{
          decision: string;
          reason: string;
          flags: string[];
        }>;
        expect(row).toEqual({ decision: 'denied', reason, flags: ['handheld'] });
      }
    });

    it('validates the body', async () => {
      for (const body of [
        {},
        { qr: '' },
        { qr: 42 },
        { qr: 'CP1:X', location: '' },
        { qr: 'CP1:X', location: 'x'.repeat(101) },
        { qr: 'CP1:X', extra: true },
      ]) {
        await post(guard, '/api/security/handheld/check', body).expect(400);
      }
    });
  });
});
