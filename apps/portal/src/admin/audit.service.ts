import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, type AuditFilters } from '@campuspass/contracts';
import { maskSecrets } from '../core/logging/mask.js';
import type { AuditActorType, AuditEventEntity } from './audit-event.entity.js';
import { auditCsv } from './audit-csv.js';
import { decodeAuditCursor, encodeAuditCursor, parseAuditFilters } from './audit-query.js';
import { AuditRepository, type AuditQuery, type AuditRow, type NewAuditEvent } from './audit.repository.js';

const MAX_LIMIT = 500;

export interface AuditSearchPage {
  readonly rows: readonly AuditRow[];
  readonly nextCursor: string | null;
}

/** Who asked for an export (it is recorded). */
export interface AuditReader {
  readonly type: Extract<AuditActorType, 'staff' | 'system'>;
  readonly id: string | null;
  readonly ip?: string | null;
}

/** The audit log: every staff action and every sign-in is recorded here (see the admin domain). */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  /** Details are masked like logs: an audit line must never hold a secret or a personal ID number. */
  record(event: NewAuditEvent): Promise<AuditEventEntity> {
    return this.repository.insert({ ...event, details: maskSecrets(event.details ?? {}) as Record<string, unknown> });
  }

  list(query: Partial<AuditQuery>): Promise<AuditEventEntity[]> {
    return this.repository.find({ ...query, limit: Math.min(Math.max(query.limit ?? 100, 1), MAX_LIMIT) });
  }

  /** A page of the log, newest first; `cursor` continues where the previous page ended. */
  async search(filters: AuditFilters, cursor?: string, limit = AUDIT_PAGE_DEFAULT): Promise<AuditSearchPage> {
    const search = parseAuditFilters(filters);
    const after = cursor ? decodeAuditCursor(cursor) : undefined;
    const size = Math.min(Math.max(Math.trunc(limit), 1), AUDIT_PAGE_MAX);
    const rows = await this.repository.page(search, after, size + 1);
    const more = rows.length > size;
    const page = more ? rows.slice(0, size) : rows;
    const last = page.at(-1);
    return { rows: page, nextCursor: more && last ? encodeAuditCursor({ occurredAt: last.occurredAtExact, id: last.id }) : null };
  }

  /**
   * The whole log matching the filters as CSV, streamed in keyset pages (no connection held between them). The
   * export itself is recorded first (who, from where, with which filters), so an export cut short is on record too.
   */
  async exportCsv(filters: AuditFilters, reader: AuditReader): Promise<Readable> {
    const search = parseAuditFilters(filters);
    await this.record({
      actorType: reader.type,
      actorId: reader.id,
      action: 'audit.export',
      outcome: 'success',
      ip: reader.ip ?? null,
      details: { filters: Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined && value !== '')) },
    });
    return auditCsv(this.repository.exportRows(search));
  }
}
