import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AlumniAwardSummary } from '@campuspass/contracts';
import { ALUMNI_NAME_SEARCH_EXPRESSION } from '../../core/database/migrations/1764370000000-alumni-admin.js';

/** Where a page of search hits ends: the sort key of its last hit. */
export interface SearchPosition {
  surnameKey: string;
  givenNameKey: string;
  id: string;
}

export interface SearchTerms {
  /** Lower-case name words (nameKey form); every one must appear in the name text. */
  nameWords: string[];
  /** The whole query as typed (trimmed), for identifiers matched from their start. */
  identifier: string;
}

export interface SearchRow {
  id: string;
  surname: string;
  given_name: string;
  surname_key: string;
  given_name_key: string;
  student_number: string;
  account_email: string | null;
  alumni_number: string | null;
  ecard_status: 'active' | 'revoked' | null;
  awards: AlumniAwardSummary[];
}

export interface GraduateRow {
  id: string;
  student_number: string;
  surname: string;
  given_name: string;
  date_of_birth: string;
  email: string | null;
  student_net_id: string | null;
  personal_id_on_record: boolean;
}

export interface AccountRow {
  id: string;
  email: string;
  locale: 'en' | 'zh-Hant';
  created_at: Date;
  last_sign_in_at: Date | null;
}

export interface ProfileRows {
  profile: {
    additional_emails: string[];
    phones: Array<{ type: string; countryCode: string; number: string }>;
    address_lines: string[];
    address_city: string | null;
    address_region: string | null;
    address_country: string | null;
    preferred_language: 'en' | 'zh-Hant';
    news_consent: boolean;
  } | null;
  career: Array<{ employer: string; title: string; industry: string; from_month: string; to_month: string | null; current: boolean }>;
  education: Array<{ institution: string; qualification: string; from_year: number; to_year: number | null }>;
}

export interface EcardRow {
  id: number;
  alumni_number: string;
  status: 'active' | 'revoked';
  activated_at: Date;
  revoked_at: Date | null;
  revocation_reason: string | null;
  photo_status: 'pending-review' | 'approved' | 'rejected';
  current_photo_id: string | null;
}

export interface PassRow {
  id: string;
  kind: 'alumni-day' | 'guest';
  campus_day: number;
  status: 'active' | 'cancelled' | 'revoked';
  guest_name: string | null;
  purpose: string | null;
  created_at: Date;
  revoked_at: Date | null;
  reason: string | null;
}

export interface EntryRow {
  occurred_at: Date;
  gate_id: string;
  gate_name: string;
  type: string;
  decision: string | null;
  reason: string | null;
  pass_kind: 'alumni-day' | 'guest' | null;
  flags: string[];
}

