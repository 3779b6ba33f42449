import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { gateEventSchema, signedGateEventSchema, type GateEvent } from '@campuspass/contracts';
import type { ZodError } from 'zod';
import { settleWithin } from '../core/queue/settle-within.js';
import { Clock } from '../identity/clock.js';
import { DEAD_LETTER_LIMITS, EntriesRepository, type BatchEvent, type StoredGateEvent } from './entries.repository.js';
import { EntryEvents, type StoredEntry } from './entry-events.js';
import { GateKeyCache } from './gate-key-cache.js';
import { MicroBatcher, type BatchSettler } from './micro-batcher.js';
import { GateSignatureVerifier } from './signature-verifier.js';

/** A gate event job that no retry can make valid: the reason says what is wrong with it. */
export class GateEventRejectedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'GateEventRejectedError';
  }
}

export interface IngestResult {
  readonly eventId: string;
  /** False when the event was stored by an earlier delivery (counted once). */
  readonly stored: boolean;
}

/** An event whose signature and contents were checked: ready for the batch insert. */
type VerifiedEvent = BatchEvent;

/**
 * How concurrent jobs are coalesced: up to 500 events per insert, the first waiting at most 5 ms for others; two
 * batches in flight, so the next one gathers while one is written (and grows while the database is busy).
 */
export const INGEST_BATCH = { maxBatch: 500, maxWaitMs: 5, maxInFlight: 2 } as const;

/**
 * Announcing stored entries (alerts, the live feed) runs beside the inserts, in order, up to 1,000 entries per call;
 * when listeners fall 10,000 entries behind, inserting waits for them (bounded memory, and the feed stays near).
 */
export const ANNOUNCE = { maxPerCall: 1000, maxBehind: 10_000 } as const;

/** How often the worker drops per-second counters older than a day. */
const PRUNE_EVERY_MS = 60_000;

const describeIssues = (error: ZodError) => error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');

/** The job data as text for the dead letter, cut to its column's bound (never logged). */
function boundedJobData(data: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(data) ?? String(data);
  } catch {
    text = String(data);
  }
  return text.slice(0, DEAD_LETTER_LIMITS.data);
}

/** The gate id the job says it comes from, as sent (may be junk), bounded; null when there is no string. */
function sentGateId(data: unknown): string | null {
  const gateId = typeof data === 'object' && data !== null ? (data as { gateId?: unknown }).gateId : undefined;
  return typeof gateId === 'string' ? gateId.slice(0, DEAD_LETTER_LIMITS.gateId) : null;
}

/**
 * Entries: the events gates recorded, verified against the gate's identity key, stored once each in batches, with
 * conflict flags; jobs that can never be stored are kept as dead letters with the reason.
 */
