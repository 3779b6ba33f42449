import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AuditActorType = 'alumnus' | 'staff' | 'gate' | 'system';
export type AuditOutcome = 'success' | 'failure';

/** One line of the audit log: who did what to which record, when, from where, and how it ended. Append-only. */
@Entity({ name: 'audit_event' })
export class AuditEventEntity {
  // bigint comes back from pg as a string: it can exceed Number.MAX_SAFE_INTEGER.
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt!: Date;

  @Column({ name: 'actor_type', type: 'text' })
  actorType!: AuditActorType;

  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId!: string | null;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'target_type', type: 'text', nullable: true })
  targetType!: string | null;

  @Column({ name: 'target_id', type: 'text', nullable: true })
  targetId!: string | null;

  @Column({ type: 'text' })
  outcome!: AuditOutcome;

  @Column({ type: 'inet', nullable: true })
  ip!: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  details!: Record<string, unknown>;
}
