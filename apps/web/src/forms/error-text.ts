import type { TFunction } from 'i18next';
import { isApiError } from '../api/client.js';

/** Server codes we have our own words for (so a zh-Hant reader is not shown the portal's English). */
const TRANSLATED_CODES = [
  'code-wrong',
  'code-tries-used',
  'code-expired',
  'request-unknown',
  'identity-not-matched',
  'ticket-invalid',
  'email-missing',
  'email-taken',
  'staff-credentials-wrong',
  'rate-limited',
  'role-refused',
  'csrf-token-invalid',
  'sign-in-required',
  'session-ended',
  'network',
  'version-conflict',
  'reauthentication-required',
  'email-unchanged',
  'staff-sign-in-method-off',
  'oidc-state-invalid',
  'oidc-response-invalid',
  'oidc-email-unverified',
  'staff-account-not-found',
  'identity-provider-unavailable',
  'photo-too-large',
  'photo-unsupported-type',
  'photo-not-an-image',
  'photo-unreadable',
  'photo-too-many-pixels',
  'photo-too-small',
  'photo-missing',
  'contact-incomplete',
  'not-in-registry',
  'ecard-revoked',
  'review-not-pending',
  'ecard-not-found',
  'ecard-state-conflict',
  'privilege-not-found',
  'alert-already-acknowledged',
  'staff-self-change',
  'staff-last-admin',
  'gate-state-conflict',
  'key-state-conflict',
  'gate-not-found',
  'graduate-not-found',
] as const;
type TranslatedCode = (typeof TRANSLATED_CODES)[number];

function isTranslated(code: string | undefined): code is TranslatedCode {
  return code !== undefined && (TRANSLATED_CODES as readonly string[]).includes(code);
}

/**
 * What to show for a failed call: in English the portal's own message (it says what happened and what to
 * do, e.g. how many tries are left); in another language our translation of its code, with the same numbers.
 */
export function errorText(t: TFunction, language: string | undefined, error: unknown): string {
  if (!isApiError(error)) return t('errors.unknown');
  const code = error.status === 409 && error.code === undefined ? 'version-conflict' : error.code;
  const useServerWords = (language ?? 'en') === 'en' && error.code !== 'network' && error.status !== 0;
  if (useServerWords && error.message) return error.message;
  if (code === 'rate-limited' && (error.retryAfterSeconds ?? 0) >= 120) {
    return t('errors.rate-limited-minutes', { minutes: Math.ceil((error.retryAfterSeconds ?? 0) / 60) });
  }
  if (isTranslated(code)) {
    const triesLeft = typeof error.details['triesLeft'] === 'number' ? error.details['triesLeft'] : 0;
    const seconds = error.retryAfterSeconds ?? 60;
    return t(`errors.${code}`, { count: triesLeft, seconds, minutes: Math.ceil(seconds / 60) });
  }
  if (error.status === 400 && error.code === undefined) return t('errors.invalid');
  if (error.status >= 500) return t('errors.server');
  return error.message || t('errors.unknown');
}

/** Staff sign-in failures the portal reports by redirecting to /staff/sign-in?error=<code>. */
export const STAFF_SIGN_IN_ERROR_CODES = [
  'oidc-state-invalid',
  'oidc-response-invalid',
  'oidc-email-unverified',
  'staff-account-not-found',
  'identity-provider-unavailable',
  'staff-sign-in-method-off',
] as const;
export type StaffSignInErrorCode = (typeof STAFF_SIGN_IN_ERROR_CODES)[number];

/** The `?error=` code when it is one we have words for; anything else is shown as a generic failure. */
export function staffSignInErrorKey(code: string | null): `errors.${StaffSignInErrorCode}` | 'errors.staff-sign-in-failed' | undefined {
  if (!code) return undefined;
  return (STAFF_SIGN_IN_ERROR_CODES as readonly string[]).includes(code)
    ? `errors.${code as StaffSignInErrorCode}`
    : 'errors.staff-sign-in-failed';
}
