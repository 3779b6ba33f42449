import { HardwareError, HardwareErrorCode } from './hardware.error.js';
import type { TypedEventEmitter } from './typed-event-emitter.js';

/** What the agent believes the relay output is; `unknown` until the first command after open reached the device. */
export type RelayState = 'off' | 'on' | 'unknown';

export interface DeviceHealth {
  /** false: the device is unplugged, not answering or failed its last command; the guard page shows `detail`. */
  readonly ok: boolean;
  readonly detail: string;
  /** When the device last proved it was there (a command written, a heartbeat answered). */
  readonly lastSeenAt: Date | undefined;
}

export interface RelayEvents {
  state: [state: RelayState, at: Date];
  health: [health: DeviceHealth];
}

/** Longest pulse any adapter accepts (relay.pulseMs is at most this): a turnstile is never held open longer. */
export const MAX_PULSE_MS = 10_000;

/** The turnstile's release relay. Every adapter switches it off at `open()` and at `close()`. */
export interface Relay {
  readonly kind: 'gpio' | 'serial' | 'simulated';
  readonly events: TypedEventEmitter<RelayEvents>;
  /** Opens the device and drives the output off, so a restart never leaves the turnstile released. */
  open(): Promise<void>;
  /**
   * Switches on for `ms` (1–{@link MAX_PULSE_MS}), then off. Resolves once the on command reached the device; the off
   * follows by itself (board timer where the hardware has one, else an in-process timer). A pulse during a pulse
   * extends it.
   */
  pulse(ms: number): Promise<void>;
  /** Switches off now, ending any pulse. */
  release(): Promise<void>;
  state(): RelayState;
  health(): DeviceHealth;
  /** Drives the output off and closes the device. */
  close(): Promise<void>;
}

export function assertPulseBounds(ms: number): void {
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_PULSE_MS) {
    throw new HardwareError(
      HardwareErrorCode.PulseOutOfBounds,
      `Relay pulse of ${ms} ms refused: expected an integer 1–${MAX_PULSE_MS} ms (relay.pulseMs).`,
    );
  }
}
