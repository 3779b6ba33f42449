/** Milliseconds on a monotonic clock; `performance.now()` unless a test supplies its own. */
export type MonotonicClock = () => number;

/**
 * The same QR text held in front of the camera is one scan, not thirty: identical text is suppressed until
 * it has been out of sight for `holdMs` (measured from the last time it was seen, so a code held still for a
 * minute is still one scan). A different text passes at once. The clock is monotonic so a wall-clock step
 * (NTP, a Pi without RTC) can neither release nor freeze a code.
 */
export class RepeatSuppressor {
  private readonly lastSeen = new Map<string, number>();

  constructor(
    readonly holdMs: number,
    private readonly now: MonotonicClock = () => performance.now(),
  ) {
    if (!Number.isFinite(holdMs) || holdMs < 0) throw new RangeError(`holdMs must be a number ≥ 0, got ${holdMs}`);
  }

  /** True when `text` is a new scan; false when it is the same code still (or again too soon) in view. */
  accept(text: string, seenAt: number = this.now()): boolean {
    this.forgetOlderThan(seenAt - this.holdMs);
    const previous = this.lastSeen.get(text);
    this.lastSeen.set(text, Math.max(previous ?? seenAt, seenAt));
    return previous === undefined;
  }

  /** Texts currently held back (for the guard page and tests). */
  get heldCount(): number {
    return this.lastSeen.size;
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [text, seenAt] of this.lastSeen) {
      if (seenAt < cutoff) this.lastSeen.delete(text);
    }
  }
}
