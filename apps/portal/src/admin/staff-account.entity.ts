import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { StaffRole } from '../identity/roles.js';

/** A member of staff who signs in with a password and an emailed code. The email is stored lower-cased. */
@Entity({ name: 'staff_account' })
export class StaffAccountEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  role!: StaffRole;

  /** argon2id, PHC string. Never selected unless asked for. */
  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
