import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Education elsewhere than in the registry (another university, a professional qualification). */
@Entity({ name: 'alumni_education_entry' })
export class EducationEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ type: 'text' })
  institution!: string;

  @Column({ type: 'text' })
  qualification!: string;

  @Column({ name: 'from_year', type: 'smallint' })
  fromYear!: number;

  /** Null while still studying. */
  @Column({ name: 'to_year', type: 'smallint', nullable: true })
  toYear!: number | null;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
