/** Timeouts and limits of sign-in and sessions. One place, so the rules are easy to read and to review. */
export const SESSION_RULES = {
  /** A session ends after this long without a request (sliding). */
  idleTimeoutMs: 30 * 60_000,
  /** A session ends this long after sign-in, however active. */
  absoluteTimeoutMs: 12 * 60 * 60_000,
  /** last_seen_at is written at most this often per session (saves a write per request). */
  lastSeenThrottleMs: 60_000,
} as const;

export const CODE_RULES = {
  /** One-time codes live this long (NIST SP 800-63B: at most 10 minutes). */
  lifetimeMs: 10 * 60_000,
  /** Wrong tries that end a code. */
  maxTries: 5,
  /** A code may be sent again for the same request only after this long. */
  resendIntervalMs: 60_000,
} as const;

export const REAUTHENTICATION_RULES = {
  /** Changing the sign-in email needs a sign-in or a re-authentication at most this long ago. */
  windowMs: 10 * 60_000,
} as const;

/** An OIDC sign-in (to the identity provider and back) must finish within this. */
export const OIDC_LOGIN_LIFETIME_MS = 10 * 60_000;
export const OIDC_STATE_COOKIE = 'cp_oidc';

/** A registration ticket (after the registry check) lives this long. */
export const REGISTRATION_TICKET_LIFETIME_MS = 20 * 60_000;

export interface RateLimitRule {
  /** Counter name; the key it counts (an IP, an email, an account) is appended. */
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** Fixed-window limits, counted in PostgreSQL so they hold without Redis and across replicas. */
export const RATE_LIMITS = {
  /** Codes asked for, per IP address. */
  codeRequestPerIp: { name: 'code-request:ip', limit: 20, windowMs: 15 * 60_000 },
  /** Codes asked for, per email address (registered or not: the limit must not reveal which). */
  codeRequestPerEmail: { name: 'code-request:email', limit: 5, windowMs: 15 * 60_000 },
  /** Codes tried, per IP address. */
  codeVerifyPerIp: { name: 'code-verify:ip', limit: 50, windowMs: 15 * 60_000 },
  /** Wrong codes per account (or per email when none is registered). Never reset by a resend. */
  codeFailuresPerAccount: { name: 'code-failure:account', limit: 10, windowMs: 60 * 60_000 },
  /** Registry look-ups ("Register Email or Forget Email"), per IP address. */
  registryLookupPerIp: { name: 'registry-lookup:ip', limit: 10, windowMs: 15 * 60_000 },
  /** Staff password attempts, per IP address and per staff email. */
  staffPasswordPerIp: { name: 'staff-password:ip', limit: 20, windowMs: 15 * 60_000 },
  staffPasswordPerEmail: { name: 'staff-password:email', limit: 5, windowMs: 15 * 60_000 },
  /** Staff sign-ins through the identity provider started or finished, per IP address. */
  staffOidcPerIp: { name: 'staff-oidc:ip', limit: 30, windowMs: 15 * 60_000 },
} as const satisfies Record<string, RateLimitRule>;

export const SESSION_COOKIE = 'cp_session';
export const CSRF_COOKIE = 'cp_csrf';
export const CSRF_HEADER = 'x-csrf-token';
