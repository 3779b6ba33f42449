import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AlumniAccountEntity, type MailLocale } from './alumni-account.entity.js';

@Injectable()
export class AlumniAccountRepository {
  constructor(@InjectRepository(AlumniAccountEntity) private readonly accounts: Repository<AlumniAccountEntity>) {}

  findByEmail(email: string): Promise<AlumniAccountEntity | null> {
    return this.accounts.findOneBy({ email });
  }

  findById(id: string): Promise<AlumniAccountEntity | null> {
    return this.accounts.findOneBy({ id });
  }

  findByGraduateId(graduateId: string): Promise<AlumniAccountEntity | null> {
    return this.accounts.findOneBy({ graduateId });
  }

  /**
   * Registers the email for the graduate: creates the account, or moves an existing account to the new email
   * ("Forget Email"). Returns the account and its previous email, if it changed.
   */
  async upsertEmail(
    graduateId: string,
    email: string,
    locale: MailLocale,
    now: Date,
  ): Promise<{ account: AlumniAccountEntity; previousEmail: string | null }> {
    return this.accounts.manager.transaction(async (manager) => {
      const repository = manager.getRepository(AlumniAccountEntity);
      const existing = await repository.findOne({ where: { graduateId }, lock: { mode: 'pessimistic_write' } });
      if (existing) {
        const previousEmail = existing.email === email ? null : existing.email;
        await repository.update({ id: existing.id }, { email, locale, updatedAt: now });
        return { account: { ...existing, email, locale, updatedAt: now }, previousEmail };
      }
      const account = await repository.save(repository.create({ graduateId, email, locale, createdAt: now, updatedAt: now }));
      return { account, previousEmail: null };
    });
  }

  /** Moves the account to a new sign-in email (a unique violation when another account holds it). */
  async changeEmail(id: string, email: string, now: Date): Promise<void> {
    await this.accounts.update({ id }, { email, updatedAt: now });
  }

  /** Test and operator helper: an account for a graduate with this email. */
  create(graduateId: string, email: string, locale: MailLocale, now: Date): Promise<AlumniAccountEntity> {
    return this.accounts.save(this.accounts.create({ graduateId, email, locale, createdAt: now, updatedAt: now }));
  }
}
