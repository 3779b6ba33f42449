import { createHash, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { GATE_REQUEST_MAX_SKEW_SECONDS, gatePolicySchema, gateRequestSigningInput, type GatePolicy } from '@campuspass/contracts';
import { AuditService } from '../admin/audit.service.js';
import { Clock } from '../identity/clock.js';
import type { GateEntity } from './gate.entity.js';
import { GatesException } from './gates.exception.js';
import { GateKeyTakenError, GatesRepository } from './gates.repository.js';

/** Until the AAO sets one: both pass kinds, every zone bit 0 gate, always open, 60 s anti-passback. */
export const DEFAULT_GATE_POLICY: GatePolicy = { passKinds: ['alumni-day', 'guest'], zone: 0, hours: [], reEntryWindowSeconds: 60 };

// The fixed DER header of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 raw key bytes.
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const GATE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP_PATTERN = /^\d{1,12}$/;
export const EMPTY_BODY_SHA256 = createHash('sha256').update('').digest('hex');

export interface GateRegistration {
  readonly name: string;
  /** Raw 32-byte Ed25519 public key of the gate's identity key. */
  readonly publicKey: Uint8Array;
  readonly policy?: GatePolicy;
}

export interface GateActor {
  readonly type: 'staff' | 'system';
  readonly id?: string;
  readonly ip?: string | null;
}

/** A request as the gate signed it: see gateRequestSigningInput in libs/contracts. */
export interface SignedGateRequest {
  readonly gateId: string | undefined;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly method: string;
  readonly pathWithQuery: string;
  readonly bodySha256Hex: string;
  readonly ip: string | null;
}

const SYSTEM: GateActor = { type: 'system', id: 'gates' };

/** A revoked gate that keeps calling writes at most one audit row per this interval. */
export const REVOKED_REQUEST_AUDIT_INTERVAL_MS = 60_000;

/** A node:crypto key object for a gate's raw 32-byte Ed25519 public key. */
export function gatePublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

// A public key whose private half was never kept: verifying against it fails as a wrong signature does.
const NOBODYS_KEY = generateKeyPairSync('ed25519').publicKey;

/** Parses a stored or submitted policy; the error names what is wrong. */
export function parseGatePolicy(value: unknown, gateId?: string): GatePolicy {
  const parsed = gatePolicySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'policy'}: ${issue.message}`).join('; ');
  throw new GatesException('gate-policy-invalid', `The gate policy${gateId ? ` of gate ${gateId}` : ''} is not valid (${problems}).`, {
    issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  });
}

/**
 * Enrolled gates: registration (directly, or through enrollment codes: GateEnrollmentService), revocation, policy, and the
 * authentication of their signed requests.
 */
@Injectable()
export class GatesService {
  constructor(
    private readonly repository: GatesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async registerGate(registration: GateRegistration, actor: GateActor = SYSTEM): Promise<GateEntity> {
    const name = registration.name.trim();
    if (name.length < 1 || name.length > 200) {
      throw new GatesException('gate-name-invalid', 'A gate name must have 1 to 200 characters, e.g. "Main Entrance, Turnstile 1".');
    }
    if (registration.publicKey.length !== 32) {
      throw new GatesException(
        'gate-key-invalid',
        `A gate's public key must be a raw 32-byte Ed25519 key; this one has ${registration.publicKey.length} bytes.`,
      );
    }
    const policy = parseGatePolicy(registration.policy ?? DEFAULT_GATE_POLICY);
    let gate: GateEntity;
    try {
      gate = await this.repository.insertGate({
        name,
        publicKey: Buffer.from(registration.publicKey),
        policy,
        createdAt: this.clock.now(),
      });
    } catch (error) {
      if (!(error instanceof GateKeyTakenError)) throw error;
      throw new GatesException('gate-key-taken', 'Another gate is enrolled with this public key. Generate a new identity key on the gate.');
    }
    await this.record(actor, 'gate.register', gate.id, 'success', { name });
    return gate;
  }

  async revokeGate(id: string, reason: string, actor: GateActor = SYSTEM): Promise<GateEntity> {
    const gate = await this.repository.revokeGate(id, this.clock.now());
    if (!gate) {
      const existing = await this.repository.findGate(id);
      if (!existing) throw new GatesException('gate-not-found', `There is no gate ${id}.`);
      throw new GatesException('gate-state-conflict', `Gate ${id} is already revoked.`);
    }
    await this.record(actor, 'gate.revoke', id, 'success', { reason });
    return gate;
  }

  findGate(id: string): Promise<GateEntity | null> {
    return GATE_ID_PATTERN.test(id) ? this.repository.findGate(id.toLowerCase()) : Promise.resolve(null);
  }

  /** Changes the gate's policy; the bundle version goes up (a database trigger), so every gate refetches. */
  async setPolicy(id: string, policy: unknown, actor: GateActor = SYSTEM): Promise<GateEntity> {
    const parsed = parseGatePolicy(policy, id);
    const gate = await this.repository.updatePolicy(id, parsed);
    if (!gate) throw new GatesException('gate-not-found', `There is no gate ${id}.`);
    await this.record(actor, 'gate.policy', id, 'success', { policy: parsed });
    return gate;
  }

  /**
   * Checks a gate's signed request: Ed25519 signature over gateRequestSigningInput with the identity key of the
   * gate named, then the gate's status, then the timestamp (within GATE_REQUEST_MAX_SKEW_SECONDS of the portal's
   * clock). Nothing about the gate is said before its signature verifies: an unknown gate, a gate that has not
   * enrolled and a bad signature get the same 401, and a revoked gate's request is audited (at most once a minute
   * per gate) only when its signature verifies, so nobody can probe gate ids or flood the audit log. A captured
   * request can be replayed within the skew window: acceptable for the idempotent GETs gates make; requests that
   * change state must carry their own unique ids.
   */
  async authenticate(request: SignedGateRequest): Promise<GateEntity> {
    const { gateId, timestamp, signature } = request;
    if (!gateId || !timestamp || !signature) {
      throw new GatesException(
        'gate-auth-missing',
        'This address is for enrolled gates: sign the request and send the x-gate-id, x-gate-timestamp and x-gate-signature headers.',
      );
    }
    if (!GATE_ID_PATTERN.test(gateId))
      throw new GatesException('gate-auth-missing', 'x-gate-id must be the gate id (a uuid) given at enrollment.');
    if (!TIMESTAMP_PATTERN.test(timestamp)) {
      throw new GatesException('gate-auth-missing', 'x-gate-timestamp must be the Unix time in whole seconds, e.g. 1764201600.');
    }
    const signatureBytes = Buffer.from(signature, 'base64');
    if (signatureBytes.length !== 64) {
      throw new GatesException('gate-auth-missing', 'x-gate-signature must be the 64-byte Ed25519 signature in base64.');
    }
    const gate = await this.repository.findGate(gateId.toLowerCase());
    const input = Buffer.from(gateRequestSigningInput(request.method, request.pathWithQuery, timestamp, request.bodySha256Hex), 'utf8');
    // Without a key (unknown or pending gate) the check runs against a key nobody holds: same answer, similar time.
    const key = gate?.publicKey ? gatePublicKey(gate.publicKey) : NOBODYS_KEY;
    if (!verify(null, input, key, signatureBytes) || !gate?.publicKey) {
      throw new GatesException(
        'gate-signature-invalid',
        "The request's signature does not verify with the identity key of an enrolled gate of this id. Check the gate's id and key, or enroll the gate again.",
      );
    }
    if (gate.status === 'revoked') {
      if (await this.repository.claimRevokedRequestAudit(gate.id, this.clock.now(), REVOKED_REQUEST_AUDIT_INTERVAL_MS)) {
        await this.record({ type: 'system', id: 'gate-auth', ip: request.ip }, 'gate.request', gate.id, 'failure', {
          reason: 'gate-revoked',
          path: request.pathWithQuery,
        });
      }
      throw new GatesException('gate-revoked', 'This gate was revoked by the Alumni Affairs Office. Enroll it again to use it.');
    }
    const skew = Math.abs(Number(timestamp) - Math.floor(this.clock.now().getTime() / 1000));
    if (skew > GATE_REQUEST_MAX_SKEW_SECONDS) {
      throw new GatesException(
        'gate-timestamp-skewed',
        `The gate's clock is ${skew} seconds away from the portal's (at most ${GATE_REQUEST_MAX_SKEW_SECONDS} allowed). Sync the gate's clock (NTP) and retry.`,
        { portalTime: this.clock.now().toISOString() },
      );
    }
    return gate;
  }

  private async record(actor: GateActor, action: string, gateId: string, outcome: 'success' | 'failure', details: Record<string, unknown>) {
    await this.audit.record({
      actorType: action === 'gate.request' ? 'gate' : actor.type,
      actorId: action === 'gate.request' ? gateId : (actor.id ?? null),
      action,
      targetType: 'gate',
      targetId: gateId,
      outcome,
      ip: actor.ip ?? null,
      details,
    });
  }
}
