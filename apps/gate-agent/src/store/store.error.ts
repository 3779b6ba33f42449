/** Why the gate's durable store refused an operation. */
export enum StoreErrorCode {
  /** The database file exists but is not a readable SQLite database (corrupt, truncated, wrong file). */
  Unreadable = 'store-unreadable',
  /** The data directory or the file cannot be created or opened (permissions, read-only medium). */
  CannotOpen = 'store-cannot-open',
  /** The file was written by a newer agent whose schema this one does not know. */
  SchemaTooNew = 'store-schema-too-new',
  /** The outbox holds `capacity` undelivered events; nothing more can be recorded until some are delivered. */
  OutboxFull = 'store-outbox-full',
  /** An event handed to the store does not match the gate-event contract. */
  InvalidEvent = 'store-invalid-event',
}

export class StoreError extends Error {
  override readonly name: string = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The outbox is at capacity: the agent must not grant (the decision could not be recorded) and must alert. */
export class OutboxFullError extends StoreError {
  override readonly name = 'OutboxFullError';

  constructor(
    readonly capacity: number,
    filePath: string,
  ) {
    super(
      StoreErrorCode.OutboxFull,
      `The gate outbox in ${filePath} holds ${capacity} undelivered events (storage.outbox.maxEvents) and is full: ` +
        'restore the connection to the portal so events drain, or raise storage.outbox.maxEvents.',
    );
  }
}

export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}

export function isOutboxFullError(error: unknown): error is OutboxFullError {
  return error instanceof OutboxFullError;
}
