import { DomainException } from '../core/http/domain.exception.js';

export const PROFILE_ERROR_STATUS = {
  /** The entry does not exist or is not the caller's (the same answer, so ids of others reveal nothing). */
  'entry-not-found': 404,
  'account-not-found': 404,
  'version-conflict': 409,
  'too-many-entries': 400,
} as const;

export type ProfileErrorCode = keyof typeof PROFILE_ERROR_STATUS;

export class ProfileException extends DomainException<ProfileErrorCode> {
  get httpStatus(): number {
    return PROFILE_ERROR_STATUS[this.code];
  }

  static notFound(what: string): ProfileException {
    return new ProfileException(
      'entry-not-found',
      `This ${what} was not found in your profile. Reload the page to see your profile as it is.`,
    );
  }

  static conflict(what: string, currentVersion: number): ProfileException {
    return new ProfileException(
      'version-conflict',
      `Your ${what} was changed elsewhere (another tab or device) after you opened it, so this change was not saved. Reload to see the latest, then make your change again.`,
      { currentVersion },
    );
  }
}

export const isProfileException = (error: unknown): error is ProfileException => error instanceof ProfileException;
