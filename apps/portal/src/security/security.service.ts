import { Inject, Injectable } from '@nestjs/common';
import type { EntryPoint, EntrySearchPage, GateTile, LiveEntry } from '@campuspass/contracts';
import { campusDayOf } from '@campuspass/pass-token';
import { nameKey } from '../alumni/graduate-names.js';
import { Clock } from '../identity/clock.js';
import { RateLimitService } from '../identity/rate-limit.service.js';
import { SECURITY_SETTINGS, type SecuritySettings } from './security-settings.js';
import { SecurityException } from './security.exception.js';
import { PHOTO_RECENT_MS, SecurityRepository, type EntryCursor, type EntryFilter } from './security.repository.js';

/** A fresh feed starts with at most this many entries ... */
export const FEED_BACKLOG_LIMIT = 50;
/** ... stored within this long. */
export const FEED_BACKLOG_MS = PHOTO_RECENT_MS;

/** The search's query parameters as they arrive (strings), validated here. */
export interface EntrySearchQuery {
  readonly q?: string;
  readonly passId?: string;
  readonly gateId?: string;
  readonly decision?: string;
  readonly from?: string;
  readonly to?: string;
  readonly cursor?: string;
  readonly limit?: string;
}

export const MAX_SEARCH_LIMIT = 200;
/** The person filter's shortest text: shorter ones match too many people to be a search (and defeat the index). */
export const SEARCH_TEXT_MIN = 3;
/** Entry searches per staff member per minute (a page of results each; paging counts). */
export const SEARCHES_PER_MINUTE = 60;
/** Holder photos per staff member per minute (a busy feed shows a few per minute; harvesting needs thousands). */
export const PHOTOS_PER_MINUTE = 120;
const MAX_NAME_WORDS = 8;
const DEFAULT_SEARCH_LIMIT = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PASS_ID = /^[0-9a-fA-F]{32}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const invalid = (message: string) => new SecurityException('security-query-invalid', message);

/** Date would roll 2026-02-30 over to March: the written fields must be a real day and time. */
function realCalendarTime(value: string): boolean {
  const [year, month, day, hour, minute] = [0, 5, 8, 11, 14].map((start) => Number(value.slice(start, start + (start === 0 ? 4 : 2))));
  const check = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!));
  return (
    check.getUTCFullYear() === year && check.getUTCMonth() === month! - 1 && check.getUTCDate() === day && check.getUTCHours() === hour
  );
}

function instant(name: string, value: string): Date {
  const date = new Date(value);
  if (!ISO_INSTANT.test(value) || Number.isNaN(date.getTime()) || !realCalendarTime(value)) {
    throw invalid(`${name} must be a date and time in ISO 8601 with a time zone, e.g. 2026-11-27T08:00:00+08:00 or 2026-11-27T00:00:00Z.`);
  }
  return date;
}

export function encodeCursor(cursor: EntryCursor): string {
  return Buffer.from(`${cursor.occurredAt}|${cursor.gateId}|${cursor.eventId}`, 'utf8').toString('base64url');
}

function decodeCursor(text: string): EntryCursor {
  const [occurredAt, gateId, eventId, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !occurredAt || !CURSOR_TIME.test(occurredAt) || !gateId || !UUID.test(gateId) || !eventId || !UUID.test(eventId)) {
    throw invalid(
      'cursor is not one this search gave out. Pass the nextCursor of the previous page unchanged, or leave it out for the first page.',
    );
  }
  return { occurredAt, gateId, eventId };
}

/**
 * The words of a person filter as graduate name keys, each to be found in the name. At least one must have 3
 * characters or more (what the trigram index can serve; shorter ones then only narrow its matches); when none has,
 * the words run together ("li an" → "lian", matched in the run-together name forms).
 */
export function nameWords(q: string): string[] {
  const words = nameKey(q).split(' ').filter(Boolean).slice(0, MAX_NAME_WORDS);
  if (words.some((word) => [...word].length >= SEARCH_TEXT_MIN)) return words;
  const joined = words.join('');
  return [...joined].length >= SEARCH_TEXT_MIN ? [joined] : [];
}

