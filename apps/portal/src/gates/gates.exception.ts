import { DomainException } from '../core/http/domain.exception.js';

export const GATES_ERROR_STATUS = {
  /** The request lacks x-gate-id, x-gate-timestamp or x-gate-signature, or one is malformed. */
  'gate-auth-missing': 401,
  /** The gate was revoked by the AAO (said only to a request its own key signed). */
  'gate-revoked': 401,
  /**
   * The signature does not verify with the identity key of an enrolled gate of this id. Unknown gates and gates
   * that have not enrolled get this answer too, so gate ids and states cannot be probed.
   */
  'gate-signature-invalid': 401,
  /** x-gate-timestamp is too far from the portal's clock. */
  'gate-timestamp-skewed': 401,
  /** A request body the portal cannot hash as it was sent (signed requests with a body need the raw bytes). */
  'gate-body-unverifiable': 401,
  /** The signed request's timestamp is not newer than the last one accepted from this gate (a replay). */
  'gate-request-replayed': 401,
  /** Unknown, mistyped, used, expired or revoked: one answer, so codes cannot be probed. */
  'enrollment-code-invalid': 401,
  'gate-enroll-invalid': 400,
  'gate-heartbeat-invalid': 400,
  'gate-name-invalid': 400,
  'gate-key-invalid': 400,
  'gate-policy-invalid': 400,
  'gate-key-taken': 409,
  'gate-not-found': 404,
  'gate-state-conflict': 409,
  'bundle-since-invalid': 400,
  /** No signing keys yet. */
  'bundle-unavailable': 503,
} as const;

export type GatesErrorCode = keyof typeof GATES_ERROR_STATUS;

export class GatesException extends DomainException<GatesErrorCode> {
  get httpStatus(): number {
    return GATES_ERROR_STATUS[this.code];
  }
}

export const isGatesException = (error: unknown): error is GatesException => error instanceof GatesException;
