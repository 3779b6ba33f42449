import type { GateEvent } from '@campuspass/contracts';

// The gate's durable state, as the rest of the agent sees it. The SQLite adapter (better-sqlite3, WAL,
// synchronous=FULL) implements all of these; every method returns only after the write is durable, so a decision
// recorded here survives a power cut before the relay moves. Synchronous on purpose: a decision never waits on I/O
// scheduling, and better-sqlite3 is synchronous.

/** Anti-passback and single-use state, changed only on a confirmed passage (or a grant where no sensor exists). */
export interface PassUsage {
  readonly passId: string;
  readonly firstPassageAt: Date;
  readonly lastPassageAt: Date;
  readonly passages: number;
}

export interface UsageStore {
  get(passId: string): PassUsage | undefined;
  recordPassage(passId: string, campusDay: number, at: Date): PassUsage;
  /** Drops usage of campus days before `campusDay` (their passes have expired). Returns rows removed. */
  pruneBefore(campusDay: number): number;
}

/** The verified bundle state the gate decides with (JSON of the applied full bundle plus deltas). */
export interface BundleStateStore {
  load(): { readonly version: number; readonly stateJson: string } | undefined;
  save(version: number, stateJson: string): void;
}

/** The last time the gate trusted its clock (NTP or signed portal time): the clock never goes back past it. */
export interface ClockStateStore {
  lastTrustedTime(): Date | undefined;
  saveTrustedTime(at: Date): void;
}

export interface OutboxEntry {
  readonly sequence: number;
  readonly event: GateEvent;
  readonly attempts: number;
}

export interface OutboxStatus {
  readonly pending: number;
  readonly capacity: number;
  /** pending / capacity, 0–1: the agent alerts above its configured threshold. */
  readonly fill: number;
  /** storage.outbox.alertThresholdPercent as a fraction: `fill` at or above it should raise an alert. */
  readonly alertThreshold: number;
  /** fill ≥ alertThreshold: the agent alerts now, well before appends start failing. */
  readonly aboveAlertThreshold: boolean;
  readonly oldestPendingAt: Date | undefined;
}

export interface AppendOptions {
  /**
   * The event grants a passage (a granted scan, a manual open): an open grant is stored with it, in the same
   * transaction, until the `passage` event naming it as `scanEventId` is appended.
   */
  readonly opensGrant?: boolean;
  /**
   * The event (a `passage`) is a passage of this pass: its usage (single use, re-entry window) is recorded in the
   * same transaction, so the pass is used exactly when the event says it passed, crash or not.
   */
  readonly usage?: { readonly passId: string; readonly campusDay: number; readonly at: Date };
}

/** A grant whose passage event has not been recorded: left over at start-up, its passage was cut short. */
export interface OpenGrant {
  readonly scanEventId: string;
  readonly grantedAt: Date;
  /** The grant's own event, while the outbox still holds it (delivered events are pruned after the retention). */
  readonly grantEvent: GateEvent | undefined;
}

/** Events waiting to reach the portal. `append` is the durable commit of a decision. */
export interface OutboxStore {
  /**
   * Assigns the next per-gate sequence number and stores the event; throws `OutboxFullError` when at capacity.
   * A `passage` event closes the open grant of its `scanEventId` in the same transaction.
   */
  append(event: Omit<GateEvent, 'sequence'>, options?: AppendOptions): GateEvent;
  /** Grants whose passage has not been recorded, oldest first. */
  openGrants(): readonly OpenGrant[];
  /** How many of those are grants of this pass, and the latest one's time; undefined when none. */
  openGrantsOfPass(passId: string): { readonly count: number; readonly lastGrantedAt: Date } | undefined;
  /** Oldest pending events first. */
  peek(limit: number): readonly OutboxEntry[];
  /** Marks events as delivered (the portal queue accepted them); delivered events are kept for a while, then pruned. */
  markDelivered(eventIds: readonly string[]): void;
  markAttemptFailed(eventIds: readonly string[]): void;
  /** Removes delivered events older than the retention period (delivered before `now` − retention). Returns rows removed. */
  pruneDelivered(now: Date): number;
  status(): OutboxStatus;
}
