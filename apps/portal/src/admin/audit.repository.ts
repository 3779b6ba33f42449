import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuditEventEntity, type AuditActorType, type AuditOutcome } from './audit-event.entity.js';
import type { AuditCursor, AuditSearch } from './audit-query.js';

export interface NewAuditEvent {
  actorType: AuditActorType;
  actorId?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  outcome: AuditOutcome;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** A row of the audit log as the admin pages and the export read it (with the staff actor's current name). */
export interface AuditRow {
  readonly id: string;
  readonly occurredAt: Date;
  /** occurred_at to the microsecond, ISO in UTC: what a cursor carries. */
  readonly occurredAtExact: string;
  readonly actorType: AuditActorType;
  readonly actorId: string | null;
  readonly actorName: string | null;
  readonly actorEmail: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly outcome: AuditOutcome;
  readonly ip: string | null;
  readonly details: Record<string, unknown>;
}

/** Rows per page of an export: a short query each, and about this many rows in memory at most. */
export const AUDIT_EXPORT_PAGE_ROWS = 1000;

const SELECT_ROWS = `
  SELECT e.id, e.occurred_at,
         to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at_exact,
         e.actor_type, e.actor_id, s.name AS actor_name, s.email AS actor_email, e.action, e.target_type, e.target_id,
         e.outcome, host(e.ip) AS ip, e.details
    FROM audit_event e
    LEFT JOIN staff_account s ON e.actor_type = 'staff' AND s.id::text = e.actor_id`;

/** The WHERE clause of a search, its parameters numbered from 1. */
function whereOf(search: AuditSearch, cursor?: AuditCursor): { sql: string; parameters: unknown[] } {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    parameters.push(value);
    conditions.push(sql(`$${parameters.length}`));
  };
  if (search.action && 'exact' in search.action) add((p) => `e.action = ${p}`, search.action.exact);
  if (search.action && 'prefix' in search.action) {
    add((p) => `e.action LIKE ${p}`, `${search.action.prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (search.actorType) add((p) => `e.actor_type = ${p}`, search.actorType);
  if (search.actorId) add((p) => `e.actor_id = ${p}`, search.actorId);
  if (search.actorEmail) {
    add((p) => `e.actor_type = 'staff' AND e.actor_id = (SELECT id::text FROM staff_account WHERE email = ${p})`, search.actorEmail);
  }
  if (search.targetType) add((p) => `e.target_type = ${p}`, search.targetType);
  if (search.targetId) add((p) => `e.target_id = ${p}`, search.targetId);
  if (search.outcome) add((p) => `e.outcome = ${p}`, search.outcome);
  if (search.from) add((p) => `e.occurred_at >= ${p}`, search.from);
  if (search.to) add((p) => `e.occurred_at < ${p}`, search.to);
  if (cursor) {
    parameters.push(cursor.occurredAt, cursor.id);
    // The plain bound lets any of the (…, occurred_at DESC) indexes start at the cursor (the row comparison alone only
    // fits the keyset index), so every page of a filtered export is as quick as the first.
    conditions.push(
      `e.occurred_at <= $${parameters.length - 1}::timestamptz AND (e.occurred_at, e.id) < ($${parameters.length - 1}::timestamptz, $${parameters.length}::bigint)`,
    );
  }
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', parameters };
}

export function auditRowFrom(row: Record<string, unknown>): AuditRow {
  return {
    id: String(row.id),
    occurredAt: row.occurred_at as Date,
    occurredAtExact: row.occurred_at_exact as string,
    actorType: row.actor_type as AuditActorType,
    actorId: row.actor_id as string | null,
    actorName: row.actor_name as string | null,
    actorEmail: row.actor_email as string | null,
    action: row.action as string,
    targetType: row.target_type as string | null,
    targetId: row.target_id as string | null,
    outcome: row.outcome as AuditOutcome,
    ip: row.ip as string | null,
    details: (row.details ?? {}) as Record<string, unknown>,
  };
}

export interface AuditQuery {
  actorType?: AuditActorType;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>) {}

  insert(event: NewAuditEvent): Promise<AuditEventEntity> {
    return this.events.save(
      this.events.create({
        actorType: event.actorType,
        actorId: event.actorId ?? null,
        action: event.action,
        targetType: event.targetType ?? null,
        targetId: event.targetId ?? null,
        outcome: event.outcome,
        ip: event.ip ?? null,
        details: event.details ?? {},
      }),
    );
  }

  /** Newest first. */
  find(query: AuditQuery): Promise<AuditEventEntity[]> {
    const builder = this.events
      .createQueryBuilder('event')
      .orderBy('event.occurred_at', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .limit(query.limit);
    if (query.actorType) builder.andWhere('event.actor_type = :actorType', { actorType: query.actorType });
    if (query.actorId) builder.andWhere('event.actor_id = :actorId', { actorId: query.actorId });
    if (query.action) builder.andWhere('event.action = :action', { action: query.action });
    if (query.from) builder.andWhere('event.occurred_at >= :from', { from: query.from });
    if (query.to) builder.andWhere('event.occurred_at < :to', { to: query.to });
    return builder.getMany();
  }

  /** One page of a search, newest first (occurred_at, then id), starting after `cursor`. */
  async page(search: AuditSearch, cursor: AuditCursor | undefined, limit: number): Promise<AuditRow[]> {
    const where = whereOf(search, cursor);
    const rows = (await this.events.manager.query(
      `${SELECT_ROWS} ${where.sql} ORDER BY e.occurred_at DESC, e.id DESC LIMIT $${where.parameters.length + 1}`,
      [...where.parameters, limit],
    )) as Array<Record<string, unknown>>;
    return rows.map(auditRowFrom);
  }

  /**
   * Every row of a search, newest first, as a stream of keyset pages of `pageSize` rows: each page is one short
   * query, and no connection is held between pages (nor while the reader is slow), so an export can never starve
   * the pool. A page is fetched only when the reader has taken the previous one (backpressure), so memory stays at
   * about one page however long the log. Rows written after the export started are newer than its first page and
   * are not in it: the file is the log as it was when the export began.
   */
  exportRows(search: AuditSearch, pageSize = AUDIT_EXPORT_PAGE_ROWS): Readable {
    const pages = async function* (repository: AuditRepository): AsyncGenerator<AuditRow> {
      let after: AuditCursor | undefined;
      for (;;) {
        const rows = await repository.page(search, after, pageSize);
        yield* rows;
        const last = rows.at(-1);
        if (rows.length < pageSize || !last) return;
        after = { occurredAt: last.occurredAtExact, id: last.id };
      }
    };
    return Readable.from(pages(this), { objectMode: true, highWaterMark: 64 });
  }
}
