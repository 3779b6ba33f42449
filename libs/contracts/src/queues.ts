/** Every BullMQ queue the system uses. Producers and workers name queues only through this enum. */
export enum QueueName {
  /** Gate → portal: entry decisions drained from each gate's outbox (jobId = eventId). */
  GateEvents = 'gate-events',
  /** Portal → SMTP: outgoing mail (one-time codes, guest passes, notices). */
  Mail = 'mail',
  /** Portal housekeeping: key rotation, expiry sweeps. */
  Maintenance = 'maintenance',
}

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
