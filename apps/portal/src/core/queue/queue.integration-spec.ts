import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Job } from 'bullmq';
import { QueueName } from '@campuspass/contracts';
import { freePort } from '../../../../../test/support/free-port.js';
import { createTestRedis, type TestRedis } from '../../../../../test/support/redis.js';
import { loadAppConfig } from '../../config/app-config.js';
import { AppConfigModule } from '../../config/app-config.module.js';
import { JobProcessor, type JobHandler } from './job-processor.decorator.js';
import { JobQueue } from './job-queue.service.js';
import { isQueueUnavailableError } from './queue.errors.js';
import { QueueModule } from './queue.module.js';
import { WorkerHost } from './worker-host.service.js';

interface EchoData {
  value: string;
  failTimes?: number;
}

/** Records what it processed; fails the first `failTimes` attempts of a job to exercise retries. */
@Injectable()
@JobProcessor(QueueName.Maintenance, { concurrency: 2 })
class RecordingProcessor implements JobHandler<EchoData> {
  readonly processed: string[] = [];
  private waiters: Array<() => void> = [];

  async process(job: Job<EchoData>): Promise<string> {
    if (job.attemptsMade < (job.data.failTimes ?? 0)) throw new Error(`planned failure ${job.attemptsMade + 1}`);
    this.processed.push(job.data.value);
    this.waiters.splice(0).forEach((wake) => wake());
    return job.data.value.toUpperCase();
  }

  async waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.processed.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.processed.length} of ${count} jobs processed`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }
}

async function startContext(redisUrl: string, prefix: string, workers: boolean): Promise<INestApplicationContext> {
  const config = loadAppConfig({ REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' });
  const moduleRef = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot(config), QueueModule.forRoot({ workers })],
    providers: [RecordingProcessor],
  }).compile();
  moduleRef.useLogger(false);
  return moduleRef.init();
}

describe('JobQueue and WorkerHost (Redis)', () => {
  let redis: TestRedis;
  let context: INestApplicationContext;
  let jobs: JobQueue;
  let processor: RecordingProcessor;

  beforeAll(async () => {
    redis = createTestRedis();
    context = await startContext(redis.url, redis.prefix, true);
    jobs = context.get(JobQueue);
    processor = context.get(RecordingProcessor);
  });

  afterAll(async () => {
    await context?.close();
    await redis?.cleanup();
  });

  it('runs a worker for each processor', () => {
    expect(context.get(WorkerHost).queues).toEqual([QueueName.Maintenance]);
  });

  it('processes a queued job', async () => {
    await jobs.add(QueueName.Maintenance, 'echo', { value: 'first' });
    await processor.waitFor(1);
    expect(processor.processed).toContain('first');
  });

  it('adds a job id once however often it is sent', async () => {
    const before = processor.processed.length;
    const ids = await Promise.all(
      [1, 2, 3].map(() => jobs.add(QueueName.Maintenance, 'echo', { value: 'same-event' }, { jobId: 'event-42' })),
    );
    expect(new Set(ids)).toEqual(new Set(['event-42']));
    await processor.waitFor(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(processor.processed.filter((value) => value === 'same-event')).toHaveLength(1);
  });

  it('retries a failing job with backoff and keeps a job that fails every attempt', async () => {
    const retried = await jobs.add(QueueName.Maintenance, 'echo', { value: 'third-time-lucky', failTimes: 2 }, { attempts: 3 });
    const doomed = await jobs.add(QueueName.Maintenance, 'echo', { value: 'never', failTimes: 99 }, { attempts: 2 });
    await processor.waitFor(processor.processed.length + 1, 20_000);
    const queue = jobs.queue(QueueName.Maintenance);
    expect(await (await queue.getJob(retried))?.getState()).toBe('completed');
    const deadline = Date.now() + 15_000;
    while ((await (await queue.getJob(doomed))?.getState()) !== 'failed') {
      if (Date.now() > deadline) throw new Error('the doomed job never reached failed');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const failed = await queue.getJob(doomed);
    expect(failed?.attemptsMade).toBe(2);
    expect(failed?.failedReason).toBe('planned failure 2');
    expect((await jobs.counts(QueueName.Maintenance)).failed).toBe(1);
  });
});

describe('JobQueue with Redis down', () => {
  it('shuts a worker process down promptly instead of waiting for Redis', async () => {
    const context = await startContext(`redis://127.0.0.1:${await freePort()}`, 'unused', true);
    expect(context.get(WorkerHost).queues).toEqual([QueueName.Maintenance]);
    const started = Date.now();
    await context.close();
    // Generous bound: the point is that close() returns at all (it used to wait for Redis forever).
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('fails fast with QueueUnavailableError instead of hanging', async () => {
    const context = await startContext(`redis://127.0.0.1:${await freePort()}`, 'unused', false);
    try {
      const error = await context
        .get(JobQueue)
        .add(QueueName.Mail, 'send', { to: 'a@example.com' })
        .catch((caught: unknown) => caught);
      expect(isQueueUnavailableError(error)).toBe(true);
      expect((error as Error).message).toMatch(/^Queue mail is unavailable \(Redis unreachable\)/);
    } finally {
      await context.close();
    }
  });
});
