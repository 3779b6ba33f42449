/** Why a call to the portal (or the event queue) failed. Each code tells the agent what to do next. */
export enum SyncErrorCode {
  /** No answer: DNS, refused connection, TLS, reset. Retry with backoff. */
  Network = 'sync-network',
  /** No answer within portal.requestTimeoutMs. Retry with backoff. */
  Timeout = 'sync-timeout',
  /** 401 gate-revoked: the AAO revoked this gate. Stop syncing; enroll again. */
  GateRevoked = 'sync-gate-revoked',
  /** 401 for any other reason (unknown gate, bad signature, clock skew). */
  Unauthorized = 'sync-unauthorized',
  /** Enrollment refused: the code is wrong, used or expired. */
  EnrollmentRefused = 'sync-enrollment-refused',
  /** Another 4xx: the request is wrong; retrying the same request will not help (but the agent still backs off). */
  ClientError = 'sync-client-error',
  /** 5xx: the portal is in trouble. Retry with backoff. */
  ServerError = 'sync-server-error',
  /** The answer does not match the contract. Retry with backoff; report to the portal operators. */
  InvalidResponse = 'sync-invalid-response',
  /** The event queue (Redis) is unreachable or refused the batch. Events stay in the outbox. */
  QueueUnavailable = 'sync-queue-unavailable',
  /** The gate holds no enrollment and was given no code to enroll with. */
  NotEnrolled = 'sync-not-enrolled',
  /** The portal's signed time does not verify with the pinned bundle key. */
  BadPortalTimeSignature = 'sync-bad-portal-time-signature',
}

export class SyncError extends Error {
  override readonly name = 'SyncError';

  constructor(
    readonly code: SyncErrorCode,
    message: string,
    readonly details: { readonly status?: number; readonly portalCode?: string } = {},
    options?: ErrorOptions,
  ) {
    super(`${code}: ${message}`, options);
  }

  /** True when retrying later may succeed (network, timeout, 5xx, bad answer, queue down). */
  get retryable(): boolean {
    return ![SyncErrorCode.GateRevoked, SyncErrorCode.EnrollmentRefused, SyncErrorCode.NotEnrolled].includes(this.code);
  }
}

export function isSyncError(error: unknown): error is SyncError {
  return error instanceof SyncError;
}

export function isGateRevokedError(error: unknown): error is SyncError {
  return isSyncError(error) && error.code === SyncErrorCode.GateRevoked;
}
