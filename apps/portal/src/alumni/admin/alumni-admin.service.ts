import { Injectable } from '@nestjs/common';
import { campusDayToIsoDate } from '@campuspass/pass-token';
import type { AlumniDetail, AlumniSearchPage, AlumniSocialProvider } from '@campuspass/contracts';
import { AuditService } from '../../admin/audit.service.js';
import type { RateLimitRule } from '../../identity/identity.constants.js';
import { RateLimitService } from '../../identity/rate-limit.service.js';
import { nameKey } from '../graduate-names.js';
import { AlumniAdminException } from './alumni-admin.exception.js';
import { AlumniAdminRepository, type SearchPosition } from './alumni-admin.repository.js';

/** How many recent passes and entries the detail shows. */
export const DETAIL_RECENT_LIMIT = 20;
/** More words than this in a query are ignored (a name has a few). */
const MAX_NAME_WORDS = 8;

/** Searches per staff member: plenty for people at a desk, too few to page through the registry by script. */
export const ALUMNI_SEARCH_RATE_LIMIT: RateLimitRule = { name: 'aao-alumni-search:staff', limit: 60, windowMs: 60_000 };

export interface StaffReader {
  staffId: string;
  ip: string | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function encodeCursor(position: SearchPosition): string {
  return Buffer.from(JSON.stringify([position.surnameKey, position.givenNameKey, position.id])).toString('base64url');
}

/** NUL and the other control characters: never in a sort key the search gave out (and PostgreSQL refuses NUL). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/u;

function decodeCursor(cursor: string): SearchPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      value.every((part) => typeof part === 'string' && !CONTROL_CHARACTERS.test(part)) &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u.test(value[2] as string)
    ) {
      return { surnameKey: value[0] as string, givenNameKey: value[1] as string, id: value[2] as string };
    }
  } catch {
    // answered below
  }
  throw new AlumniAdminException(
    'search-cursor-invalid',
    'This cursor is not one the search gave out. Use the nextCursor of the previous page, or search again without a cursor.',
  );
}

/** The AAO's alumni search and the detail of one graduate (registry, account, profile, eCard, passes, entries). */
@Injectable()
export class AlumniAdminService {
  constructor(
    private readonly repository: AlumniAdminRepository,
    private readonly audit: AuditService,
    private readonly rateLimits: RateLimitService,
  ) {}

  /** Mutable so a test can lower it for its own portal. */
  searchRateLimit: RateLimitRule = ALUMNI_SEARCH_RATE_LIMIT;

  /** Each search (every page of it) counts towards the staff member's rate limit (429 with Retry-After past it). */
  async search(query: string, cursor: string | undefined, limit: number, staffId: string): Promise<AlumniSearchPage> {
    const after = cursor ? decodeCursor(cursor) : null;
    await this.rateLimits.consume(this.searchRateLimit, staffId, 'searches');
    const key = nameKey(query);
    const nameWords = key.split(' ').filter(Boolean).slice(0, MAX_NAME_WORDS);
    const rows = await this.repository.search({ nameWords, identifier: query.trim() }, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      hits: page.map((row) => ({
        graduateId: row.id,
        name: { surname: row.surname, givenName: row.given_name },
        studentNumber: row.student_number,
        alumniNumber: row.alumni_number,
        awards: row.awards,
        accountEmail: row.account_email,
        ecardStatus: row.ecard_status ?? 'none',
      })),
      nextCursor:
        rows.length > limit && last ? encodeCursor({ surnameKey: last.surname_key, givenNameKey: last.given_name_key, id: last.id }) : null,
    };
  }

