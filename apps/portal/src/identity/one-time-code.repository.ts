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

  /** Counts a wrong try atomically and returns the tries used so far (null when the row is gone). */
  async addFailedTry(id: string): Promise<number | null> {
    const [rows] = (await this.codes.query(
      `UPDATE one_time_code SET failed_tries = failed_tries + 1 WHERE id = $1 RETURNING failed_tries`,
      [id],
    )) as [{ failed_tries: number }[], number];
    return rows[0]?.failed_tries ?? null;
  }

  /** Marks the code used; false when another request used it first. */
  async consume(id: string, at: Date): Promise<boolean> {
    const result = await this.codes.update({ id, consumedAt: IsNull() }, { consumedAt: at });
    return (result.affected ?? 0) === 1;
  }
}
