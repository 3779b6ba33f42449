/**
 * What the portal's reports API answers (portal → reports page in the browser). Plain shapes: the portal builds them,
 * the web app reads them.
 *
 * Endpoints (all under /api, roles aao-admin and auditor):
 * - `GET /reports/gates` → `{ gates: ReportGate[] }` (for the gate filter)
 * - `GET /reports/summary?from=YYYY-MM-DD&to=YYYY-MM-DD&gateId=` → ReportSummary
 * - `GET /reports/entries.csv?from=YYYY-MM-DD&to=YYYY-MM-DD&gateId=` → every entry of the range as CSV (UTF-8 with
 *   BOM), streamed; columns {@link ENTRY_CSV_COLUMNS}. Each export is written to the audit log. Same-origin only
 *   (403 otherwise), one export per person and two per portal process at a time (429 with Retry-After otherwise).
 *
 * Days are Hong Kong campus days (Asia/Hong_Kong, UTC+8, no daylight saving), `from` and `to` inclusive, at most
 * {@link REPORT_MAX_DAYS} days. A visit is a granted scan: the passage that follows it is not another visit.
 */

/** The longest range a report or an export covers, in days (a leap year). */
export const REPORT_MAX_DAYS = 366;

/** A gate as the reports' filter offers it. */
export interface ReportGate {
  readonly id: string;
  readonly name: string;
  readonly status: 'pending' | 'active' | 'revoked';
}

/** One Hong Kong day of the range (every day is present, zeros included). */
export interface ReportDay {
  /** YYYY-MM-DD (Hong Kong). */
  readonly date: string;
  /** Granted scans of alumni day passes. */
  readonly alumni: number;
  /** Granted scans of guest passes. */
  readonly guests: number;
  /** Denied scans. */
  readonly denied: number;
}

/** One gate's figures over the range (gates with at least one scan in the range). */
export interface ReportGateFigures {
  readonly gateId: string;
  readonly gateName: string;
  /** Granted scans (alumni + guests). */
  readonly visits: number;
  readonly alumni: number;
  readonly guests: number;
  readonly denied: number;
}

/** Granted scans in one hour of the day (Hong Kong time); all 24 hours are present. */
export interface ReportHour {
  /** 0–23. */
  readonly hour: number;
  readonly visits: number;
}

/** Denied scans with one reason (a DENIAL_REASONS code; 'unknown' when the gate gave none). */
export interface ReportDenialReason {
  readonly reason: string;
  readonly count: number;
}

export interface ReportTotals {
  /** Granted scans. */
  readonly visits: number;
  readonly alumniVisits: number;
  readonly guestVisits: number;
  readonly denied: number;
  /** Distinct eCards with at least one granted alumni scan. */
  readonly uniqueAlumni: number;
  /** Distinct guest passes with at least one granted scan. */
  readonly uniqueGuests: number;
}

export interface ReportSummary {
  readonly from: string;
  readonly to: string;
  /** The gate filter, null for every gate. */
  readonly gateId: string | null;
  readonly timeZone: 'Asia/Hong_Kong';
  readonly totals: ReportTotals;
  readonly days: readonly ReportDay[];
  readonly gates: readonly ReportGateFigures[];
  readonly hours: readonly ReportHour[];
  /** Most frequent first. */
  readonly denials: readonly ReportDenialReason[];
}

/** The CSV export's header row, in column order. */
export const ENTRY_CSV_COLUMNS = [
  'time_hk',
  'time_utc',
  'gate',
  'type',
  'decision',
  'reason',
  'pass_kind',
  'holder_name',
  'alumni_number',
  'host_alumni_number',
  'passage',
  'flags',
  'event_id',
] as const;
export type EntryCsvColumn = (typeof ENTRY_CSV_COLUMNS)[number];
