import { BlockList, isIP } from 'node:net';
import { inspect } from 'node:util';
import { z } from 'zod';
import { ConfigError } from './config.error.js';

/**
 * A secret read from the environment. It prints as "[masked]" everywhere (JSON, logs, util.inspect, string
 * concatenation), so printing the configuration never shows it; `reveal()` is the one way to the value.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return '[masked]';
  }

  toString(): string {
    return '[masked]';
  }

  [inspect.custom](): string {
    return '[masked]';
  }
}

/**
 * Which proxies in front of the portal may say who the client is (X-Forwarded-For): none, the nearest N hops,
 * or the proxies at these addresses/CIDR ranges. Handed to Express's `trust proxy` setting as it is.
 */
export type TrustProxy = false | number | readonly string[];

const TRUST_PROXY_MESSAGE =
  'must be false, a number of proxy hops in front of the portal (e.g. 1), or a comma-separated list of proxy addresses or CIDR ranges (e.g. 10.0.0.0/8,192.168.1.7); "true" is refused because it would let any client choose its own address';

/** Parses TRUST_PROXY; undefined when the value is not one of the accepted forms. */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const text = value.trim();
  if (text === 'false' || text === '0') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops <= 32 ? hops : undefined;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.length === 0 || !entries.every(isAddressOrRange)) return undefined;
  return entries;
}

function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  if (rest.length > 0 || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) return false;
  try {
    new BlockList().addSubnet(address, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
    return true;
  } catch {
    return false;
  }
}

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a TCP port number' })
    .int('must be a whole number')
    .min(1, 'must be a TCP port between 1 and 65535')
    .max(65535, 'must be a TCP port between 1 and 65535')
    .default(fallback);

/** A URL with one of the given schemes; one message whether it is not a URL at all or the wrong kind. */
const urlWithScheme = (schemes: readonly string[], example: string) =>
  z.string().refine((value) => {
    try {
      return schemes.includes(new URL(value).protocol.slice(0, -1));
    } catch {
      return false;
    }
  }, `must be a URL like ${example}`);

const postgresUrl = urlWithScheme(['postgres', 'postgresql'], 'postgres://user:password@host:5432/database');
const redisUrl = urlWithScheme(['redis', 'rediss'], 'redis://127.0.0.1:6379');

const KEY_ENCRYPTION_KEY_MESSAGE =
  'must be 32 random bytes written as base64 (44 characters) or hex (64 characters), e.g. openssl rand -base64 32';

/** Parses a 32-byte key written as hex (64 digits) or base64/base64url; undefined for anything else. */
export function parseKeyEncryptionKey(value: string): Buffer | undefined {
  const text = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return bytes.length === 32 ? bytes : undefined;
  }
  return undefined;
}

const booleanFlag = z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).transform((v) => v === 'true' || v === '1');

/** SOCIAL_<P>_ISSUER (default: the provider's real issuer), SOCIAL_<P>_CLIENT_ID and SOCIAL_<P>_CLIENT_SECRET. */
function socialProviderVariables<P extends 'GOOGLE' | 'MICROSOFT' | 'APPLE'>(provider: P, issuer: string) {
  return {
    [`SOCIAL_${provider}_ISSUER`]: urlWithScheme(['https', 'http'], issuer).default(issuer),
    [`SOCIAL_${provider}_CLIENT_ID`]: z.string().min(1).optional(),
    [`SOCIAL_${provider}_CLIENT_SECRET`]: z.string().min(1).optional(),
  } as Record<`SOCIAL_${P}_ISSUER`, z.ZodDefault<z.ZodString>> &
    Record<`SOCIAL_${P}_CLIENT_ID` | `SOCIAL_${P}_CLIENT_SECRET`, z.ZodOptional<z.ZodString>>;
}

const SOCIAL_CREDENTIAL_PAIRS = [
  ['SOCIAL_GOOGLE_CLIENT_ID', 'SOCIAL_GOOGLE_CLIENT_SECRET'],
  ['SOCIAL_MICROSOFT_CLIENT_ID', 'SOCIAL_MICROSOFT_CLIENT_SECRET'],
  ['SOCIAL_APPLE_CLIENT_ID', 'SOCIAL_APPLE_CLIENT_SECRET'],
  ['SOCIAL_WECHAT_APP_ID', 'SOCIAL_WECHAT_APP_SECRET'],
] as const;
const SOCIAL_URL_VARIABLES = [
  'SOCIAL_GOOGLE_ISSUER',
  'SOCIAL_MICROSOFT_ISSUER',
  'SOCIAL_APPLE_ISSUER',
  'SOCIAL_WECHAT_OPEN_URL',
  'SOCIAL_WECHAT_API_URL',
] as const;

