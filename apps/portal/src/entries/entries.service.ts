import { verify } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { gateEventSchema, signedGateEventSchema, type GateEvent } from '@campuspass/contracts';
import type { ZodError } from 'zod';
import { Clock } from '../identity/clock.js';
import { EntriesRepository, type StoredGateEvent } from './entries.repository.js';
import { GateKeyCache } from './gate-key-cache.js';

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

const describeIssues = (error: ZodError) => error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');

/**
 * Entries (issue 5, the portal half of gate sync): the events gates recorded, verified against the gate's
 * identity key and stored once each. The dashboards and conflict flags of the entries module come later.
 */
@Injectable()
export class EntriesService {
  constructor(
    private readonly repository: EntriesRepository,
    private readonly keys: GateKeyCache,
    private readonly clock: Clock,
  ) {}

  /**
   * Verifies and stores one signed gate event. `jobId` is the id of the queue job that carried it: gates add
   * each event with jobId = eventId, and BullMQ keeps one job per id, so a job under another event's id could
   * stand in for that event's delivery. Throws GateEventRejectedError for data no retry can fix (not a signed
   * event, unknown or unenrolled gate, bad signature, invalid event, gate id mismatch, job id other than the
   * event id, or an event id the gate already stored with other content); other errors (database down) are
   * worth retrying.
   */
  async ingest(data: unknown, jobId: string | undefined): Promise<IngestResult> {
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
    if (!verify(null, Buffer.from(payload, 'utf8'), gate.key, Buffer.from(signature, 'base64'))) {
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
    if (await this.repository.insertEvent(event, signed.data, this.clock.now())) return { eventId: event.eventId, stored: true };
    // Stored by an earlier delivery: fine when it is the same event, a gate bug when the id was reused.
    const stored = await this.repository.storedPayload(gateId.toLowerCase(), event.eventId);
    if (stored === null) throw new Error(`Event ${event.eventId} was neither stored nor found (gate ${gateId} gone?); retrying.`);
    if (stored !== payload) {
      throw new GateEventRejectedError(`Event id ${event.eventId} is already stored with different content; the gate reused an event id.`);
    }
    return { eventId: event.eventId, stored: false };
  }

  countForGate(gateId: string): Promise<number> {
    return this.repository.countForGate(gateId);
  }

  eventsForGate(gateId: string): Promise<StoredGateEvent[]> {
    return this.repository.eventsForGate(gateId);
  }
}
