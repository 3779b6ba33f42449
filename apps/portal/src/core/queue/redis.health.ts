import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisConnections } from './redis-connections.js';

/** Redis is up when it answers PING through the producer connection within the timeout. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly connections: RedisConnections,
  ) {}

  check(key: string, timeoutMs = 1500) {
    return this.health
      .check(key)
      .attempt(({ signal }) => this.connections.ping(signal))
      .withTimeout(timeoutMs);
  }
}
