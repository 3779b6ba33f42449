import { Injectable } from '@nestjs/common';
import { QueueName, type DeadLetter, type IngestMetrics, type IngestStatus } from '@campuspass/contracts';
import { JobQueue } from '../core/queue/job-queue.service.js';
import { RedisConnections } from '../core/queue/redis-connections.js';
import { EntriesRepository, type DeadLetterRow } from './entries.repository.js';

/** The dead letters the status shows. */
export const LATEST_DEAD_LETTERS = 50;
/** How long the status waits for Redis before it answers from PostgreSQL alone. */
export const QUEUE_STATUS_TIMEOUT_MS = 1000;

type QueueState = Pick<IngestMetrics, 'queue' | 'lagMs' | 'redisReachable'>;

const UNREACHABLE: QueueState = { queue: { waiting: 0, active: 0, delayed: 0, failed: 0 }, lagMs: 0, redisReachable: false };

export const mapDeadLetter = (row: DeadLetterRow): DeadLetter => ({
  id: row.id,
  jobId: row.job_id,
  gateId: row.gate_id,
  reason: row.reason,
  receivedAt: row.received_at.toISOString(),
});

/** Round to one decimal: events per second for people. */
const perSecond = (events: number, seconds: number) => Math.round((events / seconds) * 10) / 10;

/**
 * Ingestion health for the security dashboard: the gate-events queue from BullMQ, the rate and dead letters from
 * PostgreSQL. With Redis down it still answers, from PostgreSQL, within about a second.
 */
@Injectable()
export class IngestStatusService {
  constructor(
    private readonly jobs: JobQueue,
    private readonly connections: RedisConnections,
    private readonly repository: EntriesRepository,
  ) {}

  async status(): Promise<IngestStatus> {
    const [queue, stored, deadLetters] = await Promise.all([
      this.queueState(),
      this.repository.storedRecently(),
      this.repository.deadLetters(LATEST_DEAD_LETTERS),
    ]);
    return {
      metrics: {
        ...queue,
        eventsPerSecond10s: perSecond(stored.last10s, 10),
        eventsPerSecond60s: perSecond(stored.last60s, 60),
        deadLetters: deadLetters.total,
      },
      deadLetters: deadLetters.latest.map(mapDeadLetter),
    };
  }

  private async queueState(): Promise<QueueState> {
    const signal = AbortSignal.timeout(QUEUE_STATUS_TIMEOUT_MS);
    try {
      await this.connections.producerReady(signal);
      const queue = this.jobs.queue(QueueName.GateEvents);
      const read = Promise.all([queue.getJobCounts('waiting', 'active', 'delayed', 'failed'), queue.getJobs(['wait'], 0, 0, true)]);
      const aborted = new Promise<never>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(new Error('Redis did not answer in time')), { once: true });
      });
      read.catch(() => undefined);
      const [counts, [oldest]] = await Promise.race([read, aborted]);
      return {
        queue: { waiting: counts.waiting ?? 0, active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0 },
        lagMs: oldest ? Math.max(0, Date.now() - oldest.timestamp) : 0,
        redisReachable: true,
      };
    } catch {
      return UNREACHABLE;
    }
  }
}
