import { DomainException } from '../core/http/domain.exception.js';

export const IDENTITY_ERROR_STATUS = {
  'sign-in-required': 401,
  'session-ended': 401,
  'role-refused': 403,
  'route-undeclared': 403,
  'csrf-token-invalid': 403,
  'json-required': 415,
  'not-your-record': 403,
  'code-wrong': 400,
  'code-expired': 400,
  'code-tries-used': 400,
  'request-unknown': 400,
  'identity-not-matched': 400,
  'ticket-invalid': 400,
  'email-missing': 400,
  'email-taken': 409,
  'staff-credentials-wrong': 401,
  'reauthentication-required': 403,
  'email-unchanged': 400,
  'staff-sign-in-method-off': 403,
  'oidc-state-invalid': 400,
  'oidc-response-invalid': 400,
  'oidc-email-unverified': 403,
  'staff-account-not-found': 403,
  'identity-provider-unavailable': 503,
  'social-provider-unknown': 404,
  'social-link-pending-missing': 400,
  'social-link-taken': 409,
  'social-link-not-found': 404,
  'wechat-refused': 502,
  'rate-limited': 429,
  // Alumni NetID (netid-*.ts); the messages of the first four are the FAQ's, word for word.
  'captcha-invalid': 400,
  'netid-already-registered': 409,
  'display-name-taken': 409,
  'display-name-invalid': 400,
  'netid-not-eligible': 400,
  'password-rejected': 400,
  'netid-credentials-wrong': 401,
  'netid-unknown': 404,
} as const;

export type IdentityErrorCode = keyof typeof IDENTITY_ERROR_STATUS;

/** Errors of sign-in, sessions and access. Messages say what happened and what to do. */
export class IdentityException extends DomainException<IdentityErrorCode> {
  get httpStatus(): number {
    return IDENTITY_ERROR_STATUS[this.code];
  }

  /** Seconds until a rate-limited caller may try again (sent as Retry-After). */
  get retryAfterSeconds(): number | undefined {
    const value = this.details?.retryAfterSeconds;
    return typeof value === 'number' ? value : undefined;
  }

  static rateLimited(retryAfterSeconds: number, what = 'attempts'): IdentityException {
    const wait = retryAfterSeconds >= 120 ? `${Math.ceil(retryAfterSeconds / 60)} minutes` : `${retryAfterSeconds} seconds`;
    return new IdentityException('rate-limited', `Too many ${what}. Please wait ${wait} and try again.`, { retryAfterSeconds });
  }
}

export function isIdentityException(error: unknown): error is IdentityException {
  return error instanceof IdentityException;
}
