import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../admin/audit.service.js';
import { MailService } from '../mail/mail.service.js';
import { PassesService } from '../passes/passes.service.js';
import type { MailLocale } from '../mail/mail-templates.js';
import type { AlumniPrivilegeEntity } from './alumni-privilege.entity.js';
import type { EcardPhotoEntity } from './ecard-photo.entity.js';
import type { EcardEntity } from './ecard.entity.js';
import { EcardException } from './ecard.exception.js';
import {
  EcardRepository,
  type HolderRecord,
  type PendingReviewRow,
  type PhotoSize,
  type PrivilegeValues,
  type ReviewedPhoto,
} from './ecard.repository.js';
import { processPhoto } from './photo-processor.js';
import type {
  AdminEcardResponse,
  EcardResponse,
  PhotoUploadResponse,
  PrivilegeResponse,
  PrivilegeViewResponse,
  ReviewItemResponse,
  ReviewResultResponse,
} from './dto/ecard.dto.js';

export interface StaffActor {
  staffId: string;
  ip: string | null;
}

/**
 * "Complete contact information" (FAQ 19: update contact in My Profile, then upload the photo): at least one
 * phone number and the country of the postal address. These are what the AAO needs to reach a card holder.
 */
export function isContactComplete(holder: Pick<HolderRecord, 'phoneCount' | 'addressCountry'>): boolean {
  return holder.phoneCount > 0 && (holder.addressCountry?.trim() ?? '') !== '';
}

/** Only bona fide graduates in the registry (FAQ 18): the account's graduate exists and holds an award. */
export function isBonaFideGraduate(holder: Pick<HolderRecord, 'graduate' | 'awards'>): boolean {
  return holder.graduate !== null && holder.awards.length > 0;
}

const REVIEW_QUEUE_LIMIT = 200;

@Injectable()
export class EcardService {
  private readonly logger = new Logger(EcardService.name);

  constructor(
    private readonly repository: EcardRepository,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly passes: PassesService,
  ) {}

  async getCard(accountId: string, locale: MailLocale | undefined): Promise<EcardResponse> {
    const holder = await this.holder(accountId);
    const [ecard, privileges] = await Promise.all([this.repository.findByAccount(accountId), this.repository.listPrivileges(true)]);
    const photo = ecard?.currentPhotoId ? await this.repository.findPhoto(ecard.currentPhotoId) : null;
    return this.mapCard(holder, ecard, photo, privileges, locale);
  }

  /**
   * FAQ 19: contact first, then the photo; on success the eCard is active at once. Checks run before the photo
   * is decoded, and nothing is stored unless every check passed (one transaction).
   */
  async uploadPhoto(accountId: string, content: Buffer | undefined, ip: string | null): Promise<PhotoUploadResponse> {
    if (!content || content.length === 0) {
      throw new EcardException('photo-missing', 'Choose a photo to upload (multipart form field "photo").');
    }
    const holder = await this.holder(accountId);
    if (!isBonaFideGraduate(holder) || !holder.graduate) {
      throw new EcardException(
        'not-in-registry',
        'Only PolyU graduates in the graduate registry can hold an Alumni eCard, and we could not find your award in it. Please contact the Alumni Affairs Office at alumni@polyu.edu.hk.',
      );
    }
    if (!isContactComplete(holder)) {
      throw new EcardException(
        'contact-incomplete',
        'Please update your contact information first: in "My Profile", add at least one phone number and the country of your address, then upload your photo.',
        { missing: [...(holder.phoneCount > 0 ? [] : ['phone']), ...(holder.addressCountry?.trim() ? [] : ['address-country'])] },
      );
    }
    const existing = await this.repository.findByAccount(accountId);
    if (existing?.status === 'revoked') throw revokedError();
    let photo;
    try {
      photo = await processPhoto(content);
    } catch (error) {
      if (error instanceof EcardException) {
        await this.audit.record({
          actorType: 'alumnus',
          actorId: accountId,
          action: 'ecard.photo.upload',
          targetType: 'ecard',
          targetId: existing ? String(existing.id) : null,
          outcome: 'failure',
          ip,
          details: { reason: error.code, bytes: content.length },
        });
      }
      throw error;
    }
    const result = await this.repository.storeUpload(accountId, holder.graduate.id, photo, new Date());
    if (result.outcome === 'revoked') throw revokedError();
    await this.audit.record({
      actorType: 'alumnus',
      actorId: accountId,
      action: result.activated ? 'ecard.activate' : 'ecard.photo.upload',
      targetType: 'ecard',
      targetId: String(result.ecard.id),
      outcome: 'success',
      ip,
      details: { photoId: result.photo.id, kind: result.photo.kind, bytes: content.length, format: photo.sourceFormat },
    });
    const privileges = await this.repository.listPrivileges(true);
    return { activated: result.activated, ecard: this.mapCard(holder, result.ecard, result.photo, privileges, undefined) };
  }

