import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import type { GateHeartbeatRequest, GatePolicy } from '@campuspass/contracts';
import { GateEntity } from './gate.entity.js';

export interface NewGate {
  readonly name: string;
  readonly publicKey: Buffer;
  readonly policy: GatePolicy;
  readonly createdAt: Date;
}

export interface NewPendingGate {
  readonly name: string;
  readonly policy: GatePolicy;
  readonly codeHash: Buffer;
  readonly expiresAt: Date;
  readonly createdAt: Date;
}

export type GateHealth = GateHeartbeatRequest['relay'];

/** The latest heartbeat of a gate as stored. */
export interface GateHeartbeatRow {
  readonly receivedAt: Date;
  readonly bundleVersion: number;
  readonly clockTrusted: boolean;
  readonly clockOffsetMs: number | null;
  readonly outboxPending: number;
  readonly outboxFill: number;
  readonly oldestPendingAt: Date | null;
  readonly relay: GateHealth;
  readonly passageSensor: GateHealth;
  readonly input: GateHealth;
  readonly fireInput: GateHeartbeatRequest['fireInput'];
  readonly uptimeSeconds: number;
}

/** A gate as the AAO's list shows it. */
export interface GateListRow {
  readonly id: string;
  readonly name: string;
  readonly status: GateEntity['status'];
  /** As stored (validated with gatePolicySchema when written). */
  readonly policy: unknown;
  readonly createdAt: Date;
  readonly enrolledAt: Date | null;
  readonly revokedAt: Date | null;
  readonly enrollmentExpiresAt: Date | null;
  readonly lastSeenAt: Date | null;
  readonly lastServedBundleVersion: number | null;
  readonly agentVersion: string | null;
  readonly heartbeat: GateHeartbeatRow | null;
}

/** The portal-wide bundle version, and the highest version whose change rows were pruned. */
export interface BundleState {
  readonly currentVersion: number;
  readonly prunedThrough: number;
}

export type BundleChangeKind = 'pass-issued' | 'pass-revoked' | 'keys' | 'gate-policy';

export interface BundleChange {
  readonly version: number;
  readonly kind: BundleChangeKind;
  readonly passId: string | null;
  readonly campusDay: number | null;
}

/** What a gate shows for a live pass: names from the registry, the eCard photo's thumbnail for alumni. */
export interface PassDisplayRow {
  readonly passId: string;
  readonly kind: 'alumni-day' | 'guest';
  readonly campusDay: number;
  readonly ecardId: number;
  readonly guestIndex: number | null;
  readonly guestName: string | null;
  /** The card holder (day pass) or host (guest pass), as in the graduate registry. */
  readonly holderSurname: string;
  readonly holderGivenName: string;
  readonly thumbJpeg: Buffer | null;
}

