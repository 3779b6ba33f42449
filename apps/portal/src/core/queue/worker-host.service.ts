import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { Worker } from 'bullmq';
import type { QueueName } from '@campuspass/contracts';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/app-config.module.js';
import { JOB_PROCESSOR, type JobHandler, type JobProcessorMetadata } from './job-processor.decorator.js';
import { RedisConnections } from './redis-connections.js';
import { settleWithin } from './settle-within.js';

/** Runs a BullMQ worker for every provider marked @JobProcessor. Present only in processes that run workers. */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerHost.name);
  private readonly workers = new Map<QueueName, Worker>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly connections: RedisConnections,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as JobHandler | undefined;
      if (!instance || !wrapper.metatype) continue;
      const metadata = this.reflector.get<JobProcessorMetadata | undefined>(JOB_PROCESSOR, wrapper.metatype);
      if (!metadata) continue;
      if (this.workers.has(metadata.queue)) {
        throw new Error(`Two processors for queue ${metadata.queue}: one queue has one processor class`);
      }
      const worker = new Worker(metadata.queue, (job) => instance.process(job), {
        connection: this.connections.create('worker'),
        prefix: this.config.redis.prefix,
        concurrency: metadata.concurrency ?? 1,
      });
      worker.on('error', () => undefined); // connection state is reported by RedisConnections
      worker.on('failed', (job, error) =>
        this.logger.warn({ msg: 'job failed', queue: metadata.queue, jobId: job?.id, attempt: job?.attemptsMade, error: error.message }),
      );
      this.workers.set(metadata.queue, worker);
      this.logger.log(`Worker running for queue ${metadata.queue}`);
    }
  }

  get queues(): QueueName[] {
    return [...this.workers.keys()];
  }

  /** Before the connections go (RedisConnections closes them in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    // Let running jobs finish, for a while; BullMQ hands unfinished ones to another worker after the lock
    // expires. With Redis down there is nothing to finish: close at once rather than wait for it.
    const reachable = this.connections.isReachable;
    await Promise.all([...this.workers.values()].map((worker) => settleWithin(worker.close(!reachable), reachable ? 10_000 : 1000)));
    this.workers.clear();
  }
}