  async ownPhoto(accountId: string, size: PhotoSize): Promise<Buffer> {
    const bytes = await this.repository.currentPhotoBytes(accountId, size);
    if (!bytes) throw new EcardException('photo-not-found', 'You have no eCard photo yet. Upload one in the "Alumni eCard" section.');
    return bytes;
  }

  async reviewQueue(): Promise<ReviewItemResponse[]> {
    return (await this.repository.listPending(REVIEW_QUEUE_LIMIT)).map(mapReviewItem);
  }

  async reviewPhoto(photoId: string, size: PhotoSize): Promise<Buffer> {
    const bytes = await this.repository.photoBytes(photoId, size);
    if (!bytes) throw new EcardException('photo-not-found', 'There is no such photo.');
    return bytes;
  }

  async approve(photoId: string, actor: StaffActor): Promise<ReviewResultResponse> {
    const reviewed = await this.review(photoId, { verdict: 'approved' }, actor);
    return mapReviewResult(reviewed);
  }

  /** Rejects the photo and mails the reason in the alumnus's language; they can upload another at once. */
  async reject(photoId: string, reason: string, actor: StaffActor): Promise<ReviewResultResponse> {
    const reviewed = await this.review(photoId, { verdict: 'rejected', reason }, actor);
    await this.notify(reviewed.accountId, 'photo-rejected', reason);
    return mapReviewResult(reviewed);
  }

  /**
   * Revocation time and reason stay on the card. The card and its unexpired passes are revoked in one database
   * transaction (by the passes domain, which owns the pass rows), so a crash cannot leave live passes of a
   * revoked card.
   */
  async revoke(ecardId: number, reason: string, actor: StaffActor): Promise<AdminEcardResponse> {
    const now = new Date();
    const passIds = await this.passes.revokeEcard(ecardId, reason, now, { type: 'staff', id: actor.staffId, ip: actor.ip });
    if (passIds === null) return this.refuseStatusChange(ecardId, 'revoked', actor, 'ecard.revoke');
    const ecard = await this.repository.findById(ecardId);
    if (!ecard) throw new EcardException('ecard-not-found', `There is no eCard ${ecardId}.`);
    await this.recordStaff(actor, 'ecard.revoke', String(ecardId), { reason, passes: passIds.length });
    await this.notify(ecard.accountId, 'ecard-revoked', reason);
    return mapAdminEcard(ecard);
  }

  async reinstate(ecardId: number, actor: StaffActor): Promise<AdminEcardResponse> {
    const now = new Date();
    const ecard = await this.repository.setStatus(ecardId, 'revoked', { status: 'active', revokedAt: null, revocationReason: null }, now);
    if (!ecard) return this.refuseStatusChange(ecardId, 'active', actor, 'ecard.reinstate');
    await this.recordStaff(actor, 'ecard.reinstate', String(ecardId), {});
    return mapAdminEcard(ecard);
  }

  async getEcard(ecardId: number): Promise<AdminEcardResponse> {
    const ecard = await this.repository.findById(ecardId);
    if (!ecard) throw new EcardException('ecard-not-found', `There is no eCard ${ecardId}.`);
    return mapAdminEcard(ecard);
  }

  async listPrivileges(): Promise<PrivilegeResponse[]> {
    return (await this.repository.listPrivileges(false)).map(mapPrivilege);
  }

  async createPrivilege(values: PrivilegeInput, actor: StaffActor): Promise<PrivilegeResponse> {
    const privilege = await this.repository.insertPrivilege(withDefaults(values), new Date());
    await this.recordStaff(actor, 'privilege.create', privilege.id, { titleEn: privilege.titleEn }, 'alumni-privilege');
    return mapPrivilege(privilege);
  }

