import { DomainException } from '../core/http/domain.exception.js';

export const ECARD_ERROR_STATUS = {
  'photo-missing': 400,
  'photo-too-large': 413,
  'photo-not-an-image': 400,
  'photo-unsupported-type': 400,
  'photo-unreadable': 400,
  'photo-too-many-pixels': 400,
  'photo-too-small': 400,
  /** FAQ 19: contact information first, then the photo. */
  'contact-incomplete': 400,
  /** Only bona fide graduates in the registry (FAQ 18). */
  'not-in-registry': 403,
  'ecard-revoked': 403,
  /** The caller's own eCard or photo does not exist (the same answer for any other id). */
  'ecard-not-found': 404,
  'photo-not-found': 404,
  'privilege-not-found': 404,
  /** The photo was already reviewed or replaced by a newer upload. */
  'review-not-pending': 409,
  'ecard-state-conflict': 409,
} as const;

export type EcardErrorCode = keyof typeof ECARD_ERROR_STATUS;

export class EcardException extends DomainException<EcardErrorCode> {
  get httpStatus(): number {
    return ECARD_ERROR_STATUS[this.code];
  }
}

export const isEcardException = (error: unknown): error is EcardException => error instanceof EcardException;
