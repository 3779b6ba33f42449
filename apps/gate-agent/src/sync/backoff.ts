/** sync.backoff plus sync.jitterPercent from the gate config. */
export interface BackoffSettings {
  readonly minSeconds: number;
  readonly maxSeconds: number;
  readonly jitterPercent: number;
}

/**
 * Capped exponential backoff with jitter: the n-th consecutive failure (n ≥ 1) waits
 * min(maxSeconds, minSeconds · 2^(n−1)), then ± jitterPercent of that at random, so a fleet of gates that lost the
 * portal together does not come back in lockstep. Never below 0, never above maxSeconds · (1 + jitter).
 */
export class Backoff {
  #failures = 0;

  constructor(
    private readonly settings: BackoffSettings,
    private readonly random: () => number = Math.random,
  ) {}

  get failures(): number {
    return this.#failures;
  }

  /** Records a failure; returns how long to wait before the next try, ms. */
  fail(): number {
    this.#failures++;
    return backoffDelayMs(this.#failures, this.settings, this.random);
  }

  reset(): void {
    this.#failures = 0;
  }
}

/** The delay after `failures` consecutive failures (see {@link Backoff}). */
export function backoffDelayMs(failures: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const baseMs = Math.min(settings.maxSeconds * 1000, settings.minSeconds * 1000 * 2 ** exponent);
  return withJitter(baseMs, settings.jitterPercent, random);
}

/** `delayMs` ± jitterPercent, uniformly; for periodic work too (bundle interval). */
export function withJitter(delayMs: number, jitterPercent: number, random: () => number = Math.random): number {
  const spread = (delayMs * jitterPercent) / 100;
  return Math.max(0, Math.round(delayMs - spread + 2 * spread * random()));
}
