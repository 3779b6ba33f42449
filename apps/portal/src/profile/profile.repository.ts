import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityTarget, FindOptionsOrder, FindOptionsWhere, Repository } from 'typeorm';
import { GraduateEntity } from '../alumni/graduate.entity.js';
import { AlumniAccountEntity } from '../identity/alumni-account.entity.js';
import { AchievementEntity } from './achievement.entity.js';
import { AlumniProfileEntity, type StoredPhone } from './alumni-profile.entity.js';
import { CareerEntryEntity } from './career-entry.entity.js';
import { EducationEntryEntity } from './education-entry.entity.js';
import type { PreferredLanguage } from '@campuspass/contracts';

/** Who the account is: its sign-in email and the registry's record (read-only here). */
export interface AccountRecord {
  email: string;
  locale: PreferredLanguage;
  graduate: GraduateEntity | null;
}

export interface ContactValues {
  additionalEmails: string[];
  phones: StoredPhone[];
  addressLines: string[];
  addressCity: string | null;
  addressRegion: string | null;
  addressCountry: string | null;
  preferredLanguage: PreferredLanguage;
  newsConsent: boolean;
}

interface OwnedEntry {
  id: string;
  accountId: string;
  version: number;
}

/** What a versioned write found: done, the row is there but at another version, or there is no such row of this account. */
export type VersionedWrite<E> = { outcome: 'done'; entry: E } | { outcome: 'stale'; currentVersion: number } | { outcome: 'missing' };

/**
 * One collection of an alumnus's entries (career, education, achievements). Every query is scoped by the
 * account id, so an id of another account's entry behaves exactly like an id that does not exist.
 */
export class OwnedEntryStore<E extends OwnedEntry> {
  constructor(
    private readonly repository: Repository<E>,
    private readonly order: FindOptionsOrder<E>,
  ) {}

  list(accountId: string): Promise<E[]> {
    return this.repository.find({ where: { accountId } as FindOptionsWhere<E>, order: this.order });
  }

  count(accountId: string): Promise<number> {
    return this.repository.countBy({ accountId } as FindOptionsWhere<E>);
  }

  async insert(accountId: string, values: Omit<E, keyof OwnedEntry | 'createdAt' | 'updatedAt'>): Promise<E> {
    const now = new Date();
    const entity = this.repository.create({ ...values, accountId, version: 1, createdAt: now, updatedAt: now } as unknown as E);
    return this.repository.save(entity);
  }

  async update(
    accountId: string,
    id: string,
    expectedVersion: number,
    values: Omit<E, keyof OwnedEntry | 'createdAt' | 'updatedAt'>,
  ): Promise<VersionedWrite<E>> {
    const result = await this.repository
      .createQueryBuilder()
      .update()
      .set({ ...values, version: () => 'version + 1', updatedAt: () => 'now()' } as never)
      .where('id = :id AND account_id = :accountId AND version = :expectedVersion', { id, accountId, expectedVersion })
      .execute();
    const current = await this.repository.findOneBy({ id, accountId } as FindOptionsWhere<E>);
    if (!current) return { outcome: 'missing' };
    return result.affected ? { outcome: 'done', entry: current } : { outcome: 'stale', currentVersion: current.version };
  }

  async delete(accountId: string, id: string, expectedVersion: number): Promise<VersionedWrite<null>> {
    const result = await this.repository
      .createQueryBuilder()
      .delete()
      .where('id = :id AND account_id = :accountId AND version = :expectedVersion', { id, accountId, expectedVersion })
      .execute();
    if (result.affected) return { outcome: 'done', entry: null };
    const current = await this.repository.findOneBy({ id, accountId } as FindOptionsWhere<E>);
    return current ? { outcome: 'stale', currentVersion: current.version } : { outcome: 'missing' };
  }
}

/** Reads and writes of My Profile. */
@Injectable()
export class ProfileRepository {
  readonly career: OwnedEntryStore<CareerEntryEntity>;
  readonly education: OwnedEntryStore<EducationEntryEntity>;
  readonly achievements: OwnedEntryStore<AchievementEntity>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.career = new OwnedEntryStore(this.repository(CareerEntryEntity), { current: 'DESC', fromMonth: 'DESC', createdAt: 'ASC' });
    this.education = new OwnedEntryStore(this.repository(EducationEntryEntity), { fromYear: 'DESC', createdAt: 'ASC' });
    this.achievements = new OwnedEntryStore(this.repository(AchievementEntity), { year: 'DESC', createdAt: 'ASC' });
  }

  async findAccount(accountId: string): Promise<AccountRecord | null> {
    const account = await this.dataSource.getRepository(AlumniAccountEntity).findOneBy({ id: accountId });
    if (!account) return null;
    const graduate = await this.dataSource
      .getRepository(GraduateEntity)
      .findOne({ where: { id: account.graduateId }, relations: { awards: true } });
    return { email: account.email, locale: account.locale, graduate };
  }

  findContact(accountId: string): Promise<AlumniProfileEntity | null> {
    return this.repository(AlumniProfileEntity).findOneBy({ accountId });
  }

  /**
   * Saves the contact details if they are still at `expectedVersion` (0: never saved). Two first saves at
   * once: the primary key lets one in, the other finds the row and is stale.
   */
  async saveContact(accountId: string, expectedVersion: number, values: ContactValues): Promise<VersionedWrite<AlumniProfileEntity>> {
    const profiles = this.repository(AlumniProfileEntity);
    let written: boolean;
    if (expectedVersion === 0) {
      const rows: unknown[] = await this.dataSource.query(
        `INSERT INTO alumni_profile
           (account_id, additional_emails, phones, address_lines, address_city, address_region, address_country,
            preferred_language, news_consent, version, created_at, updated_at)
         VALUES ($1, $2::text[], $3::jsonb, $4::text[], $5, $6, $7, $8, $9, 1, now(), now())
         ON CONFLICT (account_id) DO NOTHING
         RETURNING account_id`,
        [
          accountId,
          values.additionalEmails,
          JSON.stringify(values.phones),
          values.addressLines,
          values.addressCity,
          values.addressRegion,
          values.addressCountry,
          values.preferredLanguage,
          values.newsConsent,
        ],
      );
      written = rows.length === 1;
    } else {
      const result = await profiles
        .createQueryBuilder()
        .update()
        .set({ ...values, version: () => 'version + 1', updatedAt: () => 'now()' } as never)
        .where('account_id = :accountId AND version = :expectedVersion', { accountId, expectedVersion })
        .execute();
      written = Boolean(result.affected);
    }
    const current = await profiles.findOneBy({ accountId });
    if (!current) return { outcome: 'missing' };
    return written ? { outcome: 'done', entry: current } : { outcome: 'stale', currentVersion: current.version };
  }

  private repository<E extends object>(entity: EntityTarget<E>): Repository<E> {
    return this.dataSource.getRepository(entity);
  }
}
