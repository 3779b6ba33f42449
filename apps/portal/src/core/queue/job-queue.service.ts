import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Queue, type JobsOptions } from 'bullmq';
import type { QueueName } from '@campuspass/contracts';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/app-config.module.js';
import { QueueUnavailableError } from './queue.errors.js';
import { settleWithin } from './settle-within.js';
import { RedisConnections } from './redis-connections.js';

/** Defaults for every job: retried with backoff, failures kept for inspection, successes trimmed. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: false,
};

/** How long an add waits for a Redis connection that is still being established. */
const ADD_TIMEOUT_MS = 2000;

export interface AddJobOptions {
  /** Makes the add idempotent while the job exists (e.g. the gate event id). */
  jobId?: string;
  delay?: number;
  attempts?: number;
}

/** Puts jobs on BullMQ queues. Fails fast with QueueUnavailableError while Redis is down. */
@Injectable()
export class JobQueue implements BeforeApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: RedisConnections,
  ) {}

  async add<T extends object>(queue: QueueName, name: string, data: T, options: AddJobOptions = {}): Promise<string> {
    try {
      // BullMQ itself would wait for Redis forever; a request must get an answer.
      await this.connections.producerReady(AbortSignal.timeout(ADD_TIMEOUT_MS));
      const job = await this.queue(queue).add(name, data, { ...DEFAULT_JOB_OPTIONS, ...options });
      return job.id ?? '';
    } catch (error) {
      throw new QueueUnavailableError(queue, error);
    }
  }

  /** Waiting, active, delayed, failed and completed counts: for health and the security dashboard. */
  counts(queue: QueueName): Promise<Record<string, number>> {
    return this.queue(queue).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connections.producer(), prefix: this.config.redis.prefix });
      // Connection errors are reported by RedisConnections; without a listener they would crash the process.
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Before the connections go (RedisConnections closes them in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => settleWithin(queue.close(), 2000)));
    this.queues.clear();
  }
}
