import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { MailLocale } from '../mail/mail-templates.js';
import { AlumniPrivilegeEntity } from './alumni-privilege.entity.js';
import { EcardPhotoEntity, type EcardPhotoKind } from './ecard-photo.entity.js';
import { EcardEntity } from './ecard.entity.js';
import type { ProcessedPhoto } from './photo-processor.js';

/** Who the alumnus is, as the eCard needs it: registry name and awards, contact completeness, mail language. */
export interface HolderRecord {
  accountId: string;
  email: string;
  locale: MailLocale;
  graduate: { id: string; surname: string; givenName: string } | null;
  awards: { programme: string; award: string; institution: string; graduationYear: number }[];
  phoneCount: number;
  addressCountry: string | null;
}

export type PhotoSize = 'card' | 'thumb';

export type StoreUploadResult =
  { outcome: 'stored'; ecard: EcardEntity; photo: EcardPhotoEntity; activated: boolean } | { outcome: 'revoked' };

export interface PendingReviewRow {
  photoId: string;
  ecardId: number;
  alumniNumber: string;
  surname: string;
  givenName: string;
  kind: EcardPhotoKind;
  uploadedAt: Date;
  thumb: Buffer;
  previousThumb: Buffer | null;
}

export type ReviewResult<T> = { outcome: 'done'; value: T } | { outcome: 'not-found' } | { outcome: 'not-pending' };

export interface ReviewedPhoto {
  ecard: EcardEntity;
  photo: EcardPhotoEntity;
  accountId: string;
}

export type PrivilegeValues = Pick<
  AlumniPrivilegeEntity,
  'titleEn' | 'titleZhHant' | 'descriptionEn' | 'descriptionZhHant' | 'sortOrder' | 'active'
>;

