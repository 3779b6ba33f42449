import { Inject, Injectable, Logger } from '@nestjs/common';
import { bytesToHex } from '@campuspass/pass-token';
import {
  gateEnrollRequestSchema,
  gateEnrollResponseSchema,
  gateHeartbeatRequestSchema,
  gateHeartbeatResponseSchema,
  portalTimeSigningInput,
  type GateEnrollResponse,
  type GateHeartbeatResponse,
} from '@campuspass/contracts';
import type { z } from 'zod';
import { AuditService } from '../admin/audit.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/app-config.module.js';
import { Clock } from '../identity/clock.js';
import type { RateLimitRule } from '../identity/identity.constants.js';
import { RateLimitService } from '../identity/rate-limit.service.js';
import { isKeysException } from '../keys/keys.exception.js';
import { KeysService, type ActiveSigner } from '../keys/keys.service.js';
import type { GateEntity } from './gate.entity.js';
import { EnrollmentCodeHasher } from './enrollment-code.js';
import { GatesException, type GatesErrorCode } from './gates.exception.js';
import { GateKeyTakenError, GatesRepository } from './gates.repository.js';

/** Per client address, counted in PostgreSQL: a gate enrolls once; guessing a 59-bit code needs far more. */
export const GATE_RATE_LIMITS = {
  enrollPerIp: { name: 'gate-enroll:ip', limit: 10, windowMs: 15 * 60_000 },
} as const satisfies Record<string, RateLimitRule>;

/** Parses a gate's request body; the 400 names every wrong field. */
function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown, code: GatesErrorCode, what: string): z.infer<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || 'body', message: issue.message }));
  throw new GatesException(code, `${what} is not valid (${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}).`, {
    issues,
  });
}

/**
 * What gates call besides the bundle: enrollment with a one-time code (public, rate limited) and the signed
 * heartbeat, whose answer carries the portal's time signed with the bundle key.
 */
@Injectable()
export class GateApiService {
  private readonly logger = new Logger(GateApiService.name);
  private readonly hasher: EnrollmentCodeHasher;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: GatesRepository,
    private readonly keys: KeysService,
    private readonly rateLimits: RateLimitService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.hasher = new EnrollmentCodeHasher(config.appSecret);
  }

  /**
   * Binds the gate's public key to the pending gate whose code it presents and activates it. Every failure of
   * the code (unknown, mistyped, used, expired, gate revoked) gets the same answer, so codes cannot be probed.
   */
  async enroll(body: unknown, ip: string | null): Promise<GateEnrollResponse> {
    await this.rateLimits.consume(GATE_RATE_LIMITS.enrollPerIp, `ip:${ip ?? 'unknown'}`, 'gate enrollment attempts from your network');
    const request = parseBody(gateEnrollRequestSchema, body, 'gate-enroll-invalid', 'The enrollment request');
    // Before the code is used: a gate that cannot pin a bundle key must be able to retry with the same code.
    const signer = await this.bundleSigner();
    let gate: GateEntity | null;
    try {
      gate = await this.repository.enroll(
        this.hasher.hash(request.enrollmentCode),
        Buffer.from(request.publicKey, 'hex'),
        request.agentVersion,
        this.clock.now(),
      );
    } catch (error) {
      if (!(error instanceof GateKeyTakenError)) throw error;
      await this.record(null, 'failure', ip, { reason: 'gate-key-taken' });
      throw new GatesException('gate-key-taken', 'Another gate is enrolled with this public key. Generate a new identity key on the gate.');
    }
    if (!gate) {
      await this.record(null, 'failure', ip, { reason: 'enrollment-code-invalid' });
      throw new GatesException(
        'enrollment-code-invalid',
        'This enrollment code is not valid: it may be mistyped, already used or expired (codes last 24 hours). Ask the Alumni Affairs Office for a new code.',
      );
    }
    await this.record(gate.id, 'success', ip, { name: gate.name, agentVersion: request.agentVersion });
    return gateEnrollResponseSchema.parse({
      gateId: gate.id,
      gateName: gate.name,
      bundlePublicKey: bytesToHex(signer.signer.publicKey),
      bundleKid: signer.kid,
      eventQueue: { redisUrl: this.config.gates.eventQueueRedisUrl.reveal(), prefix: this.config.redis.prefix },
    });
  }

  /**
   * Stores the gate's health and answers with the portal's time signed by the bundle key. `timestamp` is the
   * request's x-gate-timestamp (already authenticated): it must be newer than the last heartbeat's, so a
   * captured heartbeat cannot be replayed within the signature's skew window.
   */
  async heartbeat(gate: GateEntity, timestamp: string | undefined, body: unknown): Promise<GateHeartbeatResponse> {
    const heartbeat = parseBody(gateHeartbeatRequestSchema, body, 'gate-heartbeat-invalid', 'The heartbeat');
    if (!(await this.repository.acceptRequestTimestamp(gate.id, Number(timestamp)))) {
      this.logger.warn({ msg: 'gate heartbeat replayed or not newer than the last one', gateId: gate.id, timestamp });
      throw new GatesException(
        'gate-request-replayed',
        'This heartbeat is not newer than the last one accepted from this gate (x-gate-timestamp must increase). Send a new one.',
      );
    }
    const now = this.clock.now();
    await this.repository.saveHeartbeat(gate.id, heartbeat, now);
    const signer = await this.bundleSigner();
    const portalTime = now.toISOString();
    const signature = Buffer.from(
      signer.signer.sign(Buffer.from(portalTimeSigningInput(gate.id, portalTime, String(timestamp)), 'utf8')),
    ).toString('base64');
    const { currentVersion } = await this.repository.bundleState();
    return gateHeartbeatResponseSchema.parse({ portalTime, signature, bundleVersion: currentVersion });
  }

  private async bundleSigner(): Promise<ActiveSigner> {
    try {
      return await this.keys.bundleSigner();
    } catch (error) {
      if (!isKeysException(error) || error.code !== 'no-active-key') throw error;
      throw new GatesException(
        'bundle-unavailable',
        'The portal has no bundle-signing key yet, so a gate cannot be enrolled or given the time. Try again after the key rotation has run.',
      );
    }
  }

  private async record(gateId: string | null, outcome: 'success' | 'failure', ip: string | null, details: Record<string, unknown>) {
    await this.audit.record({
      actorType: 'gate',
      actorId: gateId,
      action: 'gate.enroll',
      targetType: 'gate',
      targetId: gateId,
      outcome,
      ip,
      details,
    });
  }
}
