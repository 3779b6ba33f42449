import type { GateIdentity } from '../identity/gate-identity.js';
import type { OutboxStore } from '../store/store.ports.js';
import { Backoff, type BackoffSettings } from './backoff.js';
import type { GateEventPublisher, SignedGateEventJob } from './gate-event-publisher.port.js';
import { errorDetails, silentSyncLog, type SyncLog } from './sync-log.js';
import { SyncLoop, type NextRun } from './sync-loop.js';

/** With no backlog the drainer still looks now and then, in case an append did not wake it. */
export const DEFAULT_IDLE_POLL_MS = 5000;

export interface OutboxDrainerOptions {
  readonly outbox: OutboxStore;
  readonly publisher: GateEventPublisher;
  readonly identity: GateIdentity;
  readonly gateId: string;
  /** sync.eventBatchSize */
  readonly batchSize: number;
  readonly backoff: BackoffSettings;
  readonly random?: () => number;
  readonly idlePollMs?: number;
  readonly log?: SyncLog;
}

export interface DrainerStatus {
  readonly delivered: number;
  readonly failedBatches: number;
  readonly consecutiveFailures: number;
  readonly lastError: string | undefined;
  readonly lastDeliveredAt: Date | undefined;
}

/**
 * Drains the outbox to the portal's gate-events queue, oldest first, a batch at a time: each event's JSON signed
 * with the gate key, added with jobId = eventId, and marked delivered only after the queue holds the whole batch.
 * A failed batch stays pending (attempts counted) and is sent again after a backoff; an event is never dropped, and
 * one sent twice (a crash between add and mark) is counted once by the portal. Keeps going while there is a
 * backlog; wake() after an append.
 */
export class OutboxDrainer {
  readonly #loop: SyncLoop;
  readonly #backoff: Backoff;
  readonly #log: SyncLog;
  #delivered = 0;
  #failedBatches = 0;
  #lastError: string | undefined;
  #lastDeliveredAt: Date | undefined;

  constructor(private readonly options: OutboxDrainerOptions) {
    this.#log = options.log ?? silentSyncLog;
    this.#backoff = new Backoff(options.backoff, options.random);
    this.#loop = new SyncLoop(
      () => this.#tick(),
      (error) => this.#log.error(errorDetails(error), 'outbox drain failed unexpectedly'),
    );
  }

  start(): void {
    this.#loop.start(0);
  }

  /** Waits for the batch in flight to finish (delivered and marked, or failed and counted). */
  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** An event was appended: drain now unless backing off. */
  wake(): void {
    this.#loop.wake();
  }

  status(): DrainerStatus {
    return {
      delivered: this.#delivered,
      failedBatches: this.#failedBatches,
      consecutiveFailures: this.#backoff.failures,
      lastError: this.#lastError,
      lastDeliveredAt: this.#lastDeliveredAt,
    };
  }

  /** Signs the oldest pending events (at most batchSize) as the queue's jobs. */
  nextBatch(): SignedGateEventJob[] {
    const { outbox, identity, gateId, batchSize } = this.options;
    return outbox.peek(batchSize).map((entry) => {
      const payload = JSON.stringify(entry.event);
      return { eventId: entry.event.eventId, data: { gateId, payload, signature: identity.signText(payload) } };
    });
  }

  /** Sends one batch; returns how many events were delivered (0: nothing pending). Throws when the queue refused. */
  async drainOnce(): Promise<number> {
    const jobs = this.nextBatch();
    if (jobs.length === 0) return 0;
    const eventIds = jobs.map((job) => job.eventId);
    try {
      await this.options.publisher.publish(jobs);
    } catch (error) {
      this.options.outbox.markAttemptFailed(eventIds);
      throw error;
    }
    this.options.outbox.markDelivered(eventIds);
    this.#delivered += jobs.length;
    this.#lastDeliveredAt = new Date();
    return jobs.length;
  }

  async #tick(): Promise<NextRun> {
    try {
      const sent = await this.drainOnce();
      this.#backoff.reset();
      this.#lastError = undefined;
      // A full batch means there may be more: go on at once. Otherwise wait for an append (or the idle poll).
      if (sent > 0) return { delayMs: 0, wakeable: true };
      return { delayMs: this.options.idlePollMs ?? DEFAULT_IDLE_POLL_MS, wakeable: true };
    } catch (error) {
      this.#failedBatches++;
      this.#lastError = error instanceof Error ? error.message : String(error);
      const delayMs = this.#backoff.fail();
      this.#log.warn(
        { ...errorDetails(error), retryInMs: delayMs, pending: this.options.outbox.status().pending },
        'outbox batch not delivered',
      );
      return { delayMs, wakeable: false };
    }
  }
}
