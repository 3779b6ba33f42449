import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { StaffAccountEntity } from './staff-account.entity.js';

export type NewStaffAccount = Pick<StaffAccountEntity, 'email' | 'name' | 'role' | 'passwordHash' | 'createdAt' | 'updatedAt'>;

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
}
