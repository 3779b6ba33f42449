import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import type { Institution } from './registry-row.js';
import { GraduateEntity } from './graduate.entity.js';

/** One award a graduate received. Unique per graduate, programme, award and graduation year. */
@Entity({ name: 'graduate_award' })
@Unique('graduate_award_identity_key', ['graduateId', 'programme', 'award', 'graduationYear'])
export class GraduateAwardEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'graduate_id', type: 'uuid' })
  graduateId!: string;

  @ManyToOne(() => GraduateEntity, (graduate) => graduate.awards, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'graduate_id' })
  // Relation<>: the two entity files import each other; a plain class type here would be read too early in ESM.
  graduate!: Relation<GraduateEntity>;

  @Column({ type: 'text' })
  programme!: string;

  @Column({ type: 'text' })
  award!: string;

  @Column({ type: 'text' })
  institution!: Institution;

  @Column({ name: 'graduation_year', type: 'smallint' })
  graduationYear!: number;

  /** Conferred by PolyU (always for PolyU; the registry says so for HKCC/SPEED awards). */
  @Column({ name: 'polyu_award', type: 'boolean', default: false })
  polyuAward!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
