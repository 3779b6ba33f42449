import { Injectable } from '@nestjs/common';
import { mapGraduate } from '../alumni/dto/graduate.dto.js';
import type { AchievementEntity } from './achievement.entity.js';
import type { CareerEntryEntity } from './career-entry.entity.js';
import type { AchievementDto, CareerEntryDto, EducationEntryDto, UpdateContactDto } from './dto/profile.dto.js';
import {
  mapAchievement,
  mapAward,
  mapCareerEntry,
  mapContact,
  mapEducationEntry,
  type AchievementResponse,
  type CareerEntryResponse,
  type ContactResponse,
  type EducationEntryResponse,
  type ProfileResponse,
} from './dto/profile-response.dto.js';
import type { EducationEntryEntity } from './education-entry.entity.js';
import { PROFILE_LIMITS } from '@campuspass/contracts';
import { ProfileException } from './profile.exception.js';
import { ProfileRepository, type OwnedEntryStore, type VersionedWrite } from './profile.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type EntryValues<E> = Omit<E, 'id' | 'accountId' | 'version' | 'createdAt' | 'updatedAt'>;

/** One collection of the profile: its store, how people call an entry, its limit, and how a DTO becomes a row. */
interface Collection<E extends { id: string; accountId: string; version: number }, Dto, Response> {
  store: OwnedEntryStore<E>;
  noun: string;
  plural: string;
  limit: number;
  toValues(dto: Dto): EntryValues<E>;
  map(entity: E): Response;
}

/**
 * My Profile of the signed-in alumnus. Every method takes the caller's account id from the session, never
 * from the request, and touches only that account's rows. Writes name the version they read: a stale one
 * is refused (409) so that no edit silently overwrites another.
 */
@Injectable()
export class ProfileService {
  private readonly career: Collection<CareerEntryEntity, CareerEntryDto, CareerEntryResponse>;
  private readonly education: Collection<EducationEntryEntity, EducationEntryDto, EducationEntryResponse>;
  private readonly achievements: Collection<AchievementEntity, AchievementDto, AchievementResponse>;

  constructor(private readonly repository: ProfileRepository) {
    this.career = {
      store: repository.career,
      noun: 'career entry',
      plural: 'career entries',
      limit: PROFILE_LIMITS.career,
      toValues: (dto) => ({
        employer: dto.employer,
        title: dto.title,
        industry: dto.industry,
        fromMonth: dto.from,
        toMonth: dto.current ? null : (dto.to ?? null),
        current: dto.current,
      }),
      map: mapCareerEntry,
    };
    this.education = {
      store: repository.education,
      noun: 'education entry',
      plural: 'education entries',
      limit: PROFILE_LIMITS.education,
      toValues: (dto) => ({
        institution: dto.institution,
        qualification: dto.qualification,
        fromYear: dto.fromYear,
        toYear: dto.toYear ?? null,
      }),
      map: mapEducationEntry,
    };
    this.achievements = {
      store: repository.achievements,
      noun: 'achievement',
      plural: 'achievements',
      limit: PROFILE_LIMITS.achievements,
      toValues: (dto) => ({ title: dto.title, year: dto.year, description: dto.description ?? null }),
      map: mapAchievement,
    };
  }

  async getProfile(accountId: string): Promise<ProfileResponse> {
    const account = await this.repository.findAccount(accountId);
    if (!account) throw new ProfileException('account-not-found', 'Your account was not found. Please sign in again.');
    const graduate = account.graduate ? mapGraduate(account.graduate) : null;
    const [contact, career, education, achievements] = await Promise.all([
      this.repository.findContact(accountId),
      this.career.store.list(accountId),
      this.education.store.list(accountId),
      this.achievements.store.list(accountId),
    ]);
    return {
      name: { surname: graduate?.surname ?? '', givenName: graduate?.givenName ?? '' },
      awards: (graduate?.awards ?? []).map(mapAward),
      signInEmail: account.email,
      contact: mapContact(contact, account.locale),
      career: career.map(mapCareerEntry),
      education: education.map(mapEducationEntry),
      achievements: achievements.map(mapAchievement),
    };
  }

