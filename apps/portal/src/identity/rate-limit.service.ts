import { Injectable } from '@nestjs/common';
import { Clock } from './clock.js';
import type { RateLimitRule } from './identity.constants.js';
import { IdentityException } from './identity.exception.js';
import { IdentityKeys } from './identity-keys.js';
import { RateLimitRepository } from './rate-limit.repository.js';

/**
 * Fixed-window rate limits counted in PostgreSQL (they hold with Redis down and across replicas). Old windows
 * are dropped by IdentityHousekeeping.
 */
@Injectable()
export class RateLimitService {
  constructor(
    private readonly repository: RateLimitRepository,
    private readonly clock: Clock,
    private readonly keys: IdentityKeys,
  ) {}

  /** Counts one attempt; refuses with 429 (and when to retry) once the window's limit is passed. */
  async consume(rule: RateLimitRule, key: string, what?: string): Promise<void> {
    const { windowStart, retryAfterSeconds } = this.window(rule);
    const hits = await this.repository.hit(rule.name, this.keys.counterKey(key), windowStart);
    if (hits > rule.limit) throw IdentityException.rateLimited(retryAfterSeconds, what);
  }

  /** Refuses when the limit is already reached, without counting (e.g. wrong codes are counted only when wrong). */
  async check(rule: RateLimitRule, key: string, what?: string): Promise<void> {
    const { windowStart, retryAfterSeconds } = this.window(rule);
    if ((await this.repository.hits(rule.name, this.keys.counterKey(key), windowStart)) >= rule.limit) {
      throw IdentityException.rateLimited(retryAfterSeconds, what);
    }
  }

  /** Counts one event without refusing (the caller checks before acting). */
  async count(rule: RateLimitRule, key: string): Promise<void> {
    await this.repository.hit(rule.name, this.keys.counterKey(key), this.window(rule).windowStart);
  }

  /**
   * Gives back one attempt counted by consume() that did not count after all (e.g. a code reserved as a wrong try
   * that was right). Counted in the window of now: called right after consume(), within the same request.
   */
  async release(rule: RateLimitRule, key: string): Promise<void> {
    await this.repository.unhit(rule.name, this.keys.counterKey(key), this.window(rule).windowStart);
  }

  private window(rule: RateLimitRule) {
    const now = this.clock.now().getTime();
    const start = Math.floor(now / rule.windowMs) * rule.windowMs;
    return { windowStart: new Date(start), retryAfterSeconds: Math.max(1, Math.ceil((start + rule.windowMs - now) / 1000)) };
  }
}
