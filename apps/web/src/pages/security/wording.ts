import { ALERT_KINDS, DENIAL_REASONS, ENTRY_FLAGS, type AlertKind, type EntryFlag } from '@campuspass/contracts';

/**
 * Machine codes the security pages put into words: the gates' denial reasons, the handheld check's own two, the
 * stored entries' flags and the alert kinds. An unknown code (a newer gate) is shown as "other" with the code itself.
 */
export const REASON_CODES = [...DENIAL_REASONS, 'pass-cancelled', 'pass-not-found'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export function isReasonCode(code: string | null | undefined): code is ReasonCode {
  return typeof code === 'string' && (REASON_CODES as readonly string[]).includes(code);
}

export function isEntryFlag(flag: string): flag is EntryFlag {
  return (ENTRY_FLAGS as readonly string[]).includes(flag);
}

export function isAlertKind(kind: string): kind is AlertKind {
  return (ALERT_KINDS as readonly string[]).includes(kind);
}

/**
 * What a gate's `alert` event says (its reason code), as the gate agent records them: the clock's alerts
 * (apps/gate-agent/src/clock/trusted-clock.ts, ClockAlert), the outbox filling up and a refused manual open
 * (apps/gate-agent/src/agent/gate-agent.ts). Recoveries are news, not alarms: shown calm.
 */
export const GATE_ALERT_CODES = ['clock-trusted', 'clock-skew', 'clock-backwards', 'outbox-filling', 'manual-open-refused'] as const;
export type GateAlertCode = (typeof GATE_ALERT_CODES)[number];

/** Gate alerts that report a return to normal (the clock trusted again after it was not, or on start-up). */
export const GATE_RECOVERY_CODES: ReadonlySet<string> = new Set<GateAlertCode>(['clock-trusted']);

export function isGateAlertCode(code: string | null | undefined): code is GateAlertCode {
  return typeof code === 'string' && (GATE_ALERT_CODES as readonly string[]).includes(code);
}

/** How worried to be about a gate alert: a recovery is fine, a skew corrected or a filling outbox a warning. */
export function gateAlertTone(code: string | null): Tone {
  if (code !== null && GATE_RECOVERY_CODES.has(code)) return 'ok';
  if (code === 'clock-skew' || code === 'outbox-filling') return 'warn';
  return 'bad';
}

/** How long ago, in the largest whole unit: 45 s, 3 min, 2 h, 5 days. Null when there is no time. */
export interface Age {
  readonly unit: 'seconds' | 'minutes' | 'hours' | 'days';
  readonly count: number;
}

export function ageOf(iso: string | null, now: number): Age | null {
  if (!iso) return null;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return null;
  const seconds = Math.max(0, Math.floor((now - time) / 1000));
  if (seconds < 60) return { unit: 'seconds', count: seconds };
  if (seconds < 3600) return { unit: 'minutes', count: Math.floor(seconds / 60) };
  if (seconds < 86_400) return { unit: 'hours', count: Math.floor(seconds / 3600) };
  return { unit: 'days', count: Math.floor(seconds / 86_400) };
}

/** A clock offset as people read it: "+1.2 s", "−0.3 s", "+250 ms". Null when not measured. */
export function offsetText(offsetMs: number | null): string | null {
  if (offsetMs === null || !Number.isFinite(offsetMs)) return null;
  const sign = offsetMs > 0 ? '+' : offsetMs < 0 ? '−' : '±';
  const size = Math.abs(offsetMs);
  if (size < 1000) return `${sign}${Math.round(size)} ms`;
  return `${sign}${(size / 1000).toFixed(size < 10_000 ? 1 : 0)} s`;
}

/** 0..1 as a whole percentage, within 0..100. */
export function percent(fill: number | null): number | null {
  if (fill === null || !Number.isFinite(fill)) return null;
  return Math.round(Math.min(1, Math.max(0, fill)) * 100);
}

/** A health word from a gate ('ok', 'fault', 'absent', 'normal', 'active' …) → how worried to be. */
export type Tone = 'ok' | 'warn' | 'bad' | 'none';

export function healthTone(value: string | null): Tone {
  switch (value) {
    case 'ok':
    case 'normal':
      return 'ok';
    case 'absent':
    case null:
      return 'none';
    case 'active':
    case 'fault':
      return 'bad';
    default:
      return 'warn';
  }
}

/** A milliseconds lag as a short duration: "0 s", "12 s", "3 min 5 s", "2 h 4 min". */
export function durationText(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
