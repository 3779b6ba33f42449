import { Injectable } from '@nestjs/common';
import { maskSecrets } from '../core/logging/mask.js';
import type { AuditEventEntity } from './audit-event.entity.js';
import { AuditRepository, type AuditQuery, type NewAuditEvent } from './audit.repository.js';

const MAX_LIMIT = 500;

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
}
