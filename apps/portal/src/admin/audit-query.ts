import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, type AuditFilters } from '@campuspass/contracts';
import type { AuditActorType, AuditOutcome } from './audit-event.entity.js';
import { AdminException } from './admin.exception.js';

/** The audit filters as the repository applies them: every field already checked. */
export interface AuditSearch {
  readonly action?: { readonly exact: string } | { readonly prefix: string };
  readonly actorType?: AuditActorType;
  readonly actorId?: string;
  /** A staff member's email (lower-cased): their rows as actor. */
  readonly actorEmail?: string;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly outcome?: AuditOutcome;
  readonly from?: Date;
  readonly to?: Date;
}

/** Where the next (older) page starts: the last row's exact time (microseconds, as text) and id. */
export interface AuditCursor {
  readonly occurredAt: string;
  readonly id: string;
}

const ACTION_PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}$/i;
const ACTION_FAMILY_PATTERN = /^([a-z0-9][a-z0-9._-]{0,98})\.\*$/i;
const TARGET_TYPE_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Hong Kong has kept +08:00 all year since 1979: a Hong Kong day starts at 00:00+08:00. */
const HONG_KONG_OFFSET = '+08:00';
/** NUL and the other C0/C1 control characters: no filter value has them, and PostgreSQL refuses NUL in text. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/u;
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function invalid(parameter: string, message: string): AdminException {
  return new AdminException('audit-query-invalid', `${parameter}: ${message}`, { parameter });
}

function noControlCharacters(parameter: string, value: string): void {
  if (CONTROL_CHARACTERS.test(value)) {
    throw invalid(parameter, 'contains a control character (such as NUL). Remove it and type the value again.');
  }
}

/**
 * An ISO 8601 date-time with its offset, or a date alone, read as a Hong Kong day: `from` is its 00:00 (+08:00),
 * `to` (exclusive) the 00:00 of the next Hong Kong day, so `from=to=2026-11-27` is the whole of 27 November in Hong Kong.
 */
function instant(parameter: 'from' | 'to', value: string): Date {
  noControlCharacters(parameter, value);
  const day = DATE_ONLY.exec(value);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const utc = new Date(Date.UTC(year, month - 1, date));
    if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== date) {
      throw invalid(parameter, `"${value}" is not a calendar day. Use YYYY-MM-DD, e.g. 2026-11-27.`);
    }
    if (parameter === 'to') utc.setUTCDate(utc.getUTCDate() + 1);
    return new Date(`${utc.toISOString().slice(0, 10)}T00:00:00${HONG_KONG_OFFSET}`);
  }
  const date = new Date(value);
  if (!ISO_INSTANT.test(value) || Number.isNaN(date.getTime())) {
    throw invalid(
      parameter,
      `"${value}" is not a date-time. Use ISO 8601 with an offset, e.g. 2026-11-27T00:00:00+08:00, or a Hong Kong date, e.g. 2026-11-27.`,
    );
  }
  return date;
}

/** Checks the filters of a search or an export; the error names the parameter and the form it expects. */
export function parseAuditFilters(filters: AuditFilters): AuditSearch {
  const search: { -readonly [K in keyof AuditSearch]: AuditSearch[K] } = {};
  for (const parameter of ['action', 'actor', 'subject'] as const) {
    const value = filters[parameter];
    if (value) noControlCharacters(parameter, value);
  }
  const action = filters.action?.trim();
  if (action) {
    const family = ACTION_FAMILY_PATTERN.exec(action);
    if (family) search.action = { prefix: `${family[1]}.` };
    else if (ACTION_PATTERN.test(action) && !action.includes('*')) search.action = { exact: action };
    else throw invalid('action', `"${action}" is not an action. Use an action like gate.revoke, or a family like gate.*.`);
  }
  if (filters.actorType !== undefined) {
    if (!(AUDIT_ACTOR_TYPES as readonly string[]).includes(filters.actorType)) {
      throw invalid('actorType', `must be one of ${AUDIT_ACTOR_TYPES.join(', ')}.`);
    }
    search.actorType = filters.actorType;
  }
  const actor = filters.actor?.trim();
  if (actor) {
    if (actor.length > 254) throw invalid('actor', 'must be at most 254 characters (an actor id or a staff email).');
    if (actor.includes('@')) search.actorEmail = actor.toLowerCase();
    else search.actorId = actor;
  }
  const subject = filters.subject?.trim();
  if (subject) {
    if (subject.length > 200) throw invalid('subject', 'must be at most 200 characters (a record id, or type:id).');
    const colon = subject.indexOf(':');
    const type = colon > 0 ? subject.slice(0, colon) : undefined;
    if (type !== undefined && TARGET_TYPE_PATTERN.test(type)) {
      search.targetType = type;
      const id = subject.slice(colon + 1);
      if (id) search.targetId = id;
    } else {
      search.targetId = subject;
    }
  }
  if (filters.outcome !== undefined) {
    if (!(AUDIT_OUTCOMES as readonly string[]).includes(filters.outcome))
      throw invalid('outcome', `must be one of ${AUDIT_OUTCOMES.join(', ')}.`);
    search.outcome = filters.outcome;
  }
  if (filters.from) search.from = instant('from', filters.from);
  if (filters.to) search.to = instant('to', filters.to);
  if (search.from && search.to && search.from >= search.to) throw invalid('to', 'must be later than from.');
  return search;
}

export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify([cursor.occurredAt, cursor.id]), 'utf8').toString('base64url');
}

export function decodeAuditCursor(value: string): AuditCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    !CURSOR_TIME.test(parsed[0]) ||
    typeof parsed[1] !== 'string' ||
    !/^\d{1,19}$/.test(parsed[1])
  ) {
    throw invalid('cursor', 'is not a cursor this portal gave out. Start again from the first page.');
  }
  return { occurredAt: parsed[0], id: parsed[1] };
}
