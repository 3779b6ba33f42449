import { isApiError, type ApiClient } from './client.js';
import type { Locale, Session } from './identity.js';

/** Shapes of the portal's Alumni NetID API (apps/portal/src/identity/dto/netid.dto.ts). */
export interface NetIdDetails {
  readonly surname: string;
  readonly givenName: string;
  readonly dateOfBirth: string;
  readonly personalId: string;
}

export interface NetIdRegistered {
  readonly netId: string;
  readonly emailAlias: string;
  readonly maskedEmail: string;
  readonly message: string;
}

export interface NetIdCodeSent {
  readonly ticket: string;
  readonly maskedEmail: string;
  readonly expiresAt: string;
  readonly message: string;
}

export interface NetPasswordReset {
  readonly netId: string;
  readonly sessionsEnded: number;
  readonly message: string;
}

/** Where the ALTCHA widget fetches its proof-of-work challenge. */
export const CAPTCHA_CHALLENGE_URL = '/api/auth/captcha/challenge';

/** Codes whose messages are the FAQ's, word for word: shown as the portal sends them, in every language. */
export const FAQ_MESSAGE_CODES: readonly string[] = [
  'identity-not-matched',
  'netid-already-registered',
  'captcha-invalid',
  'display-name-taken',
];

/** The FAQ's message when the error carries one, else undefined (the caller uses its usual error text). */
export function faqMessage(error: unknown): string | undefined {
  return isApiError(error) && error.code !== undefined && FAQ_MESSAGE_CODES.includes(error.code) ? error.message : undefined;
}

export function netIdApi(client: ApiClient) {
  return {
    /** Step 1: the details are checked and a code goes to the email on record. */
    register: (details: NetIdDetails & { displayName: string; password: string; captcha: string; locale: Locale }) =>
      client.post<NetIdCodeSent>('/api/auth/netid/register', details),
    /** Step 2: the code creates the NetID. */
    registerVerify: (ticket: string, code: string) => client.post<NetIdRegistered>('/api/auth/netid/register/verify', { ticket, code }),
    signIn: (netId: string, password: string) => client.post<Session>('/api/auth/netid/sign-in', { netId, password }),
    forgotNetIdStart: (details: NetIdDetails, locale: Locale) =>
      client.post<NetIdCodeSent>('/api/auth/netid/forgot-netid/start', { ...details, locale }),
    forgotNetIdVerify: (ticket: string, code: string) =>
      client.post<{ netId: string }>('/api/auth/netid/forgot-netid/verify', { ticket, code }),
    forgotPasswordStart: (netId: string, details: NetIdDetails, locale: Locale) =>
      client.post<NetIdCodeSent>('/api/auth/netid/forgot-password/start', { ...details, netId, locale }),
    forgotPasswordReset: (ticket: string, code: string, password: string) =>
      client.post<NetPasswordReset>('/api/auth/netid/forgot-password/reset', { ticket, code, password }),
  };
}
