/**
 * What the portal's AAO administration API answers (portal → admin pages in the browser). Plain shapes: the portal
 * builds them, the web app reads them. Times are ISO strings (UTC).
 *
 * Endpoints (under /api):
 * - `GET   /admin/gates` (aao-admin, security-staff, auditor) → AdminGate[] (turnstiles; handheld devices are not gates here)
 * - `POST  /admin/gates` `{ name }` (aao-admin) → IssuedEnrollmentCode
 * - `POST  /admin/gates/:id/enrollment-code` (aao-admin) → IssuedEnrollmentCode (pending gates only)
 * - `PUT   /admin/gates/:id/policy` `GatePolicy` (aao-admin) → AdminGate (audited; in the next bundle)
 * - `POST  /admin/gates/:id/revoke` `{ reason }` (aao-admin) → AdminGate
 * - `GET   /admin/keys` (aao-admin, auditor) → AdminSigningKey[]; `POST /admin/keys/rotate` `{ force? }`,
 *   `POST /admin/keys/:id/retire`, `POST /admin/keys/:id/revoke` `{ reason }` (aao-admin) → KeyRotationResult
 * - `GET   /staff` (aao-admin) → StaffMember[]
 * - `POST  /staff` `{ email, name, role }` (aao-admin) → CreatedStaffMember (the first password, shown once)
 * - `PATCH /staff/:id` `StaffChange` (aao-admin) → StaffMember; 409 `staff-self-change` / `staff-last-admin`
 * - `GET   /admin/audit?action=&actorType=&actor=&subject=&outcome=&from=&to=&cursor=&limit=` (aao-admin, auditor)
 *   → AuditPage, newest first; a date alone in `from`/`to` is a Hong Kong day (from its midnight / to its end)
 * - `GET   /admin/audit/export.csv?` the same filters (aao-admin, auditor) → text/csv, streamed; the export is audited.
 *   Same-origin only (Sec-Fetch-Site, else the CSRF token as `X-CSRF-Token` or `csrf=`): 403 otherwise; one export
 *   per person and two per portal process at a time: 429 with Retry-After otherwise; a reader stalled 30 s is cut off
 */

export const STAFF_ROLE_NAMES = ['aao-admin', 'security-staff', 'auditor'] as const;
export type StaffRoleName = (typeof STAFF_ROLE_NAMES)[number];

export const AUDIT_ACTOR_TYPES = ['alumnus', 'staff', 'gate', 'system'] as const;
export type AuditActorTypeName = (typeof AUDIT_ACTOR_TYPES)[number];

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcomeName = (typeof AUDIT_OUTCOMES)[number];

/** The most rows one audit page answers; the default is AUDIT_PAGE_DEFAULT. */
export const AUDIT_PAGE_MAX = 200;
export const AUDIT_PAGE_DEFAULT = 50;

/** One line of the audit log. `details` never holds a secret or a personal id number (masked when recorded). */
export interface AuditEntry {
  readonly id: string;
  readonly occurredAt: string;
  readonly actorType: AuditActorTypeName;
  readonly actorId: string | null;
  /** For staff actors: the account's name and email as they are now; null otherwise. */
  readonly actorName: string | null;
  readonly actorEmail: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly outcome: AuditOutcomeName;
  readonly ip: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface AuditPage {
  readonly events: readonly AuditEntry[];
  /** Pass as `cursor` for the next (older) page; null at the end. */
  readonly nextCursor: string | null;
}

/**
 * Audit filters, as query parameters. `action`: an exact action (`gate.revoke`) or a family ending in `.*`
 * (`gate.*`). `actor`: an actor id, or a staff member's email. `subject`: a target id, or `type:id`
 * (`gate:3f2…`). `from` inclusive, `to` exclusive (ISO date-times).
 */
export interface AuditFilters {
  readonly action?: string;
  readonly actorType?: AuditActorTypeName;
  readonly actor?: string;
  readonly subject?: string;
  readonly outcome?: AuditOutcomeName;
  readonly from?: string;
  readonly to?: string;
}

export interface StaffMember {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: StaffRoleName;
  readonly active: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CreatedStaffMember extends StaffMember {
  /** The first password, shown only in this answer: give it to the person over a safe channel. */
  readonly password: string;
}

/** PATCH /staff/:id: at least one of them. Changing the role or deactivating ends the person's sessions. */
export interface StaffChange {
  readonly role?: StaffRoleName;
  readonly active?: boolean;
}

export type GateHealthValue = 'ok' | 'fault' | 'absent';

export interface AdminGateHeartbeat {
  readonly receivedAt: string;
  readonly bundleVersion: number;
  readonly clockTrusted: boolean;
  readonly clockOffsetMs: number | null;
  readonly outboxPending: number;
  readonly outboxFill: number;
  readonly oldestPendingAt: string | null;
  readonly relay: GateHealthValue;
  readonly passageSensor: GateHealthValue;
  readonly input: GateHealthValue;
  readonly fireInput: 'normal' | 'active' | 'absent';
  readonly uptimeSeconds: number;
}

/** The per-gate policy as in the gate bundle (libs/contracts gate-bundle.ts gatePolicySchema). */
export interface AdminGatePolicy {
  readonly passKinds: ReadonlyArray<'alumni-day' | 'guest'>;
  readonly zone: number;
  readonly hours: ReadonlyArray<{ readonly weekdays: readonly number[]; readonly open: string; readonly close: string }>;
  readonly reEntryWindowSeconds: number;
}

export interface AdminGate {
  readonly id: string;
  readonly name: string;
  readonly status: 'pending' | 'active' | 'revoked';
  /** Null in answers that do not read it (never in the list). */
  readonly policy: AdminGatePolicy | null;
  readonly createdAt: string;
  readonly enrolledAt: string | null;
  readonly revokedAt: string | null;
  readonly enrollmentExpiresAt: string | null;
  readonly lastSeenAt: string | null;
  readonly lastServedBundleVersion: number | null;
  readonly agentVersion: string | null;
  readonly heartbeat: AdminGateHeartbeat | null;
}

export interface IssuedEnrollmentCode {
  readonly gate: AdminGate;
  /** Shown once: only its keyed hash is stored. */
  readonly enrollmentCode: string;
  readonly expiresAt: string;
}

export interface AdminSigningKey {
  readonly id: string;
  readonly purpose: 'pass' | 'bundle';
  readonly kid: string;
  readonly status: 'next' | 'active' | 'retired' | 'revoked';
  readonly publicKey: string;
  readonly notBeforeDay: number | null;
  readonly notAfterDay: number | null;
  readonly lastSignedDay: number | null;
  readonly createdAt: string;
  readonly activatedAt: string | null;
  readonly retiredAt: string | null;
  readonly revokedAt: string | null;
  /** Why it was revoked (revoked keys only). */
  readonly revocationReason: string | null;
}

export interface KeyRotationResult {
  readonly changes: ReadonlyArray<{ readonly action: 'created' | 'activated' | 'retired' | 'revoked'; readonly key: AdminSigningKey }>;
}
