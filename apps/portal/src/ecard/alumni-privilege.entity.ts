import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One alumni privilege shown beside the eCard (AAO-managed, in English and Traditional Chinese). */
@Entity({ name: 'alumni_privilege' })
export class AlumniPrivilegeEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'title_en', type: 'text' })
  titleEn!: string;

  @Column({ name: 'title_zh_hant', type: 'text' })
  titleZhHant!: string;

  @Column({ name: 'description_en', type: 'text' })
  descriptionEn!: string;

  @Column({ name: 'description_zh_hant', type: 'text' })
  descriptionZhHant!: string;

  @Column({ name: 'sort_order', type: 'integer' })
  sortOrder!: number;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
