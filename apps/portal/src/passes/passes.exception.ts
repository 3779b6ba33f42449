import { DomainException } from '../core/http/domain.exception.js';

export const PASSES_ERROR_STATUS = {
  /** No eCard yet, or it is revoked: no campus access. */
  'ecard-not-active': 403,
  'guest-date-invalid': 400,
  'guest-purpose-invalid': 400,
  'guest-limit-exceeded': 400,
  /** The caller's own guest pass does not exist (the same answer for another alumnus's pass). */
  'pass-not-found': 404,
  /** Unknown, tampered or malformed guest link. */
  'guest-link-not-found': 404,
  'pass-not-active': 409,
} as const;

export type PassesErrorCode = keyof typeof PASSES_ERROR_STATUS;

export class PassesException extends DomainException<PassesErrorCode> {
  get httpStatus(): number {
    return PASSES_ERROR_STATUS[this.code];
  }
}

export const isPassesException = (error: unknown): error is PassesException => error instanceof PassesException;