const GATE_REDIS_WHY =
  "gates must drain their events with a Redis ACL user limited to the gate-events queue keys (see deploy/), never with the portal's own Redis credentials";

/**
 * In production the Redis URL handed to every enrolled gate must be the gates' own ACL user: a gate (a device in a
 * public place) holding the portal's credentials could read and rewrite every queue. Undefined when it is fine.
 */
function gateRedisUrlProblem(gateUrl: string | undefined, portalUrl: string): string | undefined {
  if (gateUrl === undefined)
    return `is required in production (${GATE_REDIS_WHY}; e.g. redis://campuspass-gate:password@redis.example.edu:6379, the user of deploy/redis/gates.acl)`;
  let gate: URL, portal: URL;
  try {
    gate = new URL(gateUrl);
    portal = new URL(portalUrl);
  } catch {
    return undefined; // Not URLs at all: their own rules say so.
  }
  const user = (url: URL) => decodeURIComponent(url.username) || 'default';
  if (gateUrl === portalUrl || (user(gate) === user(portal) && gate.password === portal.password)) {
    return `must differ from REDIS_URL in production (${GATE_REDIS_WHY}; give it that user's name and password)`;
  }
  return undefined;
}

/** The environment variables the portal reads, with their rules. Names are the variable names. */
/** Thresholds of the security dashboard and its alerts (SECURITY_*). */
const wholeSeconds = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .min(min, `must be at least ${min} seconds`)
    .max(max, `must be at most ${max} seconds`)
    .default(fallback);
const securityVariables = {
  SECURITY_GATE_ONLINE_SECONDS: wholeSeconds(90, 5, 3600),
  SECURITY_GATE_OFFLINE_ALERT_SECONDS: wholeSeconds(300, 1, 86_400),
  SECURITY_ALERT_CHECK_SECONDS: wholeSeconds(30, 1, 3600),
  SECURITY_REPEATED_DENIALS: z.coerce
    .number({ error: 'must be a whole number of denials' })
    .int('must be a whole number of denials')
    .min(2, 'must be at least 2')
    .max(100, 'must be at most 100')
    .default(3),
  SECURITY_REPEATED_DENIALS_WINDOW_SECONDS: wholeSeconds(600, 10, 86_400),
  SECURITY_OUTBOX_FILL_ALERT: z.coerce
    .number({ error: 'must be a fraction between 0.1 and 1 (e.g. 0.8)' })
    .min(0.1, 'must be at least 0.1')
    .max(1, 'must be at most 1')
    .default(0.8),
  SECURITY_HANDHELD_CHECKS_PER_MINUTE: z.coerce
    .number({ error: 'must be a whole number of checks' })
    .int('must be a whole number of checks')
    .min(1, 'must be at least 1')
    .max(10_000, 'must be at most 10000')
    .default(120),
};

const environmentSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production'], { error: 'must be development, test or production' }).default('development'),
    HOST: z.string().min(1, 'must be a host name or address to listen on').default('127.0.0.1'),
    PORT: port(3000),
    PUBLIC_URL: urlWithScheme(['http', 'https'], 'https://alumni.example.edu').optional(),
    DATABASE_URL: postgresUrl.optional(),
    DATABASE_MIGRATE: z.enum(['auto', 'manual'], { error: 'must be auto (run migrations at start-up) or manual' }).optional(),
    EMBEDDED_PG_DIR: z.string().min(1).default('.data/postgres'),
    EMBEDDED_PG_PORT: port(54329),
    REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
    GATE_REDIS_URL: redisUrl.optional(),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_{}-]+$/, 'may hold only letters, digits and : _ - { }')
      .default('campuspass'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    LOG_PRETTY: booleanFlag.default(false),
    WEB_DIST_DIR: z.string().min(1).default('apps/web/dist'),
    API_DOCS: booleanFlag.optional(),
    KEY_ENCRYPTION_KEY: z
      .string()
      .refine((value) => parseKeyEncryptionKey(value) !== undefined, KEY_ENCRYPTION_KEY_MESSAGE)
      .optional(),
    // Set only while the key-encryption key is being replaced: the old one, still opening what keys:rewrap has not
    // re-sealed yet (deploy/runbooks/key-rotation.md).
    KEY_ENCRYPTION_KEY_PREVIOUS: z
      .string()
      .refine((value) => parseKeyEncryptionKey(value) !== undefined, KEY_ENCRYPTION_KEY_MESSAGE)
      .optional(),
    KEY_ROTATION_LEAD_DAYS: z.coerce
      .number({ error: 'must be a whole number of days' })
      .int('must be a whole number of days')
      .min(1, 'must be at least 1 (gates must be able to fetch the next key before it signs)')
      .max(90, 'must be at most 90 days')
      .default(2),
    KEY_ROTATION_INTERVAL_DAYS: z.coerce
      .number({ error: 'must be a whole number of days' })
      .int('must be a whole number of days')
      .min(1, 'must be at least 1 day')
      .max(3650, 'must be at most 3650 days')
      .default(30),
    APP_SECRET: z.string().min(32, 'must be at least 32 characters of random text (e.g. openssl rand -base64 48)').optional(),
    SMTP_URL: urlWithScheme(['smtp', 'smtps'], 'smtp://user:password@mail.example.edu:587').optional(),
    TRUST_PROXY: z
      .string()
      .transform((value, context) => {
        const parsed = parseTrustProxy(value);
        if (parsed === undefined) {
          context.addIssue({ code: 'custom', message: TRUST_PROXY_MESSAGE });
          return z.NEVER;
        }
        return parsed;
      })
      .optional(),
    STAFF_OIDC_ISSUER: urlWithScheme(['https', 'http'], 'https://login.example.edu/realms/staff').optional(),
    STAFF_OIDC_CLIENT_ID: z.string().min(1).optional(),
    STAFF_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    STAFF_PASSWORD_SIGN_IN: booleanFlag.optional(),
    // Social sign-in (issue 7): a provider shows only when its client id and secret are set.
    ...socialProviderVariables('GOOGLE', 'https://accounts.google.com'),
    ...socialProviderVariables('MICROSOFT', 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0'),
    ...socialProviderVariables('APPLE', 'https://appleid.apple.com'),
    SOCIAL_WECHAT_APP_ID: z.string().min(1).optional(),
    SOCIAL_WECHAT_APP_SECRET: z.string().min(1).optional(),
    SOCIAL_WECHAT_OPEN_URL: urlWithScheme(['https', 'http'], 'https://open.weixin.qq.com').default('https://open.weixin.qq.com'),
    SOCIAL_WECHAT_API_URL: urlWithScheme(['https', 'http'], 'https://api.weixin.qq.com').default('https://api.weixin.qq.com'),
    CAPTCHA_COST: z.coerce
      .number({ error: 'must be a whole number (PBKDF2 iterations per ALTCHA proof-of-work try)' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(1_000_000, 'must be at most 1000000')
      // About 3 s on one busy server core for the average search (7500 tries); a browser's workers share it.
      .default(1000),
    CAPTCHA_COUNTER_MAX: z.coerce
      .number({ error: 'must be a whole number (the most tries an ALTCHA proof-of-work needs)' })
      .int('must be a whole number')
      .min(2, 'must be at least 2')
      .max(10_000_000, 'must be at most 10000000')
      .default(10_000),
    ...securityVariables,
    MAIL_FROM: z
      .string()
      .min(3, 'must be a sender like "CampusPass <alumni@example.edu>"')
      .default('CampusPass <no-reply@campuspass.localhost>'),
  })
  .superRefine((env, context) => {
    const oidc = ['STAFF_OIDC_ISSUER', 'STAFF_OIDC_CLIENT_ID', 'STAFF_OIDC_CLIENT_SECRET'] as const;
    const given = oidc.filter((name) => env[name] !== undefined);
    if (given.length > 0 && given.length < oidc.length) {
      for (const name of oidc.filter((name) => env[name] === undefined)) {
        context.addIssue({
          code: 'custom',
          path: [name],
          message: `is required when ${given.join(' and ')} ${given.length === 1 ? 'is' : 'are'} set (staff sign-in through the university's identity provider needs all three)`,
        });
      }
    }
    for (const [id, secret] of SOCIAL_CREDENTIAL_PAIRS) {
      if ((env[id] === undefined) !== (env[secret] === undefined)) {
        const [missing, given] = env[id] === undefined ? [id, secret] : [secret, id];
        context.addIssue({
          code: 'custom',
          path: [missing],
          message: `is required when ${given} is set (a social sign-in provider needs both)`,
        });
      }
    }
    for (const name of SOCIAL_URL_VARIABLES) {
      if (env[name].startsWith('http:') && env.NODE_ENV === 'production') {
        context.addIssue({ code: 'custom', path: [name], message: 'must be an https URL in production' });
      }
    }
    if (env.STAFF_OIDC_ISSUER?.startsWith('http:') && env.NODE_ENV === 'production') {
      context.addIssue({ code: 'custom', path: ['STAFF_OIDC_ISSUER'], message: 'must be an https URL in production' });
    }
    if (env.STAFF_PASSWORD_SIGN_IN === false && given.length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['STAFF_PASSWORD_SIGN_IN'],
        message:
          'can be false only when staff sign in through an identity provider (set STAFF_OIDC_ISSUER, STAFF_OIDC_CLIENT_ID and STAFF_OIDC_CLIENT_SECRET)',
      });
    }
    if (env.NODE_ENV === 'production' && !env.APP_SECRET) {
      context.addIssue({
        code: 'custom',
        path: ['APP_SECRET'],
        message: 'is required in production (keys for hashing personal ID numbers and codes)',
      });
    }
    if (env.NODE_ENV === 'production' && !env.KEY_ENCRYPTION_KEY) {
      context.addIssue({
        code: 'custom',
        path: ['KEY_ENCRYPTION_KEY'],
        message: 'is required in production (it encrypts the pass-signing private keys at rest; e.g. openssl rand -base64 32)',
      });
    }
    if (env.KEY_ENCRYPTION_KEY_PREVIOUS !== undefined) {
      const previous = parseKeyEncryptionKey(env.KEY_ENCRYPTION_KEY_PREVIOUS);
      const current = env.KEY_ENCRYPTION_KEY === undefined ? undefined : parseKeyEncryptionKey(env.KEY_ENCRYPTION_KEY);
      if (env.KEY_ENCRYPTION_KEY === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['KEY_ENCRYPTION_KEY_PREVIOUS'],
          message:
            'is the old key-encryption key while KEY_ENCRYPTION_KEY is being replaced: set KEY_ENCRYPTION_KEY to the new key as well (deploy/runbooks/key-rotation.md)',
        });
      } else if (previous && current && previous.equals(current)) {
        // Compared as bytes: the same key written in hex and in base64 is still the same key.
        context.addIssue({
          code: 'custom',
          path: ['KEY_ENCRYPTION_KEY_PREVIOUS'],
          message:
            'must differ from KEY_ENCRYPTION_KEY: it is the old key-encryption key being replaced (set KEY_ENCRYPTION_KEY to the new key, or remove KEY_ENCRYPTION_KEY_PREVIOUS once keys:rewrap has run)',
        });
      }
    }
    if (env.NODE_ENV === 'production' && !env.SMTP_URL) {
      context.addIssue({
        code: 'custom',
        path: ['SMTP_URL'],
        message: 'is required in production (the development mail catcher delivers nothing)',
      });
    }
    if (env.NODE_ENV === 'production') {
      const problem = gateRedisUrlProblem(env.GATE_REDIS_URL, env.REDIS_URL);
      if (problem) context.addIssue({ code: 'custom', path: ['GATE_REDIS_URL'], message: problem });
    }
    if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
      context.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'is required in production (the embedded PostgreSQL is for development only)',
      });
    }
  });

