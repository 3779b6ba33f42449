import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface HousekeepingCounts {
  codes: number;
  tickets: number;
  sessions: number;
  rateLimitWindows: number;
  oidcStates: number;
}

/** Deletes identity rows nobody needs any more. Each statement is idempotent: replicas may run it at once. */
@Injectable()
export class IdentityHousekeepingRepository {
  constructor(private readonly dataSource: DataSource) {}

  async deleteStale(limits: {
    codesBefore: Date;
    ticketsBefore: Date;
    sessionsBefore: Date;
    windowsBefore: Date;
  }): Promise<HousekeepingCounts> {
    const count = async (sql: string, value: Date) => ((await this.dataSource.query(sql, [value])) as [unknown[], number])[1];
    return {
      tickets: await count(`DELETE FROM registration_ticket WHERE expires_at < $1`, limits.ticketsBefore),
      codes: await count(`DELETE FROM one_time_code WHERE expires_at < $1`, limits.codesBefore),
      sessions: await count(`DELETE FROM auth_session WHERE expires_at < $1 OR revoked_at < $1`, limits.sessionsBefore),
      rateLimitWindows: await count(`DELETE FROM rate_limit_counter WHERE window_start < $1`, limits.windowsBefore),
      oidcStates: await count(`DELETE FROM oidc_login_state WHERE expires_at < $1`, limits.codesBefore),
    };
  }
}
