import type { TFunction } from 'i18next';
import { api } from '../../api/api.js';
import { isApiError } from '../../api/client.js';
import { guestPassesApi } from '../../api/passes.js';
import { errorText } from '../../forms/error-text.js';

/** The Guest Access calls through the app's one client (cookies, CSRF, sign-in redirects). */
export const guestPasses = guestPassesApi(api);

/** Portal codes of the passes API that we have our own words for (see guests.errors in the translations). */
const GUEST_CODES = [
  'guest-date-invalid',
  'guest-purpose-invalid',
  'guest-limit-exceeded',
  'pass-not-found',
  'pass-not-active',
  'ecard-not-active',
] as const;
type GuestCode = (typeof GUEST_CODES)[number];

const isGuestCode = (code: string | undefined): code is GuestCode => (GUEST_CODES as readonly (string | undefined)[]).includes(code);

/**
 * errorText for the Guest Access pages: in English the portal's own message (it names the allowed dates, the
 * limit and what was already booked); in Traditional Chinese our words for the guest codes.
 */
export function guestErrorText(t: TFunction, language: string | undefined, error: unknown): string {
  if ((language ?? 'en') !== 'en' && isApiError(error) && isGuestCode(error.code)) {
    return t(`guests.errors.${error.code}`);
  }
  return errorText(t, language, error);
}

/** 'en' or 'zh-Hant': the keys of dateInWords and the mail locales. */
export function wordsLanguage(resolved: string | undefined): 'en' | 'zh-Hant' {
  return resolved === 'zh-Hant' ? 'zh-Hant' : 'en';
}
