import type { DenialReason } from '@campuspass/contracts';
import type { PassageOutcome } from '../hardware/passage.js';
import type { RelayState } from '../hardware/relay.port.js';
import type { FireInputState } from './fire-input.js';

/** Where the agent is in its life: it records nothing before it is enrolled (events need the gate id). */
export type AgentPhase = 'starting' | 'enrolling' | 'running' | 'stopping' | 'stopped';

/** One scan as the guard page shows it. Never the QR text (a live pass), only what the bundle says about it. */
export interface ScanView {
  /** The scan event's id (undefined only when the decision could not be recorded: then nothing opened). */
  readonly eventId: string | undefined;
  readonly at: string;
  readonly decision: 'granted' | 'denied';
  /** A denial reason code, or `not-recorded` when the outbox refused the event (the gate stayed shut). */
  readonly reason: DenialReason | 'not-recorded' | null;
  readonly via: 'camera' | 'scanner';
  readonly passKind: 'alumni-day' | 'guest' | null;
  /** From the bundle's display data; null when the bundle does not list the pass. */
  readonly name: string | null;
  readonly hostName: string | null;
  /** data:image/jpeg;base64,… thumbnail from the bundle, when it has one. */
  readonly photo: string | null;
  readonly degradedClock: boolean;
}

export interface PassageView {
  readonly scanEventId: string;
  readonly outcome: PassageOutcome;
  readonly at: string;
  readonly detail: string | null;
}

export interface ManualOpenView {
  readonly eventId: string;
  readonly operator: string;
  readonly at: string;
}

export interface AlertView {
  readonly reason: string;
  readonly detail: string | null;
  readonly at: string;
}

export interface DeviceView {
  readonly ok: boolean;
  readonly detail: string;
}

/** The gate's status for the guard page (no secrets: no keys, no queue credentials, no codes). */
export interface AgentStatus {
  readonly phase: AgentPhase;
  readonly gate: { readonly id: string | null; readonly name: string | null };
  readonly bundle: {
    readonly version: number;
    readonly issuedAt: string | null;
    readonly ageSeconds: number | null;
    readonly stale: boolean;
    readonly lastPullAt: string | null;
    readonly lastError: string | null;
  };
  readonly clock: {
    readonly trusted: boolean;
    readonly source: 'ntp' | 'portal' | null;
    /** Gate clock minus portal clock at the last sync, ms. */
    readonly offsetMs: number | null;
    readonly now: string;
  };
  readonly outbox: {
    readonly pending: number;
    readonly fill: number;
    readonly aboveAlertThreshold: boolean;
    readonly oldestPendingAt: string | null;
    readonly lastDeliveredAt: string | null;
    readonly lastError: string | null;
  };
  readonly online: boolean;
  readonly lastHeartbeatAt: string | null;
  readonly relay: DeviceView & { readonly state: RelayState; readonly kind: string };
  readonly passageSensor: (DeviceView & { readonly kind: string }) | null;
  readonly input: DeviceView & { readonly description: string };
  readonly fireInput: FireInputState;
  readonly passagesOpen: number;
  readonly uptimeSeconds: number;
}

export interface GateAgentEvents {
  scan: [view: ScanView];
  passage: [view: PassageView];
  'manual-open': [view: ManualOpenView];
  alert: [view: AlertView];
  phase: [phase: AgentPhase];
}
