import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { EcardEntity } from '../ecard/ecard.entity.js';
import { GuestPolicyEntity } from './guest-policy.entity.js';
import { PassEntity } from './pass.entity.js';

export type NewPass = Omit<PassEntity, 'status' | 'revokedAt' | 'reason'>;

/** A revoked or cancelled pass whose campus day has not passed: gates must still refuse it. */
export interface PassRevocation {
  readonly passId: string;
  readonly ecardId: number;
  readonly campusDay: number;
}

/** Work done while the host's eCard row is locked, so guest indexes and per-day limits cannot race. */
export interface GuestPassTransaction {
  /** Active guest passes of the host for the day, and the highest guest index ever used that day. */
  dayUsage(ecardId: number, campusDay: number): Promise<{ activeCount: number; maxIndex: number }>;
  insert(passes: readonly NewPass[]): Promise<void>;
}

@Injectable()
export class PassesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findEcardByAccount(accountId: string): Promise<EcardEntity | null> {
    return this.dataSource.getRepository(EcardEntity).findOne({ where: { accountId } });
  }

  async guestPolicy(): Promise<GuestPolicyEntity> {
    const policy = await this.dataSource.getRepository(GuestPolicyEntity).findOne({ where: { id: true } });
    if (!policy) throw new Error('guest_policy has no row: run the migrations');
    return policy;
  }

  findDayPass(ecardId: number, campusDay: number): Promise<PassEntity | null> {
    return this.dataSource.getRepository(PassEntity).findOne({ where: { kind: 'alumni-day', ecardId, campusDay, status: 'active' } });
  }

  /**
   * Inserts the day pass unless the eCard already has one for that day, and returns the stored one; null when
   * the eCard is no longer active. The eCard row is share-locked, so a concurrent revocation (which updates
   * that row) waits for this insert and then revokes the new pass with the others.
   */
  insertDayPass(pass: NewPass): Promise<PassEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      const rows = (await manager.query(`SELECT id FROM ecard WHERE id = $1 AND status = 'active' FOR SHARE`, [pass.ecardId])) as unknown[];
      if (rows.length === 0) return null;
      await manager
        .createQueryBuilder()
        .insert()
        .into(PassEntity)
        .values({ ...pass, status: 'active', revokedAt: null, reason: null })
        .orIgnore()
        .execute();
      return manager.getRepository(PassEntity).findOne({
        where: { kind: 'alumni-day', ecardId: pass.ecardId, campusDay: pass.campusDay, status: 'active' },
      });
    });
  }

  /** Runs `work` with the host's eCard row locked (FOR UPDATE) if it is still active; false if it is not. */
  async withActiveHost(ecardId: number, work: (tx: GuestPassTransaction) => Promise<void>): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const rows = (await manager.query(`SELECT id FROM ecard WHERE id = $1 AND status = 'active' FOR UPDATE`, [ecardId])) as unknown[];
      if (rows.length === 0) return false;
      await work(guestTransaction(manager));
      return true;
    });
  }

  listGuestPasses(ecardId: number, fromDay: number): Promise<PassEntity[]> {
    return this.dataSource
      .getRepository(PassEntity)
      .createQueryBuilder('pass')
      .where(`pass.kind = 'guest' AND pass.ecard_id = :ecardId AND pass.campus_day >= :fromDay`, { ecardId, fromDay })
      .orderBy('pass.campus_day', 'ASC')
      .addOrderBy('pass.guest_index', 'ASC')
      .getMany();
  }

  findGuestPass(id: string, ecardId: number): Promise<PassEntity | null> {
    return this.dataSource.getRepository(PassEntity).findOne({ where: { id, ecardId, kind: 'guest' } });
  }

  /**
   * Stores a pass signed anew (its key was revoked): same pass, new kid and QR text, if it still carries `oldKid`.
   * Returns the row as it now is (another request may have signed it anew first: then that one's).
   */
  async replaceSignature(id: string, oldKid: string, kid: string, qrText: string): Promise<{ pass: PassEntity | null; replaced: boolean }> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(PassEntity)
      .set({ kid, qrText })
      .where('id = :id AND kid = :oldKid', { id, oldKid })
      .execute();
    return { pass: await this.dataSource.getRepository(PassEntity).findOneBy({ id }), replaced: (result.affected ?? 0) > 0 };
  }

  findGuestPassByShareHash(hash: Buffer): Promise<PassEntity | null> {
    return this.dataSource.getRepository(PassEntity).findOne({ where: { shareTokenHash: hash, kind: 'guest' } });
  }

  /** Cancels the host's active guest pass; null when it is not theirs or no longer active. */
  async cancelGuestPass(id: string, ecardId: number, now: Date, reason: string): Promise<PassEntity | null> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(PassEntity)
      .set({ status: 'cancelled', revokedAt: now, reason })
      .where(`id = :id AND ecard_id = :ecardId AND kind = 'guest' AND status = 'active'`, { id, ecardId })
      .execute();
    return (result.affected ?? 0) > 0 ? this.findGuestPass(id, ecardId) : null;
  }

  /**
   * Revokes the active eCard and every active pass of it (its own and its guests') valid on `fromDay` or later,
   * in one transaction: either both change or neither does, so no crash can leave live passes of a revoked card.
   * Returns the revoked pass ids, or null when the eCard does not exist or is not active (nothing changed).
   */
  revokeEcard(ecardId: number, fromDay: number, now: Date, reason: string): Promise<string[] | null> {
    return this.dataSource.transaction(async (manager) => {
      const ecards = (await manager.query(
        `UPDATE ecard SET status = 'revoked', revoked_at = $2, revocation_reason = $3, updated_at = $2
          WHERE id = $1 AND status = 'active'
          RETURNING id`,
        [ecardId, now, reason],
      )) as [unknown[], number];
      if (ecards[0].length === 0) return null;
      const rows = (await manager.query(
        `UPDATE pass SET status = 'revoked', revoked_at = $3, reason = $4
          WHERE ecard_id = $1 AND campus_day >= $2 AND status = 'active'
          RETURNING id`,
        [ecardId, fromDay, now, `ecard revoked: ${reason}`],
      )) as [Array<{ id: string }>, number];
      return rows[0].map((row) => row.id);
    });
  }

  async unexpiredRevocations(today: number): Promise<PassRevocation[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, ecard_id, campus_day FROM pass WHERE status <> 'active' AND campus_day >= $1 ORDER BY campus_day, id`,
      [today],
    )) as Array<{ id: string; ecard_id: number; campus_day: number }>;
    return rows.map((row) => ({ passId: row.id, ecardId: row.ecard_id, campusDay: row.campus_day }));
  }
}

function guestTransaction(manager: EntityManager): GuestPassTransaction {
  return {
    async dayUsage(ecardId, campusDay) {
      const [row] = (await manager.query(
        `SELECT count(*) FILTER (WHERE status = 'active')::int AS active, coalesce(max(guest_index), 0)::int AS max_index
           FROM pass WHERE kind = 'guest' AND ecard_id = $1 AND campus_day = $2`,
        [ecardId, campusDay],
      )) as Array<{ active: number; max_index: number }>;
      return { activeCount: row!.active, maxIndex: row!.max_index };
    },
    async insert(passes) {
      await manager
        .getRepository(PassEntity)
        .insert(passes.map((pass) => ({ ...pass, status: 'active' as const, revokedAt: null, reason: null })));
    },
  };
}