/** Validates every search parameter, saying what is wrong and how to fix it. */
export function parseEntrySearch(query: EntrySearchQuery): EntryFilter {
  const known = new Set(['q', 'passId', 'gateId', 'decision', 'from', 'to', 'cursor', 'limit']);
  const unknown = Object.keys(query).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw invalid(`Unknown parameter ${unknown.join(', ')}: the search takes q, passId, gateId, decision, from, to, cursor and limit.`);
  }
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && typeof value !== 'string') throw invalid(`${name} must be given once.`);
  }
  const filter: { -readonly [K in keyof EntryFilter]: EntryFilter[K] } = { limit: DEFAULT_SEARCH_LIMIT };
  if (query.q !== undefined) {
    const q = query.q.trim();
    if (q.length < SEARCH_TEXT_MIN || q.length > 100) {
      throw invalid(
        `q must be ${SEARCH_TEXT_MIN} to 100 characters: part of a name (e.g. "chan tai"), or an alumni number like A00000012.`,
      );
    }
    filter.q = q;
    filter.nameWords = nameWords(q);
  }
  if (query.passId !== undefined) {
    if (!PASS_ID.test(query.passId)) throw invalid('passId must be the 32 hexadecimal digits of a pass id.');
    filter.passId = query.passId.toLowerCase();
  }
  if (query.gateId !== undefined) {
    if (!UUID.test(query.gateId)) throw invalid('gateId must be a gate id (a uuid) as the gate tiles show it.');
    filter.gateId = query.gateId.toLowerCase();
  }
  if (query.decision !== undefined) {
    if (query.decision !== 'granted' && query.decision !== 'denied') throw invalid('decision must be granted or denied.');
    filter.decision = query.decision;
  }
  if (query.from !== undefined) filter.from = instant('from', query.from);
  if (query.to !== undefined) filter.to = instant('to', query.to);
  if (filter.from && filter.to && filter.from > filter.to) throw invalid('from must not be later than to.');
  if (query.limit !== undefined) {
    const limit = Number(query.limit);
    if (!/^\d+$/.test(query.limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
      throw invalid(`limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}.`);
    }
    filter.limit = limit;
  }
  if (query.cursor !== undefined) filter.after = decodeCursor(query.cursor);
  return filter;
}

/** Gate tiles, the entry search, the feed's backlog and holder photos for security staff. */
@Injectable()
export class SecurityService {
  constructor(
    private readonly repository: SecurityRepository,
    private readonly clock: Clock,
    private readonly rateLimits: RateLimitService,
    @Inject(SECURITY_SETTINGS) private readonly settings: SecuritySettings,
  ) {}

  gates(): Promise<GateTile[]> {
    return this.repository.gateTiles(this.clock.now(), this.settings.gateOnlineMs);
  }

  /** Turnstiles and handheld points, for the entry search's gate filter. */
  async entryPoints(): Promise<EntryPoint[]> {
    return this.repository.entryPoints();
  }

  async search(query: EntrySearchQuery, staffId: string): Promise<EntrySearchPage> {
    const filter = parseEntrySearch(query);
    await this.rateLimits.consume({ name: 'security-entry-search', limit: SEARCHES_PER_MINUTE, windowMs: 60_000 }, staffId, 'searches');
    const page = await this.repository.searchEntries(filter);
    return { entries: page.entries, nextCursor: page.last ? encodeCursor(page.last) : null };
  }

  backlog(): Promise<LiveEntry[]> {
    return this.repository.recentEntries(new Date(this.clock.now().getTime() - FEED_BACKLOG_MS), FEED_BACKLOG_LIMIT);
  }

  /**
   * The photo of an eCard whose alumni pass was granted today (Hong Kong) or within the feed's window; 404 for any
   * other card (also one that exists), so ids cannot be walked to collect photos. Rate-limited per staff member.
   */
  async holderPhoto(ecardId: number, staffId: string): Promise<Buffer> {
    await this.rateLimits.consume({ name: 'security-holder-photo', limit: PHOTOS_PER_MINUTE, windowMs: 60_000 }, staffId, 'photo requests');
    const now = this.clock.now();
    const thumb =
      ecardId >= 1 && ecardId <= 2_147_483_647
        ? await this.repository.holderThumbnail(ecardId, campusDayOf(now.getTime()), new Date(now.getTime() - PHOTO_RECENT_MS))
        : null;
    if (!thumb) {
      throw new SecurityException(
        'photo-not-found',
        `No photo to show for eCard ${ecardId}: photos are shown only for alumni admitted today.`,
      );
    }
    return thumb;
  }
}