  async updatePrivilege(id: string, values: PrivilegeInput, actor: StaffActor): Promise<PrivilegeResponse> {
    const privilege = await this.repository.updatePrivilege(id, withDefaults(values), new Date());
    if (!privilege) throw privilegeNotFound();
    await this.recordStaff(actor, 'privilege.update', id, { titleEn: privilege.titleEn }, 'alumni-privilege');
    return mapPrivilege(privilege);
  }

  async deletePrivilege(id: string, actor: StaffActor): Promise<void> {
    if (!(await this.repository.deletePrivilege(id))) throw privilegeNotFound();
    await this.recordStaff(actor, 'privilege.delete', id, {}, 'alumni-privilege');
  }

  private async holder(accountId: string): Promise<HolderRecord> {
    const holder = await this.repository.findHolder(accountId);
    if (!holder) throw new EcardException('ecard-not-found', 'Your account was not found. Sign in again.');
    return holder;
  }

  private async review(
    photoId: string,
    decision: { verdict: 'approved' } | { verdict: 'rejected'; reason: string },
    actor: StaffActor,
  ): Promise<ReviewedPhoto> {
    const action = decision.verdict === 'approved' ? 'ecard.photo.approve' : 'ecard.photo.reject';
    const result = await this.repository.review(photoId, decision, actor.staffId, new Date());
    if (result.outcome !== 'done') {
      await this.recordStaff(actor, action, photoId, { reason: result.outcome }, 'ecard-photo', 'failure');
      if (result.outcome === 'not-found') throw new EcardException('photo-not-found', 'There is no such photo. Reload the review queue.');
      throw new EcardException(
        'review-not-pending',
        'This photo was already reviewed or replaced by a newer upload. Reload the review queue.',
      );
    }
    await this.recordStaff(
      actor,
      action,
      photoId,
      {
        ecardId: result.value.ecard.id,
        kind: result.value.photo.kind,
        ...(decision.verdict === 'rejected' ? { reason: decision.reason } : {}),
      },
      'ecard-photo',
    );
    return result.value;
  }

  private async refuseStatusChange(ecardId: number, already: 'active' | 'revoked', actor: StaffActor, action: string): Promise<never> {
    const exists = await this.repository.findById(ecardId);
    await this.recordStaff(actor, action, String(ecardId), { reason: exists ? `already-${already}` : 'not-found' }, 'ecard', 'failure');
    if (!exists) throw new EcardException('ecard-not-found', `There is no eCard ${ecardId}.`);
    throw new EcardException('ecard-state-conflict', `eCard ${ecardId} is already ${already}.`, { status: exists.status });
  }

  /** Mail failures are logged, not thrown: the review or revocation is done and audited either way. */
  private async notify(accountId: string, template: 'photo-rejected' | 'ecard-revoked', reason: string): Promise<void> {
    const holder = await this.repository.findHolder(accountId);
    if (!holder) return;
    try {
      await this.mail.send({ to: holder.email, template, locale: holder.locale, data: { reason } });
    } catch (error) {
      this.logger.error({ msg: 'eCard notice could not be sent', template, err: error });
    }
  }

  private recordStaff(
    actor: StaffActor,
    action: string,
    targetId: string,
    details: Record<string, unknown>,
    targetType = 'ecard',
    outcome: 'success' | 'failure' = 'success',
  ) {
    return this.audit.record({ actorType: 'staff', actorId: actor.staffId, action, targetType, targetId, outcome, ip: actor.ip, details });
  }

  private mapCard(
    holder: HolderRecord,
    ecard: EcardEntity | null,
    photo: EcardPhotoEntity | null,
    privileges: AlumniPrivilegeEntity[],
    locale: MailLocale | undefined,
  ): EcardResponse {
    return {
      ecardId: ecard?.id ?? null,
      status: ecard?.status ?? 'not-activated',
      name: { surname: holder.graduate?.surname ?? '', givenName: holder.graduate?.givenName ?? '' },
      alumniNumber: ecard?.alumniNumber ?? null,
      awards: holder.awards,
      photo: ecard && photo ? mapCardPhoto(ecard, photo) : null,
      activatedAt: ecard?.activatedAt.toISOString() ?? null,
      revokedAt: ecard?.revokedAt?.toISOString() ?? null,
      revocationReason: ecard?.revocationReason ?? null,
      contactComplete: isContactComplete(holder),
      privileges: privileges.map((privilege) => mapPrivilegeView(privilege, locale)),
    };
  }
}

