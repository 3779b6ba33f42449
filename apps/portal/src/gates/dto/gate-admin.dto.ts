import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';
import { gatePolicySchema, type GatePolicy } from '@campuspass/contracts';
import type { GateEntity } from '../gate.entity.js';
import type { IssuedEnrollmentCode } from '../gate-admin.service.js';
import type { GateHeartbeatRow, GateListRow } from '../gates.repository.js';
import { IsPlainLine, IsPlainText } from '../../profile/dto/profile-validators.js';

export class CreateGateDto {
  @ApiProperty({ description: 'Where the gate stands, e.g. "North Entrance, Turnstile 1" (trimmed)', minLength: 1, maxLength: 200 })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 200, { message: 'name must have 1 to 200 characters, e.g. "North Entrance, Turnstile 1"' })
  @IsPlainLine({
    message:
      'name must be text on one line, without line breaks, control or bidirectional-override characters, e.g. "North Entrance, Turnstile 1"',
  })
  name!: string;
}

export class RevokeGateDto {
  @ApiProperty({ description: 'Why, for the audit log (e.g. "device stolen")', minLength: 3, maxLength: 500 })
  @IsString()
  @Length(3, 500, { message: 'reason must have 3 to 500 characters, e.g. "device stolen"' })
  @IsPlainText({ message: 'reason must be text without control or bidirectional-override characters, e.g. "device stolen"' })
  reason!: string;
}

export class GateOpeningHoursBody {
  @ApiProperty({ type: [Number], description: 'ISO weekdays, 1 = Monday … 7 = Sunday', example: [1, 2, 3, 4, 5] })
  weekdays!: number[];
  @ApiProperty({ example: '07:00', description: 'HH:MM, Hong Kong time' })
  open!: string;
  @ApiProperty({ example: '22:00', description: 'HH:MM, Hong Kong time' })
  close!: string;
}

/** OpenAPI shape of GatePolicy (libs/contracts gate-bundle.ts gatePolicySchema, which validates it). */
export class GatePolicyBody implements GatePolicy {
  @ApiProperty({ enum: ['alumni-day', 'guest'], isArray: true, description: 'Pass kinds this gate admits (at least one)' })
  passKinds!: Array<'alumni-day' | 'guest'>;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 15, description: "Zone bit (0–15) matched against the pass's scope" })
  zone!: number;
  @ApiProperty({ type: [GateOpeningHoursBody], description: 'Opening hours per weekday; empty: always open' })
  hours!: GateOpeningHoursBody[];
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 86400, description: 'Anti-passback window, seconds' })
  reEntryWindowSeconds!: number;
}

export class GateHeartbeatStatusResponse {
  @ApiProperty()
  receivedAt!: string;
  @ApiProperty({ type: 'integer', description: 'Bundle version the gate decides with' })
  bundleVersion!: number;
  @ApiProperty()
  clockTrusted!: boolean;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Gate clock minus portal clock, ms' })
  clockOffsetMs!: number | null;
  @ApiProperty({ type: 'integer' })
  outboxPending!: number;
  @ApiProperty({ description: 'Outbox fill, 0–1' })
  outboxFill!: number;
  @ApiProperty({ nullable: true, type: String })
  oldestPendingAt!: string | null;
  @ApiProperty({ enum: ['ok', 'fault', 'absent'] })
  relay!: string;
  @ApiProperty({ enum: ['ok', 'fault', 'absent'] })
  passageSensor!: string;
  @ApiProperty({ enum: ['ok', 'fault', 'absent'] })
  input!: string;
  @ApiProperty({ enum: ['normal', 'active', 'absent'] })
  fireInput!: string;
  @ApiProperty({ type: 'integer' })
  uptimeSeconds!: number;
}

export class GateResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ enum: ['pending', 'active', 'revoked'] })
  status!: string;
  @ApiProperty({ type: GatePolicyBody, description: 'What the gate admits, when, and its re-entry window (in its bundle)' })
  policy!: GatePolicy | null;
  @ApiProperty()
  createdAt!: string;
  @ApiProperty({ nullable: true, type: String })
  enrolledAt!: string | null;
  @ApiProperty({ nullable: true, type: String })
  revokedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Pending gates: when the current enrollment code expires' })
  enrollmentExpiresAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Last bundle request or heartbeat' })
  lastSeenAt!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Bundle version last served to the gate' })
  lastServedBundleVersion!: number | null;
  @ApiProperty({ nullable: true, type: String })
  agentVersion!: string | null;
  @ApiProperty({ type: GateHeartbeatStatusResponse, nullable: true, description: 'Health from the last heartbeat' })
  heartbeat!: GateHeartbeatStatusResponse | null;
}

export class IssuedEnrollmentCodeResponse {
  @ApiProperty({ type: GateResponse })
  gate!: GateResponse;
  @ApiProperty({
    description: 'Shown once: enter it on the gate (npm run gate -- enroll). Only its keyed hash is stored.',
    example: 'K7P2-9QXM-4TRD',
  })
  enrollmentCode!: string;
  @ApiProperty()
  expiresAt!: string;
}

const iso = (value: Date | null) => (value === null ? null : value.toISOString());

function mapHeartbeat(heartbeat: GateHeartbeatRow): GateHeartbeatStatusResponse {
  return { ...heartbeat, receivedAt: heartbeat.receivedAt.toISOString(), oldestPendingAt: iso(heartbeat.oldestPendingAt) };
}

/** The stored policy when it still fits the contract (it is validated on every write); null otherwise. */
function policyOf(stored: unknown): GatePolicy | null {
  const parsed = gatePolicySchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

export function mapGateRow(row: GateListRow): GateResponse {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    policy: policyOf(row.policy),
    createdAt: row.createdAt.toISOString(),
    enrolledAt: iso(row.enrolledAt),
    revokedAt: iso(row.revokedAt),
    enrollmentExpiresAt: iso(row.enrollmentExpiresAt),
    lastSeenAt: iso(row.lastSeenAt),
    lastServedBundleVersion: row.lastServedBundleVersion,
    agentVersion: row.agentVersion,
    heartbeat: row.heartbeat ? mapHeartbeat(row.heartbeat) : null,
  };
}

/** A gate entity without its heartbeat (answers to create, revoke and new-code requests). */
export function mapGate(gate: GateEntity): GateResponse {
  return mapGateRow({
    id: gate.id,
    name: gate.name,
    status: gate.status,
    policy: gate.policy,
    createdAt: gate.createdAt,
    enrolledAt: gate.enrolledAt,
    revokedAt: gate.revokedAt,
    enrollmentExpiresAt: gate.enrollmentExpiresAt,
    lastSeenAt: gate.lastSeenAt,
    lastServedBundleVersion: gate.lastBundleVersion === null ? null : Number(gate.lastBundleVersion),
    agentVersion: gate.agentVersion,
    heartbeat: null,
  });
}

export function mapIssuedCode(issued: IssuedEnrollmentCode): IssuedEnrollmentCodeResponse {
  return { gate: mapGate(issued.gate), enrollmentCode: issued.code, expiresAt: issued.expiresAt.toISOString() };
}
