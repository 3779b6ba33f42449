import type { BundleClock } from '../bundle/bundle-state.js';
import type { GateConfig } from '../config/gate-config.schema.js';
import type { ClockStateStore } from '../store/store.ports.js';
import type { ClockReading } from '../verify/decide-scan.js';
import type { NtpStatus } from './ntp-status.port.js';

/** Where the gate's trust in its clock comes from. */
export type ClockSource = 'ntp' | 'portal';

/** What the clock reports; each becomes an `alert` gate event (its `type` is the event's reason code). */
export type ClockAlert =
  | { readonly type: 'clock-trusted'; readonly source: ClockSource; readonly at: string }
  | {
      readonly type: 'clock-skew';
      /** Gate time minus portal time, seconds (positive: the gate is ahead). */
      readonly skewSeconds: number;
      readonly maxSkewSeconds: number;
      readonly portalTime: string;
      readonly gateTime: string;
    }
  | {
      readonly type: 'clock-backwards';
      /** system-jumped-back: the system clock fell behind the monotonic clock; behind-last-trusted: a sync offered a time before the persisted last trusted time. */
      readonly cause: 'system-jumped-back' | 'behind-last-trusted';
      readonly observed: string;
      readonly reference: string;
      readonly source?: ClockSource;
    };

export type ClockAlertListener = (alert: ClockAlert) => void;

/** The machine's clocks: wall time (may jump) and a monotonic counter (never jumps), both in milliseconds. */
export interface SystemTime {
  wallMs(): number;
  monotonicMs(): number;
}

