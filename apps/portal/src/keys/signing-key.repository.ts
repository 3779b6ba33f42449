import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { SealedPrivateKey } from './private-key-cipher.js';
import { SigningKeyEntity, type KeyPurpose, type KeyStatus } from './signing-key.entity.js';

// Any constant of our own: serialises rotations across every portal process sharing the database.
const ROTATION_LOCK = 0x4350_4b52; // "CPKR"

export interface NewSigningKey {
  readonly id: string;
  readonly purpose: KeyPurpose;
  readonly kid: string;
  readonly publicKey: Uint8Array;
  readonly sealed: SealedPrivateKey;
  readonly status: 'next' | 'active';
  readonly notBeforeDay: number | null;
  readonly createdAt: Date;
}

export type KeyChange = Partial<
  Pick<SigningKeyEntity, 'status' | 'notBeforeDay' | 'notAfterDay' | 'activatedAt' | 'retiredAt' | 'revokedAt' | 'revocationReason'>
>;

/** Signing-key rows inside one rotation transaction (which holds the rotation lock). */
export class SigningKeyTransaction {
  constructor(private readonly manager: EntityManager) {}

  /** The key of this purpose and status (next or active: at most one each), locked until the transaction ends. */
  findCurrent(purpose: KeyPurpose, status: 'next' | 'active'): Promise<SigningKeyEntity | null> {
    return this.manager
      .createQueryBuilder(SigningKeyEntity, 'key')
      .where('key.purpose = :purpose AND key.status = :status', { purpose, status })
      .setLock('pessimistic_write')
      .getOne();
  }

  findById(id: string): Promise<SigningKeyEntity | null> {
    return this.manager.createQueryBuilder(SigningKeyEntity, 'key').where('key.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  async insert(key: NewSigningKey): Promise<SigningKeyEntity> {
    await this.manager.insert(SigningKeyEntity, {
      id: key.id,
      purpose: key.purpose,
      kid: key.kid,
      publicKey: Buffer.from(key.publicKey),
      privateKeyNonce: key.sealed.nonce,
      privateKeySealed: key.sealed.ciphertext,
      privateKeyTag: key.sealed.tag,
      status: key.status,
      notBeforeDay: key.notBeforeDay,
      createdAt: key.createdAt,
      activatedAt: key.status === 'active' ? key.createdAt : null,
    });
    return (await this.findById(key.id))!;
  }

  /** Every key with its sealed private half, oldest first, each row locked until the transaction ends (keys:rewrap). */
  async findAllSealed(): Promise<{ key: SigningKeyEntity; sealed: SealedPrivateKey }[]> {
    const rows = await this.manager
      .createQueryBuilder(SigningKeyEntity, 'key')
      .addSelect(['key.privateKeyNonce', 'key.privateKeySealed', 'key.privateKeyTag'])
      .orderBy('key.created_at', 'ASC')
      .addOrderBy('key.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
    return rows.map((row) => {
      const sealed = { nonce: row.privateKeyNonce, ciphertext: row.privateKeySealed, tag: row.privateKeyTag };
      // The entity handed on carries no private material, like every other read of this repository.
      const key = Object.assign(new SigningKeyEntity(), row);
      delete (key as Partial<SigningKeyEntity>).privateKeyNonce;
      delete (key as Partial<SigningKeyEntity>).privateKeySealed;
      delete (key as Partial<SigningKeyEntity>).privateKeyTag;
      return { key, sealed };
    });
  }

  /** Replaces the sealed private half of a key (the same private key, sealed anew under another key-encryption key). */
  async updateSealed(id: string, sealed: SealedPrivateKey): Promise<void> {
    await this.manager.update(
      SigningKeyEntity,
      { id },
      { privateKeyNonce: sealed.nonce, privateKeySealed: sealed.ciphertext, privateKeyTag: sealed.tag },
    );
  }

  async update(id: string, change: KeyChange): Promise<SigningKeyEntity> {
    await this.manager.update(SigningKeyEntity, { id }, change);
    return (await this.findById(id))!;
  }
}

/** The only place that reads or writes signing_key. */
@Injectable()
export class SigningKeyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in a transaction that holds the rotation lock: concurrent rotations run one after another. */
  withRotationLock<T>(work: (keys: SigningKeyTransaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [ROTATION_LOCK]);
      return work(new SigningKeyTransaction(manager));
    });
  }

  /** Every key, newest first, without private material. */
  list(): Promise<SigningKeyEntity[]> {
    return this.dataSource.getRepository(SigningKeyEntity).find({ order: { createdAt: 'DESC', id: 'ASC' } });
  }

  findById(id: string): Promise<SigningKeyEntity | null> {
    return this.dataSource.getRepository(SigningKeyEntity).findOneBy({ id });
  }

  findByStatus(purpose: KeyPurpose, status: KeyStatus): Promise<SigningKeyEntity | null> {
    return this.dataSource.getRepository(SigningKeyEntity).findOneBy({ purpose, status });
  }

  /** Which of these kids belong to a revoked pass key: passes they signed must be signed anew before they are shown. */
  async revokedPassKids(kids: readonly string[]): Promise<Set<string>> {
    if (kids.length === 0) return new Set();
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT kid FROM signing_key WHERE purpose = 'pass' AND status = 'revoked' AND kid = ANY($1::text[])`,
      [[...new Set(kids)]],
    )) as { kid: string }[];
    return new Set(rows.map((row) => row.kid));
  }

  /** Pass keys a gate must trust on `today`: next, active, and retired ones whose passes can still be valid. */
  findPublishedPassKeys(today: number): Promise<SigningKeyEntity[]> {
    return (
      this.dataSource
        .getRepository(SigningKeyEntity)
        .createQueryBuilder('key')
        .where(`key.purpose = 'pass'`)
        .andWhere(`(key.status IN ('next', 'active') OR (key.status = 'retired' AND key.last_signed_day >= :today))`, { today })
        // Oldest role first (retired, active, next), then by age: a stable order for the bundle.
        .orderBy(`CASE key.status WHEN 'retired' THEN 0 WHEN 'active' THEN 1 ELSE 2 END`, 'ASC')
        .addOrderBy('key.created_at', 'ASC')
        .addOrderBy('key.id', 'ASC')
        .getMany()
    );
  }

  /** The sealed private key of one row (the only query that reads those columns). */
  async findSealed(id: string): Promise<SealedPrivateKey | null> {
    const row = await this.dataSource
      .getRepository(SigningKeyEntity)
      .createQueryBuilder('key')
      .select(['key.id', 'key.privateKeyNonce', 'key.privateKeySealed', 'key.privateKeyTag'])
      .where('key.id = :id', { id })
      .getOne();
    return row ? { nonce: row.privateKeyNonce, ciphertext: row.privateKeySealed, tag: row.privateKeyTag } : null;
  }

  /**
   * Records that the key is about to sign a pass valid on `day`, if it is still active. False when a rotation
   * retired it meanwhile (the row lock orders this against the rotation, so a retired key's not-after day
   * always covers every pass it signed).
   */
  async recordSigning(id: string, day: number): Promise<boolean> {
    const result = await this.dataSource.query(
      `UPDATE signing_key SET last_signed_day = GREATEST(COALESCE(last_signed_day, $2), $2)
        WHERE id = $1 AND status = 'active' RETURNING id`,
      [id, day],
    );
    const rows = Array.isArray(result[0]) ? (result[0] as unknown[]) : (result as unknown[]);
    return rows.length > 0;
  }
}