/** Thresholds of the security dashboard and its alerts. */
export interface SecuritySettings {
  /** A gate is online while its last heartbeat is at most this old (tiles). */
  readonly gateOnlineMs: number;
  /** A gate silent for longer than this raises a gate-offline alert. */
  readonly gateOfflineAlertMs: number;
  /** How often the worker checks heartbeats and time-based alerts. */
  readonly alertCheckIntervalMs: number;
  /** Repeated denials: this many denials of one pass ... */
  readonly repeatedDenials: number;
  /** ... within this window raise an alert. */
  readonly repeatedDenialsWindowMs: number;
  /** Outbox fill (0..1) at or above which a gate raises outbox-filling. */
  readonly outboxFillAlert: number;
  /** Handheld checks per staff member per minute. */
  readonly handheldChecksPerMinute: number;
}

export interface AppConfig {
  readonly environment: 'development' | 'test' | 'production';
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly publicUrl: string;
    /** Express `trust proxy`: whose X-Forwarded-For is believed for the client address (rate limits, audit). */
    readonly trustProxy: TrustProxy;
  };
  /** Unset means: start (or reuse) the embedded PostgreSQL under `embedded.dir`. */
  readonly database: {
    readonly url?: string;
    readonly migrate: 'auto' | 'manual';
    readonly embedded: { readonly dir: string; readonly port: number };
  };
  readonly redis: { readonly url: string; readonly prefix: string };
  /**
   * GATE_REDIS_URL: the Redis URL gates are given at enrollment to drain their events to the gate-events queue
   * (in production a Redis ACL user limited to the gate-events keys). A secret. Required in production and other
   * than REDIS_URL there; elsewhere it defaults to REDIS_URL.
   */
  readonly gates: { readonly eventQueueRedisUrl: SecretValue };
  readonly log: { readonly level: string; readonly pretty: boolean };
  readonly web: { readonly distDir: string };
  readonly apiDocs: boolean;
  /**
   * Root secret from which purpose keys are derived (HKDF): personal-ID hashing, one-time-code hashing.
   * Unset outside production: a random one is kept under `.data/` (see resolveSecrets).
   */
  readonly appSecret?: string;
  /** Pass- and bundle-signing keys (see apps/portal/src/keys). */
  readonly keys: {
    /**
     * KEY_ENCRYPTION_KEY: 32 bytes that encrypt the signing keys' private halves at rest (AES-256-GCM).
     * Unset outside production: a random one is kept under `.data/` (see resolveKeyEncryptionKey).
     */
    readonly encryptionKey?: SecretValue;
    /**
     * KEY_ENCRYPTION_KEY_PREVIOUS: the key-encryption key being replaced, set only during a rotation of it. Keys are
     * opened with encryptionKey first, then with this one; new keys are always sealed with encryptionKey, and
     * `keys:rewrap` re-seals the old ones under it. Different from encryptionKey; requires it.
     */
    readonly previousEncryptionKey?: SecretValue;
    /** Days the next pass key is published in the gate bundle before it may sign. */
    readonly rotationLeadDays: number;
    /** Days a pass key signs before the scheduled rotation replaces it. */
    readonly rotationIntervalDays: number;
  };
  /** SMTP_URL unset outside production: the portal runs a local mail catcher with a dev mailbox page. */
  readonly mail: { readonly smtpUrl?: string; readonly from: string };
  /** ALTCHA proof-of-work of NetID registration: PBKDF2 cost per try and the most tries (half to all of it). */
  readonly captcha: { readonly cost: number; readonly counterMax: number };
  /** Security dashboard and alert thresholds. */
  readonly security: SecuritySettings;
  readonly staffSignIn: {
    /** The university's OIDC identity provider for staff; unset: staff sign in with password and emailed code. */
    readonly oidc?: { readonly issuer: string; readonly clientId: string; readonly clientSecret: SecretValue };
    /** Password + emailed code. Default: on without OIDC, off with it (STAFF_PASSWORD_SIGN_IN=true keeps it). */
    readonly password: boolean;
  };
  /** Alumni social sign-in (issue 7): only the providers set here are offered. */
  readonly socialSignIn: {
    readonly google?: SocialOidcProviderConfig;
    readonly microsoft?: SocialOidcProviderConfig;
    /** clientSecret: the client secret JWT made with the Sign in with Apple key (ES256, at most 6 months valid). */
    readonly apple?: SocialOidcProviderConfig;
    /** WeChat website login (snsapi_login); openUrl/apiUrl are overridable for tests. */
    readonly wechat?: { readonly appId: string; readonly appSecret: SecretValue; readonly openUrl: string; readonly apiUrl: string };
  };
}