/** `LIKE` pattern text with its wildcards taken literally. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/gu, (character) => `\\${character}`);
}

const AWARDS_OF_G = `COALESCE((
  SELECT json_agg(json_build_object('programme', aw.programme, 'award', aw.award, 'institution', aw.institution,
    'graduationYear', aw.graduation_year, 'polyuAward', aw.polyu_award) ORDER BY aw.graduation_year, aw.programme)
  FROM graduate_award aw WHERE aw.graduate_id = g.id), '[]'::json)`;

/** Reads for the AAO's alumni search and detail (plain SQL over the registry, identity, eCard, pass and gate tables). */
@Injectable()
export class AlumniAdminRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Graduates whose name holds every word, or whose student number, alumni number, email (account or registry) or
   * NetID (student or alumni) starts with the query; in name order, after `after`, at most `limit`.
   */
  async search(terms: SearchTerms, after: SearchPosition | null, limit: number): Promise<SearchRow[]> {
    const parameters: unknown[] = [];
    const parameter = (value: unknown) => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    const branches: string[] = [];
    if (terms.nameWords.length > 0) {
      const conditions = terms.nameWords.map((word) => `${ALUMNI_NAME_SEARCH_EXPRESSION} LIKE ${parameter(`%${escapeLike(word)}%`)}`);
      branches.push(`SELECT id FROM graduate WHERE ${conditions.join(' AND ')}`);
    }
    if (terms.identifier && !/\s/u.test(terms.identifier)) {
      const upper = parameter(`${escapeLike(terms.identifier.toUpperCase())}%`);
      const lower = parameter(`${escapeLike(terms.identifier.toLowerCase())}%`);
      branches.push(
        `SELECT id FROM graduate WHERE student_number LIKE ${upper}`,
        `SELECT id FROM graduate WHERE student_net_id LIKE ${lower}`,
        `SELECT id FROM graduate WHERE lower(email) LIKE ${lower}`,
        `SELECT graduate_id FROM alumni_account WHERE email LIKE ${lower}`,
        `SELECT graduate_id FROM alumni_netid WHERE net_id LIKE ${lower}`,
        `SELECT graduate_id FROM ecard WHERE alumni_number LIKE ${upper}`,
      );
    }
    if (branches.length === 0) return [];
    const afterCondition = after
      ? `WHERE (g.surname_key, g.given_name_key, g.id) > (${parameter(after.surnameKey)}, ${parameter(after.givenNameKey)}, ${parameter(after.id)}::uuid)`
      : '';
    const limitParameter = parameter(limit);
    return this.dataSource.query(
      `WITH matched AS (${branches.join(' UNION ')})
       SELECT g.id, g.surname, g.given_name, g.surname_key, g.given_name_key, g.student_number,
              a.email AS account_email, e.alumni_number, e.status AS ecard_status, ${AWARDS_OF_G} AS awards
       FROM graduate g
       JOIN matched m ON m.id = g.id
       LEFT JOIN alumni_account a ON a.graduate_id = g.id
       LEFT JOIN ecard e ON e.account_id = a.id
       ${afterCondition}
       ORDER BY g.surname_key, g.given_name_key, g.id
       LIMIT ${limitParameter}`,
      parameters,
    );
  }

  /** The registry record; the personal ID hash only as "is there one". */
  async graduate(graduateId: string): Promise<{ graduate: GraduateRow; awards: AlumniAwardSummary[] } | null> {
    const rows: Array<GraduateRow & { awards: AlumniAwardSummary[] }> = await this.dataSource.query(
      `SELECT g.id, g.student_number, g.surname, g.given_name, to_char(g.date_of_birth, 'YYYY-MM-DD') AS date_of_birth, g.email,
              g.student_net_id, (g.personal_id_hash IS NOT NULL) AS personal_id_on_record, ${AWARDS_OF_G} AS awards
       FROM graduate g WHERE g.id = $1`,
      [graduateId],
    );
    const row = rows[0];
    if (!row) return null;
    const { awards, ...graduate } = row;
    return { graduate, awards };
  }

  async account(graduateId: string): Promise<AccountRow | null> {
    const rows: AccountRow[] = await this.dataSource.query(
      `SELECT a.id, a.email, a.locale, a.created_at,
              (SELECT max(s.created_at) FROM auth_session s WHERE s.subject_type = 'alumnus' AND s.subject_id = a.id) AS last_sign_in_at
       FROM alumni_account a WHERE a.graduate_id = $1`,
      [graduateId],
    );
    return rows[0] ?? null;
  }

  async alumniNetIds(accountId: string): Promise<string[]> {
    const rows: Array<{ net_id: string }> = await this.dataSource.query(
      `SELECT net_id FROM alumni_netid WHERE account_id = $1 ORDER BY created_at`,
      [accountId],
    );
    return rows.map((row) => row.net_id);
  }

  socialLinks(accountId: string): Promise<Array<{ provider: string; created_at: Date; last_used_at: Date }>> {
    return this.dataSource.query(
      `SELECT provider, created_at, last_used_at FROM social_identity_link WHERE account_id = $1 ORDER BY created_at`,
      [accountId],
    );
  }

  async profile(accountId: string): Promise<ProfileRows> {
    const [profiles, career, education] = await Promise.all([
      this.dataSource.query(
        `SELECT additional_emails, phones, address_lines, address_city, address_region, address_country, preferred_language, news_consent
         FROM alumni_profile WHERE account_id = $1`,
        [accountId],
      ) as Promise<Array<NonNullable<ProfileRows['profile']>>>,
      this.dataSource.query(
        `SELECT employer, title, industry, from_month, to_month, current FROM alumni_career_entry
         WHERE account_id = $1 ORDER BY current DESC, from_month DESC`,
        [accountId],
      ) as Promise<ProfileRows['career']>,
      this.dataSource.query(
        `SELECT institution, qualification, from_year, to_year FROM alumni_education_entry WHERE account_id = $1 ORDER BY from_year DESC`,
        [accountId],
      ) as Promise<ProfileRows['education']>,
    ]);
    return { profile: profiles[0] ?? null, career, education };
  }

  async ecard(accountId: string): Promise<EcardRow | null> {
    const rows: EcardRow[] = await this.dataSource.query(
      `SELECT id, alumni_number, status, activated_at, revoked_at, revocation_reason, photo_status, current_photo_id
       FROM ecard WHERE account_id = $1`,
      [accountId],
    );
    return rows[0] ?? null;
  }

  passes(ecardId: number, limit: number): Promise<PassRow[]> {
    return this.dataSource.query(
      `SELECT id, kind, campus_day, status, guest_name, purpose, created_at, revoked_at, reason
       FROM pass WHERE ecard_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [ecardId, limit],
    );
  }

  entries(ecardId: number, limit: number): Promise<EntryRow[]> {
    return this.dataSource.query(
      `SELECT ev.occurred_at, ev.gate_id, gt.name AS gate_name, ev.type, ev.decision, ev.reason, ev.pass_kind, ev.flags
       FROM gate_event ev JOIN gate gt ON gt.id = ev.gate_id
       WHERE ev.pass_ecard_id = $1
       ORDER BY ev.occurred_at DESC, ev.event_id LIMIT $2`,
      [ecardId, limit],
    );
  }
}
