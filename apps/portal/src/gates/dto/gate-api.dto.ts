import { ApiProperty } from '@nestjs/swagger';
import type { GateEnrollRequest, GateEnrollResponse, GateHeartbeatRequest, GateHeartbeatResponse } from '@campuspass/contracts';

// OpenAPI shapes only: the bodies are validated with the zod schemas of libs/contracts gate-api.ts.

export class GateEnrollRequestBody implements GateEnrollRequest {
  @ApiProperty({ example: 'K7P2-9QXM-4TRD', description: 'The one-time code the AAO created for this gate' })
  enrollmentCode!: string;
  @ApiProperty({ description: "The gate's Ed25519 identity public key, 32 bytes as lowercase hex" })
  publicKey!: string;
  @ApiProperty({ example: '0.1.0' })
  agentVersion!: string;
}

export class GateEventQueueResponse {
  @ApiProperty({ description: "Redis URL of the gates' queue user (a secret: keep it on the gate only)" })
  redisUrl!: string;
  @ApiProperty({ description: 'BullMQ key prefix' })
  prefix!: string;
}

export class GateEnrollResponseBody implements GateEnrollResponse {
  @ApiProperty({ format: 'uuid' })
  gateId!: string;
  @ApiProperty()
  gateName!: string;
  @ApiProperty({ description: 'Bundle-signing public key (Ed25519, hex): pin it' })
  bundlePublicKey!: string;
  @ApiProperty({ description: 'kid of the bundle key (hex)' })
  bundleKid!: string;
  @ApiProperty({ type: GateEventQueueResponse })
  eventQueue!: GateEventQueueResponse;
}

export class GateHeartbeatRequestBody implements GateHeartbeatRequest {
  @ApiProperty()
  agentVersion!: string;
  @ApiProperty({ type: 'integer' })
  bundleVersion!: number;
  @ApiProperty()
  clockTrusted!: boolean;
  @ApiProperty({ type: 'integer', nullable: true })
  clockOffsetMs!: number | null;
  @ApiProperty({ type: 'integer' })
  outboxPending!: number;
  @ApiProperty()
  outboxFill!: number;
  @ApiProperty({ nullable: true, type: String })
  oldestPendingAt!: string | null;
  @ApiProperty({ enum: ['ok', 'fault', 'absent'] })
  relay!: 'ok' | 'fault' | 'absent';
  @ApiProperty({ enum: ['ok', 'fault', 'absent'] })
  passageSensor!: 'ok' | 'fault' | 'absent';
  @ApiProperty({ enum: ['ok', 'fault', 'absent'] })
  input!: 'ok' | 'fault' | 'absent';
  @ApiProperty({ enum: ['normal', 'active', 'absent'] })
  fireInput!: 'normal' | 'active' | 'absent';
  @ApiProperty({ type: 'integer' })
  uptimeSeconds!: number;
}

export class GateHeartbeatResponseBody implements GateHeartbeatResponse {
  @ApiProperty({ description: "The portal's time (ISO, UTC)" })
  portalTime!: string;
  @ApiProperty({ description: 'Ed25519 signature by the bundle key over portalTimeSigningInput, base64' })
  signature!: string;
  @ApiProperty({ type: 'integer', description: 'The newest bundle version' })
  bundleVersion!: number;
}