function mapCardPhoto(ecard: EcardEntity, photo: EcardPhotoEntity): NonNullable<EcardResponse['photo']> {
  // The photo id in the URL changes with every upload, so a cached image of an older photo is never shown.
  const version = encodeURIComponent(photo.id);
  return {
    status: ecard.photoStatus,
    cardUrl: `/api/ecard/photo/card?v=${version}`,
    thumbUrl: `/api/ecard/photo/thumb?v=${version}`,
    uploadedAt: photo.createdAt.toISOString(),
    rejectionReason: ecard.photoStatus === 'rejected' ? photo.rejectionReason : null,
  };
}

export type PrivilegeInput = Omit<PrivilegeValues, 'sortOrder' | 'active'> & { sortOrder?: number; active?: boolean };

function withDefaults(values: PrivilegeInput): PrivilegeValues {
  return {
    titleEn: values.titleEn,
    titleZhHant: values.titleZhHant,
    descriptionEn: values.descriptionEn,
    descriptionZhHant: values.descriptionZhHant,
    sortOrder: values.sortOrder ?? 0,
    active: values.active ?? true,
  };
}

function revokedError(): EcardException {
  return new EcardException(
    'ecard-revoked',
    'Your Alumni eCard has been revoked, so a photo cannot be uploaded. Please contact the Alumni Affairs Office at alumni@polyu.edu.hk or (852) 2766 4117 / 2766 4102.',
  );
}

function privilegeNotFound(): EcardException {
  return new EcardException('privilege-not-found', 'There is no such privilege. Reload the list.');
}

const dataUrl = (jpeg: Buffer) => `data:image/jpeg;base64,${jpeg.toString('base64')}`;

function mapReviewItem(row: PendingReviewRow): ReviewItemResponse {
  return {
    photoId: row.photoId,
    ecardId: row.ecardId,
    alumniNumber: row.alumniNumber,
    name: { surname: row.surname, givenName: row.givenName },
    kind: row.kind,
    uploadedAt: row.uploadedAt.toISOString(),
    thumbnail: dataUrl(row.thumb),
    previousThumbnail: row.previousThumb ? dataUrl(row.previousThumb) : null,
    photoUrl: `/api/admin/ecard/reviews/${row.photoId}/photo`,
  };
}

function mapReviewResult(reviewed: ReviewedPhoto): ReviewResultResponse {
  return {
    photoId: reviewed.photo.id,
    reviewStatus: reviewed.photo.reviewStatus as 'approved' | 'rejected',
    ecardId: reviewed.ecard.id,
    ecardPhotoStatus: reviewed.ecard.photoStatus,
  };
}

function mapAdminEcard(ecard: EcardEntity): AdminEcardResponse {
  return {
    id: ecard.id,
    alumniNumber: ecard.alumniNumber,
    status: ecard.status,
    photoStatus: ecard.photoStatus,
    activatedAt: ecard.activatedAt.toISOString(),
    revokedAt: ecard.revokedAt?.toISOString() ?? null,
    revocationReason: ecard.revocationReason,
  };
}

function mapPrivilege(privilege: AlumniPrivilegeEntity): PrivilegeResponse {
  return {
    id: privilege.id,
    titleEn: privilege.titleEn,
    titleZhHant: privilege.titleZhHant,
    descriptionEn: privilege.descriptionEn,
    descriptionZhHant: privilege.descriptionZhHant,
    sortOrder: privilege.sortOrder,
    active: privilege.active,
    updatedAt: privilege.updatedAt.toISOString(),
  };
}

function mapPrivilegeView(privilege: AlumniPrivilegeEntity, locale: MailLocale | undefined): PrivilegeViewResponse {
  if (locale === 'en') return { id: privilege.id, title: privilege.titleEn, description: privilege.descriptionEn };
  if (locale === 'zh-Hant') return { id: privilege.id, title: privilege.titleZhHant, description: privilege.descriptionZhHant };
  return {
    id: privilege.id,
    title: { en: privilege.titleEn, 'zh-Hant': privilege.titleZhHant },
    description: { en: privilege.descriptionEn, 'zh-Hant': privilege.descriptionZhHant },
  };
}