@Injectable()
export class EntriesService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(EntriesService.name);
  private readonly batcher = new MicroBatcher<VerifiedEvent, IngestResult>(INGEST_BATCH, (items, settle) => this.writeBatch(items, settle));
  private lastPrunedAt = 0;
  private readonly unannounced: StoredEntry[] = [];
  private announcing: Promise<void> | undefined;
  private readonly roomWaiters: Array<() => void> = [];

  constructor(
    private readonly repository: EntriesRepository,
    private readonly keys: GateKeyCache,
    private readonly clock: Clock,
    private readonly entryEvents: EntryEvents,
    private readonly signatures: GateSignatureVerifier,
  ) {}

  /**
   * Verifies one signed gate event and stores it with the batch it joins. `jobId` is the id of the queue job that
   * carried it: gates add each event with jobId = eventId, and BullMQ keeps one job per id, so a job under another
   * event's id could stand in for that event's delivery. Throws GateEventRejectedError for data no retry can fix (not
   * a signed event, unknown or unenrolled gate, bad signature, invalid event, gate id mismatch, job id other than the
   * event id, or an event id the gate already stored with other content), after recording it as a dead letter;
   * other errors (database down) are worth retrying.
   */
  async ingest(data: unknown, jobId: string | undefined): Promise<IngestResult> {
    const receivedAt = this.clock.now();
    try {
      return await this.batcher.submit(await this.verify(data, jobId));
    } catch (error) {
      if (error instanceof GateEventRejectedError) {
        // Written before the job fails for good; if this write fails, the job is retried and rejected again.
        await this.repository.insertDeadLetter({
          jobId: jobId === undefined ? null : jobId.slice(0, DEAD_LETTER_LIMITS.jobId),
          gateId: sentGateId(data),
          reason: error.message.slice(0, DEAD_LETTER_LIMITS.reason),
          data: boundedJobData(data),
          receivedAt,
        });
      }
      throw error;
    }
  }

  /** Lets the announcements of what was stored finish (for a while) before the database goes. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.announcing) await settleWithin(this.announcing, 10_000);
  }

  countForGate(gateId: string): Promise<number> {
    return this.repository.countForGate(gateId);
  }

  eventsForGate(gateId: string): Promise<StoredGateEvent[]> {
    return this.repository.eventsForGate(gateId);
  }

  private async verify(data: unknown, jobId: string | undefined): Promise<VerifiedEvent> {
    const signed = signedGateEventSchema.safeParse(data);
    if (!signed.success) throw new GateEventRejectedError(`The job data is not a signed gate event (${describeIssues(signed.error)}).`);
    const { gateId, payload, signature } = signed.data;
    const gate = await this.keys.lookup(gateId.toLowerCase());
    if (!gate.found) {
      throw new GateEventRejectedError(
        gate.why === 'unknown'
          ? `No gate ${gateId} is known to the portal.`
          : `Gate ${gateId} has not enrolled: it has no identity key yet.`,
      );
    }
    if (!(await this.signatures.verify(payload, signature, gate.key, gate.raw))) {
      throw new GateEventRejectedError(`The signature does not verify with the identity key of gate ${gateId}.`);
    }
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      throw new GateEventRejectedError(`The payload signed by gate ${gateId} is not JSON.`);
    }
    const parsed = gateEventSchema.safeParse(json);
    if (!parsed.success)
      throw new GateEventRejectedError(`The event signed by gate ${gateId} is not valid (${describeIssues(parsed.error)}).`);
    const event: GateEvent = parsed.data;
    if (event.gateId.toLowerCase() !== gateId.toLowerCase()) {
      throw new GateEventRejectedError(`The event names gate ${event.gateId} but was signed and sent by gate ${gateId}.`);
    }
    if (jobId?.toLowerCase() !== event.eventId.toLowerCase()) {
      throw new GateEventRejectedError(
        `The job id ${jobId ?? '(none)'} is not the id of the event it carries (${event.eventId}): gates must add each event with jobId = eventId.`,
      );
    }
    return { gateId: gateId.toLowerCase(), eventId: event.eventId.toLowerCase(), signed: signed.data, event };
  }

  /**
   * One insert for the batch, then each job's outcome; what was stored is handed to the announcer. A database error
   * fails every job of the batch (BullMQ retries them).
   */
  private async writeBatch(items: readonly VerifiedEvent[], settle: BatchSettler<IngestResult>): Promise<void> {
    // The same event twice in one batch (a stalled job handed out again) is inserted once.
    const byKey = new Map<string, number[]>();
    items.forEach((item, index) => {
      const key = `${item.gateId}/${item.eventId}`;
      const indices = byKey.get(key);
      if (indices) indices.push(index);
      else byKey.set(key, [index]);
    });
    const unique = [...byKey.values()].map((indices) => items[indices[0]!]!);
    const receivedAt = this.clock.now();
    const outcomes = await this.repository.insertBatch(unique, receivedAt);

    const stored: StoredEntry[] = [];
    [...byKey.values()].forEach((indices, position) => {
      const item = unique[position]!;
      const outcome = outcomes[position]!;
      const eventId = item.event.eventId;
      if (outcome.kind === 'stored') {
        stored.push({ event: item.event, gateId: item.gateId, flags: outcome.flags, receivedAt });
        indices.forEach((index, nth) => settle.resolve(index, { eventId, stored: nth === 0 }));
      } else if (outcome.kind === 'exists' && outcome.storedPayload === item.signed.payload) {
        // Stored by an earlier delivery: fine when it is the same event.
        indices.forEach((index) => settle.resolve(index, { eventId, stored: false }));
      } else if (outcome.kind === 'exists') {
        const error = new GateEventRejectedError(
          `Event id ${eventId} is already stored with different content; the gate reused an event id.`,
        );
        indices.forEach((index) => settle.reject(index, error));
      } else {
        const error = new Error(`Event ${eventId} was neither stored nor found (gate ${item.gateId} gone?); retrying.`);
        indices.forEach((index) => settle.reject(index, error));
      }
    });

    if (Date.now() - this.lastPrunedAt > PRUNE_EVERY_MS) {
      this.lastPrunedAt = Date.now();
      this.repository.pruneIngestRate().catch((error: unknown) => this.logger.warn(`Pruning the ingest rate failed: ${String(error)}`));
    }
    this.announce(stored);
    // Listeners far behind: hold this batch's write slot until they catch up, so ingestion slows instead of piling up.
    while (this.unannounced.length >= ANNOUNCE.maxBehind) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  /** Queues stored entries for EntryEvents, announced in the order they were stored, several batches at once when behind. */
  private announce(entries: readonly StoredEntry[]): void {
    if (entries.length === 0) return;
    for (const entry of entries) this.unannounced.push(entry);
    this.announcing ??= this.announceAll();
  }

  private async announceAll(): Promise<void> {
    try {
      while (this.unannounced.length > 0) {
        const entries = this.unannounced.splice(0, ANNOUNCE.maxPerCall);
        try {
          await this.entryEvents.stored(entries);
        } catch (error) {
          this.logger.error(`Announcing stored entries failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (this.unannounced.length < ANNOUNCE.maxBehind) this.roomWaiters.splice(0).forEach((wake) => wake());
      }
    } finally {
      // No await between the last check and this: an entry queued from now on starts a new run.
      this.announcing = undefined;
    }
  }
}
