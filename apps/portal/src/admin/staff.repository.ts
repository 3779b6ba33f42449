import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { StaffRole } from '../identity/roles.js';
import { StaffAccountEntity } from './staff-account.entity.js';

export type NewStaffAccount = Pick<StaffAccountEntity, 'email' | 'name' | 'role' | 'passwordHash' | 'createdAt' | 'updatedAt'>;

export interface StaffAccountChange {
  readonly role?: StaffRole;
  readonly active?: boolean;
  readonly updatedAt: Date;
}

/** Reads and writes inside one transaction that holds the staff-roles lock (see withRolesLock). */
export interface StaffRolesTransaction {
  findById(id: string): Promise<StaffAccountEntity | null>;
  countActiveAdmins(): Promise<number>;
  update(id: string, change: StaffAccountChange): Promise<StaffAccountEntity>;
  /** Ends every open session of the staff member; returns how many ended. */
  endSessions(id: string, at: Date, reason: string): Promise<number>;
}

// Any transaction id: only this repository takes it, to serialise role and activity changes.
const STAFF_ROLES_LOCK = 'campuspass.staff-roles';

function rolesTransaction(manager: EntityManager): StaffRolesTransaction {
  const accounts = manager.getRepository(StaffAccountEntity);
  return {
    findById: (id) => accounts.findOneBy({ id }),
    countActiveAdmins: () => accounts.countBy({ role: 'aao-admin', active: true }),
    async update(id, change) {
      await accounts.update({ id }, change);
      return accounts.findOneByOrFail({ id });
    },
    async endSessions(id, at, reason) {
      const result = (await manager.query(
        `UPDATE auth_session SET revoked_at = $2, revoked_reason = $3
          WHERE subject_type = 'staff' AND subject_id = $1 AND revoked_at IS NULL`,
        [id, at, reason],
      )) as [unknown[], number];
      return result[1];
    },
  };
}

@Injectable()
export class StaffRepository {
  constructor(@InjectRepository(StaffAccountEntity) private readonly staff: Repository<StaffAccountEntity>) {}

  async insert(account: NewStaffAccount): Promise<StaffAccountEntity> {
    const saved = await this.staff.save(this.staff.create({ ...account, active: true }));
    return { ...saved, passwordHash: '' };
  }

  async existsWithEmail(email: string): Promise<boolean> {
    return this.staff.existsBy({ email });
  }

  findById(id: string): Promise<StaffAccountEntity | null> {
    return this.staff.findOneBy({ id });
  }

  findByEmail(email: string): Promise<StaffAccountEntity | null> {
    return this.staff.findOneBy({ email });
  }

  /** With the password hash, for signing in. */
  findByEmailWithPassword(email: string): Promise<StaffAccountEntity | null> {
    return this.staff.createQueryBuilder('staff').addSelect('staff.passwordHash').where('staff.email = :email', { email }).getOne();
  }

  /** Every staff account, the oldest first. */
  list(): Promise<StaffAccountEntity[]> {
    return this.staff.find({ order: { createdAt: 'ASC', email: 'ASC' } });
  }

  /**
   * Runs `work` in a transaction holding the staff-roles lock, so two changes (two admins demoting each other at
   * once) cannot both see a second active admin. Account updates and ended sessions commit together.
   */
  withRolesLock<T>(work: (staff: StaffRolesTransaction) => Promise<T>): Promise<T> {
    return this.staff.manager.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [STAFF_ROLES_LOCK]);
      return work(rolesTransaction(manager));
    });
  }
}
