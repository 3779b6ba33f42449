import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueName } from '@campuspass/contracts';
import type { GateEventPublisher, SignedGateEventJob } from './gate-event-publisher.port.js';
import { SyncError, SyncErrorCode } from './sync.error.js';

/** BullMQ job name of a gate event on the gate-events queue. */
export const GATE_EVENT_JOB_NAME = 'gate-event';

/**
 * Options of every gate-event job: the portal worker retries with backoff, keeps failures for inspection, and
 * keeps completed jobs a day so a re-sent event is also deduplicated by jobId (the database constraint is what
 * makes counting exactly-once; this only saves work).
 */
export const GATE_EVENT_JOB_OPTIONS: Readonly<JobsOptions> = Object.freeze({
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 60 * 60 },
  removeOnFail: false,
});

export interface BullmqGateEventPublisherOptions {
  /** From enrollment: the gates' Redis connection (with the gates' ACL user). */
  readonly redisUrl: string;
  /** From enrollment: the portal's BullMQ prefix. */
  readonly prefix: string;
  /** How long one addBulk may take before the batch counts as failed (portal.requestTimeoutMs). */
  readonly timeoutMs: number;
}

/**
 * A BullMQ producer for the gate-events queue. Its Redis connection fails fast (enableOfflineQueue: false, one
 * retry per command) so an outage turns into a failed batch that stays in the outbox, never into a queue of
 * commands in the agent's memory; the connection itself keeps reconnecting in the background.
 */
export class BullmqGateEventPublisher implements GateEventPublisher {
  readonly #redis: Redis;
  readonly #queue: Queue;
  #lastError: string | undefined;

  constructor(private readonly options: BullmqGateEventPublisherOptions) {
    this.#redis = new Redis(options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: options.timeoutMs,
      retryStrategy: (times) => Math.min(times * 500, 10_000),
    });
    // Connection errors surface as failed batches (with this message); without a listener ioredis would print them.
    this.#redis.on('error', (error: Error) => {
      this.#lastError = error.message;
    });
    this.#queue = new Queue(QueueName.GateEvents, { connection: this.#redis, prefix: options.prefix });
    this.#queue.on('error', (error: Error) => {
      this.#lastError = error.message;
    });
  }

  async publish(jobs: readonly SignedGateEventJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.#connected();
    const added = this.#queue.addBulk(
      jobs.map((job) => ({ name: GATE_EVENT_JOB_NAME, data: job.data, opts: { ...GATE_EVENT_JOB_OPTIONS, jobId: job.eventId } })),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SyncError(SyncErrorCode.QueueUnavailable, `the event queue did not take the batch within ${this.options.timeoutMs} ms`),
          ),
        this.options.timeoutMs,
      );
    });
    try {
      await Promise.race([added, timeout]);
    } catch (error) {
      // A late addBulk that still lands is harmless: the events are re-sent with the same jobIds.
      added.catch(() => undefined);
      if (error instanceof SyncError) throw error;
      throw new SyncError(
        SyncErrorCode.QueueUnavailable,
        `the event queue refused the batch (${(error as Error).message}); the events stay in the outbox`,
        {},
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Resolves when the connection is ready. One still making its first connection (or mid-handshake) gets until
   * timeoutMs; one that lost Redis and is waiting to reconnect fails at once (the outage is known).
   */
  async #connected(): Promise<void> {
    if (this.#redis.status === 'ready') return;
    const unavailable = () =>
      new SyncError(
        SyncErrorCode.QueueUnavailable,
        `the event queue's Redis is not connected (${this.#redis.status}${this.#lastError ? `: ${this.#lastError}` : ''}); the events stay in the outbox`,
      );
    if (!['wait', 'connecting', 'connect'].includes(this.#redis.status)) throw unavailable();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#redis.off('ready', onReady);
        reject(unavailable());
      }, this.options.timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#redis.once('ready', onReady);
    });
  }

  async close(): Promise<void> {
    await this.#queue.close().catch(() => undefined);
    this.#redis.disconnect();
  }
}
