import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuditEventEntity, type AuditActorType, type AuditOutcome } from './audit-event.entity.js';

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
}
