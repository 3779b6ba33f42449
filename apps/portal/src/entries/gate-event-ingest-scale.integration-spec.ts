import { randomUUID } from 'node:crypto';
import { QueueName, type IngestStatus } from '@campuspass/contracts';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { freePort } from '../../../../test/support/free-port.js';
import { newGateKeyPair, type GateKeyPair } from '../../../../test/support/gate-client.js';
import { addGateEvents, gateEvent, gateEventJob, signGateEvent, type GateEventJob } from '../../../../test/support/gate-events.js';
import { inviteGuests, registeredGate, startPortalWithActiveAlumnus, type GatePortal } from '../../../../test/support/gate-fixtures.js';
import { post, type HttpSession } from '../../../../test/support/http-sessions.js';
import { startTestPortal } from '../../../../test/support/portal-app.js';
import { AAO_ADMIN, AUDITOR, createStaffAndSignIn, SECURITY_GUARD } from '../../../../test/support/staff-fixtures.js';
import { waitUntil } from '../../../../test/support/wait.js';
import { JobQueue } from '../core/queue/job-queue.service.js';
import { EntriesService } from './entries.service.js';
import { EntryEvents } from './entry-events.js';
import { IngestStatusService } from './ingest-status.service.js';

/** Fisher–Yates with a fixed seed: out of order, reproducibly. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let index = result.length - 1; index > 0; index--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [result[index], result[other]] = [result[other]!, result[index]!];
  }
  return result;
}

/** Generous for a burst of a few thousand events on a machine shared with other test runs. */
const BURST_TIMEOUT_MS = 180_000;
const WORKER_TIMEOUT_MS = 60_000;
const EVENTS_PER_GATE = 750;

interface TestGate {
  readonly id: string;
  readonly keys: GateKeyPair;
}

const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000).toISOString();

