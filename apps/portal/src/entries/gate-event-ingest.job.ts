import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { QueueName, type SignedGateEvent } from '@campuspass/contracts';
import { JobProcessor, type JobHandler } from '../core/queue/job-processor.decorator.js';
import { EntriesService, GateEventRejectedError, type IngestResult } from './entries.service.js';

/** Job data on the gate-events queue (one job per event, jobId = eventId, added by gates with addBulk; checked). */
export type GateEventJobData = SignedGateEvent;

/**
 * Ingests one gate event. Safe to run any number of times: (gate id, event id) is the primary key and a second
 * insert does nothing. An invalid job fails at once with UnrecoverableError and a reason (no retries; it stays in the
 * failed set for inspection); a database failure fails the attempt and BullMQ retries with the gate's backoff.
 */
@Injectable()
@JobProcessor(QueueName.GateEvents, { concurrency: 8 })
export class GateEventIngestJob implements JobHandler<GateEventJobData, IngestResult> {
  constructor(private readonly entries: EntriesService) {}

  async process(job: Job<GateEventJobData>): Promise<IngestResult> {
    try {
      return await this.entries.ingest(job.data, job.id);
    } catch (error) {
      if (error instanceof GateEventRejectedError) throw new UnrecoverableError(error.message);
      throw error;
    }
  }
}
