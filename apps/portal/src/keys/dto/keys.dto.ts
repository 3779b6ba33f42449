import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { KEY_PURPOSES, KEY_STATUSES, type KeyPurpose, type KeyStatus } from '../signing-key.entity.js';
import { REVOCATION_REASON_MAX, REVOCATION_REASON_MIN, type KeyChangeRecord, type KeyView, type RotationResult } from '../keys.service.js';
import { IsPlainText } from '../../profile/dto/profile-validators.js';

export class RotateKeysDto {
  @ApiPropertyOptional({
    description:
      'Promote the next key now instead of waiting for the lead time and interval. Gates that have not synced since it was published refuse its passes until they sync. The old key is retired, not revoked: it stays trusted for the passes it signed.',
  })
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

export class RevokeKeyDto {
  @ApiProperty({
    description: 'Why the key is revoked, for the key list and the audit log (e.g. "private key exposed in a backup")',
    minLength: REVOCATION_REASON_MIN,
    maxLength: REVOCATION_REASON_MAX,
  })
  @IsString({ message: 'reason is required: say why the key is revoked, e.g. "private key exposed in a backup"' })
  @Length(REVOCATION_REASON_MIN, REVOCATION_REASON_MAX, {
    message: `reason must have ${REVOCATION_REASON_MIN} to ${REVOCATION_REASON_MAX} characters, e.g. "private key exposed in a backup"`,
  })
  @IsPlainText({
    message: 'reason must be text without control or bidirectional-override characters, e.g. "private key exposed in a backup"',
  })
  reason!: string;
}

export class SigningKeyResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ enum: KEY_PURPOSES })
  purpose!: KeyPurpose;
  @ApiProperty({ description: 'Key id carried in passes: hex of the first 8 bytes of SHA-256(public key)' })
  kid!: string;
  @ApiProperty({ enum: KEY_STATUSES })
  status!: KeyStatus;
  @ApiProperty({ description: 'Ed25519 public key, base64 (32 bytes)' })
  publicKey!: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'First campus day (days since 1970-01-01, Hong Kong) it may sign for' })
  notBeforeDay!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Last campus day it may sign for (set when retired)' })
  notAfterDay!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Latest campus day a pass it signed is valid for' })
  lastSignedDay!: number | null;
  @ApiProperty()
  createdAt!: string;
  @ApiProperty({ nullable: true, type: String })
  activatedAt!: string | null;
  @ApiProperty({ nullable: true, type: String })
  retiredAt!: string | null;
  @ApiProperty({ nullable: true, type: String })
  revokedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why it was revoked (revoked keys only)' })
  revocationReason!: string | null;
}

export class KeyChangeResponse {
  @ApiProperty({ enum: ['created', 'activated', 'retired', 'revoked'] })
  action!: KeyChangeRecord['action'];
  @ApiProperty({ type: SigningKeyResponse })
  key!: SigningKeyResponse;
}

export class RotationResponse {
  @ApiProperty({ type: [KeyChangeResponse], description: 'What changed; empty when nothing was due' })
  changes!: KeyChangeResponse[];
}

export function mapSigningKey(key: KeyView): SigningKeyResponse {
  return {
    id: key.id,
    purpose: key.purpose,
    kid: key.kid,
    status: key.status,
    publicKey: key.publicKey,
    notBeforeDay: key.notBeforeDay,
    notAfterDay: key.notAfterDay,
    lastSignedDay: key.lastSignedDay,
    createdAt: key.createdAt.toISOString(),
    activatedAt: key.activatedAt?.toISOString() ?? null,
    retiredAt: key.retiredAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    revocationReason: key.revocationReason,
  };
}

export function mapRotation(result: RotationResult): RotationResponse {
  return { changes: result.changes.map((change) => ({ action: change.action, key: mapSigningKey(change.key) })) };
}