  async updateContact(accountId: string, dto: UpdateContactDto): Promise<ContactResponse> {
    const written = await this.repository.saveContact(accountId, dto.version, {
      additionalEmails: dto.additionalEmails,
      phones: dto.phones.map((phone) => ({ type: phone.type, countryCode: phone.countryCode ?? null, number: phone.number })),
      addressLines: dto.address.lines.filter((line) => line !== ''),
      addressCity: dto.address.city ?? null,
      addressRegion: dto.address.region ?? null,
      addressCountry: dto.address.country ?? null,
      preferredLanguage: dto.preferredLanguage,
      newsConsent: dto.newsConsent,
    });
    // "missing": a version above 0 for details never saved, which is stale too.
    if (written.outcome !== 'done') {
      throw ProfileException.conflict('contact details', written.outcome === 'stale' ? written.currentVersion : 0);
    }
    return mapContact(written.entry, dto.preferredLanguage);
  }

  addCareer = (accountId: string, dto: CareerEntryDto) => this.add(this.career, accountId, dto);
  updateCareer = (accountId: string, id: string, dto: CareerEntryDto & { version: number }) => this.update(this.career, accountId, id, dto);
  removeCareer = (accountId: string, id: string, version: number) => this.remove(this.career, accountId, id, version);

  addEducation = (accountId: string, dto: EducationEntryDto) => this.add(this.education, accountId, dto);
  updateEducation = (accountId: string, id: string, dto: EducationEntryDto & { version: number }) =>
    this.update(this.education, accountId, id, dto);
  removeEducation = (accountId: string, id: string, version: number) => this.remove(this.education, accountId, id, version);

  addAchievement = (accountId: string, dto: AchievementDto) => this.add(this.achievements, accountId, dto);
  updateAchievement = (accountId: string, id: string, dto: AchievementDto & { version: number }) =>
    this.update(this.achievements, accountId, id, dto);
  removeAchievement = (accountId: string, id: string, version: number) => this.remove(this.achievements, accountId, id, version);

  private async add<E extends { id: string; accountId: string; version: number }, Dto, Response>(
    collection: Collection<E, Dto, Response>,
    accountId: string,
    dto: Dto,
  ): Promise<Response> {
    if ((await collection.store.count(accountId)) >= collection.limit) {
      throw new ProfileException(
        'too-many-entries',
        `You can keep up to ${collection.limit} ${collection.plural}. Remove one to add another.`,
      );
    }
    return collection.map(await collection.store.insert(accountId, collection.toValues(dto) as never));
  }

  private async update<E extends { id: string; accountId: string; version: number }, Dto, Response>(
    collection: Collection<E, Dto, Response>,
    accountId: string,
    id: string,
    dto: Dto & { version: number },
  ): Promise<Response> {
    if (!UUID.test(id)) throw ProfileException.notFound(collection.noun);
    const written = await collection.store.update(accountId, id, dto.version, collection.toValues(dto) as never);
    return collection.map(this.settle(written, collection.noun));
  }

  private async remove<E extends { id: string; accountId: string; version: number }, Dto, Response>(
    collection: Collection<E, Dto, Response>,
    accountId: string,
    id: string,
    version: number,
  ): Promise<void> {
    if (!UUID.test(id)) throw ProfileException.notFound(collection.noun);
    this.settle(await collection.store.delete(accountId, id, version), collection.noun);
  }

  private settle<T>(written: VersionedWrite<T>, noun: string): T {
    if (written.outcome === 'missing') throw ProfileException.notFound(noun);
    if (written.outcome === 'stale') throw ProfileException.conflict(noun, written.currentVersion);
    return written.entry;
  }
}
