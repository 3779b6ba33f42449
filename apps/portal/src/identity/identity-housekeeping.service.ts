import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from './clock.js';
import { IdentityHousekeepingRepository, type HousekeepingCounts } from './identity-housekeeping.repository.js';

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/** How long ended things are kept. Sign-ins themselves stay in the audit log. */
export const RETENTION = {
  /** Codes and registration tickets: a day past their expiry (enough to look into a complaint the same day). */
  codesMs: DAY_MS,
  /** Ended sessions: 30 days, so "where am I signed in" and support can still see recent ones. */
  sessionsMs: 30 * DAY_MS,
  /** No rate-limit window is longer than an hour. */
  rateLimitWindowsMs: DAY_MS,
} as const;

/** Hourly, in every portal process: drops expired codes, tickets, ended sessions and old rate-limit windows. */
@Injectable()
export class IdentityHousekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IdentityHousekeeping');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: IdentityHousekeepingRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.run().catch((error: unknown) => this.logger.warn({ msg: 'identity housekeeping failed; retrying in an hour', err: error }));
    }, HOUR_MS);
    // Never keeps a process (or a test) alive by itself.
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<HousekeepingCounts> {
    const now = this.clock.now().getTime();
    const counts = await this.repository.deleteStale({
      codesBefore: new Date(now - RETENTION.codesMs),
      ticketsBefore: new Date(now - RETENTION.codesMs),
      sessionsBefore: new Date(now - RETENTION.sessionsMs),
      windowsBefore: new Date(now - RETENTION.rateLimitWindowsMs),
    });
    this.logger.debug({ msg: 'identity housekeeping', ...counts });
    return counts;
  }
}
