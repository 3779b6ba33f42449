import { SetMetadata } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { QueueName } from '@campuspass/contracts';

export const JOB_PROCESSOR = Symbol('JOB_PROCESSOR');

export interface JobProcessorOptions {
  /** Jobs handled at once by this process. */
  concurrency?: number;
}

export interface JobProcessorMetadata extends JobProcessorOptions {
  queue: QueueName;
}

/** A job handler must be safe to run twice for the same job: re-check state and return early. */
export interface JobHandler<Data = unknown, Result = unknown> {
  process(job: Job<Data>): Promise<Result>;
}

/** Marks a provider as the processor of one queue; the WorkerHost runs it when this process runs workers. */
export const JobProcessor = (queue: QueueName, options: JobProcessorOptions = {}): ClassDecorator =>
  SetMetadata(JOB_PROCESSOR, { queue, ...options } satisfies JobProcessorMetadata);
