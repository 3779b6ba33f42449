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
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function invalid(parameter: string, message: string): AdminException {
  return new AdminException('audit-query-invalid', `${parameter}: ${message}`, { parameter });
}

function instant(parameter: 'from' | 'to', value: string): Date {
  const date = new Date(value);
  if (!ISO_INSTANT.test(value) || Number.isNaN(date.getTime())) {
    throw invalid(parameter, `"${value}" is not a date-time. Use ISO 8601, e.g. 2026-11-27T00:00:00Z or 2026-11-27.`);
  }
  return date;
}

/** Checks the filters of a search or an export; the error names the parameter and the form it expects. */
export function parseAuditFilters(filters: AuditFilters): AuditSearch {
  const search: { -readonly [K in keyof AuditSearch]: AuditSearch[K] } = {};
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

/** Spreadsheet formula injection: a cell starting with = + - @ (or a tab or carriage return) is read as text. */
export function neutralizeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
