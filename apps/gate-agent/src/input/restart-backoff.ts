/** Named delays for reopening a device or restarting a capture process (STYLE §8–9: capped backoff). */
export interface RestartBackoffOptions {
  /** First delay after a failure, in milliseconds. */
  readonly initialDelayMs: number;
  /** Longest delay, in milliseconds. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoffOptions = { initialDelayMs: 500, maxDelayMs: 30_000 };

/** Doubling delay, capped; `reset()` after the device worked again. */
export class RestartBackoff {
  private failures = 0;

  constructor(private readonly options: RestartBackoffOptions = DEFAULT_RESTART_BACKOFF) {
    if (options.initialDelayMs <= 0 || options.maxDelayMs < options.initialDelayMs) {
      throw new RangeError('restart backoff: expected 0 < initialDelayMs ≤ maxDelayMs');
    }
  }

  /** The delay before the next attempt; each call doubles the following one up to the cap. */
  nextDelayMs(): number {
    const delay = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    return delay;
  }

  reset(): void {
    this.failures = 0;
  }
}
