import type { QueueName } from '@campuspass/contracts';

/** Redis is unreachable: the job was not queued. Callers decide whether to retry, fall back or tell the person. */
export class QueueUnavailableError extends Error {
  readonly code = 'queue-unavailable';
  constructor(
    readonly queue: QueueName,
    cause: unknown,
  ) {
    super(`Queue ${queue} is unavailable (Redis unreachable): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'QueueUnavailableError';
  }
}

export const isQueueUnavailableError = (error: unknown): error is QueueUnavailableError => error instanceof QueueUnavailableError;
