import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import {
  AUDIT_ACTOR_TYPES,
  AUDIT_OUTCOMES,
  AUDIT_PAGE_DEFAULT,
  AUDIT_PAGE_MAX,
  type AuditActorTypeName,
  type AuditEntry,
  type AuditFilters,
  type AuditOutcomeName,
  type AuditPage,
} from '@campuspass/contracts';
import type { AuditRow } from '../audit.repository.js';
import type { AuditSearchPage } from '../audit.service.js';

/** An empty query parameter (`?action=`, as a form sends an empty field) means no filter. */
const emptyIsAbsent = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value));

export class AuditFiltersQuery implements AuditFilters {
  @ApiPropertyOptional({ description: 'An action (gate.revoke) or a family (gate.*)', example: 'gate.*' })
  @emptyIsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'action must be at most 100 characters, e.g. gate.revoke or gate.*' })
  action?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTOR_TYPES })
  @emptyIsAbsent()
  @IsOptional()
  @IsIn(AUDIT_ACTOR_TYPES, { message: `actorType must be one of ${AUDIT_ACTOR_TYPES.join(', ')}` })
  actorType?: AuditActorTypeName;

  @ApiPropertyOptional({ description: "An actor id (a staff or alumni account id, a gate id), or a staff member's email" })
  @emptyIsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(254, { message: 'actor must be at most 254 characters: an actor id or a staff email' })
  actor?: string;

  @ApiPropertyOptional({ description: 'The record acted on: its id, or type:id (gate:…, staff:…, signing-key:…)' })
  @emptyIsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'subject must be at most 200 characters: a record id or type:id' })
  subject?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES })
  @emptyIsAbsent()
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES, { message: `outcome must be one of ${AUDIT_OUTCOMES.join(', ')}` })
  outcome?: AuditOutcomeName;

  @ApiPropertyOptional({
    description:
      'From this instant on (ISO 8601, inclusive). A date alone (2026-11-27) means 00:00 of that day in Hong Kong (+08:00); a date-time without an offset is refused.',
    example: '2026-11-01T00:00:00+08:00',
  })
  @emptyIsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(40, { message: 'from must be an ISO 8601 date-time, e.g. 2026-11-01T00:00:00+08:00, or a Hong Kong date, e.g. 2026-11-01' })
  from?: string;

  @ApiPropertyOptional({
    description:
      'Before this instant (ISO 8601, exclusive). A date alone (2026-11-30) means up to the end of that day in Hong Kong, i.e. before 00:00 +08:00 of the next day.',
    example: '2026-12-01T00:00:00+08:00',
  })
  @emptyIsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(40, { message: 'to must be an ISO 8601 date-time, e.g. 2026-12-01T00:00:00+08:00, or a Hong Kong date, e.g. 2026-11-30' })
  to?: string;
}

/** The export's query: the filters, and the session's CSRF token for clients that send no Sec-Fetch-Site. */
export class AuditExportQuery extends AuditFiltersQuery {
  @ApiPropertyOptional({
    description: 'The session CSRF token, only for clients that send no Sec-Fetch-Site header (or send X-CSRF-Token instead)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'csrf must be the security token of your session' })
  csrf?: string;
}

export class AuditSearchQuery extends AuditFiltersQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @emptyIsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'cursor must be the nextCursor of the previous page' })
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: AUDIT_PAGE_MAX, default: AUDIT_PAGE_DEFAULT })
  @emptyIsAbsent()
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `limit must be a whole number from 1 to ${AUDIT_PAGE_MAX}` })
  @Min(1, { message: `limit must be a whole number from 1 to ${AUDIT_PAGE_MAX}` })
  @Max(AUDIT_PAGE_MAX, { message: `limit must be a whole number from 1 to ${AUDIT_PAGE_MAX}` })
  limit?: number;
}

export class AuditEntryResponse implements AuditEntry {
  @ApiProperty({ description: 'bigint as a string' })
  id!: string;
  @ApiProperty()
  occurredAt!: string;
  @ApiProperty({ enum: AUDIT_ACTOR_TYPES })
  actorType!: AuditActorTypeName;
  @ApiProperty({ nullable: true, type: String })
  actorId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "Staff actors: the account's name as it is now" })
  actorName!: string | null;
  @ApiProperty({ nullable: true, type: String })
  actorEmail!: string | null;
  @ApiProperty({ example: 'gate.revoke' })
  action!: string;
  @ApiProperty({ nullable: true, type: String })
  targetType!: string | null;
  @ApiProperty({ nullable: true, type: String })
  targetId!: string | null;
  @ApiProperty({ enum: AUDIT_OUTCOMES })
  outcome!: AuditOutcomeName;
  @ApiProperty({ nullable: true, type: String })
  ip!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Secrets and personal id numbers are masked' })
  details!: Record<string, unknown>;
}

export class AuditPageResponse implements AuditPage {
  @ApiProperty({ type: [AuditEntryResponse] })
  events!: AuditEntryResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next (older) page; null at the end' })
  nextCursor!: string | null;
}

export function mapAuditRow(row: AuditRow): AuditEntryResponse {
  return {
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    actorName: row.actorName,
    actorEmail: row.actorEmail,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    outcome: row.outcome,
    ip: row.ip,
    details: row.details,
  };
}

export function mapAuditPage(page: AuditSearchPage): AuditPageResponse {
  return { events: page.rows.map(mapAuditRow), nextCursor: page.nextCursor };
}

/** The filters only (a query DTO also carries cursor and limit). */
export function filtersOf(query: AuditFiltersQuery): AuditFilters {
  const { action, actorType, actor, subject, outcome, from, to } = query;
  return { action, actorType, actor, subject, outcome, from, to };
}
