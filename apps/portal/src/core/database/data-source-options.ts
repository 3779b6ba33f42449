import type { DataSourceOptions } from 'typeorm';
import { AuditEventEntity } from '../../admin/audit-event.entity.js';
import { GraduateAwardEntity } from '../../alumni/graduate-award.entity.js';
import { GraduateEntity } from '../../alumni/graduate.entity.js';
import { StaffAccountEntity } from '../../admin/staff-account.entity.js';
import { AlumniPrivilegeEntity } from '../../ecard/alumni-privilege.entity.js';
import { EcardPhotoEntity } from '../../ecard/ecard-photo.entity.js';
import { EcardEntity } from '../../ecard/ecard.entity.js';
import { AlumniAccountEntity } from '../../identity/alumni-account.entity.js';
import { OidcLoginStateEntity } from '../../identity/oidc-login-state.entity.js';
import { OneTimeCodeEntity } from '../../identity/one-time-code.entity.js';
import { RateLimitCounterEntity } from '../../identity/rate-limit-counter.entity.js';
import { RegistrationTicketEntity } from '../../identity/registration-ticket.entity.js';
import { SessionEntity } from '../../identity/session.entity.js';
import { StaffIdentityLinkEntity } from '../../identity/staff-identity-link.entity.js';
import { SocialIdentityLinkEntity, SocialPendingLinkEntity } from '../../identity/social-link.entity.js';
import { AchievementEntity } from '../../profile/achievement.entity.js';
import { AlumniProfileEntity } from '../../profile/alumni-profile.entity.js';
import { CareerEntryEntity } from '../../profile/career-entry.entity.js';
import { EducationEntryEntity } from '../../profile/education-entry.entity.js';
import { SigningKeyEntity } from '../../keys/signing-key.entity.js';
import { GuestPolicyEntity } from '../../passes/guest-policy.entity.js';
import { PassEntity } from '../../passes/pass.entity.js';
import { GateEntity } from '../../gates/gate.entity.js';
import { MIGRATIONS } from './migrations/index.js';

/** Every entity of the portal. Listed here (not globbed) so ESM builds, tests and the CLI see the same set. */
export const ENTITIES = [
  AuditEventEntity,
  GraduateEntity,
  GraduateAwardEntity,
  AlumniAccountEntity,
  SessionEntity,
  OneTimeCodeEntity,
  RegistrationTicketEntity,
  RateLimitCounterEntity,
  StaffAccountEntity,
  StaffIdentityLinkEntity,
  OidcLoginStateEntity,
  SocialIdentityLinkEntity,
  SocialPendingLinkEntity,
  AlumniProfileEntity,
  CareerEntryEntity,
  EducationEntryEntity,
  AchievementEntity,
  SigningKeyEntity,
  EcardEntity,
  EcardPhotoEntity,
  AlumniPrivilegeEntity,
  PassEntity,
  GuestPolicyEntity,
  GateEntity,
];

export function dataSourceOptions(url: string, overrides: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    // Schema changes go through migrations only; never let TypeORM alter tables by itself.
    synchronize: false,
    extra: { max: 10, connectionTimeoutMillis: 5000 },
    ...overrides,
  } as DataSourceOptions;
}
