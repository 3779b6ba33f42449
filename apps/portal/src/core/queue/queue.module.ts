import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { JobQueue } from './job-queue.service.js';
import { RedisConnections } from './redis-connections.js';
import { RedisHealthIndicator } from './redis.health.js';
import { WorkerHost } from './worker-host.service.js';

/** BullMQ on Redis. Every process can queue jobs; only processes started with workers run processors. */
@Global()
@Module({})
export class QueueModule {
  static forRoot(options: { workers: boolean }): DynamicModule {
    return {
      module: QueueModule,
      imports: [DiscoveryModule, TerminusModule],
      providers: [RedisConnections, JobQueue, RedisHealthIndicator, ...(options.workers ? [WorkerHost] : [])],
      exports: [JobQueue, RedisHealthIndicator, RedisConnections],
    };
  }
}
