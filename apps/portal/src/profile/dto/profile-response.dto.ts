import { ApiProperty } from '@nestjs/swagger';
import type { GraduateAward } from '../../alumni/dto/graduate.dto.js';
import { INSTITUTIONS } from '../../alumni/registry-row.js';
import type { AchievementEntity } from '../achievement.entity.js';
import type { AlumniProfileEntity } from '../alumni-profile.entity.js';
import type { CareerEntryEntity } from '../career-entry.entity.js';
import type { EducationEntryEntity } from '../education-entry.entity.js';
import { INDUSTRIES, PHONE_TYPES, PREFERRED_LANGUAGES, PROFILE_LIMITS, type PreferredLanguage } from '@campuspass/contracts';

export class NameResponse {
  @ApiProperty()
  surname!: string;
  @ApiProperty()
  givenName!: string;
}

export class AwardResponse {
  @ApiProperty()
  programme!: string;
  @ApiProperty()
  award!: string;
  @ApiProperty({ enum: INSTITUTIONS })
  institution!: string;
  @ApiProperty()
  graduationYear!: number;
}

export class PhoneResponse {
  @ApiProperty({ enum: PHONE_TYPES })
  type!: string;
  @ApiProperty({ nullable: true, example: '+852', type: String })
  countryCode!: string | null;
  @ApiProperty({ example: '91234567', description: 'digits only' })
  number!: string;
}

export class AddressResponse {
  @ApiProperty({ type: [String] })
  lines!: string[];
  @ApiProperty({ nullable: true, type: String })
  city!: string | null;
  @ApiProperty({ nullable: true, type: String })
  region!: string | null;
  @ApiProperty({ nullable: true, type: String })
  country!: string | null;
}

export class ContactResponse {
  @ApiProperty({ description: 'Send it back with PUT /api/profile/contact. 0 until the contact details are first saved.' })
  version!: number;
  @ApiProperty({ type: [String] })
  additionalEmails!: string[];
  @ApiProperty({ type: [PhoneResponse] })
  phones!: PhoneResponse[];
  @ApiProperty({ type: AddressResponse })
  address!: AddressResponse;
  @ApiProperty({ enum: PREFERRED_LANGUAGES })
  preferredLanguage!: string;
  @ApiProperty()
  newsConsent!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'null until first saved' })
  updatedAt!: string | null;
}

export class CareerEntryResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  version!: number;
  @ApiProperty()
  employer!: string;
  @ApiProperty()
  title!: string;
  @ApiProperty({ enum: INDUSTRIES })
  industry!: string;
  @ApiProperty({ example: '2015-09' })
  from!: string;
  @ApiProperty({ nullable: true, type: String, example: '2019-06' })
  to!: string | null;
  @ApiProperty()
  current!: boolean;
}

export class EducationEntryResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  version!: number;
  @ApiProperty()
  institution!: string;
  @ApiProperty()
  qualification!: string;
  @ApiProperty()
  fromYear!: number;
  @ApiProperty({ nullable: true, type: Number })
  toYear!: number | null;
}

export class AchievementResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  version!: number;
  @ApiProperty()
  title!: string;
  @ApiProperty()
  year!: number;
  @ApiProperty({ nullable: true, type: String })
  description!: string | null;
}

export class ProfileResponse {
  @ApiProperty({ type: NameResponse, description: 'From the graduate registry (read-only)' })
  name!: NameResponse;
  @ApiProperty({ type: [AwardResponse], description: 'From the graduate registry (read-only), oldest first' })
  awards!: AwardResponse[];
  @ApiProperty({ description: 'The email you sign in with (read-only here)' })
  signInEmail!: string;
  @ApiProperty({ type: ContactResponse })
  contact!: ContactResponse;
  @ApiProperty({ type: [CareerEntryResponse], description: 'current job first, then newest first' })
  career!: CareerEntryResponse[];
  @ApiProperty({ type: [EducationEntryResponse], description: 'newest first' })
  education!: EducationEntryResponse[];
  @ApiProperty({ type: [AchievementResponse], description: 'newest first' })
  achievements!: AchievementResponse[];
}

export class ProfileLimitsResponse {
  @ApiProperty()
  additionalEmails!: number;
  @ApiProperty()
  phones!: number;
  @ApiProperty()
  addressLines!: number;
  @ApiProperty()
  career!: number;
  @ApiProperty()
  education!: number;
  @ApiProperty()
  achievements!: number;
}

export class ProfileOptionsResponse {
  @ApiProperty({ enum: INDUSTRIES, isArray: true })
  industries!: string[];
  @ApiProperty({ enum: PREFERRED_LANGUAGES, isArray: true })
  preferredLanguages!: string[];
  @ApiProperty({ enum: PHONE_TYPES, isArray: true })
  phoneTypes!: string[];
  @ApiProperty({ type: ProfileLimitsResponse })
  limits!: ProfileLimitsResponse;
}

export function mapProfileOptions(): ProfileOptionsResponse {
  return {
    industries: [...INDUSTRIES],
    preferredLanguages: [...PREFERRED_LANGUAGES],
    phoneTypes: [...PHONE_TYPES],
    limits: { ...PROFILE_LIMITS },
  };
}

export function mapAward(award: GraduateAward): AwardResponse {
  return { programme: award.programme, award: award.award, institution: award.institution, graduationYear: award.graduationYear };
}

/** The stored contact details, or the defaults (version 0) before the first save. */
export function mapContact(entity: AlumniProfileEntity | null, defaultLanguage: PreferredLanguage): ContactResponse {
  if (!entity) {
    return {
      version: 0,
      additionalEmails: [],
      phones: [],
      address: { lines: [], city: null, region: null, country: null },
      preferredLanguage: defaultLanguage,
      newsConsent: false,
      updatedAt: null,
    };
  }
  return {
    version: entity.version,
    additionalEmails: [...entity.additionalEmails],
    phones: entity.phones.map((phone) => ({ type: phone.type, countryCode: phone.countryCode, number: phone.number })),
    address: { lines: [...entity.addressLines], city: entity.addressCity, region: entity.addressRegion, country: entity.addressCountry },
    preferredLanguage: entity.preferredLanguage,
    newsConsent: entity.newsConsent,
    updatedAt: entity.updatedAt.toISOString(),
  };
}

export function mapCareerEntry(entity: CareerEntryEntity): CareerEntryResponse {
  return {
    id: entity.id,
    version: entity.version,
    employer: entity.employer,
    title: entity.title,
    industry: entity.industry,
    from: entity.fromMonth,
    to: entity.toMonth,
    current: entity.current,
  };
}

export function mapEducationEntry(entity: EducationEntryEntity): EducationEntryResponse {
  return {
    id: entity.id,
    version: entity.version,
    institution: entity.institution,
    qualification: entity.qualification,
    fromYear: entity.fromYear,
    toYear: entity.toYear,
  };
}

export function mapAchievement(entity: AchievementEntity): AchievementResponse {
  return { id: entity.id, version: entity.version, title: entity.title, year: entity.year, description: entity.description };
}