  /** Everything the AAO may see of one graduate; the read is audited (who looked at whom). */
  async detail(graduateId: string, reader: StaffReader): Promise<AlumniDetail> {
    const record = await this.repository.graduate(graduateId);
    if (!record) {
      throw new AlumniAdminException(
        'graduate-not-found',
        'There is no graduate with this id in the registry. Search again to find the person.',
      );
    }
    const { graduate, awards } = record;
    const account = await this.repository.account(graduateId);
    const [alumniNetIds, social, profile, ecard] = account
      ? await Promise.all([
          this.repository.alumniNetIds(account.id),
          this.repository.socialLinks(account.id),
          this.repository.profile(account.id),
          this.repository.ecard(account.id),
        ])
      : [[], [], null, null];
    const [passes, entries] = ecard
      ? await Promise.all([this.repository.passes(ecard.id, DETAIL_RECENT_LIMIT), this.repository.entries(ecard.id, DETAIL_RECENT_LIMIT)])
      : [[], []];
    const years = awards.map((award) => award.graduationYear);

    await this.audit.record({
      actorType: 'staff',
      actorId: reader.staffId,
      action: 'admin.alumni.view',
      targetType: 'graduate',
      targetId: graduateId,
      outcome: 'success',
      ip: reader.ip,
      details: { studentNumber: graduate.student_number },
    });

    return {
      registry: {
        graduateId: graduate.id,
        studentNumber: graduate.student_number,
        name: { surname: graduate.surname, givenName: graduate.given_name },
        dateOfBirth: graduate.date_of_birth,
        email: graduate.email,
        studentNetId: graduate.student_net_id,
        personalIdOnRecord: graduate.personal_id_on_record,
        awards,
        firstYear: years.length ? Math.min(...years) : null,
        lastYear: years.length ? Math.max(...years) : null,
      },
      account: account && {
        accountId: account.id,
        email: account.email,
        locale: account.locale,
        createdAt: iso(account.created_at)!,
        lastSignInAt: iso(account.last_sign_in_at),
        signInMethods: {
          email: true,
          netIds: [...new Set([...alumniNetIds, ...(graduate.student_net_id ? [graduate.student_net_id] : [])])],
          social: social.map((link) => ({
            provider: link.provider as AlumniSocialProvider,
            linkedAt: iso(link.created_at)!,
            lastUsedAt: iso(link.last_used_at)!,
          })),
        },
      },
      profile: profile && {
        additionalEmails: profile.profile?.additional_emails ?? [],
        phones: profile.profile?.phones ?? [],
        address: {
          lines: profile.profile?.address_lines ?? [],
          city: profile.profile?.address_city ?? null,
          region: profile.profile?.address_region ?? null,
          country: profile.profile?.address_country ?? null,
        },
        preferredLanguage: profile.profile?.preferred_language ?? account?.locale ?? 'en',
        newsConsent: profile.profile?.news_consent ?? false,
        career: profile.career.map((entry) => ({
          employer: entry.employer,
          title: entry.title,
          industry: entry.industry,
          fromMonth: entry.from_month,
          toMonth: entry.to_month,
          current: entry.current,
        })),
        education: profile.education.map((entry) => ({
          institution: entry.institution,
          qualification: entry.qualification,
          fromYear: entry.from_year,
          toYear: entry.to_year,
        })),
      },
      ecard: ecard && {
        ecardId: ecard.id,
        alumniNumber: ecard.alumni_number,
        status: ecard.status,
        activatedAt: iso(ecard.activated_at)!,
        revokedAt: iso(ecard.revoked_at),
        revocationReason: ecard.revocation_reason,
        photoStatus: ecard.photo_status,
        // The staff endpoint of the eCard admin (aao-admin, auditor) serves any photo by its id.
        photoUrl: ecard.current_photo_id ? `/api/admin/ecard/reviews/${ecard.current_photo_id}/photo` : null,
      },
      passes: passes.map((pass) => ({
        passId: pass.id,
        kind: pass.kind,
        date: campusDayToIsoDate(pass.campus_day),
        status: pass.status,
        guestName: pass.guest_name,
        purpose: pass.purpose,
        createdAt: iso(pass.created_at)!,
        revokedAt: iso(pass.revoked_at),
        reason: pass.reason,
      })),
      entries: entries.map((entry) => ({
        occurredAt: iso(entry.occurred_at)!,
        gateId: entry.gate_id,
        gateName: entry.gate_name,
        type: entry.type,
        decision: entry.decision,
        reason: entry.reason,
        passKind: entry.pass_kind,
        flags: entry.flags,
      })),
    };
  }
}