describe('Gate event ingestion at scale: batches, dead letters, conflict flags, ingest status', () => {
  let gatePortal: GatePortal;
  let queue: Queue;
  let entries: EntriesService;
  let db: DataSource;
  let gates: TestGate[];
  /** Every announcement of EntryEvents, as "gate/event". */
  const announced: string[] = [];
  const announcedFlags = new Map<string, readonly string[]>();

  const newGate = (name: string): Promise<TestGate> => registeredGate(gatePortal.portal, name);
  const flagsOf = async (gateId: string, eventId: string): Promise<string[]> => {
    const rows = (await db.query(`SELECT flags FROM gate_event WHERE gate_id = $1 AND event_id = $2`, [gateId, eventId])) as Array<{
      flags: string[];
    }>;
    return rows[0]?.flags ?? ['(not stored)'];
  };
  const storedCount = async (gateId: string, eventId: string) =>
    (
      (await db.query(`SELECT count(*)::int AS n FROM gate_event WHERE gate_id = $1 AND event_id = $2`, [gateId, eventId])) as Array<{
        n: number;
      }>
    )[0]!.n;
  const waitStored = (gate: TestGate, eventIds: readonly string[]) =>
    waitUntil(
      `${eventIds.length} events stored`,
      async () => {
        const rows = (await db.query(`SELECT count(*)::int AS n FROM gate_event WHERE gate_id = $1 AND event_id = ANY ($2::uuid[])`, [
          gate.id,
          eventIds,
        ])) as Array<{ n: number }>;
        return rows[0]!.n === eventIds.length;
      },
      WORKER_TIMEOUT_MS,
    );

  beforeAll(async () => {
    gatePortal = await startPortalWithActiveAlumnus();
    const { app } = gatePortal.portal;
    queue = app.get(JobQueue).queue(QueueName.GateEvents);
    entries = app.get(EntriesService);
    db = app.get(DataSource);
    app.get(EntryEvents).listen((stored) => {
      for (const entry of stored) {
        announced.push(`${entry.gateId}/${entry.event.eventId}`);
        announcedFlags.set(`${entry.gateId}/${entry.event.eventId}`, entry.flags);
      }
    });
    gates = [];
    for (const name of ['North Gate', 'South Gate', 'East Gate', 'West Gate']) gates.push(await newGate(name));
  });

  afterAll(async () => {
    await gatePortal?.close();
  });

  it('stores a burst from four gates exactly once each (out of order, duplicated, re-sent after removal) and dead-letters each bad job once with its reason', async () => {
    const good = gates.flatMap((gate) =>
      Array.from({ length: EVENTS_PER_GATE }, (_, index) => gateEventJob(gateEvent(gate.id, index + 1), gate.id, gate.keys.privateKey)),
    );
    const gateA = gates[0]!;
    const forger = newGateKeyPair();
    const forged = Array.from({ length: 10 }, (_, index) => gateEventJob(gateEvent(gateA.id, 5000 + index), gateA.id, forger.privateKey));
    const stranger = newGateKeyPair();
    const unknownGates = Array.from({ length: 5 }, () => randomUUID());
    const unknown = unknownGates.map((gateId) => gateEventJob(gateEvent(gateId, 1), gateId, stranger.privateKey));
    const notJson: GateEventJob = { eventId: randomUUID(), data: signGateEvent('{"format": oops', gateA.id, gateA.keys.privateKey) };
    const invalid = gateEventJob(gateEvent(gateA.id, 6000, { decision: null }), gateA.id, gateA.keys.privateKey);
    const notSigned: GateEventJob = { eventId: randomUUID(), data: { gateId: 'not-a-gate', payload: '{}', signature: 'short' } as never };
    const malformed = [notJson, invalid, notSigned];
    const bad = [...forged, ...unknown, ...malformed];

    // Duplicates in the same delivery: 200 good jobs twice (BullMQ keeps one job per id). Bad jobs are removed when
    // they fail, so that they can be delivered again below.
    const firstDelivery = shuffled([...good, ...good.slice(0, 200)], 11);
    await addGateEvents(queue, firstDelivery, { removeOnComplete: true });
    await addGateEvents(queue, shuffled(bad, 3), { removeOnFail: true });

    await waitUntil(
      'every good event is stored',
      async () =>
        (
          (await db.query(`SELECT count(*)::int AS n FROM gate_event WHERE gate_id = ANY ($1::uuid[])`, [
            gates.map((g) => g.id),
          ])) as Array<{
            n: number;
          }>
        )[0]!.n >= good.length,
      BURST_TIMEOUT_MS,
    );
    await waitUntil(
      'every bad job is dead-lettered',
      async () => ((await db.query(`SELECT count(*)::int AS n FROM gate_event_dead_letter`)) as Array<{ n: number }>)[0]!.n >= bad.length,
      WORKER_TIMEOUT_MS,
    );
    await waitUntil('the failed bad jobs are removed', async () =>
      (await Promise.all(bad.map((job) => queue.getJob(job.eventId)))).every((job) => job === undefined),
    );

    // The same events again: 300 good ones whose jobs completed and were removed (only the database dedupes them),
    // and every bad job once more.
    const resent = shuffled(good, 5).slice(0, 300);
    await addGateEvents(queue, resent, { removeOnComplete: false });
    await addGateEvents(queue, bad, { removeOnFail: false });
    await waitUntil('the re-sent jobs completed', async () => (await queue.getCompletedCount()) >= resent.length, WORKER_TIMEOUT_MS);
    await waitUntil('the re-sent bad jobs failed', async () => (await queue.getFailedCount()) >= bad.length, WORKER_TIMEOUT_MS);

    const completed = await queue.getCompleted(0, resent.length);
    expect(completed).toHaveLength(resent.length);
    expect(completed.every((job) => (job.returnvalue as { stored: boolean }).stored === false)).toBe(true);
    for (const gate of gates) expect(await entries.countForGate(gate.id)).toBe(EVENTS_PER_GATE);
    const sequences = (await entries.eventsForGate(gateA.id)).map((event) => event.sequence);
    expect(sequences).toEqual(Array.from({ length: EVENTS_PER_GATE }, (_, index) => index + 1));

    // Each bad job failed for good on its first attempt, with its reason.
    const failed = await queue.getFailed(0, 100);
    expect(failed.map((job) => job.id).sort()).toEqual(bad.map((job) => job.eventId).sort());
    expect(failed.every((job) => job.attemptsMade === 1)).toBe(true);

    // One dead letter per bad job although each was delivered twice, with what is wrong.
    const letters = (await db.query(`SELECT job_id, gate_id, reason, data FROM gate_event_dead_letter ORDER BY job_id`)) as Array<{
      job_id: string;
      gate_id: string | null;
      reason: string;
      data: string;
    }>;
    expect(letters.map((letter) => letter.job_id)).toEqual(bad.map((job) => job.eventId).sort());
    const reasonOf = (job: GateEventJob) => letters.find((letter) => letter.job_id === job.eventId)!.reason;
    for (const job of forged) expect(reasonOf(job)).toBe(`The signature does not verify with the identity key of gate ${gateA.id}.`);
    unknown.forEach((job, index) => expect(reasonOf(job)).toBe(`No gate ${unknownGates[index]} is known to the portal.`));
    expect(reasonOf(notJson)).toBe(`The payload signed by gate ${gateA.id} is not JSON.`);
    expect(reasonOf(invalid)).toMatch(new RegExp(`^The event signed by gate ${gateA.id} is not valid \\(decision: `));
    expect(reasonOf(notSigned)).toMatch(/^The job data is not a signed gate event \(gateId: .*signature: /);
    const junk = letters.find((letter) => letter.job_id === notSigned.eventId)!;
    expect(junk.gate_id).toBe('not-a-gate');
    expect(JSON.parse(junk.data)).toEqual({ gateId: 'not-a-gate', payload: '{}', signature: 'short' });

    // EntryEvents announced every stored event once, duplicates and re-sends never.
    await waitUntil('every stored event is announced', () => announced.length >= good.length, WORKER_TIMEOUT_MS);
    const goodKeys = good.map((job) => `${job.data.gateId}/${job.eventId}`);
    const announcedGood = announced.filter((key) => goodKeys.includes(key));
    expect(announcedGood).toHaveLength(good.length);
    expect(new Set(announcedGood).size).toBe(good.length);
  }, 300_000);

  it('flags grants of a pass cancelled before the scan (only those), clock-untrusted decisions and manual opens', async () => {
    const [north, south] = gates as [TestGate, TestGate];
    const [guest] = await inviteGuests(gatePortal.alice, ['Bob Guest']);
    await post(gatePortal.alice, `/api/guest-passes/${guest!.id}/cancel`).expect(200);
    const [pass] = (await db.query(`SELECT replace(id::text, '-', '') AS pass_id, revoked_at, status FROM pass WHERE id = $1`, [
      guest!.id,
    ])) as Array<{ pass_id: string; revoked_at: Date; status: string }>;
    expect(pass!.status).toBe('cancelled');
    const passOf = { passId: pass!.pass_id, kind: 'guest' as const, campusDay: 20_419, ecardId: 1, guestIndex: 1 };

    const afterCancel = gateEvent(north.id, 7001, { occurredAt: at(pass!.revoked_at, 30), pass: passOf });
    const beforeCancel = gateEvent(south.id, 7001, { occurredAt: at(pass!.revoked_at, -3600), pass: passOf });
    const deniedAfter = gateEvent(south.id, 7002, {
      occurredAt: at(pass!.revoked_at, 40),
      pass: passOf,
      decision: 'denied',
      reason: 'revoked',
    });
    const untrusted = gateEvent(north.id, 7002, { clockTrusted: false });
    const manual = gateEvent(north.id, 7003, { type: 'manual-open', decision: null, pass: null, operator: 'Guard on duty' });
    await addGateEvents(queue, [
      gateEventJob(afterCancel, north.id, north.keys.privateKey),
      gateEventJob(beforeCancel, south.id, south.keys.privateKey),
      gateEventJob(deniedAfter, south.id, south.keys.privateKey),
      gateEventJob(untrusted, north.id, north.keys.privateKey),
      gateEventJob(manual, north.id, north.keys.privateKey),
    ]);
    await waitStored(north, [afterCancel.eventId, untrusted.eventId, manual.eventId]);
    await waitStored(south, [beforeCancel.eventId, deniedAfter.eventId]);

    expect(await flagsOf(north.id, afterCancel.eventId)).toEqual(['revoked-before-scan']);
    expect(await flagsOf(south.id, beforeCancel.eventId)).toEqual([]);
    expect(await flagsOf(south.id, deniedAfter.eventId)).toEqual([]);
    expect(await flagsOf(north.id, untrusted.eventId)).toEqual(['clock-untrusted']);
    expect(await flagsOf(north.id, manual.eventId)).toEqual(['manual-open']);
    // Announced with the flags they were stored with.
    await waitUntil('announced', () => announcedFlags.has(`${north.id}/${manual.eventId}`), WORKER_TIMEOUT_MS);
    expect(announcedFlags.get(`${north.id}/${afterCancel.eventId}`)).toEqual(['revoked-before-scan']);
    expect(announcedFlags.get(`${north.id}/${manual.eventId}`)).toEqual(['manual-open']);
  });

  it('flags both grants of one pass at two gates inside the re-entry window, whichever arrives first, in the window of the later scan’s gate', async () => {
    const [north, south, east] = gates as [TestGate, TestGate, TestGate];
    // East admits again only after 5 minutes; north and south keep the default minute.
    await db.query(`UPDATE gate SET policy = jsonb_set(policy, '{reEntryWindowSeconds}', '300') WHERE id = $1`, [east.id]);
    const base = new Date(Date.UTC(2026, 10, 27, 2, 0, 0));
    const scan = (gate: TestGate, sequence: number, passId: string, seconds: number) =>
      gateEvent(gate.id, sequence, {
        occurredAt: at(base, seconds),
        pass: { passId, kind: 'alumni-day', campusDay: 20_419, ecardId: 1, guestIndex: null },
      });
    const send = async (gate: TestGate, ...events: ReturnType<typeof scan>[]) => {
      await addGateEvents(
        queue,
        events.map((event) => gateEventJob(event, gate.id, gate.keys.privateKey)),
      );
      await waitStored(
        gate,
        events.map((event) => event.eventId),
      );
    };
    const pass = () => randomUUID().replaceAll('-', '');

    // In time order: north, then south 30 s later.
    const inOrder = pass();
    const inOrderFirst = scan(north, 8001, inOrder, 0);
    const inOrderSecond = scan(south, 8001, inOrder, 30);
    await send(north, inOrderFirst);
    expect(await flagsOf(north.id, inOrderFirst.eventId)).toEqual([]);
    await send(south, inOrderSecond);
    // Out of order: the later scan (south) arrives first, the earlier one (north) after it.
    const outOfOrder = pass();
    const earlier = scan(north, 8002, outOfOrder, 100);
    const later = scan(south, 8002, outOfOrder, 145);
    await send(south, later);
    expect(await flagsOf(south.id, later.eventId)).toEqual([]);
    await send(north, earlier);
    // Both in one delivery (one batch).
    const together = pass();
    const togetherNorth = scan(north, 8003, together, 200);
    const togetherSouth = scan(south, 8003, together, 210);
    await Promise.all([send(north, togetherNorth), send(south, togetherSouth)]);
    // Outside the minute; the same gate twice; and the window of the later scan's gate.
    const apart = pass();
    const apartNorth = scan(north, 8004, apart, 300);
    const apartSouth = scan(south, 8004, apart, 390);
    const sameGate = pass();
    const sameGateFirst = scan(north, 8005, sameGate, 400);
    const sameGateAgain = scan(north, 8006, sameGate, 410);
    const eastLater = pass();
    const eastLaterNorth = scan(north, 8007, eastLater, 500);
    const eastLaterEast = scan(east, 8001, eastLater, 700); // 200 s after, at east (5 min): inside east's window
    const northLater = pass();
    const northLaterEast = scan(east, 8002, northLater, 800);
    const northLaterNorth = scan(north, 8008, northLater, 1000); // 200 s after, at north (1 min): outside
    await Promise.all([
      send(north, apartNorth, sameGateFirst, sameGateAgain, eastLaterNorth, northLaterNorth),
      send(south, apartSouth),
      send(east, eastLaterEast, northLaterEast),
    ]);

    expect(await flagsOf(north.id, inOrderFirst.eventId)).toEqual(['two-gates']);
    expect(await flagsOf(south.id, inOrderSecond.eventId)).toEqual(['two-gates']);
    expect(await flagsOf(north.id, earlier.eventId)).toEqual(['two-gates']);
    expect(await flagsOf(south.id, later.eventId)).toEqual(['two-gates']);
    expect(await flagsOf(north.id, togetherNorth.eventId)).toEqual(['two-gates']);
    expect(await flagsOf(south.id, togetherSouth.eventId)).toEqual(['two-gates']);
    expect(await flagsOf(north.id, apartNorth.eventId)).toEqual([]);
    expect(await flagsOf(south.id, apartSouth.eventId)).toEqual([]);
    expect(await flagsOf(north.id, sameGateFirst.eventId)).toEqual([]);
    expect(await flagsOf(north.id, sameGateAgain.eventId)).toEqual([]);
    expect(await flagsOf(north.id, eastLaterNorth.eventId)).toEqual(['two-gates']);
    expect(await flagsOf(east.id, eastLaterEast.eventId)).toEqual(['two-gates']);
    expect(await flagsOf(east.id, northLaterEast.eventId)).toEqual([]);
    expect(await flagsOf(north.id, northLaterNorth.eventId)).toEqual([]);
    // Each stored once, and the counterpart flagged later is not announced again.
    expect(await storedCount(north.id, earlier.eventId)).toBe(1);
    expect(announced.filter((key) => key === `${north.id}/${inOrderFirst.eventId}`)).toHaveLength(1);
  });

  describe('GET /api/security/ingest', () => {
    let guard: HttpSession;

    beforeAll(async () => {
      guard = await createStaffAndSignIn(gatePortal.portal, gatePortal.smtp, SECURITY_GUARD);
    });

    it('reports the queue, the lag of the oldest waiting event, the rate and the dead letters', async () => {
      const gate = await newGate('Status Gate');
      const events = Array.from({ length: 120 }, (_, index) => gateEvent(gate.id, index + 1));
      await addGateEvents(
        queue,
        events.map((event) => gateEventJob(event, gate.id, gate.keys.privateKey)),
      );
      await waitStored(
        gate,
        events.map((event) => event.eventId),
      );

      // Paused, so that events wait: the status counts them and how long the oldest has waited.
      await queue.pause();
      try {
        const waiting = Array.from({ length: 7 }, (_, index) => gateEvent(gate.id, 1000 + index));
        await addGateEvents(
          queue,
          waiting.map((event) => gateEventJob(event, gate.id, gate.keys.privateKey)),
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        const { body } = (await guard.agent.get('/api/security/ingest').expect(200)) as { body: IngestStatus };
        const failed = await queue.getFailedCount();
        const letters = ((await db.query(`SELECT count(*)::int AS n FROM gate_event_dead_letter`)) as Array<{ n: number }>)[0]!.n;
        expect(body.metrics).toMatchObject({
          queue: { waiting: 7, active: 0, delayed: 0, failed },
          deadLetters: letters,
          redisReachable: true,
        });
        expect(body.metrics.lagMs).toBeGreaterThanOrEqual(250);
        // At least the 120 just stored, over the last minute.
        expect(body.metrics.eventsPerSecond60s).toBeGreaterThanOrEqual(2);
        expect(body.metrics.eventsPerSecond10s).toBeGreaterThanOrEqual(0);
        expect(body.deadLetters).toHaveLength(Math.min(50, letters));
        const times = body.deadLetters.map((letter) => letter.receivedAt);
        expect([...times].sort().reverse()).toEqual(times);
        expect(body.deadLetters[0]).toEqual({
          id: expect.any(String),
          jobId: expect.any(String),
          gateId: expect.anything(),
          reason: expect.stringMatching(/^(The|No gate)/),
          receivedAt: expect.any(String),
        });
      } finally {
        await queue.resume();
      }
    });

    it('answers security staff and AAO admins; refuses alumni and auditors (403) and the signed-out (401)', async () => {
      const admin = await createStaffAndSignIn(gatePortal.portal, gatePortal.smtp, AAO_ADMIN);
      const auditor = await createStaffAndSignIn(gatePortal.portal, gatePortal.smtp, AUDITOR);
      await admin.agent.get('/api/security/ingest').expect(200);
      await auditor.agent.get('/api/security/ingest').expect(403);
      await gatePortal.alice.agent.get('/api/security/ingest').expect(403);
      await request(gatePortal.portal.app.getHttpServer()).get('/api/security/ingest').expect(401);
    });
  });
});

describe('Ingest status with Redis down', () => {
  it('answers from PostgreSQL with redisReachable false instead of hanging', async () => {
    const portal = await startTestPortal({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    try {
      const started = Date.now();
      const status = await portal.app.get(IngestStatusService).status();
      expect(status.metrics).toMatchObject({ redisReachable: false, queue: { waiting: 0, active: 0, delayed: 0, failed: 0 }, lagMs: 0 });
      expect(status.metrics.deadLetters).toBe(0);
      // Lenient: the point is that it answers at all, about a second after giving up on Redis.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await portal.close();
    }
  });
});
