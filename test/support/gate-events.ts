import { randomUUID, sign, type KeyObject } from 'node:crypto';
import type { JobsOptions, Queue } from 'bullmq';
import { GATE_EVENT_FORMAT, type GateEvent, type SignedGateEvent } from '@campuspass/contracts';

/** BullMQ job name gates use on the gate-events queue. */
export const GATE_EVENT_JOB = 'gate-event';

/** As a gate sends them: retried with backoff, failures kept for inspection. */
export const GATE_EVENT_TEST_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: false,
};

/** A granted scan of a guest pass by `gateId`, with a fresh event id; `overrides` change any field. */
export function gateEvent(gateId: string, sequence: number, overrides: Partial<GateEvent> = {}): GateEvent {
  return {
    format: GATE_EVENT_FORMAT,
    eventId: randomUUID(),
    gateId,
    sequence,
    type: 'scan',
    occurredAt: new Date(Date.UTC(2026, 10, 27, 1, 0, 0) + sequence * 1000).toISOString(),
    clockTrusted: true,
    bundleVersion: 7,
    decision: 'granted',
    reason: null,
    pass: { passId: randomUUID().replaceAll('-', ''), kind: 'guest', campusDay: 20_419, ecardId: 1, guestIndex: 1 },
    passage: null,
    scanEventId: null,
    operator: null,
    detail: null,
    ...overrides,
  };
}

/** The job data of an event: its JSON text signed (Ed25519) by the gate's identity key. */
export function signGateEvent(event: GateEvent | string, gateId: string, privateKey: KeyObject): SignedGateEvent {
  const payload = typeof event === 'string' ? event : JSON.stringify(event);
  return { gateId, payload, signature: sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64') };
}

export interface GateEventJob {
  /** The job id: the event id, as gates send it. */
  readonly eventId: string;
  readonly data: SignedGateEvent;
}

/** A job for a signed event, its id taken from the event. */
export function gateEventJob(event: GateEvent, gateId: string, privateKey: KeyObject): GateEventJob {
  return { eventId: event.eventId, data: signGateEvent(event, gateId, privateKey) };
}

/** Adds the events in one addBulk with `jobId = eventId`, as a gate drains its outbox. */
export async function addGateEvents(queue: Queue, jobs: readonly GateEventJob[], options: JobsOptions = {}): Promise<void> {
  await queue.addBulk(
    jobs.map((job) => ({ name: GATE_EVENT_JOB, data: job.data, opts: { ...GATE_EVENT_TEST_JOB_OPTIONS, ...options, jobId: job.eventId } })),
  );
}