export class GateKeyTakenError extends Error {}

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class GatesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertGate(gate: NewGate): Promise<GateEntity> {
    const repository = this.dataSource.getRepository(GateEntity);
    try {
      const result = await repository.insert({ ...gate, status: 'active', revokedAt: null, lastSeenAt: null, lastBundleVersion: null });
      return repository.findOneByOrFail({ id: (result.identifiers[0] as { id: string }).id });
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new GateKeyTakenError('a gate with this public key exists');
      }
      throw error;
    }
  }

  findGate(id: string): Promise<GateEntity | null> {
    return this.dataSource.getRepository(GateEntity).findOneBy({ id });
  }

  /** Revokes the gate if it is active or pending (its unused code goes); null when it does not exist or was already revoked. */
  async revokeGate(id: string, now: Date): Promise<GateEntity | null> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(GateEntity)
      .set({ status: 'revoked', revokedAt: now, enrollmentCodeHash: null, enrollmentExpiresAt: null })
      .where(`id = :id AND status IN ('active', 'pending')`, { id })
      .execute();
    return (result.affected ?? 0) > 0 ? this.findGate(id) : null;
  }

  /** A gate waiting for enrollment: no key, the hash of its one-time code and when the code expires. */
  async insertPendingGate(gate: NewPendingGate): Promise<GateEntity> {
    const repository = this.dataSource.getRepository(GateEntity);
    const result = await repository.insert({
      name: gate.name,
      policy: gate.policy,
      createdAt: gate.createdAt,
      status: 'pending',
      publicKey: null,
      enrollmentCodeHash: gate.codeHash,
      enrollmentExpiresAt: gate.expiresAt,
      revokedAt: null,
      lastSeenAt: null,
      lastBundleVersion: null,
    });
    return repository.findOneByOrFail({ id: (result.identifiers[0] as { id: string }).id });
  }

  /** Replaces a pending gate's code; null when the gate is not pending (or does not exist). */
  async replaceEnrollmentCode(id: string, codeHash: Buffer, expiresAt: Date): Promise<GateEntity | null> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(GateEntity)
      .set({ enrollmentCodeHash: codeHash, enrollmentExpiresAt: expiresAt })
      .where(`id = :id AND status = 'pending'`, { id })
      .execute();
    return (result.affected ?? 0) > 0 ? this.findGate(id) : null;
  }

  /**
   * Binds the key to the pending gate whose unexpired code has this hash and activates it, in one statement:
   * the row lock makes the code single-use however many requests race with it. Null when no pending gate has
   * this code unexpired. Throws GateKeyTakenError when another gate holds the key (the code stays unused).
   */
  async enroll(codeHash: Buffer, publicKey: Buffer, agentVersion: string, now: Date): Promise<GateEntity | null> {
    try {
      const rows = (await this.dataSource.query(
        `UPDATE gate SET status = 'active', public_key = $2, agent_version = $3, enrolled_at = $4,
                enrollment_code_hash = NULL, enrollment_expires_at = NULL
          WHERE enrollment_code_hash = $1 AND status = 'pending' AND enrollment_expires_at > $4
          RETURNING id`,
        [codeHash, publicKey, agentVersion, now],
      )) as [Array<{ id: string }>, number];
      const id = rows[0][0]?.id;
      return id ? this.findGate(id) : null;
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new GateKeyTakenError('a gate with this public key exists');
      }
      throw error;
    }
  }

  /**
   * Records `timestamp` as the gate's last accepted state-changing request when it is newer than the previous
   * one; false when it is not (a replay, or two requests in one second).
   */
  async acceptRequestTimestamp(id: string, timestamp: number): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `UPDATE gate SET last_request_timestamp = $2
        WHERE id = $1 AND status = 'active' AND (last_request_timestamp IS NULL OR last_request_timestamp < $2)
        RETURNING id`,
      [id, timestamp],
    )) as [unknown[], number];
    return rows[0].length > 0;
  }

  /**
   * Claims the right to audit a request of this revoked gate: true for the first call, then again only once
   * `intervalMs` have passed since the last claim (one atomic update, so it holds across portal processes).
   */
  async claimRevokedRequestAudit(id: string, now: Date, intervalMs: number): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `UPDATE gate SET revoked_request_audited_at = $2
        WHERE id = $1 AND status = 'revoked'
          AND (revoked_request_audited_at IS NULL OR revoked_request_audited_at <= $2::timestamptz - make_interval(secs => $3::double precision / 1000))
        RETURNING id`,
      [id, now, intervalMs],
    )) as [unknown[], number];
    return rows[0].length > 0;
  }

  /** Stores the gate's latest heartbeat and marks it seen. */
  async saveHeartbeat(id: string, heartbeat: GateHeartbeatRequest, now: Date): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO gate_status (gate_id, received_at, agent_version, bundle_version, clock_trusted, clock_offset_ms,
                                  outbox_pending, outbox_fill, oldest_pending_at, relay, passage_sensor, input, fire_input, uptime_seconds)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (gate_id) DO UPDATE SET
           received_at = EXCLUDED.received_at, agent_version = EXCLUDED.agent_version, bundle_version = EXCLUDED.bundle_version,
           clock_trusted = EXCLUDED.clock_trusted, clock_offset_ms = EXCLUDED.clock_offset_ms,
           outbox_pending = EXCLUDED.outbox_pending, outbox_fill = EXCLUDED.outbox_fill, oldest_pending_at = EXCLUDED.oldest_pending_at,
           relay = EXCLUDED.relay, passage_sensor = EXCLUDED.passage_sensor, input = EXCLUDED.input,
           fire_input = EXCLUDED.fire_input, uptime_seconds = EXCLUDED.uptime_seconds`,
        [
          id,
          now,
          heartbeat.agentVersion,
          heartbeat.bundleVersion,
          heartbeat.clockTrusted,
          heartbeat.clockOffsetMs,
          heartbeat.outboxPending,
          heartbeat.outboxFill,
          heartbeat.oldestPendingAt,
          heartbeat.relay,
          heartbeat.passageSensor,
          heartbeat.input,
          heartbeat.fireInput,
          heartbeat.uptimeSeconds,
        ],
      );
      await manager.query(`UPDATE gate SET last_seen_at = $2, agent_version = $3 WHERE id = $1`, [id, now, heartbeat.agentVersion]);
    });
  }

  /** Every turnstile gate (not the handheld check points) with its latest heartbeat, newest first. */
  async listGates(): Promise<GateListRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT g.id, g.name, g.status, g.policy, g.created_at, g.enrolled_at, g.revoked_at, g.enrollment_expires_at, g.last_seen_at,
              g.last_bundle_version, g.agent_version,
              s.received_at, s.bundle_version, s.clock_trusted, s.clock_offset_ms, s.outbox_pending, s.outbox_fill,
              s.oldest_pending_at, s.relay, s.passage_sensor, s.input, s.fire_input, s.uptime_seconds
         FROM gate g LEFT JOIN gate_status s ON s.gate_id = g.id
        WHERE g.kind = 'turnstile'
        ORDER BY g.created_at DESC, g.id`,
    )) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      id: row.id as string,
      name: row.name as string,
      status: row.status as GateEntity['status'],
      policy: row.policy,
      createdAt: row.created_at as Date,
      enrolledAt: row.enrolled_at as Date | null,
      revokedAt: row.revoked_at as Date | null,
      enrollmentExpiresAt: row.enrollment_expires_at as Date | null,
      lastSeenAt: row.last_seen_at as Date | null,
      lastServedBundleVersion: row.last_bundle_version === null ? null : Number(row.last_bundle_version),
      agentVersion: row.agent_version as string | null,
      heartbeat:
        row.received_at === null
          ? null
          : {
              receivedAt: row.received_at as Date,
              bundleVersion: Number(row.bundle_version),
              clockTrusted: row.clock_trusted as boolean,
              clockOffsetMs: row.clock_offset_ms === null ? null : Number(row.clock_offset_ms),
              outboxPending: row.outbox_pending as number,
              outboxFill: row.outbox_fill as number,
              oldestPendingAt: row.oldest_pending_at as Date | null,
              relay: row.relay as GateHealth,
              passageSensor: row.passage_sensor as GateHealth,
              input: row.input as GateHealth,
              fireInput: row.fire_input as GateHeartbeatRequest['fireInput'],
              uptimeSeconds: Number(row.uptime_seconds),
            },
    }));
  }

  /** 'turnstile' or 'handheld' (a check point without a turnstile); null when there is no such gate. */
  async gateKind(id: string): Promise<string | null> {
    const rows = (await this.dataSource.query(`SELECT kind FROM gate WHERE id = $1`, [id])) as Array<{ kind: string }>;
    return rows[0]?.kind ?? null;
  }

  /** Sets the policy (a trigger bumps the bundle version when it differs); null when there is no such gate. */
  async updatePolicy(id: string, policy: GatePolicy): Promise<GateEntity | null> {
    const result = await this.dataSource.query(`UPDATE gate SET policy = $2::jsonb WHERE id = $1 RETURNING id`, [
      id,
      JSON.stringify(policy),
    ]);
    return (result as [unknown[], number])[0].length > 0 ? this.findGate(id) : null;
  }

  async recordServed(id: string, version: number, now: Date): Promise<void> {
    await this.dataSource.query(`UPDATE gate SET last_seen_at = $2, last_bundle_version = $3 WHERE id = $1`, [id, now, version]);
  }

  async bundleState(): Promise<BundleState> {
    const [row] = (await this.dataSource.query(`SELECT current_version, pruned_through FROM bundle_state`)) as Array<{
      current_version: string;
      pruned_through: string;
    }>;
    if (!row) throw new Error('bundle_state has no row: run the migrations');
    return { currentVersion: Number(row.current_version), prunedThrough: Number(row.pruned_through) };
  }

  /** When the change of this version was made; null when there is no such version (pruned, or never made). */
  async changeTime(version: number): Promise<Date | null> {
    const [row] = (await this.dataSource.query(`SELECT created_at FROM bundle_change WHERE version = $1`, [version])) as Array<{
      created_at: Date;
    }>;
    return row?.created_at ?? null;
  }

  /** Changes with `after` < version ≤ `upTo`, in version order. */
  async changesBetween(after: number, upTo: number): Promise<BundleChange[]> {
    const rows = (await this.dataSource.query(
      `SELECT version, kind, pass_id, campus_day FROM bundle_change WHERE version > $1 AND version <= $2 ORDER BY version`,
      [after, upTo],
    )) as Array<{ version: string; kind: BundleChangeKind; pass_id: string | null; campus_day: number | null }>;
    return rows.map((row) => ({ version: Number(row.version), kind: row.kind, passId: row.pass_id, campusDay: row.campus_day }));
  }

  /**
   * Display data of live (active) passes, either every one valid on `days` or the given ids. The thumbnail is
   * the card's current photo unless that one was rejected, else the last approved photo.
   */
  async livePassDisplay(filter: { days: readonly number[] } | { ids: readonly string[] }): Promise<PassDisplayRow[]> {
    const [condition, parameter] =
      'days' in filter ? ['p.campus_day = ANY($1::int[])', filter.days] : ['p.id = ANY($1::uuid[])', filter.ids];
    const rows = (await this.dataSource.query(
      `SELECT p.id, p.kind, p.campus_day, p.ecard_id, p.guest_index, p.guest_name, g.surname, g.given_name,
              CASE WHEN p.kind = 'alumni-day' THEN coalesce(
                (SELECT ph.thumb_jpeg FROM ecard_photo ph WHERE ph.id = e.current_photo_id AND ph.review_status IN ('pending', 'approved')),
                (SELECT ph.thumb_jpeg FROM ecard_photo ph WHERE ph.ecard_id = e.id AND ph.review_status = 'approved'
                  ORDER BY ph.reviewed_at DESC NULLS LAST LIMIT 1)) END AS thumb
         FROM pass p
         JOIN ecard e ON e.id = p.ecard_id
         JOIN graduate g ON g.id = e.graduate_id
        WHERE p.status = 'active' AND ${condition}
        ORDER BY p.campus_day, p.ecard_id, p.kind, p.guest_index NULLS FIRST`,
      [parameter],
    )) as Array<{
      id: string;
      kind: 'alumni-day' | 'guest';
      campus_day: number;
      ecard_id: number;
      guest_index: number | null;
      guest_name: string | null;
      surname: string;
      given_name: string;
      thumb: Buffer | null;
    }>;
    return rows.map((row) => ({
      passId: row.id,
      kind: row.kind,
      campusDay: row.campus_day,
      ecardId: row.ecard_id,
      guestIndex: row.guest_index,
      guestName: row.guest_name,
      holderSurname: row.surname,
      holderGivenName: row.given_name,
      thumbJpeg: row.thumb,
    }));
  }

  /**
   * Deletes change rows made before `before` (never the current version's, which dates the current state) and
   * raises `pruned_through` to the highest deleted version: a delta from a base at or below it is no longer
   * possible. Returns how many rows went.
   */
  async pruneChanges(before: Date): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `WITH gone AS (
           DELETE FROM bundle_change
            WHERE created_at < $1 AND version < (SELECT current_version FROM bundle_state)
            RETURNING version)
         SELECT count(*)::int AS n, max(version) AS through FROM gone`,
        [before],
      )) as Array<{ n: number; through: string | null }>;
      const { n, through } = rows[0]!;
      if (through !== null) {
        await manager.query(`UPDATE bundle_state SET pruned_through = greatest(pruned_through, $1::bigint) WHERE id`, [through]);
      }
      return n;
    });
  }
}
