import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { GraduateAwardEntity } from './graduate-award.entity.js';

/**
 * A person in the university's graduate registry (imported by the AAO): the source of truth for who is an
 * alumnus. Rows are keyed by student number; a person has one or more awards.
 */
@Entity({ name: 'graduate' })
export class GraduateEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Upper case, as normalised by the import. */
  @Column({ name: 'student_number', type: 'text', unique: true })
  studentNumber!: string;

  /** As the registry spells it (trimmed); compare through surnameKey. */
  @Column({ type: 'text' })
  surname!: string;

  @Column({ name: 'given_name', type: 'text' })
  givenName!: string;

  /** nameKey(surname): NFKC, trimmed, spaces collapsed, lower case. */
  @Column({ name: 'surname_key', type: 'text' })
  surnameKey!: string;

  @Column({ name: 'given_name_key', type: 'text' })
  givenNameKey!: string;

  /** `YYYY-MM-DD` (a `date` column, read as text so no time zone can shift it). */
  @Column({ name: 'date_of_birth', type: 'date' })
  dateOfBirth!: string;

  /** HMAC-SHA256 of the normalised HKID number; the number itself is never stored. Not selected by default. */
  @Column({ name: 'personal_id_hash', type: 'bytea', nullable: true, select: false })
  personalIdHash!: Buffer | null;

  /** The university's email on record, shown masked during "Register Email". */
  @Column({ type: 'text', nullable: true })
  email!: string | null;

  /** Lower case. Graduates of 2011 or later keep it as their Alumni NetID. */
  @Column({ name: 'student_net_id', type: 'text', nullable: true })
  studentNetId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @OneToMany(() => GraduateAwardEntity, (award) => award.graduate)
  awards!: Relation<GraduateAwardEntity[]>;
}
