import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { UnrecoverableError, type Job } from 'bullmq';
import { QueueName } from '@campuspass/contracts';
import { JobProcessor, type JobHandler } from '../core/queue/job-processor.decorator.js';
import { JobQueue } from '../core/queue/job-queue.service.js';
import { RedisConnections } from '../core/queue/redis-connections.js';
import { WorkerHost } from '../core/queue/worker-host.service.js';
import { KeysService } from './keys.service.js';

/** Job names on the Maintenance queue. */
export const MAINTENANCE_JOBS = {
  rotateKeys: 'keys.rotate',
} as const;

/** A scheduled rotation carries nothing: the rotation re-reads the keys and decides what is due. */
export type KeyRotationJobData = Record<string, never>;

/** Every day at 00:15 Hong Kong time (just after a campus day starts); the rotation itself is idempotent. */
export const KEY_ROTATION_SCHEDULE = { pattern: '15 0 * * *', tz: 'Asia/Hong_Kong' } as const;

/**
 * The processor of the Maintenance queue (one processor class per queue): dispatches by job name. Other
 * housekeeping jobs belong in the `handlers` table below, each idempotent. In processes that run workers it
 * also registers the daily key rotation (a BullMQ job scheduler, so several workers make one schedule) and
 * queues one rotation at start-up, so a new installation has keys without waiting a day.
 */
@Injectable()
@JobProcessor(QueueName.Maintenance)
export class MaintenanceJob implements JobHandler<unknown, unknown>, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MaintenanceJob');
  private scheduling?: Promise<void>;

  private readonly handlers: Readonly<Record<string, (job: Job) => Promise<unknown>>> = {
    [MAINTENANCE_JOBS.rotateKeys]: async () => {
      const result = await this.keys.rotate({ now: new Date() });
      return { changes: result.changes.map((change) => `${change.action} ${change.key.purpose} ${change.key.kid}`) };
    },
  };

  constructor(
    private readonly keys: KeysService,
    private readonly jobs: JobQueue,
    private readonly connections: RedisConnections,
    private readonly moduleRef: ModuleRef,
  ) {}

  process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name];
    if (!handler) throw new UnrecoverableError(`No maintenance job is named "${job.name}"`);
    return handler(job);
  }

  onApplicationBootstrap(): void {
    if (!this.runsWorkers()) return;
    // Not awaited: a portal starts and serves while Redis is down; the schedule is made when it is back up
    // (or at the next start).
    this.scheduling = this.schedule().catch((error: unknown) =>
      this.logger.warn({ msg: 'could not schedule the key rotation (Redis unreachable?); it is scheduled at the next start', err: error }),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.scheduling;
  }

  private async schedule(): Promise<void> {
    await this.connections.producerReady(AbortSignal.timeout(5000));
    const queue = this.jobs.queue(QueueName.Maintenance);
    await queue.upsertJobScheduler(MAINTENANCE_JOBS.rotateKeys, KEY_ROTATION_SCHEDULE, {
      name: MAINTENANCE_JOBS.rotateKeys,
      data: {} satisfies KeyRotationJobData,
      opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 }, removeOnFail: false, removeOnComplete: { count: 100 } },
    });
    await this.jobs.add(QueueName.Maintenance, MAINTENANCE_JOBS.rotateKeys, {} satisfies KeyRotationJobData);
  }

  private runsWorkers(): boolean {
    try {
      this.moduleRef.get(WorkerHost, { strict: false });
      return true;
    } catch {
      return false;
    }
  }
}
