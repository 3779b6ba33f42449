import type { ApiClient } from './client.js';

/** Shapes of the portal's identity API (apps/portal/src/identity/dto). */
export type Locale = 'en' | 'zh-Hant';
export type Role = 'alumnus' | 'aao-admin' | 'security-staff' | 'auditor';

export interface SessionSubject {
  readonly type: 'alumnus' | 'staff';
  readonly id: string;
  readonly roles: readonly Role[];
}

export interface Session {
  readonly authenticated: boolean;
  readonly subject?: SessionSubject;
  readonly csrfToken?: string;
  readonly expiresAt?: string;
  readonly idleExpiresAt?: string;
}

export interface CodeRequested {
  readonly requestId: string;
  readonly message: string;
}

export interface RegisterIdentifyResult {
  readonly ticket: string;
  readonly maskedEmail: string | null;
  readonly alreadyRegistered: boolean;
  readonly expiresAt: string;
}

export interface RegisterEmailResult {
  readonly maskedEmail: string;
  readonly message: string;
}

export interface Reauthenticated {
  /** Until when this session may change the sign-in email without confirming again (ISO 8601). */
  readonly validUntil: string;
}

export interface EmailChangeStarted {
  readonly requestId: string;
  readonly maskedEmail: string;
  readonly message: string;
}

export interface EmailChanged {
  readonly email: string;
  /** How many other sessions (devices) were signed out. */
  readonly otherSessionsEnded: number;
}

export interface StaffSignInMethods {
  readonly password: boolean;
  readonly oidc: boolean;
  readonly oidcStartUrl: string | null;
}

export interface StaffMember {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: string;
  readonly active: boolean;
}

export interface IdentityDetails {
  readonly surname: string;
  readonly givenName: string;
  readonly dateOfBirth: string;
  readonly personalId?: string;
}

export function identityApi(client: ApiClient) {
  return {
    session: () => client.get<Session>('/api/session', { quiet401: true }),
    signOut: () => client.post<void>('/api/session/sign-out', undefined, { quiet401: true }),
    emailStart: (email: string, locale: Locale) => client.post<CodeRequested>('/api/auth/email/start', { email, locale }),
    emailResend: (requestId: string) => client.post<CodeRequested>('/api/auth/email/resend', { requestId }),
    emailVerify: (requestId: string, code: string) => client.post<Session>('/api/auth/email/verify', { requestId, code }),
    registerIdentify: (details: IdentityDetails) => client.post<RegisterIdentifyResult>('/api/auth/register/identify', details),
    registerEmail: (ticket: string, email: string | undefined, locale: Locale) =>
      client.post<RegisterEmailResult>('/api/auth/register/email', email === undefined ? { ticket, locale } : { ticket, email, locale }),
    registerVerify: (ticket: string, code: string) => client.post<Session>('/api/auth/register/verify', { ticket, code }),
    staffStart: (email: string, password: string, locale: Locale) =>
      client.post<CodeRequested>('/api/auth/staff/start', { email, password, locale }),
    staffVerify: (requestId: string, code: string) => client.post<Session>('/api/auth/staff/verify', { requestId, code }),
    staffMethods: () => client.get<StaffSignInMethods>('/api/auth/staff/methods', { quiet401: true }),
    reauthenticateStart: (locale: Locale) => client.post<CodeRequested>('/api/auth/reauthenticate/start', { locale }),
    reauthenticateVerify: (requestId: string, code: string) =>
      client.post<Reauthenticated>('/api/auth/reauthenticate/verify', { requestId, code }),
    emailChangeStart: (newEmail: string, locale: Locale) =>
      client.post<EmailChangeStarted>('/api/account/email/start', { newEmail, locale }),
    emailChangeVerify: (requestId: string, code: string) => client.post<EmailChanged>('/api/account/email/verify', { requestId, code }),
    staffMe: () => client.get<StaffMember>('/api/staff/me'),
  };
}
