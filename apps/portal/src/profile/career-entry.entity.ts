import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Industry } from '@campuspass/contracts';

/** One job an alumnus held or holds. */
@Entity({ name: 'alumni_career_entry' })
export class CareerEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ type: 'text' })
  employer!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  industry!: Industry;

  /** `YYYY-MM` */
  @Column({ name: 'from_month', type: 'text' })
  fromMonth!: string;

  /** `YYYY-MM`; null for the current job. */
  @Column({ name: 'to_month', type: 'text', nullable: true })
  toMonth!: string | null;

  @Column({ type: 'boolean' })
  current!: boolean;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
