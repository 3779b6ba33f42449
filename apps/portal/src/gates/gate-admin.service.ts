import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../admin/audit.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/app-config.module.js';
import { Clock } from '../identity/clock.js';
import type { GateEntity } from './gate.entity.js';
import { EnrollmentCodeHasher, ENROLLMENT_CODE_TTL_MS, newEnrollmentCode } from './enrollment-code.js';
import { GatesException } from './gates.exception.js';
import { GatesRepository, type GateListRow } from './gates.repository.js';
import { DEFAULT_GATE_POLICY, GatesService, type GateActor } from './gates.service.js';
import { isPlainLineText } from '../profile/dto/profile-validators.js';

/** A one-time enrollment code as shown once to the AAO: never stored, only its keyed hash is. */
export interface IssuedEnrollmentCode {
  readonly gate: GateEntity;
  readonly code: string;
  readonly expiresAt: Date;
}

const SYSTEM: GateActor = { type: 'system', id: 'gates' };

/**
 * The AAO's side of gates: create a gate by name (pending, with a one-time enrollment code), issue a new code
 * while it is pending, list gates with their last heartbeat, revoke.
 */
@Injectable()
export class GateAdminService {
  private readonly hasher: EnrollmentCodeHasher;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repository: GatesRepository,
    private readonly gates: GatesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.hasher = new EnrollmentCodeHasher(config.appSecret);
  }

  async createGate(name: string, actor: GateActor = SYSTEM): Promise<IssuedEnrollmentCode> {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 200) {
      throw new GatesException('gate-name-invalid', 'A gate name must have 1 to 200 characters, e.g. "North Entrance, Turnstile 1".');
    }
    if (!isPlainLineText(trimmed)) {
      throw new GatesException(
        'gate-name-invalid',
        'A gate name must be text on one line, without line breaks, control or bidirectional-override characters, e.g. "North Entrance, Turnstile 1".',
      );
    }
    const now = this.clock.now();
    const code = newEnrollmentCode();
    const expiresAt = new Date(now.getTime() + ENROLLMENT_CODE_TTL_MS);
    const gate = await this.repository.insertPendingGate({
      name: trimmed,
      policy: DEFAULT_GATE_POLICY,
      codeHash: this.hasher.hash(code),
      expiresAt,
      createdAt: now,
    });
    await this.record(actor, 'gate.create', gate.id, { name: trimmed, codeExpiresAt: expiresAt.toISOString() });
    return { gate, code, expiresAt };
  }

  /** A new code for a gate that has not enrolled yet; the previous code stops working. */
  async issueEnrollmentCode(id: string, actor: GateActor = SYSTEM): Promise<IssuedEnrollmentCode> {
    const code = newEnrollmentCode();
    const expiresAt = new Date(this.clock.now().getTime() + ENROLLMENT_CODE_TTL_MS);
    const gate = await this.repository.replaceEnrollmentCode(id, this.hasher.hash(code), expiresAt);
    if (!gate) {
      const existing = await this.gates.findGate(id);
      if (!existing) throw new GatesException('gate-not-found', `There is no gate ${id}.`);
      throw new GatesException(
        'gate-state-conflict',
        `Gate ${id} is ${existing.status}: enrollment codes are only for gates that have not enrolled. Create a new gate to enroll another device.`,
      );
    }
    await this.record(actor, 'gate.enrollment-code', id, { codeExpiresAt: expiresAt.toISOString() });
    return { gate, code, expiresAt };
  }

  /**
   * Sets a turnstile gate's policy (validated with the contract's gatePolicySchema). The bundle version goes up, so
   * every gate fetches it with its next bundle. A revoked gate's policy is left as it was.
   */
  async setPolicy(id: string, policy: unknown, actor: GateActor = SYSTEM): Promise<GateEntity> {
    await this.assertTurnstile(id);
    const gate = await this.gates.findGate(id);
    if (!gate) throw new GatesException('gate-not-found', `There is no gate ${id}.`);
    if (gate.status === 'revoked') {
      throw new GatesException('gate-state-conflict', `Gate ${id} is revoked: its policy no longer matters. Create a new gate instead.`);
    }
    return this.gates.setPolicy(gate.id, policy, actor);
  }

  list(): Promise<GateListRow[]> {
    return this.repository.listGates();
  }

  /**
   * Revokes a gate: its bundle and heartbeat requests are refused from then on. Events it recorded still
   * arrive through the queue and are stored flagged `gate-revoked` (they are facts of what the turnstile did).
   */
  async revoke(id: string, reason: string, actor: GateActor = SYSTEM): Promise<GateEntity> {
    await this.assertTurnstile(id);
    return this.gates.revokeGate(id, reason, actor);
  }

  /** Handheld check points share the gate table but are not gates the AAO administers here. */
  private async assertTurnstile(id: string): Promise<void> {
    const kind = await this.repository.gateKind(id);
    if (kind !== null && kind !== 'turnstile') throw new GatesException('gate-not-found', `There is no gate ${id}.`);
  }

  private async record(actor: GateActor, action: string, gateId: string, details: Record<string, unknown>): Promise<void> {
    await this.audit.record({
      actorType: actor.type,
      actorId: actor.id ?? null,
      action,
      targetType: 'gate',
      targetId: gateId,
      outcome: 'success',
      ip: actor.ip ?? null,
      details,
    });
  }
}
