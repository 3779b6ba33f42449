import { randomUUID } from 'node:crypto';
import { GATE_EVENT_FORMAT, type GateEvent } from '@campuspass/contracts';
import type { AppendOptions, OutboxStatus, OutboxStore } from '../store/store.ports.js';
import type { ScanPass } from '../verify/decide-scan.js';

/** The fields that differ between events; the recorder adds id, gate, time, clock and bundle version. */
export type GateEventFields = Pick<GateEvent, 'type'> & Partial<Omit<GateEvent, 'format' | 'eventId' | 'gateId' | 'sequence' | 'type'>>;

export interface GateEventRecorderOptions {
  readonly gateId: string;
  readonly outbox: OutboxStore;
  /** The clock reading each event is stamped with. */
  readonly clock: () => { readonly now: Date; readonly trusted: boolean };
  /** The bundle version decisions are made with now (0: none). */
  readonly bundleVersion: () => number;
  /** Called after each durable append (the drainer's wake()). */
  readonly onAppended?: (event: GateEvent) => void;
  /** Called once each time the outbox crosses its alert threshold upwards. */
  readonly onOutboxFilling?: (status: OutboxStatus) => void;
}

/** The pass of a decision in the shape of the gate event's `pass` (scope and flags stay on the gate). */
export function eventPass(pass: ScanPass | undefined): GateEvent['pass'] {
  if (pass === undefined) return null;
  return { passId: pass.passId, kind: pass.kind, campusDay: pass.campusDay, ecardId: pass.ecardId, guestIndex: pass.guestIndex };
}

/**
 * Turns what happened at the gate into gate events and commits each to the outbox (synchronously, durably: the
 * append returns only once SQLite has it on disk). Watches the outbox fill and reports crossing the alert threshold.
 */
export class GateEventRecorder {
  #aboveThreshold = false;

  constructor(private readonly options: GateEventRecorderOptions) {
    this.#aboveThreshold = options.outbox.status().aboveAlertThreshold;
  }

  /**
   * Appends the event (stamped with `reading`, default the clock now); throws StoreError (OutboxFullError) when it
   * could not be recorded. `opensGrant`: the event grants a passage, kept open until its `passage` event is recorded.
   */
  record(
    fields: GateEventFields,
    reading: { readonly now: Date; readonly trusted: boolean } = this.options.clock(),
    options: AppendOptions = {},
  ): GateEvent {
    const event = this.options.outbox.append(
      {
        format: GATE_EVENT_FORMAT,
        eventId: randomUUID(),
        gateId: this.options.gateId,
        occurredAt: reading.now.toISOString(),
        clockTrusted: reading.trusted,
        bundleVersion: this.options.bundleVersion(),
        decision: null,
        reason: null,
        pass: null,
        passage: null,
        scanEventId: null,
        operator: null,
        detail: null,
        ...fields,
      },
      options,
    );
    this.options.onAppended?.(event);
    this.checkFill();
    return event;
  }

  /**
   * Records a `passage` event with outcome `interrupted` for every grant the outbox still holds open: at start-up,
   * before any input is read, these are passages the previous run never saw end (SIGKILL, power loss). Each event
   * and the closing of its grant commit together. The pass is copied from the grant's event.
   *
   * Fail secure: nobody knows whether the person went through, so the pass counts as used at its grant time (a
   * single-entry pass is not admitted again; a day pass waits out its re-entry window), in the same transaction. A
   * guard who saw them turned back can open by hand. Stamped no earlier than the grant (a gate without a real-time
   * clock may restart with its clock behind). Returns how many were recorded; throws StoreError when one could not
   * be (the rest stay open for the next start).
   */
  recordInterruptedPassages(): number {
    const grants = this.options.outbox.openGrants();
    for (const grant of grants) {
      const reading = this.options.clock();
      const pass = grant.grantEvent?.pass ?? null;
      const at = reading.now < grant.grantedAt ? grant.grantedAt : reading.now;
      this.record(
        {
          type: 'passage',
          passage: 'interrupted',
          scanEventId: grant.scanEventId,
          pass,
          detail: `the gate agent stopped before this passage ended (restarted at ${reading.now.toISOString()})`,
        },
        { now: at, trusted: reading.trusted },
        pass ? { usage: { passId: pass.passId, campusDay: pass.campusDay, at: grant.grantedAt } } : {},
      );
    }
    return grants.length;
  }

  /** Re-reads the outbox fill; reports a crossing of the alert threshold (call after appends and drains). */
  checkFill(): OutboxStatus {
    const status = this.options.outbox.status();
    if (status.aboveAlertThreshold && !this.#aboveThreshold) {
      this.#aboveThreshold = true;
      this.options.onOutboxFilling?.(status);
    } else if (!status.aboveAlertThreshold) {
      this.#aboveThreshold = false;
    }
    return status;
  }
}
