import { z } from 'zod';
import { ConfigError } from '../config/config.error.js';

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

export const SECURITY_SETTINGS = Symbol('SECURITY_SETTINGS');

const seconds = (name: string, fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number of seconds` })
    .int('must be a whole number of seconds')
    .min(min, `must be at least ${min} seconds`)
    .max(max, `must be at most ${max} seconds`)
    .default(fallback)
    .describe(name);

const schema = z.object({
  SECURITY_GATE_ONLINE_SECONDS: seconds('SECURITY_GATE_ONLINE_SECONDS', 90, 5, 3600),
  SECURITY_GATE_OFFLINE_ALERT_SECONDS: seconds('SECURITY_GATE_OFFLINE_ALERT_SECONDS', 300, 1, 86_400),
  SECURITY_ALERT_CHECK_SECONDS: seconds('SECURITY_ALERT_CHECK_SECONDS', 30, 1, 3600),
  SECURITY_REPEATED_DENIALS: z.coerce
    .number({ error: 'must be a whole number of denials' })
    .int('must be a whole number of denials')
    .min(2, 'must be at least 2')
    .max(100, 'must be at most 100')
    .default(3),
  SECURITY_REPEATED_DENIALS_WINDOW_SECONDS: seconds('SECURITY_REPEATED_DENIALS_WINDOW_SECONDS', 600, 10, 86_400),
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
});

/**
 * Reads the security thresholds from the environment once, at start-up; a bad value stops start-up with a
 * ConfigError naming the variable. (Kept beside the module that uses them; the lead may fold them into AppConfig.)
 */
export function loadSecuritySettings(env: NodeJS.ProcessEnv = process.env): SecuritySettings {
  const present = Object.fromEntries(Object.entries(env).filter(([name, value]) => name.startsWith('SECURITY_') && value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        return `${name} ${issue.message} (got ${JSON.stringify(present[name])})`;
      }),
    );
  }
  const e = parsed.data;
  return {
    gateOnlineMs: e.SECURITY_GATE_ONLINE_SECONDS * 1000,
    gateOfflineAlertMs: e.SECURITY_GATE_OFFLINE_ALERT_SECONDS * 1000,
    alertCheckIntervalMs: e.SECURITY_ALERT_CHECK_SECONDS * 1000,
    repeatedDenials: e.SECURITY_REPEATED_DENIALS,
    repeatedDenialsWindowMs: e.SECURITY_REPEATED_DENIALS_WINDOW_SECONDS * 1000,
    outboxFillAlert: e.SECURITY_OUTBOX_FILL_ALERT,
    handheldChecksPerMinute: e.SECURITY_HANDHELD_CHECKS_PER_MINUTE,
  };
}
