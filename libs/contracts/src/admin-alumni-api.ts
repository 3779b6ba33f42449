/**
 * What the portal's AAO alumni API answers (portal → staff pages in the browser). Plain shapes: the portal builds
 * them, the web app reads them. Times are ISO strings (UTC); dates `YYYY-MM-DD`. A personal ID number, or its hash,
 * is never part of any answer: `registry.personalIdOnRecord` only says whether the registry holds one.
 *
 * Endpoints (all under /api):
 * - `GET /admin/alumni?q=&cursor=&limit=` (aao-admin, auditor) → AlumniSearchPage. `q` (1..100 characters) matches a
 *   name (English or Chinese, given name and surname in any order, partial, case-insensitive), a student number, an
 *   alumni number, an email (account or registry) or a NetID (student or alumni); the identifiers match from their
 *   start. `limit` 1..100 (default 20); `cursor` is the previous page's `nextCursor`.
 * - `GET /admin/alumni/:graduateId` (aao-admin, auditor) → AlumniDetail; every read is audited (`admin.alumni.view`).
 * - `GET /staff/netids/:graduateId`, `PUT /staff/netids/:graduateId/alumni-netid` `{ netId }` (identity module): the
 *   person's NetIDs and the AAO's confirmation of the Alumni NetID → AlumniPersonNetIds.
 * - `GET /admin/guest-policy` (aao-admin, auditor) → AdminGuestPolicy
 * - `PUT /admin/guest-policy` (aao-admin) AdminGuestPolicyInput → AdminGuestPolicy (audited with before/after as
 *   `admin.guest-policy.update`; passes already issued are not touched).
 */

export type AlumniEcardStatus = 'none' | 'active' | 'revoked';

export interface AlumniName {
  readonly surname: string;
  readonly givenName: string;
}

export interface AlumniAwardSummary {
  readonly programme: string;
  readonly award: string;
  readonly institution: 'PolyU' | 'HKCC' | 'SPEED';
  readonly graduationYear: number;
  readonly polyuAward: boolean;
}

/** One search hit. */
export interface AlumniSearchHit {
  readonly graduateId: string;
  readonly name: AlumniName;
  readonly studentNumber: string;
  /** The eCard's alumni number (`A00000042`), when the person has an eCard. */
  readonly alumniNumber: string | null;
  readonly awards: readonly AlumniAwardSummary[];
  /** The alumni account's email (the AAO may see it), when the person has registered. */
  readonly accountEmail: string | null;
  readonly ecardStatus: AlumniEcardStatus;
}

export interface AlumniSearchPage {
  readonly hits: readonly AlumniSearchHit[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface AlumniRegistryRecord {
  readonly graduateId: string;
  readonly studentNumber: string;
  readonly name: AlumniName;
  readonly dateOfBirth: string;
  /** The university's email on record. */
  readonly email: string | null;
  readonly studentNetId: string | null;
  /** Only whether the registry holds a personal ID (hashed) for this record; never the number or its hash. */
  readonly personalIdOnRecord: boolean;
  readonly awards: readonly AlumniAwardSummary[];
  /** The earliest and latest graduation years of the awards. */
  readonly firstYear: number | null;
  readonly lastYear: number | null;
}

export type AlumniSocialProvider = 'google' | 'microsoft' | 'apple' | 'wechat';

export interface AlumniAccountSummary {
  readonly accountId: string;
  readonly email: string;
  readonly locale: 'en' | 'zh-Hant';
  readonly createdAt: string;
  /** The start of the newest session, when there was one. */
  readonly lastSignInAt: string | null;
  readonly signInMethods: {
    /** The email code: every account has it. */
    readonly email: true;
    /** Alumni NetIDs registered for the account, and the registry's Student NetID. */
    readonly netIds: readonly string[];
    readonly social: ReadonlyArray<{ readonly provider: AlumniSocialProvider; readonly linkedAt: string; readonly lastUsedAt: string }>;
  };
}

export interface AlumniProfileSummary {
  readonly additionalEmails: readonly string[];
  readonly phones: ReadonlyArray<{ readonly type: string; readonly countryCode: string; readonly number: string }>;
  readonly address: {
    readonly lines: readonly string[];
    readonly city: string | null;
    readonly region: string | null;
    readonly country: string | null;
  };
  readonly preferredLanguage: 'en' | 'zh-Hant';
  readonly newsConsent: boolean;
  readonly career: ReadonlyArray<{
    readonly employer: string;
    readonly title: string;
    readonly industry: string;
    readonly fromMonth: string;
    readonly toMonth: string | null;
    readonly current: boolean;
  }>;
  readonly education: ReadonlyArray<{
    readonly institution: string;
    readonly qualification: string;
    readonly fromYear: number;
    readonly toYear: number | null;
  }>;
}

export interface AlumniEcardSummary {
  readonly ecardId: number;
  readonly alumniNumber: string;
  readonly status: 'active' | 'revoked';
  readonly activatedAt: string;
  readonly revokedAt: string | null;
  readonly revocationReason: string | null;
  readonly photoStatus: 'pending-review' | 'approved' | 'rejected';
  /** The current photo for staff (GET, aao-admin and auditor), when there is one. */
  readonly photoUrl: string | null;
}

export interface AlumniPassSummary {
  readonly passId: string;
  readonly kind: 'alumni-day' | 'guest';
  /** The campus day as a Hong Kong date. */
  readonly date: string;
  readonly status: 'active' | 'cancelled' | 'revoked';
  readonly guestName: string | null;
  readonly purpose: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly reason: string | null;
}

export interface AlumniEntrySummary {
  readonly occurredAt: string;
  readonly gateId: string;
  readonly gateName: string;
  readonly type: string;
  readonly decision: string | null;
  readonly reason: string | null;
  readonly passKind: 'alumni-day' | 'guest' | null;
  readonly flags: readonly string[];
}

export interface AlumniDetail {
  readonly registry: AlumniRegistryRecord;
  readonly account: AlumniAccountSummary | null;
  readonly profile: AlumniProfileSummary | null;
  readonly ecard: AlumniEcardSummary | null;
  /** Newest first, at most 20. */
  readonly passes: readonly AlumniPassSummary[];
  /** Newest first, at most 20: scans of the person's passes (day passes and their guests'). */
  readonly entries: readonly AlumniEntrySummary[];
}

/** The answer of the identity module's staff NetID endpoints. */
export interface AlumniPersonNetIds {
  readonly netIds: ReadonlyArray<{
    readonly netId: string;
    readonly kind: 'student' | 'alumni';
    readonly studentNumber: string;
    readonly confirmed: boolean;
  }>;
  readonly confirmedNetId: string | null;
}

export const ADMIN_GUEST_POLICY_LIMITS = {
  maxDaysAhead: { min: 0, max: 365 },
  maxGuestsPerDay: { min: 1, max: 50 },
  purposes: { min: 1, max: 30, maxLength: 100 },
} as const;

export interface AdminGuestPolicyInput {
  readonly maxDaysAhead: number;
  readonly maxGuestsPerDay: number;
  readonly purposes: readonly string[];
  readonly singleEntry: boolean;
}

export interface AdminGuestPolicy extends AdminGuestPolicyInput {
  readonly updatedAt: string;
}
