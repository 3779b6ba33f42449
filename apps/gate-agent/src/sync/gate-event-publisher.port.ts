import type { SignedGateEvent } from '@campuspass/contracts';

/** One outbox event on its way to the portal: the signed event and its id (the queue's jobId). */
export interface SignedGateEventJob {
  readonly eventId: string;
  readonly data: SignedGateEvent;
}

/** Where the outbox drains to (the portal's gate-events queue). */
export interface GateEventPublisher {
  /** Resolves only when the queue holds every job of the batch; throws SyncError(QueueUnavailable) otherwise. */
  publish(jobs: readonly SignedGateEventJob[]): Promise<void>;
  close(): Promise<void>;
}
