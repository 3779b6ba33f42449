import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An award, honour or other achievement an alumnus wants to show. */
@Entity({ name: 'alumni_achievement' })
export class AchievementEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'smallint' })
  year!: number;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