/** Every read and write of the ecard domain (PostgreSQL; the photo bytes live in `ecard_photo`). */
@Injectable()
export class EcardRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findHolder(accountId: string): Promise<HolderRecord | null> {
    const rows: Array<{
      email: string;
      locale: MailLocale;
      preferred_language: MailLocale | null;
      graduate_id: string | null;
      surname: string | null;
      given_name: string | null;
      phone_count: number | null;
      address_country: string | null;
    }> = await this.dataSource.query(
      `SELECT a.email, a.locale, p.preferred_language, g.id AS graduate_id, g.surname, g.given_name,
              jsonb_array_length(p.phones) AS phone_count, p.address_country
         FROM alumni_account a
         LEFT JOIN graduate g ON g.id = a.graduate_id
         LEFT JOIN alumni_profile p ON p.account_id = a.id
        WHERE a.id = $1`,
      [accountId],
    );
    const row = rows[0];
    if (!row) return null;
    const awards: Array<{ programme: string; award: string; institution: string; graduation_year: number }> = row.graduate_id
      ? await this.dataSource.query(
          `SELECT programme, award, institution, graduation_year FROM graduate_award WHERE graduate_id = $1
            ORDER BY graduation_year, programme`,
          [row.graduate_id],
        )
      : [];
    return {
      accountId,
      email: row.email,
      // The language chosen in My Profile wins over the one the account was registered in.
      locale: row.preferred_language ?? row.locale,
      graduate:
        row.graduate_id && row.surname !== null && row.given_name !== null
          ? { id: row.graduate_id, surname: row.surname, givenName: row.given_name }
          : null,
      awards: awards.map((award) => ({
        programme: award.programme,
        award: award.award,
        institution: award.institution,
        graduationYear: Number(award.graduation_year),
      })),
      phoneCount: Number(row.phone_count ?? 0),
      addressCountry: row.address_country,
    };
  }

  findByAccount(accountId: string): Promise<EcardEntity | null> {
    return this.dataSource.getRepository(EcardEntity).findOneBy({ accountId });
  }

  findById(id: number): Promise<EcardEntity | null> {
    return this.dataSource.getRepository(EcardEntity).findOneBy({ id });
  }

  findPhoto(photoId: string): Promise<EcardPhotoEntity | null> {
    return this.dataSource.getRepository(EcardPhotoEntity).findOneBy({ id: photoId });
  }

  /** The JPEG of the account's current photo (scoped by account: no other alumnus's photo can be reached). */
  async currentPhotoBytes(accountId: string, size: PhotoSize): Promise<Buffer | null> {
    const column = size === 'card' ? 'card_jpeg' : 'thumb_jpeg';
    const rows: Array<{ bytes: Buffer }> = await this.dataSource.query(
      `SELECT ph.${column} AS bytes FROM ecard e JOIN ecard_photo ph ON ph.id = e.current_photo_id WHERE e.account_id = $1`,
      [accountId],
    );
    return rows[0]?.bytes ?? null;
  }

  async photoBytes(photoId: string, size: PhotoSize): Promise<Buffer | null> {
    const column = size === 'card' ? 'card_jpeg' : 'thumb_jpeg';
    const rows: Array<{ bytes: Buffer }> = await this.dataSource.query(`SELECT ${column} AS bytes FROM ecard_photo WHERE id = $1`, [
      photoId,
    ]);
    return rows[0]?.bytes ?? null;
  }

  /**
   * In one transaction: creates the eCard (active at once) when the account has none, supersedes any photo
   * still waiting for review, stores the new photo (`new` until a photo was approved, then `changed`) and
   * makes it the card's photo. A revoked card takes no photo.
   */
  storeUpload(accountId: string, graduateId: string, photo: ProcessedPhoto, now: Date): Promise<StoreUploadResult> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO ecard (account_id, graduate_id, status, activated_at, photo_status, created_at, updated_at)
         VALUES ($1, $2, 'active', $3, 'pending-review', $3, $3)
         ON CONFLICT (account_id) DO NOTHING RETURNING id`,
        [accountId, graduateId, now],
      );
      const ecards = manager.getRepository(EcardEntity);
      const ecard = await ecards.findOne({ where: { accountId }, lock: { mode: 'pessimistic_write' } });
      if (!ecard) throw new Error(`eCard of account ${accountId} vanished inside its transaction`);
      if (ecard.status === 'revoked') return { outcome: 'revoked' };
      const approved = await manager.getRepository(EcardPhotoEntity).existsBy({ ecardId: ecard.id, reviewStatus: 'approved' });
      await manager.update(EcardPhotoEntity, { ecardId: ecard.id, reviewStatus: 'pending' }, { reviewStatus: 'superseded' });
      const stored = await manager.getRepository(EcardPhotoEntity).save(
        manager.getRepository(EcardPhotoEntity).create({
          ecardId: ecard.id,
          kind: approved ? 'changed' : 'new',
          cardJpeg: photo.card,
          thumbJpeg: photo.thumb,
          sha256: photo.sha256,
          reviewStatus: 'pending',
          reviewedBy: null,
          reviewedAt: null,
          rejectionReason: null,
          createdAt: now,
        }),
      );
      await manager.update(EcardEntity, { id: ecard.id }, { currentPhotoId: stored.id, photoStatus: 'pending-review', updatedAt: now });
      const fresh = await ecards.findOneByOrFail({ id: ecard.id });
      return { outcome: 'stored', ecard: fresh, photo: stored, activated: inserted.length > 0 };
    });
  }

  /** Photos waiting for review, oldest first, with the thumbnail and (for a changed photo) the approved one it replaces. */
  async listPending(limit: number): Promise<PendingReviewRow[]> {
    const rows: Array<{
      photo_id: string;
      ecard_id: number;
      alumni_number: string;
      surname: string;
      given_name: string;
      kind: EcardPhotoKind;
      created_at: Date;
      thumb: Buffer;
      previous_thumb: Buffer | null;
    }> = await this.dataSource.query(
      `SELECT ph.id AS photo_id, e.id AS ecard_id, e.alumni_number, g.surname, g.given_name, ph.kind, ph.created_at,
              ph.thumb_jpeg AS thumb,
              (SELECT prev.thumb_jpeg FROM ecard_photo prev
                WHERE prev.ecard_id = e.id AND prev.review_status = 'approved'
                ORDER BY prev.reviewed_at DESC LIMIT 1) AS previous_thumb
         FROM ecard_photo ph
         JOIN ecard e ON e.id = ph.ecard_id
         JOIN graduate g ON g.id = e.graduate_id
        WHERE ph.review_status = 'pending'
        ORDER BY ph.created_at, ph.id
        LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      photoId: row.photo_id,
      ecardId: Number(row.ecard_id),
      alumniNumber: row.alumni_number,
      surname: row.surname,
      givenName: row.given_name,
      kind: row.kind,
      uploadedAt: row.created_at,
      thumb: row.thumb,
      previousThumb: row.previous_thumb,
    }));
  }

  /**
   * Approves or rejects a pending photo. A rejected photo that is the card's photo gives way to the last
   * approved one when there is one; otherwise the card shows its photo as rejected until a new upload.
   */
  review(
    photoId: string,
    decision: { verdict: 'approved' } | { verdict: 'rejected'; reason: string },
    reviewer: string,
    now: Date,
  ): Promise<ReviewResult<ReviewedPhoto>> {
    return this.dataSource.transaction(async (manager) => {
      const photos = manager.getRepository(EcardPhotoEntity);
      const photo = await photos.findOne({ where: { id: photoId }, lock: { mode: 'pessimistic_write' } });
      if (!photo) return { outcome: 'not-found' };
      const ecard = await manager.getRepository(EcardEntity).findOne({ where: { id: photo.ecardId }, lock: { mode: 'pessimistic_write' } });
      if (!ecard) return { outcome: 'not-found' };
      if (photo.reviewStatus !== 'pending') return { outcome: 'not-pending' };
      const reason = decision.verdict === 'rejected' ? decision.reason : null;
      await photos.update(
        { id: photo.id },
        { reviewStatus: decision.verdict, reviewedBy: reviewer, reviewedAt: now, rejectionReason: reason },
      );
      if (ecard.currentPhotoId === photo.id) {
        if (decision.verdict === 'approved') {
          await manager.update(EcardEntity, { id: ecard.id }, { photoStatus: 'approved', updatedAt: now });
        } else {
          const previous = await this.lastApproved(manager, ecard.id);
          await manager.update(
            EcardEntity,
            { id: ecard.id },
            previous
              ? { currentPhotoId: previous.id, photoStatus: 'approved', updatedAt: now }
              : { photoStatus: 'rejected', updatedAt: now },
          );
        }
      }
      return {
        outcome: 'done',
        value: {
          ecard: await manager.getRepository(EcardEntity).findOneByOrFail({ id: ecard.id }),
          photo: await photos.findOneByOrFail({ id: photo.id }),
          accountId: ecard.accountId,
        },
      };
    });
  }

  private lastApproved(manager: EntityManager, ecardId: number): Promise<EcardPhotoEntity | null> {
    return manager.getRepository(EcardPhotoEntity).findOne({
      where: { ecardId, reviewStatus: 'approved' },
      order: { reviewedAt: 'DESC' },
    });
  }

  /** Sets the card's status when it is in `from`; null when there is no such card or it is not in `from`. */
  async setStatus(
    id: number,
    from: 'active' | 'revoked',
    values: Pick<EcardEntity, 'status' | 'revokedAt' | 'revocationReason'>,
    now: Date,
  ): Promise<EcardEntity | null> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(EcardEntity)
      .set({ ...values, updatedAt: now })
      .where('id = :id AND status = :from', { id, from })
      .execute();
    return (result.affected ?? 0) > 0 ? this.findById(id) : null;
  }

  listPrivileges(activeOnly: boolean): Promise<AlumniPrivilegeEntity[]> {
    return this.dataSource.getRepository(AlumniPrivilegeEntity).find({
      where: activeOnly ? { active: true } : {},
      order: { sortOrder: 'ASC', createdAt: 'ASC' },
    });
  }

  insertPrivilege(values: PrivilegeValues, now: Date): Promise<AlumniPrivilegeEntity> {
    const repository = this.dataSource.getRepository(AlumniPrivilegeEntity);
    return repository.save(repository.create({ ...values, createdAt: now, updatedAt: now }));
  }

  async updatePrivilege(id: string, values: PrivilegeValues, now: Date): Promise<AlumniPrivilegeEntity | null> {
    const repository = this.dataSource.getRepository(AlumniPrivilegeEntity);
    const result = await repository.update({ id }, { ...values, updatedAt: now });
    return (result.affected ?? 0) > 0 ? repository.findOneBy({ id }) : null;
  }

  async deletePrivilege(id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(AlumniPrivilegeEntity).delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
