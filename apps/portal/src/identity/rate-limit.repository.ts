import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { RateLimitCounterEntity } from './rate-limit-counter.entity.js';

@Injectable()
export class RateLimitRepository {
  constructor(@InjectRepository(RateLimitCounterEntity) private readonly counters: Repository<RateLimitCounterEntity>) {}

  /** Adds one hit to the window atomically and returns the window's hits. */
  async hit(name: string, key: string, windowStart: Date): Promise<number> {
    const rows = (await this.counters.query(
      `INSERT INTO rate_limit_counter (name, key, window_start, hits) VALUES ($1, $2, $3, 1)
       ON CONFLICT (name, key, window_start) DO UPDATE SET hits = rate_limit_counter.hits + 1
       RETURNING hits`,
      [name, key, windowStart],
    )) as { hits: number }[];
    return rows[0].hits;
  }

  /** Takes back one hit counted in the window (a reserved attempt that turned out not to count). */
  async unhit(name: string, key: string, windowStart: Date): Promise<void> {
    await this.counters.query(
      `UPDATE rate_limit_counter SET hits = hits - 1 WHERE name = $1 AND key = $2 AND window_start = $3 AND hits > 0`,
      [name, key, windowStart],
    );
  }

  async hits(name: string, key: string, windowStart: Date): Promise<number> {
    const row = await this.counters.findOneBy({ name, key, windowStart });
    return row?.hits ?? 0;
  }
}
