import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { OneTimeCodeEntity } from './one-time-code.entity.js';

@Injectable()
export class OneTimeCodeRepository {
  constructor(@InjectRepository(OneTimeCodeEntity) private readonly codes: Repository<OneTimeCodeEntity>) {}

  async insert(row: OneTimeCodeEntity): Promise<void> {
    await this.codes.insert(row);
  }

  findById(id: string): Promise<OneTimeCodeEntity | null> {
    return this.codes.findOneBy({ id });
  }

  /** A new code for the same request; the failed tries stay (a resend never resets them). */
  async replaceCode(id: string, codeHash: Buffer | null, sentAt: Date, expiresAt: Date): Promise<void> {
    await this.codes.update({ id, consumedAt: IsNull() }, { codeHash, sentAt, expiresAt });
  }

  /**
   * Reserves one try before the code is compared: counts it atomically, only while the code is unused and has tries
   * left, and returns the tries used with this one (null when none was left, or the code is used or gone). N parallel
   * requests therefore evaluate at most `maxTries` guesses.
   */
  async reserveTry(id: string, maxTries: number): Promise<number | null> {
    const rows: Array<{ failed_tries: number }> = await this.codes.query(
      `WITH reserved AS (
         UPDATE one_time_code SET failed_tries = failed_tries + 1
         WHERE id = $1 AND consumed_at IS NULL AND failed_tries < $2 RETURNING failed_tries)
       SELECT failed_tries FROM reserved`,
      [id, maxTries],
    );
    return rows[0]?.failed_tries ?? null;
  }

  /**
   * Marks the code used and gives back the try reserved for the right code; only while the tries before it were
   * fewer than `maxTries` (so a right code still works at the last allowed try, never after). False when another
   * request used it first.
   */
  async consume(id: string, at: Date, maxTries: number): Promise<boolean> {
    const rows: Array<{ n: number }> = await this.codes.query(
      `WITH used AS (
         UPDATE one_time_code SET consumed_at = $2, failed_tries = failed_tries - 1
         WHERE id = $1 AND consumed_at IS NULL AND failed_tries - 1 < $3 RETURNING 1)
       SELECT count(*)::int AS n FROM used`,
      [id, at, maxTries],
    );
    return rows[0]?.n === 1;
  }
}
