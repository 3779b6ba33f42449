import type { AlertPage, EntryPoint, EntrySearchPage, GateTile, HandheldVerdict, IngestStatus, SecurityAlert } from '@campuspass/contracts';
import { api } from './api.js';
import type { ApiClient } from './client.js';

export type {
  AlertPage,
  EntryHolder,
  EntryPoint,
  EntrySearchPage,
  GateTile,
  HandheldVerdict,
  IngestStatus,
  LiveEntry,
  SecurityAlert,
} from '@campuspass/contracts';

/** The live feed (server-sent events: `entry`, `alert`, `ping`), opened with EventSource, not through the client. */
export const SECURITY_FEED_PATH = '/api/security/feed';

export type AlertState = 'open' | 'acknowledged' | 'all';

/** The portal's limits for an acknowledgement note and a handheld location (kept short: a line, not an essay). */
export const NOTE_MAX = 1000;
export const LOCATION_MAX = 100;

/** A pass id as the portal stores it: 128 bits as 32 lowercase hex digits. */
export const PASS_ID_PATTERN = /^[0-9a-f]{32}$/;
/** The person filter: part of a name or an alumni number, 3 to 100 characters. */
export const SEARCH_TEXT_MIN = 3;
export const SEARCH_TEXT_MAX = 100;

/** The entry search form as typed: every field a string; `from`/`to` as an <input type="datetime-local"> gives them. */
export interface EntryFilters {
  readonly q: string;
  readonly passId: string;
  readonly gateId: string;
  readonly decision: '' | 'granted' | 'denied';
  readonly from: string;
  readonly to: string;
}

export const EMPTY_ENTRY_FILTERS: EntryFilters = { q: '', passId: '', gateId: '', decision: '', from: '', to: '' };

/** What is wrong with a filter: the field and a code the page words (security.search.problems.<code>). */
export type EntryFilterProblem = 'too-short' | 'too-long' | 'control-characters' | 'pass-id-invalid' | 'time-invalid' | 'range-reversed';

/** The campus's time zone: times are shown, and typed into the search, as Hong Kong time (UTC+8, no DST). */
export const CAMPUS_TIME_ZONE = 'Asia/Hong_Kong';
const CAMPUS_OFFSET = '+08:00';

/** Control characters (NUL and the like), which the portal refuses. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
export type EntryFilterProblems = Partial<Record<'q' | 'passId' | 'from' | 'to', EntryFilterProblem>>;

/** A pass id as people paste it (spaces, dashes, capitals) in the portal's form. */
export function normalizePassId(value: string): string {
  return value.replace(/[\s-]/g, '').toLowerCase();
}

/**
 * A datetime-local value read as Hong Kong time (whatever the device's zone) as an ISO instant; undefined when it is
 * not a valid time (also a day that does not exist, such as 30 February).
 */
export function localTimeToIso(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d{1,3})?)?$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [number, number, number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || check.getUTCHours() !== hour) {
    return undefined;
  }
  const time = new Date(`${value}${CAMPUS_OFFSET}`).getTime();
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** The problems of the search form, field by field; empty when it can be sent. */
export function checkEntryFilters(filters: EntryFilters): EntryFilterProblems {
  const problems: EntryFilterProblems = {};
  const q = filters.q.trim();
  if (q && q.length < SEARCH_TEXT_MIN) problems.q = 'too-short';
  if (q.length > SEARCH_TEXT_MAX) problems.q = 'too-long';
  if (CONTROL_CHARACTERS.test(q)) problems.q = 'control-characters';
  const passId = normalizePassId(filters.passId);
  if (passId && !PASS_ID_PATTERN.test(passId)) problems.passId = 'pass-id-invalid';
  const from = filters.from ? localTimeToIso(filters.from) : '';
  const to = filters.to ? localTimeToIso(filters.to) : '';
  if (from === undefined) problems.from = 'time-invalid';
  if (to === undefined) problems.to = 'time-invalid';
  if (from && to && from > to) problems.to = 'range-reversed';
  return problems;
}

/**
 * The query string of GET /api/security/entries for valid filters (check them first): empty fields left out, the
 * pass id normalised, times as ISO instants, and the cursor of the older page when there is one.
 */
export function entryQuery(filters: EntryFilters, cursor?: string | null, limit?: number): string {
  const params = new URLSearchParams();
  const q = filters.q.trim();
  if (q) params.set('q', q);
  const passId = normalizePassId(filters.passId);
  if (passId) params.set('passId', passId);
  if (filters.gateId) params.set('gateId', filters.gateId);
  if (filters.decision) params.set('decision', filters.decision);
  const from = filters.from ? localTimeToIso(filters.from) : undefined;
  if (from) params.set('from', from);
  const to = filters.to ? localTimeToIso(filters.to) : undefined;
  if (to) params.set('to', to);
  if (cursor) params.set('cursor', cursor);
  if (limit !== undefined) params.set('limit', String(limit));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function securityApi(client: ApiClient) {
  return {
    gates: (signal?: AbortSignal) => client.get<{ gates: GateTile[] }>('/api/security/gates', { signal }).then((body) => body.gates),
    entries: (filters: EntryFilters, cursor?: string | null, signal?: AbortSignal) =>
      client.get<EntrySearchPage>(`/api/security/entries${entryQuery(filters, cursor)}`, { signal }),
    alerts: (state: AlertState = 'open', signal?: AbortSignal) =>
      client.get<{ alerts: SecurityAlert[] }>(`/api/security/alerts?state=${state}`, { signal }).then((body) => body.alerts),
    /** One page of alerts, older ones by `cursor` (the previous page's nextCursor). */
    alertPage: (state: AlertState, cursor: string | null, limit: number, signal?: AbortSignal) => {
      const params = new URLSearchParams({ state, limit: String(limit) });
      if (cursor) params.set('cursor', cursor);
      return client.get<AlertPage>(`/api/security/alerts?${params.toString()}`, { signal });
    },
    /** Turnstiles and handheld points, for the search's gate filter. */
    entryPoints: (signal?: AbortSignal) =>
      client.get<{ points: EntryPoint[] }>('/api/security/entry-points', { signal }).then((body) => body.points),
    acknowledge: (alertId: string, note: string) =>
      client.post<SecurityAlert>(`/api/security/alerts/${encodeURIComponent(alertId)}/acknowledge`, { note }),
    handheldCheck: (qr: string, location?: string) =>
      client.post<HandheldVerdict>('/api/security/handheld/check', location ? { qr, location } : { qr }),
    ingest: (signal?: AbortSignal) => client.get<IngestStatus>('/api/security/ingest', { signal }),
  };
}

export type SecurityApi = ReturnType<typeof securityApi>;

/** The app's security API, over the app's one client. */
export const security = securityApi(api);