export interface SocialOidcProviderConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: SecretValue;
}

/**
 * Reads and validates the portal's configuration from environment variables, once, at start-up.
 * Throws a ConfigError that names every bad variable and what it expects.
 */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty strings mean "unset": a blank line in an .env file must not override a default.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.') || 'environment';
        const got = typeof present[name] === 'string' ? ` (got ${describeValue(name, present[name])})` : '';
        return `${name} ${issue.message}${got}`;
      }),
    );
  }
  const e = parsed.data;
  return {
    environment: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
      trustProxy: e.TRUST_PROXY ?? false,
    },
    database: {
      url: e.DATABASE_URL,
      // Migrations run by themselves in development; production deploys run `npm run portal -- db:migrate`.
      migrate: e.DATABASE_MIGRATE ?? (e.NODE_ENV === 'production' ? 'manual' : 'auto'),
      embedded: { dir: e.EMBEDDED_PG_DIR, port: e.EMBEDDED_PG_PORT },
    },
    redis: { url: e.REDIS_URL, prefix: e.QUEUE_PREFIX },
    gates: { eventQueueRedisUrl: new SecretValue(e.GATE_REDIS_URL ?? e.REDIS_URL) },
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
    web: { distDir: e.WEB_DIST_DIR },
    apiDocs: e.API_DOCS ?? true,
    appSecret: e.APP_SECRET,
    keys: {
      encryptionKey: e.KEY_ENCRYPTION_KEY ? new SecretValue(e.KEY_ENCRYPTION_KEY.trim()) : undefined,
      previousEncryptionKey: e.KEY_ENCRYPTION_KEY_PREVIOUS ? new SecretValue(e.KEY_ENCRYPTION_KEY_PREVIOUS.trim()) : undefined,
      rotationLeadDays: e.KEY_ROTATION_LEAD_DAYS,
      rotationIntervalDays: e.KEY_ROTATION_INTERVAL_DAYS,
    },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    captcha: { cost: e.CAPTCHA_COST, counterMax: e.CAPTCHA_COUNTER_MAX },
    security: {
      gateOnlineMs: e.SECURITY_GATE_ONLINE_SECONDS * 1000,
      gateOfflineAlertMs: e.SECURITY_GATE_OFFLINE_ALERT_SECONDS * 1000,
      alertCheckIntervalMs: e.SECURITY_ALERT_CHECK_SECONDS * 1000,
      repeatedDenials: e.SECURITY_REPEATED_DENIALS,
      repeatedDenialsWindowMs: e.SECURITY_REPEATED_DENIALS_WINDOW_SECONDS * 1000,
      outboxFillAlert: e.SECURITY_OUTBOX_FILL_ALERT,
      handheldChecksPerMinute: e.SECURITY_HANDHELD_CHECKS_PER_MINUTE,
    },
    staffSignIn: {
      oidc:
        e.STAFF_OIDC_ISSUER && e.STAFF_OIDC_CLIENT_ID && e.STAFF_OIDC_CLIENT_SECRET
          ? { issuer: e.STAFF_OIDC_ISSUER, clientId: e.STAFF_OIDC_CLIENT_ID, clientSecret: new SecretValue(e.STAFF_OIDC_CLIENT_SECRET) }
          : undefined,
      password: e.STAFF_PASSWORD_SIGN_IN ?? !e.STAFF_OIDC_ISSUER,
    },
    socialSignIn: {
      google: socialProvider(e.SOCIAL_GOOGLE_ISSUER, e.SOCIAL_GOOGLE_CLIENT_ID, e.SOCIAL_GOOGLE_CLIENT_SECRET),
      microsoft: socialProvider(e.SOCIAL_MICROSOFT_ISSUER, e.SOCIAL_MICROSOFT_CLIENT_ID, e.SOCIAL_MICROSOFT_CLIENT_SECRET),
      apple: socialProvider(e.SOCIAL_APPLE_ISSUER, e.SOCIAL_APPLE_CLIENT_ID, e.SOCIAL_APPLE_CLIENT_SECRET),
      wechat:
        e.SOCIAL_WECHAT_APP_ID && e.SOCIAL_WECHAT_APP_SECRET
          ? {
              appId: e.SOCIAL_WECHAT_APP_ID,
              appSecret: new SecretValue(e.SOCIAL_WECHAT_APP_SECRET),
              openUrl: e.SOCIAL_WECHAT_OPEN_URL.replace(/\/+$/, ''),
              apiUrl: e.SOCIAL_WECHAT_API_URL.replace(/\/+$/, ''),
            }
          : undefined,
    },
  };
}

function socialProvider(issuer: string, clientId?: string, clientSecret?: string): SocialOidcProviderConfig | undefined {
  return clientId && clientSecret ? { issuer, clientId, clientSecret: new SecretValue(clientSecret) } : undefined;
}

/** Values of URL variables may hold passwords: never echo those back in an error. */
function describeValue(name: string, value: string): string {
  return /URL$|SECRET$|KEY$|KEY_PREVIOUS$/.test(name) ? 'a value hidden here because it may hold a password' : JSON.stringify(value);
}
