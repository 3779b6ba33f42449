import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { QueueName, type SignedGateEvent } from '@campuspass/contracts';
import { JobProcessor, type JobHandler } from '../core/queue/job-processor.decorator.js';
import { EntriesService, GateEventRejectedError, INGEST_BATCH, type IngestResult } from './entries.service.js';

/** Job data on the gate-events queue (one job per event, jobId = eventId, added by gates with addBulk; checked). */
export type GateEventJobData = SignedGateEvent;

/**
 * Jobs run at once: two full batches (EntriesService coalesces concurrent jobs into inserts of up to 500), so one
 * gathers while the other is written.
 */
export const GATE_EVENT_CONCURRENCY = 2 * INGEST_BATCH.maxBatch;

/**
 * Ingests one gate event, inserted with the other jobs running at the same time. Safe to run any number of times:
 * (gate id, event id) is the primary key and a second insert does nothing. An invalid job is recorded as a dead
 * letter and fails at once with UnrecoverableError and the reason (no retries; it stays in the failed set for
 * inspection); a database failure fails the attempts of its batch and BullMQ retries them with the gate's backoff.
 */
@Injectable()
@JobProcessor(QueueName.GateEvents, { concurrency: GATE_EVENT_CONCURRENCY })
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
