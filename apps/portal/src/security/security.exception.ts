import { DomainException } from '../core/http/domain.exception.js';

export const SECURITY_ERROR_STATUS = {
  /** A query parameter of the entry search or the alert list is not valid (the message says which and why). */
  'security-query-invalid': 400,
  /** A body field holds control characters (NUL and the like). */
  'security-input-invalid': 400,
  /** The handheld location is the name of a turnstile gate. */
  'handheld-location-taken': 400,
  'alert-not-found': 404,
  /** Acknowledged already, by this or another staff member. */
  'alert-already-acknowledged': 409,
  /** No eCard photo to show for this card. */
  'photo-not-found': 404,
  /** Too many live feed streams open for this session or this server. */
  'feed-streams-exhausted': 429,
  /** Too many new handheld locations named by this staff member today. */
  'handheld-locations-exhausted': 429,
} as const;

export type SecurityErrorCode = keyof typeof SECURITY_ERROR_STATUS;

export class SecurityException extends DomainException<SecurityErrorCode> {
  get httpStatus(): number {
    return SECURITY_ERROR_STATUS[this.code];
  }
}
