/**
 * What the portal's security API answers (portal → security dashboard in the browser). Plain shapes: the portal
 * builds them, the web app reads them. Times are ISO strings (UTC); pass ids are 32 lowercase hex digits.
 *
 * Endpoints (all under /api, role security-staff unless said otherwise):
 * - `GET  /security/gates` → `{ gates: GateTile[] }`
 * - `GET  /security/feed` → server-sent events: `entry` (data: LiveEntry), `alert` (data: SecurityAlert, raised or
 *   changed), `ping` every 15 s. Sends the entries of the last few minutes first so a fresh page is not empty.
 * - `GET  /security/entries?q=&passId=&gateId=&decision=&from=&to=&cursor=&limit=` → EntrySearchPage
 * - `GET  /security/alerts?state=open|acknowledged|all&cursor=&limit=` → AlertPage (`{ alerts, nextCursor }`, keyset paged)
 * - `GET  /security/entry-points` → `{ points: EntryPoint[] }` (turnstiles and handheld points: the search's gate filter)
 * - `POST /security/alerts/:id/acknowledge` `{ note }` → SecurityAlert
 * - `POST /security/handheld/check` `{ qr, location? }` → HandheldVerdict (recorded as an entry)
 * - `GET  /security/ecards/:ecardId/photo` → the eCard thumbnail (image/jpeg) of a pass holder
 * - `GET  /security/ingest` (security-staff, aao-admin) → IngestStatus
 */

/** Conflicts and notes on a stored entry, for security staff. */
export const ENTRY_FLAGS = [
  /** The gate was revoked when the event arrived: a fact of what its turnstile did, from a gate we no longer trust. */
  'gate-revoked',
  /** Granted offline, but the pass had been revoked (or cancelled) before the scan happened. */
  'revoked-before-scan',
  /** Granted at this gate while the same pass was granted at another gate inside the re-entry window. */
  'two-gates',
  /** Decided while the gate did not trust its clock. */
  'clock-untrusted',
  /** A guard opened the turnstile by hand. */
  'manual-open',
  /** Checked by security staff with a handheld device, not a turnstile. */
  'handheld',
] as const;
export type EntryFlag = (typeof ENTRY_FLAGS)[number];

/** Who a pass belongs to, as security staff see it (never a personal id number). */
export interface EntryHolder {
  /** Alumnus's name for an alumni pass; the guest's name for a guest pass. */
  readonly name: string;
  readonly kind: 'alumni-day' | 'guest';
  readonly ecardId: number;
  /** For a guest pass, the inviting alumnus's name. */
  readonly hostName: string | null;
  /**
   * URL of the alumnus's eCard thumbnail, for grants; null for guests (a guest shows ID, the host's face proves nothing)
   * and when there is none.
   */
  readonly photoUrl: string | null;
}

/** One stored gate event, as the live feed and the entry search show it. */
export interface LiveEntry {
  readonly eventId: string;
  readonly gateId: string;
  readonly gateName: string;
  readonly sequence: number;
  readonly type: 'scan' | 'passage' | 'forced-passage' | 'manual-open' | 'sensor-fault' | 'alert';
  readonly decision: 'granted' | 'denied' | null;
  readonly reason: string | null;
  readonly passId: string | null;
  readonly holder: EntryHolder | null;
  readonly passage: 'passed' | 'not-passed' | 'sensor-fault' | 'interrupted' | null;
  readonly operator: string | null;
  readonly clockTrusted: boolean;
  readonly occurredAt: string;
  readonly receivedAt: string;
  readonly flags: readonly string[];
}

export interface EntrySearchPage {
  readonly entries: readonly LiveEntry[];
  /** Pass as `cursor` for the next (older) page; null at the end. */
  readonly nextCursor: string | null;
}

/** A gate as the dashboard's tile shows it. `online`: a heartbeat within the offline threshold. */
export interface GateTile {
  readonly gateId: string;
  readonly name: string;
  readonly zone: string | null;
  readonly status: 'pending' | 'active' | 'revoked';
  readonly online: boolean;
  readonly lastHeartbeatAt: string | null;
  readonly agentVersion: string | null;
  readonly bundleVersion: number | null;
  readonly clockTrusted: boolean | null;
  readonly clockOffsetMs: number | null;
  readonly outboxPending: number | null;
  /** 0..1 of the outbox's capacity. */
  readonly outboxFill: number | null;
  readonly relay: string | null;
  readonly passageSensor: string | null;
  readonly input: string | null;
  /** Fire/panic input: 'normal' or 'active' (the gate then holds the turnstile free). */
  readonly fireInput: string | null;
  /** Latest scan at this gate, if any. */
  readonly lastEntryAt: string | null;
}

export const ALERT_KINDS = [
  'gate-offline',
  'clock-untrusted',
  'forced-passage',
  'sensor-fault',
  'repeated-denials',
  'revoked-before-scan',
  'two-gates',
  'manual-open',
  'fire-input',
  'outbox-filling',
  /** QR codes the portal did not sign (unknown key, bad signature, key not valid for the day, unreadable) at a gate. */
  'forged-passes',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface SecurityAlert {
  readonly id: string;
  readonly kind: AlertKind;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly gateId: string | null;
  readonly gateName: string | null;
  readonly passId: string | null;
  /** For people: what happened and where, in English. */
  readonly message: string;
  readonly raisedAt: string;
  /** The latest occurrence folded into this alert (repeats of an open alert count up instead of adding rows). */
  readonly lastSeenAt: string;
  readonly count: number;
  readonly acknowledgedAt: string | null;
  /** Staff name of who acknowledged. */
  readonly acknowledgedBy: string | null;
  readonly note: string | null;
}

/** One page of alerts (open first, then by latest occurrence); pass nextCursor as `cursor` for older ones. */
export interface AlertPage {
  readonly alerts: readonly SecurityAlert[];
  /** null at the end. */
  readonly nextCursor: string | null;
}

/** A place entries are recorded at: a turnstile gate, or a handheld point (a side door where staff check by phone). */
export interface EntryPoint {
  readonly gateId: string;
  readonly name: string;
  readonly kind: 'turnstile' | 'handheld';
}

/** The handheld check's answer: what a guard at a side door needs to decide. */
export interface HandheldVerdict {
  readonly decision: 'granted' | 'denied';
  /** A DENIAL_REASONS code, or 'pass-cancelled' / 'pass-not-found'; null when granted. */
  readonly reason: string | null;
  /** For people, in English. */
  readonly message: string;
  readonly holder: EntryHolder | null;
  readonly campusDay: string | null;
  /** The entry it was recorded as. */
  readonly eventId: string;
}

/** Ingestion health for the dashboard. */
export interface IngestMetrics {
  readonly queue: { readonly waiting: number; readonly active: number; readonly delayed: number; readonly failed: number };
  /** Age of the oldest job still waiting, ms (0 when none). */
  readonly lagMs: number;
  /** Events stored per second over the last 10 s and 60 s. */
  readonly eventsPerSecond10s: number;
  readonly eventsPerSecond60s: number;
  readonly deadLetters: number;
  /** False when Redis cannot be reached: sync waits and nothing is lost (events stay in the gates' outboxes). */
  readonly redisReachable: boolean;
}

/** A gate-event job that failed validation and will never be stored, with why. */
export interface DeadLetter {
  readonly id: string;
  readonly jobId: string | null;
  readonly gateId: string | null;
  readonly reason: string;
  readonly receivedAt: string;
}

export interface IngestStatus {
  readonly metrics: IngestMetrics;
  /** The latest dead letters, newest first. */
  readonly deadLetters: readonly DeadLetter[];
}