export const systemTime: SystemTime = {
  wallMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

export interface TrustedClockOptions {
  readonly store: ClockStateStore;
  readonly ntp: NtpStatus;
  readonly config: Pick<GateConfig['clock'], 'maxSkewSeconds' | 'trustNtp'>;
  readonly time?: SystemTime;
}

export interface ClockStatus {
  readonly trusted: boolean;
  readonly source: ClockSource | undefined;
  /** Trusted time minus system wall time at the last sync, ms (0 for NTP). */
  readonly offsetMs: number;
  readonly lastSyncAt: Date | undefined;
  readonly lastTrustedTime: Date | undefined;
}

// The system clock may wobble by this much against the monotonic clock before it counts as having gone back.
const SYSTEM_JUMP_TOLERANCE_MS = 1000;

interface Anchor {
  readonly source: ClockSource;
  /** Trusted epoch ms at the sync. */
  readonly trustedMs: number;
  /** Monotonic ms at the sync. */
  readonly monotonicMs: number;
  /** System wall ms at the sync. */
  readonly wallMs: number;
}

/**
 * The gate's clock. A Pi has no real-time clock, so the time is trusted only after NTP reports a sync or after a
 * signed portal time (a verified bundle's issuedAt); between syncs it advances by the monotonic clock. It never
 * goes back past the last trusted time it persisted: a sync offering an earlier time, or a system clock that
 * jumps back, leaves the clock untrusted until the next good sync. Untrusted, `reading()` still gives a best guess
 * (the system clock, never before the persisted time) for display and for the degraded policy.
 */
export class TrustedClock implements BundleClock {
  readonly #store: ClockStateStore;
  readonly #ntp: NtpStatus;
  readonly #maxSkewMs: number;
  readonly #trustNtp: boolean;
  readonly #time: SystemTime;
  readonly #listeners = new Set<ClockAlertListener>();
  #anchor: Anchor | undefined;
  #floorMs: number | undefined;

  constructor(options: TrustedClockOptions) {
    this.#store = options.store;
    this.#ntp = options.ntp;
    this.#maxSkewMs = options.config.maxSkewSeconds * 1000;
    this.#trustNtp = options.config.trustNtp;
    this.#time = options.time ?? systemTime;
    this.#floorMs = options.store.lastTrustedTime()?.getTime();
  }

  /** Subscribes to alerts; returns the function that unsubscribes. */
  onAlert(listener: ClockAlertListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The time to decide a scan with, and whether it is trusted. */
  reading(): ClockReading {
    const trustedMs = this.#trustedMs();
    if (trustedMs !== undefined) return { now: new Date(trustedMs), trusted: true };
    const wall = this.#time.wallMs();
    return { now: new Date(this.#floorMs === undefined ? wall : Math.max(wall, this.#floorMs)), trusted: false };
  }

  trustedNow(): Date | undefined {
    const trustedMs = this.#trustedMs();
    return trustedMs === undefined ? undefined : new Date(trustedMs);
  }

  floor(): Date | undefined {
    return this.#floorMs === undefined ? undefined : new Date(this.#floorMs);
  }

  status(): ClockStatus {
    const trusted = this.#trustedMs() !== undefined;
    const anchor = this.#anchor;
    return {
      trusted,
      source: anchor?.source,
      offsetMs: anchor === undefined ? 0 : anchor.trustedMs - anchor.wallMs,
      lastSyncAt: anchor === undefined ? undefined : new Date(anchor.trustedMs),
      lastTrustedTime: this.floor(),
    };
  }

  /** Asks the OS whether NTP has synchronised the clock; on yes (and trustNtp) trusts the system clock. */
  async checkNtp(): Promise<boolean> {
    if (!this.#trustNtp) return false;
    if (!(await this.#ntp.isSynchronized())) {
      // Losing the NTP server does not make a clock that was right wrong: trust stays until it goes back.
      return false;
    }
    const wall = this.#time.wallMs();
    return this.#trust('ntp', wall, wall);
  }

  /**
   * A signed portal time (the issuedAt of a bundle that verified, handed over as soon as it was fetched). Checks
   * the skew against it and alerts beyond maxSkewSeconds. With NTP trusted, NTP stays the source; otherwise the
   * portal time becomes the trusted time (kept as an offset from the system clock, advanced monotonically).
   */
  acceptPortalTime(portalTime: Date): boolean {
    const portalMs = portalTime.getTime();
    const wall = this.#time.wallMs();
    const gateMs = this.#trustedMs() ?? wall;
    const skewMs = gateMs - portalMs;
    if (Math.abs(skewMs) > this.#maxSkewMs) {
      this.#emit({
        type: 'clock-skew',
        skewSeconds: Math.round(skewMs / 1000),
        maxSkewSeconds: this.#maxSkewMs / 1000,
        portalTime: portalTime.toISOString(),
        gateTime: new Date(gateMs).toISOString(),
      });
    }
    if (this.#anchor?.source === 'ntp' && this.#trustedMs() !== undefined) return true;
    return this.#trust('portal', portalMs, wall);
  }

  /** Persists the current trusted time (call now and then, and before shutdown) so a restart cannot go behind it. */
  checkpoint(): void {
    const trustedMs = this.#trustedMs();
    if (trustedMs !== undefined) this.#persist(trustedMs);
  }

  #trust(source: ClockSource, trustedMs: number, wallMs: number): boolean {
    if (this.#floorMs !== undefined && trustedMs < this.#floorMs - this.#maxSkewMs) {
      this.#anchor = undefined;
      this.#emit({
        type: 'clock-backwards',
        cause: 'behind-last-trusted',
        observed: new Date(trustedMs).toISOString(),
        reference: new Date(this.#floorMs).toISOString(),
        source,
      });
      return false;
    }
    const wasTrusted = this.#trustedMs() !== undefined;
    this.#anchor = { source, trustedMs, monotonicMs: this.#time.monotonicMs(), wallMs };
    this.#persist(trustedMs);
    if (!wasTrusted) this.#emit({ type: 'clock-trusted', source, at: new Date(trustedMs).toISOString() });
    return true;
  }

  #trustedMs(): number | undefined {
    const anchor = this.#anchor;
    if (anchor === undefined) return undefined;
    const elapsed = this.#time.monotonicMs() - anchor.monotonicMs;
    const wall = this.#time.wallMs();
    // The system clock should advance with the monotonic one; falling behind means someone set it back.
    if (wall < anchor.wallMs + elapsed - SYSTEM_JUMP_TOLERANCE_MS) {
      this.#anchor = undefined;
      this.#emit({
        type: 'clock-backwards',
        cause: 'system-jumped-back',
        observed: new Date(wall).toISOString(),
        reference: new Date(anchor.wallMs + elapsed).toISOString(),
        source: anchor.source,
      });
      return undefined;
    }
    return anchor.trustedMs + elapsed;
  }

  #persist(trustedMs: number): void {
    if (this.#floorMs !== undefined && trustedMs <= this.#floorMs) return;
    this.#store.saveTrustedTime(new Date(trustedMs));
    this.#floorMs = trustedMs;
  }

  #emit(alert: ClockAlert): void {
    for (const listener of this.#listeners) {
      try {
        listener(alert);
      } catch {
        // A failing listener must not stop the clock or the other listeners.
      }
    }
  }
}
