import { randomUUID } from 'node:crypto';
import { QueueName } from '@campuspass/contracts';
import type { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { newGateKeyPair, type GateKeyPair } from '../../../../test/support/gate-client.js';
import { addGateEvents, gateEvent, gateEventJob, signGateEvent, type GateEventJob } from '../../../../test/support/gate-events.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { waitUntil } from '../../../../test/support/wait.js';
import { JobQueue } from '../core/queue/job-queue.service.js';
import { GatesService } from '../gates/gates.service.js';
import { EntriesService } from './entries.service.js';

/** Fisher–Yates with a fixed seed: out of order, reproducibly. */
function shuffled<T>(items: readonly T[], seed = 42): T[] {
  const result = [...items];
  let state = seed;
  for (let index = result.length - 1; index > 0; index--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [result[index], result[other]] = [result[other]!, result[index]!];
  }
  return result;
}

/** How long the worker may take: a minute, for a burst of 500 events on a busy machine. */
const WORKER_TIMEOUT_MS = 60_000;

describe('Gate event ingestion (BullMQ worker, PostgreSQL, Redis)', () => {
  let portal: TestPortal;
  let queue: Queue;
  let entries: EntriesService;
  let gateKeys: GateKeyPair;
  let gateId: string;

  const failedReason = async (jobId: string) => {
    await waitUntil(`job ${jobId} failed`, async () => (await (await queue.getJob(jobId))?.getState()) === 'failed', 20_000);
    const job = (await queue.getJob(jobId)) as Job;
    return { reason: job.failedReason, attempts: job.attemptsMade };
  };

  beforeAll(async () => {
    portal = await startTestPortal({}, { workers: true });
    queue = portal.app.get(JobQueue).queue(QueueName.GateEvents);
    entries = portal.app.get(EntriesService);
    gateKeys = newGateKeyPair();
    gateId = (await portal.app.get(GatesService).registerGate({ name: 'Burst Gate', publicKey: gateKeys.publicKey })).id;
  });

  afterAll(async () => {
    await portal?.close();
  });

  it('counts a burst of 500 events exactly once, out of order, with 100 re-sent after completion; fails 5 forged ones with the reason', async () => {
    const events = Array.from({ length: 500 }, (_, index) => gateEvent(gateId, index + 1));
    const jobs = events.map((event) => gateEventJob(event, gateId, gateKeys.privateKey));
    const forger = newGateKeyPair();
    const forged = Array.from({ length: 5 }, (_, index) => gateEventJob(gateEvent(gateId, 1000 + index), gateId, forger.privateKey));

    const started = Date.now();
    // Completed jobs removed at once, so the re-sent ones below are new jobs: only the database dedupes them.
    await addGateEvents(queue, shuffled([...jobs, ...forged]), { removeOnComplete: true });
    await waitUntil('500 events are stored', async () => (await entries.countForGate(gateId)) >= 500, WORKER_TIMEOUT_MS);
    const burstMs = Date.now() - started;
    await waitUntil('the 5 forged jobs failed', async () => (await queue.getFailedCount()) >= 5, 20_000);

    const resent: GateEventJob[] = shuffled(jobs, 7).slice(0, 100);
    await addGateEvents(queue, resent, { removeOnComplete: false });
    await waitUntil('the 100 re-sent jobs completed', async () => (await queue.getCompletedCount()) >= 100, WORKER_TIMEOUT_MS);
    const completed = await queue.getCompleted(0, 200);
    expect(completed).toHaveLength(100);
    expect(completed.every((job) => (job.returnvalue as { stored: boolean }).stored === false)).toBe(true);

    expect(await entries.countForGate(gateId)).toBe(500);
    const stored = await entries.eventsForGate(gateId);
    expect(stored.map((event) => event.sequence)).toEqual(events.map((event) => event.sequence));
    expect(new Set(stored.map((event) => event.eventId))).toEqual(new Set(events.map((event) => event.eventId)));
    expect(stored.every((event) => event.flags.length === 0)).toBe(true);
    expect(stored[0]).toMatchObject({ type: 'scan', decision: 'granted', passId: events[0]!.pass!.passId });

    const failed = await queue.getFailed(0, 100);
    expect(failed.map((job) => job.id).sort()).toEqual(forged.map((job) => job.eventId).sort());
    for (const job of failed) {
      expect(job.failedReason).toBe(`The signature does not verify with the identity key of gate ${gateId}.`);
      // Unrecoverable: not retried although the job allows 5 attempts.
      expect(job.attemptsMade).toBe(1);
    }
    // For the report: time from addBulk to the 500th row.
    process.stdout.write(`gate-event burst: 505 jobs, 500 stored in ${burstMs} ms\n`);
  }, 120_000);

  it('fails an event of an unknown gate, of a gate that names another gate, or that breaks the contract, saying what is wrong', async () => {
    const stranger = newGateKeyPair();
    const unknownGate = randomUUID();
    const unknown = gateEventJob(gateEvent(unknownGate, 1), unknownGate, stranger.privateKey);
    const otherGate = await portal.app.get(GatesService).registerGate({ name: 'Other Gate', publicKey: newGateKeyPair().publicKey });
    const mismatched = gateEventJob(gateEvent(otherGate.id, 1), gateId, gateKeys.privateKey);
    const broken = gateEvent(gateId, 9001, { decision: null });
    const invalid = gateEventJob(broken, gateId, gateKeys.privateKey);
    const notJson = { eventId: randomUUID(), data: signGateEvent('not json at all', gateId, gateKeys.privateKey) };
    const garbage = { eventId: randomUUID(), data: { gateId, payload: '{}', signature: 'short' } as never };
    await addGateEvents(queue, [unknown, mismatched, invalid, notJson, garbage]);

    expect(await failedReason(unknown.eventId)).toEqual({ reason: `No gate ${unknownGate} is known to the portal.`, attempts: 1 });
    expect((await failedReason(mismatched.eventId)).reason).toBe(
      `The event names gate ${otherGate.id} but was signed and sent by gate ${gateId}.`,
    );
    expect((await failedReason(invalid.eventId)).reason).toMatch(
      new RegExp(`^The event signed by gate ${gateId} is not valid \\(decision: a scan event has a decision`),
    );
    expect((await failedReason(notJson.eventId)).reason).toBe(`The payload signed by gate ${gateId} is not JSON.`);
    expect((await failedReason(garbage.eventId)).reason).toMatch(/^The job data is not a signed gate event \(signature: /);
    expect(await entries.countForGate(otherGate.id)).toBe(0);
  });

  it('stores events of a revoked gate flagged gate-revoked, and refuses an event id reused with other content', async () => {
    const keys = newGateKeyPair();
    const gates = portal.app.get(GatesService);
    const gate = await gates.registerGate({ name: 'Stolen Gate', publicKey: keys.publicKey });
    const before = gateEventJob(gateEvent(gate.id, 1), gate.id, keys.privateKey);
    await addGateEvents(queue, [before]);
    await waitUntil('the first event is stored', async () => (await entries.countForGate(gate.id)) === 1, WORKER_TIMEOUT_MS);
    await gates.revokeGate(gate.id, 'device stolen');

    // Within the key cache's lifetime, too: the flag comes from the gate row at insert time.
    const after = gateEventJob(gateEvent(gate.id, 2, { type: 'forced-passage', decision: null, pass: null }), gate.id, keys.privateKey);
    await addGateEvents(queue, [after]);
    await waitUntil('the second event is stored', async () => (await entries.countForGate(gate.id)) === 2, WORKER_TIMEOUT_MS);
    const stored = await entries.eventsForGate(gate.id);
    expect(stored.map((event) => [event.sequence, event.flags])).toEqual([
      [1, []],
      [2, ['gate-revoked']],
    ]);

    const original = gateEvent(gateId, 7000);
    await addGateEvents(queue, [gateEventJob(original, gateId, gateKeys.privateKey)], { removeOnComplete: true });
    await waitUntil(
      'the original is stored',
      async () => (await entries.eventsForGate(gateId)).some((event) => event.sequence === 7000),
      WORKER_TIMEOUT_MS,
    );
    const reused = { eventId: original.eventId, data: signGateEvent({ ...original, detail: 'changed' }, gateId, gateKeys.privateKey) };
    await addGateEvents(queue, [reused]);
    expect((await failedReason(original.eventId)).reason).toBe(
      `Event id ${original.eventId} is already stored with different content; the gate reused an event id.`,
    );
    const rows = await portal.app.get(DataSource).query(`SELECT detail FROM gate_event WHERE event_id = $1`, [original.eventId]);
    expect(rows).toEqual([{ detail: null }]);
  });

  it("keeps event ids per gate: another gate storing an event under this gate's event id first does not drop the real one", async () => {
    const gates = portal.app.get(GatesService);
    const rogueKeys = newGateKeyPair();
    const rogue = await gates.registerGate({ name: 'Rogue Gate', publicKey: rogueKeys.publicKey });
    const real = gateEvent(gateId, 8000);
    // The rogue gate signs an event of its own that reuses the real event's id, and it is ingested first.
    const squatter = gateEvent(rogue.id, 1, { eventId: real.eventId, detail: 'squatting' });
    await addGateEvents(queue, [gateEventJob(squatter, rogue.id, rogueKeys.privateKey)], { removeOnComplete: true });
    await waitUntil("the rogue gate's event is stored", async () => (await entries.countForGate(rogue.id)) === 1, WORKER_TIMEOUT_MS);
    await addGateEvents(queue, [gateEventJob(real, gateId, gateKeys.privateKey)], { removeOnComplete: false });
    await waitUntil(
      'the real event is stored',
      async () => (await entries.eventsForGate(gateId)).some((event) => event.sequence === 8000),
      WORKER_TIMEOUT_MS,
    );
    expect(await (await queue.getJob(real.eventId))?.getState()).toBe('completed');
    const rows = await portal.app
      .get(DataSource)
      .query(`SELECT gate_id, detail FROM gate_event WHERE event_id = $1 ORDER BY detail NULLS FIRST`, [real.eventId]);
    expect(rows).toEqual([
      { gate_id: gateId, detail: null },
      { gate_id: rogue.id, detail: 'squatting' },
    ]);
    // Delivered again, each is still counted once for its own gate.
    const resent = await entries.ingest(signGateEvent(real, gateId, gateKeys.privateKey), real.eventId);
    expect(resent).toEqual({ eventId: real.eventId, stored: false });
    expect(await entries.countForGate(rogue.id)).toBe(1);
  });

  it('fails a job whose id is not the id of the event it carries, storing nothing', async () => {
    const event = gateEvent(gateId, 8100);
    const otherId = randomUUID();
    await addGateEvents(queue, [{ eventId: otherId, data: signGateEvent(event, gateId, gateKeys.privateKey) }]);
    expect(await failedReason(otherId)).toEqual({
      reason: `The job id ${otherId} is not the id of the event it carries (${event.eventId}): gates must add each event with jobId = eventId.`,
      attempts: 1,
    });
    expect((await entries.eventsForGate(gateId)).some((stored) => stored.eventId === event.eventId)).toBe(false);
    // The same event under its own id is fine.
    await addGateEvents(queue, [gateEventJob(event, gateId, gateKeys.privateKey)]);
    await waitUntil(
      'the event is stored',
      async () => (await entries.eventsForGate(gateId)).some((stored) => stored.sequence === 8100),
      WORKER_TIMEOUT_MS,
    );
  });
});
