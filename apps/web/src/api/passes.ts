import type { ApiClient } from './client.js';

/** GET /api/passes/today (apps/portal/src/passes/dto DayPassResponse). */
export interface DayPass {
  readonly passId: string;
  readonly campusDay: number;
  /** YYYY-MM-DD, the Hong Kong day the pass is for. */
  readonly date: string;
  readonly dateInWords: { readonly en: string; readonly 'zh-Hant': string };
  readonly qrText: string;
  /** An <svg> document (qrcode); shown through an <img> data URL, never inserted as markup. */
  readonly qrSvg: string;
}

export const TODAY_PASS_PATH = '/api/passes/today';

/** Today's date in Hong Kong (the campus day), YYYY-MM-DD. */
export function hongKongToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Hong_Kong', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export function passesApi(client: ApiClient) {
  return {
    today: (signal?: AbortSignal) => client.get<DayPass>(TODAY_PASS_PATH, { signal }),
  };
}

/* ---------------------------------------------------------------------------------------------------------------
 * Guest Access (FAQ 21): apps/portal/src/passes/dto GuestPassResponse, GuestPolicyResponse, PublicGuestPassResponse.
 * ------------------------------------------------------------------------------------------------------------- */

export type GuestPassStatus = 'valid' | 'cancelled' | 'revoked' | 'expired';

export interface DateInWords {
  readonly en: string;
  readonly 'zh-Hant': string;
}

export interface GuestPass {
  readonly id: string;
  readonly guestName: string;
  readonly purpose: string;
  /** YYYY-MM-DD (Hong Kong). */
  readonly date: string;
  readonly dateInWords: DateInWords;
  readonly status: GuestPassStatus;
  /** Only while valid. */
  readonly qrText?: string;
  /** Only while valid, and only from GET /api/guest-passes/:id. */
  readonly qrSvg?: string;
  /** Only while valid: the public link and the portal's own WhatsApp URL. */
  readonly share?: { readonly link: string; readonly whatsappUrl: string };
}

export interface GuestPolicy {
  readonly maxDaysAhead: number;
  readonly maxGuestsPerDay: number;
  readonly purposes: readonly string[];
  /** Earliest access date (today in Hong Kong), YYYY-MM-DD. */
  readonly firstDate: string;
  /** Latest access date, YYYY-MM-DD. */
  readonly lastDate: string;
}

export interface NewGuestAccess {
  readonly date: string;
  readonly purpose: string;
  readonly guests: readonly string[];
}

export interface PublicGuestPass {
  readonly guestName: string;
  readonly date: string;
  readonly dateInWords: DateInWords;
  readonly status: GuestPassStatus;
  /** Only while valid. */
  readonly qrSvg?: string;
  /** The inviting alumnus, when the portal says (it does not yet). */
  readonly hostName?: string;
}

export interface ShareEmailResult {
  readonly delivery: 'queued' | 'sent';
  /** The recipient, masked. */
  readonly to: string;
}

export const GUEST_PASSES_PATH = '/api/guest-passes';
export const PUBLIC_GUEST_PASS_PATH = '/api/public/guest-passes';

/** The token of a `/g/<token>` path; undefined for any other path. Never decoded further: the portal judges it. */
export function guestTokenFromPath(pathname: string): string | undefined {
  const match = /^\/g\/([^/]+)\/?$/.exec(pathname);
  return match?.[1];
}

/** Whether a YYYY-MM-DD date lies in [first, last] (ISO dates compare as text). */
export function isDateInRange(date: string, first: string, last: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && date >= first && date <= last;
}

/** The day after a YYYY-MM-DD date (calendar arithmetic in UTC, so no time zone shifts it). */
export function nextDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}

/** The date the form starts with: tomorrow when the policy allows it, else the first allowed date. */
export function defaultGuestDate(policy: Pick<GuestPolicy, 'firstDate' | 'lastDate'>): string {
  const tomorrow = nextDate(policy.firstDate);
  return isDateInRange(tomorrow, policy.firstDate, policy.lastDate) ? tomorrow : policy.firstDate;
}

/** A WhatsApp "click to chat" link that lets the person pick the chat: https://wa.me/?text=<message>. */
export function whatsappShareUrl(message: string): string {
  return `https://wa.me/?text=${encodeURIComponent(message)}`;
}

/** Upcoming (valid, today or later) first by date; the rest (cancelled, revoked, expired) after, newest first. */
export function sortGuestPasses(passes: readonly GuestPass[]): { upcoming: GuestPass[]; other: GuestPass[] } {
  const byDate = (a: GuestPass, b: GuestPass) => a.date.localeCompare(b.date) || a.guestName.localeCompare(b.guestName);
  return {
    upcoming: passes.filter((pass) => pass.status === 'valid').sort(byDate),
    other: passes.filter((pass) => pass.status !== 'valid').sort((a, b) => byDate(b, a)),
  };
}

export type GuestFormField = 'date' | 'purpose' | 'guests';

/**
 * Which field of the New Campus Access form a server error concerns, so it is shown beside that field:
 * the portal's guest-* codes, else the words of a validation answer (which name the property).
 */
export function guestErrorField(code: string | undefined, messages: readonly string[]): GuestFormField | undefined {
  if (code === 'guest-date-invalid') return 'date';
  if (code === 'guest-purpose-invalid') return 'purpose';
  if (code === 'guest-limit-exceeded') return 'guests';
  const text = messages.join(' ').toLowerCase();
  if (/\bdate\b/.test(text)) return 'date';
  if (/\bpurpose\b/.test(text)) return 'purpose';
  if (/\bguest/.test(text)) return 'guests';
  return undefined;
}

/** Guest rows of the form: trimmed names; empty rows are dropped (an all-empty form has no guests). */
export function guestNames(rows: readonly string[]): string[] {
  return rows.map((row) => row.trim()).filter((row) => row.length > 0);
}

export function guestPassesApi(client: ApiClient) {
  return {
    policy: (signal?: AbortSignal) => client.get<GuestPolicy>(`${GUEST_PASSES_PATH}/policy`, { signal }),
    list: (signal?: AbortSignal) => client.get<GuestPass[]>(GUEST_PASSES_PATH, { signal }),
    get: (id: string, signal?: AbortSignal) => client.get<GuestPass>(`${GUEST_PASSES_PATH}/${encodeURIComponent(id)}`, { signal }),
    create: (request: NewGuestAccess) => client.post<GuestPass[]>(GUEST_PASSES_PATH, request),
    cancel: (id: string) => client.post<GuestPass>(`${GUEST_PASSES_PATH}/${encodeURIComponent(id)}/cancel`),
    shareByEmail: (id: string, to: string, locale: 'en' | 'zh-Hant') =>
      client.post<ShareEmailResult>(`${GUEST_PASSES_PATH}/${encodeURIComponent(id)}/share/email`, { to, locale }),
    /** No sign-in: the page behind a shared link. */
    publicPass: (token: string, signal?: AbortSignal) =>
      client.get<PublicGuestPass>(`${PUBLIC_GUEST_PASS_PATH}/${encodeURIComponent(token)}`, { signal, quiet401: true }),
  };
}
